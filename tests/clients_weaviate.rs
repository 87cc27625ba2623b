//! The official Weaviate client (`clients/weaviate_client.py`, weaviate-client 3.26's REST client
//! in `.venv/clients`) against the reference Weaviate: API keys with the admin list, anonymous
//! access on and off, and OIDC through the reference's discovery document with the client's own
//! password and client-credentials grants at the mock issuer (`authconform jwks serve`). A flawed
//! reference must fail it. Skipped, saying so, without the venv.

mod common;

use std::ffi::OsStr;
use std::path::Path;

use common::clients::{Server, drive, forge, jwks_serve, python, serve};
use common::{scratch, write_file};

const ADMIN_KEY: &str = "wv-clients-admin-key-1";
const READER_KEY: &str = "wv-clients-reader-key-1";
const CLIENT: &str = "authconform-client";
const CLIENT_SECRET: &str = "wv-clients-secret-1";
const ALICE_PASSWORD: &str = "wv-clients-alice-pw-1";

/// The settings Weaviate reads from its environment: two API keys (jane, ian), with the admin list
/// (jane admin, ian read-only) or with anonymous access on.
fn api_key_settings(dir: &Path, adminlist: bool) -> std::path::PathBuf {
    let mut text = format!(
        "AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED={}\n\
         AUTHENTICATION_APIKEY_ENABLED=true\n\
         AUTHENTICATION_APIKEY_ALLOWED_KEYS={ADMIN_KEY},{READER_KEY}\n\
         AUTHENTICATION_APIKEY_USERS=jane,ian\n",
        !adminlist
    );
    if adminlist {
        text.push_str(
            "AUTHORIZATION_ADMINLIST_ENABLED=true\n\
             AUTHORIZATION_ADMINLIST_USERS=jane\n\
             AUTHORIZATION_ADMINLIST_READONLY_USERS=ian\n",
        );
    }
    write_file(
        dir,
        if adminlist {
            "adminlist.env"
        } else {
            "anonymous.env"
        },
        &text,
    )
}

fn drive_keys(python: &Path, server: &Server, setup: &str) -> (i32, String) {
    drive(
        python,
        "weaviate_client.py",
        &[&server.url(), setup],
        &[
            ("WEAVIATE_ADMIN_KEY", ADMIN_KEY),
            ("WEAVIATE_READER_KEY", READER_KEY),
        ],
    )
}

fn with_flaw(flaw: &'static str) -> [&'static OsStr; 2] {
    [OsStr::new("--debug-with-flaw"), OsStr::new(flaw)]
}

#[test]
fn the_weaviate_client_with_api_keys_and_the_admin_list() {
    let Some(python) = python() else { return };
    let dir = scratch("clients-weaviate-adminlist");
    let server = serve("weaviate", "adminlist", &api_key_settings(&dir, true), &[]);
    let (code, out) = drive_keys(&python, &server, "adminlist");
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.matches("  pass  weaviate").count(), 5, "{out}");
    assert!(out.contains("refused a write (403)"), "{out}");
    assert!(out.contains("anonymous off: refused (401)"), "{out}");
}

#[test]
fn the_weaviate_client_with_anonymous_access_on() {
    let Some(python) = python() else { return };
    let dir = scratch("clients-weaviate-anonymous");
    let settings = api_key_settings(&dir, false);
    let server = serve("weaviate", "apikey-anonymous", &settings, &[]);
    let (code, out) = drive_keys(&python, &server, "anonymous");
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.matches("  pass  weaviate").count(), 3, "{out}");
}

#[test]
fn a_reference_whose_read_only_users_write_fails_the_weaviate_client() {
    let Some(python) = python() else { return };
    let dir = scratch("clients-weaviate-flawed");
    let flaw = with_flaw("read-only-may-write");
    let server = serve(
        "weaviate",
        "adminlist",
        &api_key_settings(&dir, true),
        &flaw,
    );
    let (code, out) = drive_keys(&python, &server, "adminlist");
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("FAIL  weaviate adminlist  read-only key: refused a write (403)"),
        "{out}"
    );
}

fn oidc_run(flaws: &[&'static str]) -> (i32, String) {
    let python = python().expect("checked by the caller");
    let dir = scratch(&format!("clients-weaviate-oidc{}", flaws.join("-")));
    let (user, client) = (
        format!("alice:{ALICE_PASSWORD}"),
        format!("{CLIENT}:{CLIENT_SECRET}"),
    );
    let issuer = jwks_serve(&dir, &["--user", &user, "--client", &client]);
    let issuer_url = issuer.banner_value("issuer:");
    let settings = write_file(
        &dir,
        "oidc.env",
        &format!(
            "AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED=false\n\
             AUTHENTICATION_OIDC_ENABLED=true\n\
             AUTHENTICATION_OIDC_ISSUER={issuer_url}\n\
             AUTHENTICATION_OIDC_CLIENT_ID={CLIENT}\n\
             AUTHENTICATION_OIDC_USERNAME_CLAIM=sub\n"
        ),
    );
    let flaw_args: Vec<&OsStr> = flaws.iter().flat_map(|f| with_flaw(f)).collect();
    let server = serve("weaviate", "oidc-discovery", &settings, &flaw_args);
    let expired = forge(&dir, &issuer_url, CLIENT, "alice", &["--claim", "exp=-1m"]);
    let wrong_aud = forge(&dir, &issuer_url, "someone-else", "alice", &[]);
    drive(
        &python,
        "weaviate_client.py",
        &[&server.url(), "oidc"],
        &[
            ("WEAVIATE_OIDC_USER", "alice"),
            ("WEAVIATE_OIDC_PASSWORD", ALICE_PASSWORD),
            ("WEAVIATE_OIDC_SECRET", CLIENT_SECRET),
            ("WEAVIATE_OIDC_SCOPE", "openid"),
            ("WEAVIATE_EXPIRED_TOKEN", &expired),
            ("WEAVIATE_WRONG_AUD_TOKEN", &wrong_aud),
        ],
    )
}

#[test]
fn the_weaviate_clients_own_oidc_flows_through_discovery() {
    if python().is_none() {
        return;
    }
    let (code, out) = oidc_run(&[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.matches("  pass  weaviate").count(), 7, "{out}");
    assert!(out.contains("OAuthError: invalid_grant"), "{out}");
    assert!(out.contains("OAuthError: invalid_client"), "{out}");
}

#[test]
fn a_reference_that_ignores_aud_fails_the_weaviate_client() {
    if python().is_none() {
        return;
    }
    let (code, out) = oidc_run(&["aud-ignored"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("FAIL  weaviate oidc       wrong-audience token: refused (401)"),
        "{out}"
    );
}
