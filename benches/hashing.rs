//! Hash verification beside peers measured in the same run: bcrypt (the bcrypt crate) beside
//! libxcrypt's `crypt_r` (loaded with dlopen, bench only), PBKDF2-HMAC-SHA512 at 40,000 iterations
//! with RustCrypto beside aws-lc-rs, and htpasswd lookup + verify against the verification alone.

use std::ffi::{CStr, CString, c_char, c_void};
use std::hint::black_box;
use std::num::NonZeroU32;

use authconform_authn::htpasswd::{Accept, Htpasswd, verify_hash};
use authconform_authn::pbkdf2_record::derive_key;
use criterion::{Criterion, criterion_group, criterion_main};

type CryptR = unsafe extern "C" fn(*const c_char, *const c_char, *mut c_void) -> *mut c_char;

/// libxcrypt's `crypt_r`, from the system's libcrypt.so.1.
struct Libxcrypt {
    crypt_r: CryptR,
    data: Vec<u8>,
}

impl Libxcrypt {
    fn load() -> Option<Libxcrypt> {
        // SAFETY: dlopen/dlsym with valid C strings; the symbol has crypt_r's documented signature.
        unsafe {
            let lib = libc::dlopen(c"libcrypt.so.1".as_ptr(), libc::RTLD_NOW);
            if lib.is_null() {
                return None;
            }
            let sym = libc::dlsym(lib, c"crypt_r".as_ptr());
            if sym.is_null() {
                return None;
            }
            // struct crypt_data is 32 KiB in libxcrypt; zeroed before first use.
            Some(Libxcrypt {
                crypt_r: std::mem::transmute::<*mut c_void, CryptR>(sym),
                data: vec![0u8; 64 * 1024],
            })
        }
    }

    fn verify(&mut self, password: &CStr, hash: &CStr) -> bool {
        // SAFETY: both strings are NUL-terminated; `data` is a zeroed crypt_data-sized buffer we own.
        let out = unsafe {
            (self.crypt_r)(
                password.as_ptr(),
                hash.as_ptr(),
                self.data.as_mut_ptr().cast(),
            )
        };
        // SAFETY: crypt_r returns NULL or a NUL-terminated string inside `data`.
        !out.is_null() && unsafe { CStr::from_ptr(out) } == hash
    }
}

fn bcrypt_verify(c: &mut Criterion) {
    let mut xcrypt = Libxcrypt::load();
    for cost in [5u32, 10] {
        let hash = bcrypt::hash("correct horse", cost)
            .unwrap()
            .replacen("$2b$", "$2y$", 1);
        let mut group = c.benchmark_group(format!("bcrypt_verify/cost{cost}"));
        group.sample_size(if cost >= 10 { 10 } else { 30 });
        group.bench_function("authconform (bcrypt crate)", |b| {
            b.iter(|| {
                assert!(verify_hash(
                    black_box(&hash),
                    black_box("correct horse"),
                    14,
                    Accept::BcryptOnly
                ))
            })
        });
        if let Some(x) = xcrypt.as_mut() {
            let (pw, h) = (
                CString::new("correct horse").unwrap(),
                CString::new(hash.clone()).unwrap(),
            );
            assert!(
                x.verify(&pw, &h),
                "libxcrypt verifies the bcrypt crate's hash"
            );
            group.bench_function("libxcrypt crypt_r", |b| {
                b.iter(|| assert!(x.verify(black_box(&pw), black_box(&h))))
            });
        }
        group.finish();
    }
}

fn pbkdf2(c: &mut Criterion) {
    let salt = [0x42u8; 32];
    let expected = derive_key(b"s3cret!", &salt, 40_000);
    let mut group = c.benchmark_group("pbkdf2_sha512/40000");
    group.sample_size(20);
    group.bench_function("RustCrypto pbkdf2", |b| {
        b.iter(|| {
            let mut out = [0u8; 64];
            pbkdf2::pbkdf2_hmac::<sha2::Sha512>(black_box(b"s3cret!"), &salt, 40_000, &mut out);
            black_box(out)
        })
    });
    group.bench_function("aws-lc-rs", |b| {
        b.iter(|| {
            let mut out = [0u8; 64];
            aws_lc_rs::pbkdf2::derive(
                aws_lc_rs::pbkdf2::PBKDF2_HMAC_SHA512,
                NonZeroU32::new(40_000).unwrap(),
                &salt,
                black_box(b"s3cret!"),
                &mut out,
            );
            assert_eq!(out, expected);
            black_box(out)
        })
    });
    group.bench_function("authconform (derive_key)", |b| {
        b.iter(|| black_box(derive_key(black_box(b"s3cret!"), &salt, 40_000)))
    });
    group.finish();
}

fn htpasswd_lookup(c: &mut Criterion) {
    let hash = bcrypt::hash("pw", 5).unwrap();
    let mut group = c.benchmark_group("htpasswd/cost5");
    group.sample_size(30);
    group.bench_function("verify_hash alone", |b| {
        b.iter(|| assert!(verify_hash(black_box(&hash), "pw", 14, Accept::BcryptOnly)))
    });
    for users in [10usize, 10_000] {
        let text: String = (0..users).map(|i| format!("user{i}:{hash}\n")).collect();
        let file = Htpasswd::parse(&text).unwrap();
        let target = format!("user{}", users / 2);
        group.bench_function(format!("lookup+verify, {users} users"), |b| {
            b.iter(|| assert!(file.verify(black_box(&target), "pw")))
        });
    }
    group.finish();
}

criterion_group!(benches, bcrypt_verify, pbkdf2, htpasswd_lookup);
criterion_main!(benches);
