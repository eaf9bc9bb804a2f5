//! The AudaCities commons protocol: everything two nodes must agree on, and nothing else.
//!
//! - [`key`]: city and staff keys (ed25519) and their text form;
//! - [`id`]: content ids (blake3) and their text form, with git-like prefixes;
//! - [`canonical`]: RFC 8785 canonical JSON, with floats banned;
//! - [`entry`]: the signed envelope — canonical bytes, signature, id, the exact wire line;
//! - [`draft`] and [`model`]: the nine content kinds of the data model and their validation;
//! - [`act`]: the institutional acts (city profile, delegation, revocation, rotation);
//! - [`authority`]: which key speaks for a city when, given the city's acts;
//! - [`reconcile`]: set reconciliation (negentropy) over (creation time, id) pairs.
//!
//! This crate does no I/O: no files, no clock, no randomness, no network. Callers pass the time
//! and the key bytes in, so every verdict here is the same on every node. The byte format is
//! specified in `protocol/SPEC.md`, whose test vectors are checked by `tests/spec_vectors.rs`.

pub mod act;
pub mod authority;
pub mod canonical;
pub mod draft;
pub mod entry;
pub mod id;
pub mod key;
pub mod model;
pub mod reconcile;
pub mod sketch;

pub use act::{Act, ActKind};
pub use authority::{Authority, BodyKind, Unauthorized};
pub use draft::{Draft, DraftError, Format};
pub use entry::{Body, Entry, EntryError, Header, Revises};
pub use id::Id;
pub use key::{PublicKey, SecretKey};
