use super::*;
use crate::plan::{ClientTls, ClientVerify, Expectation, HttpRequest, Steps};
use crate::scenario::model::SweepRole;

fn row(principal: &str, accepted: bool, headers: &[(&str, &str)], path: &str) -> PlannedCase {
    PlannedCase {
        suite: 0,
        case: 0,
        endpoint: None,
        mode: "m".into(),
        level: Level::Must,
        request: HttpRequest {
            method: "GET".into(),
            path: path.into(),
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), v.as_bytes().to_vec()))
                .collect(),
            body: None,
            jwt: None,
            raw: false,
        },
        expect: Expectation::default(),
        tls: ClientTls {
            verify: ClientVerify::System,
            client_cert: None,
            scheme: None,
        },
        steps: Steps::default(),
        sweep: Some(SweepRole {
            principal: principal.into(),
            accepted,
        }),
        cell: None,
        skip: None,
        error: None,
    }
}

fn op(method: &str, path: &str, public: bool, destructive: bool) -> Operation {
    Operation {
        method: method.into(),
        template: path.into(),
        path: path.into(),
        operation_id: Some(format!("{method}{path}")),
        public_by_document: public,
        destructive,
        body: (method == "POST").then(|| serde_json::json!({"name": "x"})),
    }
}

fn rows() -> Vec<PlannedCase> {
    vec![
        row("none", false, &[], ""),
        row("wrong", false, &[("Authorization", "Basic eDp5")], ""),
        row("valid", true, &[("Authorization", "Basic YTpi")], ""),
    ]
}

fn ops() -> Vec<Operation> {
    vec![
        op("GET", "/health", true, false),
        op("POST", "/things", false, false),
        op("DELETE", "/things/1", false, true),
        op("POST", "/reset", false, false),
    ]
}

fn expanded(settings: &SweepSettings, public_paths: &[&str]) -> Vec<PlannedCase> {
    let policy = SweepPolicy {
        settings,
        public_paths: public_paths.iter().map(|p| (*p).to_owned()).collect(),
    };
    expand(&rows(), &ops(), &policy)
}

#[test]
fn protected_operations_refuse_bad_rows_and_accept_good_ones() {
    let cases = expanded(&SweepSettings::embedded(), &[]);
    let at = |principal: &str, endpoint: &str| {
        cases
            .iter()
            .find(|c| {
                let cell = c.cell.as_ref().unwrap();
                cell.principal == principal && cell.endpoint == endpoint
            })
            .unwrap_or_else(|| panic!("no {principal}@{endpoint}"))
    };
    let wrong = at("wrong", "POST /things");
    assert_eq!(wrong.level, Level::Must);
    assert_eq!(wrong.expect.status, Some(StatusCheck::NotClass(2)));
    assert_eq!(wrong.request.method, "POST");
    assert_eq!(wrong.request.body.as_deref(), Some(&br#"{"name":"x"}"#[..]));
    assert!(
        wrong
            .request
            .headers
            .iter()
            .any(|(n, v)| n == "Content-Type" && v == b"application/json")
    );
    let valid = at("valid", "POST /things");
    assert_eq!(
        valid.expect.status,
        Some(StatusCheck::NoneOf(vec![401, 403]))
    );
    assert_eq!(valid.level, Level::Must);
    // Public: no credentials and valid ones at `should`; wrong ones not asserted.
    let open = at("none", "GET /health");
    assert_eq!(open.level, Level::Should);
    assert_eq!(
        open.expect.status,
        Some(StatusCheck::NoneOf(vec![401, 403]))
    );
    assert!(
        !cases
            .iter()
            .any(|c| c.cell.as_ref().unwrap().principal == "wrong"
                && c.cell.as_ref().unwrap().endpoint == "GET /health")
    );
    assert_eq!(cases.len(), 3 * 4 - 1);
    // Row by row: the first four cases are the `none` row.
    assert!(
        cases[..4]
            .iter()
            .all(|c| c.cell.as_ref().unwrap().principal == "none")
    );
}

#[test]
fn destructive_operations_are_skipped_unless_allowed() {
    let refused = SweepSettings {
        destructive_names: vec!["POST /reset".into()],
        ..SweepSettings::default()
    };
    let cases = expanded(&refused, &[]);
    let skipped: Vec<_> = cases
        .iter()
        .filter(|c| c.skip.is_some())
        .map(|c| c.endpoint.clone().unwrap())
        .collect();
    assert_eq!(skipped.len(), 6, "DELETE and the marked reset, for 3 rows");
    assert!(
        skipped
            .iter()
            .all(|e| e == "DELETE /things/1" || e == "POST /reset")
    );
    let allowed = SweepSettings {
        destructive_allowed: true,
        ..refused
    };
    assert!(expanded(&allowed, &[]).iter().all(|c| c.skip.is_none()));
}

#[test]
fn the_target_can_make_an_operation_public() {
    let cases = expanded(&SweepSettings::embedded(), &["/things"]);
    let things: Vec<_> = cases
        .iter()
        .filter(|c| c.endpoint.as_deref() == Some("POST /things"))
        .collect();
    assert_eq!(things.len(), 2, "none and valid only");
    assert!(things.iter().all(|c| c.level == Level::Should));
}

#[test]
fn a_query_credential_joins_the_operation_query() {
    let template = row("valid", true, &[], "?api_key=k");
    let mut with_query = op("GET", "/search", false, false);
    with_query.path = "/search?q=1".into();
    let policy = SweepPolicy {
        settings: &SweepSettings::embedded(),
        public_paths: vec![],
    };
    let plain = expand(
        std::slice::from_ref(&template),
        &[op("GET", "/a", false, false)],
        &policy,
    );
    assert_eq!(plain[0].request.path, "/a?api_key=k");
    let joined = expand(&[template], &[with_query], &policy);
    assert_eq!(joined[0].request.path, "/search?q=1&api_key=k");
}

#[test]
fn an_unreadable_document_errors_each_row() {
    let source = DocumentSource::Served("/openapi.json".into());
    let case = unreadable(&rows()[0], &source, "GET /openapi.json answered 404");
    assert_eq!(
        case.error.as_deref(),
        Some(
            "cannot read the OpenAPI document (/openapi.json on the target): GET /openapi.json answered 404"
        )
    );
}
