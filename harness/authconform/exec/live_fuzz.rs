//! A fuzz case on the wire: proptest generates values of the case's input kind, each is sent to
//! the case's endpoint in its header, and any 2xx, 5xx or missing answer fails; proptest then
//! shrinks the failing value, one request per step, within the shrink budget.

use std::time::{Duration, Instant};

use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

use super::client::send;
use super::sending::Sending;
use crate::live_fuzz::strategies::strategy;
use crate::live_fuzz::{FuzzFailure, FuzzResult, MAX_SHRINK_REQUESTS, seed_bytes};
use crate::plan::PlannedFuzz;

/// Runs the fuzz case until its value count, its time budget or `deadline`, whichever comes first.
pub(super) async fn fuzz(sending: Sending, plan: &PlannedFuzz, deadline: Instant) -> FuzzResult {
    let seed = plan.seed.unwrap_or_else(random_seed);
    let until = (Instant::now() + plan.within).min(deadline);
    let input = plan.input;
    let cases = plan.cases;
    let handle = tokio::runtime::Handle::current();
    let joined = tokio::task::spawn_blocking(move || {
        let config = Config {
            cases,
            max_shrink_iters: MAX_SHRINK_REQUESTS,
            max_shrink_time: shrink_millis(until),
            failure_persistence: None,
            ..Config::default()
        };
        let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes(seed));
        let mut runner = TestRunner::new_with_rng(config, rng);
        let runs = std::cell::Cell::new(0u32);
        let shrink_steps = std::cell::Cell::new(0u32);
        let failed = std::cell::Cell::new(false);
        // Whether the last failing value was let in (the value proptest reports is the last one
        // that failed while shrinking).
        let opened = std::cell::Cell::new(false);
        let truncated = std::cell::Cell::new(false);
        let outcome = runner.run(&strategy(input), |value| {
            if Instant::now() >= until {
                truncated.set(true);
                return Ok(());
            }
            if failed.get() {
                shrink_steps.set(shrink_steps.get() + 1);
            } else {
                runs.set(runs.get() + 1);
            }
            let (name, sent) = input.header(&value);
            let mut request = sending.request.clone();
            request.headers.push((name.to_owned(), sent.into_bytes()));
            let left = until
                .saturating_duration_since(Instant::now())
                .min(sending.timeout);
            let answered = handle.block_on(async {
                tokio::time::timeout(left, send(&sending.client, &sending.base_url, &request)).await
            });
            let let_in = matches!(&answered, Ok(Ok(a)) if (200..300).contains(&a.status));
            let verdict = match answered {
                Err(_) => Err(TestCaseError::fail(format!(
                    "no answer within {:.1}s",
                    left.as_secs_f32()
                ))),
                Ok(Err(e)) => Err(TestCaseError::fail(format!("no answer: {e}"))),
                Ok(Ok(a)) if (200..300).contains(&a.status) => Err(TestCaseError::fail(format!(
                    "answered {} (opened)",
                    a.status
                ))),
                Ok(Ok(a)) if a.status >= 500 => Err(TestCaseError::fail(format!(
                    "answered {} (broke)",
                    a.status
                ))),
                Ok(Ok(_)) => Ok(()),
            };
            if verdict.is_err() {
                failed.set(true);
                opened.set(let_in);
            }
            verdict
        });
        let failure = match outcome {
            Ok(()) => None,
            Err(TestError::Fail(why, value)) => Some(FuzzFailure {
                value,
                what: why.message().to_owned(),
                shrink_steps: shrink_steps.get(),
                opened: opened.get(),
            }),
            Err(TestError::Abort(why)) => Some(FuzzFailure {
                value: String::new(),
                what: format!("the fuzzer stopped: {}", why.message()),
                shrink_steps: shrink_steps.get(),
                opened: false,
            }),
        };
        (runs.get(), truncated.get(), failure)
    });
    let (runs, truncated, failure) = joined.await.unwrap_or_else(|e| {
        (
            0,
            false,
            Some(FuzzFailure {
                value: String::new(),
                what: format!("the fuzzer stopped: {e}"),
                shrink_steps: 0,
                opened: false,
            }),
        )
    });
    FuzzResult {
        input,
        seed,
        runs,
        truncated,
        failure,
    }
}

/// Shrinking may use what is left of the budget, but at least a second.
fn shrink_millis(until: Instant) -> u32 {
    let left = until.saturating_duration_since(Instant::now());
    left.max(Duration::from_secs(1))
        .as_millis()
        .min(u128::from(u32::MAX)) as u32
}

fn random_seed() -> u64 {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        return std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0x5eed, |d| d.as_nanos() as u64);
    }
    u64::from_le_bytes(bytes)
}
