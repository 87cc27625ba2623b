//! The statistics of the `timing` expectation: medians and the Mann–Whitney U test (two-sided,
//! normal approximation with tie correction), which assumes nothing about the shape of latency
//! distributions. Pure.

/// The median of `values` (0 for none).
pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    }
}

/// The two-sided p-value of the Mann–Whitney U test that `a` and `b` come from one distribution.
pub fn mann_whitney_p(a: &[f64], b: &[f64]) -> f64 {
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    if a.is_empty() || b.is_empty() {
        return 1.0;
    }
    let mut all: Vec<(f64, bool)> = a
        .iter()
        .map(|v| (*v, true))
        .chain(b.iter().map(|v| (*v, false)))
        .collect();
    all.sort_by(|x, y| x.0.total_cmp(&y.0));
    // Ranks with ties averaged; the tie term corrects the variance.
    let mut rank_sum_a = 0.0;
    let mut tie_term = 0.0;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j + 1 < all.len() && all[j + 1].0 == all[i].0 {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        let tied = (j - i + 1) as f64;
        tie_term += tied * tied * tied - tied;
        rank_sum_a += all[i..=j].iter().filter(|(_, from_a)| *from_a).count() as f64 * rank;
        i = j + 1;
    }
    let u = rank_sum_a - n1 * (n1 + 1.0) / 2.0;
    let n = n1 + n2;
    let mean = n1 * n2 / 2.0;
    let variance = n1 * n2 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)));
    if variance <= 0.0 {
        return 1.0;
    }
    let z = ((u - mean).abs() - 0.5).max(0.0) / variance.sqrt();
    (2.0 * normal_upper_tail(z)).min(1.0)
}

/// P(Z > z) for a standard normal Z (Abramowitz and Stegun 7.1.26, error below 1.5e-7).
fn normal_upper_tail(z: f64) -> f64 {
    let x = z / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    0.5 * poly * (-x * x).exp()
}

/// The verdict of a timing comparison and the figures behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct TimingVerdict {
    pub median_a_ms: f64,
    pub median_b_ms: f64,
    pub p: f64,
    pub differ: bool,
}

/// Significance level of the test.
pub const ALPHA: f64 = 0.001;
/// Medians closer than this (absolute, ms) never count as a difference.
pub const MIN_DIFFERENCE_MS: f64 = 0.5;
/// Nor medians within this fraction of the slower one.
pub const MIN_RELATIVE_DIFFERENCE: f64 = 0.25;

/// Latencies in milliseconds differ when the test is significant at [`ALPHA`] *and* the medians are
/// apart by more than [`MIN_DIFFERENCE_MS`] and [`MIN_RELATIVE_DIFFERENCE`] of the slower median:
/// a real leak, not scheduling noise on a busy machine.
pub fn compare_latencies(a_ms: &[f64], b_ms: &[f64]) -> TimingVerdict {
    let (ma, mb) = (median(a_ms), median(b_ms));
    let p = mann_whitney_p(a_ms, b_ms);
    let gap = (ma - mb).abs();
    let differ = p < ALPHA && gap > MIN_DIFFERENCE_MS && gap > MIN_RELATIVE_DIFFERENCE * ma.max(mb);
    TimingVerdict {
        median_a_ms: ma,
        median_b_ms: mb,
        p,
        differ,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn medians() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
    }

    #[test]
    fn the_normal_tail_matches_tables() {
        assert!((normal_upper_tail(0.0) - 0.5).abs() < 1e-6);
        assert!((normal_upper_tail(1.959_964) - 0.025).abs() < 1e-5);
        assert!((normal_upper_tail(3.290_527) - 0.0005).abs() < 1e-6);
    }

    #[test]
    fn separated_samples_are_significant_and_identical_ones_are_not() {
        let a: Vec<f64> = (0..40).map(|i| 2.0 + f64::from(i) * 0.01).collect();
        let b: Vec<f64> = (0..40).map(|i| 0.1 + f64::from(i) * 0.01).collect();
        let v = compare_latencies(&a, &b);
        assert!(v.p < 1e-10 && v.differ, "{v:?}");
        let same = compare_latencies(&a, &a);
        assert!(same.p > 0.9 && !same.differ, "{same:?}");
        // All ties: no variance, no evidence.
        assert_eq!(mann_whitney_p(&[1.0; 5], &[1.0; 5]), 1.0);
    }

    #[test]
    fn a_known_small_example() {
        // U = 3 for these samples; the normal approximation with continuity gives p ≈ 0.2.
        let p = mann_whitney_p(&[1.0, 2.0, 4.0, 7.0], &[3.0, 5.0, 6.0, 8.0, 9.0]);
        assert!((0.1..0.3).contains(&p), "{p}");
    }

    #[test]
    fn significant_but_tiny_differences_are_not_leaks() {
        let a: Vec<f64> = (0..200).map(|i| 1.0 + f64::from(i) * 1e-4).collect();
        let b: Vec<f64> = a.iter().map(|v| v + 0.05).collect();
        let v = compare_latencies(&a, &b);
        assert!(v.p < ALPHA, "{v:?}");
        assert!(!v.differ, "a 0.05 ms shift is noise: {v:?}");
    }

    proptest! {
        #[test]
        fn p_is_a_probability_and_symmetric(
            a in proptest::collection::vec(0.0f64..100.0, 1..60),
            b in proptest::collection::vec(0.0f64..100.0, 1..60),
        ) {
            let p = mann_whitney_p(&a, &b);
            prop_assert!((0.0..=1.0).contains(&p));
            prop_assert!((p - mann_whitney_p(&b, &a)).abs() < 1e-9);
        }
    }
}
