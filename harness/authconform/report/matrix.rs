//! The access matrix of a suite as a table: principals down, endpoints across, per mode; each cell
//! the status the target answered, marked where the expectation was missed.

use super::{CaseResult, CaseStatus};

/// One access matrix: a suite's cases with cells in one mode, principals down, endpoints across
/// — or, for a table much wider than it is tall (a sweep over an OpenAPI document), endpoints
/// down and principals across.
pub struct Table<'a> {
    pub mode: &'a str,
    /// Endpoints are the rows.
    pub transposed: bool,
    pub rows: Vec<&'a str>,
    pub columns: Vec<&'a str>,
    /// `cells[row][column]`: the case of that pair, if the suite has one.
    pub cells: Vec<Vec<Option<&'a CaseResult>>>,
}

impl Table<'_> {
    /// Cells that failed or errored.
    pub fn misses(&self) -> usize {
        self.cases()
            .filter(|c| matches!(c.status, CaseStatus::Failed | CaseStatus::Errored))
            .count()
    }

    fn cases(&self) -> impl Iterator<Item = &CaseResult> {
        self.cells.iter().flatten().flatten().copied()
    }

    pub fn headline(&self) -> String {
        let passed = self
            .cases()
            .filter(|c| c.status == CaseStatus::Passed)
            .count();
        let skipped = self
            .cases()
            .filter(|c| c.status == CaseStatus::Skipped)
            .count();
        let skipped = if skipped > 0 {
            format!(", {skipped} skipped")
        } else {
            String::new()
        };
        let (principals, endpoints) = if self.transposed {
            (self.columns.len(), self.rows.len())
        } else {
            (self.rows.len(), self.columns.len())
        };
        let shape = if self.transposed {
            format!("{endpoints} endpoints × {principals} principals")
        } else {
            format!("{principals} principals × {endpoints} endpoints")
        };
        format!(
            "access matrix [{}]: {shape}, {passed} as expected, {} not{skipped}",
            self.mode,
            self.misses()
        )
    }
}

/// The tables of `cases` (one suite's results), one per mode that has matrix cells, in order.
pub fn tables<'a>(cases: &[&'a CaseResult]) -> Vec<Table<'a>> {
    let mut out: Vec<Table<'a>> = Vec::new();
    for &case in cases {
        let Some(cell) = &case.cell else { continue };
        let at = match out.iter().position(|t| t.mode == case.mode) {
            Some(i) => i,
            None => {
                out.push(Table {
                    mode: &case.mode,
                    transposed: false,
                    rows: Vec::new(),
                    columns: Vec::new(),
                    cells: Vec::new(),
                });
                out.len() - 1
            }
        };
        let table = &mut out[at];
        let row = index_of(&mut table.rows, &cell.principal);
        let column = index_of(&mut table.columns, &cell.endpoint);
        let width = table.columns.len();
        table.cells.resize_with(table.rows.len(), Vec::new);
        for r in &mut table.cells {
            r.resize(width, None);
        }
        table.cells[row][column] = Some(case);
    }
    for table in &mut out {
        if table.columns.len() > TRANSPOSE_ABOVE && table.columns.len() > table.rows.len() {
            table.transpose();
        }
    }
    out
}

/// More endpoints than this, and more than principals: endpoints go down.
const TRANSPOSE_ABOVE: usize = 6;

impl Table<'_> {
    fn transpose(&mut self) {
        let mut cells = vec![vec![None; self.rows.len()]; self.columns.len()];
        for (r, row) in self.cells.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                cells[c][r] = *cell;
            }
        }
        std::mem::swap(&mut self.rows, &mut self.columns);
        self.cells = cells;
        self.transposed = !self.transposed;
    }
}

fn index_of<'a>(list: &mut Vec<&'a str>, name: &'a str) -> usize {
    list.iter().position(|n| *n == name).unwrap_or_else(|| {
        list.push(name);
        list.len() - 1
    })
}

/// The tables as text for the terminal report; empty when there are none.
pub fn render(cases: &[&CaseResult]) -> String {
    tables(cases).iter().map(text).collect()
}

fn text(table: &Table) -> String {
    let shown: Vec<Vec<String>> = table
        .cells
        .iter()
        .map(|row| {
            row.iter()
                .map(|c| c.map_or_else(String::new, cell_text))
                .collect()
        })
        .collect();
    let first_width = table
        .rows
        .iter()
        .map(|r| r.chars().count())
        .max()
        .unwrap_or(0);
    let widths: Vec<usize> = table
        .columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            shown
                .iter()
                .map(|row| row[i].chars().count())
                .chain([column.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |first: &str, cells: &[String]| {
        let mut l = format!("    {first:<first_width$}");
        for (cell, width) in cells.iter().zip(&widths) {
            l.push_str(&format!("  {cell:<width$}"));
        }
        l.trim_end().to_owned() + "\n"
    };
    let mut out = format!("  {}\n", table.headline());
    let header: Vec<String> = table.columns.iter().map(|c| c.to_string()).collect();
    out.push_str(&line("", &header));
    for (row, cells) in table.rows.iter().zip(&shown) {
        out.push_str(&line(row, cells));
    }
    out
}

/// `200`; `200≠403` where the expectation was missed; `error`, `skipped`.
pub fn cell_text(case: &CaseResult) -> String {
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
    use crate::level::Level;
    use crate::report::Cell;
    use crate::report::model::Mismatch;

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
    fn a_wide_table_has_its_endpoints_down() {
        let endpoints = ["a", "b", "c", "d", "e", "f", "g"];
        let cases: Vec<CaseResult> = ["none", "valid"]
            .iter()
            .flat_map(|p| {
                endpoints
                    .iter()
                    .map(move |e| at(p, e, 401, CaseStatus::Passed))
            })
            .collect();
        let refs: Vec<&CaseResult> = cases.iter().collect();
        let text = render(&refs);
        assert!(
            text.starts_with(
                "  access matrix [m]: 7 endpoints × 2 principals, 14 as expected, 0 not\n"
            ),
            "{text}"
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[1].split_whitespace().collect::<Vec<_>>(),
            ["none", "valid"]
        );
        assert_eq!(
            lines[2].split_whitespace().collect::<Vec<_>>(),
            ["a", "401", "401"]
        );
        assert_eq!(lines.len(), 2 + endpoints.len());
        // Six endpoints stay across.
        let narrow: Vec<&CaseResult> = refs
            .iter()
            .copied()
            .filter(|c| c.cell.as_ref().unwrap().endpoint != "g")
            .collect();
        assert!(render(&narrow).contains("2 principals × 6 endpoints"));
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
    fn tables_hold_each_case_at_its_cell_with_gaps_left_empty_and_modes_apart() {
        let mut other_mode = at("anonymous", "meta", 401, CaseStatus::Passed);
        other_mode.mode = "n".into();
        let cases = [
            at("anonymous", "meta", 401, CaseStatus::Passed),
            at("ian", "schema_create", 200, CaseStatus::Failed),
            other_mode,
        ];
        let refs: Vec<&CaseResult> = cases.iter().collect();
        let made = tables(&refs);
        assert_eq!(made.len(), 2);
        let t = &made[0];
        assert_eq!(
            (t.rows.clone(), t.columns.clone()),
            (vec!["anonymous", "ian"], vec!["meta", "schema_create"])
        );
        assert!(t.cells[0][1].is_none() && t.cells[1][0].is_none());
        assert_eq!(
            t.cells[1][1].map(|c| c.name.as_str()),
            Some("ian@schema_create")
        );
        assert_eq!(t.misses(), 1);
        assert!(
            t.headline().ends_with("1 as expected, 1 not"),
            "{}",
            t.headline()
        );
        let mut skipped = at("anonymous", "meta", 0, CaseStatus::Skipped);
        skipped.status_code = None;
        let only = [&skipped];
        assert!(
            tables(&only)[0]
                .headline()
                .ends_with("0 as expected, 0 not, 1 skipped"),
            "{}",
            tables(&only)[0].headline()
        );
        assert_eq!(made[1].mode, "n");
    }

    #[test]
    fn cases_without_cells_make_no_table() {
        let case = CaseResult::sample("plain", Level::Must, CaseStatus::Passed);
        assert_eq!(render(&[&case]), "");
    }
}
