//! Why an entry was refused, in the user's language. The protocol's errors are English (they
//! also go to logs and peers); this renders each one in French or English for people.

use audacities_node::time::format_utc;
use audacities_protocol::Unauthorized;
use audacities_protocol::canonical::CanonicalError;
use audacities_protocol::entry::EntryError;

use crate::i18n::{Lang, Messages};

/// The reason an entry was refused, in the language of `messages`.
pub fn entry_error(messages: &Messages, error: &EntryError) -> String {
    if messages.lang() == Lang::En {
        return error.to_string();
    }
    let m = messages;
    match error {
        EntryError::TooLarge { len, max } => {
            m.with("reason-too-large", &[("len", len), ("max", max)])
        }
        EntryError::Canonical(c) => canonical(m, c),
        EntryError::Shape { path, message } => format!("{path}{}{message}", m.colon()),
        EntryError::Version(v) => m.with("reason-version", &[("v", v)]),
        EntryError::IdMismatch { claimed, computed } => {
            m.with("reason-id", &[("claimed", claimed), ("computed", computed)])
        }
        EntryError::BadSignature { signer } => m.with("reason-signature", &[("signer", signer)]),
        EntryError::Unauthorized(u) => unauthorized(m, u),
        EntryError::BodyHash { .. } => m.get("reason-body-hash"),
        EntryError::BodyLen { claimed, computed } => m.with(
            "reason-body-len",
            &[("claimed", claimed), ("computed", computed)],
        ),
        EntryError::UnknownKind(kind) => m.with("reason-kind", &[("kind", kind)]),
        EntryError::KindMismatch { head, body } => {
            m.with("reason-kind-mismatch", &[("head", head), ("body", body)])
        }
        EntryError::Revises(what) => format!("head.revises.prev{}{what}", m.colon()),
        EntryError::FromTheFuture { ahead_ms, max, .. } => {
            m.with("reason-future", &[("ahead", ahead_ms), ("max", max)])
        }
        EntryError::Draft(draft) => draft
            .problems
            .iter()
            .map(|p| format!("body.{}{}{}", p.path, m.colon(), p.message(m.lang())))
            .collect::<Vec<_>>()
            .join(" ; "),
    }
}

fn unauthorized(m: &Messages, error: &Unauthorized) -> String {
    let when = |ms: &u64| format_utc(*ms);
    match error {
        Unauthorized::NoDelegation {
            signer,
            city,
            created,
        } => m.with(
            "reason-no-delegation",
            &[
                ("signer", signer),
                ("city", city),
                ("created", &when(created)),
            ],
        ),
        Unauthorized::KindNotDelegated {
            signer,
            kind,
            covered,
            ..
        } => m.with(
            "reason-kind-not-delegated",
            &[("signer", signer), ("kind", kind), ("covered", covered)],
        ),
        Unauthorized::DelegationNotYetValid {
            signer,
            created,
            from,
        } => m.with(
            "reason-delegation-not-yet",
            &[
                ("signer", signer),
                ("created", &when(created)),
                ("from", &when(from)),
            ],
        ),
        Unauthorized::DelegationExpired {
            signer,
            created,
            until,
        } => m.with(
            "reason-delegation-expired",
            &[
                ("signer", signer),
                ("created", &when(created)),
                ("until", &when(until)),
            ],
        ),
        Unauthorized::Revoked {
            signer,
            since,
            created,
        } => m.with(
            "reason-revoked",
            &[
                ("signer", signer),
                ("since", &when(since)),
                ("created", &when(created)),
            ],
        ),
        Unauthorized::Rotated {
            signer,
            rotated,
            created,
            ..
        } => m.with(
            "reason-rotated",
            &[
                ("signer", signer),
                ("rotated", &when(rotated)),
                ("created", &when(created)),
            ],
        ),
        Unauthorized::ActNotByCity { kind } => m.with("reason-act-by-staff", &[("kind", kind)]),
        Unauthorized::UnknownVersion { id } => m.with("reason-unknown-version", &[("id", id)]),
        Unauthorized::NotAVersionOf { id, doc } => {
            m.with("reason-not-a-version", &[("id", id), ("doc", doc)])
        }
        Unauthorized::NotADocument { doc } => m.with("reason-not-a-document", &[("doc", doc)]),
        Unauthorized::ForeignRevision { doc, owner } => {
            m.with("reason-foreign-revision", &[("doc", doc), ("owner", owner)])
        }
        Unauthorized::KindChanged { doc, kind } => {
            m.with("reason-kind-changed", &[("doc", doc), ("kind", kind)])
        }
        Unauthorized::Retracted { doc } => m.with("reason-retracted", &[("doc", doc)]),
        Unauthorized::ForeignRetraction { doc, owner } => m.with(
            "reason-foreign-retraction",
            &[("doc", doc), ("owner", owner)],
        ),
    }
}

fn canonical(m: &Messages, error: &CanonicalError) -> String {
    match error {
        CanonicalError::Utf8 { offset } => m.with("reason-utf8", &[("offset", offset)]),
        CanonicalError::Json(detail) => m.with("reason-json", &[("detail", detail)]),
        CanonicalError::Float { path } => m.with("reason-float", &[("path", path)]),
        CanonicalError::IntegerRange { path, value } => {
            m.with("reason-integer", &[("path", path), ("value", value)])
        }
        CanonicalError::NotCanonical => m.get("reason-not-canonical"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_has_a_french_text() {
        let fr = Messages::new(Lang::Fr);
        let samples = [
            EntryError::TooLarge {
                len: 300_000,
                max: 262_144,
            },
            EntryError::Version(2),
            EntryError::BodyLen {
                claimed: 1,
                computed: 2,
            },
            EntryError::UnknownKind("x".into()),
            EntryError::Canonical(CanonicalError::NotCanonical),
            EntryError::Canonical(CanonicalError::Float {
                path: "body.place.lat".into(),
            }),
            EntryError::FromTheFuture {
                created: 0,
                ahead_ms: 700_000,
                max: 600_000,
            },
        ];
        for sample in samples {
            let text = entry_error(&fr, &sample);
            assert!(!text.starts_with("reason-"), "{text}");
            assert_ne!(text, sample.to_string());
        }
        let float = entry_error(
            &fr,
            &EntryError::Canonical(CanonicalError::Float {
                path: "body.place.lat".into(),
            }),
        );
        assert!(
            float.contains("body.place.lat") && float.contains("virgule"),
            "{float}"
        );
    }
}
