//! Apache's `$apr1$` password hash: the MD5-crypt construction with the `$apr1$` magic, over the
//! md-5 crate's MD5 (no maintained crate implements it).

use md5::{Digest, Md5};

const MAGIC: &[u8] = b"$apr1$";
const ALPHABET: &[u8; 64] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `$apr1$<salt>$<22 characters>` for `password` and a salt of up to 8 characters.
pub fn hash(password: &[u8], salt: &[u8]) -> String {
    let salt = &salt[..salt.len().min(8)];
    let mut alternate = Md5::new();
    alternate.update(password);
    alternate.update(salt);
    alternate.update(password);
    let alternate = alternate.finalize();

    let mut ctx = Md5::new();
    ctx.update(password);
    ctx.update(MAGIC);
    ctx.update(salt);
    let mut left = password.len();
    while left > 0 {
        let n = left.min(16);
        ctx.update(&alternate[..n]);
        left -= n;
    }
    let mut bits = password.len();
    while bits > 0 {
        if bits & 1 == 1 {
            ctx.update([0u8]);
        } else {
            ctx.update(&password[..password.len().min(1)]);
        }
        bits >>= 1;
    }
    let mut digest = ctx.finalize();
    for round in 0..1000 {
        let mut c = Md5::new();
        if round & 1 == 1 {
            c.update(password);
        } else {
            c.update(digest);
        }
        if round % 3 != 0 {
            c.update(salt);
        }
        if round % 7 != 0 {
            c.update(password);
        }
        if round & 1 == 1 {
            c.update(digest);
        } else {
            c.update(password);
        }
        digest = c.finalize();
    }
    let d = digest;
    let mut out = String::with_capacity(6 + salt.len() + 1 + 22);
    out.push_str("$apr1$");
    out.push_str(&String::from_utf8_lossy(salt));
    out.push('$');
    for (a, b, c) in [(0, 6, 12), (1, 7, 13), (2, 8, 14), (3, 9, 15), (4, 10, 5)] {
        encode(
            &mut out,
            (u32::from(d[a]) << 16) | (u32::from(d[b]) << 8) | u32::from(d[c]),
            4,
        );
    }
    encode(&mut out, u32::from(d[11]), 2);
    out
}

fn encode(out: &mut String, mut value: u32, chars: usize) {
    for _ in 0..chars {
        out.push(ALPHABET[(value & 0x3f) as usize] as char);
        value >>= 6;
    }
}

/// The salt of a stored `$apr1$salt$digest` hash, or `None` when it is not one.
pub fn salt_of(stored: &str) -> Option<&str> {
    let rest = stored.strip_prefix("$apr1$")?;
    let (salt, digest) = rest.split_once('$')?;
    (salt.len() <= 8 && digest.len() == 22).then_some(salt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_apache_htpasswd_vectors() {
        // From vectors/htpasswd.txt (made by Apache's htpasswd -m).
        assert_eq!(
            hash(b"pass1", b"3QJbSsD3"),
            "$apr1$3QJbSsD3$A6El2U8SgcpDX3IdVmRuj."
        );
        assert_eq!(
            hash(b"a:b", b"ta.VnMRH"),
            "$apr1$ta.VnMRH$XAOTybQlK/avQq8VxPpL2/"
        );
    }

    #[test]
    fn salt_extraction() {
        assert_eq!(
            salt_of("$apr1$3QJbSsD3$A6El2U8SgcpDX3IdVmRuj."),
            Some("3QJbSsD3")
        );
        assert_eq!(salt_of("$apr1$toolongsalt$A6El2U8SgcpDX3IdVmRuj."), None);
        assert_eq!(salt_of("$2y$05$x"), None);
    }
}
