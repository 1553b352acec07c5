//! Fuzz target `load_toml`: the body is `seccoop_fuzz::load_toml`, shared with the
//! proptest stand-ins in `tests/fuzz_standins/main.rs`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| seccoop_fuzz::load_toml(data));
