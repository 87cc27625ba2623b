//! The official CrateDB client (`clients/cratedb_client.py`, crate 2.3 in `.venv/clients`) against
//! the reference CrateDB over `/_sql`: trust, password (right, wrong, unknown user alike), JWT
//! (`jwt_token=` from the mock issuer's keys; wrong audience, expired and unknown key refused) and
//! client certificates over the TLS lab (CN = user, another CA refused, `verify_ssl_cert` and
//! `ca_cert`). A flawed reference must fail it. Skipped, saying so, without the venv.

mod common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use authconform::authn::pbkdf2_record::Pbkdf2Record;
use authconform::provision::pki::{Pki, ServerCert};
use common::clients::{drive, forge, jwks_serve, python, serve};
use common::{scratch, write_file};

const PASSWORD: &str = "crate-clients-alice-pw-1";
const AUDIENCE: &str = "authconform-client";

fn settings(dir: &Path, method: &str, extra: &str) -> PathBuf {
    write_file(
        dir,
        &format!("{method}.conf"),
        &format!("auth.host_based.enabled=true\nauth.host_based.config.0.method={method}\n{extra}"),
    )
}

fn flaw_args(flaws: &[&'static str]) -> Vec<&'static OsStr> {
    flaws
        .iter()
        .flat_map(|&f| [OsStr::new("--debug-with-flaw"), OsStr::new(f)])
        .collect()
}

fn passes(out: &str) -> usize {
    out.matches("  pass  cratedb").count()
}

#[test]
fn the_crate_client_with_trust_is_the_default_user() {
    let Some(python) = python() else { return };
    let dir = scratch("clients-cratedb-trust");
    let server = serve("cratedb", "trust", &settings(&dir, "trust", ""), &[]);
    let (code, out) = drive(&python, "cratedb_client.py", &[&server.url(), "trust"], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("CURRENT_USER = crate"), "{out}");
}

/// Settings with the password method and a PBKDF2 record (1,000 iterations) per `users` entry.
fn password_settings(dir: &Path, users: &[(&str, &str)]) -> PathBuf {
    let records: String = users
        .iter()
        .map(|(user, pw)| {
            let record =
                Pbkdf2Record::derive(pw.as_bytes(), b"clients-salt-0123456789abcdef", 1000);
            format!("users.{user}.password={}\n", record.encode())
        })
        .collect();
    settings(dir, "password", &records)
}

fn password_run(flaws: &[&'static str]) -> (i32, String) {
    let python = python().expect("checked by the caller");
    let dir = scratch(&format!("clients-cratedb-password{}", flaws.join("-")));
    let conf = password_settings(&dir, &[("alice", PASSWORD)]);
    let server = serve("cratedb", "password", &conf, &flaw_args(flaws));
    drive(
        &python,
        "cratedb_client.py",
        &[&server.url(), "password"],
        &[("CRATE_USER", "alice"), ("CRATE_PASSWORD", PASSWORD)],
    )
}

#[test]
fn the_crate_client_with_passwords() {
    if python().is_none() {
        return;
    }
    let (code, out) = password_run(&[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(passes(&out), 3, "{out}");
    assert!(out.contains("CURRENT_USER = alice"), "{out}");
    assert!(out.contains("both: 401 Client Error"), "{out}");
}

/// The client shows a 401 as `401 Client Error: Unauthorized` whatever the body says, so the
/// `unknown-user-distinct` oracle (another body) is invisible through it — the suites catch that
/// one; a password check that lets any password in is what the client sees.
#[test]
fn a_reference_that_takes_any_password_fails_the_crate_client() {
    if python().is_none() {
        return;
    }
    let (code, out) = password_run(&["any-password-for-known-user"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("FAIL  cratedb password  wrong password: refused"),
        "{out}"
    );
}

fn jwt_run(flaws: &[&'static str]) -> (i32, String) {
    let python = python().expect("checked by the caller");
    let dir = scratch(&format!("clients-cratedb-jwt{}", flaws.join("-")));
    let issuer = jwks_serve(&dir, &[]);
    let iss = issuer.banner_value("issuer:");
    let conf = settings(
        &dir,
        "jwt",
        &format!(
            "auth.host_based.config.0.protocol=http\nusers.alice.jwt.iss={iss}\n\
             users.alice.jwt.username=alice\nusers.alice.jwt.aud={AUDIENCE}\n"
        ),
    );
    let server = serve("cratedb", "jwt", &conf, &flaw_args(flaws));
    let forge = |aud: &str, extra: &[&str]| forge(&dir, &iss, aud, "alice", extra);
    let (valid, wrong_aud) = (forge(AUDIENCE, &[]), forge("someone-else", &[]));
    let expired = forge(AUDIENCE, &["--claim", "exp=-1m"]);
    let wrong_key = forge(AUDIENCE, &["--key", "outsider"]);
    drive(
        &python,
        "cratedb_client.py",
        &[&server.url(), "jwt"],
        &[
            ("CRATE_USER", "alice"),
            ("CRATE_JWT", &valid),
            ("CRATE_JWT_WRONG_AUD", &wrong_aud),
            ("CRATE_JWT_EXPIRED", &expired),
            ("CRATE_JWT_WRONG_KEY", &wrong_key),
        ],
    )
}

#[test]
fn the_crate_client_with_jwt_tokens() {
    if python().is_none() {
        return;
    }
    let (code, out) = jwt_run(&[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(passes(&out), 4, "{out}");
    assert!(out.contains("CURRENT_USER = alice"), "{out}");
}

#[test]
fn a_reference_that_accepts_expired_tokens_fails_the_crate_client() {
    if python().is_none() {
        return;
    }
    let (code, out) = jwt_run(&["exp-ignored"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("FAIL  cratedb jwt       token expired: refused"),
        "{out}"
    );
}

fn cert_run(flaws: &[&'static str]) -> (i32, String) {
    let python = python().expect("checked by the caller");
    let dir = scratch(&format!("clients-cratedb-cert{}", flaws.join("-")));
    let pki = Pki::generate().unwrap();
    let ca = write_file(&dir, "ca.pem", &pki.ca);
    let server_pair = pki.server(ServerCert::CaSigned);
    let cert = write_file(&dir, "server.pem", &server_pair.cert);
    let key = write_file(&dir, "server-key.pem", &server_pair.key);
    let (mine, other) = (
        pki.client("alice", false).unwrap(),
        pki.client("alice", true).unwrap(),
    );
    let files = [
        ("CRATE_CERT", write_file(&dir, "alice.pem", &mine.cert)),
        ("CRATE_KEY", write_file(&dir, "alice-key.pem", &mine.key)),
        (
            "CRATE_OTHER_CERT",
            write_file(&dir, "other.pem", &other.cert),
        ),
        (
            "CRATE_OTHER_KEY",
            write_file(&dir, "other-key.pem", &other.key),
        ),
        ("CRATE_CA", ca.clone()),
    ];
    let conf = settings(
        &dir,
        "cert",
        "auth.host_based.config.0.ssl=on\nusers.alice.password=\n",
    );
    // CrateDB asks for a client certificate without requiring one: `--cert-reqs 1`.
    let mut args: Vec<&OsStr> = vec![
        "--tls-cert".as_ref(),
        cert.as_os_str(),
        "--tls-key".as_ref(),
        key.as_os_str(),
        "--cert-reqs".as_ref(),
        "1".as_ref(),
        "--client-ca".as_ref(),
        ca.as_os_str(),
    ];
    args.extend(flaw_args(flaws));
    let server = serve("cratedb", "cert", &conf, &args);
    let url = format!("https://localhost:{}", server.port);
    let mut env: Vec<(&str, &str)> = files
        .iter()
        .map(|(k, p)| (*k, p.to_str().unwrap()))
        .collect();
    env.push(("CRATE_USER", "alice"));
    drive(&python, "cratedb_client.py", &[&url, "cert"], &env)
}

#[test]
fn the_crate_client_with_client_certificates() {
    if python().is_none() {
        return;
    }
    let (code, out) = cert_run(&[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(passes(&out), 6, "{out}");
    assert!(out.contains("CURRENT_USER = alice"), "{out}");
}

#[test]
fn a_reference_that_ignores_the_certificates_cn_fails_the_crate_client() {
    if python().is_none() {
        return;
    }
    let (code, out) = cert_run(&["cert-cn-ignored"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("FAIL  cratedb cert      alice's certificate naming the user crate"),
        "{out}"
    );
}

fn privileges_run(flaws: &[&'static str]) -> (i32, String) {
    let python = python().expect("checked by the caller");
    let dir = scratch(&format!("clients-cratedb-privileges{}", flaws.join("-")));
    let conf = password_settings(
        &dir,
        &[("crate", "crate-clients-superuser-pw"), ("alice", PASSWORD)],
    );
    let server = serve("cratedb", "privileges", &conf, &flaw_args(flaws));
    drive(
        &python,
        "cratedb_client.py",
        &[&server.url(), "privileges"],
        &[
            ("CRATE_PASSWORD", "crate-clients-superuser-pw"),
            ("CRATE_USER", "alice"),
            ("CRATE_USER_PASSWORD", PASSWORD),
        ],
    )
}

#[test]
fn the_crate_client_runs_sql_under_privileges() {
    if python().is_none() {
        return;
    }
    let (code, out) = privileges_run(&[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(passes(&out), 5, "{out}");
    assert!(out.contains("rows [['open-row']]"), "{out}");
    assert!(
        out.contains("both: SchemaUnknownException[Schema 'authconform' unknown]"),
        "{out}"
    );
    assert!(
        out.contains("Missing 'AL' privilege for user 'alice'"),
        "{out}"
    );
}

/// Each flaw fails the client where a user of it would notice: the closed table read, or its
/// error telling it from a missing one.
#[test]
fn references_that_ignore_privileges_or_leak_tables_fail_the_crate_client() {
    if python().is_none() {
        return;
    }
    for (flaw, failed) in [
        (
            "privileges-ignored",
            "FAIL  cratedb privileges the other table: refused exactly as a missing one",
        ),
        (
            "table-existence-leaked",
            "FAIL  cratedb privileges the other table: refused exactly as a missing one",
        ),
    ] {
        let (code, out) = privileges_run(&[flaw]);
        assert_ne!(code, 0, "{flaw}: {out}");
        assert!(out.contains(failed), "{flaw}: {out}");
    }
}
