//! The issuer's token endpoint (RFC 6749 §4.3 password and §4.4 client-credentials grants), as a
//! pure function of the request and the issuer's state.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::state::IssuerState;
use crate::authn::constant_time::ct_eq;
use crate::jwt::{ForgeContext, TokenSpec, forge};

/// Decodes `application/x-www-form-urlencoded`; a malformed escape is kept as written.
pub fn parse_form(body: &[u8]) -> BTreeMap<String, String> {
    let decode = |s: &[u8]| {
        let mut out = Vec::with_capacity(s.len());
        let mut i = 0;
        while i < s.len() {
            match s[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < s.len() => {
                    let hex = std::str::from_utf8(&s[i + 1..i + 3]).unwrap_or("zz");
                    match u8::from_str_radix(hex, 16) {
                        Ok(b) => {
                            out.push(b);
                            i += 2;
                        }
                        Err(_) => out.push(b'%'),
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    };
    body.split(|b| *b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.iter().position(|b| *b == b'=') {
            Some(eq) => (decode(&pair[..eq]), decode(&pair[eq + 1..])),
            None => (decode(pair), String::new()),
        })
        .collect()
}

fn error(status: u16, code: &str, description: &str) -> (u16, Value) {
    (
        status,
        json!({"error": code, "error_description": description}),
    )
}

/// Client id and secret from HTTP Basic (client_secret_basic) or the form (client_secret_post).
fn client(
    form: &BTreeMap<String, String>,
    authorization: Option<&str>,
) -> Option<(String, String)> {
    if let Some(encoded) = authorization.and_then(|a| a.strip_prefix("Basic ")) {
        let decoded = STANDARD.decode(encoded.trim()).ok()?;
        let text = String::from_utf8(decoded).ok()?;
        let (id, secret) = text.split_once(':')?;
        return Some((id.to_owned(), secret.to_owned()));
    }
    Some((
        form.get("client_id")?.clone(),
        form.get("client_secret").cloned().unwrap_or_default(),
    ))
}

/// Answers one token request: 200 with an access token, or an RFC 6749 §5.2 error.
pub fn grant(
    body: &[u8],
    authorization: Option<&str>,
    state: &IssuerState,
    issuer: &str,
    forge_ctx: &ForgeContext,
) -> (u16, Value) {
    let form = parse_form(body);
    let Some((client_id, secret)) = client(&form, authorization) else {
        return error(401, "invalid_client", "no client_id");
    };
    let client_ok = match state.clients.get(&client_id) {
        Some(expected) => ct_eq(expected.as_bytes(), secret.as_bytes()),
        None => false,
    };
    let subject = match form.get("grant_type").map(String::as_str) {
        Some("password") => {
            if !state.clients.contains_key(&client_id) {
                return error(401, "invalid_client", "unknown client");
            }
            let user = form.get("username").cloned().unwrap_or_default();
            let password = form.get("password").cloned().unwrap_or_default();
            let ok = state
                .users
                .get(&user)
                .is_some_and(|p| ct_eq(p.as_bytes(), password.as_bytes()));
            if !ok {
                return error(400, "invalid_grant", "wrong username or password");
            }
            user
        }
        Some("client_credentials") => {
            if !client_ok {
                return error(401, "invalid_client", "wrong client credentials");
            }
            client_id.clone()
        }
        Some(_) => {
            return error(
                400,
                "unsupported_grant_type",
                "password or client_credentials",
            );
        }
        None => return error(400, "invalid_request", "no grant_type"),
    };
    let spec = TokenSpec::valid(issuer, &client_id, &subject);
    match forge(&spec, forge_ctx) {
        Ok(token) => (
            200,
            json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600}),
        ),
        Err(e) => error(500, "server_error", &e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::KeyRing;
    use std::sync::OnceLock;

    fn ring() -> &'static KeyRing {
        static RING: OnceLock<KeyRing> = OnceLock::new();
        RING.get_or_init(|| KeyRing::generate().unwrap())
    }

    fn state() -> IssuerState {
        let mut s = IssuerState::default();
        s.users.insert("alice".into(), "pw one".into());
        s.clients.insert("app".into(), "s3cret".into());
        s
    }

    fn ask(body: &str, authorization: Option<&str>) -> (u16, Value) {
        let ctx = ForgeContext {
            keys: ring(),
            attacker_jwks_url: "",
            now: 1_800_000_000,
        };
        grant(
            body.as_bytes(),
            authorization,
            &state(),
            "http://issuer",
            &ctx,
        )
    }

    #[test]
    fn form_decoding() {
        let form = parse_form(b"a=1+2&b=%41%zz&c&d=%4");
        assert_eq!(form["a"], "1 2");
        assert_eq!(form["b"], "A%zz");
        assert_eq!(form["c"], "");
        assert_eq!(form["d"], "%4");
    }

    #[test]
    fn password_grant() {
        let (status, body) = ask(
            "grant_type=password&client_id=app&username=alice&password=pw+one",
            None,
        );
        assert_eq!(status, 200, "{body}");
        let token = body["access_token"].as_str().unwrap();
        let claims = crate::authn::jws::parse_compact(token)
            .unwrap()
            .claims()
            .unwrap();
        assert_eq!(claims["sub"], "alice");
        assert_eq!(claims["aud"], "app");
        assert_eq!(claims["iss"], "http://issuer");
        let (status, body) = ask(
            "grant_type=password&client_id=app&username=alice&password=pw",
            None,
        );
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some("invalid_grant"))
        );
        let (status, body) = ask(
            "grant_type=password&client_id=nobody&username=alice&password=pw+one",
            None,
        );
        assert_eq!(
            (status, body["error"].as_str()),
            (401, Some("invalid_client"))
        );
    }

    #[test]
    fn client_credentials_grant() {
        let basic = format!("Basic {}", STANDARD.encode("app:s3cret"));
        assert_eq!(ask("grant_type=client_credentials", Some(&basic)).0, 200);
        assert_eq!(
            ask(
                "grant_type=client_credentials&client_id=app&client_secret=s3cret",
                None
            )
            .0,
            200
        );
        let (status, body) = ask(
            "grant_type=client_credentials&client_id=app&client_secret=no",
            None,
        );
        assert_eq!(
            (status, body["error"].as_str()),
            (401, Some("invalid_client"))
        );
        let (status, body) = ask("grant_type=implicit&client_id=app", None);
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some("unsupported_grant_type"))
        );
        assert_eq!(ask("client_id=app", None).1["error"], "invalid_request");
    }
}
