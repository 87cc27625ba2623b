//! Everything decided before a server starts: fixtures merged and generated per group, the TLS lab,
//! the plan, CA files checked, and the secrets registered for redaction.

use super::ExecError;
use crate::issuer::Issuer;
use crate::issuer::state::JWKS_PATH;
use crate::launch::Target;
use crate::plan::{ClientVerify, Group, PlanInputs, PlannedCase, Skip, group_modes, plan_cases};
use crate::provision::credentials::{DEFAULT_AUDIENCE, TOKEN_PREFIX, random_secret};
use crate::provision::pki::{ServerCert, TlsLab};
use crate::provision::{Credentials, JwtFixture};
use crate::scenario::diagnostic::{Diagnostic, Diagnostics};
use crate::scenario::load::LoadedSuite;
use crate::scenario::model::Auth;
use crate::secrets::Redactor;

pub use crate::secrets::RecordingEnv;

/// Everything a run needs, planned before any server starts.
pub struct Prepared {
    pub groups: Vec<Group>,
    pub skips: Vec<Skip>,
    pub redactor: Redactor,
    /// The run's PKI and its public files, when a suite or case uses TLS.
    pub lab: Option<TlsLab>,
    /// The run's mock issuer, when a mode or a case uses JWTs.
    pub issuer: Option<Issuer>,
}

/// Whether the run needs the mock issuer: a suite's mode validates JWTs or a case sends one.
pub fn needs_issuer(suites: &[LoadedSuite]) -> bool {
    suites.iter().any(|s| {
        let suite = &s.suite;
        suite.modes.iter().any(|m| {
            suite
                .dialect
                .value
                .mode(&m.value)
                .is_some_and(|m| m.needs_issuer)
        }) || suite
            .cases
            .iter()
            .any(|c| matches!(c.request.auth, Some(Auth::Jwt(_))))
    })
}

/// The issuer as targets see it; the client secret is new each run.
pub fn jwt_fixture(issuer: &Issuer) -> JwtFixture {
    JwtFixture {
        issuer: issuer.url().to_owned(),
        jwks_url: issuer.jwks_url(),
        attacker_jwks_url: issuer.attacker_jwks_url().to_owned(),
        audience: DEFAULT_AUDIENCE.to_owned(),
        client_secret: random_secret(TOKEN_PREFIX).into(),
        ca_file: None,
    }
}

/// The issuer as a group whose suite asks for it over HTTPS sees it: the same issuer behind a TLS
/// front presenting `cert`, and the lab's CA to verify it with.
fn jwt_fixture_over_tls(
    base: &JwtFixture,
    issuer: &Issuer,
    cert: ServerCert,
    lab: &TlsLab,
) -> Result<JwtFixture, ExecError> {
    let url = issuer.tls_url(cert, lab)?;
    Ok(JwtFixture {
        issuer: url.clone(),
        jwks_url: format!("{url}{JWKS_PATH}"),
        ca_file: lab.files.get("ca").cloned(),
        ..base.clone()
    })
}

/// Plans every suite against `target`. Problems in the scenarios (templates that cannot be
/// filled, fixtures that conflict, CA files that are missing or not PEM) are returned as
/// diagnostics before anything is started.
pub fn prepare(
    suites: &[LoadedSuite],
    target: &Target,
    env: &RecordingEnv,
    issuer: Option<Issuer>,
) -> Result<Prepared, Diagnostics> {
    let jwt = issuer.as_ref().map(jwt_fixture);
    let (modes, mut skips) = group_modes(suites, target);
    let uses_tls = suites.iter().any(|s| {
        s.suite.tls.is_some()
            || s.suite.issuer.as_ref().is_some_and(|i| i.tls.is_some())
            || s.suite.cases.iter().any(|c| c.request.tls.is_some())
    });
    let lab = if uses_tls {
        Some(TlsLab::create().map_err(|e| {
            Diagnostics(vec![Diagnostic::new(
                std::path::Path::new("(tls lab)"),
                e.to_string(),
            )])
        })?)
    } else {
        None
    };
    let no_files = std::collections::BTreeMap::new();
    let tls_files = lab.as_ref().map_or(&no_files, |l| &l.files);
    let mut groups = Vec::new();
    let mut problems = Vec::new();
    let mut redactor = Redactor::default();
    for (dialect, mode, tls, indexes) in modes {
        let issuer_tls = indexes
            .iter()
            .find_map(|&i| suites[i].suite.issuer.as_ref().and_then(|b| b.tls));
        let group_jwt = match (&jwt, &issuer, issuer_tls, &lab) {
            (Some(base), Some(issuer), Some(cert), Some(lab)) => {
                match jwt_fixture_over_tls(base, issuer, cert, lab) {
                    Ok(j) => Some(j),
                    Err(e) => {
                        problems.push(Diagnostic::new(&suites[indexes[0]].path, e.to_string()));
                        continue;
                    }
                }
            }
            _ => jwt.clone(),
        };
        // A running target may lack one suite's fixtures: that suite is skipped, not its mode's
        // other suites.
        let indexes: Vec<usize> = indexes
            .into_iter()
            .filter(|&i| {
                let mut own = Credentials::default();
                if own.add(&suites[i].suite.fixtures).is_err() {
                    return true; // reported below
                }
                match target.credentials(own, env) {
                    Ok(_) => true,
                    Err(reason) => {
                        skips.push(Skip {
                            suite: i,
                            mode: mode.name.to_owned(),
                            reason: reason.to_string(),
                        });
                        false
                    }
                }
            })
            .collect();
        if indexes.is_empty() {
            continue;
        }
        let mut generated = Credentials {
            jwt: group_jwt,
            ..Credentials::default()
        };
        for &i in &indexes {
            if let Err(e) = generated.add(&suites[i].suite.fixtures) {
                problems.push(
                    Diagnostic::new(&suites[i].path, e.to_string())
                        .hint("give the fixture one value, or leave it to be generated"),
                );
            }
        }
        let credentials = match target.credentials(generated, env) {
            Ok(c) => c,
            Err(reason) => {
                let reason = reason.to_string();
                skips.extend(indexes.iter().map(|&suite| Skip {
                    suite,
                    mode: mode.name.to_owned(),
                    reason: reason.clone(),
                }));
                continue;
            }
        };
        for (user, password) in credentials.logins() {
            redactor.add_login(&user, &password);
        }
        for warning in shared_passwords(&credentials) {
            eprintln!("warning: {warning}");
        }
        for token in credentials.tokens.values() {
            redactor.add_token(token.value.expose());
        }
        if let Some(jwt) = &credentials.jwt {
            redactor.add_token(jwt.client_secret.expose());
        }
        let inputs = PlanInputs {
            credentials: &credentials,
            target,
            env,
            tls_files,
        };
        match plan_cases(suites, &indexes, mode, &inputs) {
            Ok(cases) => {
                problems.extend(cases.iter().filter_map(|c| ca_file_problem(suites, c)));
                let alone = indexes
                    .iter()
                    .map(|&i| &suites[i].suite)
                    .find(|s| s.sequential());
                let issuer_block = alone.and_then(|s| s.issuer.as_ref()).map(|change| {
                    let delay = change
                        .delay
                        .as_deref()
                        .and_then(|d| crate::duration::parse_duration(d).ok());
                    (change.clone(), delay)
                });
                groups.push(Group {
                    dialect,
                    mode,
                    tls,
                    suites: indexes,
                    credentials,
                    cases,
                    sequential: alone.is_some(),
                    issuer: issuer_block,
                });
            }
            Err(Diagnostics(mut d)) => problems.append(&mut d),
        }
    }
    for value in &env.secrets() {
        redactor.add(value);
    }
    if problems.is_empty() {
        Ok(Prepared {
            groups,
            skips,
            redactor,
            lab,
            issuer,
        })
    } else {
        Err(Diagnostics(problems))
    }
}

/// Pairs of fixture users with the same non-empty password (a running target's values): a case
/// that sends one user's password as the other's cannot tell right from wrong then.
fn shared_passwords(credentials: &Credentials) -> Vec<String> {
    let users: Vec<(&String, &crate::provision::User)> = credentials.users.iter().collect();
    let mut out = Vec::new();
    for (i, (a, ua)) in users.iter().enumerate() {
        for (b, ub) in &users[i + 1..] {
            if !ua.password.is_empty() && ua.password == ub.password {
                out.push(format!(
                    "fixture users {a:?} and {b:?} share a password: cases that send one's password as the other's cannot tell a right login from a wrong one"
                ));
            }
        }
    }
    out
}

/// A CA file a case names must exist and hold at least one PEM certificate.
fn ca_file_problem(suites: &[LoadedSuite], case: &PlannedCase) -> Option<Diagnostic> {
    let ClientVerify::CaFile(path) = &case.tls.verify else {
        return None;
    };
    let loaded = &suites[case.suite];
    let spec = &loaded.suite.cases[case.case];
    let at = match spec.request.tls.as_ref().and_then(|t| t.verify.as_ref()) {
        Some(verify) => &verify.referenced,
        None => &spec.name.referenced,
    };
    let problem =
        match crate::scenario::load::read_input(path, crate::scenario::load::MAX_FILE_BYTES) {
            Err(e) => format!("CA file {} cannot be read: {e}", path.display()),
            Ok(bytes)
                if !String::from_utf8_lossy(&bytes).contains("-----BEGIN CERTIFICATE-----") =>
            {
                format!("CA file {} holds no PEM certificate", path.display())
            }
            Ok(_) => return None,
        };
    Some(
        Diagnostic::new(&loaded.path, problem)
            .at(&loaded.text, at.line(), at.column())
            .hint(
                "`verify` takes true, false, or a PEM file of CA certificates such as {{ tls.ca }}",
            ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_sharing_a_password_are_named() {
        let mut c = Credentials::default();
        for (key, pw) in [("alice", "same-pw"), ("bob", "same-pw"), ("carol", "other")] {
            c.users.insert(
                key.into(),
                crate::provision::User {
                    name: key.into(),
                    password: pw.into(),
                    role: None,
                },
            );
        }
        let warnings = shared_passwords(&c);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("\"alice\" and \"bob\""),
            "{}",
            warnings[0]
        );
    }
}
