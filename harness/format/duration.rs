//! Time as users write it (`500ms`, `10s`, `2m`) and as tokens carry it (Unix seconds).

use std::time::Duration;

/// Seconds since the Unix epoch, as JWT claims count time.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Why a duration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("{0:?} is not a duration: write 500ms, 10s or 2m")]
    NotANumber(String),
    #[error("{0:?} is not a time unit: use ms, s or m")]
    UnknownUnit(String),
    #[error("{0:?} is zero: a duration must be positive")]
    Zero(String),
}

pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| DurationError::NotANumber(text.to_owned()))?;
    let d = match unit.trim() {
        "ms" => Duration::from_millis(n),
        "s" | "" => Duration::from_secs(n),
        "m" | "min" => Duration::from_secs(n.saturating_mul(60)),
        other => return Err(DurationError::UnknownUnit(other.to_owned())),
    };
    if d.is_zero() {
        return Err(DurationError::Zero(text.to_owned()));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("10"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("ten").is_err());
        assert!(
            parse_duration("5h")
                .unwrap_err()
                .to_string()
                .contains("\"h\"")
        );
    }
}
