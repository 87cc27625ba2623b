//! The system's `crypt(3)` (libxcrypt's `crypt_r`, loaded from `libcrypt.so.1` at run time): the
//! hash nginx and Apache use for htpasswd lines that are neither `$apr1$` nor `{SHA}`. authconform
//! writes traditional DES lines with it (`htpasswd -d`, to show servers that still take them) and
//! the `des-truncation` flaw of the reference server verifies them with it (the salt and the line are the harness's); the benchmarks measure
//! bcrypt beside it. Nothing here hashes by itself.

use std::ffi::{CStr, CString, c_char, c_void};
use std::sync::OnceLock;

type CryptR = unsafe extern "C" fn(*const c_char, *const c_char, *mut c_void) -> *mut c_char;

/// libxcrypt's `struct crypt_data` is 32 KiB; twice that, zeroed, is always enough.
const CRYPT_DATA_BYTES: usize = 64 * 1024;

/// `crypt_r` from the system's libcrypt, or `None` when there is none.
fn crypt_r() -> Option<CryptR> {
    static LOADED: OnceLock<Option<usize>> = OnceLock::new();
    let address = (*LOADED.get_or_init(|| {
        // SAFETY: dlopen/dlsym with NUL-terminated names; the library stays loaded for the process.
        unsafe {
            let lib = libc::dlopen(c"libcrypt.so.1".as_ptr(), libc::RTLD_NOW);
            if lib.is_null() {
                return None;
            }
            let sym = libc::dlsym(lib, c"crypt_r".as_ptr());
            (!sym.is_null()).then_some(sym as usize)
        }
    }))?;
    // SAFETY: the symbol is libxcrypt's crypt_r, whose C signature CryptR spells out.
    Some(unsafe { std::mem::transmute::<usize, CryptR>(address) })
}

/// Whether the system's `crypt(3)` can be used.
pub fn available() -> bool {
    crypt_r().is_some()
}

/// A `crypt_r` work area, reused across calls (what a server keeps per thread).
pub struct Crypt {
    function: CryptR,
    data: Vec<u8>,
}

impl Crypt {
    /// `None` without the system's libcrypt.
    pub fn new() -> Option<Crypt> {
        Some(Crypt {
            function: crypt_r()?,
            data: vec![0u8; CRYPT_DATA_BYTES],
        })
    }

    /// `crypt(password, setting)`: the hash of `password` for the method and salt `setting`
    /// names (a whole hash verifies as its own setting). `None` for a password or setting holding
    /// NUL, or when crypt refuses the setting.
    pub fn crypt(&mut self, password: &str, setting: &str) -> Option<String> {
        let (password, setting) = (CString::new(password).ok()?, CString::new(setting).ok()?);
        // SAFETY: both strings are NUL-terminated; `data` is a buffer of crypt_data's size or
        // more, zeroed when made and only ever written by crypt_r, owned here for the call.
        let out = unsafe {
            (self.function)(
                password.as_ptr(),
                setting.as_ptr(),
                self.data.as_mut_ptr().cast(),
            )
        };
        if out.is_null() {
            return None;
        }
        // SAFETY: crypt_r returns NULL or a NUL-terminated string inside `data`.
        let text = unsafe { CStr::from_ptr(out) }.to_str().ok()?.to_owned();
        // libxcrypt's failure token starts with `*`.
        (!text.starts_with('*')).then_some(text)
    }

    /// Whether `password` matches the crypt(3) `hash` (constant-time comparison).
    pub fn verify(&mut self, password: &str, hash: &str) -> bool {
        self.crypt(password, hash)
            .is_some_and(|h| crate::constant_time::ct_eq(h.as_bytes(), hash.as_bytes()))
    }
}

/// [`Crypt::crypt`] with a work area of its own; `None` also without libcrypt.
pub fn crypt(password: &str, setting: &str) -> Option<String> {
    Crypt::new()?.crypt(password, setting)
}

/// [`Crypt::verify`] with a work area of its own; false also without libcrypt.
pub fn verify(password: &str, hash: &str) -> bool {
    Crypt::new().is_some_and(|mut c| c.verify(password, hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn des_reads_eight_characters_and_bcrypt_verifies_through_crypt() {
        if !available() {
            eprintln!("skipped: no libcrypt.so.1 on this machine");
            return;
        }
        let hash = crypt("longpassword1", "ab").unwrap();
        assert_eq!(hash.len(), 13, "{hash}");
        assert!(verify("longpassword1", &hash));
        assert!(verify("longpassXYZ", &hash), "DES reads only 8 characters");
        assert!(!verify("longpasXYZ", &hash));
        let bcrypt = bcrypt::hash("correct horse", 4).unwrap();
        assert!(verify("correct horse", &bcrypt));
        assert!(!verify("correct horsf", &bcrypt));
        assert_eq!(crypt("x", "!!"), None, "a setting crypt refuses");
        assert_eq!(crypt("nul\0inside", "ab"), None);
    }
}
