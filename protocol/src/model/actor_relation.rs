//! `actor_relation`: a meeting point or a tension point between two actors — the edges of the
//! actor map (Popolo memberships, ActivityStreams relationships).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::LStr;
use super::check::Checker;
use super::common::{Ref, push_list};
use super::schema::LongText;
use super::vocab::{RelationKind, Valence};

/// The fields of an `actor_relation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActorRelation {
    /// The first `actor`.
    pub subject: Ref,
    /// The second `actor`, another one than the subject.
    pub object: Ref,
    pub relation_kind: RelationKind,
    pub valence: Valence,
    /// Where the two actors meet; this or tension_points holds at least one text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(with = "Vec<LongText>")]
    pub meeting_points: Vec<LStr>,
    /// Where the two actors oppose; this or meeting_points holds at least one text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(with = "Vec<LongText>")]
    pub tension_points: Vec<LStr>,
}

impl ActorRelation {
    pub(crate) fn check(&self, ck: &mut Checker) {
        ck.reference("subject", self.subject.as_str());
        ck.reference("object", self.object.as_str());
        if self.subject == self.object {
            ck.push(
                "object",
                "expected another actor than the subject, got the same id",
                "attendu : un autre acteur que le sujet (subject), reçu le même identifiant",
            );
        }
        if self.meeting_points.is_empty() && self.tension_points.is_empty() {
            ck.push(
                "meeting_points",
                "expected at least one meeting point or tension point (meeting_points or tension_points), got none",
                "attendu : au moins un point de rencontre ou de tension (meeting_points ou tension_points), reçu aucun",
            );
        }
        ck.lstr_list("meeting_points", &self.meeting_points);
        ck.lstr_list("tension_points", &self.tension_points);
    }

    pub(crate) fn other_texts(&self, out: &mut Vec<String>) {
        push_list(out, &self.meeting_points);
        push_list(out, &self.tension_points);
    }
}
