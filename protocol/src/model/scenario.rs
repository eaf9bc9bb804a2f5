//! `scenario`: a future, extreme or not, told as an invitation to imagine new arrangements
//! (the focal question, premise and drivers of scenario-planning practice).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::LStr;
use super::check::{Checker, TEXT_MAX, field, item, push_texts};
use super::common::{Ref, push_list};
use super::schema::LongText;
use super::vocab::{Level, ScenarioKind, Steep};

/// The first and last years a scenario's horizon may be.
pub const HORIZON_YEARS: (i64, i64) = (1900, 3000);

/// The fields of a `scenario`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub scenario_kind: ScenarioKind,
    /// The question the scenario helps answer.
    #[schemars(with = "LongText")]
    pub focal_question: LStr,
    /// What is assumed.
    #[schemars(with = "LongText")]
    pub premise: LStr,
    /// The story of that future.
    #[schemars(with = "LongText")]
    pub narrative: LStr,
    /// The year the scenario takes place in (1900–3000).
    #[schemars(range(min = 1900, max = 3000))]
    pub horizon_year: i64,
    /// The governance questions it raises (at least one).
    #[schemars(with = "Vec<LongText>", length(min = 1))]
    pub governance_questions: Vec<LStr>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drivers: Vec<Driver>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(with = "Vec<LongText>")]
    pub uncertainties: Vec<LStr>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub early_signals: Vec<EarlySignal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plausibility: Option<Level>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub desirability: Option<Level>,
}

/// A driver of change and its STEEP(V) family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Driver {
    #[schemars(with = "LongText")]
    pub label: LStr,
    pub steep: Steep,
}

/// A sign, seen today, of the scenario's future.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EarlySignal {
    #[schemars(with = "LongText")]
    pub label: LStr,
    /// An entry that shows the signal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Ref>,
}

impl Scenario {
    pub(crate) fn check(&self, ck: &mut Checker) {
        ck.lstr("focal_question", &self.focal_question, TEXT_MAX);
        ck.lstr("premise", &self.premise, TEXT_MAX);
        ck.lstr("narrative", &self.narrative, TEXT_MAX);
        ck.integer(
            "horizon_year",
            self.horizon_year,
            HORIZON_YEARS.0,
            Some(HORIZON_YEARS.1),
        );
        ck.not_empty("governance_questions", &self.governance_questions);
        ck.lstr_list("governance_questions", &self.governance_questions);
        for (i, driver) in self.drivers.iter().enumerate() {
            ck.lstr(
                &field(&item("drivers", i), "label"),
                &driver.label,
                TEXT_MAX,
            );
        }
        ck.lstr_list("uncertainties", &self.uncertainties);
        for (i, signal) in self.early_signals.iter().enumerate() {
            let at = item("early_signals", i);
            ck.lstr(&field(&at, "label"), &signal.label, TEXT_MAX);
            if let Some(evidence) = &signal.evidence {
                ck.reference(&field(&at, "evidence"), evidence.as_str());
            }
        }
    }

    pub(crate) fn other_texts(&self, out: &mut Vec<String>) {
        push_texts(out, &self.focal_question);
        push_texts(out, &self.premise);
        push_texts(out, &self.narrative);
        push_list(out, &self.governance_questions);
        for driver in &self.drivers {
            push_texts(out, &driver.label);
        }
        push_list(out, &self.uncertainties);
        for signal in &self.early_signals {
            push_texts(out, &signal.label);
        }
    }
}
