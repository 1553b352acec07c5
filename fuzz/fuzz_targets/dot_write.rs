//! Fuzz target `dot_write`: the body is `seccoop_fuzz::dot_write`, shared with the
//! proptest stand-ins in `tests/fuzz_standins/main.rs`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| seccoop_fuzz::dot_write(data));
