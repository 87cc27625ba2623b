//! A server process authconform started: its own session and process group, its output kept in
//! files, stopped with SIGTERM then SIGKILL, and killed when dropped.
//!
//! A launched command may fork and leave its group (`setsid … &`, a daemonizing server): every
//! process started for one launch carries a marker in its environment, inherited by all it starts,
//! and stopping kills every process that still carries it, wherever it was re-parented.

use super::LaunchError;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::process::{Child, Command};

/// The environment variable that marks the processes of one launch.
pub const MARKER: &str = "AUTHCONFORM_LAUNCH";

pub struct Process {
    child: Child,
    pid: i32,
    marker: String,
    stdout_path: PathBuf,
    stderr_path: PathBuf,
    stopped: bool,
}

impl Process {
    pub fn spawn(
        program: &[String],
        env: &[(String, String)],
        cwd: &Path,
        logs: &Path,
    ) -> Result<Process, LaunchError> {
        let (first, args) = program
            .split_first()
            .ok_or_else(|| LaunchError::Spawn("empty command".into()))?;
        let stdout_path = logs.join("stdout.log");
        let stderr_path = logs.join("stderr.log");
        let create = |path: &Path| {
            use std::os::unix::fs::OpenOptionsExt;
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .map_err(|source| LaunchError::Io {
                    what: "cannot create a log file".into(),
                    source,
                })
        };
        let stdout = create(&stdout_path)?;
        let stderr = create(&stderr_path)?;
        let marker = format!(
            "{}-{}",
            std::process::id(),
            crate::provision::credentials::random_secret("")
        );
        let mut command = Command::new(first);
        command
            .args(args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .env(MARKER, &marker)
            .current_dir(cwd)
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .kill_on_drop(true);
        // SAFETY: setsid(2) is async-signal-safe and touches no memory of the parent: the child
        // leaves the terminal's session (a Ctrl-C reaches authconform, which stops it in order)
        // and leads a new process group, which stopping signals as a whole.
        unsafe {
            command.pre_exec(|| {
                if libc::setsid() == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command
            .spawn()
            .map_err(|e| LaunchError::Spawn(format!("cannot start {first:?}: {e}")))?;
        let pid = child
            .id()
            .map(|p| p as i32)
            .ok_or_else(|| LaunchError::Spawn("the process exited at once".into()))?;
        Ok(Process {
            child,
            pid,
            marker,
            stdout_path,
            stderr_path,
            stopped: false,
        })
    }

    /// The exit status, if the process has exited.
    pub fn exited(&mut self) -> Option<String> {
        match self.child.try_wait() {
            Ok(Some(status)) => Some(describe(status)),
            _ => None,
        }
    }

    /// The last `n` lines the process wrote to stderr.
    pub fn stderr_tail(&self, n: usize) -> String {
        tail(&self.stderr_path, n)
    }

    /// The last `n` lines the process wrote to stdout.
    pub fn stdout_tail(&self, n: usize) -> String {
        tail(&self.stdout_path, n)
    }

    /// SIGTERM to the whole group and to every process of the launch, then SIGKILL after `grace`.
    pub async fn stop(mut self, grace: Duration) -> String {
        self.stopped = true;
        self.signal_all(libc::SIGTERM);
        let outcome = match tokio::time::timeout(grace, self.child.wait()).await {
            Ok(Ok(status)) => describe(status),
            _ => {
                self.signal_all(libc::SIGKILL);
                let _ = self.child.wait().await;
                format!("killed after {}s grace", grace.as_secs_f32())
            }
        };
        // What left the group: given the rest of the grace to end, then killed.
        let until = Instant::now() + Duration::from_secs(1);
        while !marked_processes(&self.marker).is_empty() && Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.signal_all(libc::SIGKILL);
        outcome
    }

    fn signal_all(&self, signal: i32) {
        signal_group(self.pid, signal);
        for pid in marked_processes(&self.marker) {
            // SAFETY: kill(2) on a process that carries this launch's marker; no memory effects.
            unsafe {
                libc::kill(pid, signal);
            }
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if !self.stopped {
            self.signal_all(libc::SIGKILL);
        }
    }
}

/// The last `n` lines of a log file (at most 64 KiB of its end is read).
fn tail(path: &Path, n: usize) -> String {
    use std::io::{Read, Seek, SeekFrom};
    const MOST: u64 = 64 * 1024;
    let Ok(mut file) = std::fs::File::open(path) else {
        return String::new();
    };
    let len = file.metadata().map_or(0, |m| m.len());
    let _ = file.seek(SeekFrom::Start(len.saturating_sub(MOST)));
    let mut bytes = Vec::new();
    let _ = file.take(MOST).read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Every live process whose environment holds `MARKER=marker`.
fn marked_processes(marker: &str) -> Vec<i32> {
    let needle = format!("{MARKER}={marker}");
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let own = std::process::id() as i32;
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|&pid| pid != own)
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.split(|&b| b == 0).any(|kv| kv == needle.as_bytes()))
        })
        .collect()
}

fn signal_group(pid: i32, signal: i32) {
    // SAFETY: kill(2) with a negative pid signals the process group we created; it has no memory effects.
    unsafe {
        libc::kill(-pid, signal);
    }
}

fn describe(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("status {code}"),
        (None, Some(signal)) => format!("signal {signal}"),
        _ => "unknown status".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A command that daemonizes a grandchild into its own session escapes the process group;
    /// the launch marker still finds it, and stopping kills it.
    #[tokio::test]
    async fn stop_kills_what_left_the_group() {
        let dir = tempfile::tempdir().unwrap();
        let script = "setsid sleep 300 & echo $! > child.pid; exec sleep 300";
        let process = Process::spawn(
            &["sh".into(), "-c".into(), script.into()],
            &[],
            dir.path(),
            dir.path(),
        )
        .unwrap();
        let pid_file = dir.path().join("child.pid");
        let mut waited = 0;
        while std::fs::read_to_string(&pid_file).map_or(true, |t| t.trim().is_empty()) {
            assert!(waited < 100, "the script never wrote its child's pid");
            tokio::time::sleep(Duration::from_millis(20)).await;
            waited += 1;
        }
        let escaped: i32 = std::fs::read_to_string(&pid_file)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let alive = |pid: i32| {
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
                !s.rsplit(')')
                    .next()
                    .unwrap_or("")
                    .trim_start()
                    .starts_with('Z')
            })
        };
        assert!(alive(escaped), "the daemonized sleep runs before the stop");
        let marker = process.marker.clone();
        process.stop(Duration::from_secs(2)).await;
        let mut waited = 0;
        while alive(escaped) && waited < 50 {
            tokio::time::sleep(Duration::from_millis(20)).await;
            waited += 1;
        }
        assert!(!alive(escaped), "the daemonized process survived the stop");
        assert!(marked_processes(&marker).is_empty());
    }
}
