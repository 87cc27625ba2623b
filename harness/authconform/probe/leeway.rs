//! Leeway discovery: the largest offset (in seconds) past `exp`, before `nbf` or ahead of `iat`
//! that a target still accepts, found by bisection with a bounded number of requests. Pure: the
//! caller sends the token for each offset the search asks about and reports the answer.

use std::fmt;

/// The time claims a probe moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// `exp` this many seconds in the past.
    Exp,
    /// `nbf` this many seconds in the future.
    Nbf,
    /// `iat` this many seconds in the future.
    Iat,
}

impl Claim {
    pub const ALL: [Claim; 3] = [Claim::Exp, Claim::Nbf, Claim::Iat];

    pub fn name(self) -> &'static str {
        match self {
            Claim::Exp => "exp",
            Claim::Nbf => "nbf",
            Claim::Iat => "iat",
        }
    }

    /// The claim's value for an offset, relative to signing (`-90s`, `+90s`).
    pub fn relative(self, offset: u64) -> String {
        match self {
            Claim::Exp => format!("-{offset}s"),
            Claim::Nbf | Claim::Iat => format!("+{offset}s"),
        }
    }

    fn direction(self) -> &'static str {
        match self {
            Claim::Exp => "past",
            Claim::Nbf | Claim::Iat => "ahead",
        }
    }
}

/// Bisection over offsets `0..=limit`: the largest accepted offset, assuming that a target which
/// accepts an offset accepts every smaller one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    limit: u64,
    /// Largest offset seen accepted.
    accepted: Option<u64>,
    /// Smallest offset seen refused.
    refused: Option<u64>,
    steps: u32,
}

/// What the search concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leeway {
    /// Accepted up to this many seconds, refused one second beyond.
    Seconds(u64),
    /// Refused even at offset 0 (`exp` = now): no leeway, and stricter than the boundary.
    None,
    /// Still accepted at the limit: the claim is not checked, or the leeway is at least the limit.
    AtLeast(u64),
}

impl Search {
    pub fn new(limit: u64) -> Search {
        Search {
            limit,
            accepted: None,
            refused: None,
            steps: 0,
        }
    }

    /// The most requests a search up to `limit` sends.
    pub fn max_steps(limit: u64) -> u32 {
        2 + (64 - limit.leading_zeros())
    }

    /// The next offset to try, or `None` when the search is done.
    pub fn next(&self) -> Option<u64> {
        match (self.accepted, self.refused) {
            // First the limit: a target that does not check the claim is told in one request.
            (None, None) => Some(self.limit),
            // Refused at the limit: is the boundary itself accepted?
            (None, Some(_)) if self.steps == 1 => Some(0),
            (None, Some(_)) => None,
            (Some(_), None) => None,
            (Some(lo), Some(hi)) if hi - lo > 1 => Some(lo + (hi - lo) / 2),
            (Some(_), Some(_)) => None,
        }
    }

    pub fn record(&mut self, offset: u64, accepted: bool) {
        self.steps += 1;
        if accepted {
            self.accepted = Some(self.accepted.map_or(offset, |a| a.max(offset)));
        } else {
            self.refused = Some(self.refused.map_or(offset, |r| r.min(offset)));
        }
    }

    pub fn steps(&self) -> u32 {
        self.steps
    }

    /// The finding, once [`Search::next`] is `None`.
    pub fn result(&self) -> Leeway {
        match (self.accepted, self.refused) {
            (Some(a), None) => Leeway::AtLeast(a),
            (Some(a), Some(_)) => Leeway::Seconds(a),
            (None, _) => Leeway::None,
        }
    }
}

/// One claim's figure against the maximum the user allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measured {
    pub claim: Claim,
    pub leeway: Leeway,
    pub requests: u32,
}

impl Measured {
    /// Larger than `max` seconds. `iat` ahead that is not checked at all is no finding: several
    /// dialects do not check it (`jwt.md`), and it says nothing about expiry.
    pub fn is_finding(&self, max: u64) -> bool {
        match (self.claim, self.leeway) {
            (_, Leeway::Seconds(s)) => s > max,
            (Claim::Iat, Leeway::AtLeast(_)) => false,
            (_, Leeway::AtLeast(_)) => true,
            (_, Leeway::None) => false,
        }
    }
}

impl fmt::Display for Measured {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dir = self.claim.direction();
        match self.leeway {
            Leeway::Seconds(s) => write!(f, "accepted up to {s}s {dir}, refused at {}s", s + 1),
            Leeway::None => write!(f, "refused even at 0s (no leeway)"),
            Leeway::AtLeast(s) => write!(f, "not checked: still accepted {s}s {dir}"),
        }
    }
}

/// The table `probe leeway` prints, with a verdict per claim.
pub fn render(measured: &[Measured], max: u64) -> String {
    let mut out = String::new();
    for m in measured {
        let verdict = if m.is_finding(max) {
            format!("FINDING: more than the {max}s allowed")
        } else if matches!(m.leeway, Leeway::AtLeast(_)) {
            "note".to_owned()
        } else {
            "ok".to_owned()
        };
        out.push_str(&format!(
            "  {:<4} {:<48} {:>2} requests  {verdict}\n",
            m.claim.name(),
            m.to_string(),
            m.requests
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Runs a search against a target that accepts offsets up to `true_leeway` (`None`: never).
    fn search(limit: u64, true_leeway: Option<u64>) -> Search {
        let mut s = Search::new(limit);
        while let Some(offset) = s.next() {
            s.record(offset, true_leeway.is_some_and(|l| offset <= l));
            assert!(s.steps() <= Search::max_steps(limit), "{s:?}");
        }
        s
    }

    proptest! {
        #[test]
        fn bisection_finds_the_exact_leeway_within_its_step_bound(
            limit in 1u64..100_000,
            fraction in 0.0f64..1.0,
        ) {
            let leeway = ((limit as f64) * fraction) as u64;
            let s = search(limit, Some(leeway));
            if leeway >= limit {
                prop_assert_eq!(s.result(), Leeway::AtLeast(limit));
            } else {
                prop_assert_eq!(s.result(), Leeway::Seconds(leeway));
            }
        }
    }

    #[test]
    fn a_target_that_refuses_at_the_boundary_has_none_and_one_that_never_checks_is_told_at_once() {
        let strict = search(3600, None);
        assert_eq!(strict.result(), Leeway::None);
        assert_eq!(strict.steps(), 2);
        let lax = search(3600, Some(u64::MAX));
        assert_eq!(lax.result(), Leeway::AtLeast(3600));
        assert_eq!(lax.steps(), 1);
    }

    #[test]
    fn findings_are_what_exceeds_the_maximum_except_an_unchecked_iat() {
        let m = |claim, leeway| Measured {
            claim,
            leeway,
            requests: 1,
        };
        assert!(m(Claim::Exp, Leeway::Seconds(300)).is_finding(60));
        assert!(!m(Claim::Exp, Leeway::Seconds(60)).is_finding(60));
        assert!(m(Claim::Nbf, Leeway::AtLeast(3600)).is_finding(60));
        assert!(!m(Claim::Iat, Leeway::AtLeast(3600)).is_finding(60));
        assert!(!m(Claim::Exp, Leeway::None).is_finding(60));
        assert_eq!(
            render(&[m(Claim::Exp, Leeway::Seconds(300))], 60),
            "  exp  accepted up to 300s past, refused at 301s         1 requests  FINDING: more than the 60s allowed\n"
        );
    }
}
