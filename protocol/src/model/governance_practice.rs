//! `governance_practice`: a new object of urban governance (a map, a sensor network, signage,
//! a commons, a process, an indicator framework…) and the public instrument behind it, with
//! URBACT good-practice and DCAT fields (legal basis, results, datasets).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::LStr;
use super::check::{Checker, TEXT_MAX, field, item, push_texts};
use super::common::{Date, push_opt};
use super::schema::{HttpUrl, LicenceId, LongText, NonEmpty};
use super::vocab::{Instrument, ObjectKind, ResultStatus};

/// The fields of a `governance_practice`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GovernancePractice {
    /// The new object of governance.
    pub object_kind: ObjectKind,
    /// The public instrument used.
    pub instrument: Instrument,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<LongText>")]
    pub what_is_decided: Option<LStr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<LongText>")]
    pub who_participates: Option<LStr>,
    /// The texts the practice rests on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal_basis: Vec<LegalBasis>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub results: Vec<PracticeResult>,
    /// The data the practice publishes or uses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub datasets: Vec<Dataset>,
}

/// A legal text (a by-law, a decree, a council decision).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalBasis {
    #[schemars(with = "NonEmpty")]
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<NonEmpty>")]
    pub number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<HttpUrl>")]
    pub url: Option<String>,
}

/// A result of the practice and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PracticeResult {
    #[schemars(with = "LongText")]
    pub title: LStr,
    pub status: ResultStatus,
    /// Progress in percent (0–100).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 100))]
    pub progress: Option<i64>,
}

/// A dataset (DCAT).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    #[schemars(with = "NonEmpty")]
    pub title: String,
    #[schemars(with = "HttpUrl")]
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<LicenceId>")]
    pub licence: Option<String>,
}

impl GovernancePractice {
    pub(crate) fn check(&self, ck: &mut Checker) {
        ck.lstr_opt("what_is_decided", self.what_is_decided.as_ref(), TEXT_MAX);
        ck.lstr_opt("who_participates", self.who_participates.as_ref(), TEXT_MAX);
        for (i, basis) in self.legal_basis.iter().enumerate() {
            let at = item("legal_basis", i);
            ck.text(&field(&at, "title"), &basis.title, TEXT_MAX);
            if let Some(number) = &basis.number {
                ck.text(&field(&at, "number"), number, TEXT_MAX);
            }
            if let Some(date) = &basis.date {
                ck.date(&field(&at, "date"), date.as_str());
            }
            if let Some(url) = &basis.url {
                ck.url(&field(&at, "url"), url);
            }
        }
        for (i, result) in self.results.iter().enumerate() {
            let at = item("results", i);
            ck.lstr(&field(&at, "title"), &result.title, TEXT_MAX);
            if let Some(progress) = result.progress {
                ck.integer(&field(&at, "progress"), progress, 0, Some(100));
            }
        }
        for (i, dataset) in self.datasets.iter().enumerate() {
            let at = item("datasets", i);
            ck.text(&field(&at, "title"), &dataset.title, TEXT_MAX);
            ck.url(&field(&at, "url"), &dataset.url);
            if let Some(licence) = &dataset.licence {
                ck.licence(&field(&at, "licence"), licence);
            }
        }
    }

    pub(crate) fn other_texts(&self, out: &mut Vec<String>) {
        push_opt(out, self.what_is_decided.as_ref());
        push_opt(out, self.who_participates.as_ref());
        for result in &self.results {
            push_texts(out, &result.title);
        }
    }
}
