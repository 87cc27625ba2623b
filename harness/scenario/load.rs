//! Finding scenario files and turning their text into a [`Suite`], with positioned errors.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::diagnostic::{Diagnostic, Diagnostics};
use super::model::Suite;
use super::validate::validate;

/// Larger input files are refused before parsing.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

pub struct LoadedSuite {
    pub path: PathBuf,
    pub text: String,
    pub suite: Suite,
}

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
                Diagnostic::new(path, no_such(&e))
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
                            self.problems.push(Diagnostic::new(&path, no_such(&e)));
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

fn no_such(e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::NotFound {
        "no such file or directory".into()
    } else {
        format!("cannot read: {e}")
    }
}

/// The one way authconform reads an input file (scenarios, targets, profiles, CA and key files,
/// baselines, reports): a regular file only (a FIFO, a device or a socket is refused, and opening
/// never blocks), at most `limit` bytes, checked before and while reading.
pub fn read_input(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| no_such(&e))?;
    let meta = file.metadata().map_err(|e| format!("cannot read: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{} is not a regular file", kind_of(&meta)));
    }
    if meta.len() > limit {
        return Err(format!(
            "file is {} bytes; input files are limited to {limit} bytes",
            meta.len()
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "file grew past {limit} bytes while being read; input files are limited to that"
        ));
    }
    Ok(bytes)
}

/// [`read_input`] for text: UTF-8, at most `limit` bytes; errors name the file.
pub fn read_input_text(path: &Path, limit: u64) -> Result<String, String> {
    let bytes = read_input(path, limit).map_err(|e| format!("{}: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|_| format!("{}: file is not UTF-8 text", path.display()))
}

/// Reports read back (`compare`, `baseline`) may be larger than a scenario file.
pub const MAX_REPORT_BYTES: u64 = 256 * 1024 * 1024;

/// Reads a text input file through [`read_input`], refusing ones too large or not UTF-8.
pub fn read_text(path: &Path) -> Result<String, Diagnostic> {
    let bytes = read_input(path, MAX_FILE_BYTES).map_err(|e| {
        let d = Diagnostic::new(path, e.clone());
        if e.starts_with("file is") {
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

/// Deserializes YAML text into `T`, turning the parser's error into a positioned diagnostic.
pub fn parse_yaml<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, Diagnostic> {
    serde_saphyr::from_str_with_options(text, serde_saphyr::Options::default()).map_err(|e| {
        let raw = e.without_snippet().to_string();
        let message = strip_position_suffix(&raw);
        let (message, hint) = explain(message);
        let diagnostic = Diagnostic::new(path, message).hint(hint);
        match e.location() {
            Some(l) if l.line() > 0 => diagnostic.at(text, l.line(), l.column()),
            _ => diagnostic,
        }
    })
}

fn strip_position_suffix(message: &str) -> &str {
    match message.find(" at line ") {
        Some(i) if message[i..].contains(", column ") => &message[..i],
        _ => message,
    }
}

/// Rewrites the parser's wording where it names our internal types, and picks a hint.
fn explain(message: &str) -> (String, String) {
    let untagged = |ty: &str| message.contains(&format!("untagged enum {ty}"));
    if message.starts_with("budget breached") {
        return (
            "the YAML expands beyond the parser's budget (nodes, aliases or depth)".into(),
            "the document expands to too much data (an alias bomb?): write it out plainly".into(),
        );
    }
    if untagged("StatusSpec") {
        return (
            "`status` must be a code, a list of codes or a class".into(),
            "write `status: 200`, `status: [401, 403]` or `status: 4xx`".into(),
        );
    }
    if untagged("Verify") {
        return (
            "`verify` must be true, false or the path of a CA file".into(),
            "write `verify: true`, `verify: false` or `verify: \"{{ tls.ca }}\"`".into(),
        );
    }
    if let Some(key) = message.strip_prefix("duplicate mapping key: ") {
        let key = key.split(',').next().unwrap_or(key);
        return (
            format!("the key `{key}` appears twice in this mapping"),
            "each key may appear once in a mapping".into(),
        );
    }
    if message.starts_with("expected mapping") {
        return (
            "expected a mapping here".into(),
            "a suite file is a mapping (`suite: …`, `dialect: …`, `modes: […]`, `cases: […]`); see README § Scenario format".into(),
        );
    }
    if untagged("HeaderSpec") {
        return (
            "a header expectation must be `present`, `absent` or a rule".into(),
            "write `present`, `absent`, or `{equals: …}`, `{contains: …}`, `{matches: <regex>}`"
                .into(),
        );
    }
    let hint = if message.starts_with("unknown field") {
        "remove the key or fix its spelling; README § Scenario format lists every key"
    } else if message.starts_with("missing field") {
        "add the key; README § Scenario format shows a complete example"
    } else if message.starts_with("unknown variant") {
        "use one of the values listed"
    } else if message.starts_with("invalid type") {
        "check the value's type against README § Scenario format"
    } else if message.contains("budget") || message.contains("alias") {
        "the document expands to too much data (an alias bomb?): write it out plainly"
    } else if message.contains("duplicate") {
        "each key may appear once in a mapping"
    } else {
        "check the YAML syntax (indentation, quoting, unclosed brackets) near this place"
    };
    (message.to_owned(), hint.to_owned())
}

/// Parses and validates one scenario file from its text.
pub fn parse_suite(path: &Path, text: &str) -> Result<Suite, Diagnostics> {
    if text.trim().is_empty() {
        let d = Diagnostic::new(path, "the file is empty").hint(
            "a suite needs `suite`, `dialect`, `modes` and `cases`; see README § Scenario format",
        );
        return Err(Diagnostics(vec![d]));
    }
    let mut suite: Suite = parse_yaml(path, text).map_err(|d| Diagnostics(vec![d]))?;
    let mut problems = super::expand::expand(&mut suite, path, text);
    problems.extend(validate(&suite, path, text));
    if problems.is_empty() {
        Ok(suite)
    } else {
        Err(Diagnostics(problems))
    }
}

/// The scenario loader's fuzz entry: any bytes in, a suite or rendered diagnostics out, never a panic.
pub fn fuzz_entry(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data)
        && let Err(problems) = parse_suite(Path::new("fuzz.yaml"), text)
    {
        let _ = problems.to_string();
    }
}

/// Loads every suite under `paths`, reporting the problems of all files at once.
pub fn load_all(paths: &[PathBuf]) -> Result<Vec<LoadedSuite>, Diagnostics> {
    let files = discover(paths)?;
    let mut suites: Vec<LoadedSuite> = Vec::new();
    let mut problems = Vec::new();
    for path in files {
        let text = match read_text(&path) {
            Ok(text) => text,
            Err(d) => {
                problems.push(d);
                continue;
            }
        };
        match parse_suite(&path, &text) {
            Ok(suite) => {
                if let Some(other) = suites
                    .iter()
                    .find(|s| s.suite.suite.value == suite.suite.value)
                {
                    let at = &suite.suite.referenced;
                    problems.push(
                        Diagnostic::new(
                            &path,
                            format!("suite name {:?} is already used", suite.suite.value),
                        )
                        .at(&text, at.line(), at.column())
                        .hint(format!(
                            "{} has the same name; suite names must be unique",
                            other.path.display()
                        )),
                    );
                }
                suites.push(LoadedSuite { path, text, suite });
            }
            Err(Diagnostics(mut d)) => problems.append(&mut d),
        }
    }
    if problems.is_empty() {
        Ok(suites)
    } else {
        Err(Diagnostics(problems))
    }
}
