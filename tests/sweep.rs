//! Endpoint sweeps from OpenAPI documents: the reference servers pass their own; a server that
//! opens everything fails on every protected operation, by name; destructive operations wait for
//! `destructive: allowed`; documents that cannot be read error the rows; a target without one
//! skips the sweep; and a route no table lists is caught by the sweep alone (`mutants`).

mod common;

use common::{
    accepts_anything, authconform, authconform_with, catching, caught, caught_only_where, scratch,
    write_file,
};
use serde_json::Value;

fn json_report(ran: &common::Ran, path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{e}\n{}\n{}", ran.stdout, ran.stderr));
    serde_json::from_str(&text).unwrap()
}

fn sweep_cells<'a>(report: &'a Value, suite: &str, mode: &str) -> Vec<&'a Value> {
    report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["suite"] == suite && c["mode"] == mode && c.get("cell").is_some())
        .collect()
}

#[test]
fn the_reference_servers_pass_their_own_sweeps() {
    let dir = scratch("sweep-embedded");
    let out = dir.join("run.json");
    let ran = authconform(&[
        "run",
        "scenarios/",
        "--tag",
        "sweep",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.stderr);
    let report = json_report(&ran, &out);
    for (suite, mode, operations) in [
        ("chroma-sweep", "basic", 24),
        ("chroma-sweep", "token-x-chroma", 24),
        ("http-basic-sweep", "basic", 2),
        ("bearer-sweep", "token", 2),
        ("api-key-sweep", "api-key", 2),
        ("jwt-sweep", "jwt", 3),
        ("weaviate-sweep", "apikey", 13),
        ("cratedb-sweep", "password", 2),
    ] {
        let cells = sweep_cells(&report, suite, mode);
        let mut ops: Vec<&str> = cells
            .iter()
            .map(|c| c["cell"]["endpoint"].as_str().unwrap())
            .collect();
        ops.sort();
        ops.dedup();
        assert_eq!(ops.len(), operations, "{suite} [{mode}]: {ops:?}");
        assert!(
            cells.iter().all(|c| c["status"] == "passed"),
            "{suite} [{mode}]"
        );
    }
    // The table is drawn with the operations down the side.
    assert!(
        ran.stdout
            .contains("access matrix [basic]: 24 endpoints × 4 principals, 78 as expected, 0 not"),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout
            .contains("    GET /api/v2/tenants/{tenant}/databases "),
        "{}",
        ran.stdout
    );
}

const DOCUMENT: &str = r#"{
  "openapi": "3.0.3",
  "info": {"title": "items", "version": "1"},
  "security": [{"basic": []}],
  "components": {"securitySchemes": {"basic": {"type": "http", "scheme": "basic"}}},
  "paths": {
    "/health": {"get": {"security": [], "responses": {"200": {"description": "ok"}}}},
    "/items": {
      "get": {"responses": {"200": {"description": "ok"}}},
      "post": {"requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}}}},
               "responses": {"200": {"description": "ok"}}}
    },
    "/items/{item_id}": {"delete": {"responses": {"204": {"description": "gone"}}}}
  }
}"#;

/// A target for a running server on `port` that reads its document from a file beside it.
fn open_target(dir: &std::path::Path, port: u16, extra: &str) -> std::path::PathBuf {
    write_file(dir, "items-openapi.json", DOCUMENT);
    write_file(
        dir,
        "target.yaml",
        &format!(
            "name: opens-everything\ndialect: http-basic\nbase_url: http://127.0.0.1:{port}\nmodes: [basic]\n\
             openapi: ./items-openapi.json\n{extra}fixtures:\n  users:\n    alice: {{ password: \"${{env:SWEEP_ALICE_PW}}\" }}\n"
        ),
    )
}

#[test]
fn a_server_that_opens_everything_fails_on_every_protected_operation_by_name() {
    let server = accepts_anything();
    let dir = scratch("sweep-opens-everything");
    let target = open_target(&dir, server.port, "");
    let env = [("SWEEP_ALICE_PW", "s3cret-for-the-sweep")];
    let sweep = |target: &std::path::Path| {
        let args = [
            "run",
            "scenarios/http-basic/sweep.yaml",
            "-t",
            target.to_str().unwrap(),
        ];
        authconform_with(&args, &env)
    };
    let ran = sweep(&target);
    assert_eq!(ran.code, 1, "{}\n{}", ran.stdout, ran.stderr);
    for open in ["GET /items", "POST /items"] {
        for row in ["no-credentials", "wrong-password", "malformed"] {
            let line = format!("  FAIL  must    sweep:{row} @{open} [basic]");
            assert!(ran.stdout.contains(&line), "{line}\n{}", ran.stdout);
        }
    }
    assert!(
        !ran.stdout
            .contains("FAIL  must    sweep:no-credentials @GET /health"),
        "public by the document"
    );
    assert!(
        ran.stdout.contains("not sent: destroys data"),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout.contains("DELETE /items/{item_id}"),
        "the table lists it: {}",
        ran.stdout
    );
    assert!(
        !ran.stdout.contains("s3cret-for-the-sweep"),
        "no secret printed"
    );

    // Allowed, the DELETE is sent, and fails too.
    let target = open_target(&dir, server.port, "destructive: allowed\n");
    let ran = sweep(&target);
    assert_eq!(ran.code, 1);
    assert!(
        ran.stdout
            .contains("  FAIL  must    sweep:no-credentials @DELETE /items/{item_id} [basic]"),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout.contains("request:  DELETE /items/"),
        "a sample id fills the path"
    );
}

#[test]
fn documents_that_cannot_be_read_error_the_rows_and_no_document_skips_the_sweep() {
    let server = accepts_anything(); // answers `{}` to GET /openapi.json
    let dir = scratch("sweep-unreadable");
    let env = [("SWEEP_ALICE_PW", "pw")];
    let target = |doc: &str| {
        write_file(
            &dir,
            "target.yaml",
            &format!(
                "name: odd\ndialect: http-basic\nbase_url: http://127.0.0.1:{}\nmodes: [basic]\n{doc}\
                 fixtures:\n  users:\n    alice: {{ password: \"${{env:SWEEP_ALICE_PW}}\" }}\n",
                server.port
            ),
        )
    };
    let run = |t: &std::path::Path| {
        authconform_with(
            &[
                "run",
                "scenarios/http-basic/sweep.yaml",
                "-t",
                t.to_str().unwrap(),
            ],
            &env,
        )
    };
    let served = run(&target("openapi: /openapi.json\n"));
    assert_eq!(served.code, 3, "nothing judged: {}", served.stdout);
    assert!(
        served.stdout.contains("cannot read the OpenAPI document (/openapi.json on the target): not an OpenAPI 3 document: no `openapi` version"),
        "{}",
        served.stdout
    );
    write_file(
        &dir,
        "swagger.json",
        r#"{"swagger": "2.0", "info": {}, "paths": {}}"#,
    );
    let swagger = run(&target("openapi: ./swagger.json\n"));
    assert_eq!(swagger.code, 3);
    assert!(
        swagger
            .stdout
            .contains("a Swagger 2.0 document; authconform reads OpenAPI 3.x"),
        "{}",
        swagger.stdout
    );
    let missing = run(&target("openapi: ./no-such-file.json\n"));
    assert_eq!(missing.code, 2, "bad input, before anything starts");
    assert!(
        missing.stderr.contains("no-such-file.json does not exist")
            && missing.stderr.contains("target.yaml:5:10"),
        "{}",
        missing.stderr
    );
    let none = run(&target(""));
    assert_eq!(none.code, 3, "every case skipped");
    assert!(
        none.stdout
            .contains("names no OpenAPI document to sweep (`openapi:` in the target file)"),
        "{}",
        none.stdout
    );
}

#[test]
fn a_route_no_table_lists_is_caught_by_the_sweep_alone() {
    let flaw = caught(&["scenarios/chroma"], "unlisted-route-open");
    let by = catching(&flaw);
    assert!(
        by.contains("chroma-sweep/sweep:no-credentials @GET /api/v2/tenants/{tenant}/databases"),
        "{by}"
    );
    assert!(
        caught_only_where(&flaw, "chroma-sweep/"),
        "no other suite knows the route: {by}"
    );
}
