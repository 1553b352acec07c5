//! Fuzz target `cypher_eval`: the body is `seccoop_fuzz::cypher_eval`, shared with the
//! proptest stand-ins in `tests/fuzz_standins/main.rs`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| seccoop_fuzz::cypher_eval(data));
