//! Requirement coverage: the catalogue of requirements (`requirements/*.yaml`, one file per spec
//! source) and which cases test each, matched through the cases' `ref`. Loading reads files;
//! matching and rendering are pure.

mod render;

pub use render::{render_json, render_text};

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::level::Level;
use crate::scenario::diagnostic::{Diagnostic, Diagnostics};
use crate::scenario::load::{Document, LoadedSuite, discover, parse_yaml_as, read_text};
use crate::scenario::model::Spanned;

/// Where the catalogue lives when no `--requirements` is given.
pub const DEFAULT_DIR: &str = "requirements";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub id: String,
    pub level: Level,
    pub text: String,
    /// A case covers the requirement when its `ref` contains one of these (case-insensitive).
    pub matches: Vec<String>,
    /// The spec the requirement comes from, as the file names it.
    pub source: String,
    pub file: PathBuf,
    pub line: u64,
}

impl Requirement {
    pub fn covers(&self, reference: &str) -> bool {
        let reference = reference.to_lowercase();
        self.matches
            .iter()
            .any(|m| reference.contains(&m.to_lowercase()))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueFile {
    source: String,
    requirements: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: Spanned<String>,
    level: Level,
    text: String,
    matches: Vec<String>,
}

/// Every requirement of the `.yaml` files under `dir`, in file order; ids must be unique.
pub fn load_catalogue(dir: &Path) -> Result<Vec<Requirement>, Diagnostics> {
    let files = discover(&[dir.to_path_buf()])?;
    catalogue_of(files.into_iter().map(|path| {
        let text = read_text(&path);
        (path, text)
    }))
}

/// The catalogue compiled into the binary (`requirements/` as built).
pub fn builtin_catalogue() -> Result<Vec<Requirement>, Diagnostics> {
    catalogue_of(
        crate::builtin::REQUIREMENTS
            .iter()
            .map(|(path, text)| (PathBuf::from(path), Ok((*text).to_owned()))),
    )
}

/// The catalogue named by `--requirements`, else the built-in one.
pub fn catalogue(dir: Option<&Path>) -> Result<Vec<Requirement>, Diagnostics> {
    match dir {
        Some(dir) => load_catalogue(dir),
        None => builtin_catalogue(),
    }
}

fn catalogue_of(
    files: impl Iterator<Item = (PathBuf, Result<String, Diagnostic>)>,
) -> Result<Vec<Requirement>, Diagnostics> {
    let mut out: Vec<Requirement> = Vec::new();
    let mut problems = Vec::new();
    for (path, text) in files {
        let parsed = text.and_then(|text| {
            let file: CatalogueFile = parse_yaml_as(&path, &text, Document::Requirements)?;
            Ok((text, file))
        });
        let (text, file) = match parsed {
            Ok(p) => p,
            Err(d) => {
                problems.push(d);
                continue;
            }
        };
        for entry in file.requirements {
            let at = entry.id.referenced;
            let problem = if out.iter().any(|r| r.id == entry.id.value) {
                Some("is used twice")
            } else if entry.matches.iter().any(|m| m.trim().is_empty()) || entry.matches.is_empty()
            {
                Some("needs `matches`: non-empty texts a covering case's `ref` contains")
            } else {
                None
            };
            if let Some(problem) = problem {
                problems.push(
                    Diagnostic::new(&path, format!("requirement {:?} {problem}", entry.id.value))
                        .at(&text, at.line(), at.column())
                        .hint("each requirement has a unique id and at least one match"),
                );
                continue;
            }
            out.push(Requirement {
                id: entry.id.value,
                level: entry.level,
                text: entry.text,
                matches: entry.matches,
                source: file.source.clone(),
                file: path.clone(),
                line: at.line(),
            });
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Diagnostics(problems))
    }
}

/// The ids of the requirements a case with this `ref` covers.
pub fn requirements_of<'a>(catalogue: &'a [Requirement], reference: &str) -> Vec<&'a str> {
    catalogue
        .iter()
        .filter(|r| r.covers(reference))
        .map(|r| r.id.as_str())
        .collect()
}

/// One case as coverage sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CaseRef {
    /// `suite/case`.
    pub id: String,
    pub level: Level,
    #[serde(rename = "ref")]
    pub reference: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub requirements: Vec<Requirement>,
    /// Per requirement (same order), the cases that cover it.
    pub cases: Vec<Vec<CaseRef>>,
    /// Cases whose `ref` matches no requirement.
    pub unmapped: Vec<CaseRef>,
}

impl Coverage {
    /// `must` requirements that no case tests.
    pub fn uncovered_must(&self) -> Vec<&Requirement> {
        self.requirements
            .iter()
            .zip(&self.cases)
            .filter(|(r, cases)| r.level == Level::Must && cases.is_empty())
            .map(|(r, _)| r)
            .collect()
    }
}

/// Which cases of `suites` cover which requirement.
pub fn cover(requirements: Vec<Requirement>, suites: &[LoadedSuite]) -> Coverage {
    let mut cases = vec![Vec::new(); requirements.len()];
    let mut unmapped = Vec::new();
    for loaded in suites {
        for case in &loaded.suite.cases {
            let case_ref = CaseRef {
                id: format!("{}/{}", loaded.suite.suite.value, case.name.value),
                level: case.level.value,
                reference: case.reference_text(),
            };
            let mut matched = false;
            for (requirement, list) in requirements.iter().zip(cases.iter_mut()) {
                if requirement.covers(&case_ref.reference) {
                    list.push(case_ref.clone());
                    matched = true;
                }
            }
            if !matched {
                unmapped.push(case_ref);
            }
        }
    }
    Coverage {
        requirements,
        cases,
        unmapped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requirement(id: &str, level: Level, matches: &[&str]) -> Requirement {
        Requirement {
            id: id.into(),
            level,
            text: format!("text of {id}"),
            matches: matches.iter().map(|m| m.to_string()).collect(),
            source: "jwt.md".into(),
            file: "requirements/jwt.yaml".into(),
            line: 3,
        }
    }

    fn suite(cases: &[(&str, &str)]) -> LoadedSuite {
        let mut text = String::from("suite: s\ndialect: generic\nmodes: [jwt]\ncases:\n");
        for (name, reference) in cases {
            text.push_str(&format!(
                "  - {{name: {name}, level: must, ref: {reference:?}, request: {{endpoint: protected}}, expect: {{status: not 2xx}}}}\n"
            ));
        }
        let suite = crate::scenario::load::parse_suite(Path::new("s.yaml"), &text).unwrap();
        LoadedSuite {
            path: "s.yaml".into(),
            text,
            suite,
        }
    }

    fn uncovered_ids(coverage: &Coverage) -> Vec<&str> {
        coverage
            .uncovered_must()
            .iter()
            .map(|r| r.id.as_str())
            .collect()
    }

    #[test]
    fn cases_cover_requirements_through_their_ref_case_insensitively() {
        let catalogue = vec![
            requirement("jwt/alg-none", Level::Must, &["jwt.md#alg none"]),
            requirement("jwt/exp", Level::Must, &["jwt.md#exp"]),
            requirement("jwt/crit", Level::Should, &["jwt.md#crit"]),
        ];
        let suites = [suite(&[
            ("a", "JWT.md#alg NONE (any spelling)"),
            ("b", "jwt.md#exp in the past; jwt.md#alg none"),
            ("c", "somewhere else"),
        ])];
        let coverage = cover(catalogue, &suites);
        let ids =
            |i: usize| -> Vec<&str> { coverage.cases[i].iter().map(|c| c.id.as_str()).collect() };
        assert_eq!(ids(0), ["s/a", "s/b"]);
        assert_eq!(ids(1), ["s/b"]);
        assert!(ids(2).is_empty());
        assert_eq!(coverage.unmapped[0].id, "s/c");
        let uncovered = uncovered_ids(&coverage);
        assert!(
            uncovered.is_empty(),
            "crit is should, not must: {uncovered:?}"
        );
    }

    #[test]
    fn the_shipped_catalogue_loads_and_every_must_requirement_is_tested() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let catalogue = load_catalogue(&root.join(DEFAULT_DIR)).expect("catalogue loads");
        assert!(catalogue.len() >= 40, "{} requirements", catalogue.len());
        let suites = crate::scenario::load_all(&[root.join("scenarios")]).expect("suites load");
        let coverage = cover(catalogue, &suites);
        let uncovered = uncovered_ids(&coverage);
        assert!(
            uncovered.is_empty(),
            "must requirements no case tests: {uncovered:?}"
        );
        let unmapped: Vec<&str> = coverage.unmapped.iter().map(|c| c.id.as_str()).collect();
        assert!(
            unmapped.is_empty(),
            "cases whose ref no requirement matches: {unmapped:?}"
        );
    }

    #[test]
    fn a_duplicate_id_or_an_empty_match_is_refused_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("x.yaml"),
            "source: x.md\nrequirements:\n  - {id: a, level: must, text: t, matches: [x]}\n  - {id: a, level: must, text: t, matches: [y]}\n  - {id: b, level: should, text: t, matches: []}\n",
        )
        .unwrap();
        let text = load_catalogue(dir.path()).unwrap_err().to_string();
        assert!(text.contains(r#"requirement "a" is used twice"#), "{text}");
        assert!(text.contains(":4:"), "{text}");
        assert!(
            text.contains(r#"requirement "b" needs `matches`"#),
            "{text}"
        );
    }
}
