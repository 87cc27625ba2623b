//! A launched server's private work directory: the credential, settings and TLS files it is given,
//! written with the modes the target asks for, and the values its launch templates may use.

use super::LaunchError;
use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::provision::pki::TlsLab;
use crate::provision::{Credentials, files};
use crate::scenario::model::{ClientAuth, SuiteTls};
use crate::scenario::template::{Lookup, Resolved};

/// The values a launch may use, with the credential files written into the work directory.
pub(super) struct LaunchValues<'a> {
    values: BTreeMap<&'static str, Resolved>,
    /// `settings.<NAME>`: the server settings made for the mode (Weaviate's environment…).
    settings: BTreeMap<String, String>,
    /// `issuer.url`, `jwks.url`, `jwks.attacker_url`, `jwt.aud`, `jwt.client_secret`.
    jwt: Option<Credentials>,
    env: &'a dyn Lookup,
    /// The mode credential files are written with (`launch.file_mode`, default 0600).
    file_mode: u32,
}

impl<'a> LaunchValues<'a> {
    pub(super) fn write(
        workdir: &Path,
        target_dir: &Path,
        port: u16,
        credentials: &Credentials,
        env: &'a dyn Lookup,
        file_mode: u32,
        htpasswd: &files::HtpasswdRecipe,
    ) -> Result<LaunchValues<'a>, LaunchError> {
        let plain = |s: String| Resolved {
            text: s,
            secret: false,
        };
        let mut values = BTreeMap::new();
        values.insert("port", plain(port.to_string()));
        values.insert("host", plain("127.0.0.1".into()));
        values.insert("base_url", plain(format!("http://127.0.0.1:{port}")));
        values.insert("workdir", plain(workdir.display().to_string()));
        let target_dir =
            std::path::absolute(target_dir).unwrap_or_else(|_| target_dir.to_path_buf());
        values.insert("target_dir", plain(target_dir.display().to_string()));
        let write = |name: &str, body: &str| -> Result<String, LaunchError> {
            let path = workdir.join(name);
            write_private(&path, body, file_mode).map_err(|source| LaunchError::Io {
                what: format!("cannot write {}", path.display()),
                source,
            })?;
            Ok(path.display().to_string())
        };
        if !credentials.users.is_empty() {
            values.insert(
                "fixtures.htpasswd",
                plain(write(
                    "htpasswd",
                    &files::htpasswd_with(credentials, &htpasswd.hashes, htpasswd.bcrypt_cost)?,
                )?),
            );
        }
        if let Ok(token) = files::single_token(credentials) {
            values.insert("fixtures.token_file", plain(write("token", &token)?));
            values.insert(
                "fixtures.token",
                Resolved {
                    text: token,
                    secret: true,
                },
            );
        }
        if !credentials.tokens.is_empty() {
            values.insert(
                "fixtures.token_users",
                plain(write(
                    "token-users.yaml",
                    &files::token_users_yaml(credentials),
                )?),
            );
        }
        Ok(LaunchValues {
            values,
            settings: BTreeMap::new(),
            jwt: credentials.jwt.clone().map(|jwt| Credentials {
                jwt: Some(jwt),
                ..Credentials::default()
            }),
            env,
            file_mode,
        })
    }
}

impl LaunchValues<'_> {
    /// `settings.<NAME>` for each setting, and `fixtures.settings_file` (0600) holding them all.
    pub(super) fn add_settings(&mut self, workdir: &Path, text: &str) -> Result<(), LaunchError> {
        if text.is_empty() {
            return Ok(());
        }
        self.settings = text
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let path = workdir.join("settings.env");
        write_private(&path, text, self.file_mode).map_err(|source| LaunchError::Io {
            what: format!("cannot write {}", path.display()),
            source,
        })?;
        self.values.insert(
            "fixtures.settings_file",
            Resolved {
                text: path.display().to_string(),
                secret: false,
            },
        );
        Ok(())
    }

    /// `tls.server_cert` and `tls.server_key` (written 0600 into the work directory, removed with
    /// it) for the certificate the suite asks for, `tls.ca` for client certificates, and
    /// `tls.cert_reqs` (0, 1 or 2: none, request, require).
    pub(super) fn add_tls(
        &mut self,
        workdir: &Path,
        tls: SuiteTls,
        lab: &TlsLab,
    ) -> Result<(), LaunchError> {
        let plain = |s: String| Resolved {
            text: s,
            secret: false,
        };
        let server = lab.pki.server(tls.server);
        for (name, file, body) in [
            ("tls.server_cert", "server.pem", &server.cert),
            ("tls.server_key", "server-key.pem", &server.key),
            ("tls.ca", "ca.pem", &lab.pki.ca),
        ] {
            let path = workdir.join(file);
            write_private(&path, body, self.file_mode).map_err(|source| LaunchError::Io {
                what: format!("cannot write {}", path.display()),
                source,
            })?;
            self.values.insert(name, plain(path.display().to_string()));
        }
        // Python's ssl.CERT_NONE / CERT_OPTIONAL / CERT_REQUIRED, as uvicorn's --ssl-cert-reqs takes them.
        let cert_reqs = match tls.client_auth {
            ClientAuth::None => "0",
            ClientAuth::Request => "1",
            ClientAuth::Require => "2",
        };
        self.values
            .insert("tls.cert_reqs", plain(cert_reqs.to_owned()));
        Ok(())
    }
}

impl Lookup for LaunchValues<'_> {
    fn value(&self, path: &[String]) -> Option<Resolved> {
        if let [kind, name] = path
            && kind == "settings"
        {
            // Settings hold API keys: secret.
            return self.settings.get(name).map(|v| Resolved {
                text: v.clone(),
                secret: true,
            });
        }
        self.values
            .get(path.join(".").as_str())
            .cloned()
            .or_else(|| self.jwt.as_ref().and_then(|c| c.value(path)))
    }
    fn env(&self, name: &str) -> Option<String> {
        self.env.env(name)
    }
    fn derived_secret(&self, text: &str) {
        self.env.derived_secret(text);
    }
}

/// Writes a new file with exactly `mode` (0600 unless the target asks for more), whatever the umask.
pub(super) fn write_private(path: &Path, body: &str, mode: u32) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.set_permissions(std::fs::Permissions::from_mode(mode))?;
    file.write_all(body.as_bytes())
}

/// The work directory's mode for files of `file_mode`: 0700, plus search (not list) permission
/// for the classes the files are readable by, so a server whose workers drop privileges can open
/// them by name.
pub fn dir_mode(file_mode: u32) -> u32 {
    let mut mode = 0o700;
    if file_mode & 0o040 != 0 {
        mode |= 0o010;
    }
    if file_mode & 0o004 != 0 {
        mode |= 0o001;
    }
    mode
}
