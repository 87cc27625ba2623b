//! Path-confusion variants: ways to write a protected endpoint's request that a prefix-matching
//! proxy or router may treat differently from the application behind it (docs/sweep.md § Path
//! confusion). Pure: each variant turns a method and path into the request sent byte for byte.

use serde::Deserialize;

/// One way to write a request for a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PathVariant {
    /// The first segment in upper case: `/API/v2/…`.
    UpperCase,
    /// A `/` after the path.
    TrailingSlash,
    /// `//` before the path.
    DoubleSlashStart,
    /// `//` before the last segment.
    DoubleSlashInside,
    /// `/./` before the path.
    DotSegment,
    /// `/authconform-x/../` before the path.
    DotDotSegment,
    /// The last `/` as `%2F`.
    EncodedSlash,
    /// `/%2e/` before the path.
    EncodedDotSegment,
    /// The first letter percent-encoded: `/%61pi/…`.
    EncodedFirstLetter,
    /// `;authconform=1` after the path.
    SemicolonParam,
    /// `;x` after the first segment.
    SemicolonSegment,
    /// A bare `?` after the path.
    QuestionMark,
    /// A `#` after the path (sent raw; clients strip it).
    Hash,
    /// HEAD instead of GET.
    Head,
    /// OPTIONS instead of the method.
    Options,
    /// `GET /` with `X-Original-URL: <path>` (IIS URL Rewrite, some frameworks).
    XOriginalUrl,
    /// `GET /` with `X-Rewrite-URL: <path>`.
    XRewriteUrl,
    /// The path with `X-Forwarded-Prefix: /authconform-x`.
    XForwardedPrefix,
}

/// A variant's request: sent as written, never normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantRequest {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
}

impl PathVariant {
    pub const ALL: [PathVariant; 18] = [
        PathVariant::UpperCase,
        PathVariant::TrailingSlash,
        PathVariant::DoubleSlashStart,
        PathVariant::DoubleSlashInside,
        PathVariant::DotSegment,
        PathVariant::DotDotSegment,
        PathVariant::EncodedSlash,
        PathVariant::EncodedDotSegment,
        PathVariant::EncodedFirstLetter,
        PathVariant::SemicolonParam,
        PathVariant::SemicolonSegment,
        PathVariant::QuestionMark,
        PathVariant::Hash,
        PathVariant::Head,
        PathVariant::Options,
        PathVariant::XOriginalUrl,
        PathVariant::XRewriteUrl,
        PathVariant::XForwardedPrefix,
    ];

    pub fn name(self) -> &'static str {
        match self {
            PathVariant::UpperCase => "upper-case",
            PathVariant::TrailingSlash => "trailing-slash",
            PathVariant::DoubleSlashStart => "double-slash-start",
            PathVariant::DoubleSlashInside => "double-slash-inside",
            PathVariant::DotSegment => "dot-segment",
            PathVariant::DotDotSegment => "dot-dot-segment",
            PathVariant::EncodedSlash => "encoded-slash",
            PathVariant::EncodedDotSegment => "encoded-dot-segment",
            PathVariant::EncodedFirstLetter => "encoded-first-letter",
            PathVariant::SemicolonParam => "semicolon-param",
            PathVariant::SemicolonSegment => "semicolon-segment",
            PathVariant::QuestionMark => "question-mark",
            PathVariant::Hash => "hash",
            PathVariant::Head => "head",
            PathVariant::Options => "options",
            PathVariant::XOriginalUrl => "x-original-url",
            PathVariant::XRewriteUrl => "x-rewrite-url",
            PathVariant::XForwardedPrefix => "x-forwarded-prefix",
        }
    }

    /// Whether a 2xx answer is judged by its content (compared with the authenticated answer):
    /// every variant but HEAD, whose answer has no body, so any 2xx to it fails.
    pub fn compares_content(self) -> bool {
        self != PathVariant::Head
    }

    /// The request for `method path` written this way. `path` starts with `/`; a query stays
    /// after the rewritten path.
    pub fn apply(self, method: &str, path: &str) -> VariantRequest {
        let (path, query) = match path.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (path, None),
        };
        let with_query = |p: String| match query {
            Some(q) => format!("{p}?{q}"),
            None => p,
        };
        let rest = path.strip_prefix('/').unwrap_or(path);
        let (first, tail) = match rest.split_once('/') {
            Some((f, t)) => (f, Some(t)),
            None => (rest, None),
        };
        let last_slash = path.rfind('/').unwrap_or(0);
        let plain = |p: String| VariantRequest {
            method: method.to_owned(),
            path: with_query(p),
            headers: Vec::new(),
        };
        match self {
            PathVariant::UpperCase => plain(match tail {
                Some(t) => format!("/{}/{t}", first.to_ascii_uppercase()),
                None => format!("/{}", first.to_ascii_uppercase()),
            }),
            PathVariant::TrailingSlash => plain(format!("{path}/")),
            PathVariant::DoubleSlashStart => plain(format!("/{path}")),
            PathVariant::DoubleSlashInside => plain(if last_slash == 0 {
                format!("/{path}")
            } else {
                format!("{}/{}", &path[..last_slash], &path[last_slash..])
            }),
            PathVariant::DotSegment => plain(format!("/.{path}")),
            PathVariant::DotDotSegment => plain(format!("/authconform-x/..{path}")),
            PathVariant::EncodedSlash => plain(if last_slash == 0 {
                format!("/%2F{rest}")
            } else {
                format!("{}%2F{}", &path[..last_slash], &path[last_slash + 1..])
            }),
            PathVariant::EncodedDotSegment => plain(format!("/%2e{path}")),
            PathVariant::EncodedFirstLetter => plain(match rest.chars().next() {
                Some(c) if c.is_ascii_alphanumeric() => {
                    format!("/%{:02X}{}", c as u32, &rest[c.len_utf8()..])
                }
                _ => format!("/%2F{rest}"),
            }),
            PathVariant::SemicolonParam => plain(format!("{path};authconform=1")),
            PathVariant::SemicolonSegment => plain(match tail {
                Some(t) => format!("/{first};x/{t}"),
                None => format!("/{first};x"),
            }),
            PathVariant::QuestionMark => VariantRequest {
                method: method.to_owned(),
                path: match query {
                    Some(q) => format!("{path}??{q}"),
                    None => format!("{path}?"),
                },
                headers: Vec::new(),
            },
            PathVariant::Hash => plain(format!("{path}#")),
            PathVariant::Head => VariantRequest {
                method: "HEAD".into(),
                ..plain(path.to_owned())
            },
            PathVariant::Options => VariantRequest {
                method: "OPTIONS".into(),
                ..plain(path.to_owned())
            },
            PathVariant::XOriginalUrl | PathVariant::XRewriteUrl => VariantRequest {
                method: method.to_owned(),
                path: "/".into(),
                headers: vec![(
                    if self == PathVariant::XOriginalUrl {
                        "X-Original-URL"
                    } else {
                        "X-Rewrite-URL"
                    }
                    .into(),
                    with_query(path.to_owned()),
                )],
            },
            PathVariant::XForwardedPrefix => VariantRequest {
                headers: vec![("X-Forwarded-Prefix".into(), "/authconform-x".into())],
                ..plain(path.to_owned())
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(v: PathVariant, p: &str) -> String {
        v.apply("GET", p).path
    }

    #[test]
    fn each_variant_rewrites_a_nested_path() {
        use PathVariant::*;
        let p = "/data/report.json";
        let want = [
            (UpperCase, "/DATA/report.json"),
            (TrailingSlash, "/data/report.json/"),
            (DoubleSlashStart, "//data/report.json"),
            (DoubleSlashInside, "/data//report.json"),
            (DotSegment, "/./data/report.json"),
            (DotDotSegment, "/authconform-x/../data/report.json"),
            (EncodedSlash, "/data%2Freport.json"),
            (EncodedDotSegment, "/%2e/data/report.json"),
            (EncodedFirstLetter, "/%64ata/report.json"),
            (SemicolonParam, "/data/report.json;authconform=1"),
            (SemicolonSegment, "/data;x/report.json"),
            (QuestionMark, "/data/report.json?"),
            (Hash, "/data/report.json#"),
        ];
        for (v, expected) in want {
            assert_eq!(path(v, p), expected, "{}", v.name());
        }
    }

    #[test]
    fn single_segments_queries_methods_and_headers() {
        use PathVariant::*;
        assert_eq!(path(DoubleSlashInside, "/whoami"), "//whoami");
        assert_eq!(path(EncodedSlash, "/whoami"), "/%2Fwhoami");
        assert_eq!(path(UpperCase, "/whoami?x=1"), "/WHOAMI?x=1");
        assert_eq!(path(QuestionMark, "/whoami?x=1"), "/whoami??x=1");
        assert_eq!(Head.apply("GET", "/whoami").method, "HEAD");
        assert!(!Head.compares_content() && Options.compares_content());
        let original = XOriginalUrl.apply("GET", "/whoami");
        assert_eq!(original.path, "/");
        assert_eq!(
            original.headers,
            [("X-Original-URL".to_owned(), "/whoami".to_owned())]
        );
        assert_eq!(PathVariant::ALL.len(), 18);
        let names: std::collections::BTreeSet<_> =
            PathVariant::ALL.iter().map(|v| v.name()).collect();
        assert_eq!(names.len(), 18, "names are distinct");
    }
}
