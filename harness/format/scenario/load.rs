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

/// Which kind of input file a YAML text is, so that errors point at the right document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    Scenario,
    Target,
    Profile,
    Requirements,
}

impl Document {
    /// The manual's section for this kind of file.
    pub fn manual(self) -> &'static str {
        match self {
            Document::Scenario => "docs/scenario-format.md",
            Document::Target => "docs/target-files.md",
            Document::Profile => "docs/dialects.md § Dialect profiles",
            Document::Requirements => "docs/reports.md § Requirement coverage",
        }
    }

    /// What the file is, for messages: "a suite file", "a target file"…
    fn what(self) -> &'static str {
        match self {
            Document::Scenario => "a suite file",
            Document::Target => "a target file",
            Document::Profile => "a profile file",
            Document::Requirements => "a requirement catalogue",
        }
    }

    fn outline(self) -> &'static str {
        match self {
            Document::Scenario => "`suite: …`, `dialect: …`, `modes: […]`, `cases: […]`",
            Document::Target => {
                "`name: …`, `dialect: …`, then `base_url: …` with `modes: […]`, or `launch: …`"
            }
            Document::Profile => "`name: …`, `endpoints: …`, `modes: …`",
            Document::Requirements => "`requirements: […]`",
        }
    }
}

/// Deserializes YAML text into `T`, turning the parser's error into a positioned diagnostic whose
/// hint names the manual of `kind`.
pub fn parse_yaml_as<T: DeserializeOwned>(
    path: &Path,
    text: &str,
    kind: Document,
) -> Result<T, Diagnostic> {
    serde_saphyr::from_str_with_options(text, serde_saphyr::Options::default()).map_err(|e| {
        let raw = e.without_snippet().to_string();
        let message = strip_position_suffix(&raw);
        let (message, hint) = explain(message, kind, text);
        let diagnostic = Diagnostic::new(path, message).hint(hint);
        match e.location() {
            Some(l) if l.line() > 0 => diagnostic.at(text, l.line(), l.column()),
            _ => diagnostic,
        }
    })
}

/// [`parse_yaml_as`] for scenario files.
pub fn parse_yaml<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, Diagnostic> {
    parse_yaml_as(path, text, Document::Scenario)
}

fn strip_position_suffix(message: &str) -> &str {
    match message.find(" at line ") {
        Some(i) if message[i..].contains(", column ") => &message[..i],
        _ => message,
    }
}

/// Rewrites the parser's wording where it names our internal types or the library's API, and
/// picks a hint that names the manual of `kind`.
fn explain(message: &str, kind: Document, text: &str) -> (String, String) {
    let untagged = |ty: &str| message.contains(&format!("untagged enum {ty}"));
    let manual = kind.manual();
    if let Some(breach) = message.strip_prefix("budget breached: ") {
        let uses_aliases = text.contains('*') && text.contains('&');
        let size = ["Events", "Nodes", "ScalarBytes", "Documents"]
            .iter()
            .any(|k| breach.starts_with(k));
        return if size && !uses_aliases {
            (
                "the file holds more YAML than the parser's budget allows (nodes, events or text)"
                    .into(),
                "split it into several files".into(),
            )
        } else if breach.starts_with("Depth") || breach.starts_with("InclusionDepth") {
            (
                "the YAML nests deeper than the parser allows".into(),
                "flatten the nesting".into(),
            )
        } else {
            (
                "the YAML expands beyond the parser's budget through its anchors and aliases"
                    .into(),
                "the document expands to too much data (an alias bomb?): write it out plainly"
                    .into(),
            )
        };
    }
    if message.starts_with("multiple YAML documents") {
        return (
            format!(
                "the file holds more than one YAML document (`---`); {} is one document",
                kind.what()
            ),
            "put each suite in a file of its own, or remove the `---` line".into(),
        );
    }
    if let Some(rest) = message.strip_prefix("invalid ") {
        let integer = ["u8", "u16", "u32", "u64", "usize", "i32", "i64"]
            .iter()
            .find(|t| rest == **t || rest.ends_with(&format!("expected {t}")));
        if let Some(ty) = integer {
            let most = match *ty {
                "u8" => "255",
                "u16" => "65535",
                "u32" => "4294967295",
                "i32" => "2147483647",
                _ => "18446744073709551615",
            };
            return (
                format!("expected a whole number from 0 to {most} here"),
                format!(
                    "write a plain whole number (no exponent, no fraction); {manual} gives each key's range"
                ),
            );
        }
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
        // The file itself is not a mapping when its first line of content is not a key.
        let first = text
            .lines()
            .map(str::trim_end)
            .find(|l| !l.trim_start().is_empty() && !l.trim_start().starts_with('#'))
            .unwrap_or("");
        let whole_file = !(first.starts_with(|c: char| c.is_alphanumeric()) && first.contains(':'));
        let hint = if whole_file {
            format!(
                "{} is a mapping ({}); see {manual}",
                kind.what(),
                kind.outline()
            )
        } else {
            format!("this key takes a mapping (`{{ key: value }}`); see {manual}")
        };
        return ("expected a mapping here".into(), hint);
    }
    if untagged("HeaderSpec") {
        return (
            "a header expectation must be `present`, `absent` or a rule".into(),
            "write `present`, `absent`, or `{equals: …}`, `{contains: …}`, `{matches: <regex>}`"
                .into(),
        );
    }
    let hint = if message.starts_with("unknown field") {
        format!("remove the key or fix its spelling; {manual} lists every key")
    } else if message.starts_with("missing field") {
        format!("add the key; {manual} shows a complete example")
    } else if message.starts_with("unknown variant") {
        "use one of the values listed".into()
    } else if message.starts_with("unknown dialect") {
        "use one of the dialects listed (`authconform dialects` describes them)".into()
    } else if message.starts_with("invalid type") {
        format!("check the value's type against {manual}")
    } else if message.contains("duplicate") {
        "each key may appear once in a mapping".into()
    } else {
        "check the YAML syntax (indentation, quoting, unclosed brackets) near this place".into()
    };
    (message.to_owned(), hint)
}

/// Parses and validates one scenario file from its text.
pub fn parse_suite(path: &Path, text: &str) -> Result<Suite, Diagnostics> {
    if text.trim().is_empty() {
        let d = Diagnostic::new(path, "the file is empty").hint(
            "a suite needs `suite`, `dialect`, `modes` and `cases`; see docs/scenario-format.md",
        );
        return Err(Diagnostics(vec![d]));
    }
    let mut suite: Suite = parse_yaml(path, text).map_err(|first| {
        let mut all = vec![first];
        for more in case_by_case(path, text) {
            if !all
                .iter()
                .any(|d| d.line == more.line && d.message == more.message)
            {
                all.push(more);
            }
        }
        all.sort_by_key(|d| (d.line, d.column));
        Diagnostics(all)
    })?;
    let mut problems = super::expand::expand(&mut suite, path, text);
    // A generated case and its sibling (a matrix cell and its exact-status case) share a request:
    // one problem in it is reported once.
    for d in validate(&suite, path, text) {
        if !problems
            .iter()
            .any(|p| p.line == d.line && p.column == d.column && p.message == d.message)
        {
            problems.push(d);
        }
    }
    if problems.is_empty() {
        Ok(suite)
    } else {
        Err(Diagnostics(problems))
    }
}

/// The problems of each case of a suite that does not parse, each case parsed on its own: the
/// parser stops at a file's first error, and a user fixing a file wants all of them at once.
/// Only block-style case lists (`- name: …` items) are split; anything else gives nothing more.
fn case_by_case(path: &Path, text: &str) -> Vec<Diagnostic> {
    #[derive(serde::Deserialize)]
    struct Outline {
        #[serde(default)]
        cases: Vec<serde_saphyr::Spanned<serde::de::IgnoredAny>>,
    }
    let Ok(outline) = serde_saphyr::from_str::<Outline>(text) else {
        return Vec::new();
    };
    let lines: Vec<&str> = text.lines().collect();
    let starts: Vec<usize> = outline
        .cases
        .iter()
        .map(|c| c.referenced.line() as usize)
        .collect();
    let block_style = starts.iter().zip(&outline.cases).all(|(&line, case)| {
        let column = case.referenced.column() as usize;
        line >= 1
            && lines.get(line - 1).is_some_and(|l| {
                l.get(..column.saturating_sub(1))
                    .is_some_and(|before| before.trim_end().ends_with('-'))
            })
    });
    if !block_style || starts.windows(2).any(|w| w[0] >= w[1]) {
        return Vec::new();
    }
    let mut problems = Vec::new();
    for (i, &start) in starts.iter().enumerate() {
        let end = match starts.get(i + 1) {
            Some(&next) => next - 1,
            // The last case ends at the next top-level key, or the end of the file.
            None => (start..lines.len())
                .find(|&n| {
                    lines[n]
                        .chars()
                        .next()
                        .is_some_and(|c| !c.is_whitespace() && c != '#' && c != '-')
                })
                .unwrap_or(lines.len()),
        };
        let snippet = lines[start - 1..end].join("\n");
        if let Err(e) = serde_saphyr::from_str::<Vec<super::model::Case>>(&snippet) {
            let raw = e.without_snippet().to_string();
            let message = strip_position_suffix(&raw);
            if message.contains("alias") || message.contains("anchor") {
                continue;
            }
            let (message, hint) = explain(message, Document::Scenario, text);
            let mut d = Diagnostic::new(path, message).hint(hint);
            if let Some(l) = e.location().filter(|l| l.line() > 0) {
                d = d.at(text, l.line() + start as u64 - 1, l.column());
            }
            problems.push(d);
        }
    }
    problems
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
    load_files(discover(paths)?)
}

/// Loads the suite files `files`, reporting the problems of all of them at once.
pub fn load_files(files: Vec<PathBuf>) -> Result<Vec<LoadedSuite>, Diagnostics> {
    load_texts(files.into_iter().map(|path| {
        let text = read_text(&path);
        (path, text)
    }))
}

/// Loads suites compiled into a binary, as (path, text) pairs; their paths are the repository's.
pub fn load_embedded(suites: &[(&str, &str)]) -> Result<Vec<LoadedSuite>, Diagnostics> {
    load_texts(
        suites
            .iter()
            .map(|(path, text)| (PathBuf::from(path), Ok((*text).to_owned()))),
    )
}

/// Suites from (path, text) pairs, the names unique across them.
fn load_texts(
    files: impl Iterator<Item = (PathBuf, Result<String, Diagnostic>)>,
) -> Result<Vec<LoadedSuite>, Diagnostics> {
    let mut suites: Vec<LoadedSuite> = Vec::new();
    let mut problems = Vec::new();
    for (path, text) in files {
        let text = match text {
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
