//! Credential files in the formats the servers read: htpasswd, a single token, a token users file.

use super::ProvisionError;
use crate::provision::Credentials;

pub use authconform_format::htpasswd::{BCRYPT_COST, BCRYPT_COSTS, HtpasswdHash, HtpasswdRecipe};

/// One `user:bcrypt` line per user.
pub fn htpasswd(credentials: &Credentials) -> Result<String, ProvisionError> {
    htpasswd_with(credentials, &[HtpasswdHash::Bcrypt], BCRYPT_COST)
}

/// One line per user, the hashes taken in turn (users in fixture order): `[bcrypt, apr1]` gives
/// the first user bcrypt, the second apr1, the third bcrypt…
pub fn htpasswd_with(
    credentials: &Credentials,
    hashes: &[HtpasswdHash],
    bcrypt_cost: u32,
) -> Result<String, ProvisionError> {
    let mut out = String::new();
    for (i, user) in credentials.users.values().enumerate() {
        if user.name.contains(':') || user.name.is_empty() {
            return Err(ProvisionError::Unwritable(format!(
                "user name {:?} cannot stand in an htpasswd file",
                user.name
            )));
        }
        let hash = match hashes.get(i % hashes.len().max(1)) {
            Some(HtpasswdHash::Apr1) => {
                let salt = crate::provision::credentials::random_secret("");
                crate::authn::apr1::hash(user.password.expose().as_bytes(), &salt.as_bytes()[..8])
            }
            Some(HtpasswdHash::Des) => des_hash(user.password.expose())?,
            _ => bcrypt::hash_with_result(user.password.expose(), bcrypt_cost)
                .map_err(|e| ProvisionError::Unwritable(format!("bcrypt: {e}")))?
                .format_for_version(bcrypt::Version::TwoY),
        };
        out.push_str(&format!("{}:{hash}\n", user.name));
    }
    Ok(out)
}

/// The one token of a single-token mode, with no trailing newline (Chroma keeps it and never matches).
pub fn single_token(credentials: &Credentials) -> Result<String, ProvisionError> {
    let mut values = credentials.tokens.values();
    match (values.next(), values.next()) {
        (Some(token), None) => Ok(token.value.expose().to_owned()),
        (None, _) => Err(ProvisionError::Unwritable(
            "this mode needs one token under `fixtures.tokens`, and the suites declare none".into(),
        )),
        (Some(_), Some(_)) => Err(ProvisionError::Unwritable(format!(
            "this mode holds one token, but the suites declare {} ({}): use the token-users mode for several",
            credentials.tokens.len(),
            credentials
                .tokens
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// `users: [{id, tokens: [...]}]`, users in name order; where the suites declare roles, each
/// user's `role` and a `roles_mapping` (Chroma's SimpleRBAC reads the same file). A token holder
/// with no role then gets an empty one, as SimpleRBAC needs a role for every user.
pub fn token_users_yaml(credentials: &Credentials) -> String {
    let mut out = String::new();
    if !credentials.roles.is_empty() {
        out.push_str("roles_mapping:\n");
        for (role, actions) in &credentials.roles {
            out.push_str(&format!("  {}:\n    actions: [", yaml_quote(role)));
            let list: Vec<String> = actions.iter().map(|a| yaml_quote(a)).collect();
            out.push_str(&list.join(", "));
            out.push_str("]\n");
        }
        out.push_str(&format!("  {}:\n    actions: []\n", yaml_quote(NO_ROLE)));
    }
    out.push_str("users:\n");
    let mut holders: Vec<&str> = credentials
        .tokens
        .values()
        .map(|t| t.user.as_str())
        .collect();
    holders.sort_unstable();
    holders.dedup();
    for holder in holders {
        out.push_str(&format!("  - id: {}\n", yaml_quote(holder)));
        if !credentials.roles.is_empty() {
            let role = credentials
                .users
                .get(holder)
                .and_then(|u| u.role.as_deref())
                .unwrap_or(NO_ROLE);
            out.push_str(&format!("    role: {}\n", yaml_quote(role)));
        }
        out.push_str("    tokens:\n");
        for token in credentials.tokens.values().filter(|t| t.user == holder) {
            out.push_str(&format!("      - {}\n", yaml_quote(token.value.expose())));
        }
    }
    out
}

/// The role of token holders the suites give none, where roles are in use: it grants nothing.
pub const NO_ROLE: &str = "no-role";

fn yaml_quote(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// A traditional DES crypt hash (`htpasswd -d`) with a random two-character salt. DES reads only
/// the first 8 characters of the password: that is why it is offered — to show servers that
/// still accept it.
pub fn des_hash(password: &str) -> Result<String, ProvisionError> {
    const SALT: &[u8] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let random = crate::provision::credentials::random_secret("");
    let pick = |i: usize| SALT[usize::from(random.as_bytes()[i]) % SALT.len()] as char;
    let salt: String = [pick(0), pick(1)].iter().collect();
    authconform_authn::crypt::crypt(password, &salt).ok_or_else(|| {
        ProvisionError::Crypto(
            "DES crypt needs the system's libcrypt (libcrypt.so.1, Debian's libcrypt1) with the \
             traditional DES method enabled"
                .to_owned(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn htpasswd_lines_take_the_hashes_in_turn_and_verify() {
        let mut c = Credentials::default();
        for (name, pw) in [
            ("alice", "alice-password-1"),
            ("bob", "bob:pass"),
            ("carol", "c"),
        ] {
            c.users.insert(
                name.into(),
                crate::provision::User {
                    name: name.into(),
                    password: pw.into(),
                    role: None,
                },
            );
        }
        let text =
            htpasswd_with(&c, &[HtpasswdHash::Bcrypt, HtpasswdHash::Apr1], BCRYPT_COST).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("alice:$2y$05$"), "{}", lines[0]);
        assert!(lines[1].starts_with("bob:$apr1$"), "{}", lines[1]);
        assert!(lines[2].starts_with("carol:$2y$"), "{}", lines[2]);
        let file = crate::authn::htpasswd::Htpasswd::parse(&text)
            .unwrap()
            .accepting(crate::authn::htpasswd::Accept::Apache);
        assert!(file.verify("alice", "alice-password-1"));
        assert!(file.verify("bob", "bob:pass"));
        assert!(!file.verify("bob", "bob:pas"));
        assert!(file.verify("carol", "c"));
    }
    use crate::provision::{Token, User};

    fn creds() -> Credentials {
        let mut c = Credentials::default();
        c.users.insert(
            "admin".into(),
            User {
                name: "admin".into(),
                password: "pw".into(),
                role: None,
            },
        );
        c.tokens.insert(
            "a".into(),
            Token {
                value: "t-1".into(),
                user: "alice".into(),
            },
        );
        c.tokens.insert(
            "b".into(),
            Token {
                value: "t\"2".into(),
                user: "alice".into(),
            },
        );
        c.tokens.insert(
            "c".into(),
            Token {
                value: "t3".into(),
                user: "bob".into(),
            },
        );
        c
    }

    #[test]
    fn htpasswd_lines_verify() {
        let text = htpasswd(&creds()).unwrap();
        let file = crate::authn::Htpasswd::parse(&text).unwrap();
        assert!(file.verify("admin", "pw"));
    }

    #[test]
    fn users_file_groups_tokens_by_user() {
        insta::assert_snapshot!(token_users_yaml(&creds()), @r#"
        users:
          - id: "alice"
            tokens:
              - "t-1"
              - "t\"2"
          - id: "bob"
            tokens:
              - "t3"
        "#);
    }

    #[test]
    fn with_roles_the_users_file_is_also_a_simple_rbac_file() {
        let mut c = creds();
        c.users.insert(
            "alice".into(),
            User {
                name: "alice".into(),
                password: "pw".into(),
                role: Some("reader".into()),
            },
        );
        c.roles
            .insert("reader".into(), vec!["db:list_collections".into()]);
        insta::assert_snapshot!(token_users_yaml(&c), @r#"
        roles_mapping:
          "reader":
            actions: ["db:list_collections"]
          "no-role":
            actions: []
        users:
          - id: "alice"
            role: "reader"
            tokens:
              - "t-1"
              - "t\"2"
          - id: "bob"
            role: "no-role"
            tokens:
              - "t3"
        "#);
    }

    #[test]
    fn single_token_needs_exactly_one() {
        assert!(
            single_token(&creds())
                .unwrap_err()
                .to_string()
                .contains("declare 3")
        );
        assert!(single_token(&Credentials::default()).is_err());
    }
}
