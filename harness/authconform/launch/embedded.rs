//! Configures the reference server for one dialect and mode, from the same credential file or
//! settings a real server of that dialect would read.

use super::LaunchError;
use crate::dialect::{CredentialStore, Dialect, Mode};
use crate::provision::ProvisionError;
use crate::provision::pki::TlsLab;
use crate::provision::{Credentials, files, settings};
use crate::reference::flaws::Flaws;
use crate::reference::{self, basic, chroma, cratedb, generic, token, weaviate};
use crate::scenario::model::SuiteTls;

/// What a server in `mode` reads: htpasswd, a single token, a token users file, or settings.
pub fn credential_file(
    dialect: Dialect,
    mode: &Mode,
    credentials: &Credentials,
) -> Result<String, ProvisionError> {
    match mode.store {
        CredentialStore::Htpasswd => files::htpasswd(credentials),
        CredentialStore::SingleToken => files::single_token(credentials),
        CredentialStore::TokenUsers => Ok(files::token_users_yaml(credentials)),
        CredentialStore::Settings => settings::settings(dialect, mode, credentials),
    }
}

/// The reference server's app for `dialect` in `mode`, configured from that file's text.
pub async fn app(
    dialect: Dialect,
    mode: &Mode,
    credential_file: &str,
) -> Result<axum::Router, LaunchError> {
    app_with_flaws(dialect, mode, credential_file, &Flaws::default()).await
}

/// [`app`] with deliberate auth bugs (`mutants`, `serve --debug-with-flaw`), for showing that the
/// suites catch them.
pub async fn app_with_flaws(
    dialect: Dialect,
    mode: &Mode,
    credential_file: &str,
    flaws: &Flaws,
) -> Result<axum::Router, LaunchError> {
    match dialect.reference() {
        Some("chroma") => {
            let header = if mode.name == "token-x-chroma" {
                chroma::TokenHeader::XChromaToken
            } else {
                chroma::TokenHeader::Authorization
            };
            let authn = match mode.store {
                CredentialStore::Htpasswd => chroma::Authn::basic(credential_file)?,
                _ => chroma::Authn::token(credential_file, header)?,
            };
            let server = chroma::Chroma::new(authn).with_flaws(flaws);
            let server = if mode.name == chroma::RBAC_MODE {
                server.with_authz(chroma::Authz::parse(credential_file)?)
            } else {
                server
            };
            Ok(server.router())
        }
        Some("weaviate") => {
            let mut settings = weaviate::Settings::parse(credential_file);
            settings.discover().await?;
            Ok(weaviate::Weaviate::from_settings(&settings)?
                .with_flaws(flaws)?
                .router())
        }
        Some("cratedb") => Ok(cratedb::CrateDb::from_settings(credential_file, flaws)?.router()),
        Some("generic") => Ok(generic::Generic::from_settings(credential_file, flaws)?.router()),
        Some("basic") => {
            Ok(basic::Basic::new(credential_file, dialect.endpoints(), flaws)?.router())
        }
        Some("token") => {
            let (transport, _) = mode.token_transport.ok_or_else(|| {
                LaunchError::Unsupported(format!("mode {} names no token transport", mode.name))
            })?;
            Ok(
                token::TokenServer::new(credential_file, transport, dialect.endpoints(), flaws)?
                    .router(),
            )
        }
        Some(other) => Err(LaunchError::Unsupported(format!(
            "no reference server is called {other:?}"
        ))),
        None => Err(LaunchError::Unsupported(format!(
            "dialect {dialect} has no reference server: point the suites at a real server with a target file"
        ))),
    }
}

/// Starts the reference server of `dialect` in `mode` on an ephemeral port, holding `credentials`,
/// over TLS with the lab's certificate when the suites ask for it.
pub async fn start(
    dialect: Dialect,
    mode: &Mode,
    credentials: &Credentials,
    tls: Option<(SuiteTls, &TlsLab)>,
    flaws: &Flaws,
) -> Result<reference::Running, LaunchError> {
    let file = if flaws.has(crate::reference::flaws::Flaw::DesTruncation)
        && mode.store == CredentialStore::Htpasswd
    {
        files::htpasswd_with(credentials, &[files::HtpasswdHash::Des], files::BCRYPT_COST)?
    } else {
        credential_file(dialect, mode, credentials)?
    };
    let app = app_with_flaws(dialect, mode, &file, flaws).await?;
    let started = match tls {
        None => reference::start(app).await,
        Some((suite_tls, lab)) => {
            let server = lab.pki.server(suite_tls.server);
            let config = reference::tls::server_config(
                &server.cert,
                &server.key,
                suite_tls.client_auth,
                &lab.pki.ca,
            )?;
            reference::tls::start_tls(app, config).await
        }
    };
    started.map_err(|source| LaunchError::Io {
        what: "cannot listen on 127.0.0.1".into(),
        source,
    })
}
