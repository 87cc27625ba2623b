//! A started target: starting (or connecting to) one for a mode, waiting until it is ready, and
//! stopping it — the embedded server, a running one, or a launched process.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::embedded;
use super::model::LaunchMode;
use super::process::Process;
use super::workdir::{dir_mode, write_private};
use crate::dialect::{Dialect, Mode};
use crate::provision::Credentials;
use crate::provision::pki::{CertKey, TlsLab};
use crate::reference;
use crate::scenario::model::SuiteTls;
use crate::scenario::model::Text;
use crate::scenario::template::{Lookup, Template};

use super::workdir::LaunchValues;
use super::{Kind, LaunchError, Target, Until};

impl Target {
    /// Starts (or connects to) the target for one mode and waits until it is ready.
    pub async fn start(
        &self,
        dialect: Dialect,
        mode: &Mode,
        credentials: &Credentials,
        env: &dyn Lookup,
        tls: Option<(SuiteTls, &TlsLab)>,
        until: &Until,
    ) -> Result<Instance, LaunchError> {
        let mut instance = match &self.kind {
            Kind::Embedded => {
                let running = embedded::start(dialect, mode, credentials, tls, &self.flaws).await?;
                return Ok(Instance {
                    base_url: running.base_url(),
                    kind: InstanceKind::Embedded(running),
                    _workdir: None,
                });
            }
            Kind::Running { base_url, .. } => {
                let url = Template::parse(&base_url.value)?.render(env)?.text;
                Instance {
                    base_url: url.trim_end_matches('/').to_owned(),
                    kind: InstanceKind::Running,
                    _workdir: None,
                }
            }
            Kind::Launched { modes, grace } => {
                let spec = modes.get(mode.name).ok_or_else(|| {
                    LaunchError::Unsupported(format!("no launch for mode {}", mode.name))
                })?;
                let settings = match mode.store {
                    crate::dialect::CredentialStore::Settings => {
                        crate::provision::settings::settings(dialect, mode, credentials)?
                    }
                    _ => String::new(),
                };
                self.launch(spec, *grace, credentials, env, tls, &settings)?
            }
        };
        let path = self.ready_path.clone().unwrap_or_else(|| {
            let own = self.dialect.unwrap_or(dialect);
            own.profile()
                .ready
                .or(dialect.profile().ready)
                .and_then(|name| self.path_of(dialect, name))
                .unwrap_or_else(|| "/".into())
        });
        let probe_identity = match tls {
            Some((_, lab)) => Some(lab.pki.client("authconform-ready-probe", false)?),
            None => None,
        };
        match wait_ready(
            &mut instance,
            &path,
            self.ready_status,
            self.ready_timeout,
            probe_identity,
            until,
        )
        .await
        {
            Ok(()) => Ok(instance),
            Err(e) => {
                instance.stop().await;
                Err(e)
            }
        }
    }

    fn launch(
        &self,
        spec: &LaunchMode,
        grace: Duration,
        credentials: &Credentials,
        env: &dyn Lookup,
        tls: Option<(SuiteTls, &TlsLab)>,
        settings: &str,
    ) -> Result<Instance, LaunchError> {
        let workdir = tempfile::Builder::new()
            .prefix("authconform-")
            .tempdir()
            .map_err(|source| io("cannot make a work directory", source))?;
        // Set, not requested: mkdir's mode passes through the umask.
        std::fs::set_permissions(
            workdir.path(),
            std::fs::Permissions::from_mode(dir_mode(self.file_mode)),
        )
        .map_err(|source| io("cannot set the work directory's mode", source))?;
        let port = free_port()?;
        let mut values = LaunchValues::write(
            workdir.path(),
            &self.target_dir,
            port,
            credentials,
            env,
            self.file_mode,
            &self.htpasswd,
        )?;
        if let Some((suite_tls, lab)) = tls {
            values.add_tls(workdir.path(), suite_tls, lab)?;
        }
        values.add_settings(workdir.path(), settings)?;
        let render = |t: &Text| -> Result<String, LaunchError> {
            Ok(Template::parse(&t.value)?.render(&values)?.text)
        };
        let command = spec
            .command
            .value
            .iter()
            .map(render)
            .collect::<Result<Vec<_>, _>>()?;
        let env_vars = spec
            .env
            .iter()
            .map(|(k, v)| Ok((k.clone(), render(v)?)))
            .collect::<Result<Vec<_>, LaunchError>>()?;
        for (name, text) in &self.files {
            let path = workdir.path().join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .and_then(|()| {
                        std::fs::set_permissions(
                            parent,
                            std::fs::Permissions::from_mode(dir_mode(self.file_mode)),
                        )
                    })
                    .map_err(|source| io(&format!("cannot make {}", parent.display()), source))?;
            }
            write_private(&path, &render(text)?, self.file_mode)
                .map_err(|source| io(&format!("cannot write {}", path.display()), source))?;
        }
        let cwd = match &spec.cwd {
            Some(c) => PathBuf::from(render(c)?),
            None => std::env::current_dir()
                .map_err(|source| io("cannot read the current directory", source))?,
        };
        let process = Process::spawn(&command, &env_vars, &cwd, workdir.path())?;
        let workdir = if self.keep_workdir {
            let kept = workdir.keep();
            eprintln!(
                "note: keeping the work directory {} (--keep-workdir); it holds credentials: remove it when done",
                kept.display()
            );
            None
        } else {
            Some(workdir)
        };
        Ok(Instance {
            base_url: format!(
                "{}://127.0.0.1:{port}",
                if tls.is_some() { "https" } else { "http" }
            ),
            kind: InstanceKind::Launched(Box::new(process), grace),
            _workdir: workdir,
        })
    }
}

pub struct Instance {
    pub base_url: String,
    kind: InstanceKind,
    _workdir: Option<tempfile::TempDir>,
}

enum InstanceKind {
    Embedded(reference::Running),
    Running,
    Launched(Box<Process>, Duration),
}

impl Instance {
    /// For a launched server that has exited: its status and last stderr lines.
    pub fn exited(&mut self) -> Option<String> {
        match &mut self.kind {
            InstanceKind::Launched(process, _) => {
                let status = process.exited()?;
                Some(format!(
                    "target exited with {status}; last stderr lines:\n{}",
                    process.stderr_tail(10)
                ))
            }
            _ => None,
        }
    }

    /// For a launched server: the last `n` lines of its stdout and stderr.
    pub fn log_tails(&self, n: usize) -> Option<(String, String)> {
        match &self.kind {
            InstanceKind::Launched(process, _) => {
                Some((process.stdout_tail(n), process.stderr_tail(n)))
            }
            _ => None,
        }
    }

    pub async fn stop(self) {
        match self.kind {
            InstanceKind::Embedded(running) => running.stop().await,
            InstanceKind::Running => {}
            InstanceKind::Launched(process, grace) => {
                process.stop(grace).await;
            }
        }
    }
}

async fn wait_ready(
    instance: &mut Instance,
    path: &str,
    status: u16,
    timeout: Duration,
    identity: Option<CertKey>,
    until: &Until,
) -> Result<(), LaunchError> {
    // Readiness only asks whether the server answers, whatever certificate it presents; it shows a
    // client certificate in case the server requires one.
    let mut builder = crate::http_client::client_builder()
        .tls_danger_accept_invalid_certs(true)
        .timeout(Duration::from_secs(2));
    if let Some(id) = identity {
        let identity = reqwest::Identity::from_pem(format!("{}{}", id.cert, id.key).as_bytes())
            .map_err(|e| {
                LaunchError::Spawn(format!("the readiness probe's client certificate: {e}"))
            })?;
        builder = builder.identity(identity);
    }
    let client = builder.build().map_err(|e| {
        LaunchError::Spawn(format!("cannot build the readiness probe's client: {e}"))
    })?;
    let url = format!("{}{path}", instance.base_url);
    let started = Instant::now();
    let give_up = (started + timeout).min(until.deadline);
    let mut last = String::from("no answer yet");
    let mut stop = until.stop.clone();
    while Instant::now() < give_up {
        if let Some(exit) = instance.exited() {
            return Err(LaunchError::NeverReady(format!(
                "the target never became ready: {exit}"
            )));
        }
        if until.stopped() {
            return Err(LaunchError::Interrupted);
        }
        let left = give_up.saturating_duration_since(Instant::now());
        let attempt = async {
            match tokio::time::timeout(left, client.get(&url).send()).await {
                Ok(Ok(r)) if r.status().as_u16() == status => Ok(()),
                Ok(Ok(r)) => Err(format!("GET {url} answered {}", r.status().as_u16())),
                Ok(Err(e)) => Err(format!(
                    "GET {url}: {}",
                    crate::http_client::describe_error(&e)
                )),
                Err(_) => Err(format!("GET {url}: no answer before the wait ended")),
            }
        };
        let interrupted = async {
            match &mut stop {
                Some(s) => {
                    let _ = s.wait_for(|v| *v).await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            r = attempt => match r {
                Ok(()) => return Ok(()),
                Err(e) => last = e,
            },
            () = interrupted => {
                return Err(LaunchError::Interrupted);
            }
        }
        let pause =
            Duration::from_millis(100).min(give_up.saturating_duration_since(Instant::now()));
        tokio::time::sleep(pause).await;
    }
    let bound = if until.deadline < started + timeout {
        "the run's --deadline passed before the target was ready".to_owned()
    } else {
        format!("the target was not ready within {}s", timeout.as_secs_f32())
    };
    Err(LaunchError::NeverReady(format!(
        "{bound} (waiting for {status} from GET {path}); last: {last}"
    )))
}

fn free_port() -> Result<u16, LaunchError> {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|source| io("no free port on 127.0.0.1", source))
}

fn io(what: &str, source: std::io::Error) -> LaunchError {
    LaunchError::Io {
        what: what.to_owned(),
        source,
    }
}
