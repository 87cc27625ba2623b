//! proptest strategies for the credentials a live target is fuzzed with. Every value is a valid
//! HTTP header value (visible ASCII, space, tab), so a failure is the target's, never the client's.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use proptest::prelude::*;

use super::FuzzInput;

/// Bytes a header value may hold here: visible ASCII, space and tab.
fn header_text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(prop_oneof![8 => 0x20u8..0x7f, 1 => Just(b'\t')], 0..max)
        .prop_map(|bytes| bytes.into_iter().map(char::from).collect())
}

fn scheme() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Basic".to_owned()),
        Just("basic".to_owned()),
        Just("BASIC".to_owned()),
        Just("Bearer".to_owned()),
        Just("bearer".to_owned()),
        Just("Digest".to_owned()),
        Just(String::new()),
        "[A-Za-z!#$%&'*+.^_`|~-]{1,12}",
    ]
}

fn separator() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just(" ".to_owned()),
        1 => Just(String::new()),
        1 => Just("  ".to_owned()),
        1 => Just("\t".to_owned()),
        1 => Just(",".to_owned()),
    ]
}

/// `user:password` (or not) in base64, standard or URL-safe, padded or not.
fn basic_payload() -> impl Strategy<Value = String> {
    (header_text(24), any::<bool>(), any::<bool>()).prop_map(|(plain, url_safe, strip)| {
        let encoded = if url_safe {
            URL_SAFE_NO_PAD.encode(plain.as_bytes())
        } else {
            STANDARD.encode(plain.as_bytes())
        };
        if strip {
            encoded.trim_end_matches('=').to_owned()
        } else {
            encoded
        }
    })
}

fn authorization() -> impl Strategy<Value = String> {
    prop_oneof![
        (scheme(), separator(), basic_payload()).prop_map(|(s, sep, p)| format!("{s}{sep}{p}")),
        (scheme(), separator(), header_text(48)).prop_map(|(s, sep, p)| format!("{s}{sep}{p}")),
        header_text(64),
    ]
}

fn token68() -> impl Strategy<Value = String> {
    prop_oneof!["[A-Za-z0-9._~+/-]{0,64}=*", header_text(64),]
}

fn json_segment() -> impl Strategy<Value = String> {
    let header = prop_oneof![
        Just(r#"{"alg":"none"}"#.to_owned()),
        Just(r#"{"alg":"None","typ":"JWT"}"#.to_owned()),
        Just(r#"{"alg":"HS256","typ":"JWT"}"#.to_owned()),
        "[a-z0-9]{0,12}".prop_map(|kid| format!(r#"{{"alg":"RS256","kid":"{kid}"}}"#)),
        header_text(32),
    ];
    let claims = (header_text(12), any::<i32>()).prop_map(|(sub, exp)| {
        serde_json::json!({"sub": sub, "exp": exp, "aud": "authconform"}).to_string()
    });
    prop_oneof![header, claims].prop_map(|json| URL_SAFE_NO_PAD.encode(json.as_bytes()))
}

fn jwt_segments() -> impl Strategy<Value = String> {
    let signature = prop_oneof![
        Just(String::new()),
        proptest::collection::vec(any::<u8>(), 0..64).prop_map(|b| URL_SAFE_NO_PAD.encode(b)),
        "[A-Za-z0-9_-]{0,40}",
    ];
    prop_oneof![
        4 => (json_segment(), json_segment(), signature).prop_map(|(h, p, s)| format!("{h}.{p}.{s}")),
        1 => proptest::collection::vec(json_segment(), 0..6).prop_map(|parts| parts.join(".")),
        1 => header_text(64),
    ]
}

/// The strategy of one input kind, boxed so callers can hold any of them.
pub fn strategy(input: FuzzInput) -> BoxedStrategy<String> {
    match input {
        FuzzInput::Authorization => authorization().boxed(),
        FuzzInput::Bearer => token68().boxed(),
        FuzzInput::XChromaToken => header_text(64).boxed(),
        FuzzInput::JwtSegments => jwt_segments().boxed(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::test_runner::TestRunner;

    proptest! {
        #[test]
        fn every_generated_value_is_a_valid_header_value(
            input in proptest::sample::select(FuzzInput::ALL.to_vec()),
            seed in any::<u64>(),
        ) {
            let mut runner = TestRunner::new_with_rng(
                Default::default(),
                proptest::test_runner::TestRng::from_seed(
                    proptest::test_runner::RngAlgorithm::ChaCha,
                    &super::super::seed_bytes(seed),
                ),
            );
            let value = strategy(input).new_tree(&mut runner).unwrap().current();
            let (name, sent) = input.header(&value);
            prop_assert!(reqwest::header::HeaderValue::from_str(&sent).is_ok(), "{name}: {sent:?}");
        }
    }
}
