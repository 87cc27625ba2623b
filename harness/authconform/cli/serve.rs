use super::error::CliError;
use std::path::PathBuf;

use clap::Args;

use authconform::dialect::Dialect;
use authconform::launch::embedded;

/// Serve the embedded reference server alone, e.g. to try a client against it or to launch it
/// from a target file. Stops on SIGTERM or Ctrl-C.
#[derive(Args)]
pub struct ServeArgs {
    /// The dialect to speak: a built-in one with a reference server (chroma, weaviate, cratedb,
    /// generic, http-basic, bearer, api-key), or the path of a profile file extending one
    /// (`./my-api.yaml`, e.g. an API key in another header).
    #[arg(long, value_parser = parse_dialect, required_unless_present = "faults")]
    dialect: Option<Dialect>,
    /// The auth mode (see `authconform list --endpoints`).
    #[arg(long, required_unless_present = "faults")]
    mode: Option<String>,
    /// The credential file, in the format the real server reads in that mode (htpasswd with
    /// bcrypt hashes, a file holding one token, or a token users YAML file).
    #[arg(long, value_name = "FILE", required_unless_present = "faults")]
    credentials_file: Option<PathBuf>,
    /// The port on 127.0.0.1 (0 picks a free one and prints it).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Serve TLS with this certificate (PEM; with --tls-key).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Client certificates: 0 not asked for, 1 requested, 2 required (as Python's ssl.CERT_*).
    #[arg(long, value_name = "0|1|2", default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=2))]
    cert_reqs: u8,
    /// The CA that signs client certificates (PEM), with --cert-reqs 1 or 2.
    #[arg(long, value_name = "FILE")]
    client_ca: Option<PathBuf>,
    /// Exit with status 3 at the request after the N-th, naming why on stderr: a target that
    /// dies mid-run.
    #[arg(long, value_name = "N")]
    exit_after: Option<usize>,
    /// For debugging one flaw by hand: give the server a deliberate auth bug (repeatable; names
    /// in `authconform mutants --list`). Never use it for a conformance run.
    #[arg(long, value_name = "FLAW")]
    debug_with_flaw: Vec<authconform::reference::flaws::Flaw>,
    /// Serve the fault server instead: /hang, /close-mid-body, /garbage, /redirect-loop,
    /// /ten-megabytes misbehave as named, /ready answers, any other path is reset.
    #[arg(long, conflicts_with_all = ["dialect", "mode", "credentials_file", "tls_cert"])]
    faults: bool,
}

pub(crate) fn parse_dialect(text: &str) -> Result<Dialect, String> {
    if text.ends_with(".yaml") || text.ends_with(".yml") || text.contains('/') {
        return authconform::dialect::profile::load_file(std::path::Path::new(text))
            .map_err(|d| d.to_string());
    }
    Dialect::named(text).ok_or_else(|| {
        let known: Vec<&str> = authconform::dialect::profile::all()
            .iter()
            .map(|d| d.name())
            .collect();
        format!(
            "unknown dialect {text:?}: expected one of {}",
            known.join(", ")
        )
    })
}

pub fn execute(args: ServeArgs) -> Result<i32, CliError> {
    if args.faults {
        return serve_faults(args.port);
    }
    let (Some(dialect), Some(mode_name), Some(credentials_file)) = (
        args.dialect,
        args.mode.as_deref(),
        args.credentials_file.as_deref(),
    ) else {
        return Err(CliError::BadInput(
            "--dialect, --mode and --credentials-file are needed (or --faults)".into(),
        ));
    };
    let Some(mode) = dialect.mode(mode_name) else {
        let names: Vec<_> = dialect.modes().iter().map(|m| m.name).collect();
        return Err(CliError::BadInput(format!(
            "dialect {dialect} has no mode {mode_name:?} (modes: {})",
            names.join(", ")
        )));
    };
    let text = authconform::scenario::load::read_input_text(
        credentials_file,
        authconform::scenario::load::MAX_FILE_BYTES,
    )
    .map_err(|e| CliError::BadInput(format!("cannot read {e}")))?;
    let runtime = super::runtime()?;
    let app = runtime
        .block_on(embedded::app_with_flaws(
            dialect,
            mode,
            &text,
            &authconform::reference::flaws::Flaws::new(&args.debug_with_flaw),
        ))
        .map_err(|e| CliError::BadInput(format!("{}: {e}", credentials_file.display())))?;
    let app = match args.exit_after {
        Some(n) => exit_after(app, n),
        None => app,
    };
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(
            tls_config(cert, key, args.cert_reqs, args.client_ca.as_deref())
                .map_err(CliError::BadInput)?,
        ),
        _ => None,
    };
    if let Some(config) = tls {
        return runtime.block_on(async move {
            match authconform::reference::tls::start_tls_on(app, config, args.port).await {
                Ok(running) => {
                    println!(
                        "serving {} {} on {}",
                        dialect,
                        mode.name,
                        running.base_url()
                    );
                    wait_for_stop().await;
                    running.stop().await;
                    Ok(0)
                }
                Err(e) => Err(CliError::Failed(format!(
                    "cannot listen on 127.0.0.1:{}: {e}",
                    args.port
                ))),
            }
        });
    }
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port))
            .await
            .map_err(|e| {
                CliError::Failed(format!("cannot listen on 127.0.0.1:{}: {e}", args.port))
            })?;
        if let Ok(addr) = listener.local_addr() {
            println!("serving {dialect} {} on http://{addr}", mode.name);
        }
        let stop = wait_for_stop();
        match axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(stop)
        .await
        {
            Ok(()) => Ok(0),
            Err(e) => Err(CliError::Failed(e.to_string())),
        }
    })
}

/// The app, until the request after the `n`-th: then the process exits with status 3.
fn exit_after(app: axum::Router, n: usize) -> axum::Router {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let seen = std::sync::Arc::new(AtomicUsize::new(0));
    app.layer(axum::middleware::from_fn(
        move |request: axum::extract::Request, next: axum::middleware::Next| {
            let seen = seen.clone();
            async move {
                if seen.fetch_add(1, Ordering::SeqCst) >= n {
                    eprintln!("authconform serve: exiting after {n} requests (--exit-after)");
                    std::process::exit(3);
                }
                next.run(request).await
            }
        },
    ))
}

fn serve_faults(port: u16) -> Result<i32, CliError> {
    let runtime = super::runtime()?;
    runtime.block_on(async move {
        match authconform::reference::faults::start(port).await {
            Ok(running) => {
                println!("serving faults on {}", running.base_url());
                for (path, what) in authconform::reference::faults::PATHS {
                    println!("  {path:<16} {what}");
                }
                wait_for_stop().await;
                running.stop().await;
                Ok(0)
            }
            Err(e) => Err(CliError::Failed(format!(
                "cannot listen on 127.0.0.1:{port}: {e}"
            ))),
        }
    })
}

/// SIGTERM or Ctrl-C.
async fn wait_for_stop() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        _ = async {
            match term.as_mut() {
                Some(t) => {
                    t.recv().await;
                }
                None => std::future::pending().await,
            }
        } => {},
    }
}

fn tls_config(
    cert: &std::path::Path,
    key: &std::path::Path,
    cert_reqs: u8,
    client_ca: Option<&std::path::Path>,
) -> Result<std::sync::Arc<rustls::ServerConfig>, String> {
    use authconform::reference::tls::{ClientAuth, server_config};
    let read = |p: &std::path::Path| {
        authconform::scenario::load::read_input_text(p, authconform::scenario::load::MAX_FILE_BYTES)
            .map_err(|e| format!("cannot read {e}"))
    };
    let client_auth = match cert_reqs {
        0 => ClientAuth::None,
        1 => ClientAuth::Request,
        _ => ClientAuth::Require,
    };
    let ca = match client_ca {
        Some(p) => read(p)?,
        None if client_auth != ClientAuth::None => {
            return Err("--cert-reqs 1 or 2 needs --client-ca".into());
        }
        None => String::new(),
    };
    server_config(&read(cert)?, &read(key)?, client_auth, &ca).map_err(|e| e.to_string())
}
