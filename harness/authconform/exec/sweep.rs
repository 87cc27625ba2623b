//! A sweep's document, read once its server is up: fetched from the server (no credentials, no
//! redirect, bounded in size and time) or read from a file; then the sweep rows of a group become
//! one case per operation (`crate::sweep::expand`).

use std::time::Duration;

use super::client::{MAX_BODY_BYTES, build_tls_client, send};
use crate::dialect::Dialect;
use crate::launch::Target;
use crate::plan::{HttpRequest, PlannedCase};
use crate::provision::pki::TlsLab;
use crate::sweep::{self, DocumentSource, Samples};

/// `cases` with its sweep rows (planned last) replaced by one case per operation of the target's
/// document; rows whose document cannot be had are kept, errored with why.
pub(super) async fn expand_rows(
    mut cases: Vec<PlannedCase>,
    target: &Target,
    dialect: Dialect,
    base_url: &str,
    timeout: Duration,
    lab: Option<&TlsLab>,
) -> Vec<PlannedCase> {
    let Some(first) = cases.iter().position(|c| c.sweep.is_some()) else {
        return cases;
    };
    let rows = cases.split_off(first);
    let Some(source) = target.openapi_document(dialect) else {
        return cases; // group_modes skipped the suite
    };
    let text = match &source {
        DocumentSource::File(path) => {
            crate::scenario::load::read_input_text(path, MAX_BODY_BYTES as u64)
                .map_err(|e| e.to_string())
        }
        DocumentSource::Served(path) => fetch(&rows[0], base_url, path, timeout, lab).await,
    };
    let settings_values = target.sweep_path_values();
    let samples = Samples {
        given: &settings_values,
        uuid: random_uuid(),
    };
    match text.and_then(|t| sweep::openapi::operations(&t, &samples).map_err(|e| e.to_string())) {
        Ok(operations) => {
            let policy = target.sweep_policy(dialect);
            cases.extend(sweep::expand(&rows, &operations, &policy));
        }
        Err(why) => cases.extend(rows.iter().map(|r| sweep::unreadable(r, &source, &why))),
    }
    cases
}

async fn fetch(
    row: &PlannedCase,
    base_url: &str,
    path: &str,
    timeout: Duration,
    lab: Option<&TlsLab>,
) -> Result<String, String> {
    let client = build_tls_client(timeout, &row.tls, lab).map_err(|e| e.to_string())?;
    let request = HttpRequest {
        method: "GET".into(),
        path: path.to_owned(),
        headers: vec![("Accept".into(), b"application/json".to_vec())],
        body: None,
        jwt: None,
        raw: false,
    };
    let answer = tokio::time::timeout(timeout, send(&client, base_url, &request))
        .await
        .map_err(|_| format!("no answer within {}s", timeout.as_secs_f32()))?
        .map_err(|e| e.to_string())?;
    if !(200..300).contains(&answer.status) {
        return Err(format!(
            "GET {path} answered {} without credentials (the document must be public, or a file)",
            answer.status
        ));
    }
    if answer.body.len() >= MAX_BODY_BYTES {
        return Err(format!("larger than {} MiB", MAX_BODY_BYTES >> 20));
    }
    String::from_utf8(answer.body).map_err(|_| "not UTF-8".to_owned())
}

/// A version 4 UUID from the system's random source: sample ids that name nothing real.
fn random_uuid() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("the operating system's random source is available");
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn uuid_is_version_4() {
        let u = super::random_uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"), "{u}");
        assert_ne!(u, super::random_uuid());
    }
}
