//! Suite blocks that stand for many cases — the access matrix, the fuzz block and the
//! uniform-rejection group — written out as ordinary cases before validation, so every later stage sees plain cases. Pure.

use std::collections::BTreeMap;
use std::path::Path;

use super::model::{
    Auth, Case, Cell, Expect, Matrix, Principal, Request, Spanned, StatusSpec, Suite, Text, Uniform,
};
use crate::diagnostic::Diagnostic;
use crate::dialect::{Dialect, VerbClass};
use crate::level::Level;

mod probes;
use probes::{confusion_cases, fuzz_cases, sweep_cases};

/// Tag of the cases the matrix made.
pub const MATRIX_TAG: &str = "matrix";
/// Tag of the cases the uniform group made.
pub const UNIFORM_TAG: &str = "uniform";
/// Prefix of the names of the cases the uniform group made.
pub const UNIFORM_PREFIX: &str = "uniform:";
/// Tag and name prefix of the cases the fuzz block made.
pub const FUZZ_TAG: &str = "fuzz";
pub const FUZZ_PREFIX: &str = "fuzz:";
/// Tag and name prefix of the cases the confusion block made.
pub const CONFUSION_TAG: &str = "path-confusion";
pub const CONFUSION_PREFIX: &str = "confusion:";
/// Tag and name prefix of the cases the sweep block made.
pub const SWEEP_TAG: &str = "sweep";
pub const SWEEP_PREFIX: &str = "sweep:";

/// Appends the cases of `suite.matrix` and `suite.uniform` to `suite.cases`; the problems found,
/// in file order.
pub fn expand(suite: &mut Suite, path: &Path, text: &str) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut report = |at: &Text, message: String, hint: &str| {
        problems.push(
            Diagnostic::new(path, message)
                .at(text, at.referenced.line(), at.referenced.column())
                .hint(hint),
        );
    };
    if let Some(matrix) = suite.matrix.clone() {
        let cases = matrix_cases(&matrix, suite.dialect.value, &mut report);
        suite.cases.extend(cases);
    }
    if let Some(block) = suite.fuzz.clone() {
        suite.cases.extend(fuzz_cases(&block));
    }
    if let Some(block) = suite.sweep.clone() {
        suite.cases.extend(sweep_cases(&block));
    }
    if let Some(block) = suite.confusion.clone() {
        suite.cases.extend(confusion_cases(&block));
    }
    if let Some(uniform) = suite.uniform.clone() {
        let cases = uniform_cases(&uniform, &suite.cases, suite.sequential(), &mut report);
        suite.cases.extend(cases);
    }
    problems
}

type Report<'a> = dyn FnMut(&Text, String, &str) + 'a;

fn matrix_cases(matrix: &Matrix, dialect: Dialect, report: &mut Report) -> Vec<Case> {
    let principal_names: Vec<&str> = matrix
        .principals
        .iter()
        .map(|p| p.name.value.as_str())
        .collect();
    let roles: Vec<&str> = matrix
        .principals
        .iter()
        .filter_map(|p| p.role.as_deref())
        .collect();
    for key in matrix.rules.keys() {
        if !principal_names.contains(&key.as_str()) && !roles.contains(&key.as_str()) {
            report(
                &matrix.reference,
                format!("matrix rule {key:?} names no principal and no role"),
                "key `rules` by a principal's `name` or `role`",
            );
        }
    }
    for (principal, row) in &matrix.cells {
        if !principal_names.contains(&principal.as_str()) {
            report(
                &matrix.reference,
                format!("matrix cells name no principal {principal:?}"),
                "key `cells` by a principal's `name`",
            );
        }
        for endpoint in row.keys() {
            if !matrix.endpoints.iter().any(|e| &e.name.value == endpoint) {
                report(
                    &matrix.reference,
                    format!("matrix cells name no endpoint {endpoint:?}"),
                    "name an entry of the matrix's `endpoints`",
                );
            }
        }
    }
    // Each endpoint's verb class: the matrix's, else the profile's for that endpoint.
    let mut classes = Vec::new();
    for endpoint in &matrix.endpoints {
        let name = endpoint.endpoint.as_ref().unwrap_or(&endpoint.name);
        match endpoint
            .class
            .or_else(|| dialect.endpoint(&name.value).and_then(|e| e.class))
        {
            Some(class) => classes.push(class),
            None => {
                report(
                    &endpoint.name,
                    format!(
                        "matrix endpoint {:?} has no verb class",
                        endpoint.name.value
                    ),
                    "give it `class: read | write | delete`, or give the endpoint a `class` in the dialect's profile",
                );
                return Vec::new();
            }
        }
    }
    let mut cases = Vec::new();
    for principal in &matrix.principals {
        for (endpoint, &class) in matrix.endpoints.iter().zip(&classes) {
            let Some(status) = expected_status(matrix, principal, endpoint, class) else {
                report(
                    &principal.name,
                    format!(
                        "the matrix expects nothing of {:?} on {:?} ({})",
                        principal.name.value,
                        endpoint.name.value,
                        class.name()
                    ),
                    "add a rule for the principal or its role and this verb class, or a cell",
                );
                continue;
            };
            let defaulted_endpoint = (endpoint.path.is_none() && endpoint.endpoint.is_none())
                .then(|| endpoint.name.clone());
            let cell_name = format!("{}@{}", principal.name.value, endpoint.name.value);
            // A `must` matrix asserts security: each cell refuses (not 2xx) or accepts (2xx); the
            // exact code the rule names is checked by a `should` case beside it.
            let (status, exact) = match security_class(&status) {
                Some(class) if matrix.level.value == Level::Must => (class, Some(status)),
                _ => (status, None),
            };
            let case = Case {
                name: renamed(&principal.name, cell_name.clone()),
                level: matrix.level.clone(),
                reference: Some(matrix.reference.clone()),
                description: None,
                modes: None,
                tags: vec![MATRIX_TAG.to_owned()],
                issuer: None,
                wait: None,
                capture: BTreeMap::new(),
                request: Request {
                    endpoint: endpoint.endpoint.clone().or(defaulted_endpoint),
                    method: endpoint.method.clone(),
                    path: endpoint.path.clone(),
                    headers: BTreeMap::new(),
                    body: None,
                    json: endpoint.json.clone(),
                    auth: Some(principal.auth.clone().unwrap_or(Auth::None)),
                    tls: None,
                    variant: None,
                    raw: false,
                },
                expect: Expect {
                    status: Some(status),
                    ..Expect::default()
                },
                cell: Some(Cell {
                    principal: principal.name.value.clone(),
                    endpoint: endpoint.name.value.clone(),
                }),
                sweep: None,
            };
            if let Some(exact) = exact {
                let mut should = case.clone();
                should.name = renamed(&principal.name, format!("{cell_name}-status"));
                should.level = renamed(&matrix.level, Level::Should);
                should.expect.status = Some(exact);
                should.cell = None;
                cases.push(case);
                cases.push(should);
            } else {
                cases.push(case);
            }
        }
    }
    cases
}

/// `2xx` for a rule that names only 2xx codes, `not 2xx` for one that names none; `None` for a
/// class, a mixed list, or a status already written as a class.
fn security_class(status: &Spanned<StatusSpec>) -> Option<Spanned<StatusSpec>> {
    let codes: &[u16] = match &status.value {
        StatusSpec::Code(code) => std::slice::from_ref(code),
        StatusSpec::AnyOf(codes) => codes,
        StatusSpec::Class(_) => return None,
    };
    let accepted = codes.iter().filter(|c| (200..300).contains(*c)).count();
    let class = match accepted {
        0 => "not 2xx",
        n if n == codes.len() => "2xx",
        _ => return None,
    };
    Some(renamed(status, StatusSpec::Class(class.to_owned())))
}

/// A cell's own status, else the rule for the principal's name, else for its role.
fn expected_status(
    matrix: &Matrix,
    principal: &Principal,
    endpoint: &super::model::MatrixEndpoint,
    class: VerbClass,
) -> Option<Spanned<StatusSpec>> {
    let name = &principal.name.value;
    let rule = |key: &str| matrix.rules.get(key)?.get(&class).cloned();
    matrix
        .cells
        .get(name)
        .and_then(|row| row.get(&endpoint.name.value).cloned())
        .or_else(|| rule(name))
        .or_else(|| principal.role.as_deref().and_then(rule))
}

fn uniform_cases(
    uniform: &Uniform,
    cases: &[Case],
    sequential: bool,
    report: &mut Report,
) -> Vec<Case> {
    if sequential {
        report(
            &uniform.reference,
            "`uniform` cannot be used in a suite that changes or observes the issuer".into(),
            "put the rejection paths in a suite of their own without `issuer`, `wait`, `capture` or `fetches`",
        );
        return Vec::new();
    }
    if uniform.cases.len() < 2 {
        report(
            &uniform.reference,
            "`uniform` needs at least two cases to compare".into(),
            "list the suite's rejection paths by name: `cases: [missing, wrong-password, …]`",
        );
        return Vec::new();
    }
    let first = &uniform.cases[0];
    let mut out = Vec::new();
    for name in &uniform.cases {
        let Some(case) = cases.iter().find(|c| c.name.value == name.value) else {
            report(
                name,
                format!("`uniform` names no case: {:?}", name.value),
                "name cases of this suite",
            );
            continue;
        };
        if name.value == first.value {
            continue;
        }
        out.push(Case {
            name: renamed(name, format!("{UNIFORM_PREFIX}{}", name.value)),
            level: uniform.level.clone(),
            reference: Some(uniform.reference.clone()),
            description: Some(format!("answers exactly like {:?}", first.value)),
            modes: case.modes.clone(),
            tags: vec![UNIFORM_TAG.to_owned()],
            issuer: None,
            wait: None,
            capture: BTreeMap::new(),
            request: case.request.clone(),
            expect: Expect {
                indistinguishable_from: Some(first.clone()),
                ignore_headers: uniform.ignore_headers.clone(),
                ..Expect::default()
            },
            cell: None,
            sweep: None,
        });
    }
    out
}

/// `value` with the place of `at`, so problems with a generated case point at its source.
fn renamed<T, U>(at: &Spanned<T>, value: U) -> Spanned<U> {
    Spanned {
        value,
        referenced: at.referenced,
        defined: at.defined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load::parse_yaml;

    fn expanded(yaml: &str) -> (Suite, Vec<String>) {
        let mut suite: Suite = parse_yaml(Path::new("m.yaml"), yaml).expect("parses");
        let problems = expand(&mut suite, Path::new("m.yaml"), yaml)
            .into_iter()
            .map(|d| d.to_string())
            .collect();
        (suite, problems)
    }

    const MATRIX: &str = r#"
suite: m
dialect: weaviate
modes: [adminlist]
matrix:
  level: must
  ref: "weaviate.md#Admin list"
  endpoints:
    - {name: meta, class: read}
    - {name: schema_create, class: write}
  principals:
    - {name: anonymous}
    - {name: jane, role: admin, auth: {bearer: jane-key}}
    - {name: ian, role: read-only, auth: {bearer: ian-key}}
  rules:
    anonymous: {read: 401, write: 401}
    admin: {read: 200, write: 200}
    read-only: {read: 200, write: 403}
  cells:
    jane: {meta: [200, 204]}
"#;

    #[test]
    fn the_matrix_becomes_one_case_per_pair_in_row_order() {
        let (suite, problems) = expanded(&MATRIX.replace("level: must", "level: should"));
        assert!(problems.is_empty(), "{problems:?}");
        let names: Vec<&str> = suite.cases.iter().map(|c| c.name.value.as_str()).collect();
        assert_eq!(
            names,
            [
                "anonymous@meta",
                "anonymous@schema_create",
                "jane@meta",
                "jane@schema_create",
                "ian@meta",
                "ian@schema_create"
            ]
        );
        let status =
            |i: usize| format!("{:?}", suite.cases[i].expect.status.as_ref().unwrap().value);
        assert_eq!(status(1), "Code(401)");
        assert_eq!(status(2), "AnyOf([200, 204])", "a cell overrides the rule");
        assert_eq!(status(5), "Code(403)", "the role's rule applies");
        assert!(matches!(suite.cases[0].request.auth, Some(Auth::None)));
        assert_eq!(
            suite.cases[3].request.endpoint.as_ref().unwrap().value,
            "schema_create"
        );
        assert_eq!(suite.cases[5].cell.as_ref().unwrap().principal, "ian");
    }

    #[test]
    fn a_must_matrix_asserts_the_class_and_leaves_the_code_to_a_should_case() {
        let (suite, problems) = expanded(MATRIX);
        assert!(problems.is_empty(), "{problems:?}");
        let cases: Vec<(&str, Level, String)> = suite
            .cases
            .iter()
            .map(|c| {
                let status = c.expect.status.as_ref().unwrap();
                (
                    c.name.value.as_str(),
                    c.level.value,
                    format!("{:?}", status.value),
                )
            })
            .collect();
        assert_eq!(cases.len(), 12, "{cases:?}");
        assert_eq!(
            cases[2],
            (
                "anonymous@schema_create",
                Level::Must,
                "Class(\"not 2xx\")".into()
            )
        );
        assert_eq!(
            cases[3],
            (
                "anonymous@schema_create-status",
                Level::Should,
                "Code(401)".into()
            )
        );
        assert_eq!(
            cases[4],
            ("jane@meta", Level::Must, "Class(\"2xx\")".into())
        );
        assert_eq!(
            cases[5],
            (
                "jane@meta-status",
                Level::Should,
                "AnyOf([200, 204])".into()
            )
        );
        assert!(suite.cases[4].cell.is_some() && suite.cases[5].cell.is_none());
    }

    #[test]
    fn a_pair_without_a_rule_or_a_misnamed_key_is_reported() {
        let yaml = MATRIX.replace(
            "    read-only: {read: 200, write: 403}\n",
            "    reader: {read: 200}\n",
        );
        let (_, problems) = expanded(&yaml);
        let text = problems.join("\n");
        assert!(
            text.contains(r#"matrix rule "reader" names no principal and no role"#),
            "{text}"
        );
        assert!(
            text.contains(r#"expects nothing of "ian" on "meta" (read)"#),
            "{text}"
        );
    }

    const UNIFORM: &str = r#"
suite: u
dialect: chroma
modes: [basic]
uniform:
  level: should
  ref: "chroma.md#Versions"
  cases: [missing, wrong]
  ignore_headers: [x-request-id]
cases:
  - name: missing
    level: must
    ref: x
    request: {endpoint: identity}
    expect: {status: 403}
  - name: wrong
    level: must
    ref: x
    request: {endpoint: identity, auth: {basic: {user: admin, password: nope}}}
    expect: {status: 403}
"#;

    #[test]
    fn the_uniform_group_compares_each_path_with_the_first() {
        let (suite, problems) = expanded(UNIFORM);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(suite.cases.len(), 3);
        let made = &suite.cases[2];
        assert_eq!(made.name.value, "uniform:wrong");
        assert_eq!(
            made.expect.indistinguishable_from.as_ref().unwrap().value,
            "missing"
        );
        assert_eq!(made.expect.ignore_headers, ["x-request-id"]);
        assert!(made.expect.status.is_none());
        assert!(matches!(made.request.auth, Some(Auth::Basic(_))));
    }

    #[test]
    fn a_uniform_group_naming_an_unknown_case_is_reported() {
        let (_, problems) = expanded(&UNIFORM.replace("[missing, wrong]", "[missing, absent]"));
        assert!(
            problems[0].contains(r#"`uniform` names no case: "absent""#),
            "{problems:?}"
        );
    }
}
