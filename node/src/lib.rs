//! The AudaCities node: a city's home (config, keys, SQLite commons), the store that keeps the
//! commons on its own thread, the trust policy, and the one ingest function that every door
//! goes through.
//!
//! This crate does no command-line parsing: the `audacities` binary in `cli/` calls it.

pub mod api;
pub mod bundle;
pub mod config;
pub mod home;
pub mod ingest;
pub mod net;
pub mod node;
pub mod store;
pub mod sync;
pub mod time;
pub mod token;
pub mod trust;
pub mod ui;

pub use home::{Home, HomeError};
