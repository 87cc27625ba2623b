//! Finding scenario files and turning their text into a [`Suite`], with positioned errors.

use std::path::{Path, PathBuf};

use super::model::Suite;
use super::validate::validate;
use crate::diagnostic::{Diagnostic, Diagnostics};

pub use crate::input::{
    MAX_FILE_BYTES, MAX_REPORT_BYTES, discover, read_input, read_input_text, read_text,
};
pub use crate::yaml::{Document, parse_yaml, parse_yaml_as};
use crate::yaml::{explain, strip_position_suffix};

pub struct LoadedSuite {
    pub path: PathBuf,
    pub text: String,
    pub suite: Suite,
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
