//! The case filters `run`, `list` and `mutants` share.

use clap::Args;

use super::error::CliError;
use authconform::level::Level;
use authconform::scenario::LoadedSuite;
use authconform::scenario::select::{Glob, Selection};

/// Values of one filter are alternatives; different filters must all hold. A selected case also
/// brings the cases it is compared with, and in a suite that runs in file order the cases before it.
#[derive(Args, Default)]
#[command(next_help_heading = "Selecting cases")]
pub struct SelectArgs {
    /// Only cases whose name matches GLOB (`*`, `?`); `SUITE/CASE` when it has a `/`. Repeatable.
    #[arg(long = "case", value_name = "GLOB")]
    cases: Vec<String>,
    /// Only suites whose name matches GLOB, e.g. `chroma-*`. Repeatable.
    #[arg(long = "suite", value_name = "GLOB")]
    suites: Vec<String>,
    /// Only cases with this tag, their own or their suite's (e.g. `jwt`, `fuzz`, `uniform`).
    /// Repeatable.
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// Only cases of this level: must, should or compat. Repeatable.
    #[arg(long = "level", value_name = "LEVEL", value_parser = parse_level)]
    levels: Vec<Level>,
    /// Only this auth mode of each suite (e.g. `basic`). Repeatable.
    #[arg(long = "mode", value_name = "MODE")]
    modes: Vec<String>,
}

fn parse_level(text: &str) -> Result<Level, String> {
    Level::ALL
        .into_iter()
        .find(|l| l.name() == text)
        .ok_or_else(|| format!("unknown level {text:?}: expected must, should or compat"))
}

impl SelectArgs {
    pub fn selection(&self) -> Selection {
        Selection {
            cases: self.cases.iter().map(|g| Glob::new(g)).collect(),
            suites: self.suites.iter().map(|g| Glob::new(g)).collect(),
            tags: self.tags.clone(),
            levels: self.levels.clone(),
            modes: self.modes.clone(),
        }
    }

    /// Narrows `suites` to the selection; `None` when there are no filters, else the selection
    /// as the report names it. A selection of nothing is bad input (exit 2), said with what it
    /// was chosen from.
    pub fn apply(&self, suites: &mut Vec<LoadedSuite>) -> Result<Option<String>, CliError> {
        let selection = self.selection();
        if selection.is_empty() {
            return Ok(None);
        }
        let (suite_count, case_count) = (
            suites.len(),
            suites.iter().map(|s| s.suite.cases.len()).sum::<usize>(),
        );
        let picked = selection.apply(suites);
        if suites.is_empty() {
            return Err(CliError::BadInput(format!(
                "{} selects no case of the {case_count} in {suite_count} suites (`authconform list` names them)",
                selection.describe()
            )));
        }
        if !picked.brought_in.is_empty() {
            eprintln!(
                "note: {} more case(s) run because a selected case is compared with them or follows them: {}",
                picked.brought_in.len(),
                picked.brought_in.join(", ")
            );
        }
        Ok(Some(format!(
            "{} ({} of {case_count} cases{})",
            selection.describe(),
            picked.matched,
            if picked.brought_in.is_empty() {
                String::new()
            } else {
                format!(", {} more they need", picked.brought_in.len())
            }
        )))
    }
}
