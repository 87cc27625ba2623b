//! `{{ a.b.c | filter }}` fixture references and `${env:NAME}` environment references in strings.
//!
//! Parsing and rendering are pure: a [`Lookup`] supplies the values, and says which are secret.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Literal(String),
    Value {
        path: Vec<String>,
        filters: Vec<Filter>,
    },
    Env(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    Base64,
    Upper,
    Lower,
    DropFirst(usize),
    DropLast(usize),
    /// The first N characters (DES crypt reads 8).
    First(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub pieces: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TemplateError {
    /// Byte offset in the string where the problem starts.
    pub offset: usize,
    pub message: String,
}

/// Why a template could not be filled in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error("environment variable {0} is not set")]
    UnsetVariable(String),
    #[error("`{0}` has no value here")]
    NoValue(String),
}

/// A resolved value and whether it must never be printed (then `Debug` masks it).
#[derive(Clone, PartialEq, Eq)]
pub struct Resolved {
    pub text: String,
    pub secret: bool,
}

impl std::fmt::Debug for Resolved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text: &dyn std::fmt::Debug = if self.secret { &"***" } else { &self.text };
        f.debug_struct("Resolved")
            .field("text", text)
            .field("secret", &self.secret)
            .finish()
    }
}

pub trait Lookup {
    /// The value at `path` (such as `["users", "admin", "password"]`), or `None` when there is none.
    fn value(&self, path: &[String]) -> Option<Resolved>;
    /// The environment variable `name`.
    fn env(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
    /// Told of every secret string a rendering produced: an environment value, or a secret value
    /// after its filters (`drop_last(1)` of a password is as secret as the password). The run's
    /// registry records them for masking; other lookups ignore them.
    fn derived_secret(&self, _text: &str) {}
}

impl Template {
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        let mut offset = 0;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix("{{") {
                let end = after.find("}}").ok_or_else(|| TemplateError {
                    offset,
                    message: "`{{` is never closed by `}}`".into(),
                })?;
                flush(&mut literal, &mut pieces);
                pieces.push(parse_value(&after[..end], offset)?);
                let used = 2 + end + 2;
                offset += used;
                rest = &rest[used..];
            } else if let Some(after) = rest.strip_prefix("${") {
                let end = after.find('}').ok_or_else(|| TemplateError {
                    offset,
                    message: "`${` is never closed by `}`".into(),
                })?;
                let inner = &after[..end];
                let name = inner.strip_prefix("env:").ok_or_else(|| TemplateError {
                    offset,
                    message: format!(
                        "`${{{inner}}}` is not an environment reference: write `${{env:NAME}}`"
                    ),
                })?;
                if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                {
                    return Err(TemplateError {
                        offset,
                        message: format!("{name:?} is not an environment variable name"),
                    });
                }
                flush(&mut literal, &mut pieces);
                pieces.push(Piece::Env(name.to_owned()));
                let used = 2 + end + 1;
                offset += used;
                rest = &rest[used..];
            } else {
                let c = rest.chars().next().expect("rest is not empty");
                literal.push(c);
                offset += c.len_utf8();
                rest = &rest[c.len_utf8()..];
            }
        }
        flush(&mut literal, &mut pieces);
        Ok(Template { pieces })
    }

    /// The fixture paths this template reads.
    pub fn paths(&self) -> impl Iterator<Item = &[String]> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Value { path, .. } => Some(path.as_slice()),
            _ => None,
        })
    }

    pub fn render(&self, lookup: &dyn Lookup) -> Result<Resolved, RenderError> {
        let mut out = Resolved {
            text: String::new(),
            secret: false,
        };
        for piece in &self.pieces {
            match piece {
                Piece::Literal(s) => out.text.push_str(s),
                Piece::Env(name) => {
                    let value = lookup
                        .env(name)
                        .ok_or_else(|| RenderError::UnsetVariable(name.clone()))?;
                    lookup.derived_secret(&value);
                    out.text.push_str(&value);
                    out.secret = true;
                }
                Piece::Value { path, filters } => {
                    let value = lookup
                        .value(path)
                        .ok_or_else(|| RenderError::NoValue(path.join(".")))?;
                    out.secret |= value.secret;
                    let filtered = apply_filters(value.text, filters);
                    if value.secret {
                        lookup.derived_secret(&filtered);
                    }
                    out.text.push_str(&filtered);
                }
            }
        }
        Ok(out)
    }
}

fn flush(literal: &mut String, pieces: &mut Vec<Piece>) {
    if !literal.is_empty() {
        pieces.push(Piece::Literal(std::mem::take(literal)));
    }
}

fn parse_value(inner: &str, offset: usize) -> Result<Piece, TemplateError> {
    let err = |message: String| TemplateError { offset, message };
    let mut parts = inner.split('|').map(str::trim);
    let path_text = parts.next().unwrap_or_default();
    if path_text.is_empty() {
        return Err(err("empty `{{ }}`".into()));
    }
    let path: Vec<String> = path_text.split('.').map(str::to_owned).collect();
    if path.iter().any(|seg| {
        seg.is_empty()
            || !seg
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    }) {
        return Err(err(format!(
            "`{path_text}` is not a dotted name such as users.admin.password"
        )));
    }
    let filters = parts
        .map(|f| parse_filter(f).map_err(err))
        .collect::<Result<_, _>>()?;
    Ok(Piece::Value { path, filters })
}

fn parse_filter(text: &str) -> Result<Filter, String> {
    let (name, arg) = match text.split_once('(') {
        Some((name, rest)) => {
            let arg = rest
                .strip_suffix(')')
                .ok_or_else(|| format!("filter `{text}` lacks its closing `)`"))?;
            let n = arg
                .trim()
                .parse::<usize>()
                .map_err(|_| format!("filter `{text}` takes a whole number"))?;
            (name.trim(), Some(n))
        }
        None => (text, None),
    };
    match (name, arg) {
        ("base64", None) => Ok(Filter::Base64),
        ("upper", None) => Ok(Filter::Upper),
        ("lower", None) => Ok(Filter::Lower),
        ("drop_first", Some(n)) => Ok(Filter::DropFirst(n)),
        ("drop_last", Some(n)) => Ok(Filter::DropLast(n)),
        ("first", Some(n)) => Ok(Filter::First(n)),
        _ => Err(format!(
            "unknown filter `{text}`: expected base64, upper, lower, drop_first(N), drop_last(N) or first(N)"
        )),
    }
}

fn apply_filters(mut text: String, filters: &[Filter]) -> String {
    for filter in filters {
        text = match *filter {
            Filter::Base64 => STANDARD.encode(text.as_bytes()),
            Filter::Upper => text.to_uppercase(),
            Filter::Lower => text.to_lowercase(),
            Filter::DropFirst(n) => text.chars().skip(n).collect(),
            Filter::DropLast(n) => {
                let keep = text.chars().count().saturating_sub(n);
                text.chars().take(keep).collect()
            }
            Filter::First(n) => text.chars().take(n).collect(),
        };
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_resolved_value_is_masked_in_debug() {
        let secret = Resolved {
            text: "pw-secret".into(),
            secret: true,
        };
        let plain = Resolved {
            text: "http://127.0.0.1".into(),
            secret: false,
        };
        assert!(!format!("{secret:?}").contains("pw-secret"));
        assert!(format!("{plain:?}").contains("127.0.0.1"));
    }

    struct Fixed;
    impl Lookup for Fixed {
        fn value(&self, path: &[String]) -> Option<Resolved> {
            match path.join(".").as_str() {
                "users.admin.name" => Some(Resolved {
                    text: "admin".into(),
                    secret: false,
                }),
                "users.admin.password" => Some(Resolved {
                    text: "s3cret".into(),
                    secret: true,
                }),
                _ => None,
            }
        }
        fn env(&self, name: &str) -> Option<String> {
            (name == "HOME_X").then(|| "/h".to_owned())
        }
    }

    #[test]
    fn renders_values_filters_and_env() {
        let t = Template::parse(
            "{{ users.admin.name }}:{{users.admin.password|drop_last(1)|upper}} ${env:HOME_X}",
        )
        .unwrap();
        let r = t.render(&Fixed).unwrap();
        assert_eq!(r.text, "admin:S3CRE /h");
        assert!(r.secret);
        let first = Template::parse(
            "{{ users.admin.password | first(3) }}|{{ users.admin.password | first(99) }}",
        )
        .unwrap()
        .render(&Fixed)
        .unwrap();
        assert_eq!(first.text, "s3c|s3cret");
        assert!(first.secret, "a prefix of a password is a secret");
        let plain = Template::parse("x {{ users.admin.name | base64 }}")
            .unwrap()
            .render(&Fixed)
            .unwrap();
        assert_eq!(
            plain,
            Resolved {
                text: "x YWRtaW4=".into(),
                secret: false
            }
        );
    }

    #[test]
    fn errors_name_the_problem() {
        assert!(
            Template::parse("{{ users.admin")
                .unwrap_err()
                .message
                .contains("never closed")
        );
        assert!(
            Template::parse("{{ }}")
                .unwrap_err()
                .message
                .contains("empty")
        );
        assert!(
            Template::parse("${HOME}")
                .unwrap_err()
                .message
                .contains("env:NAME")
        );
        assert!(
            Template::parse("{{ a | rot13 }}")
                .unwrap_err()
                .message
                .contains("unknown filter")
        );
        assert_eq!(Template::parse("ab{{ a b }}").unwrap_err().offset, 2);
        let missing = Template::parse("{{ users.bob.password }}")
            .unwrap()
            .render(&Fixed)
            .unwrap_err();
        assert!(missing.to_string().contains("users.bob.password"));
        let unset = Template::parse("${env:NOPE_X}")
            .unwrap()
            .render(&Fixed)
            .unwrap_err();
        assert!(unset.to_string().contains("NOPE_X"));
    }

    #[test]
    fn literal_text_with_braces_and_unicode_survives() {
        let t = Template::parse("{\"a\": \"é}\"}").unwrap();
        assert_eq!(t.render(&Fixed).unwrap().text, "{\"a\": \"é}\"}");
    }
}
