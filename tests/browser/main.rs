//! Journeys in a real headless Chromium (Debian's `chromium` + `chromium-driver`), driven
//! over WebDriver by fantoccini: two independent browsers play the two partners (and a
//! third their counsellor) against a real `goldseam` on port 0; one partner keeps a private
//! journal the other never sees. Every page visited is audited with axe-core (pinned in
//! package.json, injected into the page) and photographed at phone and laptop sizes in
//! light and dark schemes into `target/screenshots/`. Any console error or failed request
//! fails the journey.
//!
//! Why fantoccini over Node's playwright-core: the journeys then live in the same
//! `cargo test` run, share `spawn_app()`, and need no second toolchain beyond the one npm
//! file axe-core ships as.

mod checkins;
mod closing;
mod counsellor;
mod endings;
mod erasure;
mod first_day;
mod harness;
mod journal;
mod journeys;
mod pause;
mod phone;
mod quick_exit;
mod reset;
// The SMTP sink the HTTP tests use; the journeys need only part of it.
#[allow(dead_code)]
#[path = "../api/smtp.rs"]
mod smtp;
