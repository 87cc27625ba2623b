//! Runs the authconform binary from the crate root and captures what it printed.
#![allow(dead_code)] // each test binary uses a part of these helpers

pub mod clients;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_authconform")
}

pub fn authconform(args: &[&str]) -> Ran {
    authconform_with(args, &[])
}

pub fn authconform_with(args: &[&str], env: &[(&str, &str)]) -> Ran {
    let mut command = Command::new(bin());
    command
        .args(args)
        .current_dir(root())
        .env("CI", "true")
        .env_remove("NO_COLOR");
    for (k, v) in env {
        command.env(k, v);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("the binary runs");
    Ran {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// Whether `program` is on the PATH (a test of a real server skips, saying so, without it).
pub fn installed(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A fresh directory under the target directory for one test's files.
pub fn scratch(name: &str) -> PathBuf {
    let dir = root().join("target").join("test-scratch").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `body` to `dir/name` and returns the path.
pub fn write_file(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, body).unwrap();
    path
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A resource server that answers 200 to every request: it must fail the gate, by name.
pub struct AcceptsAnything {
    pub port: u16,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Drop for AcceptsAnything {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
    }
}

pub fn accepts_anything() -> AcceptsAnything {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = stop.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            if flag.load(std::sync::atomic::Ordering::SeqCst) {
                break;
            }
            let Ok(mut stream) = stream else { continue };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && head.len() < 256 * 1024 {
                match stream.read(&mut byte) {
                    Ok(1) => head.push(byte[0]),
                    _ => break,
                }
            }
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}");
        }
    });
    AcceptsAnything { port, stop }
}

/// `mutants` on `suites` with `flaw` alone: its entry of the JSON report, after checking that the
/// flaw was caught.
pub fn caught(suites: &[&str], flaw: &str) -> serde_json::Value {
    // One suite may hold a single catching case: catching, not independence, is checked here.
    let ran = authconform(
        &[
            &["mutants"],
            suites,
            &["--flaw", flaw, "-f", "json", "--min-independent", "1"],
        ]
        .concat(),
    );
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.stderr);
    let report: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    report["flaws"][0].clone()
}

/// Whether every case that caught `flaw` has an id containing `part` (no other suite catches it).
pub fn caught_only_where(flaw: &serde_json::Value, part: &str) -> bool {
    flaw["caught_by"].as_array().is_some_and(|by| {
        by.iter()
            .all(|c| c["case"].as_str().is_some_and(|id| id.contains(part)))
    })
}

/// The ids of the cases that caught a flaw, as one string to search.
pub fn catching(flaw: &serde_json::Value) -> String {
    flaw["caught_by"].to_string()
}
