//! Live fuzzing as scenario files ask for it: what the generated values stand for, and the limits.

use serde::Deserialize;

/// What the generated values stand for, and where they are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FuzzInput {
    /// Any `Authorization` value: scheme words, separators, base64, stray bytes.
    Authorization,
    /// `Authorization: Bearer <token>` with token68-like and broken tokens.
    Bearer,
    /// An `X-Chroma-Token` value.
    XChromaToken,
    /// `Authorization: Bearer` with three (or more, or fewer) JWS-like segments: headers such as
    /// `{"alg":"none"}`, random claims, empty or random signatures.
    JwtSegments,
}

impl FuzzInput {
    pub const ALL: [FuzzInput; 4] = [
        FuzzInput::Authorization,
        FuzzInput::Bearer,
        FuzzInput::XChromaToken,
        FuzzInput::JwtSegments,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FuzzInput::Authorization => "authorization",
            FuzzInput::Bearer => "bearer",
            FuzzInput::XChromaToken => "x-chroma-token",
            FuzzInput::JwtSegments => "jwt-segments",
        }
    }

    /// The header a generated value goes in, and the value as sent.
    pub fn header(self, generated: &str) -> (&'static str, String) {
        match self {
            FuzzInput::Authorization => ("Authorization", generated.to_owned()),
            FuzzInput::XChromaToken => ("X-Chroma-Token", generated.to_owned()),
            FuzzInput::Bearer | FuzzInput::JwtSegments => {
                ("Authorization", format!("Bearer {generated}"))
            }
        }
    }
}

/// Limits of one fuzz case.
pub const DEFAULT_CASES: u32 = 100;
pub const MAX_CASES: u32 = 2000;
/// Requests the shrinking of a failure may send.
pub const MAX_SHRINK_REQUESTS: u32 = 300;
