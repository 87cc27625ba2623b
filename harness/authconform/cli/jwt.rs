use super::error::CliError;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::{Map, Value, json};

use authconform::duration::unix_now;
use authconform::jwt::{ForgeContext, KeyId, KeyRing, Mutation, TokenSpec, forge};
use authconform::provision::credentials::DEFAULT_AUDIENCE;

/// Tokens by hand.
#[derive(Args)]
pub struct JwtArgs {
    #[command(subcommand)]
    action: JwtAction,
}

#[derive(Subcommand)]
enum JwtAction {
    Forge(ForgeArgs),
}

/// Print one token: `valid`, or a named mutation (unsigned, hs256_public_pem, jku_attacker, …;
/// `authconform jwt forge --list` names them all).
#[derive(Args)]
struct ForgeArgs {
    /// `valid` or a mutation name.
    #[arg(required_unless_present = "list")]
    case: Option<String>,
    /// List the mutations and keys, and exit.
    #[arg(long)]
    list: bool,
    /// The key file `jwks serve --keys` uses (created when missing).
    #[arg(long, value_name = "FILE")]
    keys: PathBuf,
    /// The issuer URL, for `iss` (what `jwks serve` printed).
    #[arg(long, default_value = "http://127.0.0.1:8999")]
    issuer: String,
    /// The audience (`aud`).
    #[arg(long, default_value = DEFAULT_AUDIENCE)]
    aud: String,
    /// The user named in `sub` and `username`.
    #[arg(long, default_value = "alice")]
    user: String,
    /// The signing key.
    #[arg(long, default_value = "rs256")]
    key: String,
    /// The header's `alg`.
    #[arg(long)]
    alg: Option<String>,
    /// A claim `name=value` (value as JSON, else text; `+10m`, `-1s`, `now` are relative times;
    /// `name=null` removes it). Repeatable.
    #[arg(long, value_name = "NAME=VALUE")]
    claim: Vec<String>,
    /// A header field `name=value`, as --claim. Repeatable.
    #[arg(long, value_name = "NAME=VALUE")]
    header: Vec<String>,
}

fn fields(items: &[String]) -> Result<Map<String, Value>, String> {
    let mut out = Map::new();
    for item in items {
        let (name, value) = item
            .split_once('=')
            .ok_or_else(|| format!("{item:?} is not NAME=VALUE"))?;
        let value = serde_json::from_str(value).unwrap_or_else(|_| json!(value));
        out.insert(name.to_owned(), value);
    }
    Ok(out)
}

pub fn execute(args: JwtArgs) -> Result<i32, CliError> {
    let JwtAction::Forge(args) = args.action;
    if args.list {
        println!("cases: valid");
        for m in Mutation::ALL {
            println!("       {}", m.name());
        }
        let keys: Vec<_> = KeyId::ALL.iter().map(|k| k.name()).collect();
        println!("keys:  {}", keys.join(", "));
        return Ok(0);
    }
    let token = make(&args)?;
    println!("{token}");
    Ok(0)
}

fn make(args: &ForgeArgs) -> Result<String, CliError> {
    let case = args.case.as_deref().unwrap_or("valid");
    let mutate = match case {
        "valid" => None,
        name => Some(
            Mutation::ALL
                .into_iter()
                .find(|m| m.name() == name)
                .ok_or_else(|| {
                    CliError::BadInput(format!(
                        "no case {name:?}: see `authconform jwt forge --list`"
                    ))
                })?,
        ),
    };
    let key = KeyId::parse(&args.key).ok_or_else(|| {
        CliError::BadInput(format!(
            "no key {:?}: see `authconform jwt forge --list`",
            args.key
        ))
    })?;
    let ring = KeyRing::load_or_create(&args.keys).map_err(CliError::bad_input)?;
    let mut claims = Map::new();
    claims.insert("iss".into(), json!(args.issuer));
    claims.insert("aud".into(), json!(args.aud));
    claims.insert("sub".into(), json!(args.user));
    claims.insert("username".into(), json!(args.user));
    claims.insert("exp".into(), json!("+1h"));
    claims.insert("iat".into(), json!("now"));
    claims.extend(fields(&args.claim).map_err(CliError::BadInput)?);
    let spec = TokenSpec {
        key,
        alg: args.alg.clone(),
        header: fields(&args.header).map_err(CliError::BadInput)?,
        claims,
        mutate,
    };
    let attacker = format!("{}/attacker/jwks.json", args.issuer.trim_end_matches('/'));
    forge(
        &spec,
        &ForgeContext {
            keys: &ring,
            attacker_jwks_url: &attacker,
            now: unix_now(),
        },
    )
    .map_err(CliError::bad_input)
}
