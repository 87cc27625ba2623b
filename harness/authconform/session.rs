//! One server to talk to outside a scenario run (`load`, `probe`): the mock issuer where the mode
//! needs one, a user and a token named by the caller, and the target started with them.

use crate::dialect::{Dialect, Mode};
use crate::exec::prepare::{RecordingEnv, jwt_fixture};
use crate::issuer::state::IssuerState;
use crate::issuer::{Issuer, IssuerError};
use crate::launch::{Instance, LaunchError, Target};
use crate::provision::{Credentials, ProvisionError};
use crate::scenario::model::{Fixtures, TokenFixture, UserFixture};

/// Why a session could not start.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Issuer(#[from] IssuerError),
    #[error(transparent)]
    Provision(#[from] ProvisionError),
    #[error(transparent)]
    Launch(#[from] LaunchError),
}

pub struct Session {
    pub issuer: Option<Issuer>,
    pub credentials: Credentials,
    /// `None` when the server was already running (`--base-url`).
    pub instance: Option<Instance>,
    pub base_url: String,
}

impl Session {
    /// Starts what `mode` needs; `base_url` names a server already running instead.
    pub async fn start(
        dialect: Dialect,
        mode: &'static Mode,
        target: &Target,
        fixture: &str,
        base_url: Option<&str>,
    ) -> Result<Session, SessionError> {
        let env = RecordingEnv::default();
        let issuer = if mode.needs_issuer {
            Some(Issuer::start_with_new_keys(0).await?)
        } else {
            None
        };
        let mut fixtures = Fixtures::default();
        fixtures
            .users
            .insert(fixture.into(), UserFixture::default());
        fixtures
            .tokens
            .insert(fixture.into(), TokenFixture::default());
        let mut generated = Credentials {
            jwt: issuer.as_ref().map(jwt_fixture),
            ..Credentials::default()
        };
        generated.add(&fixtures)?;
        let credentials = target.credentials(generated, &env)?;
        if let Some(issuer) = &issuer {
            let mut state = IssuerState::default();
            state.users.insert(fixture.into(), String::new());
            issuer.reset(state, &Default::default(), None);
        }
        let (instance, base_url) = match base_url {
            Some(url) => (None, url.trim_end_matches('/').to_owned()),
            None => {
                let i = target
                    .start(
                        dialect,
                        mode,
                        &credentials,
                        &env,
                        None,
                        &crate::launch::Until::after(target.ready_timeout),
                    )
                    .await?;
                let url = i.base_url.clone();
                (Some(i), url)
            }
        };
        Ok(Session {
            issuer,
            credentials,
            instance,
            base_url,
        })
    }

    pub async fn stop(self) {
        if let Some(instance) = self.instance {
            instance.stop().await;
        }
    }
}
