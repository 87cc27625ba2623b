//! One server to talk to outside a scenario run (`load`, `probe`): the mock issuer where the mode
//! needs one, a user and a token named `fixture`, and the target started with them.

use std::path::Path;

use super::EXIT_BAD_INPUT;
use authconform::dialect::{Dialect, Mode};
use authconform::exec::prepare::{RecordingEnv, jwt_fixture};
use authconform::issuer::Issuer;
use authconform::issuer::state::IssuerState;
use authconform::launch::{Instance, Target};
use authconform::provision::Credentials;
use authconform::reference::flaws::{Flaw, Flaws};
use authconform::scenario::model::{Fixtures, TokenFixture, UserFixture};

/// The target file at `path` (its problems printed, exit 2), else the embedded reference server,
/// given `flaws` for showing that a check catches them.
pub fn target_or_embedded(path: Option<&Path>, flaws: &[Flaw]) -> Result<Target, i32> {
    match path {
        Some(path) => Target::from_file(path).map_err(|d| {
            eprint!("{d}");
            EXIT_BAD_INPUT
        }),
        None if flaws.is_empty() => Ok(Target::embedded()),
        None => Ok(Target::embedded_with_flaws(Flaws::new(flaws))),
    }
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
    ) -> Result<Session, String> {
        let env = RecordingEnv::default();
        let issuer = if mode.needs_issuer {
            Some(crate::cli::run::start_issuer(0).await?)
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
                        &authconform::launch::Until::after(target.ready_timeout),
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
