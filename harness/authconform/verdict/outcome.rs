//! What came back from sending one case: the leaf types the sender fills and the judge reads.

use crate::live_fuzz::FuzzResult;
use crate::scenario::model::TlsError;

/// An HTTP answer as the assertions see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: u16,
    /// Names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The mock issuer's counts read right after the answer, when the case asks for them.
    pub fetches: Vec<(String, u64)>,
    /// Latencies in ms of this case's request and of its `timing.like` case's, sampled alternately.
    pub timing: Option<(Vec<f64>, Vec<f64>)>,
    /// What the case's fuzzing found, when it has a `fuzz` expectation.
    pub fuzz: Option<FuzzResult>,
}

impl Answer {
    /// An answer as it came off the wire: nothing measured or fetched around it.
    pub fn new(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> Answer {
        Answer {
            status,
            headers,
            body,
            fetches: Vec::new(),
            timing: None,
            fuzz: None,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// What came of sending one case.
#[derive(Debug, Clone)]
pub enum Outcome {
    Answered(Answer),
    /// The connection failed in TLS, for a named cause.
    TlsFailed(TlsError, String),
    Errored(String),
}
