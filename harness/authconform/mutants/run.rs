//! Running the mutation test: the suites of each dialect against the sound embedded server, then
//! against it with one flaw at a time, and which cases each flaw turned from pass to fail.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use super::{MutantsReport, catches, flaw_result, summarize};
use crate::dialect::Dialect;
use crate::exec::prepare::{RecordingEnv, needs_issuer, prepare};
use crate::exec::runner::{RunOptions, run};
use crate::issuer::{Issuer, IssuerError};
use crate::jwt::{JwtError, KeyRing};
use crate::launch::Target;
use crate::level::Gate;
use crate::reference::flaws::{Flaw, Flaws};
use crate::report::CaseResult;
use crate::scenario::diagnostic::Diagnostics;
use crate::scenario::load::LoadedSuite;

/// Why the mutation test could not run.
#[derive(Debug, thiserror::Error)]
pub enum MutantsError {
    #[error(transparent)]
    Keys(#[from] JwtError),
    #[error(transparent)]
    Issuer(#[from] IssuerError),
    /// The suites do not plan against the embedded server.
    #[error("{0}")]
    Plan(Diagnostics),
}

/// Each flaw of `flaws` against the suites of the dialects it applies to. `progress` is told
/// each flaw as it starts (index, count, flaw).
pub async fn measure(
    suites: Vec<LoadedSuite>,
    flaws: &[Flaw],
    min_independent: usize,
    progress: &(dyn Fn(usize, usize, Flaw) + Sync),
) -> Result<MutantsReport, MutantsError> {
    let mut by_dialect: BTreeMap<Dialect, Vec<LoadedSuite>> = BTreeMap::new();
    for suite in suites {
        by_dialect
            .entry(suite.suite.dialect.value)
            .or_default()
            .push(suite);
    }
    let keys = Arc::new(
        tokio::task::spawn_blocking(KeyRing::generate)
            .await
            .map_err(|e| JwtError::Key(format!("key generation stopped: {e}")))??,
    );
    let mut baseline: BTreeMap<Dialect, Vec<CaseResult>> = BTreeMap::new();
    for (dialect, suites) in &by_dialect {
        let cases = run_suites(suites, Target::embedded(), &keys).await?;
        baseline.insert(*dialect, cases);
    }
    let mut results = Vec::new();
    for (i, flaw) in flaws.iter().enumerate() {
        progress(i, flaws.len(), *flaw);
        let mut caught_by = Vec::new();
        for (dialect, suites) in &by_dialect {
            if !flaw.applies_to(dialect.name()) {
                continue;
            }
            let target = Target::embedded_with_flaws(Flaws::new(&[*flaw]));
            let flawed = run_suites(suites, target, &keys).await?;
            caught_by.extend(catches(&baseline[dialect], &flawed));
        }
        results.push(flaw_result(*flaw, caught_by));
    }
    Ok(summarize(results, min_independent))
}

/// The suites against `target`, as a normal run would go, quietly.
async fn run_suites(
    suites: &[LoadedSuite],
    target: Target,
    keys: &Arc<KeyRing>,
) -> Result<Vec<CaseResult>, MutantsError> {
    let issuer = if needs_issuer(suites) {
        Some(Issuer::start(keys.clone(), 0).await?)
    } else {
        None
    };
    let env = RecordingEnv::default();
    let prepared = prepare(suites, &target, &env, issuer).map_err(MutantsError::Plan)?;
    let options = RunOptions {
        jobs: std::thread::available_parallelism().map_or(2, |n| n.get()),
        case_timeout: Duration::from_secs(10),
        deadline: Duration::from_secs(600),
        gate: Gate::default(),
        progress: false,
    };
    Ok(run(suites, &target, prepared, &options, &env).await.cases)
}
