//! `audacities schema KIND`: the JSON Schema of a kind's draft, for editors and local tools.

use audacities_protocol::draft::json_schema;
use audacities_protocol::model::Kind;

use crate::failure::Failure;
use crate::i18n::Messages;
use crate::output;

#[derive(clap::Args)]
pub struct Args {
    /// One of the nine kinds: case_study, scenario, governance_practice, actor,
    /// actor_relation, skill, method, indicator, recommendation.
    kind: String,
}

pub fn run(messages: &Messages, args: Args) -> Result<(), Failure> {
    let kind: Kind = args
        .kind
        .parse()
        .map_err(|e| Failure::because(messages, "bad-kind", e).hint(messages.get("hint-kinds")))?;
    output::json(&json_schema(kind))
}
