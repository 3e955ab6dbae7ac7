//! A raw form body: the guard's checks, every form struct through axum's own extractor, the
//! handlers' own parsing, and each value through every domain parser it can meet.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| goldseam::fuzzing::forms(data));
