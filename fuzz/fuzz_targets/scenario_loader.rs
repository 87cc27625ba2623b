#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| authconform_format::scenario::load::fuzz_entry(data));
