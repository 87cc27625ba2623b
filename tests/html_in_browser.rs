//! The HTML report used in headless Chromium by `scripts/html-clicks.mjs` (playwright-core in
//! `.venv/browser`, made by `scripts/install-browser-test.sh`; Debian's `chromium`): failures
//! first, passes folded, and every filter — result and level boxes, suite, search, the summary
//! and suites × levels links — clicked and checked. Skipped, saying so, without the tools.

mod common;

use std::process::Command;

use common::{authconform, root, scratch};

#[test]
fn the_html_reports_filters_work_when_clicked() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !root()
        .join(".venv/browser/node_modules/playwright-core")
        .exists()
        || !std::path::Path::new(&chromium).exists()
    {
        eprintln!(
            "skipped: no playwright-core in .venv/browser (scripts/install-browser-test.sh) or no {chromium}"
        );
        return;
    }
    let dir = scratch("html-clicks");
    // A run that fails its gate and a conformant one with findings.
    for (name, gate, code) in [("gated", "should", 1), ("conformant", "must", 0)] {
        let page = dir.join(format!("{name}.html"));
        let ran = authconform(&[
            "run",
            "scenarios/chroma",
            "scenarios/weaviate",
            "--fail-on",
            gate,
            "-o",
            page.to_str().unwrap(),
        ]);
        assert_eq!(ran.code, code, "{}", ran.stdout);
        let clicked = Command::new("node")
            .arg(root().join("scripts/html-clicks.mjs"))
            .arg(&page)
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&clicked.stdout);
        eprintln!("{name}:\n{out}{}", String::from_utf8_lossy(&clicked.stderr));
        assert_eq!(clicked.status.code(), Some(0), "{name}:\n{out}");
        assert!(out.matches("\npass  ").count() >= 10, "{out}");
        assert!(!out.contains("FAIL"), "{out}");
    }
}
