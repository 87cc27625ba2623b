//! Statement text to tokens: identifiers (unquoted ones lower-cased), `"quoted"` identifiers,
//! `'strings'` with `''` escapes, numbers, symbols, `?`/`$N` placeholders; `--` comments dropped.

use super::{Parsed, fail};

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Token {
    /// An unquoted identifier or keyword, lower-cased.
    Word(String),
    /// A `"quoted"` identifier, as written.
    Quoted(String),
    Str(String),
    Num(String),
    Sym(char),
    /// `?` or `$N`: a value from the request's `args`.
    Param(Option<usize>),
}

pub(super) fn tokens(text: &str) -> Parsed<Vec<Token>> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut params = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '-' && chars.get(i + 1) == Some(&'-') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '\'' || c == '"' {
            let mut text = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return fail("unterminated quote"),
                    Some(&q) if q == c && chars.get(i + 1) == Some(&c) => {
                        text.push(c);
                        i += 2;
                    }
                    Some(&q) if q == c => break,
                    Some(&other) => {
                        text.push(other);
                        i += 1;
                    }
                }
            }
            i += 1;
            out.push(if c == '\'' {
                Token::Str(text)
            } else {
                Token::Quoted(text)
            });
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            out.push(Token::Num(chars[start..i].iter().collect()));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            out.push(Token::Word(word.to_lowercase()));
        } else if c == '?' {
            out.push(Token::Param(Some(params)));
            params += 1;
            i += 1;
        } else if c == '$' {
            let start = i + 1;
            i += 1;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let n: String = chars[start..i].iter().collect();
            let n = n.parse::<usize>().ok().filter(|n| *n > 0);
            out.push(Token::Param(n.map(|n| n - 1)));
        } else if "(),.;*=<>!+-/%:[]{}|".contains(c) {
            out.push(Token::Sym(c));
            i += 1;
        } else {
            return fail(format!("unexpected character {c:?}"));
        }
    }
    while out.last() == Some(&Token::Sym(';')) {
        out.pop();
    }
    Ok(out)
}
