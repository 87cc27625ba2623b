//! Case-by-case comparison of two JSON reports: the differential check between two targets.

use super::ReportFileError;
use std::collections::BTreeMap;

use serde_json::Value;

/// A case whose verdict differs between the two reports, or that only one of them has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Divergence {
    pub case: String,
    pub left: String,
    pub right: String,
}

/// `suite/name [mode]` → status, from a JSON report.
pub fn verdicts(report: &Value) -> Result<BTreeMap<String, String>, ReportFileError> {
    let cases = report
        .get("cases")
        .and_then(Value::as_array)
        .ok_or(ReportFileError::NotAReport("no `cases` array".to_owned()))?;
    let mut out = BTreeMap::new();
    for case in cases {
        let field = |k: &str| {
            case.get(k)
                .and_then(Value::as_str)
                .ok_or_else(|| ReportFileError::NotAReport(format!("a case has no string `{k}`")))
        };
        let key = format!(
            "{}/{} [{}]",
            field("suite")?,
            field("name")?,
            field("mode")?
        );
        out.insert(key, field("status")?.to_owned());
    }
    Ok(out)
}

/// Every case whose status differs; cases skipped on both sides agree.
pub fn compare(
    left: &BTreeMap<String, String>,
    right: &BTreeMap<String, String>,
) -> Vec<Divergence> {
    let mut keys: Vec<&String> = left.keys().chain(right.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| {
            let l = left.get(k).map_or("absent", String::as_str);
            let r = right.get(k).map_or("absent", String::as_str);
            (l != r).then(|| Divergence {
                case: k.clone(),
                left: l.to_owned(),
                right: r.to_owned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_changed_and_missing_cases() {
        let a = json!({"cases": [
            {"suite": "s", "name": "a", "mode": "basic", "status": "passed"},
            {"suite": "s", "name": "b", "mode": "basic", "status": "failed"},
            {"suite": "s", "name": "c", "mode": "basic", "status": "passed"},
        ]});
        let b = json!({"cases": [
            {"suite": "s", "name": "a", "mode": "basic", "status": "passed"},
            {"suite": "s", "name": "b", "mode": "basic", "status": "passed"},
        ]});
        let found = compare(&verdicts(&a).unwrap(), &verdicts(&b).unwrap());
        assert_eq!(
            found,
            vec![
                Divergence {
                    case: "s/b [basic]".into(),
                    left: "failed".into(),
                    right: "passed".into()
                },
                Divergence {
                    case: "s/c [basic]".into(),
                    left: "passed".into(),
                    right: "absent".into()
                },
            ]
        );
        assert!(verdicts(&json!({"x": 1})).is_err());
    }
}
