//! What planning makes: concrete requests, expectations, TLS set-ups, planned cases and the groups
//! that run against one server instance.

use std::cmp::Ordering;
use std::time::Duration;

use regex::Regex;

use crate::dialect::{Dialect, Mode};
use crate::jwt::TokenSpec;
use crate::level::Level;
use crate::provision::Credentials;
use crate::scenario::model::*;

/// `Debug` (manual, in `describe.rs`) shows the method, the path without its query, header names
/// and sizes: a request carries credentials.
#[derive(Clone)]
pub struct HttpRequest {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Option<Vec<u8>>,
    /// A token forged when the request is sent (its times are relative to then).
    pub jwt: Option<PlannedJwt>,
    /// Sent byte for byte over plain HTTP, never normalised: a path-confusion variant.
    pub raw: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlannedJwt {
    pub spec: TokenSpec,
    /// `Authorization: <scheme> <token>`; `None`: the `access_token` query parameter.
    pub scheme: Option<String>,
}

/// What happens around a case's request in a sequential suite.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Steps {
    pub issuer: Option<(IssuerChange, Option<Duration>)>,
    pub wait: Option<Duration>,
    /// Values taken from the answer: name → JSON pointer.
    pub capture: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusCheck {
    Code(u16),
    AnyOf(Vec<u16>),
    /// `4` for `4xx`.
    Class(u16),
    /// `2` for `not 2xx`: any status outside the class (what a refusal must be, whatever its code).
    NotClass(u16),
    /// `not 401, 403`: any status but these (credentials not refused, whether or not the route
    /// exists).
    NoneOf(Vec<u16>),
}

#[derive(Debug, Clone)]
pub enum HeaderCheck {
    Present,
    Absent,
    Equals(String),
    Contains(String),
    Matches(Regex),
}

#[derive(Debug, Clone, Default)]
pub struct Expectation {
    pub status: Option<StatusCheck>,
    pub headers: Vec<(String, HeaderCheck)>,
    pub body_contains: Vec<String>,
    pub body_not_contains: Vec<String>,
    pub body_equals: Option<String>,
    pub json: Vec<(String, serde_json::Value)>,
    /// Index of the case in the same group whose answer this one must equal.
    pub same_as: Option<usize>,
    /// Index of the case whose status, headers other than `Date` and body this answer must
    /// equal, and the other headers not compared (lower case).
    pub indistinguishable: Option<(usize, Vec<String>)>,
    /// Index of the case whose 2xx content this answer must not carry, and the case to paste
    /// that replays this request when it does.
    pub not_content_of: Option<(usize, String)>,
    pub challenge: Option<ChallengeSpec>,
    pub fuzz: Option<PlannedFuzz>,
    pub tls_error: Option<TlsError>,
    /// Issuer counts after the answer: (counter, comparison, N).
    pub fetches: Vec<(String, Ordering, u64)>,
    pub timing: Option<PlannedTiming>,
}

/// Latency sampling against another case of the same group.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedTiming {
    /// Index of the other case in the group.
    pub like: usize,
    pub like_name: String,
    pub samples: u32,
    pub within: Duration,
}

/// Generated values sent to a case's request (`expect.fuzz`).
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedFuzz {
    pub input: crate::live_fuzz::FuzzInput,
    pub cases: u32,
    pub within: Duration,
    pub seed: Option<u64>,
    /// The case's endpoint name and `ref`, for the replay case a failure prints.
    pub endpoint: String,
    pub reference: String,
}

pub const DEFAULT_FUZZ_WITHIN: Duration = Duration::from_secs(20);

pub const DEFAULT_SAMPLES: u32 = 100;
pub const DEFAULT_TIMING_WITHIN: Duration = Duration::from_secs(20);

/// How the client verifies the server, and what it presents.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ClientVerify {
    /// The system's root certificates only.
    System,
    /// No verification at all.
    Insecure,
    /// Trust exactly the certificates in this PEM file.
    CaFile(std::path::PathBuf),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientTls {
    pub verify: ClientVerify,
    /// A client certificate with this CN, from the test CA or the unrelated one.
    pub client_cert: Option<(String, CertIssuer)>,
    pub scheme: Option<Scheme>,
}

#[derive(Debug, Clone)]
pub struct PlannedCase {
    pub suite: usize,
    pub case: usize,
    /// The endpoint a case written for a role (`endpoint: protected`) was bound to.
    pub endpoint: Option<String>,
    pub mode: String,
    pub level: Level,
    pub request: HttpRequest,
    pub expect: Expectation,
    pub tls: ClientTls,
    pub steps: Steps,
    /// The sweep row this case is: sent once per operation of the target's OpenAPI document,
    /// which `sweep::expand` reads when the server is up.
    pub sweep: Option<SweepRole>,
    /// The access-matrix cell, for cases made after planning (a sweep's operation × row).
    pub cell: Option<Cell>,
    /// Not sent, and why (a destructive operation the target does not allow).
    pub skip: Option<String>,
    /// Not sent because what it needed failed (an OpenAPI document that could not be read).
    pub error: Option<String>,
}

/// The cases that run against one server instance: one dialect, one mode, one set of credentials.
#[derive(Debug)]
pub struct Group {
    pub dialect: Dialect,
    pub mode: &'static Mode,
    /// The certificate the server presents, when the suites need TLS.
    pub tls: Option<SuiteTls>,
    pub suites: Vec<usize>,
    pub credentials: Credentials,
    pub cases: Vec<PlannedCase>,
    /// Cases one at a time in file order (the suite changes or observes the issuer).
    pub sequential: bool,
    /// The issuer's state for this server, from the suite's `issuer:` block.
    pub issuer: Option<(IssuerChange, Option<Duration>)>,
}

/// The suites that run against one server: its dialect, mode and TLS set-up.
pub type ModeSuites = (Dialect, &'static Mode, Option<SuiteTls>, Vec<usize>);

#[derive(Debug, Clone)]
pub struct Skip {
    pub suite: usize,
    pub mode: String,
    pub reason: String,
}
