//! The pages where a city acts as an institution: its profile, its keys and the staff keys it
//! delegates to (`/institution`), and on an entry's page endorsing, adopting, translating and
//! retracting it. Every form needs the token cookie, as publishing does; each act is signed by
//! this node's key for its city (`api::entries::publish_body`), exactly as the CLI's commands.

use askama::Template;
use audacities_protocol::act::{
    CityProfile, Delegation, Endorsement, Retraction, Revocation, Translation,
};
use audacities_protocol::authority::GrantState;
use audacities_protocol::model::Kind;
use audacities_protocol::{Act, Body, PublicKey};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::pages::{Ui, error_page, param, token_ok};
use super::render;
use crate::api::entries::{check_draft, publish_body, publish_draft};
use crate::api::{ApiError, blocking};
use crate::node::Shared;
use crate::time::{format_utc, now_ms, parse_utc};

/// A delegation as the page lists it.
struct GrantRow {
    delegate: String,
    label: String,
    kinds: String,
    from: String,
    until: String,
    state: &'static str,
    active: bool,
}

#[derive(Template)]
#[template(path = "institution.html")]
struct InstitutionPage<'a> {
    ui: &'a Ui,
    title: String,
    json: String,
    city: String,
    name: String,
    country: String,
    website: String,
    languages: String,
    contact: String,
    /// (key, from, until or "…").
    keys: Vec<(String, String, String)>,
    grants: Vec<GrantRow>,
    kinds: Vec<(&'static str, &'static str)>,
    has_token: bool,
    message: String,
}

pub async fn page(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let ui = Ui::new(&shared, &headers, "/institution", &query, "institution");
    view(&shared, &ui, &headers, String::new()).await
}

async fn view(shared: &Shared, ui: &Ui, headers: &HeaderMap, message: String) -> Response {
    let store = shared.store().clone();
    let city = shared.ctx.hello.city;
    let authority = match blocking(move || store.authority(city)).await {
        Ok(a) => a,
        Err(e) => return error_page(ui, e),
    };
    let profile = authority.profile().map(|(_, _, p)| p.clone());
    let now = now_ms();
    let page = InstitutionPage {
        ui,
        title: ui.w.institution_title.to_owned(),
        json: "/api/v1/status".to_owned(),
        city: city.to_string(),
        name: profile
            .as_ref()
            .map_or_else(|| shared.config.city.name.clone(), |p| p.name.clone()),
        country: profile
            .as_ref()
            .map_or_else(|| shared.config.city.country.clone(), |p| p.country.clone()),
        website: profile
            .as_ref()
            .and_then(|p| p.website.clone())
            .unwrap_or_default(),
        languages: profile
            .as_ref()
            .map(|p| p.languages.join(","))
            .unwrap_or_default(),
        contact: profile
            .as_ref()
            .and_then(|p| p.contact.clone())
            .unwrap_or_default(),
        keys: authority
            .keys()
            .iter()
            .map(|k| {
                (
                    k.key.to_string(),
                    format_utc(k.from),
                    k.until.map_or_else(|| "…".to_owned(), format_utc),
                )
            })
            .collect(),
        grants: authority
            .grants()
            .iter()
            .map(|g| {
                let state = g.state_at(now);
                GrantRow {
                    delegate: g.delegate.to_string(),
                    label: g.label.clone().unwrap_or_default(),
                    kinds: g
                        .kinds
                        .iter()
                        .map(|k| render::kind_label(*k, ui.lang))
                        .collect::<Vec<_>>()
                        .join(", "),
                    from: format_utc(g.from),
                    until: format_utc(g.until),
                    state: match state {
                        GrantState::NotYet => ui.w.grant_not_yet,
                        GrantState::Active => ui.w.grant_active,
                        GrantState::Expired => ui.w.grant_expired,
                        GrantState::Revoked => ui.w.grant_revoked,
                    },
                    active: matches!(state, GrantState::Active | GrantState::NotYet),
                }
            })
            .collect(),
        kinds: Kind::ALL
            .iter()
            .map(|k| (k.as_str(), render::kind_label(*k, ui.lang)))
            .collect(),
        has_token: token_ok(shared, headers),
        message,
    };
    ui.page(StatusCode::OK, page.render())
}

/// `POST /institution`: `action` = `profile`, `delegate` or `revoke`.
pub async fn submit(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let ui = Ui::new(&shared, &headers, "/institution", &query, "institution");
    if !token_ok(&shared, &headers) {
        return view(&shared, &ui, &headers, ui.w.token_needed.to_owned()).await;
    }
    let get = |name: &str| param(&form, name).map(str::trim).unwrap_or_default();
    let act = match get("action") {
        "profile" => Ok(Act::CityProfile(CityProfile {
            name: get("name").to_owned(),
            country: get("country").to_ascii_uppercase(),
            website: Some(get("website").to_owned()).filter(|w| !w.is_empty()),
            languages: get("languages")
                .split(',')
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            contact: Some(get("contact").to_owned()).filter(|c| !c.is_empty()),
        })),
        "delegate" => delegation(&form, &ui),
        "revoke" => key(get("key"), &ui).map(|key| {
            Act::Revocation(Revocation {
                key,
                since: parse_utc(get("since")).unwrap_or_else(now_ms),
            })
        }),
        other => Err(format!("action: {other:?}")),
    };
    let result = match act {
        Ok(act) => publish_body(&shared, Body::Act(act), None)
            .await
            .map_err(|e| e.message),
        Err(message) => Err(message),
    };
    match result {
        Ok(_) => Redirect::to("/institution").into_response(),
        Err(message) => view(&shared, &ui, &headers, message).await,
    }
}

fn key(text: &str, ui: &Ui) -> Result<PublicKey, String> {
    text.parse().map_err(|e| format!("{}: {e}", ui.w.staff_key))
}

fn delegation(form: &[(String, String)], ui: &Ui) -> Result<Act, String> {
    let get = |name: &str| param(form, name).map(str::trim).unwrap_or_default();
    let delegate = key(get("key"), ui)?;
    let mut kinds: Vec<String> = form
        .iter()
        .filter(|(k, _)| k == "kinds")
        .map(|(_, v)| v.clone())
        .collect();
    kinds.sort();
    kinds.dedup();
    let until = parse_utc(get("until"))
        .map(|ms| {
            // A date alone runs through the end of that day.
            if get("until").len() == 10 {
                ms + 86_400_000 - 1
            } else {
                ms
            }
        })
        .ok_or_else(|| format!("{}: {:?}", ui.w.until, get("until")))?;
    Ok(Act::Delegation(Delegation {
        delegate,
        kinds,
        until,
        label: Some(get("label").to_owned()).filter(|l| !l.is_empty()),
    }))
}

/// `POST /entries/{id}/act`: `action` = `endorse`, `retract`, `translate` or `revise` (a new
/// version from the draft edited as JSON).
pub async fn entry_act(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let ui = Ui::new(
        &shared,
        &headers,
        &format!("/entries/{id}"),
        &query,
        "entries",
    );
    if !token_ok(&shared, &headers) {
        return error_page(
            &ui,
            ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", ui.w.token_needed),
        );
    }
    let get = |name: &str| param(&form, name).map(str::trim).unwrap_or_default();
    let (detail, _, _) = match crate::api::entries::detail(&shared, &id).await {
        Ok(found) => found,
        Err(e) => return error_page(&ui, e),
    };
    let store = shared.store().clone();
    let entry_id = detail.id;
    let doc = match blocking(move || store.history(entry_id)).await {
        Ok(history) => history.map_or(entry_id, |h| h.doc),
        Err(e) => return error_page(&ui, e),
    };
    if get("action") == "revise" {
        // A new version of this document, from its draft edited as JSON.
        let value: serde_json::Value = match serde_json::from_str(get("draft")) {
            Ok(v) => v,
            Err(e) => {
                return error_page(
                    &ui,
                    ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invalid_draft",
                        e.to_string(),
                    ),
                );
            }
        };
        let published = match check_draft(value, ui.lang) {
            Ok(draft) => publish_draft(&shared, &draft, Some(&detail.id.to_string())).await,
            Err(e) => Err(e),
        };
        return match published {
            Ok(p) => Redirect::to(&format!("/entries/{}", p.id)).into_response(),
            Err(e) => error_page(&ui, e),
        };
    }
    let act = match get("action") {
        "endorse" => Act::Endorsement(Endorsement {
            doc,
            adopted: get("adopted") == "on" || get("adopted") == "true",
            note: get("note").to_owned(),
        }),
        "retract" => Act::Retraction(Retraction {
            doc,
            reason: get("reason").to_owned(),
        }),
        "translate" => Act::Translation(Translation {
            of: detail.current,
            lang: get("lang").to_owned(),
            title: get("title").to_owned(),
            summary: Some(get("summary").to_owned()).filter(|s| !s.is_empty()),
            body: Some(get("body").to_owned()).filter(|s| !s.is_empty()),
        }),
        other => {
            return error_page(
                &ui,
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_parameter",
                    format!("action: {other:?}"),
                ),
            );
        }
    };
    match publish_body(&shared, Body::Act(act), None).await {
        Ok(_) => Redirect::to(&format!("/entries/{}", detail.current)).into_response(),
        Err(e) => error_page(&ui, e),
    }
}

/// The page of a retracted (erased) entry: by whom, when, why; to its author, who confirmed.
pub async fn retracted_page(shared: &Shared, ui: &Ui, id: &str) -> Option<Response> {
    let prefix: audacities_protocol::id::Prefix = id.parse().ok()?;
    let retracted = shared.store().retracted_async(&prefix).await.ok()??;
    let author = retracted.city == shared.ctx.hello.city;
    let mut message = format!(
        "{} {} — {}",
        ui.w.retracted_on,
        format_utc(retracted.retracted_ms),
        retracted.reason
    );
    if author {
        message.push_str(&format!(
            " — {} {}",
            ui.w.erasure_confirmed_by,
            retracted
                .receipts
                .iter()
                .map(|(c, t)| format!("{}… ({})", &c.to_string()[..12], format_utc(*t)))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Some(error_page(
        ui,
        ApiError::new(StatusCode::GONE, "retracted", message),
    ))
}
