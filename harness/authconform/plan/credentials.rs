//! The credential of a request: headers or query parameters, and the JWT forged at send time.

use crate::secrets::percent_encode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, json};

use super::{Ctx, PlannedJwt};
use crate::dialect::{Mode, TokenTransport};
use crate::jwt::{KeyId, TokenSpec};
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::model::{Auth, JwtAuth};

/// The token a `jwt:` credential describes: the dialect-neutral default claims (issuer, audience,
/// user, an hour of validity) under the case's own, templates filled in.
pub(super) fn plan_jwt(ctx: &Ctx, spec: &JwtAuth) -> Result<PlannedJwt, Diagnostic> {
    let user = match &spec.user {
        Some(u) => ctx.render(u)?,
        None => ctx
            .loaded
            .suite
            .fixtures
            .users
            .keys()
            .next()
            .cloned()
            .unwrap_or_else(|| "authconform".to_owned()),
    };
    let mut claims = Map::new();
    claims.insert("iss".into(), json!(ctx.render_plain("{{ issuer.url }}")?));
    claims.insert("aud".into(), json!(ctx.render_plain("{{ jwt.aud }}")?));
    claims.insert("sub".into(), json!(user));
    claims.insert("username".into(), json!(user));
    claims.insert("exp".into(), json!("+1h"));
    claims.insert("iat".into(), json!("now"));
    for (name, value) in &spec.claims {
        claims.insert(name.clone(), render_json(ctx, value)?);
    }
    let mut header = Map::new();
    for (name, value) in &spec.header {
        header.insert(name.clone(), render_json(ctx, value)?);
    }
    let key = spec
        .key
        .as_ref()
        .and_then(|k| KeyId::parse(&k.value))
        .unwrap_or(KeyId::Rs256);
    Ok(PlannedJwt {
        spec: TokenSpec {
            key,
            alg: spec.alg.clone(),
            header,
            claims,
            mutate: spec.mutate,
        },
        scheme: (!spec.query).then(|| spec.scheme.clone().unwrap_or_else(|| "Bearer".into())),
    })
}

/// Strings inside a JSON value with their templates filled in.
pub(super) fn render_json(
    ctx: &Ctx,
    value: &serde_json::Value,
) -> Result<serde_json::Value, Diagnostic> {
    Ok(match value {
        serde_json::Value::String(s) => json!(ctx.render_plain(s)?),
        serde_json::Value::Array(items) => serde_json::Value::Array(
            items
                .iter()
                .map(|v| render_json(ctx, v))
                .collect::<Result<_, _>>()?,
        ),
        serde_json::Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                out.insert(k.clone(), render_json(ctx, v)?);
            }
            serde_json::Value::Object(out)
        }
        other => other.clone(),
    })
}

/// Puts the credential in a header, or in the query string for query transports.
pub(super) fn credential_headers(
    ctx: &Ctx,
    auth: &Auth,
    mode: &Mode,
    headers: &mut Vec<(String, Vec<u8>)>,
    path: &mut String,
) -> Result<(), Diagnostic> {
    let mut put = |name: &str, value: Vec<u8>| headers.push((name.to_owned(), value));
    let mut transport = |t: TokenTransport, token: String| match t {
        TokenTransport::AuthorizationBearer => Some((
            "Authorization".to_owned(),
            format!("Bearer {token}").into_bytes(),
        )),
        TokenTransport::Header(name) => Some((name.to_owned(), token.into_bytes())),
        TokenTransport::Prefixed(name, prefix) => {
            Some((name.to_owned(), format!("{prefix}{token}").into_bytes()))
        }
        TokenTransport::Query(name) => {
            path.push(if path.contains('?') { '&' } else { '?' });
            path.push_str(&format!("{name}={}", percent_encode(&token)));
            None
        }
    };
    match auth {
        Auth::None => {}
        Auth::Basic(b) => {
            let joined = format!(
                "{}{}{}",
                ctx.render(&b.user)?,
                b.separator.as_deref().unwrap_or(":"),
                ctx.render(&b.password)?
            );
            let encoded = STANDARD.encode(joined.as_bytes());
            let scheme = b.scheme.as_deref().unwrap_or("Basic");
            let value = if scheme.is_empty() {
                encoded
            } else {
                format!(
                    "{scheme}{}{encoded}",
                    " ".repeat(usize::from(b.spaces.unwrap_or(1)))
                )
            };
            put("Authorization", value.into_bytes());
        }
        Auth::Bearer(t) => put(
            "Authorization",
            format!("Bearer {}", ctx.render(t)?).into_bytes(),
        ),
        Auth::Token(t) | Auth::TokenElsewhere(t) => {
            let (own, other) = mode
                .token_transport
                .expect("validation refuses token credentials in modes without tokens");
            let chosen = if matches!(auth, Auth::Token(_)) {
                own
            } else {
                other
            };
            if let Some((name, value)) = transport(chosen, ctx.render(t)?) {
                put(&name, value);
            }
        }
        Auth::Header(h) => put(&ctx.render(&h.name)?, ctx.render(&h.value)?.into_bytes()),
        Auth::Authorization(raw) => put("Authorization", ctx.render(raw)?.into_bytes()),
        Auth::Jwt(_) => unreachable!("planned by plan_jwt"),
    }
    Ok(())
}
