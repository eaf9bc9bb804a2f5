//! `/api/v1/entries`: listing and search (JSON, NDJSON, CSV) with filters and keyset pages,
//! one entry with everything known about it, its exact signed bytes, and publishing (a signed
//! wire line from any key, or a draft the node signs with its city key).

use std::str::FromStr;

use audacities_protocol::draft::Lang;
use audacities_protocol::id::Prefix;
use audacities_protocol::model::{Kind, LStr};
use audacities_protocol::{Draft, Entry, Id, PublicKey};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::{ApiError, authorize, blocking, ingest_answer};
use crate::node::Shared;
use crate::store::browse::{Cursor, Facets, Reference};
use crate::store::{Filter, Hit, StoreError, Stored, Summary};
use crate::time::{format_utc, parse_utc};

/// Entries per page unless `limit` says otherwise, and the most `limit` may ask.
pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 1_000;

/// The query of `GET /api/v1/entries` (and of the UI's `/entries`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// One of the nine kinds.
    pub kind: Option<String>,
    /// A theme of the vocabulary.
    pub theme: Option<String>,
    /// A city key.
    pub city: Option<String>,
    /// Entries whose title has this language.
    pub lang: Option<String>,
    /// Free text, searched in every language (case and accents ignored), ranked.
    pub q: Option<String>,
    /// Entries created at or after: `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SSZ` or milliseconds.
    pub since: Option<String>,
    /// Entries created in this year.
    pub year: Option<String>,
    /// Entries per page (1–1000, default 50).
    pub limit: Option<String>,
    /// Where the page starts: the `next` of the previous page.
    pub cursor: Option<String>,
    /// `json` (default), `ndjson` or `csv`.
    pub format: Option<String>,
    /// CSV only: the language of the texts (default: the entry's own language).
    pub text_lang: Option<String>,
    /// JSON only: also count facets (kind, theme, city, lang, year) over every match.
    pub facets: Option<String>,
    /// Entries whose document this city (a key) endorsed or adopted.
    pub endorsed_by: Option<String>,
}

fn bad(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, code, message)
}

fn empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A listing request, checked.
#[derive(Debug, Clone)]
pub struct Listing {
    pub filter: Filter,
    pub query: Option<String>,
    /// For a search, the rank to start at.
    pub offset: usize,
}

impl ListQuery {
    /// Checks the parameters; each error names the parameter.
    pub fn listing(&self) -> Result<Listing, ApiError> {
        let mut filter = Filter::default();
        if let Some(kind) = empty(&self.kind) {
            filter.kind = Some(Kind::from_str(kind).map_err(|_| {
                bad(
                    "bad_parameter",
                    format!("kind: {kind:?} is not one of {}", kind_names()),
                )
            })?);
        }
        filter.theme = empty(&self.theme).map(str::to_owned);
        filter.lang = empty(&self.lang).map(str::to_owned);
        if let Some(city) = empty(&self.city) {
            filter.city =
                Some(PublicKey::from_str(city).map_err(|e| {
                    bad("bad_parameter", format!("city: {city:?} is not a key: {e}"))
                })?);
        }
        if let Some(city) = empty(&self.endorsed_by) {
            filter.endorsed_by = Some(PublicKey::from_str(city).map_err(|e| {
                bad(
                    "bad_parameter",
                    format!("endorsed_by: {city:?} is not a key: {e}"),
                )
            })?);
        }
        if let Some(since) = empty(&self.since) {
            filter.since_ms = Some(parse_utc(since).ok_or_else(|| {
                bad(
                    "bad_parameter",
                    format!(
                        "since: {since:?} is not YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or milliseconds"
                    ),
                )
            })?);
        }
        if let Some(year) = empty(&self.year) {
            filter.year = Some(
                year.parse::<i32>()
                    .ok()
                    .filter(|y| (0..=9999).contains(y))
                    .ok_or_else(|| bad("bad_parameter", format!("year: {year:?} is not a year")))?,
            );
        }
        filter.limit = match empty(&self.limit) {
            None => DEFAULT_LIMIT,
            Some(l) => l
                .parse::<usize>()
                .ok()
                .filter(|l| (1..=MAX_LIMIT).contains(l))
                .ok_or_else(|| {
                    bad(
                        "bad_parameter",
                        format!("limit: {l:?} is not a number from 1 to {MAX_LIMIT}"),
                    )
                })?,
        };
        let query = empty(&self.q).map(str::to_owned);
        let mut offset = 0;
        if let Some(cursor) = empty(&self.cursor) {
            if query.is_some() {
                // A ranked search pages by rank: its cursor is `o` and an offset.
                offset = cursor
                    .strip_prefix('o')
                    .and_then(|o| o.parse::<usize>().ok())
                    .ok_or_else(|| {
                        bad(
                            "bad_cursor",
                            format!("cursor: {cursor:?} is not a search cursor"),
                        )
                    })?;
            } else {
                filter.after = Some(
                    Cursor::from_str(cursor)
                        .map_err(|e| bad("bad_cursor", format!("cursor: {e}")))?,
                );
            }
        }
        Ok(Listing {
            filter,
            query,
            offset,
        })
    }
}

fn kind_names() -> String {
    Kind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// One item of a listing: the summary, and for a search its snippet and rank.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    #[serde(flatten)]
    pub summary: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank: Option<f64>,
}

/// A page of a listing or search.
#[derive(Debug, Clone, Serialize)]
pub struct ItemPage {
    pub items: Vec<Item>,
    /// The `cursor` of the next page, `null` on the last one.
    pub next: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<Facets>,
}

/// Runs a listing or a search (with facets when asked), off the executor.
pub async fn run_listing(
    shared: &Shared,
    listing: Listing,
    with_facets: bool,
) -> Result<ItemPage, ApiError> {
    let store = shared.store().clone();
    blocking(move || {
        let facets = if with_facets {
            Some(store.facets(&listing.filter, listing.query.as_deref())?)
        } else {
            None
        };
        let (items, next) = match &listing.query {
            Some(q) => {
                let filter = Filter {
                    offset: listing.offset,
                    limit: listing.filter.limit + 1,
                    ..listing.filter.clone()
                };
                let mut hits: Vec<Hit> = store.search(q, &filter)?;
                let more = hits.len() > listing.filter.limit;
                hits.truncate(listing.filter.limit);
                let next = more.then(|| format!("o{}", listing.offset + hits.len()));
                let items = hits
                    .into_iter()
                    .map(|h| Item {
                        summary: h.summary,
                        snippet: Some(h.snippet),
                        rank: Some(h.rank),
                    })
                    .collect();
                (items, next)
            }
            None => {
                let page = store.page(&listing.filter)?;
                let items = page
                    .items
                    .into_iter()
                    .map(|summary| Item {
                        summary,
                        snippet: None,
                        rank: None,
                    })
                    .collect();
                (items, page.next.map(|c| c.to_string()))
            }
        };
        Ok::<_, StoreError>(ItemPage {
            items,
            next,
            facets,
        })
    })
    .await
}

/// `GET /api/v1/entries`
#[utoipa::path(get, path = "/api/v1/entries", params(ListQuery),
    responses((status = 200, description = "A page of entries: `{items, next, facets?}` (JSON), one summary per line (NDJSON) or CSV"),
              (status = 400, description = "A parameter is invalid (code `bad_parameter` or `bad_cursor`)")))]
pub async fn list(
    State(shared): State<Shared>,
    Query(query): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let listing = query.listing()?;
    let format = empty(&query.format).unwrap_or("json").to_owned();
    let with_facets = empty(&query.facets).is_some_and(|f| f != "0" && f != "false");
    match format.as_str() {
        "json" => Ok(Json(run_listing(&shared, listing, with_facets).await?).into_response()),
        "ndjson" => {
            let page = run_listing(&shared, listing, false).await?;
            let mut body = Vec::new();
            for item in &page.items {
                serde_json::to_writer(&mut body, item).map_err(ApiError::internal)?;
                body.push(b'\n');
            }
            let mut response = body.into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/x-ndjson"),
            );
            if let Some(next) = page.next.and_then(|n| HeaderValue::from_str(&n).ok()) {
                response.headers_mut().insert("x-next-cursor", next);
            }
            Ok(response)
        }
        "csv" => {
            let text_lang = empty(&query.text_lang).map(str::to_owned);
            let page = run_listing(&shared, listing, false).await?;
            let next = page.next.clone();
            let ids: Vec<Id> = page.items.iter().map(|i| i.summary.id).collect();
            let store = shared.store().clone();
            let csv = blocking(move || {
                let mut rows = Vec::with_capacity(ids.len());
                for id in ids {
                    if let Some(stored) = store.get(id)? {
                        rows.push(stored);
                    }
                }
                Ok::<_, StoreError>(rows)
            })
            .await?;
            let body = csv_rows(&csv, text_lang.as_deref()).map_err(ApiError::internal)?;
            let mut response = body.into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            if let Some(next) = next.and_then(|n| HeaderValue::from_str(&n).ok()) {
                response.headers_mut().insert("x-next-cursor", next);
            }
            Ok(response)
        }
        other => Err(bad(
            "bad_parameter",
            format!("format: {other:?} is not json, ndjson or csv"),
        )),
    }
}

/// The CSV columns: the fields every kind has, texts in one language.
pub const CSV_COLUMNS: [&str; 14] = [
    "id",
    "kind",
    "lang",
    "city",
    "signer",
    "created",
    "title",
    "summary",
    "themes",
    "tags",
    "place_name",
    "place_country",
    "period_start",
    "licence",
];

/// A text in `lang`, else in the original language, else any.
pub fn text_in<'a>(text: &'a LStr, lang: Option<&str>, original: &str) -> &'a str {
    lang.and_then(|l| text.get(l))
        .or_else(|| text.get(original))
        .or_else(|| text.values().next())
        .map_or("", String::as_str)
}

fn csv_rows(entries: &[Stored], lang: Option<&str>) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(CSV_COLUMNS)?;
    for stored in entries {
        let Ok(draft) = crate::store::stored_draft(&stored.bytes) else {
            continue;
        };
        let common = draft.common();
        let original = draft.lang();
        let place = common.place.as_ref();
        out.write_record([
            stored.id.to_string().as_str(),
            stored.kind.as_str(),
            original,
            stored.city.to_string().as_str(),
            stored.signer.to_string().as_str(),
            format_utc(stored.created_ms).as_str(),
            text_in(draft.title(), lang, original),
            draft.summary().map_or("", |s| text_in(s, lang, original)),
            draft.themes().join(";").as_str(),
            draft.tags().join(";").as_str(),
            place.map_or("", |p| p.name.as_str()),
            place.map_or("", |p| p.country.as_str()),
            common
                .period
                .as_ref()
                .and_then(|p| p.start.as_ref())
                .map_or("", |d| d.as_str()),
            common.licence.as_str(),
        ])?;
    }
    out.into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

/// Everything known about one entry.
#[derive(Debug, Clone, Serialize)]
pub struct Detail {
    pub id: Id,
    pub kind: &'static str,
    pub lang: String,
    pub signer: PublicKey,
    pub city: PublicKey,
    /// The city's name when this node knows it (its signed profile, else its own config or a
    /// trust-list label).
    pub city_name: Option<String>,
    /// For an entry a staff key signed for the city: its delegation's label (else the key).
    pub published_by: Option<String>,
    /// The version of this entry's document that every node shows (this one, or a later one).
    pub current: Id,
    /// The document has concurrent versions that no later version merged yet.
    pub conflict: bool,
    /// Cities that endorsed or adopted the document (the latest word of each).
    pub endorsements: Vec<EndorsementJson>,
    /// Languages other cities added; `stale` when the version translated is not the current one.
    pub translations: Vec<TranslationJson>,
    pub created: String,
    pub created_ms: u64,
    pub received_ms: u64,
    /// The signature and id were checked again just now, from the stored bytes.
    pub verified: bool,
    /// Why not, when not.
    pub verify_error: Option<String>,
    /// The document and version this one revises, if any.
    pub revises: Option<serde_json::Value>,
    /// The draft as signed.
    pub draft: serde_json::Value,
    /// Every stored version of the document, oldest first.
    pub versions: Vec<Summary>,
    pub links_out: Vec<Reference>,
    pub links_in: Vec<Reference>,
}

/// A translation of a document, as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct TranslationJson {
    pub id: Id,
    /// The version translated.
    pub of: Id,
    /// The document has a later version than the one translated.
    pub stale: bool,
    pub lang: String,
    /// The translator.
    pub city: PublicKey,
    pub city_name: Option<String>,
    pub date: String,
    pub title: String,
    pub summary: Option<String>,
    pub body: Option<String>,
}

/// One city's endorsement of a document, as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct EndorsementJson {
    pub city: PublicKey,
    pub city_name: Option<String>,
    /// Adopted, not only endorsed.
    pub adopted: bool,
    pub note: String,
    pub date: String,
}

/// Links in shown at most.
pub const MAX_LINKS_IN: usize = 200;

/// Ids whose stored bytes this node has verified again since it started, so that a page
/// viewed often does not check its signature on every view (an entry's bytes never change
/// while stored). Bounded: emptied when full.
#[derive(Debug, Default)]
pub struct Verified(std::sync::Mutex<std::collections::HashSet<Id>>);

/// Ids remembered by [`Verified`] at most.
pub const VERIFIED_CACHE: usize = 100_000;

impl Verified {
    fn contains(&self, id: &Id) -> bool {
        self.0.lock().is_ok_and(|set| set.contains(id))
    }

    fn insert(&self, id: Id) {
        if let Ok(mut set) = self.0.lock() {
            if set.len() >= VERIFIED_CACHE {
                set.clear();
            }
            set.insert(id);
        }
    }
}

/// Finds an entry by full id or unique prefix (≥ 8 characters), as the CLI does; with the
/// draft and the exact stored bytes.
pub async fn detail(
    shared: &Shared,
    id_or_prefix: &str,
) -> Result<(Detail, Draft, Vec<u8>), ApiError> {
    let prefix = Prefix::from_str(id_or_prefix).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_id",
            format!("{id_or_prefix:?}: {e}"),
        )
    })?;
    let found = shared.store().detail(&prefix, MAX_LINKS_IN).await?;
    let stored = found.stored;
    // Checked again from the stored bytes (once per entry while the node runs).
    let (verified, verify_error, draft) = if shared.verified.contains(&stored.id) {
        let draft = crate::store::stored_draft(&stored.bytes).map_err(ApiError::internal)?;
        (true, None, draft)
    } else {
        match Entry::decode(&stored.bytes) {
            Ok(entry) if entry.id() == stored.id => {
                shared.verified.insert(stored.id);
                (true, None, content_of(&entry, &stored.bytes)?)
            }
            Ok(entry) => (
                false,
                Some("the stored bytes hash to another id".to_owned()),
                content_of(&entry, &stored.bytes)?,
            ),
            Err(e) => (
                false,
                Some(e.to_string()),
                crate::store::stored_draft(&stored.bytes).map_err(ApiError::internal)?,
            ),
        }
    };
    let revises = serde_json::from_slice::<serde_json::Value>(&stored.bytes)
        .ok()
        .and_then(|line| line.get("head")?.get("revises").cloned());
    let names = names_of(shared, found.members, found.profiles);
    Ok((
        Detail {
            id: stored.id,
            kind: stored.kind.as_str(),
            lang: stored.lang.clone(),
            signer: stored.signer,
            city: stored.city,
            city_name: names.get(&stored.city).cloned(),
            published_by: found.published_by,
            current: found.history.as_ref().map_or(stored.id, |h| h.current),
            conflict: found.history.as_ref().is_some_and(|h| h.conflict),
            endorsements: found
                .endorsements
                .iter()
                .map(|e| EndorsementJson {
                    city: e.city,
                    city_name: names.get(&e.city).cloned(),
                    adopted: e.adopted,
                    note: e.note.clone(),
                    date: format_utc(e.created_ms),
                })
                .collect(),
            translations: found
                .translations
                .iter()
                .map(|t| TranslationJson {
                    id: t.id,
                    of: t.of,
                    stale: found.history.as_ref().is_some_and(|h| h.current != t.of),
                    lang: t.lang.clone(),
                    city: t.city,
                    city_name: names.get(&t.city).cloned(),
                    date: format_utc(t.created_ms),
                    title: t.title.clone(),
                    summary: t.summary.clone(),
                    body: t.body.clone(),
                })
                .collect(),
            created: format_utc(stored.created_ms),
            created_ms: stored.created_ms,
            received_ms: stored.received_ms,
            verified,
            verify_error,
            revises,
            draft: draft.value().clone(),
            versions: found.versions,
            links_out: found.links_out,
            links_in: found.links_in,
        },
        draft,
        stored.bytes,
    ))
}

/// City names: the trust list's labels, this node's own config, then — signed by the cities
/// themselves, so preferred — their profiles.
fn names_of(
    shared: &Shared,
    members: Vec<crate::store::Member>,
    profiles: Vec<(PublicKey, String)>,
) -> std::collections::HashMap<PublicKey, String> {
    let mut names: std::collections::HashMap<PublicKey, String> = members
        .into_iter()
        .filter_map(|m| Some((m.city, m.label?)))
        .collect();
    names.insert(shared.ctx.hello.city, shared.config.city.name.clone());
    names.extend(profiles);
    names
}

/// The names this node knows for cities: its own, and the labels of its trust list.
pub async fn city_names(
    shared: &Shared,
) -> Result<std::collections::HashMap<PublicKey, String>, ApiError> {
    let (members, profiles) = shared
        .store()
        .call_async(crate::store::names_sources)
        .await?;
    Ok(names_of(shared, members, profiles))
}

/// `GET /api/v1/entries/{id}`
#[utoipa::path(get, path = "/api/v1/entries/{id}",
    params(("id" = String, Path, description = "An id, or a unique prefix of at least 8 characters")),
    responses((status = 200, description = "The entry, its signer, city, verification, versions and links"),
              (status = 404, description = "No such entry (code `not_found`)"),
              (status = 409, description = "The prefix matches several entries (code `ambiguous`)"),
              (status = 410, description = "Retracted by its city and erased here (code `retracted`): when, why and, to the author, which cities confirmed")))]
pub async fn one(
    State(shared): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    match detail(&shared, &id).await {
        Ok((detail, _, _)) => Ok(Json(detail).into_response()),
        Err(e) if e.status == StatusCode::NOT_FOUND => {
            Err(retracted(&shared, &id).await.unwrap_or(e))
        }
        Err(e) => Err(e),
    }
}

/// A 410 `retracted` for an entry this node erased: when and why, and — to its author — which
/// cities confirmed erasure; `None` when nothing with that id was retracted.
async fn retracted(shared: &Shared, id: &str) -> Option<ApiError> {
    let prefix: Prefix = id.parse().ok()?;
    let r = shared.store().retracted_async(&prefix).await.ok()??;
    let author = r.city == shared.ctx.hello.city;
    let receipts: Vec<serde_json::Value> = r
        .receipts
        .iter()
        .map(|(city, at)| serde_json::json!({"city": city.to_string(), "at": format_utc(*at)}))
        .collect();
    Some(
        ApiError::new(
            StatusCode::GONE,
            "retracted",
            format!("{} was retracted by its city: {}", r.doc, r.reason),
        )
        .with_details(serde_json::json!({
            "doc": r.doc.to_string(),
            "city": r.city.to_string(),
            "retraction": r.retraction.to_string(),
            "reason": r.reason,
            "retracted_at": format_utc(r.retracted_ms),
            "erased_by": author.then_some(receipts),
        })),
    )
}

/// `GET /api/v1/entries/{id}/raw`
#[utoipa::path(get, path = "/api/v1/entries/{id}/raw",
    params(("id" = String, Path, description = "An id, or a unique prefix of at least 8 characters")),
    responses((status = 200, description = "The exact signed wire line, as received", content_type = "application/json"),
              (status = 404, description = "No such entry")))]
pub async fn raw(
    State(shared): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let prefix = Prefix::from_str(&id)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_id", format!("{id:?}: {e}")))?;
    let store = shared.store().clone();
    let stored = blocking(move || {
        let id = store.resolve(&prefix)?;
        store.get(id)?.ok_or(StoreError::NotFound {
            prefix: id.to_string(),
        })
    })
    .await?;
    let mut response = stored.bytes.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(response)
}

/// A draft's problems, as `POST /api/v1/entries` answers them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProblemJson {
    /// The field path (`place.country`).
    pub path: String,
    pub message: String,
}

/// The answer to a draft published through the API.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Published {
    pub id: String,
    /// `accepted` or `duplicate`.
    pub verdict: String,
}

/// Which language error messages use: `Accept-Language` `fr…` gives French.
pub fn message_lang(headers: &HeaderMap) -> Lang {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    crate::ui::negotiate(accept)
}

/// Checks a draft (a JSON object), or answers with every problem and its field path.
pub fn check_draft(value: serde_json::Value, lang: Lang) -> Result<Draft, ApiError> {
    Draft::from_value(value).map_err(|e| invalid_draft(&e, lang))
}

/// A 422 `invalid_draft` with each problem at its field path, in the reader's language.
fn invalid_draft(e: &audacities_protocol::DraftError, lang: Lang) -> ApiError {
    {
        let problems: Vec<ProblemJson> = e
            .problems
            .iter()
            .map(|p| ProblemJson {
                path: p.path.clone(),
                message: p.message(lang).to_owned(),
            })
            .collect();
        let message = problems
            .iter()
            .map(|p| format!("{}: {}", p.path, p.message))
            .collect::<Vec<_>>()
            .join("; ");
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_draft", message)
            .with_details(serde_json::json!({ "problems": problems }))
    }
}

/// `POST /api/v1/entries`: signed wire lines (NDJSON, from any key), or one draft (a JSON
/// object with `kind`) that this node validates and signs with its city key.
#[utoipa::path(post, path = "/api/v1/entries",
    request_body(content = String, description = "Signed entries in wire form, one per line; or a draft as a JSON object", content_type = "application/x-ndjson"),
    responses((status = 200, description = "Wire lines: a verdict per line. A draft: `{id, verdict}`"),
              (status = 401, description = "No or wrong bearer token"),
              (status = 413, description = "Body over the limit"),
              (status = 422, description = "The draft is invalid: `problems` with field paths")),
    security(("bearer" = [])))]
pub async fn post(
    State(shared): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    authorize(&shared, &headers)?;
    let draft = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .filter(|v| v.get("kind").is_some() && v.get("head").is_none());
    let Some(mut value) = draft else {
        return super::post_lines(&shared, &body).await;
    };
    // An institutional act (`delegation`, `retraction`, `endorsement`…): signed by this node's
    // key for its city, like a draft.
    if let Some(kind) = value.get("kind").and_then(|k| k.as_str())
        && audacities_protocol::ActKind::parse(kind).is_some()
    {
        let act = audacities_protocol::Act::from_value(value)
            .map_err(|e| invalid_draft(&e, message_lang(&headers)))?;
        let published = publish_body(&shared, audacities_protocol::Body::Act(act), None).await?;
        return Ok(Json(published).into_response());
    }
    // `revises`: the id (or a unique prefix) of the entry this draft is a new version of. Not
    // a draft field: it goes to the signed header.
    let revises = match value.as_object_mut().and_then(|o| o.remove("revises")) {
        Some(serde_json::Value::String(text)) => Some(text),
        Some(other) => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_draft",
                format!("revises: expected an entry id or prefix, got {other}"),
            ));
        }
        None => None,
    };
    let draft = check_draft(value, message_lang(&headers))?;
    let published = publish_draft(&shared, &draft, revises.as_deref()).await?;
    Ok(Json(published).into_response())
}

/// Signs a checked draft with the node's key for its city (a staff node's key signs for the
/// city it works for) and ingests it (then gossip); the city's acts decide whether the key may.
///
/// With `revises` (an id or unique prefix), the draft is a new version of that entry's
/// document, replacing every current head (which also merges concurrent versions).
pub async fn publish_draft(
    shared: &Shared,
    draft: &Draft,
    revises: Option<&str>,
) -> Result<Published, ApiError> {
    let revises = match revises {
        Some(text) => Some(revises_of(shared, text).await?),
        None => None,
    };
    publish_body(
        shared,
        audacities_protocol::Body::Draft(draft.clone()),
        revises,
    )
    .await
}

/// Signs a body with the node's key for its city and ingests it (then gossip).
pub async fn publish_body(
    shared: &Shared,
    body: audacities_protocol::Body,
    revises: Option<audacities_protocol::Revises>,
) -> Result<Published, ApiError> {
    let entry = Entry::sign_for(
        body,
        &shared.signer,
        shared.ctx.hello.city,
        crate::time::now_ms(),
        revises,
    )
    .map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_draft",
            e.to_string(),
        )
    })?;
    let id = entry.id();
    let report = shared
        .ingest_local(vec![entry.into_bytes()])
        .await
        .map_err(ApiError::internal)?;
    let answer = ingest_answer(&report);
    let verdict = answer
        .verdicts
        .first()
        .map_or("rejected".to_owned(), |v| v.verdict.clone());
    if verdict != "accepted" && verdict != "duplicate" {
        let reason = answer
            .verdicts
            .first()
            .and_then(|v| v.reason.clone())
            .unwrap_or_default();
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "refused",
            format!("this node refused its own entry: {reason}"),
        ));
    }
    Ok(Published {
        id: id.to_string(),
        verdict,
    })
}

/// The header's `revises` for a new version of the entry `text` (an id or unique prefix).
async fn revises_of(shared: &Shared, text: &str) -> Result<audacities_protocol::Revises, ApiError> {
    let prefix: Prefix = text.parse().map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_draft",
            format!("revises: {text:?}: {e}"),
        )
    })?;
    let store = shared.store().clone();
    let id = super::blocking(move || store.resolve(&prefix)).await?;
    let history = shared
        .store()
        .history_async(id)
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("{id}")))?;
    Ok(history.next_revises())
}

/// The draft of a stored content entry (the `entries` table holds no act).
fn content_of(entry: &Entry, bytes: &[u8]) -> Result<Draft, ApiError> {
    match entry.draft() {
        Some(draft) => Ok(draft.clone()),
        None => crate::store::stored_draft(bytes).map_err(ApiError::internal),
    }
}
