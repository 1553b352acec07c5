//! Fuzz target `load_snapshot`: the body is `seccoop_fuzz::load_snapshot`, shared
//! with the proptest stand-ins in `tests/fuzz_standins/main.rs`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| seccoop_fuzz::load_snapshot(data));
