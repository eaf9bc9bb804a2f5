//! The example drafts of `examples/`, embedded at build time (see `build.rs`).

/// `(file name, contents)` of every example draft, sorted by name.
pub const EXAMPLES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/examples.rs"));
