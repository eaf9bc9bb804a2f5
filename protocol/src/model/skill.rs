//! `skill`: a new skill, profession or arrangement of urban actors, optionally tied to the
//! ESCO/ISCO classification.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::LStr;
use super::check::{Checker, TEXT_MAX, push_texts};
use super::common::push_list;
use super::schema::{LongText, NonEmpty};
use super::vocab::{Maturity, SkillKind};

/// The fields of a `skill`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Skill {
    pub skill_kind: SkillKind,
    #[schemars(with = "LongText")]
    pub description: LStr,
    /// Where it is seen at work (at least one).
    #[schemars(with = "Vec<LongText>", length(min = 1))]
    pub examples: Vec<LStr>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(with = "Vec<LongText>")]
    pub responsibilities: Vec<LStr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maturity: Option<Maturity>,
    /// An ESCO or ISCO code or URI.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<NonEmpty>")]
    pub esco: Option<String>,
}

impl Skill {
    pub(crate) fn check(&self, ck: &mut Checker) {
        ck.lstr("description", &self.description, TEXT_MAX);
        ck.not_empty("examples", &self.examples);
        ck.lstr_list("examples", &self.examples);
        ck.lstr_list("responsibilities", &self.responsibilities);
        if let Some(esco) = &self.esco {
            ck.text("esco", esco, TEXT_MAX);
        }
    }

    pub(crate) fn other_texts(&self, out: &mut Vec<String>) {
        push_texts(out, &self.description);
        push_list(out, &self.examples);
        push_list(out, &self.responsibilities);
    }
}
