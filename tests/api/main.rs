//! The one integration-test binary: a real `goldseam` on port 0 with a fresh database per
//! test, driven over HTTP by a cookie-keeping client. Every flow runs on SQLite, and on
//! PostgreSQL whenever `GOLDSEAM_TEST_POSTGRES_URL` is set (CI always sets it; there, a
//! missing URL fails the suite instead of skipping it).

mod canary;
mod helpers;
mod journal;
mod mail;
mod smtp;

mod accounts;
mod calendar_feed;
mod checkins;
mod cli;
mod closing;
mod compact_cache;
mod connections;
mod counsellor;
mod endings;
mod erasure;
mod faults;
mod first_weeks;
mod forms;
mod keeping_word;
mod matrix;
mod operations;
mod owning_up;
mod page_cache;
mod pause;
mod progress;
mod record;
mod redaction;
mod reminders;
mod safety;
mod security;
mod snapshots;
mod spaces;
mod startup;
mod store;
mod templates;
mod together_and_repair;
mod undo;
mod words;
