use super::error::CliError;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Subcommand};

use authconform::issuer::Issuer;
use authconform::jwt::KeyRing;

/// The mock OpenID Connect issuer on its own.
#[derive(Args)]
pub struct JwksArgs {
    #[command(subcommand)]
    action: JwksAction,
}

#[derive(Subcommand)]
enum JwksAction {
    Serve(ServeArgs),
}

/// Serve the mock issuer (discovery, JWKS, attacker JWKS, token endpoint) until Ctrl-C, for
/// debugging a server by hand; `authconform jwt forge --keys` makes tokens it will verify.
#[derive(Args)]
struct ServeArgs {
    /// The port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Keep the signing keys in FILE (created, mode 0600, when missing) so that `jwt forge` signs
    /// with the same keys. Without it the keys live only as long as the server.
    #[arg(long, value_name = "FILE")]
    keys: Option<PathBuf>,
    /// Users of the password grant, `name:password` (repeatable).
    #[arg(long, value_name = "NAME:PASSWORD")]
    user: Vec<String>,
    /// The client of the token endpoint, `id:secret`.
    #[arg(long, value_name = "ID:SECRET")]
    client: Option<String>,
}

pub fn execute(args: JwksArgs) -> Result<i32, CliError> {
    let JwksAction::Serve(args) = args.action;
    let keys = match &args.keys {
        Some(path) => KeyRing::load_or_create(path),
        None => KeyRing::generate(),
    };
    let keys = keys.map_err(CliError::bad_input)?;
    let pairs = |list: &[String], what: &str| -> Result<Vec<(String, String)>, String> {
        list.iter()
            .map(|p| {
                p.split_once(':')
                    .map(|(a, b)| (a.to_owned(), b.to_owned()))
                    .ok_or_else(|| format!("{what} {p:?} is not NAME:SECRET"))
            })
            .collect()
    };
    let users = pairs(&args.user, "--user").map_err(CliError::BadInput)?;
    let clients = pairs(args.client.as_slice(), "--client").map_err(CliError::BadInput)?;
    let runtime = super::runtime()?;
    runtime.block_on(async move {
        let issuer = Issuer::start(Arc::new(keys), args.port)
            .await
            .map_err(CliError::not_judged)?;
        let mut state = authconform::issuer::state::IssuerState::default();
        state.users = users.into_iter().collect();
        state.clients = clients.into_iter().collect();
        issuer.reset(state, &Default::default(), None);
        println!("issuer:         {}", issuer.url());
        println!(
            "discovery:      {}/.well-known/openid-configuration",
            issuer.url()
        );
        println!("jwks:           {}", issuer.jwks_url());
        println!("attacker jwks:  {}", issuer.attacker_jwks_url());
        println!("token endpoint: {}", issuer.token_url());
        println!("Serving until Ctrl-C.");
        let _ = tokio::signal::ctrl_c().await;
        Ok(0)
    })
}
