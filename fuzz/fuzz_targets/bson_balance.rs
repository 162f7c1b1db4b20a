#![no_main]
//! cargo-fuzz entry point; the body is `hotpath_fuzz::bson_balance` (also replayed on stable).
libfuzzer_sys::fuzz_target!(|data: &[u8]| hotpath_fuzz::bson_balance(data));
