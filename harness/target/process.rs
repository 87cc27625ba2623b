//! A server process authconform started: its own process group, its output kept in files, stopped
//! with SIGTERM then SIGKILL, and killed when dropped.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};

pub struct Process {
    child: Child,
    pid: i32,
    stderr_path: PathBuf,
    stopped: bool,
}

impl Process {
    pub fn spawn(
        program: &[String],
        env: &[(String, String)],
        cwd: &Path,
        logs: &Path,
    ) -> Result<Process, String> {
        let (first, args) = program.split_first().ok_or("empty command")?;
        let stdout = std::fs::File::create(logs.join("stdout.log"))
            .map_err(|e| format!("cannot create log file: {e}"))?;
        let stderr_path = logs.join("stderr.log");
        let stderr = std::fs::File::create(&stderr_path)
            .map_err(|e| format!("cannot create log file: {e}"))?;
        let child = Command::new(first)
            .args(args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .current_dir(cwd)
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot start {first:?}: {e}"))?;
        let pid = child
            .id()
            .map(|p| p as i32)
            .ok_or("the process exited at once")?;
        Ok(Process {
            child,
            pid,
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
        let text = std::fs::read(&self.stderr_path).unwrap_or_default();
        let text = String::from_utf8_lossy(&text);
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(n)..].join("\n")
    }

    /// SIGTERM to the whole group, then SIGKILL after `grace`.
    pub async fn stop(mut self, grace: Duration) -> String {
        self.stopped = true;
        signal_group(self.pid, libc::SIGTERM);
        match tokio::time::timeout(grace, self.child.wait()).await {
            Ok(Ok(status)) => {
                signal_group(self.pid, libc::SIGKILL);
                describe(status)
            }
            _ => {
                signal_group(self.pid, libc::SIGKILL);
                let _ = self.child.wait().await;
                format!("killed after {}s grace", grace.as_secs_f32())
            }
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if !self.stopped {
            signal_group(self.pid, libc::SIGKILL);
        }
    }
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
