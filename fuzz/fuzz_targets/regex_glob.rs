#![no_main]
//! cargo-fuzz entry point; the body is `hotpath_fuzz::regex_glob` (also replayed on stable).
libfuzzer_sys::fuzz_target!(|data: &[u8]| hotpath_fuzz::regex_glob(data));
