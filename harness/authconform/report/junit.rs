//! JUnit XML: one `<testsuite>` per suite file, a `<testcase>` per case run with its `file` and
//! `line` (so CI annotations land on the case) and its level as a property, not in its name (so
//! re-levelling a case keeps its history). Gate failures are `<failure type="LEVEL">`, findings
//! below the gate `<failure type="finding">` — the counts match the terminal's `N failed` —
//! unless `--junit-findings skipped` asks for the older `<skipped>`; errors are `<error>`.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, TestCase, TestCaseStatus, TestSuite};

use super::{CaseResult, CaseStatus, Report};

pub fn render(report: &Report) -> String {
    let findings_skipped = report.junit_findings_skipped;
    let mut junit = quick_junit::Report::new("authconform");
    junit.set_time(Duration::from_millis(report.duration_ms));
    for (suite, file, cases) in report.by_suite() {
        let mut test_suite = TestSuite::new(suite);
        test_suite.extra.insert("file".into(), file.into());
        let time: u64 = cases.iter().map(|c| c.duration_ms).sum();
        test_suite.set_time(Duration::from_millis(time));
        for case in cases {
            test_suite.add_test_case(test_case(suite, case, findings_skipped));
        }
        junit.add_test_suite(test_suite);
    }
    junit.to_string().unwrap_or_else(|e| {
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- cannot write JUnit: {e} -->\n")
    })
}

fn test_case(suite: &str, case: &CaseResult, findings_skipped: bool) -> TestCase {
    let detail = || {
        let mut d = format!("ref: {}\n", case.reference);
        if let Some(r) = &case.request {
            d.push_str(&format!("request: {r}\n"));
        }
        for m in &case.mismatches {
            d.push_str(&format!(
                "{}: expected {}, got {}\n",
                m.what, m.expected, m.actual
            ));
        }
        d
    };
    let message = || {
        let expected = case.expected.as_deref().unwrap_or_default();
        let actual = case.actual.as_deref().unwrap_or_default();
        format!("expected {expected}; got {actual}")
    };
    let finding = || format!("finding below the gate ({}): {}", case.level, message());
    let status = match case.status {
        CaseStatus::Passed => TestCaseStatus::success(),
        CaseStatus::Failed if case.gating => {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(message())
                .set_type(case.level.name())
                .set_description(detail());
            s
        }
        CaseStatus::Failed if findings_skipped => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(finding());
            s
        }
        CaseStatus::Failed => {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(finding())
                .set_type("finding")
                .set_description(detail());
            s
        }
        CaseStatus::Skipped => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(case.reason.as_deref().unwrap_or("skipped"));
            s
        }
        CaseStatus::Errored => {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
            s.set_message(case.reason.as_deref().unwrap_or("errored"))
                .set_type("errored")
                .set_description(detail());
            s
        }
    };
    let mut test_case = TestCase::new(case.title(), status);
    test_case
        .set_classname(suite)
        .set_time(Duration::from_millis(case.duration_ms));
    test_case
        .extra
        .insert("file".into(), case.file.as_str().into());
    test_case
        .extra
        .insert("line".into(), case.line.to_string().into());
    test_case.add_properties([
        Property::new("level", case.level.name()),
        Property::new("gating", case.gating.to_string()),
        Property::new("ref", case.reference.as_str()),
    ]);
    test_case
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::{Gate, Level};

    #[test]
    fn counts_follow_the_statuses_and_text_is_escaped() {
        let mut finding = CaseResult::sample("odd", Level::Should, CaseStatus::Failed);
        finding.gating = false;
        finding.actual = Some("<b>\u{1}&\"".into());
        let gate = CaseResult::sample("bad", Level::Must, CaseStatus::Failed);
        let passed = CaseResult::sample("fine", Level::Must, CaseStatus::Passed);
        let mut report = Report::new(
            "t".into(),
            &Gate::parse("must").unwrap(),
            5,
            false,
            vec![finding, gate, passed],
        );
        let xml = render(&report);
        assert!(
            xml.contains("tests=\"3\"") && xml.contains("failures=\"2\""),
            "{xml}"
        );
        assert!(xml.contains("type=\"finding\""), "{xml}");
        assert!(xml.contains("&lt;b&gt;"), "{xml}");
        assert!(
            !xml.contains('\u{1}'),
            "no control character reaches the XML"
        );
        report.junit_findings_skipped = true;
        let xml = render(&report);
        assert!(xml.contains("failures=\"1\""), "{xml}");
        assert!(xml.contains("skipped=\"1\""), "{xml}");
    }
}
