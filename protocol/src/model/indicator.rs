//! `indicator`: a measure worth producing and discussing, with the fields of the UN SDG
//! metadata template (code, definition, computation, unit) and its observations.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::LStr;
use super::check::{Checker, TEXT_MAX, field, item, push_texts};
use super::common::{Date, Decimal};
use super::schema::{LongText, NonEmpty};
use super::vocab::Framework;

/// The fields of an `indicator`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// The indicator's code in its framework (SDG 11.3.2).
    #[schemars(with = "NonEmpty")]
    pub code: String,
    pub framework: Framework,
    #[schemars(with = "LongText")]
    pub definition: LStr,
    /// How it is computed.
    #[schemars(with = "LongText")]
    pub computation: LStr,
    /// The unit of its values.
    #[schemars(with = "NonEmpty")]
    pub unit: String,
    /// How often it is produced.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<NonEmpty>")]
    pub periodicity: Option<String>,
    /// Who produces it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<NonEmpty>")]
    pub custodian: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub observations: Vec<Observation>,
}

/// One value of the indicator, for an area and a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Observation {
    #[schemars(with = "NonEmpty")]
    pub area: String,
    pub period: Date,
    pub value: Decimal,
    /// When it differs from the indicator's unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<NonEmpty>")]
    pub unit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<NonEmpty>")]
    pub source: Option<String>,
}

impl Indicator {
    pub(crate) fn check(&self, ck: &mut Checker) {
        ck.text("code", &self.code, TEXT_MAX);
        ck.lstr("definition", &self.definition, TEXT_MAX);
        ck.lstr("computation", &self.computation, TEXT_MAX);
        ck.text("unit", &self.unit, TEXT_MAX);
        if let Some(periodicity) = &self.periodicity {
            ck.text("periodicity", periodicity, TEXT_MAX);
        }
        if let Some(custodian) = &self.custodian {
            ck.text("custodian", custodian, TEXT_MAX);
        }
        for (i, o) in self.observations.iter().enumerate() {
            let at = item("observations", i);
            ck.text(&field(&at, "area"), &o.area, TEXT_MAX);
            ck.date(&field(&at, "period"), o.period.as_str());
            ck.decimal(&field(&at, "value"), o.value.as_str());
            if let Some(unit) = &o.unit {
                ck.text(&field(&at, "unit"), unit, TEXT_MAX);
            }
            if let Some(source) = &o.source {
                ck.text(&field(&at, "source"), source, TEXT_MAX);
            }
        }
    }

    pub(crate) fn other_texts(&self, out: &mut Vec<String>) {
        push_texts(out, &self.definition);
        push_texts(out, &self.computation);
    }
}
