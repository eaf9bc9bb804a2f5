//! The AudaCities node: a city's home (config, key, SQLite commons), the store that keeps the
//! commons on its own thread, and the one ingest function that every door goes through.
//!
//! This crate does no command-line parsing: the `audacities` binary in `cli/` calls it.

pub mod bundle;
pub mod config;
pub mod home;
pub mod ingest;
pub mod store;
pub mod time;

pub use home::{Home, HomeError};
