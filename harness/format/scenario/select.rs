//! Which suites, cases and modes a run takes: `--case`, `--suite`, `--tag`, `--level`, `--mode`.
//! Values of one filter are alternatives; different filters must all hold. A selected case brings
//! the cases it is compared with (`same_as`, `indistinguishable_from`, `timing.like`), and in a
//! suite that runs in file order (issuer changes, waits, captures) every case before it, so a
//! selected case is judged exactly as in a full run. Pure: no I/O.

use std::collections::BTreeSet;

use super::load::LoadedSuite;
use super::model::{Case, Suite};
use crate::level::Level;

/// A `*` (any run of characters) and `?` (one character) pattern over a whole name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob(String);

impl Glob {
    pub fn new(pattern: &str) -> Glob {
        Glob(pattern.to_owned())
    }

    pub fn matches(&self, name: &str) -> bool {
        let (pattern, text): (Vec<char>, Vec<char>) =
            (self.0.chars().collect(), name.chars().collect());
        // The classic two-pointer match with one backtrack point: linear in practice, never
        // exponential.
        let (mut p, mut t) = (0, 0);
        let mut star: Option<(usize, usize)> = None;
        while t < text.len() {
            if p < pattern.len() && (pattern[p] == '?' || pattern[p] == text[t]) {
                p += 1;
                t += 1;
            } else if p < pattern.len() && pattern[p] == '*' {
                star = Some((p, t));
                p += 1;
            } else if let Some((sp, st)) = star {
                p = sp + 1;
                t = st + 1;
                star = Some((sp, st + 1));
            } else {
                return false;
            }
        }
        pattern[p..].iter().all(|&c| c == '*')
    }
}

impl std::fmt::Display for Glob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// A case name, or `SUITE/CASE` when the pattern has a `/`.
    pub cases: Vec<Glob>,
    pub suites: Vec<Glob>,
    /// A tag of the case or of its suite.
    pub tags: Vec<String>,
    pub levels: Vec<Level>,
    pub modes: Vec<String>,
}

/// What a selection kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selected {
    /// Cases kept because they matched.
    pub matched: usize,
    /// `suite/case` of the cases kept only because a matched case needs them.
    pub brought_in: Vec<String>,
}

impl Selection {
    pub fn is_empty(&self) -> bool {
        self.cases.is_empty()
            && self.suites.is_empty()
            && self.tags.is_empty()
            && self.levels.is_empty()
            && self.modes.is_empty()
    }

    /// The filters as flags, e.g. `--suite 'chroma-*' --level must`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for g in &self.suites {
            parts.push(format!("--suite '{g}'"));
        }
        for g in &self.cases {
            parts.push(format!("--case '{g}'"));
        }
        for t in &self.tags {
            parts.push(format!("--tag {t}"));
        }
        for l in &self.levels {
            parts.push(format!("--level {}", l.name()));
        }
        for m in &self.modes {
            parts.push(format!("--mode {m}"));
        }
        parts.join(" ")
    }

    fn case_matches(&self, suite: &Suite, case: &Case) -> bool {
        let name = &case.name.value;
        let full = format!("{}/{name}", suite.suite.value);
        (self.cases.is_empty()
            || self.cases.iter().any(|g| {
                if g.0.contains('/') {
                    g.matches(&full)
                } else {
                    g.matches(name)
                }
            }))
            && (self.tags.is_empty()
                || self
                    .tags
                    .iter()
                    .any(|t| case.tags.contains(t) || suite.tags.contains(t)))
            && (self.levels.is_empty() || self.levels.contains(&case.level.value))
            && (self.modes.is_empty() || self.case_modes(suite, case).next().is_some())
    }

    /// The selected modes the case runs in.
    fn case_modes<'a>(&'a self, suite: &'a Suite, case: &'a Case) -> impl Iterator<Item = &'a str> {
        let own: Vec<&str> = match &case.modes {
            Some(m) => m.iter().map(|t| t.value.as_str()).collect(),
            None => suite.modes.iter().map(|t| t.value.as_str()).collect(),
        };
        own.into_iter()
            .filter(|m| self.modes.is_empty() || self.modes.iter().any(|s| s == m))
    }

    /// Keeps the selected suites, cases and modes (and what they need); drops suites left with
    /// no case or no mode.
    pub fn apply(&self, suites: &mut Vec<LoadedSuite>) -> Selected {
        let mut selected = Selected::default();
        if self.is_empty() {
            selected.matched = suites.iter().map(|s| s.suite.cases.len()).sum();
            return selected;
        }
        for loaded in suites.iter_mut() {
            let suite = &mut loaded.suite;
            if !self.suites.is_empty() && !self.suites.iter().any(|g| g.matches(&suite.suite.value))
            {
                suite.cases.clear();
                continue;
            }
            let matched: Vec<bool> = suite
                .cases
                .iter()
                .map(|c| self.case_matches(suite, c))
                .collect();
            let keep = needed(suite, &matched);
            selected.matched += matched.iter().filter(|&&m| m).count();
            for (i, case) in suite.cases.iter().enumerate() {
                if keep[i] && !matched[i] {
                    selected
                        .brought_in
                        .push(format!("{}/{}", suite.suite.value, case.name.value));
                }
            }
            let mut index = 0;
            suite.cases.retain(|_| {
                index += 1;
                keep[index - 1]
            });
            if !self.modes.is_empty() {
                suite.modes.retain(|m| self.modes.contains(&m.value));
                for case in &mut suite.cases {
                    if let Some(modes) = &mut case.modes {
                        modes.retain(|m| self.modes.contains(&m.value));
                    }
                }
                suite
                    .cases
                    .retain(|c| c.modes.as_ref().is_none_or(|m| !m.is_empty()));
            }
        }
        suites.retain(|s| !s.suite.cases.is_empty() && !s.suite.modes.is_empty());
        selected
    }
}

/// The matched cases and the cases they need, by position.
fn needed(suite: &Suite, matched: &[bool]) -> Vec<bool> {
    let mut keep = matched.to_vec();
    if suite.sequential() {
        // In file order each case may depend on the state the ones before it left.
        if let Some(last) = keep.iter().rposition(|&k| k) {
            keep[..last].iter_mut().for_each(|k| *k = true);
        }
        return keep;
    }
    let index_of = |name: &str| suite.cases.iter().position(|c| c.name.value == name);
    let mut todo: Vec<usize> = (0..keep.len()).filter(|&i| keep[i]).collect();
    let mut seen: BTreeSet<usize> = todo.iter().copied().collect();
    while let Some(i) = todo.pop() {
        let expect = &suite.cases[i].expect;
        let partners = [
            expect.same_as.as_ref(),
            expect.indistinguishable_from.as_ref(),
            expect.timing.as_ref().map(|t| &t.like),
        ];
        for partner in partners.into_iter().flatten() {
            if let Some(j) = index_of(&partner.value)
                && seen.insert(j)
            {
                keep[j] = true;
                todo.push(j);
            }
        }
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn globs_match_whole_names() {
        let g = Glob::new;
        assert!(g("wrong-*").matches("wrong-password-refused"));
        assert!(!g("wrong-*").matches("a-wrong-password"));
        assert!(g("*-refused").matches("wrong-password-refused"));
        assert!(g("w?ong*d").matches("wrong-password-refused"));
        assert!(g("*").matches(""));
        assert!(!g("?").matches(""));
        assert!(g("a*b*c").matches("a-x-b-y-c"));
        assert!(!g("a*b*c").matches("a-x-c-y-b"));
        assert!(g("exact").matches("exact"));
        assert!(!g("exact").matches("exactly"));
        // Many stars over a long non-match return at once (no exponential backtracking).
        assert!(!g(&"*a".repeat(30)).matches(&"a".repeat(29)));
    }

    fn suite(text: &str) -> LoadedSuite {
        let path = Path::new("t.yaml");
        LoadedSuite {
            path: path.to_owned(),
            text: text.to_owned(),
            suite: crate::scenario::load::parse_suite(path, text).unwrap(),
        }
    }

    const SUITE: &str = r#"
suite: s
dialect: chroma
modes: [basic, token]
tags: [chroma]
cases:
  - name: open
    level: should
    ref: r
    request: { endpoint: heartbeat }
    expect: { status: 200 }
  - name: wrong-refused
    level: must
    ref: r
    modes: [basic]
    tags: [password]
    request: { endpoint: identity, auth: { basic: { user: a, password: b } } }
    expect: { status: not 2xx }
  - name: unknown-like-wrong
    level: must
    ref: r
    modes: [basic]
    request: { endpoint: identity, auth: { basic: { user: c, password: b } } }
    expect: { status: not 2xx, same_as: wrong-refused }
"#;

    fn names(suites: &[LoadedSuite]) -> Vec<String> {
        suites
            .iter()
            .flat_map(|s| s.suite.cases.iter().map(|c| c.name.value.clone()))
            .collect()
    }

    #[test]
    fn filters_combine_and_bring_in_partners() {
        let mut suites = vec![suite(SUITE)];
        let picked = Selection {
            cases: vec![Glob::new("unknown-*")],
            ..Selection::default()
        }
        .apply(&mut suites);
        assert_eq!(names(&suites), ["wrong-refused", "unknown-like-wrong"]);
        assert_eq!(picked.matched, 1);
        assert_eq!(picked.brought_in, ["s/wrong-refused"]);

        let mut suites = vec![suite(SUITE)];
        Selection {
            levels: vec![Level::Should],
            ..Selection::default()
        }
        .apply(&mut suites);
        assert_eq!(names(&suites), ["open"]);

        let mut suites = vec![suite(SUITE)];
        Selection {
            tags: vec!["password".into()],
            ..Selection::default()
        }
        .apply(&mut suites);
        assert_eq!(names(&suites), ["wrong-refused"]);

        // A suite tag selects all of its cases; `SUITE/CASE` patterns name the suite too.
        let mut suites = vec![suite(SUITE)];
        let all = Selection {
            tags: vec!["chroma".into()],
            cases: vec![Glob::new("s/*")],
            ..Selection::default()
        }
        .apply(&mut suites);
        assert_eq!(all.matched, 3);
    }

    #[test]
    fn a_mode_filter_narrows_the_suite_and_drops_cases_of_other_modes() {
        let mut suites = vec![suite(SUITE)];
        let picked = Selection {
            modes: vec!["token".into()],
            ..Selection::default()
        }
        .apply(&mut suites);
        assert_eq!(names(&suites), ["open"]);
        assert_eq!(picked.matched, 1);
        let modes: Vec<&str> = suites[0]
            .suite
            .modes
            .iter()
            .map(|m| m.value.as_str())
            .collect();
        assert_eq!(modes, ["token"]);
    }

    #[test]
    fn a_selection_that_matches_nothing_leaves_no_suite() {
        let mut suites = vec![suite(SUITE)];
        let picked = Selection {
            suites: vec![Glob::new("other-*")],
            ..Selection::default()
        }
        .apply(&mut suites);
        assert!(suites.is_empty());
        assert_eq!(picked.matched, 0);
        assert_eq!(
            Selection {
                suites: vec![Glob::new("other-*")],
                levels: vec![Level::Must],
                ..Selection::default()
            }
            .describe(),
            "--suite 'other-*' --level must"
        );
    }
}
