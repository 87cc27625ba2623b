//! The official Chroma client (`clients/chroma_client.py`, chromadb 0.6.3 in `.venv/clients`, made
//! by `scripts/install-clients.sh`) against the reference server in each of its auth modes and
//! against real Chroma 0.6.3: the whole data path with valid credentials, the client's auth error
//! with wrong or missing ones; and the client's `chroma_server_ssl_verify` matrix against every
//! certificate of the TLS lab, served by the reference and by real Chroma under uvicorn. A flawed
//! reference must fail it. Skipped, saying so, without the venv.

mod common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use authconform::provision::pki::{Pki, ServerCert};
use common::clients::{Server, free_port, python, wait_listening};
use common::{scratch, write_file};

const PASSWORD: &str = "pw-clients-admin-1";
const TOKEN: &str = "actk-clients-token-1";

fn serve(mode: &str, credentials: &Path, extra: &[&OsStr]) -> Server {
    common::clients::serve("chroma", mode, credentials, extra)
}

fn credentials(dir: &Path) -> (PathBuf, PathBuf) {
    let hash = bcrypt::hash(PASSWORD, 5).unwrap();
    (
        write_file(dir, "htpasswd", &format!("admin:{hash}\n")),
        write_file(dir, "token", TOKEN),
    )
}

/// The client script against `port` in `auth`; its exit status and what it printed.
fn drive(python: &Path, port: u16, auth: &str) -> (i32, String) {
    drive_with(python, port, auth, &[])
}

fn drive_with(python: &Path, port: u16, auth: &str, env: &[(&str, &str)]) -> (i32, String) {
    let mut all = vec![
        ("CHROMA_USER", "admin"),
        ("CHROMA_PASSWORD", PASSWORD),
        ("CHROMA_TOKEN", TOKEN),
    ];
    all.extend_from_slice(env);
    common::clients::drive(python, "chroma_client.py", &[&port.to_string(), auth], &all)
}

#[test]
fn the_chroma_client_works_with_the_reference_in_every_auth_mode() {
    let Some(python) = python() else { return };
    let dir = scratch("clients-chroma");
    let (htpasswd, token) = credentials(&dir);
    for (mode, file) in [
        ("basic", &htpasswd),
        ("token", &token),
        ("token-x-chroma", &token),
    ] {
        let server = serve(mode, file, &[]);
        let (code, out) = drive(&python, server.port, mode);
        assert_eq!(code, 0, "{mode}:\n{out}");
        assert_eq!(out.matches("  pass  chroma").count(), 3, "{mode}:\n{out}");
        assert!(out.contains("queried the 2 nearest"), "{out}");
    }
}

#[test]
fn a_reference_that_lets_wrong_credentials_in_fails_the_client_test() {
    let Some(python) = python() else { return };
    let dir = scratch("clients-chroma-flawed");
    let (htpasswd, _) = credentials(&dir);
    let flaw = [
        OsStr::new("--debug-with-flaw"),
        OsStr::new("protected-left-public"),
    ];
    let server = serve("basic", &htpasswd, &flaw);
    let (code, out) = drive(&python, server.port, "basic");
    assert_eq!(code, 2, "wrong and missing credentials both let in:\n{out}");
    assert!(
        out.contains("FAIL  chroma basic                wrong credentials"),
        "{out}"
    );
}

/// Real Chroma 0.6.3 from the client venv with the Basic provider: `chroma run`, or uvicorn over
/// TLS when `tls` names a certificate and key. `None` (said) when the venv has no server.
fn real_chroma(
    python: &Path,
    dir: &Path,
    htpasswd: &Path,
    tls: Option<(&Path, &Path)>,
) -> Option<Server> {
    let chroma = python.with_file_name("chroma");
    if !chroma.exists() {
        eprintln!("skipped: no chroma server in the client venv");
        return None;
    }
    let port = free_port();
    let mut command = match tls {
        None => {
            let mut c = Command::new(&chroma);
            c.args(["run", "--host", "127.0.0.1", "--port", &port.to_string()])
                .arg("--path")
                .arg(dir.join("data"));
            c
        }
        // `chroma run` has no TLS options: the same app under uvicorn, as Chroma's docs do it.
        Some((cert, key)) => {
            let mut c = Command::new(python);
            c.args(["-m", "uvicorn", "chromadb.app:app", "--host", "127.0.0.1"])
                .args(["--port", &port.to_string()])
                .arg("--ssl-certfile")
                .arg(cert)
                .arg("--ssl-keyfile")
                .arg(key)
                .env("IS_PERSISTENT", "TRUE")
                .env("PERSIST_DIRECTORY", dir.join("data"));
            c
        }
    };
    let child = command
        .env(
            "CHROMA_SERVER_AUTHN_PROVIDER",
            "chromadb.auth.basic_authn.BasicAuthenticationServerProvider",
        )
        .env("CHROMA_SERVER_AUTHN_CREDENTIALS_FILE", htpasswd)
        .env("ANONYMIZED_TELEMETRY", "False")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server {
        child,
        port,
        banner: Vec::new(),
    };
    wait_listening(port, Duration::from_secs(60));
    Some(server)
}

#[test]
fn the_chroma_client_sees_real_chroma_as_it_sees_the_reference() {
    let Some(python) = python() else { return };
    let dir = scratch("clients-chroma-real");
    let (htpasswd, _) = credentials(&dir);
    let Some(server) = real_chroma(&python, &dir, &htpasswd, None) else {
        return;
    };
    let (code, out) = drive(&python, server.port, "basic");
    assert_eq!(code, 0, "real Chroma 0.6.3 through its own client:\n{out}");
    assert_eq!(out.matches("  pass  chroma").count(), 3, "{out}");
}

/// CIP-01022024's matrix: `chroma_server_ssl_verify` True (the client's default roots), False,
/// and the test CA's file, against each certificate of the TLS lab. Only an unchecked client
/// (False) connects to a certificate the CA file does not vouch for.
const TLS_MATRIX: &str = "\
ca_signed    verify=True refused  verify=False connected  verify=ca-file connected
wrong_host   verify=True refused  verify=False connected  verify=ca-file refused
expired      verify=True refused  verify=False connected  verify=ca-file refused
self_signed  verify=True refused  verify=False connected  verify=ca-file refused
other_ca     verify=True refused  verify=False connected  verify=ca-file refused
";

const SERVER_CERTS: [ServerCert; 5] = [
    ServerCert::CaSigned,
    ServerCert::WrongHost,
    ServerCert::Expired,
    ServerCert::SelfSigned,
    ServerCert::OtherCa,
];

/// The lab's PKI on disk: the CA file, and each server certificate with its key.
fn tls_lab(dir: &Path) -> (PathBuf, Vec<(ServerCert, PathBuf, PathBuf)>) {
    let pki = Pki::generate().unwrap();
    let ca = write_file(dir, "ca.pem", &pki.ca);
    let servers = SERVER_CERTS
        .iter()
        .map(|&which| {
            let pair = pki.server(which);
            (
                which,
                write_file(dir, &format!("{}.pem", which.name()), &pair.cert),
                write_file(dir, &format!("{}-key.pem", which.name()), &pair.key),
            )
        })
        .collect();
    (ca, servers)
}

/// One row of the matrix: what the client did with each ssl-verify setting.
fn tls_row(python: &Path, port: u16, which: ServerCert, ca: &Path) -> String {
    let (code, out) = drive_with(python, port, "tls", &[("CHROMA_CA", ca.to_str().unwrap())]);
    assert_eq!(code, 0, "{out}");
    // A refusal counts only when the handshake refused the certificate, not for any other error.
    let cells: Vec<&str> = out
        .lines()
        .map(|l| match l.split_once(": ") {
            Some((cell, why)) if why.starts_with("SSLCertVerificationError") => cell,
            Some(_) => "refused for another reason",
            None => l,
        })
        .collect();
    assert_eq!(cells.len(), 3, "{out}");
    format!("{:<12} {}\n", which.name(), cells.join("  "))
}

#[test]
fn the_chroma_clients_ssl_verify_matrix_against_the_reference() {
    let Some(python) = python() else { return };
    let dir = scratch("clients-chroma-tls");
    let (htpasswd, _) = credentials(&dir);
    let (ca, servers) = tls_lab(&dir);
    let mut matrix = String::new();
    for (which, cert, key) in &servers {
        let tls = [
            OsStr::new("--tls-cert"),
            cert.as_os_str(),
            OsStr::new("--tls-key"),
            key.as_os_str(),
        ];
        let server = serve("basic", &htpasswd, &tls);
        matrix.push_str(&tls_row(&python, server.port, *which, &ca));
    }
    assert_eq!(matrix, TLS_MATRIX);
}

#[test]
fn the_chroma_clients_ssl_verify_matrix_against_real_chroma_over_tls() {
    let Some(python) = python() else { return };
    let dir = scratch("clients-chroma-real-tls");
    let (htpasswd, _) = credentials(&dir);
    let (ca, servers) = tls_lab(&dir);
    let mut matrix = String::new();
    for (which, cert, key) in &servers {
        let Some(server) = real_chroma(&python, &dir, &htpasswd, Some((cert, key))) else {
            return;
        };
        matrix.push_str(&tls_row(&python, server.port, *which, &ca));
    }
    assert_eq!(matrix, TLS_MATRIX, "real Chroma 0.6.3 under uvicorn");
}
