//! The wording checks (accountability, gentleness) and the crisis and fear wording detectors
//! over any text: no panic, one flag per rule at most, and every excerpt made of the text's
//! own words.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| goldseam::fuzzing::checks(data));
