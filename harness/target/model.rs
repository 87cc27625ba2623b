//! The target file format: a running server (`base_url`) or one authconform starts (`launch`).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::dialect::Dialect;
use crate::fixtures::credentials::JWT_TEMPLATE_VALUES;
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::load::{parse_yaml, read_text};
use crate::scenario::model::Text;
use crate::scenario::template::Template;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetFile {
    pub name: Text,
    pub dialect: Spanned<Dialect>,
    #[serde(default)]
    pub description: Option<String>,
    /// A server that is already running.
    #[serde(default)]
    pub base_url: Option<Text>,
    /// The auth modes the running server at `base_url` has.
    #[serde(default)]
    pub modes: Vec<Text>,
    /// A server authconform starts once per mode.
    #[serde(default)]
    pub launch: Option<Launch>,
    #[serde(default)]
    pub ready: ReadyProbe,
    /// Endpoint name → path, where the server's paths differ from the dialect's.
    #[serde(default)]
    pub endpoints: BTreeMap<String, Text>,
    /// Values for the suites' fixtures on a server whose users authconform did not create.
    #[serde(default)]
    pub fixtures: TargetFixtures,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Launch {
    pub modes: BTreeMap<String, LaunchMode>,
    /// How long to wait after SIGTERM before SIGKILL (default 5s, at most 60s).
    #[serde(default)]
    pub stop_grace: Option<Text>,
    /// The mode of the credential files written for the server, as an octal string: `"0600"`
    /// (default), `"0640"` or `"0644"` for servers whose workers drop privileges.
    #[serde(default)]
    pub file_mode: Option<Text>,
}

/// Reads `launch.file_mode`: octal, the owner may read and write, nobody may execute or write but
/// the owner.
pub fn parse_file_mode(text: &str) -> Result<u32, String> {
    let digits = text.strip_prefix("0o").unwrap_or(text);
    let mode = u32::from_str_radix(digits, 8)
        .map_err(|_| format!("`file_mode: {text}` is not an octal mode such as \"0640\""))?;
    if mode & !0o644 != 0 || mode & 0o600 != 0o600 {
        return Err(format!(
            "`file_mode: {text}` is not allowed: credential files are 0600, 0640, 0604 or 0644 (readable, never writable or executable, by others)"
        ));
    }
    Ok(mode)
}

/// The longest `ready.timeout` a target may ask for.
pub const MAX_READY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(600);
/// The longest `launch.stop_grace` a target may ask for.
pub const MAX_STOP_GRACE: std::time::Duration = std::time::Duration::from_secs(60);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LaunchMode {
    pub command: Spanned<Vec<Text>>,
    #[serde(default)]
    pub env: BTreeMap<String, Text>,
    #[serde(default)]
    pub cwd: Option<Text>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadyProbe {
    /// GET this path until it answers `status` (default: the dialect's heartbeat, or `/`).
    #[serde(default)]
    pub path: Option<Text>,
    #[serde(default)]
    pub status: Option<u16>,
    /// Give up after this long (default 30s).
    #[serde(default)]
    pub timeout: Option<Text>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetFixtures {
    #[serde(default)]
    pub users: BTreeMap<String, UserValues>,
    #[serde(default)]
    pub tokens: BTreeMap<String, Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserValues {
    #[serde(default)]
    pub name: Option<Text>,
    /// Optional: users known only by name (Weaviate's admin list) need none.
    #[serde(default)]
    pub password: Option<Text>,
}

/// Template values a launch command, its env and cwd may use.
pub const LAUNCH_VALUES: &[&str] = &[
    "port",
    "host",
    "base_url",
    "workdir",
    "target_dir",
    "fixtures.htpasswd",
    "fixtures.token",
    "fixtures.token_file",
    "fixtures.token_users",
    "fixtures.settings_file",
    "tls.server_cert",
    "tls.server_key",
    "tls.ca",
    "tls.cert_reqs",
    "settings.<NAME>",
];

pub fn load_target(path: &Path) -> Result<(TargetFile, String), Diagnostic> {
    let text = read_text(path)?;
    let file: TargetFile = parse_yaml(path, &text)?;
    check(&file, path, &text)?;
    Ok((file, text))
}

/// Every text of a target file that may hold a template.
fn templated_texts(file: &TargetFile) -> Vec<&Text> {
    let mut texts: Vec<&Text> = file.base_url.iter().collect();
    if let Some(launch) = &file.launch {
        for mode in launch.modes.values() {
            texts.extend(mode.command.value.iter());
            texts.extend(mode.env.values());
            texts.extend(mode.cwd.iter());
        }
    }
    for user in file.fixtures.users.values() {
        texts.extend(user.name.iter().chain(user.password.iter()));
    }
    texts.extend(file.fixtures.tokens.values());
    texts
}

/// Every `${env:NAME}` of the file that is not set in `env`: a run would send or launch with a
/// hole where the secret should be, so it is bad input (exit 2), reported before anything starts.
pub fn unset_variables(
    file: &TargetFile,
    path: &Path,
    text: &str,
    env: &dyn Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for t in templated_texts(file) {
        let Ok(template) = Template::parse(&t.value) else {
            continue;
        };
        for piece in &template.pieces {
            if let crate::scenario::template::Piece::Env(name) = piece
                && !env(name)
            {
                problems.push(
                    Diagnostic::new(path, format!("environment variable {name} is not set"))
                        .at(text, t.referenced.line(), t.referenced.column())
                        .hint(format!(
                            "export {name} before the run (in CI: inject the secret); a run with a hole where a value belongs would test nothing"
                        )),
                );
            }
        }
    }
    problems
}

/// Why `url` may not be a target's `base_url`: user info would be sent as credentials on every
/// request, the unauthenticated ones included.
pub fn user_info_problem(url: &str) -> Option<&'static str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    authority.contains('@').then_some(
        "`base_url` holds user info (`user:password@`): the client would send it on every request, \
         the ones meant to go without credentials too",
    )
}

/// Whether `url` points at this machine (127.0.0.0/8, ::1, localhost).
pub fn is_loopback_url(url: &str) -> bool {
    let Some(rest) = url.split_once("://").map(|(_, r)| r) else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn check(file: &TargetFile, path: &Path, text: &str) -> Result<(), Diagnostic> {
    let at = |t: &Text, message: String, hint: &str| {
        Diagnostic::new(path, message)
            .at(text, t.referenced.line(), t.referenced.column())
            .hint(hint)
    };
    let dialect = file.dialect.value;
    match (&file.base_url, &file.launch) {
        (Some(url), Some(_)) => {
            return Err(at(
                url,
                "give `base_url` or `launch`, not both".into(),
                "`base_url` names a running server; `launch` starts one per mode",
            ));
        }
        (None, None) => {
            return Err(at(
                &file.name,
                "the target has neither `base_url` nor `launch`".into(),
                "add `base_url: http://127.0.0.1:8000` with `modes`, or a `launch` block",
            ));
        }
        (Some(url), None) => {
            if !(url.value.starts_with("http://")
                || url.value.starts_with("https://")
                || url.value.starts_with("${"))
            {
                return Err(at(
                    url,
                    format!("{:?} is not an http(s) URL", url.value),
                    "write e.g. http://127.0.0.1:8000",
                ));
            }
            if let Some(problem) = user_info_problem(&url.value) {
                return Err(at(
                    url,
                    problem.into(),
                    "remove `user:password@` and give the credentials under `fixtures.users`",
                ));
            }
            Template::parse(&url.value).map_err(|e| {
                at(
                    url,
                    format!("bad template: {e}"),
                    "only `${env:NAME}` is known here",
                )
            })?;
            if file.modes.is_empty() {
                return Err(at(
                    url,
                    "a running target must list the `modes` it has".into(),
                    "e.g. `modes: [basic]`",
                ));
            }
        }
        (None, Some(launch)) => {
            if !file.modes.is_empty() {
                return Err(at(&file.modes[0], "`modes` goes with `base_url`; a launched target lists its modes under `launch.modes`".into(), "move each mode under `launch.modes`"));
            }
            if let Some(grace) = &launch.stop_grace {
                let d = crate::duration::parse_duration(&grace.value)
                    .map_err(|e| at(grace, e, "e.g. `stop_grace: 5s`"))?;
                if d > MAX_STOP_GRACE {
                    return Err(at(
                        grace,
                        format!("`stop_grace` is at most {}s", MAX_STOP_GRACE.as_secs()),
                        "a server that ignores SIGTERM for longer is killed anyway",
                    ));
                }
            }
            if let Some(mode) = &launch.file_mode {
                parse_file_mode(&mode.value)
                    .map_err(|e| at(mode, e, "e.g. `file_mode: \"0640\"` with the server's group"))?;
            }
            for spec in launch.modes.values() {
                if spec.command.value.is_empty() {
                    let p = &spec.command.referenced;
                    return Err(Diagnostic::new(path, "`command` is empty")
                        .at(text, p.line(), p.column())
                        .hint("give the program and its arguments as a list"));
                }
                let texts = spec
                    .command
                    .value
                    .iter()
                    .chain(spec.env.values())
                    .chain(&spec.cwd);
                for t in texts {
                    let template = Template::parse(&t.value).map_err(|e| {
                        at(
                            t,
                            format!("bad template: {e}"),
                            "templates look like `{{ port }}` or `${env:NAME}`",
                        )
                    })?;
                    for p in template.paths() {
                        let name = p.join(".");
                        let known = LAUNCH_VALUES.contains(&name.as_str())
                            || JWT_TEMPLATE_VALUES.contains(&name.as_str())
                            || (name.starts_with("settings.") && p.len() == 2);
                        if !known {
                            return Err(at(
                                t,
                                format!("unknown template value `{name}`"),
                                &format!(
                                    "a launch may use: {}, {}",
                                    LAUNCH_VALUES.join(", "),
                                    JWT_TEMPLATE_VALUES.join(", ")
                                ),
                            ));
                        }
                    }
                }
            }
        }
    }
    let modes: Vec<&Text> = match &file.launch {
        Some(_) => Vec::new(),
        None => file.modes.iter().collect(),
    };
    for mode in modes {
        if dialect != Dialect::Generic && dialect.mode(&mode.value).is_none() {
            let names: Vec<_> = dialect.modes().iter().map(|m| m.name).collect();
            return Err(at(
                mode,
                format!("dialect {dialect} has no auth mode {:?}", mode.value),
                &format!("modes of {dialect}: {}", names.join(", ")),
            ));
        }
    }
    if let Some(launch) = &file.launch {
        for name in launch.modes.keys() {
            if dialect != Dialect::Generic && dialect.mode(name).is_none() {
                let names: Vec<_> = dialect.modes().iter().map(|m| m.name).collect();
                return Err(at(
                    &file.name,
                    format!("`launch.modes` names {name:?}, which dialect {dialect} does not have"),
                    &format!("modes of {dialect}: {}", names.join(", ")),
                ));
            }
        }
    }
    for (name, p) in &file.endpoints {
        if dialect.endpoint(name).is_none() {
            return Err(at(
                p,
                format!("dialect {dialect} has no endpoint {name:?}"),
                "override only endpoints the dialect names (see `authconform list --endpoints`)",
            ));
        }
        if !p.value.starts_with('/') {
            return Err(at(
                p,
                "an endpoint path must start with `/`".into(),
                "e.g. /api/v2/heartbeat",
            ));
        }
    }
    if let Some(t) = &file.ready.timeout {
        let d = crate::duration::parse_duration(&t.value)
            .map_err(|e| at(t, e, "e.g. `timeout: 30s`"))?;
        if d > MAX_READY_TIMEOUT {
            return Err(at(
                t,
                format!(
                    "`ready.timeout` is at most {}m",
                    MAX_READY_TIMEOUT.as_secs() / 60
                ),
                "a server that takes longer to start is better started before the run (`base_url`)",
            ));
        }
    }
    Ok(())
}
