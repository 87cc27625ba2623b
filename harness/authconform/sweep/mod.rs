//! Endpoint sweeps: every operation of the target's OpenAPI document × the credentials of a
//! suite's `sweep` block (docs/sweep.md). The document is read once its server is up; each planned
//! sweep case (a row: no credentials, wrong ones, valid ones…) becomes one case per operation
//! here. Pure: the caller fetches the document.

pub use crate::openapi;

pub use crate::launch::{DocumentSource, SweepPolicy, SweepSettings};
use crate::level::Level;
use crate::plan::{PlannedCase, StatusCheck};
use crate::scenario::model::Cell;
pub use openapi::{OpenApiError, Operation, Samples};

impl SweepPolicy<'_> {
    fn public(&self, op: &Operation) -> bool {
        op.public_by_document
            || self
                .public_paths
                .iter()
                .any(|p| *p == op.path || *p == op.template)
    }

    fn destructive(&self, op: &Operation) -> bool {
        op.destructive
            || self
                .settings
                .destructive_names
                .iter()
                .any(|n| op.is_named(n))
    }
}

/// Each sweep row of `templates` sent to every operation, row by row: on a protected
/// operation refused credentials must not get 2xx and accepted ones not 401/403 (at the block's
/// level); on a public one no credential may be refused (`should`). Destructive operations are
/// planned as skipped unless the target allows them.
pub fn expand(
    templates: &[PlannedCase],
    operations: &[Operation],
    policy: &SweepPolicy,
) -> Vec<PlannedCase> {
    let mut out = Vec::new();
    // Row by row, so that the table's rows come in the block's order.
    for template in templates {
        for op in operations {
            let public = policy.public(op);
            let skip =
                (policy.destructive(op) && !policy.settings.destructive_allowed).then(|| {
                    "destroys data: not sent unless the target file says `destructive: allowed`"
                        .to_owned()
                });
            let Some(role) = &template.sweep else {
                continue;
            };
            // A public operation may refuse credentials that are wrong (Weaviate does, RFC 9110
            // lets it): only no credentials and valid ones are asserted there.
            let sends_credentials = template.request.jwt.is_some()
                || template
                    .request
                    .headers
                    .iter()
                    .any(|(n, _)| is_credential_header(n))
                || template.request.path.starts_with('?');
            if public && !role.accepted && sends_credentials {
                continue;
            }
            let mut case = template.clone();
            let label = op.label();
            case.endpoint = Some(label.clone());
            case.cell = Some(Cell {
                principal: role.principal.clone(),
                endpoint: label,
            });
            case.request.method = op.method.clone();
            // A query the credentials travel in (`?api_key=…`) joins the operation's own.
            case.request.path = match template.request.path.strip_prefix('?') {
                Some(query) if op.path.contains('?') => format!("{}&{query}", op.path),
                Some(query) => format!("{}?{query}", op.path),
                None => op.path.clone(),
            };
            if let Some(body) = &op.body {
                case.request.body = Some(body.to_string().into_bytes());
                if !case
                    .request
                    .headers
                    .iter()
                    .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
                {
                    case.request
                        .headers
                        .push(("Content-Type".into(), b"application/json".to_vec()));
                }
            }
            let (level, status) = match (public, role.accepted) {
                (true, _) => (
                    template.level.max(Level::Should),
                    StatusCheck::NoneOf(vec![401, 403]),
                ),
                (false, true) => (template.level, StatusCheck::NoneOf(vec![401, 403])),
                (false, false) => (template.level, StatusCheck::NotClass(2)),
            };
            case.level = level;
            case.expect.status = Some(status);
            case.skip = skip.clone();
            out.push(case);
        }
    }
    out
}

/// A header that carries credentials: `Authorization`, or one a token mode sends (`X-Chroma-Token`,
/// `api-key`…) — anything but the body's `Content-Type` and `Accept`.
fn is_credential_header(name: &str) -> bool {
    !["content-type", "accept"]
        .iter()
        .any(|h| name.eq_ignore_ascii_case(h))
}

/// A planned sweep row whose document could not be had: errored, with why.
pub fn unreadable(template: &PlannedCase, source: &DocumentSource, why: &str) -> PlannedCase {
    let mut case = template.clone();
    case.error = Some(format!(
        "cannot read the OpenAPI document ({source}): {why}"
    ));
    case
}

#[cfg(test)]
mod tests;
