//! Dialect profiles: a server family described in YAML — its endpoints, its auth modes, the
//! credential store a launched server is given, its readiness endpoint and the refusal it
//! promises. The built-in profiles (`harness/format/profiles/*.yaml`) are compiled into the binary; a target file
//! may name a profile file of the user's instead.
//!
//! A profile is loaded once and kept for the life of the process (`&'static`): dialects are
//! compared, hashed and copied as cheaply as the enum they replace.

use std::path::Path;
use std::sync::{Mutex, OnceLock};

use serde::Deserialize;

use super::{
    CredentialKind, CredentialStore, Dialect, Endpoint, Mode, Profile, TokenTransport, VerbClass,
};
use crate::diagnostic::Diagnostic;
use crate::input::read_text;
use crate::yaml::{Document, parse_yaml_as};

/// The built-in profiles, as shipped in `harness/format/profiles/`.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("chroma", include_str!("../profiles/chroma.yaml")),
    ("weaviate", include_str!("../profiles/weaviate.yaml")),
    ("cratedb", include_str!("../profiles/cratedb.yaml")),
    ("generic", include_str!("../profiles/generic.yaml")),
    ("http-basic", include_str!("../profiles/http-basic.yaml")),
    ("bearer", include_str!("../profiles/bearer.yaml")),
    ("api-key", include_str!("../profiles/api-key.yaml")),
    ("jwt", include_str!("../profiles/jwt.yaml")),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileFile {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// A profile this one builds on: its modes, then this file's (same names replace); its
    /// endpoints when this file lists none. Suites of the parent dialect run on targets of this one.
    #[serde(default)]
    pub extends: Option<String>,
    /// The embedded reference server that implements the profile, if any.
    #[serde(default)]
    pub reference: Option<String>,
    /// The endpoint whose path the readiness probe asks for.
    #[serde(default)]
    pub ready: Option<String>,
    /// Where servers of this dialect serve their OpenAPI 3 document (`/openapi.json`): the
    /// operations a `sweep` block runs over, unless the target file says otherwise.
    #[serde(default)]
    pub openapi: Option<String>,
    #[serde(default)]
    pub refusal: Option<RefusalFile>,
    /// Response headers that may echo the user name the client sent (never the password):
    /// uniform-rejection comparisons leave them out.
    #[serde(default)]
    pub echo_headers: Vec<String>,
    #[serde(default)]
    pub endpoints: Vec<EndpointFile>,
    #[serde(default)]
    pub modes: Vec<ModeFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefusalFile {
    /// The statuses a refusal may have.
    pub status: Vec<u16>,
    /// The `WWW-Authenticate` scheme a refusal carries.
    #[serde(default)]
    pub challenge: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointFile {
    pub name: String,
    #[serde(default = "get")]
    pub method: String,
    pub path: String,
    /// A body sent when a case gives none (JSON unless `headers` says otherwise).
    #[serde(default)]
    pub body: Option<String>,
    /// Headers sent with every request to it, unless a case sets the same one.
    #[serde(default)]
    pub headers: std::collections::BTreeMap<String, String>,
    pub access: Access,
    /// `read`, `write` or `delete`: its column in an access matrix that gives no class.
    #[serde(default)]
    pub class: Option<VerbClass>,
}

fn get() -> String {
    "GET".into()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    Public,
    Protected,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModeFile {
    pub name: String,
    #[serde(default)]
    pub summary: String,
    pub credentials: CredentialKind,
    pub store: CredentialStore,
    /// Where `auth: {token: …}` travels.
    #[serde(default)]
    pub token: Option<TransportFile>,
    /// Where `auth: {token_elsewhere: …}` travels: the transport the mode does not read.
    #[serde(default)]
    pub token_elsewhere: Option<TransportFile>,
}

/// `bearer`, `{header: NAME}`, `{header: NAME, prefix: "ApiKey "}` or `{query: NAME}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum TransportFile {
    Word(String),
    Header {
        header: String,
        #[serde(default)]
        prefix: Option<String>,
    },
    Query {
        query: String,
    },
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// Why a profile file (or a target's `credentials:`) does not make a dialect.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error("token transport {0:?} is not `bearer`, `{{header: NAME}}` or `{{query: NAME}}`")]
    Transport(String),
    #[error("{0:?} is not a header name")]
    HeaderName(String),
    #[error("profile name {0:?} must be lower case letters, digits, `-` and `_`")]
    Name(String),
    #[error("`extends: {0}` names no known dialect")]
    UnknownParent(String),
    #[error("endpoint {0:?}: the path must start with `/` and hold no CR, LF or NUL")]
    EndpointPath(String),
    #[error("endpoint {0:?}: {1:?} is not an HTTP method in capitals")]
    EndpointMethod(String, String),
    #[error("endpoint {0:?}: header {1:?}: {2:?} is not a valid header")]
    EndpointHeader(String, String, String),
    #[error("mode {0:?}: `token_elsewhere` needs `token`")]
    TokenElsewhere(String),
    #[error("a profile needs at least one mode under `modes`")]
    NoModes,
    #[error("`ready: {0}` names no endpoint of the profile")]
    UnknownReady(String),
    #[error(
        "dialect {0} has no mode that takes a token or key, so `credentials:` has nothing to move"
    )]
    NoTokenMode(String),
}

impl TransportFile {
    fn build(&self) -> Result<TokenTransport, ProfileError> {
        Ok(match self {
            TransportFile::Word(w) if w == "bearer" => TokenTransport::AuthorizationBearer,
            TransportFile::Word(w) => {
                return Err(ProfileError::Transport(w.clone()));
            }
            TransportFile::Header { header, prefix } => {
                if http::HeaderName::from_bytes(header.as_bytes()).is_err() {
                    return Err(ProfileError::HeaderName(header.clone()));
                }
                match prefix.as_deref() {
                    None | Some("") => TokenTransport::Header(leak(header.clone())),
                    Some(p) => TokenTransport::Prefixed(leak(header.clone()), leak(p.to_owned())),
                }
            }
            TransportFile::Query { query } => TokenTransport::Query(leak(query.clone())),
        })
    }
}

/// Every profile this process knows: the built-in ones, then those loaded from files.
fn registry() -> &'static Mutex<Vec<&'static Profile>> {
    static REGISTRY: OnceLock<Mutex<Vec<&'static Profile>>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut known: Vec<&'static Profile> = Vec::new();
        for (name, text) in BUILT_IN {
            let file: ProfileFile = serde_saphyr::from_str(text)
                .unwrap_or_else(|e| panic!("built-in profile {name} does not parse: {e}"));
            let profile = build(file, &known, None)
                .unwrap_or_else(|e| panic!("built-in profile {name} is wrong: {e}"));
            known.push(profile);
        }
        Mutex::new(known)
    })
}

/// Every known dialect, built-in ones first.
pub fn all() -> Vec<Dialect> {
    registry()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .map(|p| Dialect(p))
        .collect()
}

/// The dialect called `name`.
pub fn find(name: &str) -> Option<Dialect> {
    registry()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .find(|p| p.name == name)
        .map(|p| Dialect(p))
}

/// Checks a profile file for `validate`: a user's is loaded (so that suites and targets checked
/// with it may name its dialect); one that shares a built-in profile's name — the repository's
/// `profiles/` — is checked without replacing the compiled-in one.
pub fn validate_file(path: &Path) -> Result<(), Diagnostic> {
    let text = read_text(path)?;
    let file: ProfileFile = parse_yaml_as(path, &text, Document::Profile)?;
    if !BUILT_IN.iter().any(|(name, _)| *name == file.name) {
        return load_file(path).map(|_| ());
    }
    let known: Vec<&'static Profile> = registry()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .filter(|p| p.name != file.name)
        .copied()
        .collect();
    build(file, &known, None).map(|_| ()).map_err(|e| {
        Diagnostic::new(path, e.to_string())
            .hint("see docs/dialects.md § Dialect profiles for the format")
    })
}

/// Loads a profile file of the user's and makes its dialect known to the rest of the run. A
/// second load of the same name returns the first when the files agree.
pub fn load_file(path: &Path) -> Result<Dialect, Diagnostic> {
    let text = read_text(path)?;
    let file: ProfileFile = parse_yaml_as(path, &text, Document::Profile)?;
    let name = file.name.clone();
    let mut known = registry().lock().unwrap_or_else(|p| p.into_inner());
    if let Some(existing) = known.iter().find(|p| p.name == name) {
        let same_file = existing.source.as_deref() == std::path::absolute(path).ok().as_deref();
        return if same_file {
            Ok(Dialect(existing))
        } else {
            Err(Diagnostic::new(
                path,
                format!("a dialect called {name:?} is already known"),
            )
            .hint("give the profile a name of its own; `authconform dialects` lists the known ones"))
        };
    }
    let source = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let profile = build(file, &known, Some(source)).map_err(|e| {
        Diagnostic::new(path, e.to_string())
            .hint("see docs/dialects.md § Dialect profiles for the format")
    })?;
    known.push(profile);
    Ok(Dialect(profile))
}

/// Checks a profile file and turns it into a dialect, its parent's endpoints and modes first.
/// `source` is the file a user's profile came from.
pub fn build(
    file: ProfileFile,
    known: &[&'static Profile],
    source: Option<std::path::PathBuf>,
) -> Result<&'static Profile, ProfileError> {
    if file.name.is_empty()
        || !file
            .name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    {
        return Err(ProfileError::Name(file.name.clone()));
    }
    let parent = match &file.extends {
        None => None,
        Some(name) => Some(
            *known
                .iter()
                .find(|p| p.name == name.as_str())
                .ok_or_else(|| ProfileError::UnknownParent(name.clone()))?,
        ),
    };
    // A profile that lists endpoints has exactly those (a parent's are examples of its family,
    // not routes of this server); one that lists none has its parent's.
    let mut endpoints: Vec<Endpoint> = match parent {
        Some(p) if file.endpoints.is_empty() => p.endpoints.to_vec(),
        _ => Vec::new(),
    };
    for e in &file.endpoints {
        if !e.path.starts_with('/') || e.path.contains(['\r', '\n', '\0']) {
            return Err(ProfileError::EndpointPath(e.name.clone()));
        }
        if e.method.is_empty() || !e.method.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(ProfileError::EndpointMethod(
                e.name.clone(),
                e.method.clone(),
            ));
        }
        let mut headers = Vec::new();
        for (name, value) in &e.headers {
            if http::HeaderName::from_bytes(name.as_bytes()).is_err()
                || http::HeaderValue::from_str(value).is_err()
            {
                return Err(ProfileError::EndpointHeader(
                    e.name.clone(),
                    name.clone(),
                    value.clone(),
                ));
            }
            headers.push((leak(name.clone()), leak(value.clone())));
        }
        let built = Endpoint {
            name: leak(e.name.clone()),
            method: leak(e.method.clone()),
            path: leak(e.path.clone()),
            body: e.body.clone().map(leak),
            headers: Box::leak(headers.into_boxed_slice()),
            public: e.access == Access::Public,
            class: e.class,
        };
        match endpoints.iter_mut().find(|x| x.name == e.name) {
            Some(existing) => *existing = built,
            None => endpoints.push(built),
        }
    }
    let mut modes: Vec<Mode> = parent.map(|p| p.modes.to_vec()).unwrap_or_default();
    for m in &file.modes {
        let transport = match (&m.token, &m.token_elsewhere) {
            (Some(t), Some(e)) => Some((t.build()?, e.build()?)),
            (Some(t), None) => {
                let t = t.build()?;
                Some((t, elsewhere(t)))
            }
            (None, Some(_)) => {
                return Err(ProfileError::TokenElsewhere(m.name.clone()));
            }
            (None, None) => None,
        };
        let built = Mode {
            name: leak(m.name.clone()),
            summary: leak(m.summary.clone()),
            credentials: m.credentials,
            store: m.store,
            token_transport: transport,
            needs_issuer: m.credentials == CredentialKind::Jwt,
        };
        match modes.iter_mut().find(|x| x.name == m.name) {
            Some(existing) => *existing = built,
            None => modes.push(built),
        }
    }
    if modes.is_empty() {
        return Err(ProfileError::NoModes);
    }
    let ready = match (&file.ready, parent) {
        (Some(name), _) => {
            if !endpoints.iter().any(|e| e.name == name.as_str()) {
                return Err(ProfileError::UnknownReady(name.clone()));
            }
            Some(leak(name.clone()))
        }
        (None, Some(p)) => p.ready,
        (None, None) => None,
    };
    let (refusal_status, refusal_challenge) = match (&file.refusal, parent) {
        (Some(r), _) => (
            &*Box::leak(r.status.clone().into_boxed_slice()),
            r.challenge.clone().map(leak),
        ),
        (None, Some(p)) => (p.refusal_status, p.refusal_challenge),
        (None, None) => (&[][..], None),
    };
    let mut echo: Vec<&'static str> = parent.map(|p| p.echo_headers.to_vec()).unwrap_or_default();
    echo.extend(
        file.echo_headers
            .iter()
            .map(|h| leak(h.to_ascii_lowercase())),
    );
    let reference = file
        .reference
        .clone()
        .map(leak)
        .or_else(|| parent.and_then(|p| p.reference));
    Ok(Box::leak(Box::new(Profile {
        name: leak(file.name),
        description: leak(file.description),
        extends: parent.map(Dialect),
        reference,
        ready,
        openapi: file
            .openapi
            .clone()
            .map(leak)
            .or_else(|| parent.and_then(|p| p.openapi)),
        refusal_status,
        refusal_challenge,
        echo_headers: Box::leak(echo.into_boxed_slice()),
        endpoints: Box::leak(endpoints.into_boxed_slice()),
        modes: Box::leak(modes.into_boxed_slice()),
        source,
    })))
}

/// Where `token_elsewhere` sends a token when the profile does not say: a place `own` is not.
fn elsewhere(own: TokenTransport) -> TokenTransport {
    match own {
        TokenTransport::AuthorizationBearer => TokenTransport::Query("access_token"),
        _ => TokenTransport::AuthorizationBearer,
    }
}

/// `base` with its token modes reading the token from `place` instead: a target file's
/// `credentials:` (an API key in another header, with a prefix, or in the query). The result keeps
/// `base`'s name and extends it, so `base`'s suites run on it; it is not registered.
pub fn with_token_place(base: Dialect, place: &TransportFile) -> Result<Dialect, ProfileError> {
    let own = place.build()?;
    let profile = base.profile();
    if !profile
        .modes
        .iter()
        .any(|m| m.credentials == CredentialKind::Token)
    {
        return Err(ProfileError::NoTokenMode(base.to_string()));
    }
    let modes: Vec<Mode> = profile
        .modes
        .iter()
        .map(|m| match (m.credentials, m.token_transport) {
            (CredentialKind::Token, Some((_, other))) => Mode {
                token_transport: Some((own, if other == own { elsewhere(own) } else { other })),
                ..*m
            },
            _ => *m,
        })
        .collect();
    Ok(Dialect(Box::leak(Box::new(Profile {
        extends: Some(base),
        modes: Box::leak(modes.into_boxed_slice()),
        source: profile.source.clone(),
        ..*profile
    }))))
}

/// A profile as YAML, for `authconform dialects show` (its own file for a built-in one).
pub fn show(dialect: Dialect) -> String {
    if let Some((_, text)) = BUILT_IN.iter().find(|(n, _)| *n == dialect.name()) {
        return (*text).to_owned();
    }
    let p = dialect.0;
    let mut out = format!("name: {}\n", p.name);
    if !p.description.is_empty() {
        out.push_str(&format!("description: {:?}\n", p.description));
    }
    if let Some(parent) = p.extends {
        out.push_str(&format!("extends: {parent}\n"));
    }
    if let Some(r) = p.ready {
        out.push_str(&format!("ready: {r}\n"));
    }
    out.push_str("endpoints:\n");
    for e in p.endpoints {
        let access = if e.public { "public" } else { "protected" };
        out.push_str(&format!(
            "  - {{ name: {}, method: {}, path: {:?}, access: {access} }}\n",
            e.name, e.method, e.path
        ));
    }
    out.push_str("modes:\n");
    for m in p.modes {
        out.push_str(&format!(
            "  - name: {}\n    store: {}\n",
            m.name,
            m.store.name()
        ));
    }
    out
}
