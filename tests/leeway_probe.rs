//! The leeway probe against a strict and a lenient server, and its refusals.

mod common;

use common::authconform;

#[test]
fn the_leeway_probe_passes_a_strict_server_and_finds_a_lenient_one() {
    let strict = authconform(&["probe", "leeway"]);
    assert_eq!(strict.code, 0, "{}\n{}", strict.stdout, strict.stderr);
    assert!(
        strict
            .stdout
            .contains("exp  refused even at 0s (no leeway)"),
        "{}",
        strict.stdout
    );
    assert!(strict.stdout.contains("verdict: pass"), "{}", strict.stdout);
    let lenient = authconform(&["probe", "leeway", "--debug-with-flaw", "generous-leeway"]);
    assert_eq!(lenient.code, 1, "{}\n{}", lenient.stdout, lenient.stderr);
    assert!(
        lenient
            .stdout
            .contains("exp  accepted up to 299s past, refused at 300s"),
        "{}",
        lenient.stdout
    );
    assert!(
        lenient
            .stdout
            .contains("nbf  accepted up to 300s ahead, refused at 301s"),
        "{}",
        lenient.stdout
    );
    assert!(
        lenient.stdout.contains("verdict: FINDING"),
        "{}",
        lenient.stdout
    );
    let tolerant = authconform(&[
        "probe",
        "leeway",
        "--debug-with-flaw",
        "generous-leeway",
        "--max",
        "5m",
    ]);
    assert_eq!(
        tolerant.code, 0,
        "300s is within a 5m maximum: {}",
        tolerant.stdout
    );
}

#[test]
fn the_leeway_probe_refuses_a_mode_without_an_issuer() {
    let ran = authconform(&["probe", "leeway", "--dialect", "chroma", "--mode", "basic"]);
    assert_eq!(ran.code, 2);
    assert!(
        ran.stderr.contains("does not validate JWTs"),
        "{}",
        ran.stderr
    );
}
