//! The closed vocabularies of the data model (themes, link relations, the `*_kind` fields, …) as
//! enums, so that a word outside a list is refused by name and every node reads the same words.
//!
//! Each enum is written in its snake_case wire form by serde; [`Vocabulary::as_str`] gives the
//! same string without going through serde, and [`Vocabulary::ALL`] lists the words in the order
//! of `shared/DATA-MODEL.md`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What every vocabulary enum offers.
pub trait Vocabulary: Copy + Sized + 'static {
    /// Every word of the vocabulary, in the order of the data model.
    const ALL: &'static [Self];
    /// The word as written in a draft (`public_space`).
    fn as_str(self) -> &'static str;
    /// The word read back from its written form.
    fn from_word(word: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == word)
    }
}

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
            JsonSchema,
        )]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($variant),+
        }

        impl Vocabulary for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $word),+
                }
            }
        }

        impl $name {
            /// The word as written in a draft.
            pub fn as_str(self) -> &'static str {
                Vocabulary::as_str(self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// The themes an entry is filed under.
    Theme {
        Mobility = "mobility",
        Housing = "housing",
        Tourism = "tourism",
        PublicSpace = "public_space",
        EnvironmentEnergy = "environment_energy",
        Participation = "participation",
        EconomyWork = "economy_work",
        Safety = "safety",
        Health = "health",
        Culture = "culture",
        DataDigital = "data_digital",
        CommerceLogistics = "commerce_logistics",
        ProximitySociability = "proximity_sociability",
        DistributedMeasurement = "distributed_measurement",
        Education = "education",
        SocialInclusion = "social_inclusion",
    }
}

vocabulary! {
    /// How a link relates this entry to its target.
    LinkRel {
        References = "references",
        PartOf = "part_of",
        Illustrates = "illustrates",
        Involves = "involves",
        MeasuredBy = "measured_by",
        EvidenceFor = "evidence_for",
        DerivedFrom = "derived_from",
        TranslationOf = "translation_of",
    }
}

vocabulary! {
    /// A case study tells one local experience or describes a model of city.
    CaseKind {
        Instance = "instance",
        Model = "model",
    }
}

vocabulary! {
    /// The "collaborative city" models.
    CityModel {
        SharingCity = "sharing_city",
        FabCity = "fab_city",
        ResponsiveCity = "responsive_city",
        CommonsCity = "commons_city",
        ContributiveCity = "contributive_city",
        SmartCity = "smart_city",
        Other = "other",
    }
}

vocabulary! {
    /// The role an actor played in a case.
    ActorRole {
        Organizer = "organizer",
        Funder = "funder",
        Implementer = "implementer",
        Partner = "partner",
        Opponent = "opponent",
        User = "user",
    }
}

vocabulary! {
    /// The OECD OPSI stages of an innovation.
    InnovationStage {
        IdentifyingProblems = "identifying_problems",
        GeneratingIdeas = "generating_ideas",
        DevelopingProposals = "developing_proposals",
        Implementing = "implementing",
        Evaluating = "evaluating",
        DiffusingLessons = "diffusing_lessons",
    }
}

vocabulary! {
    /// The kind of future a scenario explores.
    ScenarioKind {
        Extreme = "extreme",
        Exploratory = "exploratory",
        Normative = "normative",
        Trend = "trend",
    }
}

vocabulary! {
    /// The STEEP(V) family of a scenario's driver.
    Steep {
        Social = "social",
        Technological = "technological",
        Economic = "economic",
        Environmental = "environmental",
        Political = "political",
        Values = "values",
    }
}

vocabulary! {
    /// A three-step scale (a scenario's plausibility and desirability).
    Level {
        Low = "low",
        Medium = "medium",
        High = "high",
    }
}

vocabulary! {
    /// The new object of urban governance a practice is about.
    ObjectKind {
        Map = "map",
        SensorNetwork = "sensor_network",
        Signage = "signage",
        Infrastructure = "infrastructure",
        OpenData = "open_data",
        BlockchainRegistry = "blockchain_registry",
        SharedSpace = "shared_space",
        Platform = "platform",
        Process = "process",
        Regulation = "regulation",
        IndicatorFramework = "indicator_framework",
    }
}

vocabulary! {
    /// The public instrument a practice uses.
    Instrument {
        Regulation = "regulation",
        Contract = "contract",
        Procurement = "procurement",
        Label = "label",
        Funding = "funding",
        DataSharing = "data_sharing",
        ParticipatoryProcess = "participatory_process",
        CommonsCharter = "commons_charter",
        Other = "other",
    }
}

vocabulary! {
    /// Where a practice's result stands.
    ResultStatus {
        Planned = "planned",
        InProgress = "in_progress",
        Done = "done",
        Abandoned = "abandoned",
    }
}

vocabulary! {
    /// What kind of actor of the real digital city an actor is.
    ActorCategory {
        BigPlatform = "big_platform",
        DisruptorPlatform = "disruptor_platform",
        NavigationData = "navigation_data",
        Startup = "startup",
        CivicTech = "civic_tech",
        CitizenCommons = "citizen_commons",
        LocalGovernment = "local_government",
        RegionalGovernment = "regional_government",
        NationalGovernment = "national_government",
        PublicOperator = "public_operator",
        IncumbentOperator = "incumbent_operator",
        Ngo = "ngo",
        Academic = "academic",
        Cooperative = "cooperative",
        UserGroup = "user_group",
        Individual = "individual",
    }
}

vocabulary! {
    /// The sector an actor belongs to (Participedia's).
    Sector {
        ForProfit = "for_profit",
        Government = "government",
        NonProfit = "non_profit",
        HigherEd = "higher_ed",
        Informal = "informal",
    }
}

vocabulary! {
    /// The register an actor's identifier comes from.
    IdentifierScheme {
        Wikidata = "wikidata",
        Siren = "siren",
        Lei = "lei",
        Osm = "osm",
        Url = "url",
    }
}

vocabulary! {
    /// What binds (or opposes) two actors.
    RelationKind {
        Membership = "membership",
        Partnership = "partnership",
        Contract = "contract",
        DataSharing = "data_sharing",
        Funding = "funding",
        Regulation = "regulation",
        Litigation = "litigation",
        Competition = "competition",
        Substitution = "substitution",
        Mobilisation = "mobilisation",
    }
}

vocabulary! {
    /// Whether a relation between two actors is a meeting or a tension.
    Valence {
        Cooperation = "cooperation",
        Tension = "tension",
        Conflict = "conflict",
        Mixed = "mixed",
    }
}

vocabulary! {
    /// What a skill entry describes.
    SkillKind {
        Skill = "skill",
        Role = "role",
        Arrangement = "arrangement",
    }
}

vocabulary! {
    /// How established a skill is.
    Maturity {
        Emerging = "emerging",
        Established = "established",
        Declining = "declining",
    }
}

vocabulary! {
    /// The family of an observation method.
    MethodType {
        ParticipatoryMapping = "participatory_mapping",
        CitizenSensing = "citizen_sensing",
        FieldObservation = "field_observation",
        Survey = "survey",
        Interview = "interview",
        DataAnalysis = "data_analysis",
        ScenarioWorkshop = "scenario_workshop",
        LivingLab = "living_lab",
        Other = "other",
    }
}

vocabulary! {
    /// The framework an indicator belongs to.
    Framework {
        Sdg = "sdg",
        Iso37120 = "iso37120",
        Iso37122 = "iso37122",
        Iso37123 = "iso37123",
        Local = "local",
        Other = "other",
    }
}

vocabulary! {
    /// Whom a recommendation speaks to.
    Audience {
        ElectedOfficials = "elected_officials",
        CityAdministration = "city_administration",
        Platforms = "platforms",
        CivilSociety = "civil_society",
        State = "state",
        Eu = "eu",
        Partners = "partners",
    }
}

vocabulary! {
    /// The lever a recommendation pulls.
    Lever {
        Regulate = "regulate",
        ContractProcure = "contract_procure",
        OpenData = "open_data",
        CommonsCoproduce = "commons_coproduce",
        Experiment = "experiment",
        BuildSkills = "build_skills",
        MeasureEvaluate = "measure_evaluate",
    }
}

vocabulary! {
    /// When a recommendation pays off.
    Horizon {
        Short = "short",
        Medium = "medium",
        Long = "long",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `as_str` must be exactly what serde writes and reads, for every word of every list.
    fn round_trips<
        V: Vocabulary + Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug,
    >() {
        for &word in V::ALL {
            let json = serde_json::to_value(word).unwrap();
            assert_eq!(json, serde_json::Value::String(word.as_str().to_owned()));
            let back: V = serde_json::from_value(json).unwrap();
            assert_eq!(back, word);
            assert_eq!(V::from_word(word.as_str()), Some(word));
        }
    }

    #[test]
    fn every_word_is_its_serde_form() {
        round_trips::<Theme>();
        round_trips::<LinkRel>();
        round_trips::<CaseKind>();
        round_trips::<CityModel>();
        round_trips::<ActorRole>();
        round_trips::<InnovationStage>();
        round_trips::<ScenarioKind>();
        round_trips::<Steep>();
        round_trips::<Level>();
        round_trips::<ObjectKind>();
        round_trips::<Instrument>();
        round_trips::<ResultStatus>();
        round_trips::<ActorCategory>();
        round_trips::<Sector>();
        round_trips::<IdentifierScheme>();
        round_trips::<RelationKind>();
        round_trips::<Valence>();
        round_trips::<SkillKind>();
        round_trips::<Maturity>();
        round_trips::<MethodType>();
        round_trips::<Framework>();
        round_trips::<Audience>();
        round_trips::<Lever>();
        round_trips::<Horizon>();
    }

    #[test]
    fn themes_match_the_published_list() {
        let words: Vec<&str> = Theme::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(words, crate::model::THEMES);
    }
}
