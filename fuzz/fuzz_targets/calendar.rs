//! Dates, times of day, zone names, local date-times, rhythms, schedules and summary ranges as
//! typed, and any instant: no panic, and what parses reads back as itself.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| goldseam::fuzzing::calendar(data));
