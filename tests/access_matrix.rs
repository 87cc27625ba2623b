//! Access matrices and uniform-rejection groups end to end: the terminal table, the HTML drawing,
//! and the flaws each catches.

mod common;

use common::{authconform, catching, caught, read, scratch};

#[test]
fn the_access_matrix_prints_as_a_table_and_catches_a_read_only_user_who_writes() {
    let ran = authconform(&["run", "scenarios/weaviate/access-matrix.yaml"]);
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.contains(
            "access matrix [adminlist]: 5 principals × 6 endpoints, 30 as expected, 0 not"
        ),
        "{}",
        ran.stdout
    );
    let ian = ran
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("ian "))
        .expect("a row for ian");
    assert_eq!(
        ian.split_whitespace().collect::<Vec<_>>(),
        ["ian", "200", "200", "200", "403", "403", "403"]
    );
    let flaw = caught(
        &["scenarios/weaviate/access-matrix.yaml"],
        "read-only-may-write",
    );
    assert!(
        catching(&flaw).contains("ian@schema_create"),
        "the matrix cell names the catch: {flaw}"
    );
}

#[test]
fn chroma_rbac_matrix_catches_rbac_that_is_not_enforced() {
    let flaw = caught(&["scenarios/chroma/rbac.yaml"], "rbac-ignored");
    assert_eq!(flaw["caught"], true, "{flaw}");
    assert!(catching(&flaw).contains("rita@create_collection"), "{flaw}");
}

#[test]
fn a_uniform_group_fails_when_one_refusal_tells_more_than_the_others() {
    let flaw = caught(&["scenarios/chroma/basic.yaml"], "unknown-user-distinct");
    assert!(
        catching(&flaw).contains("uniform:unknown-user-answered-like-wrong-password"),
        "{flaw}"
    );
}

#[test]
fn the_html_report_draws_each_access_matrix() {
    let dir = scratch("matrix-html");
    let page = dir.join("report.html");
    let ran = authconform(&[
        "run",
        "scenarios/weaviate/access-matrix.yaml",
        "-o",
        page.to_str().unwrap(),
    ]);
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.stderr);
    let html = read(&page);
    assert!(html.contains("<h2>Access matrices</h2>"), "{html}");
    let ian = html
        .lines()
        .find(|l| l.starts_with("<tr><th>ian</th>"))
        .expect("a row for ian");
    assert_eq!(ian.matches("class=\"num passed\"").count(), 6, "{ian}");
    assert!(
        ian.contains(">403</a></td>"),
        "cells link to their case rows: {ian}"
    );
    assert!(ian.contains("<a href=\"#case-"), "{ian}");
    assert!(
        html.contains("<p class=\"legend\">"),
        "the matrix has a legend"
    );
}
