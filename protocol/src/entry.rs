//! The signed entry: what travels between nodes, is stored byte for byte, and is verified by
//! everyone.
//!
//! An entry is one line of canonical JSON (RFC 8785) with four members:
//!
//! ```text
//! {"body":{…draft…},"head":{…header…},"id":"<64 hex>","sig":"<128 hex>"}
//! ```
//!
//! The header commits to the body by its blake3 hash and length (as p2panda's header does), so
//! that a later retraction can erase the body while every peer still recognises the id. The
//! signed bytes are `SIGNING_DOMAIN || canonical(head)`; the id is the blake3 hash of those
//! signed bytes; the signature is ed25519 over them, checked with `verify_strict`. See SPEC.md.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::act::{Act, ActKind};
use crate::canonical::{self, CanonicalError};
use crate::draft::{Draft, DraftError};
use crate::id::{self, Id};
use crate::key::{self, Check, PublicKey, SecretKey};
use crate::model::Kind;

mod head_bytes;

/// The largest entry accepted, in bytes of its wire line (256 KiB). Checked before parsing.
pub const MAX_ENTRY_BYTES: usize = 256 * 1024;

/// The format version this crate writes and reads (`head.v`).
pub const FORMAT_VERSION: u64 = 1;

/// The domain-separation prefix of the signed bytes, so that an entry signature can never be
/// replayed as a signature of anything else.
pub const SIGNING_DOMAIN: &[u8] = b"audacities/entry/v1\n";

/// How far in the future an entry's creation time may be, against the receiving node's clock,
/// before it is refused (10 minutes).
pub const MAX_CLOCK_SKEW_MS: u64 = 10 * 60 * 1000;

/// The envelope's header: who signed, for which city, when, what it revises, and the body's hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// Format version, [`FORMAT_VERSION`].
    pub v: u64,
    /// The body's kind (`case_study`, …).
    pub kind: String,
    /// The key that signed this entry.
    pub signer: PublicKey,
    /// The city the entry speaks for: the key it was created with, which stays its name when
    /// it rotates to a new key. Differs from `signer` for a staff key the city delegated to, or
    /// after a rotation; whether `signer` may speak for `city` at `created` is
    /// [`crate::authority`]'s question, which needs the city's acts.
    pub city: PublicKey,
    /// Creation time, milliseconds since the Unix epoch (UTC).
    pub created: u64,
    /// For a new version of a document: which document and which version(s) it replaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revises: Option<Revises>,
    /// blake3 of the body's canonical bytes.
    pub body_hash: Id,
    /// Length of the body's canonical bytes.
    pub body_len: u64,
}

/// What a new version replaces: the document (the id of its first version) and the version(s)
/// it supersedes — more than one when it merges concurrent revisions. Sorted, without repeats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revises {
    pub doc: Id,
    pub prev: Vec<Id>,
}

/// Why bytes are not a valid entry. Each variant names the cause.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("entry is {len} bytes, over the limit of {max} bytes")]
    TooLarge { len: usize, max: usize },
    #[error(transparent)]
    Canonical(#[from] CanonicalError),
    #[error("{path}: {message}")]
    Shape { path: String, message: String },
    #[error("head.v: format version {0} is not supported (this node reads version 1)")]
    Version(u64),
    #[error("id: claimed id {claimed} is not the blake3 hash of the signed bytes ({computed})")]
    IdMismatch { claimed: String, computed: Id },
    #[error("sig: the signature does not verify for signer {signer}")]
    BadSignature { signer: Box<PublicKey> },
    #[error("body: its blake3 hash {computed} does not match head.body_hash {claimed}")]
    BodyHash { claimed: Id, computed: Id },
    #[error("body: its length {computed} does not match head.body_len {claimed}")]
    BodyLen { claimed: u64, computed: u64 },
    #[error("head.kind: {0:?} is not a kind this node knows (nine content kinds, four acts)")]
    UnknownKind(String),
    #[error("body.kind: {body:?} differs from head.kind {head:?}")]
    KindMismatch { head: String, body: String },
    #[error("head.revises.prev: {0}")]
    Revises(&'static str),
    #[error(
        "head.created: {created} ms is {ahead_ms} ms ahead of this node's clock (limit {max} ms); check the clock of the signing machine"
    )]
    FromTheFuture {
        created: u64,
        ahead_ms: u64,
        max: u64,
    },
    #[error("body: {0}")]
    Draft(#[from] DraftError),
    /// Valid on its own, but its signer does not speak for its city at its time (the city's
    /// acts, as this node holds them, decide: see [`crate::authority`]).
    #[error(transparent)]
    Unauthorized(#[from] crate::authority::Unauthorized),
}

/// The four members of a wire line, borrowed from the received bytes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireLine<'a> {
    #[serde(borrow)]
    body: &'a RawValue,
    #[serde(borrow)]
    head: &'a RawValue,
    id: String,
    sig: String,
}

/// What an entry says: a draft of one of the nine content kinds, or an institutional act.
// Almost every entry is a draft: boxing it would cost an allocation per entry for the sake of
// the rare, small acts.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Draft(Draft),
    Act(Act),
}

impl Body {
    /// The kind's name, as `head.kind` and `body.kind` carry it.
    pub fn kind_str(&self) -> &'static str {
        match self {
            Body::Draft(d) => d.kind().as_str(),
            Body::Act(a) => a.kind().as_str(),
        }
    }

    /// The body as JSON, as it is signed.
    pub fn to_value(&self) -> Value {
        match self {
            Body::Draft(d) => d.value().clone(),
            Body::Act(a) => a.to_value(),
        }
    }
}

/// A verified entry: its signature, id and body have been checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    id: Id,
    head: Header,
    sig: [u8; 64],
    body: Body,
    bytes: Vec<u8>,
}

impl Entry {
    /// Signs a draft with a city key, for that city. `created` is in milliseconds since the
    /// Unix epoch.
    pub fn sign(
        draft: &Draft,
        key: &SecretKey,
        created: u64,
        revises: Option<Revises>,
    ) -> Result<Self, EntryError> {
        Self::sign_for(
            Body::Draft(draft.clone()),
            key,
            key.public(),
            created,
            revises,
        )
    }

    /// Signs a body with `key` for `city`: the city's own key, the key it rotated to, or a staff
    /// key it delegated to (whether `key` may speak for `city` is [`crate::authority`]'s call).
    pub fn sign_for(
        body: Body,
        key: &SecretKey,
        city: PublicKey,
        created: u64,
        revises: Option<Revises>,
    ) -> Result<Self, EntryError> {
        let value = body.to_value();
        let body_bytes = canonical::to_bytes(&value)?;
        let head = Header {
            v: FORMAT_VERSION,
            kind: body.kind_str().to_owned(),
            signer: key.public(),
            city,
            created,
            revises: revises.map(Revises::normalized),
            body_hash: Id::hash(&body_bytes),
            body_len: body_bytes.len() as u64,
        };
        if let Body::Act(act) = &body {
            act.check_head(&head)?;
        }
        let signed = signed_bytes(&head)?;
        let sig = key.sign(&signed);
        let id = Id::hash(&signed);
        let mut line = Map::new();
        line.insert("body".into(), value);
        line.insert("head".into(), to_value(&head)?);
        line.insert("id".into(), Value::String(id.to_string()));
        line.insert("sig".into(), Value::String(hex::encode(sig)));
        let bytes = canonical::to_bytes(&Value::Object(line))?;
        if bytes.len() > MAX_ENTRY_BYTES {
            return Err(EntryError::TooLarge {
                len: bytes.len(),
                max: MAX_ENTRY_BYTES,
            });
        }
        Ok(Self {
            id,
            head,
            sig,
            body,
            bytes,
        })
    }

    /// Decodes and verifies an entry's wire line, in this order: size limit, canonical JSON,
    /// shape, version, id, signature, revises, body hash, body validation.
    pub fn decode(bytes: &[u8]) -> Result<Self, EntryError> {
        let opened = Opened::read(bytes)?;
        let verified = opened.check.is_some_and(|check| check.verdict());
        opened.close(verified)
    }

    /// [`Entry::decode`] of each line, in order, with the same results; the last step of the
    /// signature checks is done for all of them at once ([`key::verdicts`]), which saves most
    /// of a field inversion per entry.
    pub fn decode_all(lines: &[&[u8]]) -> Vec<Result<Self, EntryError>> {
        let opened: Vec<Result<Opened<'_>, EntryError>> =
            lines.iter().map(|bytes| Opened::read(bytes)).collect();
        let checks: Vec<Check> = opened
            .iter()
            .filter_map(|o| o.as_ref().ok()?.check)
            .collect();
        let mut verdicts = key::verdicts(&checks).into_iter();
        opened
            .into_iter()
            .map(|o| {
                let o = o?;
                // The verdicts are in the order of the opened lines that have a check.
                let verified = o.check.is_some() && verdicts.next().unwrap_or(false);
                o.close(verified)
            })
            .collect()
    }

    /// Refuses an entry dated more than [`MAX_CLOCK_SKEW_MS`] after `now_ms`.
    pub fn check_clock(&self, now_ms: u64) -> Result<(), EntryError> {
        let ahead_ms = self.head.created.saturating_sub(now_ms);
        if ahead_ms > MAX_CLOCK_SKEW_MS {
            return Err(EntryError::FromTheFuture {
                created: self.head.created,
                ahead_ms,
                max: MAX_CLOCK_SKEW_MS,
            });
        }
        Ok(())
    }

    pub fn id(&self) -> Id {
        self.id
    }

    pub fn head(&self) -> &Header {
        &self.head
    }

    /// The draft, for an entry of one of the nine content kinds.
    pub fn draft(&self) -> Option<&Draft> {
        match &self.body {
            Body::Draft(d) => Some(d),
            Body::Act(_) => None,
        }
    }

    /// The act, for an institutional act.
    pub fn act(&self) -> Option<&Act> {
        match &self.body {
            Body::Act(a) => Some(a),
            Body::Draft(_) => None,
        }
    }

    pub fn body(&self) -> &Body {
        &self.body
    }

    pub fn signature(&self) -> &[u8; 64] {
        &self.sig
    }

    /// The exact wire line (no trailing newline).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

/// A wire line read up to its signature's verdict: [`Entry::decode`] reads, judges the
/// signature and closes one; [`Entry::decode_all`] judges many signatures together.
struct Opened<'a> {
    bytes: &'a [u8],
    line: WireLine<'a>,
    head: Header,
    id: Id,
    sig: [u8; 64],
    /// The signature's check; `None` when it is refused before any arithmetic.
    check: Option<Check>,
}

impl<'a> Opened<'a> {
    /// Everything [`Entry::decode`] does before the signature's verdict.
    fn read(bytes: &'a [u8]) -> Result<Self, EntryError> {
        if bytes.len() > MAX_ENTRY_BYTES {
            return Err(EntryError::TooLarge {
                len: bytes.len(),
                max: MAX_ENTRY_BYTES,
            });
        }
        if !canonical::is_canonical(bytes) {
            // The reference path names the cause (float, order, escape, …).
            canonical::parse(bytes)?;
        }
        // The line is canonical, so the raw text of `head` and `body` is their canonical
        // encoding: they are hashed and verified as they are, never re-encoded.
        // Each is read without path tracking first, and again with it to name a problem's path.
        let line: WireLine = match serde_json::from_slice(bytes) {
            Ok(line) => line,
            Err(_) => {
                serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(bytes))
                    .map_err(|e| {
                    let path = e.path().to_string();
                    shape(&path, &e.into_inner().to_string())
                })?
            }
        };
        let head: Header = match serde_json::from_str(line.head.get()) {
            Ok(head) => head,
            Err(_) => serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(
                line.head.get(),
            ))
            .map_err(|e| {
                let path = e.path().to_string();
                shape(&format!("head.{path}"), &e.into_inner().to_string())
            })?,
        };
        if head.v != FORMAT_VERSION {
            return Err(EntryError::Version(head.v));
        }
        // The header must be exactly what this crate would write (no `revises: null`, …), so
        // that one header has one encoding and one id.
        let signed = signed_bytes(&head)?;
        if &signed[SIGNING_DOMAIN.len()..] != line.head.get().as_bytes() {
            return Err(shape("head", "not in the form this version writes"));
        }
        let id = Id::hash(&signed);
        if line.id != id.to_string() {
            return Err(EntryError::IdMismatch {
                claimed: line.id,
                computed: id,
            });
        }
        let sig = id::parse_hex64(&line.sig)
            .ok_or_else(|| shape("sig", "expected 128 lowercase hexadecimal characters"))?;
        let check = head.signer.check(&signed, &sig);
        Ok(Opened {
            bytes,
            line,
            head,
            id,
            sig,
            check,
        })
    }

    /// Everything [`Entry::decode`] does after the signature's verdict.
    fn close(self, verified: bool) -> Result<Entry, EntryError> {
        let Opened {
            bytes,
            line,
            head,
            id,
            sig,
            check: _,
        } = self;
        if !verified {
            return Err(EntryError::BadSignature {
                signer: Box::new(head.signer),
            });
        }
        if let Some(revises) = &head.revises {
            revises.check()?;
        }
        let body_bytes = line.body.get().as_bytes();
        let body_hash = Id::hash(body_bytes);
        if body_hash != head.body_hash {
            return Err(EntryError::BodyHash {
                claimed: head.body_hash,
                computed: body_hash,
            });
        }
        if body_bytes.len() as u64 != head.body_len {
            return Err(EntryError::BodyLen {
                claimed: head.body_len,
                computed: body_bytes.len() as u64,
            });
        }
        let body: Value =
            serde_json::from_slice(body_bytes).map_err(|e| shape("body", &e.to_string()))?;
        let is_act = match (head.kind.parse::<Kind>(), ActKind::parse(&head.kind)) {
            (Ok(_), _) => false,
            (Err(_), Some(_)) => true,
            (Err(_), None) => return Err(EntryError::UnknownKind(head.kind.clone())),
        };
        if body.get("kind").and_then(Value::as_str) != Some(head.kind.as_str()) {
            let body_kind = body.get("kind").map(|k| k.to_string()).unwrap_or_default();
            return Err(EntryError::KindMismatch {
                head: head.kind.clone(),
                body: body_kind,
            });
        }
        let body = if is_act {
            if head.revises.is_some() {
                return Err(shape(
                    "head.revises",
                    "an act is never a version of anything",
                ));
            }
            let act = Act::from_value(body)?;
            act.check_head(&head)?;
            Body::Act(act)
        } else {
            Body::Draft(Draft::from_value(body)?)
        };
        Ok(Entry {
            id,
            head,
            sig,
            body,
            bytes: bytes.to_vec(),
        })
    }
}

impl Revises {
    fn normalized(mut self) -> Self {
        self.prev.sort();
        self.prev.dedup();
        self
    }

    fn check(&self) -> Result<(), EntryError> {
        if self.prev.is_empty() {
            return Err(EntryError::Revises("must name at least one version"));
        }
        if self.prev.windows(2).any(|w| w[0] >= w[1]) {
            return Err(EntryError::Revises("must be sorted, without repeats"));
        }
        Ok(())
    }
}

/// `SIGNING_DOMAIN || canonical(head)`: the bytes that are signed and whose hash is the id.
pub fn signed_bytes(head: &Header) -> Result<Vec<u8>, EntryError> {
    let mut out = SIGNING_DOMAIN.to_vec();
    if !head_bytes::write(head, &mut out) {
        // Outside the common case (a kind with escapes, a huge integer): the generic path,
        // which also names what is wrong.
        out.extend(canonical::to_bytes(&to_value(head)?)?);
    }
    Ok(out)
}

fn to_value(head: &Header) -> Result<Value, EntryError> {
    serde_json::to_value(head).map_err(|e| shape("head", &e.to_string()))
}

fn shape(path: &str, message: &str) -> EntryError {
    EntryError::Shape {
        path: path.to_owned(),
        message: message.to_owned(),
    }
}
