//! Telling two latency distributions apart by their fast ends: the box test of Crosby, Wallach
//! and Riedi ("Opportunities and limits of remote timing attacks", ACM TISSEC 2009). Jitter on a
//! loaded machine only ever adds latency, so the low quantiles of a sample move with the server's
//! own work and hardly with the noise. Each sample's low quantile gets a distribution-free
//! confidence interval from its order statistics; the samples differ when the intervals are apart
//! by more than [`MIN_SHIFT_MS`], are alike when every shift the intervals allow is within
//! [`ALIKE_MARGIN_MS`] (or [`ALIKE_RELATIVE`] of the fast end), and otherwise the evidence is not enough yet.
//!
//! [`Sequential`] draws pairs in rounds and looks after each round, so a clear case stops early and
//! an unclear one uses the whole budget and ends [`Decision::Inconclusive`] — never a silent pass.
//! Pure: `tests` calibrate it on synthetic distributions (docs/scenario-format.md, Timing, has the figures).

/// The quantile compared: the fastest tenth.
pub const QUANTILE: f64 = 0.1;
/// Normal quantile for each interval's coverage (two-sided 99.9 %).
pub const Z: f64 = 3.29;
/// Intervals apart by less than this are not a leak, however sure (scheduling granularity).
pub const MIN_SHIFT_MS: f64 = 0.5;
/// Samples whose intervals allow no shift larger than this are alike…
pub const ALIKE_MARGIN_MS: f64 = 2.0;
/// …or than this share of the faster fast end (a 100 ms PBKDF2 check wobbles by 10 ms and more).
pub const ALIKE_RELATIVE: f64 = 0.2;
/// Pairs drawn between two looks.
pub const ROUND: usize = 10;
/// No look before this many pairs.
pub const FIRST_LOOK: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The fast ends are apart: the latency tells the two requests apart.
    Differ,
    /// The fast ends agree to within [`ALIKE_MARGIN_MS`].
    Alike,
    /// Neither, within the samples there are.
    Inconclusive,
}

/// The decision and the figures behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct BoxVerdict {
    pub decision: Decision,
    /// The low quantile of each sample and its confidence interval, in ms.
    pub a: QuantileBox,
    pub b: QuantileBox,
    pub samples: (usize, usize),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuantileBox {
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
}

/// The [`QUANTILE`] of `sorted` with its order-statistic interval: ranks `n·q ∓ Z·√(n·q·(1−q))`
/// (the normal approximation of the binomial count below the quantile), clamped to the sample.
fn quantile_box(sorted: &[f64]) -> QuantileBox {
    let n = sorted.len();
    if n == 0 {
        return QuantileBox {
            estimate: f64::NAN,
            low: f64::NEG_INFINITY,
            high: f64::INFINITY,
        };
    }
    let nf = n as f64;
    let centre = nf * QUANTILE;
    let spread = Z * (nf * QUANTILE * (1.0 - QUANTILE)).sqrt();
    let rank = |r: f64| (r.floor().max(0.0) as usize).min(n - 1);
    QuantileBox {
        estimate: sorted[rank(centre)],
        low: sorted[rank(centre - spread)],
        high: sorted[rank((centre + spread).ceil())],
    }
}

fn sorted(values: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v
}

/// The largest shift that still counts as alike for these fast ends, in ms.
pub fn alike_margin(a: &QuantileBox, b: &QuantileBox) -> f64 {
    ALIKE_MARGIN_MS.max(ALIKE_RELATIVE * a.estimate.min(b.estimate))
}

/// Compares two latency samples (ms) by their fast ends.
pub fn box_test(a_ms: &[f64], b_ms: &[f64]) -> BoxVerdict {
    let (a, b) = (quantile_box(&sorted(a_ms)), quantile_box(&sorted(b_ms)));
    let apart = (b.low - a.high).max(a.low - b.high);
    let widest_shift = (b.high - a.low).max(a.high - b.low);
    let decision = if apart > MIN_SHIFT_MS {
        Decision::Differ
    } else if widest_shift < alike_margin(&a, &b) {
        Decision::Alike
    } else {
        Decision::Inconclusive
    };
    BoxVerdict {
        decision,
        a,
        b,
        samples: (a_ms.len(), b_ms.len()),
    }
}

/// Samples drawn pair by pair, looked at after each round until the decision is clear or the
/// budget of `max_pairs` is spent.
#[derive(Debug, Default)]
pub struct Sequential {
    pub a: Vec<f64>,
    pub b: Vec<f64>,
    max_pairs: usize,
}

impl Sequential {
    pub fn new(max_pairs: usize) -> Sequential {
        Sequential {
            a: Vec::new(),
            b: Vec::new(),
            max_pairs,
        }
    }

    /// Adds one pair; `Some` once the test has decided (or the budget is spent).
    pub fn push(&mut self, a_ms: f64, b_ms: f64) -> Option<BoxVerdict> {
        self.a.push(a_ms);
        self.b.push(b_ms);
        let n = self.a.len();
        let look = n >= FIRST_LOOK && (n - FIRST_LOOK).is_multiple_of(ROUND);
        if !look && n < self.max_pairs {
            return None;
        }
        let verdict = box_test(&self.a, &self.b);
        (verdict.decision != Decision::Inconclusive || n >= self.max_pairs).then_some(verdict)
    }

    /// The verdict on what was drawn, when the time ran out before a decision.
    pub fn verdict(&self) -> BoxVerdict {
        box_test(&self.a, &self.b)
    }

    pub fn pairs(&self) -> usize {
        self.a.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SplitMix64: a seeded, reproducible stream for synthetic latencies (not for secrets).
    struct Stream(u64);
    impl Stream {
        fn next_f64(&mut self) -> f64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^= z >> 31;
            (z >> 11) as f64 / (1u64 << 53) as f64
        }
        /// Uniform jitter of 1–5 ms.
        fn uniform(&mut self) -> f64 {
            1.0 + 4.0 * self.next_f64()
        }
        /// Long-tailed jitter: 1 ms plus a Pareto tail (shape 1.5, scale 0.5 ms), capped at 1 s.
        fn long_tailed(&mut self) -> f64 {
            let u = self.next_f64().max(1e-12);
            (1.0 + 0.5 * (u.powf(-1.0 / 1.5) - 1.0)).min(1000.0)
        }
    }

    /// The share of `runs` sequential tests that decide `Differ`, with server work `base` ms for
    /// one request and `base + shift` for the other, under `jitter`.
    fn differ_rate(
        shift: f64,
        runs: u32,
        max_pairs: usize,
        seed: u64,
        jitter: fn(&mut Stream) -> f64,
    ) -> f64 {
        let mut stream = Stream(seed);
        let mut differ = 0;
        for _ in 0..runs {
            let mut test = Sequential::new(max_pairs);
            let verdict = loop {
                let a = 3.0 + jitter(&mut stream);
                let b = 3.0 + shift + jitter(&mut stream);
                if let Some(v) = test.push(a, b) {
                    break v;
                }
            };
            differ += u32::from(verdict.decision == Decision::Differ);
        }
        f64::from(differ) / f64::from(runs)
    }

    /// Detection rate against the shift Δ, printed for docs/scenario-format.md (Timing) (`cargo test calibration
    /// -- --nocapture`): 200 runs per Δ, at most 100 pairs per run, as the suites sample.
    fn curve(name: &str, seed: u64, jitter: fn(&mut Stream) -> f64) -> Vec<(f64, f64)> {
        let shifts = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0];
        let rates: Vec<(f64, f64)> = shifts
            .iter()
            .enumerate()
            .map(|(i, &d)| (d, differ_rate(d, 200, 100, seed + i as u64, jitter)))
            .collect();
        let line: Vec<String> = rates
            .iter()
            .map(|(d, r)| format!("Δ={d} ms: {:.1}%", r * 100.0))
            .collect();
        eprintln!("{name}: {}", line.join(", "));
        rates
    }

    #[test]
    fn calibration_on_uniform_jitter() {
        let rates = curve("uniform 1–5 ms", 1, Stream::uniform);
        assert!(rates[4].1 >= 0.95, "2 ms under 1–5 ms jitter: {rates:?}");
        assert!(rates[0].1 <= 0.01, "false alarms at Δ = 0: {rates:?}");
    }

    #[test]
    fn calibration_on_long_tailed_jitter() {
        let rates = curve("1 ms + Pareto(1.5, 0.5 ms)", 11, Stream::long_tailed);
        assert!(
            rates[4].1 >= 0.95,
            "2 ms under long-tailed jitter: {rates:?}"
        );
        assert!(rates[0].1 <= 0.01, "false alarms at Δ = 0: {rates:?}");
    }

    #[test]
    fn a_quiet_server_is_alike_early_and_a_noisy_one_is_never_a_pass() {
        let quiet: Vec<f64> = (0..20).map(|i| 1.0 + f64::from(i % 5) * 0.01).collect();
        let mut test = Sequential::new(100);
        let mut verdict = None;
        for (a, b) in quiet.iter().zip(&quiet) {
            verdict = test.push(*a, *b);
        }
        assert_eq!(verdict.map(|v| v.decision), Some(Decision::Alike));
        assert_eq!(test.pairs(), FIRST_LOOK, "decided at the first look");

        let mut stream = Stream(9);
        let mut test = Sequential::new(30);
        let verdict = loop {
            let (a, b) = (
                1.0 + 40.0 * stream.next_f64(),
                1.0 + 40.0 * stream.next_f64(),
            );
            if let Some(v) = test.push(a, b) {
                break v;
            }
        };
        assert_eq!(verdict.decision, Decision::Inconclusive, "{verdict:?}");
        assert_eq!(test.pairs(), 30, "the whole budget was used");
    }

    #[test]
    fn tiny_but_certain_shifts_are_not_leaks() {
        let a: Vec<f64> = (0..200).map(|i| 1.0 + f64::from(i) * 1e-4).collect();
        let b: Vec<f64> = a.iter().map(|v| v + 0.2).collect();
        assert_ne!(box_test(&a, &b).decision, Decision::Differ);
        let far: Vec<f64> = a.iter().map(|v| v + 3.0).collect();
        let v = box_test(&a, &far);
        assert_eq!(v.decision, Decision::Differ, "{v:?}");
        assert!(v.b.low > v.a.high);
    }
}
