//! Checks a parsed suite beyond what its types enforce: names, references, templates, patterns.

use std::collections::BTreeMap;
use std::path::Path;

use serde_saphyr::{Location, Spanned};

use super::diagnostic::Diagnostic;
use super::model::{
    Auth, Case, CountSpec, FuzzSpec, HeaderSpec, JwtAuth, StatusSpec, Suite, Text, TimingSpec,
};
use super::status_word::parse_status_word;
use super::template::Template;
use crate::dialect::Dialect;
use crate::duration::parse_duration;
use crate::fuzz::MAX_CASES;
use crate::issuer::COUNTED;
use crate::issuer::JWT_TEMPLATE_VALUES;
use crate::jwt::KeyId;
use crate::jwt::SIGNING_ALGS;

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

fn check_request(c: &mut Checker, suite: &Suite, dialect: Dialect, case: &Case) {
    let request = &case.request;
    if let Some(tls) = &request.tls {
        if let Some(at) = &tls.verify
            && let crate::scenario::model::Verify::CaFile(path) = &at.value
        {
            let text = Text {
                value: path.clone(),
                referenced: at.referenced,
                defined: at.defined,
            };
            template(c, suite, &text);
        }
        if let Some(cert) = &tls.client_cert {
            template(c, suite, &cert.cn);
        }
    }
    match (&request.endpoint, &request.path) {
        (Some(e), None) => {
            // `public` and `protected` name a role: every endpoint of the target with that access.
            let role = matches!(e.value.as_str(), "public" | "protected");
            if dialect.endpoint(&e.value).is_none() && !role {
                let names: Vec<_> = dialect.endpoints().iter().map(|e| e.name).collect();
                let hint = if names.is_empty() {
                    format!("dialect {dialect} has no named endpoints: give `path` instead")
                } else {
                    format!("endpoints of {dialect}: {}", names.join(", "))
                };
                c.report(
                    &e.referenced,
                    format!("unknown endpoint {:?}", e.value),
                    hint,
                );
            }
        }
        (None, Some(p)) => {
            // `{{ captured.… }}` may stand for a whole URL an earlier answer gave.
            if !p.value.starts_with('/') && !p.value.starts_with("{{ captured.") {
                c.report(
                    &p.referenced,
                    "`path` must start with `/`",
                    "write the path below the target's base URL, e.g. `/api/v2/heartbeat`",
                );
            }
            line_breaks(c, p, "a path");
            template(c, suite, p);
        }
        (Some(e), Some(_)) => c.report(
            &e.referenced,
            "give `endpoint` or `path`, not both",
            "an endpoint name stands for a method and a path",
        ),
        (None, None) => c.report(
            &case.name.referenced,
            format!(
                "case {:?} requests neither an `endpoint` nor a `path`",
                case.name.value
            ),
            "add `request: {endpoint: heartbeat}` or `request: {path: /…}`",
        ),
    }
    if let Some(m) = &request.method {
        let ok = !m.value.is_empty() && m.value.bytes().all(|b| b.is_ascii_uppercase());
        if !ok {
            c.report(
                &m.referenced,
                format!("{:?} is not an HTTP method", m.value),
                "write it in capitals: GET, POST, HEAD, …",
            );
        }
    }
    if let (Some(b), Some(_)) = (&request.body, &request.json) {
        c.report(
            &b.referenced,
            "give `body` or `json`, not both",
            "`json` sends a JSON value, `body` sends text as written",
        );
    }
    for (name, value) in &request.headers {
        if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
            c.report(
                &value.referenced,
                format!("{name:?} is not a valid header name"),
                "header names are tokens: letters, digits and -",
            );
        }
        line_breaks(c, value, "a header value");
        template(c, suite, value);
    }
    if let Some(b) = &request.body {
        template(c, suite, b);
    }
    match &request.auth {
        None | Some(Auth::None) => {}
        Some(Auth::Basic(b)) => {
            template(c, suite, &b.user);
            template(c, suite, &b.password);
        }
        Some(Auth::Header(h)) => {
            line_breaks(c, &h.name, "a header name");
            line_breaks(c, &h.value, "a header value");
            template(c, suite, &h.name);
            template(c, suite, &h.value);
        }
        Some(Auth::Token(t) | Auth::TokenElsewhere(t)) => {
            template(c, suite, t);
            let modes = case
                .modes
                .as_deref()
                .map(|m| m.iter().map(|t| t.value.as_str()).collect::<Vec<_>>());
            let modes =
                modes.unwrap_or_else(|| suite.modes.iter().map(|m| m.value.as_str()).collect());
            for mode in modes {
                if dialect
                    .mode(mode)
                    .is_some_and(|m| m.token_transport.is_none())
                {
                    c.report(&t.referenced, format!("mode {mode:?} has no token transport"), "use `basic`, `bearer`, `header` or `authorization` here, or limit the case's `modes`");
                }
            }
        }
        Some(Auth::Bearer(t) | Auth::Authorization(t)) => {
            line_breaks(c, t, "a header value");
            template(c, suite, t);
        }
        Some(Auth::Jwt(jwt)) => check_jwt(c, suite, case, jwt),
    }
}

fn check_jwt(c: &mut Checker, suite: &Suite, case: &Case, jwt: &JwtAuth) {
    let at = &case.name.referenced;
    if let Some(key) = &jwt.key
        && KeyId::parse(&key.value).is_none()
    {
        let names: Vec<_> = KeyId::ALL.iter().map(|k| k.name()).collect();
        c.report(
            &key.referenced,
            format!("no signing key is called {:?}", key.value),
            format!("keys: {}", names.join(", ")),
        );
    }
    if let Some(alg) = &jwt.alg
        && !SIGNING_ALGS.contains(&alg.as_str())
        && jwt.mutate.is_none()
    {
        c.report(
            at,
            format!("the forge cannot sign with alg {alg:?}"),
            "sign with RS256/384/512, PS256/384/512 or ES256; for none or HS256 use `mutate: unsigned` or `mutate: hs256_public_pem`",
        );
    }
    if let Some(user) = &jwt.user {
        template(c, suite, user);
    }
    if jwt.query && jwt.scheme.is_some() {
        c.report(
            at,
            "a token in the query string has no scheme",
            "drop `scheme` or `query`",
        );
    }
}

fn check_issuer_steps(c: &mut Checker, case: &Case) {
    if case.issuer.as_ref().is_some_and(|i| i.tls.is_some()) {
        c.report(
            &case.name.referenced,
            format!("case {:?} changes the issuer's `tls`", case.name.value),
            "the issuer's certificate is set for a whole suite: move `tls` to the suite's `issuer` block",
        );
    }
    for (name, pointer) in &case.capture {
        if !pointer.value.is_empty() && !pointer.value.starts_with('/') {
            c.report(
                &pointer.referenced,
                format!(
                    "capture {name:?}: {:?} is not a JSON pointer",
                    pointer.value
                ),
                "JSON pointers start with `/`, e.g. `/access_token` (RFC 6901)",
            );
        }
    }
    if let Some(wait) = &case.wait {
        match parse_duration(&wait.value) {
            Ok(d) if d <= MAX_WAIT => {}
            Ok(_) => c.report(
                &wait.referenced,
                format!(
                    "`wait: {}` is longer than {}s",
                    wait.value,
                    MAX_WAIT.as_secs()
                ),
                "cases wait at most 10s; make the issuer's cache shorter instead",
            ),
            Err(e) => c.report(&wait.referenced, e, "a duration such as 500ms, 2s"),
        }
    }
    if let Some(delay) = case.issuer.as_ref().and_then(|i| i.delay.as_ref())
        && parse_duration(delay).is_err()
    {
        c.report(
            &case.name.referenced,
            format!("issuer `delay: {delay}` is not a duration"),
            "a duration such as 500ms, 2s",
        );
    }
    for (name, count) in &case.expect.fetches {
        if !COUNTED.iter().any(|(n, _)| n == name) {
            let names: Vec<_> = COUNTED.iter().map(|(n, _)| *n).collect();
            c.report(
                &count.referenced,
                format!("the issuer counts no {name:?}"),
                format!("counted: {}", names.join(", ")),
            );
        }
        if let CountSpec::Bound(text) = &count.value
            && parse_count(text).is_none()
        {
            c.report(
                &count.referenced,
                format!("{text:?} is not a count"),
                "a number, or \"<= N\" or \">= N\"",
            );
        }
    }
}

/// Longest a fuzz case may take.
pub const MAX_FUZZ_WITHIN: std::time::Duration = std::time::Duration::from_secs(120);

fn check_fuzz(c: &mut Checker, case: &Case, fuzz: &FuzzSpec) {
    if let Some(cases) = &fuzz.cases
        && !(1..=MAX_CASES).contains(&cases.value)
    {
        c.report(
            &cases.referenced,
            format!("fuzz `cases: {}` is out of range", cases.value),
            format!("send 1 to {MAX_CASES} generated values"),
        );
    }
    if let Some(within) = &fuzz.within {
        match parse_duration(&within.value) {
            Ok(d) if !d.is_zero() && d <= MAX_FUZZ_WITHIN => {}
            _ => c.report(
                &within.referenced,
                format!(
                    "fuzz `within: {}` is not a duration up to 120s",
                    within.value
                ),
                "a duration such as 10s or 500ms, at most 120s",
            ),
        }
    }
    if case.request.auth.is_some() {
        c.report(
            &case.name.referenced,
            format!("fuzz case {:?} also sends a credential", case.name.value),
            "the fuzzer supplies the credential: drop `auth` from the request",
        );
    }
}

fn check_timing(c: &mut Checker, case: &Case, timing: &TimingSpec, names: &BTreeMap<&str, &Case>) {
    match names.get(timing.like.value.as_str()) {
        None => c.report(
            &timing.like.referenced,
            format!("`timing.like` names no case: {:?}", timing.like.value),
            "name another case of this suite",
        ),
        Some(other) if other.name.value == case.name.value => c.report(
            &timing.like.referenced,
            "a case cannot be timed against itself",
            "name the case whose latency this one must match",
        ),
        Some(_) => {}
    }
    if let Some(samples) = &timing.samples
        && !(MIN_SAMPLES..=MAX_SAMPLES).contains(&samples.value)
    {
        c.report(
            &samples.referenced,
            format!("`samples: {}` is out of range", samples.value),
            format!("between {MIN_SAMPLES} and {MAX_SAMPLES} requests of each case"),
        );
    }
    if let Some(within) = &timing.within {
        match parse_duration(&within.value) {
            Ok(d) if d <= MAX_TIMING => {}
            Ok(_) => c.report(
                &within.referenced,
                format!(
                    "`within: {}` is longer than {}s",
                    within.value,
                    MAX_TIMING.as_secs()
                ),
                "timing samples take at most a minute",
            ),
            Err(e) => c.report(&within.referenced, e, "a duration such as 10s"),
        }
    }
}

pub const MIN_SAMPLES: u32 = 5;
pub const MAX_SAMPLES: u32 = 500;
/// Longest `timing.within`.
pub const MAX_TIMING: std::time::Duration = std::time::Duration::from_secs(60);

/// Longest `wait` a case may ask for.
pub const MAX_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// `"<= 1"`, `">= 2"`, `"3"` → (comparison, N).
pub fn parse_count(text: &str) -> Option<(std::cmp::Ordering, u64)> {
    let t = text.trim();
    let (ordering, rest) = if let Some(r) = t.strip_prefix("<=") {
        (std::cmp::Ordering::Less, r)
    } else if let Some(r) = t.strip_prefix(">=") {
        (std::cmp::Ordering::Greater, r)
    } else {
        (std::cmp::Ordering::Equal, t)
    };
    Some((ordering, rest.trim().parse().ok()?))
}

fn check_expect(c: &mut Checker, suite: &Suite, case: &Case, names: &BTreeMap<&str, &Case>) {
    let expect = &case.expect;
    let http_expectations = expect.status.is_some()
        || !expect.headers.is_empty()
        || expect.body.is_some()
        || expect.same_as.is_some()
        || expect.indistinguishable_from.is_some()
        || expect.challenge.is_some()
        || expect.fuzz.is_some()
        || expect.timing.is_some();
    if expect.tls_error.is_some() && http_expectations {
        c.report(
            &case.name.referenced,
            format!(
                "case {:?} expects a TLS error and an HTTP answer",
                case.name.value
            ),
            "a request that fails in TLS has no status, headers or body: keep `tls_error` alone",
        );
    }
    if !http_expectations && expect.tls_error.is_none() && expect.fetches.is_empty() {
        c.report(
            &case.name.referenced,
            format!("case {:?} expects nothing", case.name.value),
            "add `expect: {status: …}` or another expectation",
        );
    }
    if let Some(status) = &expect.status {
        check_status(c, status);
    }
    for (name, spec) in &expect.headers {
        check_header(c, name, spec);
    }
    if let Some(body) = &expect.body {
        for t in body
            .contains
            .iter()
            .chain(&body.not_contains)
            .chain(&body.equals)
        {
            template(c, suite, t);
        }
        for pointer in body.json.keys() {
            if !pointer.is_empty() && !pointer.starts_with('/') {
                c.report(
                    &case.name.referenced,
                    format!("{pointer:?} is not a JSON pointer"),
                    "JSON pointers start with `/`, e.g. `/user_id` (RFC 6901)",
                );
            }
        }
    }
    if let Some(timing) = &expect.timing {
        check_timing(c, case, timing, names);
    }
    if let Some(fuzz) = &expect.fuzz {
        check_fuzz(c, case, fuzz);
    }
    if let (Some(_), Some(other)) = (&expect.same_as, &expect.indistinguishable_from) {
        c.report(
            &other.referenced,
            "a case has either `same_as` or `indistinguishable_from`",
            "`indistinguishable_from` compares status and body too: keep it alone",
        );
    }
    if let Some(challenge) = &expect.challenge
        && (challenge.scheme.value.is_empty()
            || !challenge
                .scheme
                .value
                .bytes()
                .all(authconform_authn::challenge::is_tchar))
    {
        c.report(
            &challenge.scheme.referenced,
            format!("{:?} is not an auth-scheme", challenge.scheme.value),
            "a scheme is one token, e.g. `Basic` or `Bearer` (RFC 9110 §11.1)",
        );
    }
    let partners = [
        ("same_as", &expect.same_as),
        ("indistinguishable_from", &expect.indistinguishable_from),
    ];
    for (key, other) in partners {
        let Some(other) = other else { continue };
        match names.get(other.value.as_str()) {
            None => c.report(
                &other.referenced,
                format!("`{key}` names no case: {:?}", other.value),
                "name another case of this suite",
            ),
            Some(target) if target.name.value == case.name.value => c.report(
                &other.referenced,
                format!("a case cannot be `{key}` itself"),
                "name another case of this suite",
            ),
            Some(target) => {
                let runs_in = |k: &Case| -> Vec<String> {
                    k.modes.as_ref().map_or_else(
                        || suite.modes.iter().map(|m| m.value.clone()).collect(),
                        |m| m.iter().map(|t| t.value.clone()).collect(),
                    )
                };
                let theirs = runs_in(target);
                if let Some(missing) = runs_in(case).into_iter().find(|m| !theirs.contains(m)) {
                    c.report(
                        &other.referenced,
                        format!("case {:?} does not run in mode {missing:?}", other.value),
                        format!("both cases of `{key}` must run in the same modes"),
                    );
                }
            }
        }
    }
}

fn check_status(c: &mut Checker, status: &Spanned<StatusSpec>) {
    let at = &status.referenced;
    let bad_code = |code: &u16| !(100..=599).contains(code);
    match &status.value {
        StatusSpec::Code(code) if bad_code(code) => c.report(
            at,
            format!("{code} is not an HTTP status code"),
            "status codes run from 100 to 599",
        ),
        StatusSpec::AnyOf(codes) if codes.is_empty() => c.report(
            at,
            "the list of statuses is empty",
            "write at least one code",
        ),
        StatusSpec::AnyOf(codes) if codes.iter().any(bad_code) => c.report(
            at,
            "the list has a number that is not an HTTP status code",
            "status codes run from 100 to 599",
        ),
        StatusSpec::Class(class) if parse_status_word(class).is_none() => c.report(
            at,
            format!("{class:?} is not a status class"),
            "write a class as 1xx, 2xx, 3xx, 4xx or 5xx, `not 2xx` for any other, or \
             `not 401, 403` for any status but those",
        ),
        _ => {}
    }
}

fn check_header(c: &mut Checker, name: &str, spec: &Spanned<HeaderSpec>) {
    let at = &spec.referenced;
    if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
        c.report(
            at,
            format!("{name:?} is not a valid header name"),
            "header names are tokens: letters, digits and -",
        );
    }
    match &spec.value {
        HeaderSpec::Word(w) if w != "present" && w != "absent" => c.report(
            at,
            format!("{w:?} is not a header expectation"),
            "write `present`, `absent`, or `{equals: …}`, `{contains: …}`, `{matches: <regex>}`",
        ),
        HeaderSpec::Rule(rule) => {
            let given = [
                rule.equals.is_some(),
                rule.contains.is_some(),
                rule.matches.is_some(),
            ]
            .iter()
            .filter(|b| **b)
            .count();
            if given != 1 {
                c.report(
                    at,
                    "a header rule needs exactly one of `equals`, `contains`, `matches`",
                    "split several conditions over several cases",
                );
            }
            if let Some(Err(e)) = rule.matches.as_deref().map(regex::Regex::new) {
                let first = e.to_string().lines().last().unwrap_or_default().to_owned();
                c.report(
                    at,
                    format!("the regex does not compile: {first}"),
                    "the syntax is that of the Rust regex crate",
                );
            }
        }
        HeaderSpec::Word(_) => {}
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
