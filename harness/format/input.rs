//! Reading input files safely: directories expanded (links kept inside, loops reported), special
//! files refused without blocking, sizes bounded, text decoded.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics};

/// Larger input files are refused before parsing.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Expands directories into the `.yaml`/`.yml` files below them, sorted; files are kept as given.
/// Below a named directory, symbolic links are followed only when they stay inside it, each
/// directory is read once (a link loop is reported, not followed), and only regular files count.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Diagnostics> {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let before = found.len();
                let root = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
                let mut walk = Walk {
                    root: &root,
                    seen: std::collections::HashSet::new(),
                    found: &mut found,
                    problems: &mut problems,
                };
                walk.dir(path, 0);
                if found.len() == before {
                    problems.push(Diagnostic::new(
                        path,
                        "no scenario files (*.yaml, *.yml) in this directory",
                    ));
                }
            }
            Ok(meta) if meta.is_file() => found.push(path.clone()),
            Ok(meta) => problems.push(
                Diagnostic::new(path, format!("{} is not a regular file", kind_of(&meta)))
                    .hint("name scenario files or directories that hold them, e.g. `scenarios/`"),
            ),
            Err(e) => problems.push(
                Diagnostic::new(path, no_such(e).to_string())
                    .hint("name scenario files or directories that hold them, e.g. `scenarios/`"),
            ),
        }
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(Diagnostics(problems))
    }
}

/// Directories deeper than this below a named one are not read.
const MAX_DEPTH: usize = 32;

struct Walk<'a> {
    /// The named directory, canonical: links may not lead out of it.
    root: &'a Path,
    /// Canonical directories already read: a second visit is a link loop.
    seen: std::collections::HashSet<PathBuf>,
    found: &'a mut Vec<PathBuf>,
    problems: &'a mut Vec<Diagnostic>,
}

impl Walk<'_> {
    fn dir(&mut self, dir: &Path, depth: usize) {
        let canonical = match std::fs::canonicalize(dir) {
            Ok(c) => c,
            Err(e) => {
                return self
                    .problems
                    .push(Diagnostic::new(dir, format!("cannot read directory: {e}")));
            }
        };
        if !self.seen.insert(canonical) {
            return self.problems.push(
                Diagnostic::new(
                    dir,
                    "a symbolic link loop leads back to a directory already read",
                )
                .hint("remove the link; each scenario directory is read once"),
            );
        }
        if depth > MAX_DEPTH {
            return self.problems.push(Diagnostic::new(
                dir,
                format!("directories nest deeper than {MAX_DEPTH} levels"),
            ));
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                return self
                    .problems
                    .push(Diagnostic::new(dir, format!("cannot read directory: {e}")));
            }
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            let is_yaml = matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml")
            );
            let link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
            if link {
                match std::fs::canonicalize(&path) {
                    Ok(to) if to.starts_with(self.root) => {}
                    Ok(to) => {
                        if is_yaml || to.is_dir() {
                            self.problems.push(
                                Diagnostic::new(
                                    &path,
                                    format!(
                                        "a symbolic link out of {} (to {}) is not followed",
                                        self.root.display(),
                                        to.display()
                                    ),
                                )
                                .hint("copy the file into the scenario directory, or name it on the command line"),
                            );
                        }
                        continue;
                    }
                    Err(e) => {
                        if is_yaml {
                            self.problems
                                .push(Diagnostic::new(&path, no_such(e).to_string()));
                        }
                        continue;
                    }
                }
            }
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                self.dir(&path, depth + 1);
            } else if is_yaml && meta.is_file() {
                self.found.push(path);
            } else if is_yaml {
                self.problems.push(
                    Diagnostic::new(&path, format!("{} is not a regular file", kind_of(&meta)))
                        .hint("scenario files are regular files; remove or rename this one"),
                );
            }
        }
    }
}

/// "a FIFO", "a character device"… for a file that is not regular.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_dir() {
        "a directory"
    } else {
        "this"
    }
}

/// Why an input file was not read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("no such file or directory")]
    NotFound,
    #[error("cannot read: {0}")]
    Unreadable(#[source] std::io::Error),
    #[error("{0} is not a regular file")]
    NotRegular(&'static str),
    #[error("file is {size} bytes; input files are limited to {limit} bytes")]
    TooLarge { size: u64, limit: u64 },
    #[error("file grew past {limit} bytes while being read; input files are limited to that")]
    Grew { limit: u64 },
    #[error("file is not UTF-8 text")]
    NotUtf8,
}

/// [`InputError`] with the file it is about.
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", path.display())]
pub struct InputFileError {
    pub path: PathBuf,
    #[source]
    pub source: InputError,
}

fn no_such(e: std::io::Error) -> InputError {
    if e.kind() == std::io::ErrorKind::NotFound {
        InputError::NotFound
    } else {
        InputError::Unreadable(e)
    }
}

/// The one way authconform reads an input file (scenarios, targets, profiles, CA and key files,
/// baselines, reports): a regular file only (a FIFO, a device or a socket is refused, and opening
/// never blocks), at most `limit` bytes, checked before and while reading.
pub fn read_input(path: &Path, limit: u64) -> Result<Vec<u8>, InputError> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(no_such)?;
    let meta = file.metadata().map_err(InputError::Unreadable)?;
    if !meta.is_file() {
        return Err(InputError::NotRegular(kind_of(&meta)));
    }
    if meta.len() > limit {
        return Err(InputError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(InputError::Unreadable)?;
    if bytes.len() as u64 > limit {
        return Err(InputError::Grew { limit });
    }
    Ok(bytes)
}

/// [`read_input`] for text: UTF-8, at most `limit` bytes; errors name the file.
pub fn read_input_text(path: &Path, limit: u64) -> Result<String, InputFileError> {
    let failed = |source| InputFileError {
        path: path.to_owned(),
        source,
    };
    let bytes = read_input(path, limit).map_err(failed)?;
    String::from_utf8(bytes).map_err(|_| failed(InputError::NotUtf8))
}

/// Reports read back (`compare`, `baseline`) may be larger than a scenario file.
pub const MAX_REPORT_BYTES: u64 = 256 * 1024 * 1024;

/// Reads a text input file through [`read_input`], refusing ones too large or not UTF-8.
pub fn read_text(path: &Path) -> Result<String, Diagnostic> {
    let bytes = read_input(path, MAX_FILE_BYTES).map_err(|e| {
        let large = matches!(e, InputError::TooLarge { .. } | InputError::Grew { .. });
        let d = Diagnostic::new(path, e.to_string());
        if large {
            d.hint("split the suite into several files")
        } else {
            d
        }
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let text = String::from_utf8_lossy(good);
        let line = text.matches('\n').count() as u64 + 1;
        let column = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
        Diagnostic::new(path, "file is not UTF-8 text")
            .at(&text, line, column)
            .hint("scenario and target files are YAML, which must be UTF-8")
    })
}
