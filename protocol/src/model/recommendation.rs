//! `recommendation`: a lever for action, addressed to someone and backed by evidence (other
//! entries).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::LStr;
use super::check::{Checker, TEXT_MAX, item, push_texts};
use super::common::Ref;
use super::schema::LongText;
use super::vocab::{Audience, Horizon, Lever};

/// The fields of a `recommendation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recommendation {
    /// What is recommended.
    #[schemars(with = "LongText")]
    pub recommendation: LStr,
    /// Why.
    #[schemars(with = "LongText")]
    pub rationale: LStr,
    /// Whom it speaks to (at least one, no repeats).
    #[schemars(length(min = 1), extend("uniqueItems" = true))]
    pub audience: Vec<Audience>,
    pub lever: Lever,
    /// The entries it rests on (at least one).
    #[schemars(length(min = 1))]
    pub evidence: Vec<Ref>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub horizon: Option<Horizon>,
}

impl Recommendation {
    pub(crate) fn check(&self, ck: &mut Checker) {
        ck.lstr("recommendation", &self.recommendation, TEXT_MAX);
        ck.lstr("rationale", &self.rationale, TEXT_MAX);
        ck.not_empty("audience", &self.audience);
        ck.no_repeats("audience", &self.audience);
        ck.not_empty("evidence", &self.evidence);
        for (i, evidence) in self.evidence.iter().enumerate() {
            ck.reference(&item("evidence", i), evidence.as_str());
        }
    }

    pub(crate) fn other_texts(&self, out: &mut Vec<String>) {
        push_texts(out, &self.recommendation);
        push_texts(out, &self.rationale);
    }
}
