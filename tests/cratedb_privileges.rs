//! CrateDB privileges end to end on the embedded server: the access matrix in the terminal and the
//! HTML report, and each privilege flaw caught by at least two independent `must` cases naming
//! what broke.

mod common;

use common::{authconform, catching, caught, read, scratch};

const SUITE: &str = "scenarios/cratedb/privileges.yaml";

#[test]
fn the_privileges_matrix_prints_and_draws() {
    let dir = scratch("cratedb-privileges-html");
    let page = dir.join("report.html");
    let ran = authconform(&["run", SUITE, "-o", page.to_str().unwrap()]);
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.contains(
            "access matrix [privileges]: 6 principals × 5 endpoints, 30 as expected, 0 not"
        ),
        "{}",
        ran.stdout
    );
    let row = |name: &str| {
        ran.stdout
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{name} ")))
            .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>())
            .unwrap_or_else(|| panic!("a row for {name}: {}", ran.stdout))
    };
    assert_eq!(row("alice"), ["200", "404", "401", "404", "404"]);
    assert_eq!(row("carol"), ["200", "404", "200", "404", "401"]);
    assert_eq!(row("dave"), ["200", "401", "401", "401", "401"]);
    let html = read(&page);
    let carol = html
        .lines()
        .find(|l| l.starts_with("<tr><th>carol</th>"))
        .expect("an HTML row for carol");
    assert_eq!(carol.matches("class=\"num passed\"").count(), 5, "{carol}");
}

#[test]
fn each_privilege_flaw_is_caught_twice_where_it_breaks() {
    for (flaw, case) in [
        ("privileges-ignored", "alice@read-secret"),
        ("deny-ignored", "carol@read-secret"),
        (
            "table-existence-leaked",
            "alice-reading-the-secret-table-is-answered-like-a-missing-one",
        ),
    ] {
        let report = caught(&[SUITE], flaw);
        assert_eq!(report["caught"], true, "{report}");
        assert!(report["independent"].as_u64().unwrap() >= 2, "{report}");
        assert!(
            catching(&report).contains(case),
            "{flaw} caught by {case}: {report}"
        );
    }
}
