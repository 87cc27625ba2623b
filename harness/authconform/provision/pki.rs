//! The run's own PKI, made with rcgen in memory: a test CA and an unrelated second CA; server
//! certificates for localhost/127.0.0.1 (CA-signed, for a wrong host name, expired, self-signed,
//! signed by the other CA); client certificates whose CN is a user name, from either CA.

use super::ProvisionError;
use std::collections::BTreeMap;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use time::{Duration, OffsetDateTime};

/// A certificate and its private key, PEM-encoded. Debug never shows the key.
#[derive(Clone)]
pub struct CertKey {
    pub cert: String,
    pub key: String,
}

impl std::fmt::Debug for CertKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertKey")
            .field("cert_len", &self.cert.len())
            .finish()
    }
}

pub use authconform_format::tls::ServerCert;

pub struct Pki {
    pub ca: String,
    pub other_ca: String,
    servers: BTreeMap<ServerCert, CertKey>,
    ca_issuer: Issuer<'static, KeyPair>,
    other_issuer: Issuer<'static, KeyPair>,
}

impl std::fmt::Debug for Pki {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pki")
            .field("servers", &self.servers.keys().collect::<Vec<_>>())
            .finish()
    }
}

const HOST_NAMES: [&str; 2] = ["localhost", "127.0.0.1"];

impl Pki {
    pub fn generate() -> Result<Pki, ProvisionError> {
        let (ca, ca_issuer) = authority("authconform test CA")?;
        let (other_ca, other_issuer) = authority("authconform unrelated CA")?;
        let now = OffsetDateTime::now_utc();
        let mut servers = BTreeMap::new();
        // Common names are unique to the run's PKI, so no system trust anchor can share them.
        servers.insert(
            ServerCert::CaSigned,
            leaf(&HOST_NAMES, "authconform server", Some(&ca_issuer), None)?,
        );
        servers.insert(
            ServerCert::WrongHost,
            leaf(
                &["wrong-host.authconform.test"],
                "authconform wrong-host server",
                Some(&ca_issuer),
                None,
            )?,
        );
        servers.insert(
            ServerCert::Expired,
            leaf(
                &HOST_NAMES,
                "authconform expired server",
                Some(&ca_issuer),
                Some((now - Duration::days(30), now - Duration::days(1))),
            )?,
        );
        servers.insert(
            ServerCert::SelfSigned,
            leaf(&HOST_NAMES, "authconform self-signed server", None, None)?,
        );
        servers.insert(
            ServerCert::OtherCa,
            leaf(
                &HOST_NAMES,
                "authconform other-CA server",
                Some(&other_issuer),
                None,
            )?,
        );
        Ok(Pki {
            ca,
            other_ca,
            servers,
            ca_issuer,
            other_issuer,
        })
    }

    pub fn server(&self, which: ServerCert) -> &CertKey {
        &self.servers[&which]
    }

    /// A client certificate with CN = `user`, from the test CA or the unrelated one.
    pub fn client(&self, user: &str, other_ca: bool) -> Result<CertKey, ProvisionError> {
        let issuer = if other_ca {
            &self.other_issuer
        } else {
            &self.ca_issuer
        };
        let mut params = CertificateParams::new(Vec::<String>::new())
            .map_err(|e| ProvisionError::Crypto(e.to_string()))?;
        params.distinguished_name.push(DnType::CommonName, user);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let key = KeyPair::generate().map_err(|e| ProvisionError::Crypto(e.to_string()))?;
        let cert = params
            .signed_by(&key, issuer)
            .map_err(|e| ProvisionError::Crypto(e.to_string()))?;
        Ok(CertKey {
            cert: cert.pem(),
            key: key.serialize_pem(),
        })
    }
}

fn authority(name: &str) -> Result<(String, Issuer<'static, KeyPair>), ProvisionError> {
    let mut params = CertificateParams::new(Vec::<String>::new())
        .map_err(|e| ProvisionError::Crypto(e.to_string()))?;
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let key = KeyPair::generate().map_err(|e| ProvisionError::Crypto(e.to_string()))?;
    let cert = params
        .self_signed(&key)
        .map_err(|e| ProvisionError::Crypto(e.to_string()))?;
    Ok((cert.pem(), Issuer::new(params, key)))
}

fn leaf(
    names: &[&str],
    common_name: &str,
    issuer: Option<&Issuer<'static, KeyPair>>,
    validity: Option<(OffsetDateTime, OffsetDateTime)>,
) -> Result<CertKey, ProvisionError> {
    let mut params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
            .map_err(|e| ProvisionError::Crypto(e.to_string()))?;
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    if let Some((from, until)) = validity {
        params.not_before = from;
        params.not_after = until;
    }
    let key = KeyPair::generate().map_err(|e| ProvisionError::Crypto(e.to_string()))?;
    let cert = match issuer {
        Some(issuer) => params.signed_by(&key, issuer),
        None => params.self_signed(&key),
    }
    .map_err(|e| ProvisionError::Crypto(e.to_string()))?;
    Ok(CertKey {
        cert: cert.pem(),
        key: key.serialize_pem(),
    })
}

/// The run's PKI with its public certificates written to a private temporary directory, so
/// scenarios can name them as CA files (`{{ tls.ca }}`). Private keys are never written here.
pub struct TlsLab {
    pub pki: Pki,
    pub files: BTreeMap<&'static str, std::path::PathBuf>,
    _dir: tempfile::TempDir,
}

impl TlsLab {
    pub fn create() -> Result<TlsLab, ProvisionError> {
        let pki = Pki::generate()?;
        let dir = tempfile::Builder::new()
            .prefix("authconform-tls-")
            .tempdir()
            .map_err(|source| ProvisionError::Write {
                path: std::env::temp_dir(),
                source,
            })?;
        let mut files = BTreeMap::new();
        for (name, pem) in [
            ("ca", pki.ca.as_str()),
            ("other_ca", pki.other_ca.as_str()),
            (
                "self_signed_cert",
                pki.server(ServerCert::SelfSigned).cert.as_str(),
            ),
        ] {
            let path = dir.path().join(format!("{name}.pem"));
            std::fs::write(&path, pem).map_err(|source| ProvisionError::Write {
                path: path.clone(),
                source,
            })?;
            files.insert(name, path);
        }
        Ok(TlsLab {
            pki,
            files,
            _dir: dir,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_every_certificate_and_hides_keys() {
        let pki = Pki::generate().unwrap();
        for which in [
            ServerCert::CaSigned,
            ServerCert::WrongHost,
            ServerCert::Expired,
            ServerCert::SelfSigned,
            ServerCert::OtherCa,
        ] {
            let s = pki.server(which);
            assert!(
                s.cert.starts_with("-----BEGIN CERTIFICATE-----"),
                "{which:?}"
            );
            assert!(s.key.contains("PRIVATE KEY"), "{which:?}");
            assert!(!format!("{s:?}").contains("PRIVATE"));
        }
        let client = pki.client("alice", false).unwrap();
        let (_, parsed) = x509_parser::pem::parse_x509_pem(client.cert.as_bytes()).unwrap();
        let cert = parsed.parse_x509().unwrap();
        let cn = cert
            .subject()
            .iter_common_name()
            .next()
            .unwrap()
            .as_str()
            .unwrap();
        assert_eq!(cn, "alice");
    }
}
