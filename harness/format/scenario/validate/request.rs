//! Checks of a case's request: method, path, headers, body, credentials, the JWT it forges and
//! the issuer steps it takes.

use crate::dialect::Dialect;
use crate::duration::parse_duration;
use crate::issuer::COUNTED;
use crate::jwt::KeyId;
use crate::jwt::SIGNING_ALGS;
use crate::scenario::model::{Auth, Case, CountSpec, JwtAuth, Suite, Text};

use super::expect::{MAX_WAIT, parse_count};
use super::{Checker, line_breaks, template};

pub(super) fn check_request(c: &mut Checker, suite: &Suite, dialect: Dialect, case: &Case) {
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
        // A sweep case is sent to every operation of the target's OpenAPI document.
        (None, None) if case.sweep.is_some() => {}
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

pub(super) fn check_issuer_steps(c: &mut Checker, case: &Case) {
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
            Err(e) => c.report(
                &wait.referenced,
                e.to_string(),
                "a duration such as 500ms, 2s",
            ),
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
