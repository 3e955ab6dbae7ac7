//! Records sealed from arbitrary drafts verify as events and as exports; a redaction keeps
//! the chain; any one change to what is hashed, or a cut from the end, is caught.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| goldseam::fuzzing::record(data));
