//! Each parser on typical and worst-case input, beside a widely used crate doing the same job,
//! measured in the same run: `headers` for Basic and Bearer, `http-auth` for WWW-Authenticate;
//! the sweep's OpenAPI reader beside `oas3` alone (what reading operations costs over parsing).

use std::hint::black_box;

use authconform_authn::authorization::{
    BasicOptions, BearerOptions, TokenCharset, parse_basic_bytes, parse_bearer, parse_raw_token,
};
use authconform_authn::challenge::parse_challenges;
use authconform_authn::htpasswd::parse_line;
use authconform_authn::jws::{assemble, parse_compact};
use authconform_authn::pbkdf2_record::Pbkdf2Record;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use criterion::{Criterion, criterion_group, criterion_main};
use headers::Header;
use headers::authorization::{Authorization, Basic, Bearer};
use reqwest::header::HeaderValue;

fn basic(c: &mut Criterion) {
    let typical = HeaderValue::from_str(&format!(
        "Basic {}",
        STANDARD.encode("admin:acpw-0123456789abcdefghijklmn")
    ))
    .unwrap();
    let worst = HeaderValue::from_str(&format!(
        "Basic {}",
        STANDARD.encode(format!("{}:{}", "u".repeat(512), "p:".repeat(1024)))
    ))
    .unwrap();
    for (label, value) in [("typical", &typical), ("4KiB", &worst)] {
        let mut group = c.benchmark_group(format!("basic/{label}"));
        group.bench_function("authconform", |b| {
            b.iter(|| {
                let c =
                    parse_basic_bytes(black_box(value).as_bytes(), BasicOptions::STRICT).unwrap();
                black_box((c.user().len(), c.password().len()))
            })
        });
        group.bench_function("headers", |b| {
            b.iter(|| {
                let auth =
                    Authorization::<Basic>::decode(&mut std::iter::once(black_box(value))).unwrap();
                black_box((auth.username().len(), auth.password().len()))
            })
        });
        group.finish();
    }
}

fn bearer(c: &mut Criterion) {
    let typical = HeaderValue::from_static(
        "Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl",
    );
    let mut group = c.benchmark_group("bearer/typical");
    group.bench_function("authconform", |b| {
        b.iter(|| {
            black_box(
                parse_bearer(black_box(&typical).to_str().unwrap(), BearerOptions::STRICT)
                    .unwrap()
                    .len(),
            )
        })
    });
    group.bench_function("headers", |b| {
        b.iter(|| {
            black_box(
                Authorization::<Bearer>::decode(&mut std::iter::once(black_box(&typical)))
                    .unwrap()
                    .token()
                    .len(),
            )
        })
    });
    group.finish();
    c.bench_function("x_chroma_token/typical/authconform", |b| {
        b.iter(|| {
            black_box(
                parse_raw_token(
                    black_box("  actk-0123456789abcdefghijklmn "),
                    TokenCharset::AsciiPrintableNoSpace,
                )
                .unwrap()
                .len(),
            )
        })
    });
}

fn www_authenticate(c: &mut Criterion) {
    let typical = r#"Basic realm="CrateDB Authenticator""#;
    let several = r#"Bearer realm="weaviate", error="invalid_token", error_description="The access token expired", Basic realm="x \"quoted\" realm", Negotiate abc+/=="#;
    let worst: String = (0..60)
        .map(|i| format!(r#"S{i} a="{}", b=tok"#, "x".repeat(40)))
        .collect::<Vec<_>>()
        .join(", ");
    for (label, value) in [
        ("typical", typical),
        ("several", several),
        ("60-challenges", worst.as_str()),
    ] {
        let mut group = c.benchmark_group(format!("www_authenticate/{label}"));
        group.bench_function("authconform", |b| {
            b.iter(|| black_box(parse_challenges(black_box(value)).unwrap().len()))
        });
        group.bench_function("http-auth", |b| {
            b.iter(|| {
                black_box(
                    http_auth::parser::ChallengeParser::new(black_box(value))
                        .filter_map(Result::ok)
                        .count(),
                )
            })
        });
        group.finish();
    }
}

fn records(c: &mut Criterion) {
    c.bench_function("htpasswd_line/typical/authconform", |b| {
        b.iter(|| {
            black_box(parse_line(black_box(
                "admin:$2y$05$9xq98BuzB.ibZayFurtLV.ewOR76/qPFHVAj7hMrGXykXRWHN3zVO",
            )))
        })
    });
    let record = Pbkdf2Record::derive(b"pw", &[7; 32], 40_000).encode();
    c.bench_function("pbkdf2_record/parse/authconform", |b| {
        b.iter(|| black_box(Pbkdf2Record::parse(black_box(&record)).unwrap().iterations))
    });
    let token = assemble(
        &serde_json::json!({"alg": "RS256", "kid": "k1", "typ": "JWT"}),
        br#"{"iss":"http://127.0.0.1:8080","aud":"authconform","exp":4102444800}"#,
        &[0x5a; 256],
    );
    let big = assemble(
        &serde_json::json!({"alg": "RS256"}),
        "x".repeat(64 * 1024).as_bytes(),
        &[0; 256],
    );
    c.bench_function("jws/typical/authconform", |b| {
        b.iter(|| black_box(parse_compact(black_box(&token)).unwrap().signature.len()))
    });
    c.bench_function("jws/64KiB/authconform", |b| {
        b.iter(|| black_box(parse_compact(black_box(&big)).unwrap().payload.len()))
    });
}

/// The decoder behind Basic parsing, alone: base64-simd (what `parse_basic` uses) beside the
/// `base64` crate, both into a stack buffer, in the same run — the figure that decides whether the
/// extra crate stays.
fn base64_decoders(c: &mut Criterion) {
    let typical = STANDARD.encode("admin:acpw-0123456789abcdefghijklmn");
    let long = STANDARD.encode("u".repeat(90));
    for (label, encoded) in [("typical", &typical), ("90B", &long)] {
        let mut group = c.benchmark_group(format!("base64-decode/{label}"));
        group.bench_function("base64-simd", |b| {
            b.iter(|| {
                let mut out = [0u8; 126];
                let decoded = base64_simd::STANDARD
                    .decode(
                        black_box(encoded.as_bytes()),
                        base64_simd::Out::from_slice(&mut out),
                    )
                    .unwrap();
                black_box(decoded.len())
            })
        });
        group.bench_function("base64", |b| {
            b.iter(|| {
                let mut out = [0u8; 126];
                black_box(
                    STANDARD
                        .decode_slice(black_box(encoded.as_bytes()), &mut out)
                        .unwrap(),
                )
            })
        });
        group.finish();
    }
}

/// The reference Chroma document (24 operations), read into operations with sample paths and
/// bodies, beside `oas3::from_json` of the same text.
fn openapi(c: &mut Criterion) {
    let text = std::fs::read_to_string("fuzz/seeds/openapi_document/reference-chroma.json")
        .expect("the seed document");
    let given = std::collections::BTreeMap::new();
    let samples = authconform::openapi::Samples {
        given: &given,
        uuid: "00000000-0000-4000-8000-000000000001".into(),
    };
    let mut group = c.benchmark_group("openapi/reference-chroma");
    group.bench_function("authconform operations", |b| {
        b.iter(|| {
            let ops = authconform::openapi::operations(black_box(&text), &samples).unwrap();
            assert_eq!(ops.len(), 24);
        })
    });
    group.bench_function("oas3::from_json", |b| {
        b.iter(|| oas3::from_json(black_box(&text)).unwrap())
    });
    group.finish();
}

criterion_group!(
    benches,
    openapi,
    basic,
    base64_decoders,
    bearer,
    www_authenticate,
    records
);
criterion_main!(benches);
