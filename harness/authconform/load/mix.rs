//! What a load run sends: valid and invalid credentials for one dialect and mode, in a fixed
//! rotation. Pure: the tokens are forged by the caller.

use super::NoLoadCredentials;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::dialect::{CredentialStore, Dialect, Mode, TokenTransport};
use crate::provision::Credentials;

/// The fixture user and token a load run makes (`fixtures.users.load`, `fixtures.tokens.load`).
pub const LOAD_FIXTURE: &str = "load";

#[derive(Clone, PartialEq, Eq)]
pub struct LoadRequest {
    pub headers: Vec<(String, String)>,
    /// Must succeed (2xx); an invalid one must never.
    pub valid: bool,
    pub label: &'static str,
}

/// Header names only: the values are credentials.
impl std::fmt::Debug for LoadRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadRequest")
            .field(
                "headers",
                &self.headers.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("valid", &self.valid)
            .field("label", &self.label)
            .finish()
    }
}

/// Tokens for modes that validate JWTs: one valid, and invalid ones by name.
pub struct JwtTokens {
    pub valid: String,
    pub invalid: Vec<(&'static str, String)>,
}

/// The valid credential and the invalid ones of `mode`.
pub fn credentials_of(
    dialect: Dialect,
    mode: &Mode,
    credentials: &Credentials,
    jwt: Option<&JwtTokens>,
) -> Result<(LoadRequest, Vec<LoadRequest>), NoLoadCredentials> {
    let user = credentials
        .users
        .get(LOAD_FIXTURE)
        .ok_or(NoLoadCredentials(
            "the load run's user is missing".to_owned(),
        ))?;
    let token = credentials
        .tokens
        .get(LOAD_FIXTURE)
        .map(|t| t.value.expose().to_owned());
    let basic = |u: &str, p: &str| {
        vec![(
            "Authorization".to_owned(),
            format!("Basic {}", STANDARD.encode(format!("{u}:{p}"))),
        )]
    };
    let valid = |headers| LoadRequest {
        headers,
        valid: true,
        label: "valid",
    };
    let invalid = |label, headers| LoadRequest {
        headers,
        valid: false,
        label,
    };
    if mode.needs_issuer {
        let jwt = jwt.ok_or(NoLoadCredentials(
            "a JWT mode needs the mock issuer's tokens".to_owned(),
        ))?;
        let bearer = |t: &str| vec![("Authorization".to_owned(), format!("Bearer {t}"))];
        let bad = jwt
            .invalid
            .iter()
            .map(|(label, t)| invalid(label, bearer(t)))
            .collect();
        return Ok((valid(bearer(&jwt.valid)), bad));
    }
    let in_transport = |transport: TokenTransport, t: &str| match transport {
        TokenTransport::AuthorizationBearer => {
            vec![("Authorization".to_owned(), format!("Bearer {t}"))]
        }
        TokenTransport::Header(name) => vec![(name.to_owned(), t.to_owned())],
        TokenTransport::Prefixed(name, prefix) => vec![(name.to_owned(), format!("{prefix}{t}"))],
        TokenTransport::Query(_) => Vec::new(),
    };
    match (mode.store, mode.token_transport) {
        (CredentialStore::Htpasswd, _) | (CredentialStore::Settings, None) => {
            if dialect.reference() == Some("cratedb") && mode.name != "password" {
                return Err(NoLoadCredentials(format!(
                    "load runs CrateDB in mode password only, not {}",
                    mode.name
                )));
            }
            Ok((
                valid(basic(&user.name, user.password.expose())),
                vec![
                    invalid("wrong password", basic(&user.name, "not-the-password")),
                    invalid("unknown user", basic("nobody-here", user.password.expose())),
                ],
            ))
        }
        (_, Some((own, _))) => {
            let token = token.ok_or(NoLoadCredentials(
                "the load run's token is missing".to_owned(),
            ))?;
            let wrong = wrong_token(&token);
            Ok((
                valid(in_transport(own, &token)),
                vec![
                    invalid("wrong token", in_transport(own, &wrong)),
                    invalid("no credentials", Vec::new()),
                ],
            ))
        }
        (store, None) => Err(NoLoadCredentials(format!(
            "no load credentials for store {store:?}"
        ))),
    }
}

/// The token with its last character changed — to `x`, or to `y` when it already ends in `x`
/// (a random token does, one time in 62, and the "wrong" token was then the right one).
fn wrong_token(token: &str) -> String {
    let mut chars: Vec<char> = token.chars().collect();
    match chars.last_mut() {
        Some(last) => *last = if *last == 'x' { 'y' } else { 'x' },
        None => chars.push('x'),
    }
    chars.into_iter().collect()
}

/// A rotation of `slots` requests with `invalid_percent` of them invalid, spread evenly.
pub fn rotation(
    valid: &LoadRequest,
    invalid: &[LoadRequest],
    invalid_percent: u8,
    slots: usize,
) -> Vec<LoadRequest> {
    let wanted = (slots * usize::from(invalid_percent.min(100)) + 50) / 100;
    let mut out = Vec::with_capacity(slots);
    let mut placed = 0;
    for i in 0..slots {
        // Bresenham-style: slot i is invalid when the running share falls behind.
        if !invalid.is_empty() && (i + 1) * wanted / slots > placed {
            out.push(invalid[placed % invalid.len()].clone());
            placed += 1;
        } else {
            out.push(valid.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::model::{Fixtures, TokenFixture, UserFixture};

    fn creds() -> Credentials {
        let mut c = Credentials::default();
        let mut f = Fixtures::default();
        f.users.insert(LOAD_FIXTURE.into(), UserFixture::default());
        f.tokens
            .insert(LOAD_FIXTURE.into(), TokenFixture::default());
        c.add(&f).unwrap();
        c
    }

    #[test]
    fn basic_mix_has_wrong_password_and_unknown_user() {
        let c = creds();
        let mode = Dialect::builtin("chroma").mode("basic").unwrap();
        let (valid, invalid) = credentials_of(Dialect::builtin("chroma"), mode, &c, None).unwrap();
        assert!(valid.valid && valid.headers[0].1.starts_with("Basic "));
        assert_eq!(invalid.len(), 2);
        assert!(
            invalid
                .iter()
                .all(|r| !r.valid && r.headers != valid.headers)
        );
    }

    #[test]
    fn token_modes_use_their_transport() {
        let c = creds();
        let mode = Dialect::builtin("chroma").mode("token-x-chroma").unwrap();
        let (valid, invalid) = credentials_of(Dialect::builtin("chroma"), mode, &c, None).unwrap();
        assert_eq!(valid.headers[0].0, "X-Chroma-Token");
        assert_ne!(invalid[0].headers[0].1, valid.headers[0].1);
        assert!(invalid[1].headers.is_empty());
    }

    #[test]
    fn the_wrong_token_always_differs() {
        for token in ["abc", "abx", "x", "", "ab\u{e9}"] {
            let wrong = wrong_token(token);
            assert_ne!(wrong, token);
            assert_eq!(wrong.chars().count(), token.chars().count().max(1));
        }
    }

    #[test]
    fn rotation_spreads_the_invalid_share() {
        let v = LoadRequest {
            headers: vec![],
            valid: true,
            label: "valid",
        };
        let bad = [
            LoadRequest {
                headers: vec![],
                valid: false,
                label: "a",
            },
            LoadRequest {
                headers: vec![],
                valid: false,
                label: "b",
            },
        ];
        let r = rotation(&v, &bad, 50, 20);
        assert_eq!(r.iter().filter(|x| !x.valid).count(), 10);
        assert_eq!(r.iter().filter(|x| x.label == "a").count(), 5);
        assert!(rotation(&v, &bad, 0, 20).iter().all(|x| x.valid));
        assert!(rotation(&v, &bad, 100, 20).iter().all(|x| !x.valid));
        assert_eq!(
            rotation(&v, &bad, 25, 20)
                .iter()
                .filter(|x| !x.valid)
                .count(),
            5
        );
    }
}
