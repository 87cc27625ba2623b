//! JWT end to end: the suites pass on the embedded server and on a launched one, a resource server
//! that accepts anything is caught, hand-forged tokens verify with the saved keys, and no token
//! reaches any report.

mod common;

use authconform::jwt::{KeyId, KeyRing};
use common::{accepts_anything, authconform, read, scratch};
use jsonwebtoken::{DecodingKey, Validation, decode, jwk::Jwk};
use serde_json::Value;

#[test]
fn the_jwt_suites_pass_on_the_embedded_server_with_45_or_more_cases() {
    let dir = scratch("jwt-embedded");
    let json = dir.join("report.json");
    let ran = authconform(&[
        "run",
        "scenarios/jwt",
        "scenarios/cratedb/jwt.yaml",
        "scenarios/cratedb/jwt-keys.yaml",
        "scenarios/cratedb/jwt-issuer-down.yaml",
        "scenarios/weaviate/oidc.yaml",
        "scenarios/weaviate/oidc-keys.yaml",
        "scenarios/weaviate/oidc-flow.yaml",
        "scenarios/weaviate/oidc-discovery.yaml",
        "-o",
        json.to_str().unwrap(),
    ]);
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.stderr);
    let report: Value = serde_json::from_str(&read(&json)).unwrap();
    let cases = report["cases"].as_array().unwrap();
    assert!(cases.len() >= 45, "{} cases", cases.len());
    let failed_must: Vec<_> = cases
        .iter()
        .filter(|c| c["level"] == "must" && c["status"] != "passed")
        .map(|c| c["name"].clone())
        .collect();
    assert!(failed_must.is_empty(), "{failed_must:?}");
    // The counters were read: the caching and jku cases passed on their fetch counts.
    for name in ["third-valid-token-no-new-fetch", "jku-to-attacker-refused"] {
        let case = cases.iter().find(|c| c["name"] == name).unwrap();
        assert_eq!(case["status"], "passed", "{case}");
    }
}

#[test]
fn a_server_that_accepts_any_token_fails_the_gate_by_name() {
    let server = accepts_anything();
    let dir = scratch("jwt-accepts-anything");
    let target = dir.join("target.yaml");
    std::fs::write(
        &target,
        format!(
            "name: accepts-anything\ndialect: generic\nbase_url: http://127.0.0.1:{}\nmodes: [jwt]\nready: {{path: /public}}\nfixtures:\n  users:\n    alice: {{name: alice}}\n",
            server.port
        ),
    )
    .unwrap();
    let ran = authconform(&[
        "run",
        "scenarios/jwt/core.yaml",
        "-t",
        target.to_str().unwrap(),
    ]);
    assert_eq!(ran.code, 1, "{}\n{}", ran.stdout, ran.stderr);
    for name in [
        "alg-none",
        "hs256-keyed-with-public-pem",
        "expired-by-1s",
        "wrong-aud",
        "jku-to-attacker",
        "psychic-signature-es256",
    ] {
        assert!(
            ran.stdout
                .lines()
                .any(|l| l.contains("FAIL") && l.contains(&format!(" {name} "))),
            "{name} not failed:\n{}",
            ran.stdout
        );
    }
}

#[test]
fn a_hand_forged_token_verifies_with_the_saved_keys() {
    let dir = scratch("jwt-forge");
    let keys = dir.join("keys.json");
    let ran = authconform(&[
        "jwt",
        "forge",
        "valid",
        "--keys",
        keys.to_str().unwrap(),
        "--aud",
        "me",
        "--claim",
        "role=\"admin\"",
    ]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let ring = KeyRing::from_json(&read(&keys)).unwrap();
    let jwk: Jwk = serde_json::from_value(ring.get(KeyId::Rs256).jwk.clone()).unwrap();
    let mut validation = Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_audience(&["me"]);
    let token = ran.stdout.trim();
    let claims = decode::<Value>(token, &DecodingKey::from_jwk(&jwk).unwrap(), &validation)
        .unwrap()
        .claims;
    assert_eq!(claims["role"], "admin");
    assert_eq!(claims["sub"], "alice");

    let unsigned = authconform(&["jwt", "forge", "unsigned", "--keys", keys.to_str().unwrap()]);
    assert!(unsigned.stdout.trim().ends_with('.'), "{}", unsigned.stdout);
    let unknown = authconform(&["jwt", "forge", "nope", "--keys", keys.to_str().unwrap()]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("--list"), "{}", unknown.stderr);
}

#[test]
fn no_token_reaches_any_report() {
    let dir = scratch("jwt-secrets");
    let outputs: Vec<_> = ["json", "junit", "markdown"]
        .iter()
        .map(|f| (f, dir.join(format!("report.{f}"))))
        .collect();
    let mut args = vec![
        "run",
        "scenarios/jwt/core.yaml",
        "scenarios/weaviate/oidc-flow.yaml",
        "scenarios/cratedb/jwt.yaml",
    ];
    for (format, path) in &outputs {
        args.extend(["--format", format, "-o", path.to_str().unwrap()]);
    }
    let ran = authconform(&args);
    assert!(ran.code == 0, "{}\n{}", ran.stdout, ran.stderr);
    let jws = regex::Regex::new(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.").unwrap();
    let mut texts = vec![ran.stdout.clone(), ran.stderr.clone()];
    texts.extend(outputs.iter().map(|(_, p)| read(p)));
    for text in texts {
        assert!(
            !jws.is_match(&text),
            "a token in: {}",
            &text[..text.len().min(2000)]
        );
    }
}

/// The neutral `jwt` dialect: one target file lists three protected locations of one server and
/// every `endpoint: protected` case of the core suite runs on each of them; the public case stays
/// on the profile's /public.
#[test]
fn one_target_lists_several_protected_locations_of_a_jwt_server() {
    let ran = common::authconform_with(
        &[
            "run",
            "scenarios/jwt/core.yaml",
            "-t",
            "targets/reference-jwt-locations.yaml",
            "-f",
            "json",
        ],
        &[("AUTHCONFORM_BIN", common::bin())],
    );
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.stderr);
    let report: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    let names: Vec<&str> = report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    for location in ["@protected", "@admin", "@reports"] {
        assert!(
            names.contains(&format!("alg-none {location}").as_str()),
            "{location}: {names:?}"
        );
        assert!(names.contains(&format!("valid-rs256 {location}").as_str()));
    }
    assert!(names.contains(&"public-open-without-token"), "{names:?}");
}
