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
    #[error("{text:?} is not a duration ({why}): write e.g. 500ms, 10s, 2m, 1m30s or 1h")]
    Invalid { text: String, why: String },
    #[error("{0:?} is zero: a duration must be positive")]
    Zero(String),
}

/// A duration as humantime reads it (`500ms`, `10s`, `2m`, `1m30s`, `1h`, `2min`), or a bare
/// number of seconds (`10`). Zero is refused.
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let t = text.trim();
    let d = if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        t.parse::<u64>()
            .map(Duration::from_secs)
            .map_err(|e| DurationError::Invalid {
                text: text.to_owned(),
                why: e.to_string(),
            })?
    } else {
        humantime::parse_duration(t).map_err(|e| DurationError::Invalid {
            text: text.to_owned(),
            why: e.to_string(),
        })?
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
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("2min"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("0").is_err());
        let wrong = parse_duration("ten").unwrap_err().to_string();
        assert!(wrong.starts_with("\"ten\" is not a duration ("), "{wrong}");
        assert!(parse_duration("5 parsecs").is_err());
        assert!(parse_duration("").is_err());
    }
}
