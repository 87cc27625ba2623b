#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| authconform_format::openapi::fuzz_entry(data));
