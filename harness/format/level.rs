//! Conformance levels (`docs/spec/README.md`) and the gate that decides which failures fail a run.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Security-relevant: a target that fails one is not conformant.
    Must,
    /// Protocol hygiene from the RFCs.
    Should,
    /// The exact observable behaviour of one dialect and version.
    Compat,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Must, Level::Should, Level::Compat];

    pub fn name(self) -> &'static str {
        match self {
            Level::Must => "must",
            Level::Should => "should",
            Level::Compat => "compat",
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The set of levels whose failures make the run exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gate {
    must: bool,
    should: bool,
    compat: bool,
}

impl Default for Gate {
    fn default() -> Self {
        Gate {
            must: true,
            should: false,
            compat: false,
        }
    }
}

/// A word of `--fail-on` that names no level.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown level {0:?}: expected must, should or compat")]
pub struct UnknownLevel(pub String);

impl Gate {
    /// `must`, `should` or `compat` name a threshold (that level and every level above it, in the
    /// order must > should > compat); a comma-separated list such as `must,compat` names exactly
    /// those levels.
    pub fn parse(text: &str) -> Result<Gate, UnknownLevel> {
        let words: Vec<&str> = text.split(',').map(str::trim).collect();
        let level_of = |w: &str| match w {
            "must" => Ok(Level::Must),
            "should" => Ok(Level::Should),
            "compat" => Ok(Level::Compat),
            other => Err(UnknownLevel(other.to_owned())),
        };
        if let [word] = words.as_slice() {
            let threshold = level_of(word)?;
            return Ok(Gate {
                must: true,
                should: threshold >= Level::Should,
                compat: threshold >= Level::Compat,
            });
        }
        let mut gate = Gate {
            must: false,
            should: false,
            compat: false,
        };
        for word in words {
            match level_of(word)? {
                Level::Must => gate.must = true,
                Level::Should => gate.should = true,
                Level::Compat => gate.compat = true,
            }
        }
        Ok(gate)
    }

    pub fn fails_on(&self, level: Level) -> bool {
        match level {
            Level::Must => self.must,
            Level::Should => self.should,
            Level::Compat => self.compat,
        }
    }

    pub fn describe(&self) -> String {
        Level::ALL
            .iter()
            .filter(|l| self.fails_on(**l))
            .map(|l| l.name())
            .collect::<Vec<_>>()
            .join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_and_lists() {
        let must = Gate::parse("must").unwrap();
        assert!(
            must.fails_on(Level::Must)
                && !must.fails_on(Level::Should)
                && !must.fails_on(Level::Compat)
        );
        let should = Gate::parse("should").unwrap();
        assert!(should.fails_on(Level::Should) && !should.fails_on(Level::Compat));
        let all = Gate::parse("compat").unwrap();
        assert!(Level::ALL.iter().all(|l| all.fails_on(*l)));
        let pick = Gate::parse("must, compat").unwrap();
        assert_eq!(pick.describe(), "must,compat");
        assert!(
            Gate::parse("musst")
                .unwrap_err()
                .to_string()
                .contains("musst")
        );
    }
}
