//! Suites × the target's auth modes → groups of concrete requests and expectations, one group per
//! server instance. Pure: no network, no files; the caller supplies the credentials.

mod captures;
mod credentials;
mod describe;
mod expect;
mod types;

/// Why a captured value could not be put into a later case's request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaptureError {
    #[error("a capture marker is not closed")]
    Unclosed,
    #[error("`captured.{0}` was not captured by an earlier case")]
    NotCaptured(String),
}

pub use types::*;

pub use crate::secrets::percent_encode;
use captures::capture_marker;
pub use captures::{fill_captures, show_captures};
use credentials::{credential_headers, plan_jwt};
use describe::replay_case;
use expect::expectation;

use std::collections::BTreeMap;

use crate::dialect::{Dialect, Endpoint, Mode};
use crate::duration::parse_duration;
use crate::launch::Target;
use crate::provision::Credentials;
use crate::scenario::diagnostic::{Diagnostic, Diagnostics};
use crate::scenario::load::LoadedSuite;
use crate::scenario::model::{Auth, Case, SuiteTls, Text, Verify};
use crate::scenario::template::{Lookup, Resolved, Template};

/// Which suites run in which (dialect, mode), and which are skipped and why.
pub fn group_modes(suites: &[LoadedSuite], target: &Target) -> (Vec<ModeSuites>, Vec<Skip>) {
    // A sequential suite gets a server of its own: its index is part of the key.
    type Key = (Dialect, &'static str, Option<SuiteTls>, Option<usize>);
    let mut groups: BTreeMap<Key, (&'static Mode, Vec<usize>)> = BTreeMap::new();
    let mut skips = Vec::new();
    for (index, loaded) in suites.iter().enumerate() {
        let dialect = loaded.suite.dialect.value;
        let tls = loaded.suite.tls;
        let alone = loaded.suite.sequential().then_some(index);
        for mode in &loaded.suite.modes {
            let unsupported = target
                .unsupported(dialect, &mode.value)
                .or_else(|| target.unsupported_tls(tls))
                .or_else(|| {
                    (loaded.suite.sweep.is_some() && target.openapi_document(dialect).is_none())
                        .then(|| {
                            format!(
                                "target {:?} names no OpenAPI document to sweep (`openapi:` in the target file)",
                                target.name
                            )
                        })
                });
            // A target whose dialect extends the suite's (a user's profile, or a target's
            // `credentials:`) may redefine the mode, e.g. where the key travels: its mode wins.
            let known = target
                .dialect
                .and_then(|own| own.mode(&mode.value))
                .or_else(|| dialect.mode(&mode.value));
            match (unsupported, known) {
                (None, Some(known)) => groups
                    .entry((dialect, known.name, tls, alone))
                    .or_insert((known, Vec::new()))
                    .1
                    .push(index),
                (Some(reason), _) => skips.push(Skip {
                    suite: index,
                    mode: mode.value.clone(),
                    reason,
                }),
                (None, None) => skips.push(Skip {
                    suite: index,
                    mode: mode.value.clone(),
                    reason: format!("dialect {dialect} has no built-in mode {}", mode.value),
                }),
            }
        }
    }
    let groups = groups
        .into_iter()
        .map(|((dialect, _, tls, _), (mode, suites))| (dialect, mode, tls, suites))
        .collect();
    (groups, skips)
}

/// The concrete cases of `suite_indexes` in one mode, with templates rendered from `credentials`.
pub fn plan_cases(
    suites: &[LoadedSuite],
    suite_indexes: &[usize],
    mode: &Mode,
    inputs: &PlanInputs,
) -> Result<Vec<PlannedCase>, Diagnostics> {
    let values = Values {
        credentials: inputs.credentials,
        env: inputs.env,
        tls_files: inputs.tls_files,
    };
    let target = inputs.target;
    let mut planned = Vec::new();
    let mut problems = Vec::new();
    for &suite_index in suite_indexes {
        let loaded = &suites[suite_index];
        let first_of_suite = planned.len();
        let dialect = loaded.suite.dialect.value;
        // A case written for a role (`endpoint: protected`) runs once per endpoint of that role.
        let in_mode: Vec<(usize, &Case, Option<Endpoint>)> = loaded
            .suite
            .cases
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                c.modes
                    .as_ref()
                    .is_none_or(|m| m.iter().any(|t| t.value == mode.name))
            })
            .filter(|(_, c)| c.sweep.is_none())
            .flat_map(|(i, c)| match role_of(dialect, target, c) {
                Some(public) => target
                    .endpoints_with_access(dialect, public)
                    .into_iter()
                    .map(|e| (i, c, Some(e)))
                    .collect::<Vec<_>>(),
                None => vec![(i, c, None)],
            })
            .collect();
        for (case_index, case, bound) in &in_mode {
            let ctx = Ctx {
                loaded,
                values: &values,
            };
            match plan_case(&ctx, case, mode, target, bound.as_ref()) {
                Ok((request, mut expect, tls, steps)) => {
                    // A partner of a role case is the one bound to the same endpoint, if any.
                    let index_of = |name: &str| {
                        let named =
                            |(_, c, _): &&(usize, &Case, Option<Endpoint>)| c.name.value == name;
                        in_mode
                            .iter()
                            .position(|x| named(&x) && x.2.map(|e| e.name) == bound.map(|e| e.name))
                            .or_else(|| in_mode.iter().position(|x| named(&x)))
                            .map(|p| first_of_suite + p)
                    };
                    expect.same_as = case
                        .expect
                        .same_as
                        .as_ref()
                        .and_then(|o| index_of(&o.value));
                    expect.indistinguishable =
                        case.expect.indistinguishable_from.as_ref().and_then(|o| {
                            let ignored = case
                                .expect
                                .ignore_headers
                                .iter()
                                .map(|h| h.to_ascii_lowercase())
                                .chain(target.echo_headers(dialect))
                                .collect();
                            Some((index_of(&o.value)?, ignored))
                        });
                    expect.not_content_of = case
                        .expect
                        .not_content_of
                        .as_ref()
                        .and_then(|o| index_of(&o.value))
                        .map(|i| (i, replay_case(case, &request, bound.map(|e| e.name))));
                    expect.timing = case.expect.timing.as_ref().and_then(|t| {
                        Some(PlannedTiming {
                            like: index_of(&t.like.value)?,
                            like_name: t.like.value.clone(),
                            samples: t.samples.as_ref().map_or(DEFAULT_SAMPLES, |s| s.value),
                            within: t
                                .within
                                .as_ref()
                                .and_then(|w| parse_duration(&w.value).ok())
                                .unwrap_or(DEFAULT_TIMING_WITHIN),
                        })
                    });
                    let mut planned_case = PlannedCase::new(
                        (suite_index, *case_index),
                        case,
                        mode,
                        (request, expect, tls, steps),
                    );
                    planned_case.endpoint = bound.map(|e| e.name.to_owned());
                    planned.push(planned_case);
                }
                Err(d) => problems.push(d),
            }
        }
    }
    // Sweep rows last: they become one case per operation once the server is up, appended
    // after every other case so that the indexes of partners above stay valid.
    for &suite_index in suite_indexes {
        let loaded = &suites[suite_index];
        let ctx = Ctx {
            loaded,
            values: &values,
        };
        let rows = loaded.suite.cases.iter().enumerate().filter(|(_, c)| {
            c.sweep.is_some()
                && c.modes
                    .as_ref()
                    .is_none_or(|m| m.iter().any(|t| t.value == mode.name))
        });
        for (case_index, case) in rows {
            match plan_case(&ctx, case, mode, target, None) {
                Ok(parts) => planned.push(PlannedCase::new(
                    (suite_index, case_index),
                    case,
                    mode,
                    parts,
                )),
                Err(d) => problems.push(d),
            }
        }
    }
    if problems.is_empty() {
        Ok(planned)
    } else {
        Err(Diagnostics(problems))
    }
}

/// What planning one group needs besides the suites.
pub struct PlanInputs<'a> {
    pub credentials: &'a Credentials,
    pub target: &'a Target,
    pub env: &'a dyn Lookup,
    /// Paths of the run's public TLS files by name (`ca`, `other_ca`, `self_signed_cert`).
    pub tls_files: &'a BTreeMap<&'static str, std::path::PathBuf>,
}

struct Values<'a> {
    credentials: &'a Credentials,
    env: &'a dyn Lookup,
    tls_files: &'a BTreeMap<&'static str, std::path::PathBuf>,
}

impl Lookup for Values<'_> {
    fn value(&self, path: &[String]) -> Option<Resolved> {
        if let [kind, name] = path
            && kind == "captured"
        {
            return Some(Resolved {
                text: capture_marker(name),
                secret: false,
            });
        }
        if let [kind, file] = path
            && kind == "tls"
        {
            let path = self.tls_files.get(file.as_str())?;
            return Some(Resolved {
                text: path.display().to_string(),
                secret: false,
            });
        }
        self.credentials.value(path)
    }
    fn env(&self, name: &str) -> Option<String> {
        self.env.env(name)
    }
    fn derived_secret(&self, text: &str) {
        self.env.derived_secret(text);
    }
}

struct Ctx<'a> {
    loaded: &'a LoadedSuite,
    values: &'a Values<'a>,
}

impl Ctx<'_> {
    fn render(&self, text: &Text) -> Result<String, Diagnostic> {
        let at = &text.referenced;
        Template::parse(&text.value)
            .map_err(|e| e.to_string())
            .and_then(|t| t.render(self.values).map_err(|e| e.to_string()))
            .map(|r| r.text)
            .map_err(|e| {
                Diagnostic::new(&self.loaded.path, format!("cannot fill in template: {e}"))
                    .at(&self.loaded.text, at.line(), at.column())
                    .hint("set the environment variable, or give the value in the target file's `fixtures`")
            })
    }

    fn render_plain(&self, text: &str) -> Result<String, Diagnostic> {
        let spanned = Text {
            value: text.to_owned(),
            referenced: serde_saphyr::Location::UNKNOWN,
            defined: serde_saphyr::Location::UNKNOWN,
        };
        self.render(&spanned)
    }
}

type PlannedParts = (HttpRequest, Expectation, ClientTls, Steps);

impl PlannedCase {
    /// Case `at` (suite index, case index) of its suite in `mode`, bound to no endpoint.
    fn new(at: (usize, usize), case: &Case, mode: &Mode, parts: PlannedParts) -> PlannedCase {
        let (request, expect, tls, steps) = parts;
        PlannedCase {
            suite: at.0,
            case: at.1,
            endpoint: None,
            mode: mode.name.to_owned(),
            level: case.level.value,
            request,
            expect,
            tls,
            steps,
            sweep: case.sweep.clone(),
            cell: None,
            skip: None,
            error: None,
        }
    }
}

/// Whether a case is written for a role: `Some(true)` for `endpoint: public`, `Some(false)` for
/// `endpoint: protected`, where neither the target nor the suite's dialect has an endpoint of
/// that name, or where the target file lists other endpoints of that access (the generic JWT
/// dialect has endpoints called `public` and `protected`; a target that lists `admin: {path:
/// /admin, access: protected}` runs its `protected` cases on each protected endpoint it lists).
fn role_of(dialect: Dialect, target: &Target, case: &Case) -> Option<bool> {
    let name = &case.request.endpoint.as_ref()?.value;
    let public = match name.as_str() {
        "public" => true,
        "protected" => false,
        _ => return None,
    };
    let named = target.endpoint(dialect, name).is_some();
    (!named || target.lists_other_with_access(public, name)).then_some(public)
}

fn plan_case(
    ctx: &Ctx,
    case: &Case,
    mode: &Mode,
    target: &Target,
    bound: Option<&Endpoint>,
) -> Result<PlannedParts, Diagnostic> {
    let r = &case.request;
    let dialect = ctx.loaded.suite.dialect.value;
    let endpoint = match bound {
        Some(e) => Some(*e),
        None => r
            .endpoint
            .as_ref()
            .and_then(|e| target.endpoint(dialect, &e.value)),
    };
    let endpoint = endpoint.as_ref();
    let mut path = match (&r.path, endpoint) {
        (Some(p), _) => ctx.render(p)?,
        (None, Some(e)) => e.path.to_owned(),
        (None, None) => String::new(),
    };
    let method = match (&r.method, endpoint) {
        (Some(m), _) => m.value.clone(),
        (None, Some(e)) => e.method.to_owned(),
        (None, None) => "GET".to_owned(),
    };
    let mut headers: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, value) in &r.headers {
        headers.push((name.clone(), ctx.render(value)?.into_bytes()));
    }
    // The profile's headers for the endpoint, where the case does not set its own.
    for (name, value) in endpoint.map_or(&[][..], |e| e.headers) {
        if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            headers.push(((*name).to_owned(), value.as_bytes().to_vec()));
        }
    }
    let mut body = match (&r.body, &r.json, endpoint.and_then(|e| e.body)) {
        (Some(b), _, _) => Some(ctx.render(b)?.into_bytes()),
        (None, Some(json), _) => Some(json.to_string().into_bytes()),
        (None, None, Some(default)) => Some(default.as_bytes().to_vec()),
        _ => None,
    };
    if body.is_some()
        && r.body.is_none()
        && !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
    {
        headers.push(("Content-Type".into(), b"application/json".to_vec()));
    }
    let mut jwt = None;
    match &r.auth {
        Some(Auth::Jwt(spec)) => jwt = Some(plan_jwt(ctx, spec)?),
        Some(auth) => credential_headers(ctx, auth, mode, &mut headers, &mut path)?,
        None => {}
    }
    if body.as_ref().is_some_and(Vec::is_empty) {
        body = None;
    }
    let (mut method, mut path) = (method, path);
    if let Some(variant) = &r.variant {
        let written = variant.value.apply(&method, &path);
        method = written.method;
        path = written.path;
        headers.extend(
            written
                .headers
                .into_iter()
                .map(|(n, v)| (n, v.into_bytes())),
        );
    }
    let request = HttpRequest {
        method,
        path,
        headers,
        body,
        jwt,
        raw: r.raw || r.variant.is_some(),
    };
    let steps = Steps {
        issuer: case.issuer.as_ref().map(|change| {
            let delay = change.delay.as_deref().and_then(|d| parse_duration(d).ok());
            (change.clone(), delay)
        }),
        wait: case
            .wait
            .as_ref()
            .and_then(|w| parse_duration(&w.value).ok()),
        capture: case
            .capture
            .iter()
            .map(|(name, pointer)| (name.clone(), pointer.value.clone()))
            .collect(),
    };
    Ok((
        request,
        expectation(ctx, case)?,
        client_tls(ctx, case)?,
        steps,
    ))
}

/// The client's TLS settings: what the case asks for, else (in a TLS suite) trust the run's CA.
fn client_tls(ctx: &Ctx, case: &Case) -> Result<ClientTls, Diagnostic> {
    let spec = case.request.tls.as_ref();
    let run_ca = || {
        ctx.values
            .tls_files
            .get("ca")
            .cloned()
            .map(ClientVerify::CaFile)
            .unwrap_or(ClientVerify::System)
    };
    let verify = spec.and_then(|t| t.verify.as_ref());
    let verify = match verify.map(|v| (&v.value, v)) {
        Some((Verify::Flag(true), _)) => ClientVerify::System,
        Some((Verify::Flag(false), _)) => ClientVerify::Insecure,
        Some((Verify::CaFile(path), at)) => {
            let text = Text {
                value: path.clone(),
                referenced: at.referenced,
                defined: at.defined,
            };
            ClientVerify::CaFile(ctx.render(&text)?.into())
        }
        None if ctx.loaded.suite.tls.is_some() => run_ca(),
        None => ClientVerify::System,
    };
    let client_cert = match spec.and_then(|t| t.client_cert.as_ref()) {
        Some(cert) => Some((ctx.render(&cert.cn)?, cert.from)),
        None => None,
    };
    Ok(ClientTls {
        verify,
        client_cert,
        scheme: spec.and_then(|t| t.scheme),
    })
}
