//! The target file format: a running server (`base_url`) or one authconform starts (`launch`).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::diagnostic::Diagnostic;
use crate::dialect::Dialect;
use crate::scenario::model::Text;

mod check;

pub use check::{
    check, is_loopback_url, load_target, unset_variables, user_info_problem, validate_target,
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetFile {
    pub name: Text,
    /// A dialect's name (`chroma`, `http-basic`…) or the path of a profile file, relative to the
    /// target file (`./profiles/myserver.yaml`).
    pub dialect: Text,
    #[serde(default)]
    pub description: Option<String>,
    /// Where this server reads the token or API key, when not where its dialect says:
    /// `{header: api-key}`, `{header: Authorization, prefix: "ApiKey "}` or `{query: api_key}`.
    #[serde(default)]
    pub credentials: Option<Spanned<crate::dialect::profile::TransportFile>>,
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
    /// Endpoint name → its path where it differs from the dialect's, or a whole endpoint
    /// (`{path, method, access, body}`): a new one, or the dialect's redefined.
    #[serde(default)]
    pub endpoints: BTreeMap<String, Spanned<TargetEndpoint>>,
    /// Response headers that may echo the user name the client sent; uniform-rejection
    /// comparisons leave them out (the password is never allowed to show).
    #[serde(default)]
    pub echo_headers: Vec<String>,
    /// Values for the suites' fixtures on a server whose users authconform did not create.
    #[serde(default)]
    pub fixtures: TargetFixtures,
    /// The OpenAPI 3 document `sweep` blocks run over: a path on the server (`/openapi.json`),
    /// or a file, relative to the target file (`./openapi.json`). Default: the dialect's.
    #[serde(default)]
    pub openapi: Option<Text>,
    /// `allowed`: sweeps also send the operations that destroy data (DELETE, `reset`, and
    /// those under `destructive_operations`) — for a test server only. Default `refused`: they
    /// are listed as not probed.
    #[serde(default)]
    pub destructive: Option<Spanned<Destructive>>,
    /// More operations a sweep treats as destructive: operationIds, `METHOD /template` or paths.
    #[serde(default)]
    pub destructive_operations: Vec<Text>,
    /// Values for path placeholders (`{collection_id}`) in the OpenAPI document, over the
    /// sample values a sweep makes up.
    #[serde(default)]
    pub path_values: BTreeMap<String, String>,
}

/// Whether a sweep may send operations that destroy data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Destructive {
    Allowed,
    Refused,
}

/// An endpoint of a target: a moved path, or a whole endpoint.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum TargetEndpoint {
    Path(Text),
    Full(FullEndpoint),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FullEndpoint {
    pub path: Text,
    #[serde(default)]
    pub method: Option<Text>,
    /// Required for an endpoint the dialect does not have.
    #[serde(default)]
    pub access: Option<crate::dialect::profile::Access>,
    #[serde(default)]
    pub body: Option<Text>,
}

impl TargetEndpoint {
    pub fn path(&self) -> &Text {
        match self {
            TargetEndpoint::Path(p) => p,
            TargetEndpoint::Full(f) => &f.path,
        }
    }
}

/// The dialect a target file names: a built-in or known one, or a profile file beside it.
pub fn resolve_dialect(file: &TargetFile, path: &Path, text: &str) -> Result<Dialect, Diagnostic> {
    let base = named_dialect(file, path, text)?;
    let Some(place) = &file.credentials else {
        return Ok(base);
    };
    crate::dialect::profile::with_token_place(base, &place.value).map_err(|e| {
        Diagnostic::new(path, e.to_string())
            .at(text, place.referenced.line(), place.referenced.column())
            .hint(
                "`credentials:` is `{header: NAME}`, `{header: NAME, prefix: \"ApiKey \"}` or \
                 `{query: NAME}`, for a dialect whose modes take a token (bearer, api-key, …)",
            )
    })
}

/// The dialect a target file's `dialect:` names, before its `credentials:` apply.
fn named_dialect(file: &TargetFile, path: &Path, text: &str) -> Result<Dialect, Diagnostic> {
    let d = &file.dialect;
    let place = |diag: Diagnostic| diag.at(text, d.referenced.line(), d.referenced.column());
    let looks_like_file =
        d.value.ends_with(".yaml") || d.value.ends_with(".yml") || d.value.contains('/');
    if looks_like_file {
        let dir = path.parent().unwrap_or(Path::new("."));
        let profile = dir.join(&d.value);
        return crate::dialect::profile::load_file(&profile).map_err(|inner| {
            if inner.line > 0 {
                inner
            } else {
                place(Diagnostic::new(
                    path,
                    format!("profile {}: {}", profile.display(), inner.message),
                ))
                .hint("the path is relative to the target file")
            }
        });
    }
    Dialect::named(&d.value).ok_or_else(|| {
        let known: Vec<&str> = crate::dialect::profile::all()
            .iter()
            .map(|x| x.name())
            .collect();
        place(Diagnostic::new(
            path,
            format!("unknown dialect {:?}", d.value),
        ))
        .hint(format!(
            "known dialects: {}; or the path of a profile file (`./myserver.yaml`)",
            known.join(", ")
        ))
    })
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
    /// The hashes of the generated htpasswd file's lines, taken in turn by the users in fixture
    /// order (default `[bcrypt]`): `[bcrypt, apr1]` tests both on a server that takes both.
    #[serde(default)]
    pub htpasswd_hashes: Vec<crate::htpasswd::HtpasswdHash>,
    /// The cost of the generated bcrypt lines (default 5, 4–14). Timing cases want one at which
    /// the hash outlasts the machine's jitter: 10 takes about 60 ms.
    #[serde(default)]
    pub bcrypt_cost: Option<Spanned<u32>>,
    /// Files written into the work directory before each start, by relative path (`nginx.conf`,
    /// `www/index.html`); their text may use the launch's template values.
    #[serde(default)]
    pub files: BTreeMap<String, Text>,
}

/// Reads `launch.file_mode`: octal, the owner may read and write, nobody may execute or write but
/// the owner.
/// A `launch.file_mode` that is not one credential files may have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileModeError {
    #[error("`file_mode: {0}` is not an octal mode such as \"0640\"")]
    NotOctal(String),
    #[error(
        "`file_mode: {0}` is not allowed: credential files are 0600, 0640, 0604 or 0644 (readable, never writable or executable, by others)"
    )]
    NotAllowed(String),
}

pub fn parse_file_mode(text: &str) -> Result<u32, FileModeError> {
    let digits = text.strip_prefix("0o").unwrap_or(text);
    let mode =
        u32::from_str_radix(digits, 8).map_err(|_| FileModeError::NotOctal(text.to_owned()))?;
    if mode & !0o644 != 0 || mode & 0o600 != 0o600 {
        return Err(FileModeError::NotAllowed(text.to_owned()));
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

/// Whether a YAML text is a target file rather than a suite: a mapping with `base_url` or
/// `launch` and no `suite`.
pub fn looks_like_target(text: &str) -> bool {
    let Ok(keys) = serde_saphyr::from_str::<BTreeMap<String, serde::de::IgnoredAny>>(text) else {
        return false;
    };
    !keys.contains_key("suite") && (keys.contains_key("base_url") || keys.contains_key("launch"))
}

/// Whether a YAML text is a dialect profile: a `name`, and neither a suite's `suite` nor a target's
/// `dialect`.
pub fn looks_like_profile(text: &str) -> bool {
    let Ok(keys) = serde_saphyr::from_str::<BTreeMap<String, serde::de::IgnoredAny>>(text) else {
        return false;
    };
    keys.contains_key("name") && !["suite", "dialect"].iter().any(|k| keys.contains_key(*k))
}
