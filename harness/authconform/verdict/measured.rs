//! The expectations judged on many requests: a timing case's latencies (the box test) and a fuzz
//! case's generated values.

use super::box_test::{BoxVerdict, Decision, MIN_SHIFT_MS, QUANTILE, alike_margin, box_test};
use super::outcome::Answer;
use super::shown::mismatch;
use crate::live_fuzz::paste_case;
use crate::plan::{Expectation, PlannedFuzz, PlannedTiming};
use crate::report::model::Mismatch;

/// A timing case fails when the box test tells its latencies apart from its `like` case's.
pub fn check_timing(timing: &PlannedTiming, answer: &Answer) -> Option<Mismatch> {
    let expected = format!(
        "latency like {} (fastest {:.0}% within {MIN_SHIFT_MS} ms, box test)",
        timing.like_name,
        QUANTILE * 100.0
    );
    match &answer.timing {
        None => Some(mismatch("timing", expected, "not measured")),
        Some((own, like)) => {
            let v = box_test(own, like);
            (v.decision == Decision::Differ).then(|| mismatch("timing", expected, figures(&v)))
        }
    }
}

/// A fuzz case fails on the first generated value that opened, broke or hung the endpoint, with a
/// case to paste that replays it.
pub fn check_fuzz(plan: &PlannedFuzz, answer: &Answer) -> Option<Mismatch> {
    let expected = format!(
        "no 2xx, no 5xx and an answer for each of {} generated values",
        plan.cases
    );
    let Some(result) = &answer.fuzz else {
        return Some(mismatch("fuzz", expected, "not run"));
    };
    let f = result.failure.as_ref()?;
    let replay = paste_case(plan.input, &plan.endpoint, &plan.reference, f);
    Some(mismatch(
        "fuzz",
        expected,
        format!(
            "{} for {:?} after {}; replay it with:\n{replay}",
            f.what,
            f.value,
            result.summary()
        ),
    ))
}

/// The box test's figures: each fast end with its interval, and the samples drawn.
fn figures(v: &BoxVerdict) -> String {
    format!(
        "fastest {:.0}%: {:.2} ms [{:.2}–{:.2}] vs {:.2} ms [{:.2}–{:.2}] over {}+{} samples",
        QUANTILE * 100.0,
        v.a.estimate,
        v.a.low,
        v.a.high,
        v.b.estimate,
        v.b.low,
        v.b.high,
        v.samples.0,
        v.samples.1
    )
}

/// Why a timing case that found no difference is not a pass either: its samples neither told the
/// requests apart nor showed them alike (within [`alike_margin`]) before the budget ran out.
pub fn timing_inconclusive(expect: &Expectation, answer: &Answer) -> Option<String> {
    expect.timing.as_ref()?;
    let (own, like) = answer.timing.as_ref()?;
    let v = box_test(own, like);
    (v.decision == Decision::Inconclusive).then(|| {
        format!(
            "timing inconclusive: {} — not apart by {MIN_SHIFT_MS} ms, not alike within \
             {:.2} ms; more `samples` or a quieter machine would decide",
            figures(&v),
            alike_margin(&v.a, &v.b)
        )
    })
}
