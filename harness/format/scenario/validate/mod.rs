//! Checks a parsed suite beyond what its types enforce: names, references, templates, patterns.

use std::collections::BTreeMap;
use std::path::Path;

use serde_saphyr::Location;

use crate::dialect::Dialect;
use crate::duration::parse_duration;
use crate::issuer::JWT_TEMPLATE_VALUES;
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::model::{Case, Suite, Text};
use crate::scenario::template::Template;

mod expect;
mod request;

use expect::check_expect;
use request::{check_issuer_steps, check_request};

pub use expect::{MAX_FUZZ_WITHIN, MAX_SAMPLES, MAX_TIMING, MAX_WAIT, MIN_SAMPLES, parse_count};

struct Checker<'a> {
    path: &'a Path,
    text: &'a str,
    problems: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn report(&mut self, at: &Location, message: impl Into<String>, hint: impl Into<String>) {
        self.problems.push(
            Diagnostic::new(self.path, message)
                .at(self.text, at.line(), at.column())
                .hint(hint),
        );
    }
}

/// Every problem of `suite`, in file order. Empty when the suite is valid.
pub fn validate(suite: &Suite, path: &Path, text: &str) -> Vec<Diagnostic> {
    let mut c = Checker {
        path,
        text,
        problems: Vec::new(),
    };
    let dialect = suite.dialect.value;
    check_suite_modes(&mut c, suite, dialect);
    if let Some(delay) = suite.issuer.as_ref().and_then(|i| i.delay.as_ref())
        && parse_duration(delay).is_err()
    {
        c.report(
            &suite.suite.referenced,
            format!("issuer `delay: {delay}` is not a duration"),
            "a duration such as 500ms, 2s",
        );
    }
    let mut names: BTreeMap<&str, &Case> = BTreeMap::new();
    for case in &suite.cases {
        if let Some(first) = names.insert(&case.name.value, case) {
            let line = first.name.referenced.line();
            c.report(
                &case.name.referenced,
                format!(
                    "case name {:?} is used twice in this suite",
                    case.name.value
                ),
                format!("the first is at line {line}; case names must be unique within a suite"),
            );
        }
    }
    for case in &suite.cases {
        check_case(&mut c, suite, dialect, case, &names);
        check_issuer_steps(&mut c, case);
        for (at, message, hint) in super::must_policy::problems(case) {
            c.report(&at, message, hint);
        }
    }
    c.problems
}

fn check_suite_modes(c: &mut Checker, suite: &Suite, dialect: Dialect) {
    if suite.modes.is_empty() {
        c.report(
            &suite.suite.referenced,
            "the suite names no `modes`",
            mode_hint(dialect),
        );
    }
    for mode in &suite.modes {
        if dialect.mode(&mode.value).is_none() {
            c.report(
                &mode.referenced,
                format!("dialect {dialect} has no auth mode {:?}", mode.value),
                mode_hint(dialect),
            );
        }
    }
}

fn mode_hint(dialect: Dialect) -> String {
    let names: Vec<_> = dialect.modes().iter().map(|m| m.name).collect();
    format!("modes of {dialect}: {}", names.join(", "))
}

fn check_case(
    c: &mut Checker,
    suite: &Suite,
    dialect: Dialect,
    case: &Case,
    names: &BTreeMap<&str, &Case>,
) {
    let at = &case.name.referenced;
    match &case.reference {
        None => c.report(
            at,
            format!("case {:?} has no `ref`", case.name.value),
            "every case names its source: `ref: spec/chroma.md#Endpoints` or an upstream path",
        ),
        Some(r) if r.value.trim().is_empty() => c.report(
            &r.referenced,
            "`ref` is empty",
            "name the spec section or upstream source this case checks",
        ),
        Some(_) => {}
    }
    if let Some(modes) = &case.modes {
        for mode in modes {
            if !suite.modes.iter().any(|m| m.value == mode.value) {
                c.report(
                    &mode.referenced,
                    format!("mode {:?} is not one of the suite's modes", mode.value),
                    format!(
                        "the suite runs in: {}",
                        suite
                            .modes
                            .iter()
                            .map(|m| m.value.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
        }
    }
    check_request(c, suite, dialect, case);
    check_expect(c, suite, case, names);
}

/// Certificate files of the run's PKI a scenario may name (`{{ tls.ca }}`…); no private keys.
pub const TLS_FILES: &[&str] = &["ca", "other_ca", "self_signed_cert"];

/// CR, LF and NUL cannot be sent in a request line or a header (they would split it): refused
/// here rather than at send time.
fn line_breaks(c: &mut Checker, text: &Text, what: &str) {
    if let Some(bad) = text
        .value
        .chars()
        .find(|ch| matches!(ch, '\r' | '\n' | '\0'))
    {
        c.report(
            &text.referenced,
            format!("{what} may not hold {:?}", bad),
            "CR, LF and NUL would split the request; a malformed credential goes in `auth: {authorization: …}` without them",
        );
    }
}

/// Parses a templated string and checks that each fixture it names exists in the suite.
fn template(c: &mut Checker, suite: &Suite, text: &Text) {
    let at = &text.referenced;
    let parsed = match Template::parse(&text.value) {
        Ok(t) => t,
        Err(e) => {
            return c.report(
                at,
                format!("bad template: {e}"),
                "templates look like `{{ users.admin.password }}` or `${env:NAME}`",
            );
        }
    };
    for path in parsed.paths() {
        if let Err(hint) = fixture_exists(suite, path) {
            c.report(
                at,
                format!("template names an unknown value `{}`", path.join(".")),
                hint,
            );
        }
    }
}

fn fixture_exists(suite: &Suite, path: &[String]) -> Result<(), String> {
    let users = || {
        suite
            .fixtures
            .users
            .keys()
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    };
    let tokens = || {
        suite
            .fixtures
            .tokens
            .keys()
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    };
    match path {
        [kind, user, field] if kind == "users" => {
            if !suite.fixtures.users.contains_key(user) {
                return Err(format!("declare the user under `fixtures.users` (declared: {})", users()));
            }
            if field != "name" && field != "password" {
                return Err("a user has `name` and `password`".into());
            }
            Ok(())
        }
        [kind, file] if kind == "tls" => {
            if TLS_FILES.contains(&file.as_str()) {
                Ok(())
            } else {
                Err(format!("the run's TLS files are: {}", TLS_FILES.iter().map(|f| format!("tls.{f}")).collect::<Vec<_>>().join(", ")))
            }
        }
        [kind, token] if kind == "tokens" => {
            if suite.fixtures.tokens.contains_key(token) {
                Ok(())
            } else {
                Err(format!("declare the token under `fixtures.tokens` (declared: {})", tokens()))
            }
        }
        [kind, field] if JWT_TEMPLATE_VALUES.contains(&format!("{kind}.{field}").as_str()) => Ok(()),
        [kind, name] if kind == "captured" => {
            if suite.cases.iter().any(|c| c.capture.contains_key(name)) {
                Ok(())
            } else {
                Err(format!("no case of this suite captures {name:?}: add `capture: {{{name}: /json/pointer}}` to an earlier case"))
            }
        }
        _ => Err("scenario templates read `users.<name>.name`, `users.<name>.password`, `tokens.<name>`, `tls.<file>`, `captured.<name>` and the issuer's values (issuer.url, jwks.url, jwt.aud, …)".into()),
    }
}
