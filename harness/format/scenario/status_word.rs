//! Statuses written as words in `expect.status`: `4xx`, `not 2xx`, `not 401, 403`.

/// A status written as words: `4xx`, `not 2xx`, `not 401, 403`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusWord {
    Class(u16),
    NotClass(u16),
    NoneOf(Vec<u16>),
}

/// `"4xx"`, `"not 2xx"` or `"not 401, 403"` (codes from 100 to 599); `None` for anything else.
pub fn parse_status_word(text: &str) -> Option<StatusWord> {
    let Some(rest) = text.strip_prefix("not ") else {
        return parse_status_class(text).map(StatusWord::Class);
    };
    if let Some(class) = parse_status_class(rest.trim()) {
        return Some(StatusWord::NotClass(class));
    }
    let codes = rest
        .split(',')
        .map(|code| {
            code.trim()
                .parse::<u16>()
                .ok()
                .filter(|c| (100..=599).contains(c))
        })
        .collect::<Option<Vec<u16>>>()?;
    Some(StatusWord::NoneOf(codes))
}

/// `"4xx"` → 4.
pub fn parse_status_class(class: &str) -> Option<u16> {
    let b = class.as_bytes();
    (b.len() == 3 && (b'1'..=b'5').contains(&b[0]) && b[1..].eq_ignore_ascii_case(b"xx"))
        .then(|| u16::from(b[0] - b'0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_words() {
        assert_eq!(parse_status_word("4xx"), Some(StatusWord::Class(4)));
        assert_eq!(parse_status_word("not 2xx"), Some(StatusWord::NotClass(2)));
        assert_eq!(
            parse_status_word("not 401, 403"),
            Some(StatusWord::NoneOf(vec![401, 403]))
        );
        assert_eq!(
            parse_status_word("not 401"),
            Some(StatusWord::NoneOf(vec![401]))
        );
        for bad in [
            "6xx", "not", "not 401,", "not 99", "not 600", "401", "not two",
        ] {
            assert_eq!(parse_status_word(bad), None, "{bad}");
        }
    }
}
