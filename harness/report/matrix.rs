//! The access matrix of a suite as a table: principals down, endpoints across, per mode; each cell
//! the status the target answered, marked where the expectation was missed.

use super::{CaseResult, CaseStatus};

/// One table per mode of `cases` (one suite's results) that has matrix cells; empty when none.
pub fn render(cases: &[&CaseResult]) -> String {
    let mut modes: Vec<&str> = Vec::new();
    for case in cases.iter().filter(|c| c.cell.is_some()) {
        if !modes.contains(&case.mode.as_str()) {
            modes.push(&case.mode);
        }
    }
    let mut out = String::new();
    for mode in modes {
        let in_mode: Vec<&CaseResult> = cases
            .iter()
            .copied()
            .filter(|c| c.mode == mode && c.cell.is_some())
            .collect();
        out.push_str(&table(mode, &in_mode));
    }
    out
}

fn table(mode: &str, cases: &[&CaseResult]) -> String {
    fn cell(c: &CaseResult) -> &super::Cell {
        c.cell.as_ref().expect("filtered on cells")
    }
    let mut rows: Vec<&str> = Vec::new();
    let mut columns: Vec<&str> = Vec::new();
    for c in cases {
        let cell = cell(c);
        if !rows.contains(&cell.principal.as_str()) {
            rows.push(&cell.principal);
        }
        if !columns.contains(&cell.endpoint.as_str()) {
            columns.push(&cell.endpoint);
        }
    }
    let text = |row: &str, column: &str| -> String {
        cases
            .iter()
            .find(|c| cell(c).principal == row && cell(c).endpoint == column)
            .map_or_else(String::new, |c| shown(c))
    };
    let first_width = rows.iter().map(|r| r.chars().count()).max().unwrap_or(0);
    let widths: Vec<usize> = columns
        .iter()
        .map(|column| {
            rows.iter()
                .map(|row| text(row, column).chars().count())
                .chain([column.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let misses = cases
        .iter()
        .filter(|c| matches!(c.status, CaseStatus::Failed | CaseStatus::Errored))
        .count();
    let mut out = format!(
        "  access matrix [{mode}]: {} principals × {} endpoints, {} as expected, {misses} not\n",
        rows.len(),
        columns.len(),
        cases.len() - misses
    );
    let line = |first: &str, cells: Vec<String>| {
        let mut l = format!("    {first:<first_width$}");
        for (cell, width) in cells.iter().zip(&widths) {
            l.push_str(&format!("  {cell:<width$}"));
        }
        l.trim_end().to_owned() + "\n"
    };
    out.push_str(&line("", columns.iter().map(|c| c.to_string()).collect()));
    for row in &rows {
        out.push_str(&line(
            row,
            columns.iter().map(|column| text(row, column)).collect(),
        ));
    }
    out
}

/// `200`; `200≠403` where the expectation was missed; `error`, `skipped`.
fn shown(case: &CaseResult) -> String {
    let got = case
        .status_code
        .map_or_else(|| "-".to_owned(), |c| c.to_string());
    match case.status {
        CaseStatus::Passed => got,
        CaseStatus::Failed => {
            let wanted = case
                .mismatches
                .iter()
                .find(|m| m.what == "status")
                .map(|m| m.expected.replace(" or ", "|"));
            match wanted {
                Some(w) => format!("{got}≠{w}"),
                None => format!("{got}!"),
            }
        }
        CaseStatus::Errored => "error".to_owned(),
        CaseStatus::Skipped => "skipped".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::assert::Mismatch;
    use crate::level::Level;
    use crate::report::Cell;

    fn at(principal: &str, endpoint: &str, got: u16, status: CaseStatus) -> CaseResult {
        let mut c = CaseResult::sample(&format!("{principal}@{endpoint}"), Level::Must, status);
        c.status_code = Some(got);
        c.cell = Some(Cell {
            principal: principal.into(),
            endpoint: endpoint.into(),
        });
        if status == CaseStatus::Failed {
            c.mismatches = vec![Mismatch {
                what: "status".into(),
                expected: "401 or 403".into(),
                actual: got.to_string(),
            }];
        }
        c
    }

    #[test]
    fn principals_go_down_endpoints_across_and_misses_show_what_was_wanted() {
        let cases = [
            at("anonymous", "meta", 401, CaseStatus::Passed),
            at("anonymous", "schema_create", 401, CaseStatus::Passed),
            at("ian", "meta", 200, CaseStatus::Passed),
            at("ian", "schema_create", 200, CaseStatus::Failed),
        ];
        let refs: Vec<&CaseResult> = cases.iter().collect();
        assert_eq!(
            render(&refs),
            "  access matrix [m]: 2 principals × 2 endpoints, 3 as expected, 1 not\n\
             \x20              meta  schema_create\n\
             \x20   anonymous  401   401\n\
             \x20   ian        200   200≠401|403\n"
        );
    }

    #[test]
    fn cases_without_cells_make_no_table() {
        let case = CaseResult::sample("plain", Level::Must, CaseStatus::Passed);
        assert_eq!(render(&[&case]), "");
    }
}
