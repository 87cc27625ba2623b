//! The TLS lab's certificates and client-certificate policies, as scenario and target files name them.

/// Which certificate a TLS server presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerCert {
    /// Signed by the test CA for `localhost` and `127.0.0.1`.
    CaSigned,
    /// Signed by the test CA for another host name.
    WrongHost,
    /// Signed by the test CA, valid until yesterday.
    Expired,
    /// A self-signed leaf for `localhost` and `127.0.0.1`.
    SelfSigned,
    /// Signed by the unrelated second CA.
    OtherCa,
}

impl ServerCert {
    pub fn name(self) -> &'static str {
        match self {
            ServerCert::CaSigned => "ca_signed",
            ServerCert::WrongHost => "wrong_host",
            ServerCert::Expired => "expired",
            ServerCert::SelfSigned => "self_signed",
            ServerCert::OtherCa => "other_ca",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuth {
    None,
    /// Ask for a certificate; connections without one are allowed.
    Request,
    /// Refuse the handshake without a certificate from the client CA.
    Require,
}
