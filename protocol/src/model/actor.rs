//! `actor`: who acts in the real digital city (a platform, an operator, a city service, a
//! commons, users…), with Popolo/Participedia organisation fields.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::check::{Checker, TEXT_MAX, field, item, quote};
use super::common::Ref;
use super::schema::NonEmpty;
use super::vocab::{ActorCategory, IdentifierScheme, Sector};

/// The fields of an `actor` (its name is the entry's `title`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    pub actor_category: ActorCategory,
    pub sector: Sector,
    /// Other names the actor is known by.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(with = "Vec<NonEmpty>")]
    pub other_names: Vec<String>,
    /// Its ids in public registers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<Identifier>,
    /// The `actor` it belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<Ref>,
}

/// An id of an actor in a public register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Identifier {
    pub scheme: IdentifierScheme,
    /// The id in that register (Q90, a 9-digit SIREN, a 20-character LEI, an OSM id, a URL).
    #[schemars(with = "NonEmpty")]
    pub id: String,
}

impl Actor {
    pub(crate) fn check(&self, ck: &mut Checker) {
        for (i, name) in self.other_names.iter().enumerate() {
            ck.text(&item("other_names", i), name, TEXT_MAX);
        }
        for (i, identifier) in self.identifiers.iter().enumerate() {
            identifier.check(&field(&item("identifiers", i), "id"), ck);
        }
        if let Some(parent) = &self.parent {
            ck.reference("parent", parent.as_str());
        }
    }

    pub(crate) fn other_texts(&self, out: &mut Vec<String>) {
        out.extend(self.other_names.iter().cloned());
    }
}

impl Identifier {
    fn check(&self, path: &str, ck: &mut Checker) {
        let id = self.id.as_str();
        let form = match self.scheme {
            IdentifierScheme::Wikidata => return ck.wikidata(path, id),
            IdentifierScheme::Url => return ck.url(path, id),
            IdentifierScheme::Osm => return ck.text(path, id, TEXT_MAX),
            IdentifierScheme::Siren => (id.len() == 9 && id.bytes().all(|b| b.is_ascii_digit()))
                .then_some(())
                .ok_or(("a SIREN number (9 digits)", "un numéro SIREN (9 chiffres)")),
            IdentifierScheme::Lei => (id.len() == 20
                && id
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()))
            .then_some(())
            .ok_or((
                "an LEI (20 uppercase letters or digits)",
                "un LEI (20 lettres majuscules ou chiffres)",
            )),
        };
        if let Err((en, fr)) = form {
            ck.push(
                path,
                format!("expected {en}, got {}", quote(id)),
                format!("attendu : {fr}, reçu {}", quote(id)),
            );
        }
    }
}
