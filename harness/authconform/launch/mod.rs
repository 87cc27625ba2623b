//! Where the scenarios are sent: the embedded reference server, a running server, or one
//! authconform launches per auth mode. [`Target`] is the description, [`Instance`] a started one.

pub mod embedded;
pub use crate::target_file as model;
pub mod process;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::dialect::{Dialect, Endpoint, Mode};
use crate::duration::parse_duration;
use crate::provision::pki::{CertKey, TlsLab};
use crate::provision::{Credentials, User, files};
use crate::reference;
use crate::reference::flaws::Flaws;
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::model::Text;
use crate::scenario::model::{ClientAuth, SuiteTls};
use crate::scenario::template::{Lookup, Resolved, Template};
use crate::secrets::Secret;
use model::{LaunchMode, TargetFixtures, load_target};
use process::Process;

const DEFAULT_READY_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_STOP_GRACE: Duration = Duration::from_secs(5);

/// How long starting a target may wait: the run's deadline, and a flag a signal sets.
#[derive(Clone)]
pub struct Until {
    pub deadline: Instant,
    pub stop: Option<tokio::sync::watch::Receiver<bool>>,
}

impl Until {
    /// No deadline sooner than `timeout` from now, no signal watched.
    pub fn after(timeout: Duration) -> Until {
        Until {
            deadline: Instant::now() + timeout,
            stop: None,
        }
    }

    fn stopped(&self) -> bool {
        self.stop.as_ref().is_some_and(|s| *s.borrow())
    }
}

pub struct Target {
    pub name: String,
    /// `None` for the embedded server, which speaks every dialect it implements.
    pub dialect: Option<Dialect>,
    kind: Kind,
    /// The endpoints the target file lists, merged with its dialect's of the same name.
    endpoints: Vec<Endpoint>,
    /// Headers that may echo the user name sent (lower case), from the target file.
    echo_headers: Vec<String>,
    fixtures: TargetFixtures,
    ready_path: Option<String>,
    ready_status: u16,
    pub ready_timeout: Duration,
    target_dir: PathBuf,
    /// Deliberate bugs of the embedded server; only `mutants` sets them.
    flaws: Flaws,
    /// The mode of the credential files written for a launch (`launch.file_mode`).
    file_mode: u32,
    /// Files written into a launch's work directory (`launch.files`), by relative path.
    files: Vec<(String, Text)>,
    /// How the htpasswd file is written (`launch.htpasswd_hashes`, `launch.bcrypt_cost`).
    htpasswd: files::HtpasswdRecipe,
    /// Keep a launch's work directory after the run (`--keep-workdir`).
    pub keep_workdir: bool,
}

enum Kind {
    Embedded,
    Running {
        base_url: Text,
        modes: Vec<String>,
    },
    Launched {
        modes: BTreeMap<String, LaunchMode>,
        grace: Duration,
    },
}

impl Target {
    pub fn embedded() -> Target {
        Target {
            name: "embedded reference server".into(),
            dialect: None,
            kind: Kind::Embedded,
            endpoints: Vec::new(),
            echo_headers: Vec::new(),
            fixtures: TargetFixtures::default(),
            ready_path: None,
            ready_status: 200,
            ready_timeout: DEFAULT_READY_TIMEOUT,
            target_dir: PathBuf::from("."),
            flaws: Flaws::default(),
            file_mode: 0o600,
            files: Vec::new(),
            htpasswd: files::HtpasswdRecipe::default(),
            keep_workdir: false,
        }
    }

    /// The embedded reference server with deliberate bugs, for `authconform mutants`.
    pub fn embedded_with_flaws(flaws: Flaws) -> Target {
        let names: Vec<_> = flaws.list().iter().map(|f| f.name()).collect();
        Target {
            name: format!("embedded reference server with flaw {}", names.join(", ")),
            flaws,
            ..Target::embedded()
        }
    }

    pub fn from_file(path: &Path) -> Result<Target, Diagnostic> {
        let (file, text, dialect) = load_target(path)?;
        let set = |name: &str| std::env::var_os(name).is_some();
        if let Some(first) = model::unset_variables(&file, path, &text, &set)
            .into_iter()
            .next()
        {
            return Err(first);
        }
        if let Some(url) = &file.base_url {
            let rendered = Template::parse(&url.value)
                .map_err(|e| Diagnostic::new(path, e.to_string()))?
                .render(&crate::exec::prepare::RecordingEnv::default())
                .map_err(|e| Diagnostic::new(path, e))?
                .text;
            let place = |d: Diagnostic| d.at(&text, url.referenced.line(), url.referenced.column());
            if model::user_info_problem(&rendered).is_some() {
                return Err(place(Diagnostic::new(
                    path,
                    "`base_url` holds user info (`user:password@`) once its variables are filled",
                ))
                .hint("remove `user:password@` and give the credentials under `fixtures.users`"));
            }
            if rendered.starts_with("http://") && !model::is_loopback_url(&rendered) {
                eprintln!(
                    "warning: {}: `base_url` is plain HTTP to a host that is not loopback: \
                     credentials will cross the network in clear",
                    path.display()
                );
            }
        }
        let file_mode = match file.launch.as_ref().and_then(|l| l.file_mode.as_ref()) {
            Some(m) => model::parse_file_mode(&m.value).map_err(|e| {
                Diagnostic::new(path, e).at(&text, m.referenced.line(), m.referenced.column())
            })?,
            None => 0o600,
        };
        let launch_hashes = file
            .launch
            .as_ref()
            .map(|l| l.htpasswd_hashes.clone())
            .unwrap_or_default();
        // In range: `load_target` checked it.
        let bcrypt_cost = file
            .launch
            .as_ref()
            .and_then(|l| l.bcrypt_cost.as_ref())
            .map_or(files::BCRYPT_COST, |c| c.value);
        let files: Vec<(String, Text)> = file
            .launch
            .as_ref()
            .map(|l| {
                l.files
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let kind = match (file.base_url, file.launch) {
            (Some(base_url), _) => Kind::Running {
                base_url,
                modes: file.modes.into_iter().map(|m| m.value).collect(),
            },
            (None, Some(launch)) => {
                let grace = launch
                    .stop_grace
                    .map_or(Ok(DEFAULT_STOP_GRACE), |g| parse_duration(&g.value));
                Kind::Launched {
                    modes: launch.modes,
                    grace: grace.map_err(|e| Diagnostic::new(path, e))?,
                }
            }
            (None, None) => unreachable!("load_target checks that one of them is given"),
        };
        let ready_timeout = match &file.ready.timeout {
            Some(t) => parse_duration(&t.value).map_err(|e| Diagnostic::new(path, e))?,
            None => DEFAULT_READY_TIMEOUT,
        };
        Ok(Target {
            name: file.name.value,
            dialect: Some(dialect),
            kind,
            endpoints: file
                .endpoints
                .iter()
                .map(|(name, spec)| target_endpoint(dialect, name, &spec.value))
                .collect(),
            echo_headers: file
                .echo_headers
                .iter()
                .map(|h| h.to_ascii_lowercase())
                .collect(),
            fixtures: file.fixtures,
            ready_path: file.ready.path.map(|p| p.value),
            ready_status: file.ready.status.unwrap_or(200),
            ready_timeout,
            flaws: Flaws::default(),
            file_mode,
            files,
            htpasswd: files::HtpasswdRecipe {
                hashes: launch_hashes,
                bcrypt_cost,
            },
            keep_workdir: false,
            target_dir: path
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        })
    }

    /// Why this target cannot run suites of `dialect` in `mode`; `None` when it can.
    pub fn unsupported(&self, dialect: Dialect, mode: &str) -> Option<String> {
        if let Some(own) = self.dialect
            && !own.speaks(dialect)
        {
            return Some(format!(
                "target {:?} is {own}, the suite is {dialect}",
                self.name
            ));
        }
        let offered: Vec<&str> = match &self.kind {
            Kind::Embedded => {
                if dialect.reference().is_none() {
                    return Some(format!(
                        "dialect {dialect} has no reference server: give a target file (`-t`) for a real one"
                    ));
                }
                return (dialect.modes().is_empty() || dialect.mode(mode).is_none())
                    .then(|| format!("the embedded server has no {dialect} {mode} mode yet"));
            }
            Kind::Running { modes, .. } => modes.iter().map(String::as_str).collect(),
            Kind::Launched { modes, .. } => modes.keys().map(String::as_str).collect(),
        };
        (!offered.contains(&mode)).then(|| {
            format!(
                "target {:?} offers modes {} but not {mode}",
                self.name,
                offered.join(", ")
            )
        })
    }

    /// Why this target cannot run a suite with (`Some`) or without (`None`) TLS; `None` when it can.
    /// A launched target serves TLS exactly when its launch uses `{{ tls.server_cert }}`.
    pub fn unsupported_tls(&self, tls: Option<SuiteTls>) -> Option<String> {
        match (&self.kind, tls) {
            (Kind::Embedded, _) => None,
            (Kind::Running { .. }, Some(t)) => Some(format!(
                "target {:?} is a running server: it cannot present the run's {} certificate",
                self.name,
                t.server.name()
            )),
            (Kind::Running { .. }, None) => None,
            (Kind::Launched { modes, .. }, tls) => {
                let serves_tls = modes.values().any(|m| {
                    m.command
                        .value
                        .iter()
                        .chain(m.env.values())
                        .any(|t| t.value.contains("tls.server_cert"))
                });
                match (serves_tls, tls) {
                    (false, Some(_)) => Some(format!(
                        "target {:?} serves plain HTTP; the suite needs TLS",
                        self.name
                    )),
                    (true, None) => Some(format!(
                        "target {:?} serves TLS only; the suite needs plain HTTP",
                        self.name
                    )),
                    _ => None,
                }
            }
        }
    }

    /// The endpoint `name` as this target serves it: the target file's definition, else its
    /// dialect's, else that of the suite's dialect `suite`.
    pub fn endpoint(&self, suite: Dialect, name: &str) -> Option<Endpoint> {
        self.endpoints
            .iter()
            .find(|e| e.name == name)
            .copied()
            .or_else(|| self.dialect.and_then(|d| d.endpoint(name)).copied())
            .or_else(|| suite.endpoint(name).copied())
    }

    /// The path of a named endpoint on this target.
    pub fn path_of(&self, dialect: Dialect, endpoint: &str) -> Option<String> {
        self.endpoint(dialect, endpoint).map(|e| e.path.to_owned())
    }

    /// Every public (or protected) endpoint of this target, for cases written for the role
    /// (`endpoint: protected`): the ones the target file lists when it lists any with their
    /// access, else its dialect's.
    pub fn endpoints_with_access(&self, suite: Dialect, public: bool) -> Vec<Endpoint> {
        let listed: Vec<Endpoint> = if self.endpoints.is_empty() {
            self.dialect.unwrap_or(suite).endpoints().to_vec()
        } else {
            self.endpoints.clone()
        };
        listed.into_iter().filter(|e| e.public == public).collect()
    }

    /// Whether the target file lists an endpoint of this access other than `name`.
    pub fn lists_other_with_access(&self, public: bool, name: &str) -> bool {
        self.endpoints
            .iter()
            .any(|e| e.public == public && e.name != name)
    }

    /// The headers uniform-rejection comparisons leave out for suites of `dialect`: those its
    /// profile and the target's declare as echoing the user name.
    pub fn echo_headers(&self, dialect: Dialect) -> Vec<String> {
        let own = self
            .dialect
            .map(|d| d.profile().echo_headers)
            .unwrap_or(&[]);
        dialect
            .profile()
            .echo_headers
            .iter()
            .chain(own)
            .map(|h| (*h).to_owned())
            .chain(self.echo_headers.iter().cloned())
            .collect()
    }

    /// The credentials to use with this target: generated ones, except on a running server, where
    /// the target file gives every user's and token's values.
    pub fn credentials(
        &self,
        generated: Credentials,
        lookup_env: &dyn Lookup,
    ) -> Result<Credentials, String> {
        if !matches!(self.kind, Kind::Running { .. }) {
            return Ok(generated);
        }
        let mut out = Credentials {
            settings: generated.settings,
            roles: generated.roles,
            jwt: generated.jwt,
            ..Credentials::default()
        };
        for (key, user) in generated.users {
            let values = self.fixtures.users.get(&key).ok_or_else(|| {
                format!(
                    "target {:?} gives no credentials for user {key:?} under `fixtures.users`",
                    self.name
                )
            })?;
            let render = |t: &Text| {
                Template::parse(&t.value)
                    .map_err(|e| e.to_string())?
                    .render(lookup_env)
            };
            let name = match &values.name {
                Some(n) => render(n)?.text,
                None => key.clone(),
            };
            out.users.insert(
                key,
                User {
                    name,
                    password: match &values.password {
                        Some(p) => render(p)?.text.into(),
                        None => Secret::default(),
                    },
                    role: user.role,
                },
            );
        }
        for (key, mut token) in generated.tokens {
            let value = self.fixtures.tokens.get(&key).ok_or_else(|| {
                format!(
                    "target {:?} gives no value for token {key:?} under `fixtures.tokens`",
                    self.name
                )
            })?;
            token.value = Template::parse(&value.value)
                .map_err(|e| e.to_string())?
                .render(lookup_env)?
                .text;
            out.tokens.insert(key, token);
        }
        Ok(out)
    }

    pub fn describe(&self) -> String {
        match &self.kind {
            Kind::Embedded => self.name.clone(),
            Kind::Running { .. } => format!("{} (running server)", self.name),
            Kind::Launched { .. } => format!("{} (launched per mode)", self.name),
        }
    }

    /// Starts (or connects to) the target for one mode and waits until it is ready.
    pub async fn start(
        &self,
        dialect: Dialect,
        mode: &Mode,
        credentials: &Credentials,
        env: &dyn Lookup,
        tls: Option<(SuiteTls, &TlsLab)>,
        until: &Until,
    ) -> Result<Instance, String> {
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
                let url = Template::parse(&base_url.value)
                    .map_err(|e| e.to_string())?
                    .render(env)?
                    .text;
                Instance {
                    base_url: url.trim_end_matches('/').to_owned(),
                    kind: InstanceKind::Running,
                    _workdir: None,
                }
            }
            Kind::Launched { modes, grace } => {
                let spec = modes
                    .get(mode.name)
                    .ok_or_else(|| format!("no launch for mode {}", mode.name))?;
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
    ) -> Result<Instance, String> {
        let workdir = tempfile::Builder::new()
            .prefix("authconform-")
            .tempdir()
            .map_err(|e| format!("cannot make a work directory: {e}"))?;
        // Set, not requested: mkdir's mode passes through the umask.
        std::fs::set_permissions(
            workdir.path(),
            std::fs::Permissions::from_mode(dir_mode(self.file_mode)),
        )
        .map_err(|e| format!("cannot set the work directory's mode: {e}"))?;
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
        let render = |t: &Text| -> Result<String, String> {
            Ok(Template::parse(&t.value)
                .map_err(|e| e.to_string())?
                .render(&values)?
                .text)
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
            .collect::<Result<Vec<_>, String>>()?;
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
                    .map_err(|e| format!("cannot make {}: {e}", parent.display()))?;
            }
            write_private(&path, &render(text)?, self.file_mode)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        let cwd = match &spec.cwd {
            Some(c) => PathBuf::from(render(c)?),
            None => std::env::current_dir().map_err(|e| e.to_string())?,
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
) -> Result<(), String> {
    // Readiness only asks whether the server answers, whatever certificate it presents; it shows a
    // client certificate in case the server requires one.
    let mut builder = crate::exec::client::client_builder()
        .tls_danger_accept_invalid_certs(true)
        .timeout(Duration::from_secs(2));
    if let Some(id) = identity {
        let identity = reqwest::Identity::from_pem(format!("{}{}", id.cert, id.key).as_bytes())
            .map_err(|e| e.to_string())?;
        builder = builder.identity(identity);
    }
    let client = builder.build().map_err(|e| e.to_string())?;
    let url = format!("{}{path}", instance.base_url);
    let started = Instant::now();
    let give_up = (started + timeout).min(until.deadline);
    let mut last = String::from("no answer yet");
    let mut stop = until.stop.clone();
    while Instant::now() < give_up {
        if let Some(exit) = instance.exited() {
            return Err(format!("the target never became ready: {exit}"));
        }
        if until.stopped() {
            return Err("interrupted while waiting for the target to become ready".into());
        }
        let left = give_up.saturating_duration_since(Instant::now());
        let attempt = async {
            match tokio::time::timeout(left, client.get(&url).send()).await {
                Ok(Ok(r)) if r.status().as_u16() == status => Ok(()),
                Ok(Ok(r)) => Err(format!("GET {url} answered {}", r.status().as_u16())),
                Ok(Err(e)) => Err(format!(
                    "GET {url}: {}",
                    crate::exec::client::describe_error(&e)
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
                return Err("interrupted while waiting for the target to become ready".into());
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
    Err(format!(
        "{bound} (waiting for {status} from GET {path}); last: {last}"
    ))
}

/// A target file's endpoint: its fields over those of the dialect's endpoint of the same name.
fn target_endpoint(dialect: Dialect, name: &str, spec: &model::TargetEndpoint) -> Endpoint {
    fn leak(s: &str) -> &'static str {
        Box::leak(s.to_owned().into_boxed_str())
    }
    let base = dialect.endpoint(name);
    let (method, access, body) = match spec {
        model::TargetEndpoint::Path(_) => (None, None, None),
        model::TargetEndpoint::Full(f) => (f.method.as_ref(), f.access, f.body.as_ref()),
    };
    Endpoint {
        name: leak(name),
        method: method
            .map(|m| leak(&m.value))
            .or(base.map(|b| b.method))
            .unwrap_or("GET"),
        path: leak(&spec.path().value),
        body: body.map(|b| leak(&b.value)).or(base.and_then(|b| b.body)),
        headers: base.map_or(&[], |b| b.headers),
        public: access.map_or(base.is_some_and(|b| b.public), |a| {
            a == crate::dialect::profile::Access::Public
        }),
        class: base.and_then(|b| b.class),
    }
}

fn free_port() -> Result<u16, String> {
    let listener =
        std::net::TcpListener::bind(("127.0.0.1", 0)).map_err(|e| format!("no free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// The values a launch may use, with the credential files written into the work directory.
struct LaunchValues<'a> {
    values: BTreeMap<&'static str, Resolved>,
    /// `settings.<NAME>`: the server settings made for the mode (Weaviate's environment…).
    settings: BTreeMap<String, String>,
    /// `issuer.url`, `jwks.url`, `jwks.attacker_url`, `jwt.aud`, `jwt.client_secret`.
    jwt: Option<Credentials>,
    env: &'a dyn Lookup,
    /// The mode credential files are written with (`launch.file_mode`, default 0600).
    file_mode: u32,
}

impl<'a> LaunchValues<'a> {
    fn write(
        workdir: &Path,
        target_dir: &Path,
        port: u16,
        credentials: &Credentials,
        env: &'a dyn Lookup,
        file_mode: u32,
        htpasswd: &files::HtpasswdRecipe,
    ) -> Result<LaunchValues<'a>, String> {
        let plain = |s: String| Resolved {
            text: s,
            secret: false,
        };
        let mut values = BTreeMap::new();
        values.insert("port", plain(port.to_string()));
        values.insert("host", plain("127.0.0.1".into()));
        values.insert("base_url", plain(format!("http://127.0.0.1:{port}")));
        values.insert("workdir", plain(workdir.display().to_string()));
        let target_dir =
            std::path::absolute(target_dir).unwrap_or_else(|_| target_dir.to_path_buf());
        values.insert("target_dir", plain(target_dir.display().to_string()));
        let write = |name: &str, body: &str| -> Result<String, String> {
            let path = workdir.join(name);
            write_private(&path, body, file_mode)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            Ok(path.display().to_string())
        };
        if !credentials.users.is_empty() {
            values.insert(
                "fixtures.htpasswd",
                plain(write(
                    "htpasswd",
                    &files::htpasswd_with(credentials, &htpasswd.hashes, htpasswd.bcrypt_cost)?,
                )?),
            );
        }
        if let Ok(token) = files::single_token(credentials) {
            values.insert("fixtures.token_file", plain(write("token", &token)?));
            values.insert(
                "fixtures.token",
                Resolved {
                    text: token,
                    secret: true,
                },
            );
        }
        if !credentials.tokens.is_empty() {
            values.insert(
                "fixtures.token_users",
                plain(write(
                    "token-users.yaml",
                    &files::token_users_yaml(credentials),
                )?),
            );
        }
        Ok(LaunchValues {
            values,
            settings: BTreeMap::new(),
            jwt: credentials.jwt.clone().map(|jwt| Credentials {
                jwt: Some(jwt),
                ..Credentials::default()
            }),
            env,
            file_mode,
        })
    }
}

impl LaunchValues<'_> {
    /// `settings.<NAME>` for each setting, and `fixtures.settings_file` (0600) holding them all.
    fn add_settings(&mut self, workdir: &Path, text: &str) -> Result<(), String> {
        if text.is_empty() {
            return Ok(());
        }
        self.settings = text
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let path = workdir.join("settings.env");
        write_private(&path, text, self.file_mode)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        self.values.insert(
            "fixtures.settings_file",
            Resolved {
                text: path.display().to_string(),
                secret: false,
            },
        );
        Ok(())
    }

    /// `tls.server_cert` and `tls.server_key` (written 0600 into the work directory, removed with
    /// it) for the certificate the suite asks for, `tls.ca` for client certificates, and
    /// `tls.cert_reqs` (0, 1 or 2: none, request, require).
    fn add_tls(&mut self, workdir: &Path, tls: SuiteTls, lab: &TlsLab) -> Result<(), String> {
        let plain = |s: String| Resolved {
            text: s,
            secret: false,
        };
        let server = lab.pki.server(tls.server);
        for (name, file, body) in [
            ("tls.server_cert", "server.pem", &server.cert),
            ("tls.server_key", "server-key.pem", &server.key),
            ("tls.ca", "ca.pem", &lab.pki.ca),
        ] {
            let path = workdir.join(file);
            write_private(&path, body, self.file_mode)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            self.values.insert(name, plain(path.display().to_string()));
        }
        // Python's ssl.CERT_NONE / CERT_OPTIONAL / CERT_REQUIRED, as uvicorn's --ssl-cert-reqs takes them.
        let cert_reqs = match tls.client_auth {
            ClientAuth::None => "0",
            ClientAuth::Request => "1",
            ClientAuth::Require => "2",
        };
        self.values
            .insert("tls.cert_reqs", plain(cert_reqs.to_owned()));
        Ok(())
    }
}

impl Lookup for LaunchValues<'_> {
    fn value(&self, path: &[String]) -> Option<Resolved> {
        if let [kind, name] = path
            && kind == "settings"
        {
            // Settings hold API keys: secret.
            return self.settings.get(name).map(|v| Resolved {
                text: v.clone(),
                secret: true,
            });
        }
        self.values
            .get(path.join(".").as_str())
            .cloned()
            .or_else(|| self.jwt.as_ref().and_then(|c| c.value(path)))
    }
    fn env(&self, name: &str) -> Option<String> {
        self.env.env(name)
    }
    fn derived_secret(&self, text: &str) {
        self.env.derived_secret(text);
    }
}

/// Writes a new file with exactly `mode` (0600 unless the target asks for more), whatever the umask.
fn write_private(path: &Path, body: &str, mode: u32) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.set_permissions(std::fs::Permissions::from_mode(mode))?;
    file.write_all(body.as_bytes())
}

/// The work directory's mode for files of `file_mode`: 0700, plus search (not list) permission
/// for the classes the files are readable by, so a server whose workers drop privileges can open
/// them by name.
pub fn dir_mode(file_mode: u32) -> u32 {
    let mut mode = 0o700;
    if file_mode & 0o040 != 0 {
        mode |= 0o010;
    }
    if file_mode & 0o004 != 0 {
        mode |= 0o001;
    }
    mode
}
