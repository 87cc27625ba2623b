//! YAML text into a typed document, with errors that name the line, the column and a hint for the
//! kind of file it is.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostic::Diagnostic;

/// Which kind of input file a YAML text is, so that errors point at the right document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    Scenario,
    Target,
    Profile,
    Requirements,
}

impl Document {
    /// The manual's section for this kind of file.
    pub fn manual(self) -> &'static str {
        match self {
            Document::Scenario => "docs/scenario-format.md",
            Document::Target => "docs/target-files.md",
            Document::Profile => "docs/dialects.md § Dialect profiles",
            Document::Requirements => "docs/reports.md § Requirement coverage",
        }
    }

    /// What the file is, for messages: "a suite file", "a target file"…
    fn what(self) -> &'static str {
        match self {
            Document::Scenario => "a suite file",
            Document::Target => "a target file",
            Document::Profile => "a profile file",
            Document::Requirements => "a requirement catalogue",
        }
    }

    fn outline(self) -> &'static str {
        match self {
            Document::Scenario => "`suite: …`, `dialect: …`, `modes: […]`, `cases: […]`",
            Document::Target => {
                "`name: …`, `dialect: …`, then `base_url: …` with `modes: […]`, or `launch: …`"
            }
            Document::Profile => "`name: …`, `endpoints: …`, `modes: …`",
            Document::Requirements => "`requirements: […]`",
        }
    }
}

/// Deserializes YAML text into `T`, turning the parser's error into a positioned diagnostic whose
/// hint names the manual of `kind`.
pub fn parse_yaml_as<T: DeserializeOwned>(
    path: &Path,
    text: &str,
    kind: Document,
) -> Result<T, Diagnostic> {
    serde_saphyr::from_str_with_options(text, serde_saphyr::Options::default()).map_err(|e| {
        let raw = e.without_snippet().to_string();
        let message = strip_position_suffix(&raw);
        let (message, hint) = explain(message, kind, text);
        let diagnostic = Diagnostic::new(path, message).hint(hint);
        match e.location() {
            Some(l) if l.line() > 0 => diagnostic.at(text, l.line(), l.column()),
            _ => diagnostic,
        }
    })
}

/// [`parse_yaml_as`] for scenario files.
pub fn parse_yaml<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, Diagnostic> {
    parse_yaml_as(path, text, Document::Scenario)
}

pub(super) fn strip_position_suffix(message: &str) -> &str {
    match message.find(" at line ") {
        Some(i) if message[i..].contains(", column ") => &message[..i],
        _ => message,
    }
}

/// Rewrites the parser's wording where it names our internal types or the library's API, and
/// picks a hint that names the manual of `kind`.
pub(super) fn explain(message: &str, kind: Document, text: &str) -> (String, String) {
    let untagged = |ty: &str| message.contains(&format!("untagged enum {ty}"));
    let manual = kind.manual();
    if let Some(breach) = message.strip_prefix("budget breached: ") {
        let uses_aliases = text.contains('*') && text.contains('&');
        let size = ["Events", "Nodes", "ScalarBytes", "Documents"]
            .iter()
            .any(|k| breach.starts_with(k));
        return if size && !uses_aliases {
            (
                "the file holds more YAML than the parser's budget allows (nodes, events or text)"
                    .into(),
                "split it into several files".into(),
            )
        } else if breach.starts_with("Depth") || breach.starts_with("InclusionDepth") {
            (
                "the YAML nests deeper than the parser allows".into(),
                "flatten the nesting".into(),
            )
        } else {
            (
                "the YAML expands beyond the parser's budget through its anchors and aliases"
                    .into(),
                "the document expands to too much data (an alias bomb?): write it out plainly"
                    .into(),
            )
        };
    }
    if message.starts_with("multiple YAML documents") {
        return (
            format!(
                "the file holds more than one YAML document (`---`); {} is one document",
                kind.what()
            ),
            "put each suite in a file of its own, or remove the `---` line".into(),
        );
    }
    if let Some(rest) = message.strip_prefix("invalid ") {
        let integer = ["u8", "u16", "u32", "u64", "usize", "i32", "i64"]
            .iter()
            .find(|t| rest == **t || rest.ends_with(&format!("expected {t}")));
        if let Some(ty) = integer {
            let most = match *ty {
                "u8" => "255",
                "u16" => "65535",
                "u32" => "4294967295",
                "i32" => "2147483647",
                _ => "18446744073709551615",
            };
            return (
                format!("expected a whole number from 0 to {most} here"),
                format!(
                    "write a plain whole number (no exponent, no fraction); {manual} gives each key's range"
                ),
            );
        }
    }
    if untagged("StatusSpec") {
        return (
            "`status` must be a code, a list of codes or a class".into(),
            "write `status: 200`, `status: [401, 403]` or `status: 4xx`".into(),
        );
    }
    if untagged("Verify") {
        return (
            "`verify` must be true, false or the path of a CA file".into(),
            "write `verify: true`, `verify: false` or `verify: \"{{ tls.ca }}\"`".into(),
        );
    }
    if let Some(key) = message.strip_prefix("duplicate mapping key: ") {
        let key = key.split(',').next().unwrap_or(key);
        return (
            format!("the key `{key}` appears twice in this mapping"),
            "each key may appear once in a mapping".into(),
        );
    }
    if message.starts_with("expected mapping") {
        // The file itself is not a mapping when its first line of content is not a key.
        let first = text
            .lines()
            .map(str::trim_end)
            .find(|l| !l.trim_start().is_empty() && !l.trim_start().starts_with('#'))
            .unwrap_or("");
        let whole_file = !(first.starts_with(|c: char| c.is_alphanumeric()) && first.contains(':'));
        let hint = if whole_file {
            format!(
                "{} is a mapping ({}); see {manual}",
                kind.what(),
                kind.outline()
            )
        } else {
            format!("this key takes a mapping (`{{ key: value }}`); see {manual}")
        };
        return ("expected a mapping here".into(), hint);
    }
    if untagged("HeaderSpec") {
        return (
            "a header expectation must be `present`, `absent` or a rule".into(),
            "write `present`, `absent`, or `{equals: …}`, `{contains: …}`, `{matches: <regex>}`"
                .into(),
        );
    }
    let hint = if message.starts_with("unknown field") {
        format!("remove the key or fix its spelling; {manual} lists every key")
    } else if message.starts_with("missing field") {
        format!("add the key; {manual} shows a complete example")
    } else if message.starts_with("unknown variant") {
        "use one of the values listed".into()
    } else if message.starts_with("unknown dialect") {
        "use one of the dialects listed (`authconform dialects` describes them)".into()
    } else if message.starts_with("invalid type") {
        format!("check the value's type against {manual}")
    } else if message.contains("duplicate") {
        "each key may appear once in a mapping".into()
    } else {
        "check the YAML syntax (indentation, quoting, unclosed brackets) near this place".into()
    };
    (message.to_owned(), hint)
}
