//! The data model of `shared/DATA-MODEL.md`: the nine content kinds, their fields and
//! vocabularies, as typed structs, and the rules that check them.
//!
//! A draft is read in two steps (see `draft`): its JSON value is deserialized into [`Common`] (the
//! fields of every entry) and the struct of its kind (held in [`Content`]), every struct denying
//! unknown fields; then the semantic rules of `check` run over the typed values. Both steps
//! collect every problem, each at its field path, in English and French.

mod actor;
mod actor_relation;
mod case_study;
pub mod check;
mod common;
mod content;
pub mod countries;
pub(crate) mod deser;
mod governance_practice;
mod indicator;
pub mod licences;
mod method;
mod recommendation;
mod scenario;
pub mod schema;
mod shape;
mod skill;
pub mod vocab;

pub use actor::{Actor, Identifier};
pub use actor_relation::ActorRelation;
pub use case_study::{CaseActor, CaseStudy};
pub use common::{
    Attachment, COMMON_FIELDS, Common, Date, Decimal, Link, Period, Place, Ref, Source,
};
pub use content::Content;
pub use countries::is_country;
pub use governance_practice::{Dataset, GovernancePractice, LegalBasis, PracticeResult};
pub use indicator::{Indicator, Observation};
pub use licences::is_licence;
pub use method::Method;
pub use recommendation::Recommendation;
pub use scenario::{Driver, EarlySignal, HORIZON_YEARS, Scenario};
pub use skill::Skill;
pub use vocab::*;

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// A text per language: a map from a BCP-47 tag to a non-empty string.
pub type LStr = BTreeMap<String, String>;

/// The nine content kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    CaseStudy,
    Scenario,
    GovernancePractice,
    Actor,
    ActorRelation,
    Skill,
    Method,
    Indicator,
    Recommendation,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::CaseStudy,
        Kind::Scenario,
        Kind::GovernancePractice,
        Kind::Actor,
        Kind::ActorRelation,
        Kind::Skill,
        Kind::Method,
        Kind::Indicator,
        Kind::Recommendation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::CaseStudy => "case_study",
            Kind::Scenario => "scenario",
            Kind::GovernancePractice => "governance_practice",
            Kind::Actor => "actor",
            Kind::ActorRelation => "actor_relation",
            Kind::Skill => "skill",
            Kind::Method => "method",
            Kind::Indicator => "indicator",
            Kind::Recommendation => "recommendation",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A kind name that is not one of the nine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown kind {0:?}; expected one of case_study, scenario, governance_practice, actor, actor_relation, skill, method, indicator, recommendation"
)]
pub struct UnknownKind(pub String);

impl FromStr for Kind {
    type Err = UnknownKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownKind(s.to_owned()))
    }
}

/// The theme vocabulary.
pub const THEMES: [&str; 16] = [
    "mobility",
    "housing",
    "tourism",
    "public_space",
    "environment_energy",
    "participation",
    "economy_work",
    "safety",
    "health",
    "culture",
    "data_digital",
    "commerce_logistics",
    "proximity_sociability",
    "distributed_measurement",
    "education",
    "social_inclusion",
];
