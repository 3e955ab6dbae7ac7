//! Any bytes as an export file: `goldseam verify` never panics, and an export it accepts
//! verifies again, to the same head, after a JSON round trip.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| goldseam::fuzzing::export(data));
