//! Goldseam: a self-hosted space for a couple rebuilding trust, built on an append-only,
//! hash-chained shared record.
//!
//! Data flows one way: `web` (HTTP) → `app` (use cases, authorization) → `domain` (pure
//! rules) → `store` (the only SQL) → back to `web` for rendering.

pub mod app;
pub mod config;
pub mod demo;
pub mod domain;
pub mod export;
#[cfg(any(test, fuzzing))]
#[doc(hidden)]
pub mod fuzzing;
pub mod mail;
pub mod ops;
pub mod store;
pub mod web;

/// mimalloc instead of glibc's allocator, for every binary built on this library (the
/// server, its tests and benchmarks): a cached space state is thousands of small
/// allocations, which mimalloc packs without a header each, and it hands freed memory back
/// instead of keeping it in per-thread arenas. Measured in docs/performance.md
/// ("Memory") with `cargo bench --bench memory` and `--bench logins`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
