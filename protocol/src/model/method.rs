//! `method`: a reproducible way to observe the real digital city (participatory mapping,
//! citizen sensing, living labs…), as Participedia describes methods.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::LStr;
use super::check::{Checker, TEXT_MAX, push_texts};
use super::common::{push_list, push_opt};
use super::schema::LongText;
use super::vocab::MethodType;

/// The fields of a `method`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Method {
    pub method_type: MethodType,
    /// What the method is for.
    #[schemars(with = "LongText")]
    pub purpose: LStr,
    /// The steps, in order (at least one).
    #[schemars(with = "Vec<LongText>", length(min = 1))]
    pub steps: Vec<LStr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<LongText>")]
    pub resources: Option<LStr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<LongText>")]
    pub ethics: Option<LStr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<LongText>")]
    pub limitations: Option<LStr>,
}

impl Method {
    pub(crate) fn check(&self, ck: &mut Checker) {
        ck.lstr("purpose", &self.purpose, TEXT_MAX);
        ck.not_empty("steps", &self.steps);
        ck.lstr_list("steps", &self.steps);
        ck.lstr_opt("resources", self.resources.as_ref(), TEXT_MAX);
        ck.lstr_opt("ethics", self.ethics.as_ref(), TEXT_MAX);
        ck.lstr_opt("limitations", self.limitations.as_ref(), TEXT_MAX);
    }

    pub(crate) fn other_texts(&self, out: &mut Vec<String>) {
        push_texts(out, &self.purpose);
        push_list(out, &self.steps);
        push_opt(out, self.resources.as_ref());
        push_opt(out, self.ethics.as_ref());
        push_opt(out, self.limitations.as_ref());
    }
}
