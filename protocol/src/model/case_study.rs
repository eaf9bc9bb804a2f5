//! `case_study`: an experience, local (`instance`) or a "collaborative city" model (`model`),
//! with the fields of Participedia cases and the OECD OPSI case library.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::LStr;
use super::check::{Checker, TEXT_MAX, field, item, push_texts};
use super::common::{Ref, push_list, push_opt};
use super::schema::LongText;
use super::vocab::{ActorRole, CaseKind, CityModel, InnovationStage};

/// The fields of a `case_study`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseStudy {
    /// A local experience (`instance`) or a model of city (`model`).
    pub case_kind: CaseKind,
    /// The model of city; required when case_kind is `model`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city_model: Option<CityModel>,
    /// The problem addressed.
    #[schemars(with = "LongText")]
    pub problem: LStr,
    /// What is new.
    #[schemars(with = "LongText")]
    pub innovation: LStr,
    /// The key governance stakes; at least one when case_kind is `model`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(with = "Vec<LongText>")]
    pub stakes: Vec<LStr>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(with = "Vec<LongText>")]
    pub vigilance_points: Vec<LStr>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(with = "Vec<LongText>")]
    pub conditions_for_success: Vec<LStr>,
    /// Cases that illustrate a model.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub illustrations: Vec<Ref>,
    /// The actors involved and their role.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actors: Vec<CaseActor>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub innovation_stage: Option<InnovationStage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<LongText>")]
    pub results: Option<LStr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<LongText>")]
    pub transferability: Option<LStr>,
    /// The population concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub population: Option<i64>,
}

/// An actor of a case and its role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseActor {
    /// The `actor` entry.
    pub actor: Ref,
    pub role: ActorRole,
}

impl CaseStudy {
    pub(crate) fn check(&self, ck: &mut Checker) {
        let model = self.case_kind == CaseKind::Model;
        if model && self.city_model.is_none() {
            ck.required_because(
                "city_model",
                "when case_kind is \"model\"",
                "quand case_kind vaut \"model\"",
            );
        }
        ck.lstr("problem", &self.problem, TEXT_MAX);
        ck.lstr("innovation", &self.innovation, TEXT_MAX);
        if model && self.stakes.is_empty() {
            ck.required_because(
                "stakes",
                "(at least one stake) when case_kind is \"model\"",
                "(au moins un enjeu) quand case_kind vaut \"model\"",
            );
        }
        ck.lstr_list("stakes", &self.stakes);
        ck.lstr_list("vigilance_points", &self.vigilance_points);
        ck.lstr_list("conditions_for_success", &self.conditions_for_success);
        for (i, r) in self.illustrations.iter().enumerate() {
            ck.reference(&item("illustrations", i), r.as_str());
        }
        for (i, a) in self.actors.iter().enumerate() {
            ck.reference(&field(&item("actors", i), "actor"), a.actor.as_str());
        }
        ck.lstr_opt("results", self.results.as_ref(), TEXT_MAX);
        ck.lstr_opt("transferability", self.transferability.as_ref(), TEXT_MAX);
        if let Some(population) = self.population {
            ck.integer("population", population, 0, None);
        }
    }

    pub(crate) fn other_texts(&self, out: &mut Vec<String>) {
        push_texts(out, &self.problem);
        push_texts(out, &self.innovation);
        push_list(out, &self.stakes);
        push_list(out, &self.vigilance_points);
        push_list(out, &self.conditions_for_success);
        push_opt(out, self.results.as_ref());
        push_opt(out, self.transferability.as_ref());
    }
}
