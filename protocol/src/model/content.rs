//! The typed content of a draft: one of the nine kinds' structs, chosen by `kind`, with the
//! dispatch that validation, search texts and the JSON Schema need.

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::Kind;
use super::actor::Actor;
use super::actor_relation::ActorRelation;
use super::case_study::CaseStudy;
use super::check::Checker;
use super::common::COMMON_FIELDS;
use super::deser::{self, Session};
use super::governance_practice::GovernancePractice;
use super::indicator::Indicator;
use super::method::Method;
use super::recommendation::Recommendation;
use super::scenario::Scenario;
use super::skill::Skill;

/// The fields of a draft that are particular to its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    CaseStudy(CaseStudy),
    Scenario(Scenario),
    GovernancePractice(GovernancePractice),
    Actor(Actor),
    ActorRelation(ActorRelation),
    Skill(Skill),
    Method(Method),
    Indicator(Indicator),
    Recommendation(Recommendation),
}

/// Runs `$body` on the struct inside any variant of `Content`.
macro_rules! each {
    ($content:expr, $c:ident => $body:expr) => {
        match $content {
            Content::CaseStudy($c) => $body,
            Content::Scenario($c) => $body,
            Content::GovernancePractice($c) => $body,
            Content::Actor($c) => $body,
            Content::ActorRelation($c) => $body,
            Content::Skill($c) => $body,
            Content::Method($c) => $body,
            Content::Indicator($c) => $body,
            Content::Recommendation($c) => $body,
        }
    };
}

/// The variant of `Content` for `$kind`, its struct read by `$read` (an `Option` of the struct,
/// whose type is inferred from the variant): `None` when `$read` gives `None`.
macro_rules! by_kind {
    ($kind:expr, $read:expr) => {
        Some(match $kind {
            Kind::CaseStudy => Content::CaseStudy($read?),
            Kind::Scenario => Content::Scenario($read?),
            Kind::GovernancePractice => Content::GovernancePractice($read?),
            Kind::Actor => Content::Actor($read?),
            Kind::ActorRelation => Content::ActorRelation($read?),
            Kind::Skill => Content::Skill($read?),
            Kind::Method => Content::Method($read?),
            Kind::Indicator => Content::Indicator($read?),
            Kind::Recommendation => Content::Recommendation($read?),
        })
    };
}

impl Content {
    pub fn kind(&self) -> Kind {
        match self {
            Content::CaseStudy(_) => Kind::CaseStudy,
            Content::Scenario(_) => Kind::Scenario,
            Content::GovernancePractice(_) => Kind::GovernancePractice,
            Content::Actor(_) => Kind::Actor,
            Content::ActorRelation(_) => Kind::ActorRelation,
            Content::Skill(_) => Kind::Skill,
            Content::Method(_) => Kind::Method,
            Content::Indicator(_) => Kind::Indicator,
            Content::Recommendation(_) => Kind::Recommendation,
        }
    }

    /// Reads the kind's fields (an object of the draft's top-level fields that are not common),
    /// recording every structural problem in `session`.
    pub(crate) fn deserialize(kind: Kind, fields: Value, session: &mut Session) -> Option<Self> {
        fn read<T: DeserializeOwned + Serialize>(
            fields: Value,
            session: &mut Session,
        ) -> Option<T> {
            session.deserialize(fields, true)
        }
        by_kind!(kind, read(fields, session))
    }

    /// Reads the kind's fields straight from the draft's members, when they have no problem
    /// (see [`deser::read_members`]); `None` otherwise, and [`Content::deserialize`] names them.
    pub(crate) fn read_valid(kind: Kind, draft: &Value) -> Option<Self> {
        fn read<T: DeserializeOwned + Serialize>(draft: &Value) -> Option<T> {
            deser::read_members(draft, |name| {
                name != "kind" && !COMMON_FIELDS.contains(&name)
            })
        }
        by_kind!(kind, read(draft))
    }

    /// The semantic rules of the kind.
    pub(crate) fn check(&self, ck: &mut Checker) {
        each!(self, c => c.check(ck))
    }

    /// The kind's long texts, every language, in field order.
    pub(crate) fn other_texts(&self, out: &mut Vec<String>) {
        each!(self, c => c.other_texts(out))
    }

    /// The schema of the kind's struct (its `properties` and `required`), adding the schemas it
    /// refers to to `generator`.
    pub(crate) fn schema(kind: Kind, generator: &mut SchemaGenerator) -> Schema {
        match kind {
            Kind::CaseStudy => CaseStudy::json_schema(generator),
            Kind::Scenario => Scenario::json_schema(generator),
            Kind::GovernancePractice => GovernancePractice::json_schema(generator),
            Kind::Actor => Actor::json_schema(generator),
            Kind::ActorRelation => ActorRelation::json_schema(generator),
            Kind::Skill => Skill::json_schema(generator),
            Kind::Method => Method::json_schema(generator),
            Kind::Indicator => Indicator::json_schema(generator),
            Kind::Recommendation => Recommendation::json_schema(generator),
        }
    }

    /// The rules of a kind that tie fields together, as JSON Schema `allOf` items.
    pub(crate) fn schema_rules(kind: Kind) -> Vec<Value> {
        let mut rules = Vec::new();
        if kind.requires_place() {
            rules.push(json!({ "required": ["place"] }));
        }
        match kind {
            Kind::CaseStudy => rules.push(json!({
                "if": {
                    "properties": { "case_kind": { "const": "model" } },
                    "required": ["case_kind"]
                },
                "then": {
                    "required": ["city_model", "stakes"],
                    "properties": { "stakes": { "minItems": 1 } }
                }
            })),
            Kind::ActorRelation => rules.push(json!({
                "anyOf": [
                    {
                        "required": ["meeting_points"],
                        "properties": { "meeting_points": { "minItems": 1 } }
                    },
                    {
                        "required": ["tension_points"],
                        "properties": { "tension_points": { "minItems": 1 } }
                    }
                ]
            })),
            _ => {}
        }
        rules
    }
}
