#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| authconform_authn::fuzz_targets::htpasswd_line(data));
