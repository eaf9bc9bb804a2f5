//! Institutional acts: what a city says about itself and its keys rather than about the city it
//! governs — its profile, the staff keys it delegates to, the keys it revokes, the move to a new
//! city key. They are signed entries like the nine content kinds (same envelope, same wire line,
//! they travel by gossip, sync and bundles), but their bodies are not drafts: they carry no
//! title, theme or licence, and they are never listed or searched as content.
//!
//! Each act is checked here alone (shape, vocabularies, the facts its header can confirm); what
//! an act *does* — which keys may sign for a city at a given time — is [`crate::authority`].

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::draft::{DraftError, Problem};
use crate::entry::Header;
use crate::key::PublicKey;
use crate::model::check::{Checker, problem};
use crate::model::{Kind, is_country};

/// The kinds of act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ActKind {
    CityProfile,
    Delegation,
    Revocation,
    Rotation,
    Retraction,
    ErasureReceipt,
    Endorsement,
    Vouch,
    Translation,
}

impl ActKind {
    pub const ALL: [ActKind; 9] = [
        ActKind::CityProfile,
        ActKind::Delegation,
        ActKind::Revocation,
        ActKind::Rotation,
        ActKind::Retraction,
        ActKind::ErasureReceipt,
        ActKind::Endorsement,
        ActKind::Vouch,
        ActKind::Translation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActKind::CityProfile => "city_profile",
            ActKind::Delegation => "delegation",
            ActKind::Revocation => "revocation",
            ActKind::Rotation => "rotation",
            ActKind::Retraction => "retraction",
            ActKind::ErasureReceipt => "erasure_receipt",
            ActKind::Endorsement => "endorsement",
            ActKind::Vouch => "vouch",
            ActKind::Translation => "translation",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl std::fmt::Display for ActKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A city's public profile. The latest (by creation time, then id) signed by the city wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CityProfile {
    /// The city's name as it wants to be shown ("Lyon", "Napoli").
    pub name: String,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// The languages it publishes in (BCP-47), in its order of preference.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
    /// How to reach the people behind the node (an address, a service's mailbox).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

/// A city gives a staff key the right to publish some content kinds for it, from the
/// delegation's creation time until `until` (inclusive), unless revoked earlier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delegation {
    /// The staff key.
    pub delegate: PublicKey,
    /// The content kinds it may publish, sorted, without repeats.
    pub kinds: Vec<String>,
    /// The last moment of the right, milliseconds since the epoch (UTC).
    pub until: u64,
    /// Who holds it, as shown with its entries ("Service innovation").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// A city withdraws a delegated key: entries it signed at or after `since` are refused, and
/// those already stored are removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revocation {
    pub key: PublicKey,
    /// Milliseconds since the epoch (UTC); may be earlier than the revocation itself (a laptop
    /// lost last week).
    pub since: u64,
}

/// A city moves to a new key, signed by the key it leaves: from this act's creation time on,
/// `new_key` speaks for the city and the old key no longer does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rotation {
    pub new_key: PublicKey,
}

/// A city withdraws one of its documents: every node erases the content of all its versions,
/// keeps only their ids (so that they are never taken again), and confirms with a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retraction {
    /// The document (its first version's id).
    pub doc: crate::id::Id,
    /// Why, for the people who find the document gone.
    pub reason: String,
}

/// A city confirms that its node erased a retracted document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErasureReceipt {
    /// The retraction applied.
    pub retraction: crate::id::Id,
    /// The document erased.
    pub doc: crate::id::Id,
}

/// A city endorses another's document, or says it adopted it ("adopted by Lyon, 2026-03").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endorsement {
    /// The document (its first version's id).
    pub doc: crate::id::Id,
    /// True when the city adopted the practice, not only endorsed it.
    pub adopted: bool,
    pub note: String,
}

/// A city vouches for another: nodes in `vouched` trust mode take the cities enough of their
/// directly trusted cities vouch for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vouch {
    pub city: PublicKey,
}

/// A city adds a language to an entry (its own or another city's): the translation of one
/// version, signed by the translator; shown as stale once the document has a later version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Translation {
    /// The version translated.
    pub of: crate::id::Id,
    /// The translation's language (BCP-47).
    pub lang: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Markdown, as a draft's `body`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

/// One act, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Act {
    CityProfile(CityProfile),
    Delegation(Delegation),
    Revocation(Revocation),
    Rotation(Rotation),
    Retraction(Retraction),
    ErasureReceipt(ErasureReceipt),
    Endorsement(Endorsement),
    Vouch(Vouch),
    Translation(Translation),
}

/// The longest translated body, in characters (the entry's 256 KiB limit applies too).
const MAX_TRANSLATED_BODY: usize = 100_000;

/// The longest reason, in characters.
const MAX_REASON: usize = 2_000;

/// The longest name, label or contact, in characters.
const MAX_SHORT_TEXT: usize = 200;

impl Act {
    pub fn kind(&self) -> ActKind {
        match self {
            Act::CityProfile(_) => ActKind::CityProfile,
            Act::Delegation(_) => ActKind::Delegation,
            Act::Revocation(_) => ActKind::Revocation,
            Act::Rotation(_) => ActKind::Rotation,
            Act::Retraction(_) => ActKind::Retraction,
            Act::ErasureReceipt(_) => ActKind::ErasureReceipt,
            Act::Endorsement(_) => ActKind::Endorsement,
            Act::Vouch(_) => ActKind::Vouch,
            Act::Translation(_) => ActKind::Translation,
        }
    }

    /// The body as JSON: the act's members and `kind`.
    pub fn to_value(&self) -> Value {
        let inner = match self {
            Act::CityProfile(a) => serde_json::to_value(a),
            Act::Delegation(a) => serde_json::to_value(a),
            Act::Revocation(a) => serde_json::to_value(a),
            Act::Rotation(a) => serde_json::to_value(a),
            Act::Retraction(a) => serde_json::to_value(a),
            Act::ErasureReceipt(a) => serde_json::to_value(a),
            Act::Endorsement(a) => serde_json::to_value(a),
            Act::Vouch(a) => serde_json::to_value(a),
            Act::Translation(a) => serde_json::to_value(a),
        };
        let mut map = match inner {
            Ok(Value::Object(map)) => map,
            // Plain structs of strings, integers and keys always serialise to an object.
            _ => Map::new(),
        };
        map.insert("kind".into(), Value::String(self.kind().as_str().into()));
        Value::Object(map)
    }

    /// Reads and checks an act's body (with its `kind` member).
    pub fn from_value(value: Value) -> Result<Self, DraftError> {
        let Value::Object(mut map) = value else {
            return Err(one("(root)", "expected an object", "attendu : un objet"));
        };
        let kind = match map.remove("kind") {
            Some(Value::String(k)) => ActKind::parse(&k).ok_or_else(|| {
                one(
                    "kind",
                    &format!("{k:?} is not an act kind"),
                    &format!("{k:?} n'est pas un type d'acte"),
                )
            })?,
            _ => return Err(one("kind", "expected a string", "attendu : un texte")),
        };
        let value = Value::Object(map);
        let act = match kind {
            ActKind::CityProfile => Act::CityProfile(read(value)?),
            ActKind::Delegation => Act::Delegation(read(value)?),
            ActKind::Revocation => Act::Revocation(read(value)?),
            ActKind::Rotation => Act::Rotation(read(value)?),
            ActKind::Retraction => Act::Retraction(read(value)?),
            ActKind::ErasureReceipt => Act::ErasureReceipt(read(value)?),
            ActKind::Endorsement => Act::Endorsement(read(value)?),
            ActKind::Vouch => Act::Vouch(read(value)?),
            ActKind::Translation => Act::Translation(read(value)?),
        };
        let problems = act.problems();
        if problems.is_empty() {
            Ok(act)
        } else {
            Err(DraftError { problems })
        }
    }

    /// The rules the body must follow on its own.
    fn problems(&self) -> Vec<Problem> {
        let mut c = Checker::new(None);
        match self {
            Act::CityProfile(p) => {
                c.text("name", &p.name, MAX_SHORT_TEXT);
                if !is_country(&p.country) {
                    c.push(
                        "country",
                        format!("expected an ISO 3166-1 alpha-2 code, got {:?}", p.country),
                        format!("attendu : un code ISO 3166-1 alpha-2, reçu {:?}", p.country),
                    );
                }
                if let Some(w) = &p.website {
                    c.url("website", w);
                }
                for (i, l) in p.languages.iter().enumerate() {
                    c.language_tag(&format!("languages[{i}]"), l);
                }
                c.no_repeats("languages", &p.languages);
                if let Some(contact) = &p.contact {
                    c.text("contact", contact, MAX_SHORT_TEXT);
                }
            }
            Act::Delegation(d) => {
                c.not_empty("kinds", &d.kinds);
                for (i, k) in d.kinds.iter().enumerate() {
                    if k.parse::<Kind>().is_err() {
                        c.push(
                            &format!("kinds[{i}]"),
                            format!("{k:?} is not one of the nine content kinds"),
                            format!("{k:?} n'est pas l'un des neuf types de contenu"),
                        );
                    }
                }
                if d.kinds.windows(2).any(|w| w[0] >= w[1]) {
                    c.push(
                        "kinds",
                        "must be sorted, without repeats",
                        "doit être trié, sans répétition",
                    );
                }
                if let Some(label) = &d.label {
                    c.text("label", label, MAX_SHORT_TEXT);
                }
            }
            Act::Retraction(r) => c.text("reason", &r.reason, MAX_REASON),
            Act::Endorsement(e) => c.text("note", &e.note, MAX_REASON),
            Act::Translation(t) => {
                c.language_tag("lang", &t.lang);
                c.text("title", &t.title, MAX_SHORT_TEXT * 2);
                if let Some(summary) = &t.summary {
                    c.text("summary", summary, MAX_REASON);
                }
                if let Some(body) = &t.body {
                    c.text("body", body, MAX_TRANSLATED_BODY);
                }
            }
            Act::Revocation(_) | Act::Rotation(_) | Act::ErasureReceipt(_) | Act::Vouch(_) => {}
        }
        c.into_problems()
    }

    /// The rules that need the act's header: a city never delegates to, revokes or rotates to
    /// its own signing key, and a delegation ends after it begins.
    pub fn check_head(&self, head: &Header) -> Result<(), DraftError> {
        let fault = match self {
            Act::Delegation(d) if d.delegate == head.signer || d.delegate == head.city => Some((
                "delegate",
                "a city delegates to a staff key, not to its own key",
                "une ville délègue à une clé d'agent, pas à sa propre clé",
            )),
            Act::Delegation(d) if d.until < head.created => Some((
                "until",
                "the delegation ends before it is signed",
                "la délégation finit avant d'être signée",
            )),
            Act::Revocation(r) if r.key == head.signer || r.key == head.city => Some((
                "key",
                "a city does not revoke its own key; it rotates it (`audacities key rotate`)",
                "une ville ne révoque pas sa propre clé ; elle la remplace (`audacities key rotate`)",
            )),
            Act::Vouch(v) if v.city == head.city => Some((
                "city",
                "a city does not vouch for itself",
                "une ville ne se recommande pas elle-même",
            )),
            Act::Rotation(r) if r.new_key == head.signer || r.new_key == head.city => Some((
                "new_key",
                "the new key must differ from the city's current and first keys",
                "la nouvelle clé doit différer de la clé actuelle et de la première clé de la ville",
            )),
            _ => None,
        };
        match fault {
            Some((path, en, fr)) => Err(one(path, en, fr)),
            None => Ok(()),
        }
    }
}

impl Delegation {
    /// The delegation's kinds that are content kinds (all of them, once checked).
    pub fn content_kinds(&self) -> Vec<Kind> {
        self.kinds.iter().filter_map(|k| k.parse().ok()).collect()
    }

    /// Whether it covers `kind`.
    pub fn covers(&self, kind: Kind) -> bool {
        self.kinds.iter().any(|k| k == kind.as_str())
    }
}

fn read<T: DeserializeOwned>(value: Value) -> Result<T, DraftError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { "(root)".into() } else { path };
        let message = e.into_inner().to_string();
        one(&path, &message, &message)
    })
}

fn one(path: &str, en: &str, fr: &str) -> DraftError {
    DraftError {
        problems: vec![problem(path, en, fr)],
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::key::SecretKey;

    fn key(seed: u8) -> PublicKey {
        SecretKey::from_bytes([seed; 32]).public()
    }

    #[test]
    fn every_act_round_trips_through_its_json() {
        let acts = [
            Act::CityProfile(CityProfile {
                name: "Lyon".into(),
                country: "FR".into(),
                website: Some("https://www.lyon.fr".into()),
                languages: vec!["fr".into(), "en".into()],
                contact: Some("innovation@mairie-lyon.fr".into()),
            }),
            Act::Delegation(Delegation {
                delegate: key(2),
                kinds: vec!["case_study".into(), "scenario".into()],
                until: 1_830_297_599_999,
                label: Some("Service innovation".into()),
            }),
            Act::Revocation(Revocation {
                key: key(2),
                since: 1_790_000_000_000,
            }),
            Act::Rotation(Rotation { new_key: key(3) }),
        ];
        for act in acts {
            let value = act.to_value();
            assert_eq!(value["kind"], act.kind().as_str());
            assert_eq!(Act::from_value(value).unwrap(), act);
        }
    }

    #[test]
    fn a_bad_act_names_the_field() {
        let cases = [
            (
                json!({"kind": "city_profile", "name": "Lyon", "country": "France"}),
                "country",
            ),
            (
                json!({"kind": "city_profile", "name": " ", "country": "FR"}),
                "name",
            ),
            (
                json!({"kind": "city_profile", "name": "Lyon", "country": "FR", "website": "ftp://x"}),
                "website",
            ),
            (
                json!({"kind": "delegation", "delegate": key(2).to_string(), "kinds": ["case_study", "poem"], "until": 5}),
                "kinds[1]",
            ),
            (
                json!({"kind": "delegation", "delegate": key(2).to_string(), "kinds": ["scenario", "case_study"], "until": 5}),
                "kinds",
            ),
            (
                json!({"kind": "delegation", "delegate": key(2).to_string(), "kinds": [], "until": 5}),
                "kinds",
            ),
            (
                json!({"kind": "revocation", "key": "abc", "since": 1}),
                "key",
            ),
            (
                json!({"kind": "rotation", "new_key": key(3).to_string(), "extra": 1}),
                "extra",
            ),
            (json!({"kind": "pardon"}), "kind"),
        ];
        for (value, path) in cases {
            let err = Act::from_value(value.clone()).unwrap_err();
            assert_eq!(err.problems[0].path, path, "{value}: {err}");
        }
    }
}
