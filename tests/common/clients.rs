//! The client test bed's plumbing: the venv's Python (or a skip, said once), servers that stop
//! when dropped, and one run of a client script.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{bin, root};

/// The client venv's Python, or `None` after saying why the test is skipped.
pub fn python() -> Option<PathBuf> {
    python_in("AUTHCONFORM_CLIENTS_PYTHON", ".venv/clients")
}

/// The Python of weaviate-client 4.x's venv (`.venv/weaviate-v4`), for the role API.
pub fn python_v4() -> Option<PathBuf> {
    python_in("AUTHCONFORM_WEAVIATE_V4_PYTHON", ".venv/weaviate-v4")
}

fn python_in(variable: &str, venv: &str) -> Option<PathBuf> {
    let python = std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(venv).join("bin/python"));
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
pub struct Server {
    pub child: Child,
    pub port: u16,
    /// What it printed first, e.g. `serving weaviate adminlist on http://127.0.0.1:41663`.
    pub banner: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The value after `label` in the banner (`issuer:` of `jwks serve`).
    pub fn banner_value(&self, label: &str) -> String {
        self.banner
            .iter()
            .find_map(|l| l.strip_prefix(label))
            .map(|v| v.trim().to_owned())
            .unwrap_or_else(|| panic!("no {label:?} in {:?}", self.banner))
    }
}

/// `authconform ARGS` that prints its address on its first lines: the port is the number after
/// the last `:` of the first line with `http`, read from the first `lines` lines.
pub fn authconform_server<I, S>(args: I, lines: usize) -> Server
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut banner = Vec::new();
    for _ in 0..lines {
        let mut line = String::new();
        if out.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        banner.push(line.trim_end().to_owned());
    }
    // Keep reading: a closed pipe would kill a server at its next line (`Serving until Ctrl-C.`).
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let port = banner
        .iter()
        .find(|l| l.contains("http"))
        .and_then(|l| l.rsplit(':').next())
        .and_then(|p| p.trim_end_matches('/').parse().ok())
        .unwrap_or_else(|| panic!("no port in {banner:?}"));
    Server {
        child,
        port,
        banner,
    }
}

/// `authconform serve --dialect D --mode M --credentials-file F [extra…]` on a free port.
pub fn serve(dialect: &str, mode: &str, credentials: &Path, extra: &[&OsStr]) -> Server {
    let mut args: Vec<&OsStr> = ["serve", "--dialect", dialect, "--mode", mode, "--port", "0"]
        .into_iter()
        .map(OsStr::new)
        .collect();
    args.push(OsStr::new("--credentials-file"));
    args.push(credentials.as_os_str());
    args.extend_from_slice(extra);
    authconform_server(args, 1)
}

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port()
}

/// Waits until something accepts connections on `port`, for at most `within`.
pub fn wait_listening(port: u16, within: Duration) {
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < within,
            "nothing listened on {port} within {within:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// One run of `clients/SCRIPT ARGS` with `env` (secrets go here, never in ARGS): its exit
/// status and what it printed.
pub fn drive(python: &Path, script: &str, args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut command = Command::new(python);
    command
        .arg(root().join("clients").join(script))
        .args(args)
        .env("ANONYMIZED_TELEMETRY", "False")
        .stderr(Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    // Shown by the test harness with `--nocapture` or when the test fails.
    eprintln!("$ {script} {}\n{stdout}", args.join(" "));
    (out.status.code().unwrap_or(-1), stdout)
}

/// The mock issuer (`authconform jwks serve`) with its keys kept in `dir/keys.json`, so that
/// [`forge`] signs with them; `extra` adds `--user NAME:PASSWORD` and `--client ID:SECRET`.
pub fn jwks_serve(dir: &Path, extra: &[&str]) -> Server {
    let keys = dir.join("keys.json");
    let mut args: Vec<&OsStr> = ["jwks", "serve", "--port=0", "--keys"]
        .into_iter()
        .map(OsStr::new)
        .collect();
    args.push(keys.as_os_str());
    args.extend(extra.iter().map(OsStr::new));
    authconform_server(args, 5)
}

/// `authconform jwt forge valid` for `user` and `aud` at `issuer`, signed with `dir/keys.json`,
/// with `extra` flags (`--claim exp=-1m`, `--key outsider`).
pub fn forge(dir: &Path, issuer: &str, aud: &str, user: &str, extra: &[&str]) -> String {
    let keys = dir.join("keys.json");
    let mut args = vec!["jwt", "forge", "valid", "--keys", keys.to_str().unwrap()];
    args.extend_from_slice(&["--issuer", issuer, "--aud", aud, "--user", user]);
    args.extend_from_slice(extra);
    let ran = super::authconform(&args);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    ran.stdout.trim().to_owned()
}
