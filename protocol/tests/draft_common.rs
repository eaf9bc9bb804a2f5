//! Shared by the `draft_*` tests: one valid draft of each kind, and helpers to break them.
#![allow(dead_code)]

use audacities_protocol::draft::{Draft, Problem};
use audacities_protocol::model::Kind;
use serde_json::{Value, json};

pub const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
pub const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
pub const C: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// A valid draft of `kind`, using most of its optional fields too.
pub fn valid(kind: Kind) -> Value {
    match kind {
        Kind::CaseStudy => json!({
            "kind": "case_study",
            "lang": "fr",
            "licence": "CC-BY-4.0",
            "themes": ["housing", "participation"],
            "tags": ["communs", "partage"],
            "title": {"fr": "Séoul, ville du partage", "en": "Sharing City Seoul"},
            "summary": {"fr": "Une ville qui soutient le partage.", "en": "A city that backs sharing."},
            "body": {"fr": "# Séoul\n\nLe **partage** comme politique publique."},
            "place": {"name": "Séoul", "country": "KR", "lat": "37.5665", "lon": "126.9780", "wikidata": "Q8684"},
            "period": {"start": "2012-09", "ongoing": true},
            "sources": [{"url": "https://example.org/seoul", "title": "Seoul", "accessed": "2024-03-01"}],
            "links": [{"rel": "illustrates", "target": A, "note": "le modèle"}],
            "attachments": [{"hash": C, "size": 1024, "media_type": "application/pdf", "name": "rapport été.pdf", "licence": "CC0-1.0"}],
            "case_kind": "model",
            "city_model": "sharing_city",
            "problem": {"fr": "Des ressources inemployées."},
            "innovation": {"fr": "Une ordonnance du partage."},
            "stakes": [{"fr": "Qui contrôle les plateformes ?"}, {"fr": "Les données", "en": "Data"}],
            "vigilance_points": [{"fr": "La marchandisation."}],
            "illustrations": [B],
            "actors": [{"actor": C, "role": "organizer"}],
            "innovation_stage": "implementing",
            "results": {"fr": "Des dizaines d'entreprises du partage."},
            "population": 9_700_000
        }),
        Kind::Scenario => json!({
            "kind": "scenario",
            "lang": "en",
            "licence": "CC-BY-SA-4.0",
            "themes": ["mobility"],
            "title": {"en": "2040: streets run by apps"},
            "scenario_kind": "extreme",
            "focal_question": {"en": "Who decides where cars go?"},
            "premise": {"en": "Navigation apps route all traffic."},
            "narrative": {"en": "In 2040, …"},
            "horizon_year": 2040,
            "governance_questions": [{"en": "Can a city negotiate with an algorithm?"}],
            "drivers": [{"label": {"en": "Real-time routing"}, "steep": "technological"}],
            "uncertainties": [{"en": "Data sharing rules"}],
            "early_signals": [{"label": {"en": "Cut-through traffic"}, "evidence": A}, {"label": {"en": "A signal"}}],
            "plausibility": "medium",
            "desirability": "low"
        }),
        Kind::GovernancePractice => json!({
            "kind": "governance_practice",
            "lang": "fr",
            "licence": "CC-BY-4.0",
            "themes": ["public_space", "participation"],
            "object_kind": "shared_space",
            "instrument": "regulation",
            "title": {"fr": "Usage civique de bâtiments publics comme communs", "en": "Civic use of public buildings as commons"},
            "place": {"name": "Naples", "country": "IT"},
            "what_is_decided": {"fr": "L'usage du bâtiment."},
            "legal_basis": [{"title": "Délibération 893", "number": "893", "date": "2015-12-29", "url": "https://www.comune.napoli.it/"}],
            "results": [{"title": {"fr": "Sept bâtiments reconnus"}, "status": "in_progress", "progress": 40}],
            "datasets": [{"title": "Biens communs", "url": "http://example.org/data.csv", "licence": "ODbL-1.0"}]
        }),
        Kind::Actor => json!({
            "kind": "actor",
            "lang": "fr",
            "licence": "etalab-2.0",
            "themes": ["tourism", "housing"],
            "title": {"fr": "Airbnb"},
            "actor_category": "big_platform",
            "sector": "for_profit",
            "other_names": ["Airbnb Inc."],
            "identifiers": [
                {"scheme": "wikidata", "id": "Q63327"},
                {"scheme": "siren", "id": "123456789"},
                {"scheme": "lei", "id": "549300Z9UYRQ8ZB1VC17"},
                {"scheme": "osm", "id": "relation/7444"},
                {"scheme": "url", "id": "https://www.airbnb.fr/"}
            ],
            "parent": B
        }),
        Kind::ActorRelation => json!({
            "kind": "actor_relation",
            "lang": "fr",
            "licence": "CC-BY-4.0",
            "themes": ["tourism"],
            "title": {"fr": "Paris et Airbnb"},
            "place": {"name": "Paris", "country": "FR", "lat": "48.8566", "lon": "2.3522"},
            "subject": A,
            "object": B,
            "relation_kind": "litigation",
            "valence": "conflict",
            "tension_points": [{"fr": "Le numéro d'enregistrement."}]
        }),
        Kind::Skill => json!({
            "kind": "skill",
            "lang": "en",
            "licence": "CC-BY-4.0",
            "themes": ["economy_work", "data_digital"],
            "title": {"en": "Platform regulation officer"},
            "skill_kind": "role",
            "description": {"en": "Negotiates with platforms."},
            "examples": [{"en": "Paris, 2019"}],
            "responsibilities": [{"en": "Read the data."}],
            "maturity": "emerging",
            "esco": "2422"
        }),
        Kind::Method => json!({
            "kind": "method",
            "lang": "fr",
            "licence": "CC-BY-4.0",
            "themes": ["environment_energy", "distributed_measurement"],
            "title": {"fr": "Mesurer les particules fines"},
            "method_type": "citizen_sensing",
            "purpose": {"fr": "Mesurer l'air de la rue."},
            "steps": [{"fr": "Installer les capteurs."}, {"fr": "Lire les données."}],
            "ethics": {"fr": "Consentement des habitants."}
        }),
        Kind::Indicator => json!({
            "kind": "indicator",
            "lang": "fr",
            "licence": "CC-BY-4.0",
            "themes": ["participation"],
            "title": {"fr": "Participation aux votations"},
            "code": "LOCAL-1",
            "framework": "local",
            "definition": {"fr": "Votants sur inscrits."},
            "computation": {"fr": "Rapport."},
            "unit": "%",
            "periodicity": "à chaque vote",
            "observations": [{"area": "Paris", "period": "2023-04-02", "value": "7.46", "source": "Ville de Paris"}]
        }),
        Kind::Recommendation => json!({
            "kind": "recommendation",
            "lang": "en",
            "licence": "CC-BY-4.0",
            "themes": ["housing", "tourism"],
            "title": {"en": "Make the registration number a blocking field"},
            "recommendation": {"en": "Require it."},
            "rationale": {"en": "It works."},
            "audience": ["city_administration", "platforms"],
            "lever": "regulate",
            "evidence": [A, B],
            "horizon": "short"
        }),
    }
}

/// Sets (or, with `None`, removes) the field at a path like `place.country` or `stakes[1]`.
pub fn set(mut draft: Value, path: &str, value: Option<Value>) -> Value {
    let mut steps: Vec<&str> = Vec::new();
    for part in path.split('.') {
        match part.split_once('[') {
            Some((name, index)) => {
                steps.push(name);
                steps.push(index.trim_end_matches(']'));
            }
            None => steps.push(part),
        }
    }
    let (last, parents) = steps.split_last().unwrap();
    let mut at = &mut draft;
    for step in parents {
        at = match at {
            Value::Array(items) => &mut items[step.parse::<usize>().unwrap()],
            other => other
                .as_object_mut()
                .unwrap()
                .entry(step.to_string())
                .or_insert(json!({})),
        };
    }
    match (at, value) {
        (Value::Array(items), Some(v)) => {
            let i: usize = last.parse().unwrap();
            if i < items.len() {
                items[i] = v;
            } else {
                items.push(v);
            }
        }
        (Value::Array(items), None) => {
            items.remove(last.parse::<usize>().unwrap());
        }
        (Value::Object(map), Some(v)) => {
            map.insert(last.to_string(), v);
        }
        (Value::Object(map), None) => {
            map.remove(*last);
        }
        _ => panic!("cannot set {path}"),
    }
    draft
}

/// The problems of an invalid draft (panics if it is valid).
pub fn problems(draft: Value) -> Vec<Problem> {
    match Draft::from_value(draft.clone()) {
        Ok(_) => panic!("expected problems, the draft is valid: {draft:#}"),
        Err(e) => e.problems,
    }
}

/// Asserts that `draft` is refused with exactly one problem, at `path`, whose English message
/// contains `en`; returns it.
pub fn refused_at(draft: Value, path: &str, en: &str) -> Problem {
    let found = problems(draft);
    assert_eq!(
        found.len(),
        1,
        "expected one problem at {path}, got: {found:#?}"
    );
    let p = found.into_iter().next().unwrap();
    assert_eq!(p.path, path, "{p:#?}");
    assert!(
        p.en.contains(en),
        "at {path}: {:?} does not contain {en:?}",
        p.en
    );
    assert_ne!(p.fr, p.en, "the French message is French");
    p
}

/// Asserts that `draft` is valid and returns it.
pub fn accepted(draft: Value) -> Draft {
    match Draft::from_value(draft) {
        Ok(d) => d,
        Err(e) => panic!("expected a valid draft: {e}"),
    }
}
