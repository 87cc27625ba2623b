//! What a load run measured, and its verdict. Pure.

/// Counts and latencies of one run, merged from every connection.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub valid_ok: u64,
    /// Valid credentials answered with something other than 2xx.
    pub valid_refused: u64,
    pub invalid_refused: u64,
    /// Invalid credentials answered 2xx: the security failure a load run looks for.
    pub invalid_accepted: u64,
    /// No answer: connection errors and timeouts.
    pub errors: u64,
    pub latencies_us: Vec<u32>,
}

impl Tally {
    pub fn merge(&mut self, other: Tally) {
        self.valid_ok += other.valid_ok;
        self.valid_refused += other.valid_refused;
        self.invalid_refused += other.invalid_refused;
        self.invalid_accepted += other.invalid_accepted;
        self.errors += other.errors;
        self.latencies_us.extend(other.latencies_us);
    }

    pub fn requests(&self) -> u64 {
        self.valid_ok
            + self.valid_refused
            + self.invalid_refused
            + self.invalid_accepted
            + self.errors
    }

    /// Failed requests (errors and refused valid credentials) per request.
    pub fn error_rate(&self) -> f64 {
        let n = self.requests();
        if n == 0 {
            return 0.0;
        }
        (self.errors + self.valid_refused) as f64 / n as f64
    }
}

/// The `q` quantile (0–1) of sorted values, nearest rank.
pub fn percentile(sorted_us: &[u32], q: f64) -> f64 {
    if sorted_us.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted_us.len() as f64).ceil() as usize).clamp(1, sorted_us.len());
    f64::from(sorted_us[rank - 1]) / 1000.0
}

/// The limits a run is judged by.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_error_rate: f64,
    /// For JWT targets: the most JWKS fetches the whole run may cause.
    pub max_jwks_fetches: Option<u64>,
}

/// Why the run fails, if it does.
pub fn verdict(tally: &Tally, limits: &Limits, jwks_fetches: Option<u64>) -> Vec<String> {
    let mut problems = Vec::new();
    if tally.invalid_accepted > 0 {
        problems.push(format!(
            "{} requests with invalid credentials succeeded",
            tally.invalid_accepted
        ));
    }
    if tally.requests() == 0 {
        problems.push("no request was answered".into());
    } else if tally.error_rate() > limits.max_error_rate {
        problems.push(format!(
            "error rate {:.2}% is above {:.2}%",
            tally.error_rate() * 100.0,
            limits.max_error_rate * 100.0
        ));
    }
    if let (Some(max), Some(got)) = (limits.max_jwks_fetches, jwks_fetches)
        && got > max
    {
        problems.push(format!("{got} JWKS fetches, more than {max}"));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let v: Vec<u32> = (1..=100).map(|i| i * 1000).collect();
        assert_eq!(percentile(&v, 0.5), 50.0);
        assert_eq!(percentile(&v, 0.99), 99.0);
        assert_eq!(percentile(&v, 1.0), 100.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
    }

    #[test]
    fn verdicts() {
        let limits = Limits {
            max_error_rate: 0.01,
            max_jwks_fetches: Some(3),
        };
        let good = Tally {
            valid_ok: 50,
            invalid_refused: 50,
            ..Tally::default()
        };
        assert!(verdict(&good, &limits, Some(1)).is_empty());
        let leak = Tally {
            invalid_accepted: 1,
            ..good.clone()
        };
        assert!(verdict(&leak, &limits, None)[0].contains("invalid credentials succeeded"));
        let flaky = Tally {
            errors: 5,
            ..good.clone()
        };
        assert!(verdict(&flaky, &limits, None)[0].contains("error rate"));
        assert!(verdict(&good, &limits, Some(4))[0].contains("JWKS"));
        assert!(!verdict(&Tally::default(), &limits, None).is_empty());
    }
}
