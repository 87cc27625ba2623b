#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| authconform::scenario::load::fuzz_entry(data));
