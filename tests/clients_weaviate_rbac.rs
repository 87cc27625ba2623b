//! weaviate-client 4.24.1's role API (`clients/weaviate_rbac_client.py`, `.venv/weaviate-v4`)
//! against the reference Weaviate with RBAC on: root makes and assigns a role, the reader reads
//! what it grants and no more, cannot make roles or give itself root, and loses it on revocation.
//! A reference with an RBAC flaw fails it. Skipped, saying so, without the venv.

mod common;

use std::ffi::OsStr;
use std::path::Path;

use common::clients::{Server, drive, free_port, python_v4, serve};
use common::{scratch, write_file};

const ROOT_KEY: &str = "wv-rbac-root-key-1";
const READER_KEY: &str = "wv-rbac-reader-key-1";

fn rbac_settings(dir: &Path) -> std::path::PathBuf {
    write_file(
        dir,
        "rbac.env",
        &format!(
            "AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED=false\n\
             AUTHENTICATION_APIKEY_ENABLED=true\n\
             AUTHENTICATION_APIKEY_ALLOWED_KEYS={ROOT_KEY},{READER_KEY}\n\
             AUTHENTICATION_APIKEY_USERS=jane,ian\n\
             AUTHORIZATION_RBAC_ENABLED=true\n\
             AUTHORIZATION_RBAC_ROOT_USERS=jane\n"
        ),
    )
}

fn run(python: &Path, server: &Server) -> (i32, String) {
    // A port nothing listens on: the client is told where gRPC would be and never uses it.
    let grpc = free_port().to_string();
    drive(
        python,
        "weaviate_rbac_client.py",
        &[&server.url(), &grpc],
        &[
            ("WEAVIATE_ROOT_KEY", ROOT_KEY),
            ("WEAVIATE_READER_KEY", READER_KEY),
        ],
    )
}

#[test]
fn the_weaviate_v4_client_manages_roles_and_is_held_to_them() {
    let Some(python) = python_v4() else { return };
    let dir = scratch("clients-weaviate-rbac");
    let server = serve("weaviate", "rbac", &rbac_settings(&dir), &[]);
    let (code, out) = run(&python, &server);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.matches("  pass  weaviate rbac").count(), 7, "{out}");
    assert!(
        out.contains("ian cannot give himself root (refused (InsufficientPermissionsError 403))"),
        "{out}"
    );
}

#[test]
fn rbac_flaws_fail_the_weaviate_v4_client() {
    let Some(python) = python_v4() else { return };
    for (flaw, failing) in [
        (
            "self-assignment-allowed",
            "FAIL  weaviate rbac ian cannot give himself root",
        ),
        (
            "revocation-cached",
            "FAIL  weaviate rbac after root revokes the role, ian reads nothing",
        ),
        (
            "wildcard-too-wide",
            "FAIL  weaviate rbac ian cannot read Beta",
        ),
    ] {
        let dir = scratch(&format!("clients-weaviate-rbac-{flaw}"));
        let args = [OsStr::new("--debug-with-flaw"), OsStr::new(flaw)];
        let server = serve("weaviate", "rbac", &rbac_settings(&dir), &args);
        let (code, out) = run(&python, &server);
        assert!(code >= 1, "{flaw}: {out}");
        assert!(out.contains(failing), "{flaw}: {out}");
    }
}
