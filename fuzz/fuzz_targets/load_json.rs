//! Fuzz target `load_json`: the body is `seccoop_fuzz::load_json`, shared with the
//! proptest stand-ins in `tests/fuzz_standins/main.rs`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| seccoop_fuzz::load_json(data));
