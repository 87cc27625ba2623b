//! JUnit XML: one `<testsuite>` per suite file, a `<testcase>` per case run with its `file` and
//! `line` (so CI annotations land on the case) and its level as a property, not in its name (so
//! re-levelling a case keeps its history). Gate failures are `<failure type="LEVEL">`, findings
//! below the gate `<failure type="finding">` — the counts match the terminal's `N failed` —
//! unless `--junit-findings skipped` asks for the older `<skipped>`; errors are `<error>`.

use super::markup::escape;
use super::{CaseStatus, Report};

pub fn render(report: &Report) -> String {
    let findings_skipped = report.junit_findings_skipped;
    let is_failure =
        |c: &super::CaseResult| c.status == CaseStatus::Failed && (c.gating || !findings_skipped);
    let is_skipped = |c: &super::CaseResult| {
        c.status == CaseStatus::Skipped || (findings_skipped && c.is_finding())
    };
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"authconform\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}\">\n",
        report.cases.len(),
        report.cases.iter().filter(|c| is_failure(c)).count(),
        report.summary.errored,
        report.cases.iter().filter(|c| is_skipped(c)).count(),
        seconds(report.duration_ms)
    ));
    for (suite, file, cases) in report.by_suite() {
        let count = |f: &dyn Fn(&super::CaseResult) -> bool| cases.iter().filter(|c| f(c)).count();
        let failures = count(&is_failure);
        let errors = count(&|c| c.status == CaseStatus::Errored);
        let skipped = count(&is_skipped);
        let time: u64 = cases.iter().map(|c| c.duration_ms).sum();
        out.push_str(&format!(
            "  <testsuite name=\"{}\" file=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{}\">\n",
            escape(suite),
            escape(file),
            cases.len(),
            seconds(time)
        ));
        for case in cases {
            out.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\" time=\"{}\">\n",
                escape(&case.title()),
                escape(suite),
                escape(&case.file),
                case.line,
                seconds(case.duration_ms)
            ));
            out.push_str(&format!(
                "      <properties><property name=\"level\" value=\"{}\"/><property name=\"gating\" value=\"{}\"/><property name=\"ref\" value=\"{}\"/></properties>\n",
                case.level,
                case.gating,
                escape(&case.reference)
            ));
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
            match case.status {
                CaseStatus::Passed => {}
                CaseStatus::Failed if case.gating => out.push_str(&format!(
                    "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                    escape(&message()),
                    case.level,
                    escape(&detail())
                )),
                CaseStatus::Failed if findings_skipped => out.push_str(&format!(
                    "      <skipped message=\"{}\"/>\n",
                    escape(&format!(
                        "finding below the gate ({}): {}",
                        case.level,
                        message()
                    ))
                )),
                CaseStatus::Failed => out.push_str(&format!(
                    "      <failure message=\"{}\" type=\"finding\">{}</failure>\n",
                    escape(&format!(
                        "finding below the gate ({}): {}",
                        case.level,
                        message()
                    )),
                    escape(&detail())
                )),
                CaseStatus::Skipped => out.push_str(&format!(
                    "      <skipped message=\"{}\"/>\n",
                    escape(case.reason.as_deref().unwrap_or("skipped"))
                )),
                CaseStatus::Errored => out.push_str(&format!(
                    "      <error message=\"{}\" type=\"errored\">{}</error>\n",
                    escape(case.reason.as_deref().unwrap_or("errored")),
                    escape(&detail())
                )),
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn seconds(ms: u64) -> String {
    format!("{:.3}", ms as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape("a<b & \"c\" \u{1}"),
            "a&lt;b &amp; &quot;c&quot; \u{FFFD}"
        );
    }
}
