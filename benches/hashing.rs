//! Hash verification beside peers measured in the same run: bcrypt (the bcrypt crate) beside
//! libxcrypt's `crypt_r` (loaded with dlopen, `authconform::provision::crypt`), PBKDF2-HMAC-SHA512 at 40,000 iterations
//! with RustCrypto beside aws-lc-rs, and htpasswd lookup + verify against the verification alone.

use std::hint::black_box;
use std::num::NonZeroU32;

use authconform_authn::htpasswd::{Accept, Htpasswd, verify_hash};
use authconform_authn::pbkdf2_record::derive_key;
use criterion::{Criterion, criterion_group, criterion_main};

fn bcrypt_verify(c: &mut Criterion) {
    // libxcrypt through the same wrapper the reference server uses, one work area reused.
    let mut xcrypt = authconform::authn::crypt::Crypt::new();
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
            let (pw, h) = ("correct horse", hash.clone());
            assert!(
                x.verify(pw, &h),
                "libxcrypt verifies the bcrypt crate's hash"
            );
            group.bench_function("libxcrypt crypt_r", |b| {
                b.iter(|| assert!(x.verify(black_box(pw), black_box(&h))))
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
