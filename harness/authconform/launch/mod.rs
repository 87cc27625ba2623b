//! Where the scenarios are sent: the embedded reference server, a running server, or one
//! authconform launches per auth mode. [`Target`] is the description, [`Instance`] a started one.

pub mod embedded;
mod instance;
pub use crate::target_file as model;
pub mod process;
mod sweep;
pub use sweep::{DocumentSource, SweepPolicy, SweepSettings};
mod workdir;

pub use instance::Instance;
pub use workdir::dir_mode;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::dialect::{Dialect, Endpoint};
use crate::duration::parse_duration;
use crate::provision::{Credentials, User, files};
use crate::reference::flaws::Flaws;
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::model::SuiteTls;
use crate::scenario::model::Text;
use crate::scenario::template::{Lookup, Resolved, Template};
use crate::secrets::Secret;
use model::{LaunchMode, TargetFixtures, load_target};

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

/// Why a server under test could not be started, reached or given its credentials.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    /// A template of the target file could not be filled in.
    #[error(transparent)]
    Template(#[from] crate::scenario::template::RenderError),
    /// A template of the target file does not parse (caught by validation before a run).
    #[error(transparent)]
    TemplateSyntax(#[from] crate::scenario::template::TemplateError),
    /// The suites need a fixture the target file gives no value for, or the target cannot run
    /// what was asked.
    #[error("{0}")]
    Unsupported(String),
    /// Credentials, settings or the TLS lab could not be made for the server.
    #[error(transparent)]
    Provision(#[from] crate::provision::ProvisionError),
    /// The embedded reference server refused its settings.
    #[error(transparent)]
    Reference(#[from] crate::reference::ConfigError),
    /// The work directory or a file in it could not be written.
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    /// The server process could not be started.
    #[error("{0}")]
    Spawn(String),
    /// The server never answered its readiness probe, or exited first.
    #[error("{0}")]
    NeverReady(String),
    #[error("interrupted while waiting for the target to become ready")]
    Interrupted,
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
    /// Where the OpenAPI document for sweeps is, and what a sweep may send.
    sweep: SweepSettings,
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
            sweep: SweepSettings::embedded(),
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
        let sweep = SweepSettings::from_file(&file, path.parent().unwrap_or(Path::new(".")));
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
                .render(&crate::secrets::RecordingEnv::default())
                .map_err(|e| Diagnostic::new(path, e.to_string()))?
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
                Diagnostic::new(path, e.to_string()).at(
                    &text,
                    m.referenced.line(),
                    m.referenced.column(),
                )
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
                    grace: grace.map_err(|e| Diagnostic::new(path, e.to_string()))?,
                }
            }
            (None, None) => unreachable!("load_target checks that one of them is given"),
        };
        let ready_timeout = match &file.ready.timeout {
            Some(t) => {
                parse_duration(&t.value).map_err(|e| Diagnostic::new(path, e.to_string()))?
            }
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
            sweep,
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
    ) -> Result<Credentials, LaunchError> {
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
                LaunchError::Unsupported(format!(
                    "target {:?} gives no credentials for user {key:?} under `fixtures.users`",
                    self.name
                ))
            })?;
            let render = |t: &Text| -> Result<Resolved, LaunchError> {
                Ok(Template::parse(&t.value)?.render(lookup_env)?)
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
                LaunchError::Unsupported(format!(
                    "target {:?} gives no value for token {key:?} under `fixtures.tokens`",
                    self.name
                ))
            })?;
            token.value = Template::parse(&value.value)?
                .render(lookup_env)?
                .text
                .into();
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
