//! The official Chroma client (`clients/chroma_client.py`, chromadb 0.6.3 in `.venv/clients`, made
//! by `scripts/install-clients.sh`) against the reference server in each of its auth modes and
//! against real Chroma 0.6.3: the whole data path with valid credentials, the client's auth error
//! with wrong or missing ones. A flawed reference must fail it. Skipped, saying so, without the venv.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{bin, root, scratch, write_file};

const PASSWORD: &str = "pw-clients-admin-1";
const TOKEN: &str = "actk-clients-token-1";

fn python() -> Option<PathBuf> {
    let python = std::env::var_os("AUTHCONFORM_CLIENTS_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(".venv/clients/bin/python"));
    if python.exists() {
        Some(python)
    } else {
        eprintln!(
            "skipped: no client venv at {} (run scripts/install-clients.sh)",
            python.display()
        );
        None
    }
}

/// A server process, killed when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `authconform serve` on a free port, its port read from the line it prints.
fn serve(mode: &str, credentials: &Path, flaws: &[&str]) -> Server {
    let mut command = Command::new(bin());
    command.args([
        "serve",
        "--dialect",
        "chroma",
        "--mode",
        mode,
        "--port",
        "0",
    ]);
    command.arg("--credentials-file").arg(credentials);
    for flaw in flaws {
        command.args(["--debug-with-flaw", flaw]);
    }
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .trim()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"));
    Server { child, port }
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
    let out = Command::new(python)
        .arg(root().join("clients/chroma_client.py"))
        .arg(port.to_string())
        .arg(auth)
        .env("CHROMA_USER", "admin")
        .env("CHROMA_PASSWORD", PASSWORD)
        .env("CHROMA_TOKEN", TOKEN)
        .env("ANONYMIZED_TELEMETRY", "False")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
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
    let server = serve("basic", &htpasswd, &["protected-left-public"]);
    let (code, out) = drive(&python, server.port, "basic");
    assert_eq!(code, 2, "wrong and missing credentials both let in:\n{out}");
    assert!(
        out.contains("FAIL  chroma basic                wrong credentials"),
        "{out}"
    );
}

#[test]
fn the_chroma_client_sees_real_chroma_as_it_sees_the_reference() {
    let Some(python) = python() else { return };
    let chroma = python.with_file_name("chroma");
    if !chroma.exists() {
        eprintln!("skipped: no chroma server in the client venv");
        return;
    }
    let dir = scratch("clients-chroma-real");
    let (htpasswd, _) = credentials(&dir);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let child = Command::new(&chroma)
        .args(["run", "--host", "127.0.0.1", "--port", &port.to_string()])
        .arg("--path")
        .arg(dir.join("data"))
        .env(
            "CHROMA_SERVER_AUTHN_PROVIDER",
            "chromadb.auth.basic_authn.BasicAuthenticationServerProvider",
        )
        .env("CHROMA_SERVER_AUTHN_CREDENTIALS_FILE", &htpasswd)
        .env("ANONYMIZED_TELEMETRY", "False")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server { child, port };
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "real Chroma did not listen within 60s"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let (code, out) = drive(&python, server.port, "basic");
    assert_eq!(code, 0, "real Chroma 0.6.3 through its own client:\n{out}");
    assert_eq!(out.matches("  pass  chroma").count(), 3, "{out}");
}
