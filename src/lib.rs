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
