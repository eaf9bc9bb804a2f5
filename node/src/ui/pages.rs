//! The page handlers: each gathers what its page shows (through the same functions as the
//! API, so a page and its JSON twin never disagree), builds a view of ready-to-print strings,
//! and renders its askama template.

use std::collections::HashMap;

use askama::Template;
use audacities_protocol::draft::Lang;
use audacities_protocol::model::{COMMON_FIELDS, Kind};
use audacities_protocol::{Id, PublicKey};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Json, Redirect, Response};

use super::form::{self as publish_form, FieldError};
use super::graph;
use super::html::escape;
use super::render::{self, Refs};
use super::words::{self, Words};
use super::{code, negotiate};
use crate::api::entries::{ListQuery, check_draft, detail, publish_draft, run_listing};
use crate::api::{ApiError, blocking};
use crate::node::{Shared, Status};
use crate::store::{Filter, StoreError, Summary};

/// The cookie that keeps the language chosen with the switch.
const LANG_COOKIE: &str = "audacities_lang";
/// The cookie that keeps the token entered on `/publish`.
const TOKEN_COOKIE: &str = "audacities_token";

/// What every page knows: the reader's language, its words, where the switch leads.
pub struct Ui {
    pub lang: Lang,
    pub w: &'static Words,
    /// The current page in the other language.
    pub switch_href: String,
    /// The API is bound beyond loopback.
    pub exposed: bool,
    /// Which navigation item is current.
    pub section: &'static str,
    /// `?ui=` asked for a language: remember it.
    remember: bool,
}

impl Ui {
    pub(super) fn new(
        shared: &Shared,
        headers: &HeaderMap,
        path: &str,
        query: &[(String, String)],
        section: &'static str,
    ) -> Self {
        let asked = param(query, "ui").and_then(lang_of);
        let lang = asked
            .or_else(|| cookie(headers, LANG_COOKIE).and_then(|v| lang_of(&v)))
            .unwrap_or_else(|| {
                negotiate(
                    headers
                        .get(header::ACCEPT_LANGUAGE)
                        .and_then(|h| h.to_str().ok())
                        .unwrap_or(""),
                )
            });
        let w = words::of(lang);
        let mut pairs: Vec<(String, String)> =
            query.iter().filter(|(k, _)| k != "ui").cloned().collect();
        pairs.push(("ui".to_owned(), w.other_lang.to_owned()));
        Ui {
            lang,
            w,
            switch_href: format!("{path}?{}", encode_query(&pairs)),
            exposed: !shared.api.ip().is_loopback(),
            section,
            remember: asked.is_some(),
        }
    }

    fn code(&self) -> &'static str {
        code(self.lang)
    }

    /// A rendered page, with the language cookie when the switch was used.
    pub(super) fn page(&self, status: StatusCode, html: Result<String, askama::Error>) -> Response {
        let html = match html {
            Ok(html) => html,
            Err(e) => return ApiError::internal(e).into_response(),
        };
        let mut response = (status, axum::response::Html(html)).into_response();
        if self.remember
            && let Ok(v) = HeaderValue::from_str(&format!(
                "{LANG_COOKIE}={}; Path=/; SameSite=Strict; Max-Age=31536000",
                self.code()
            ))
        {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
        response
    }
}

fn lang_of(v: &str) -> Option<Lang> {
    match v {
        "fr" => Some(Lang::Fr),
        "en" => Some(Lang::En),
        _ => None,
    }
}

/// The value of a query or form parameter (the first, when repeated).
pub(super) fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A cookie's value.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// `a=1&b=2`, percent-encoded.
pub fn encode_query(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char);
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// An error as a page.
pub(super) fn error_page(ui: &Ui, e: ApiError) -> Response {
    let (status, title) = if e.status == StatusCode::NOT_FOUND {
        (StatusCode::NOT_FOUND, ui.w.not_found_title)
    } else if e.status == StatusCode::GONE {
        (StatusCode::GONE, ui.w.retracted_title)
    } else {
        (e.status, ui.w.error_title)
    };
    let page = ErrorPage {
        ui,
        title: title.to_owned(),
        json: "/api/v1/status".to_owned(),
        message: e.message,
        code: e.code,
    };
    ui.page(status, page.render())
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    ui: &'a Ui,
    title: String,
    json: String,
    message: String,
    code: &'static str,
}

/// A city's name for people: its known name, else the start of its key.
fn city_name(names: &HashMap<PublicKey, String>, city: &PublicKey) -> String {
    names
        .get(city)
        .cloned()
        .unwrap_or_else(|| format!("{}…", &city.to_string()[..12]))
}

// ---------------------------------------------------------------------------------------------
// Home

/// One row of a table of counts.
pub struct CountRow {
    pub label: String,
    pub href: String,
    pub count: u64,
}

pub struct SyncRow {
    pub peer: String,
    pub city: String,
    pub when: String,
    pub received: u64,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    ui: &'a Ui,
    title: String,
    json: String,
    status: Status,
    connected: usize,
    kinds: Vec<CountRow>,
    syncs: Vec<SyncRow>,
    warnings: Vec<String>,
    /// Entries refused since the node started: (reason, in the reader's language; count).
    refused: Vec<(&'static str, u64)>,
}

pub async fn home(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let ui = Ui::new(&shared, &headers, "/", &query, "home");
    let status = match shared.status().await {
        Ok(s) => s,
        Err(e) => return error_page(&ui, ApiError::internal(e)),
    };
    let store = shared.store().clone();
    let counts = match blocking(move || store.counts_by_kind()).await {
        Ok(c) => c,
        Err(e) => return error_page(&ui, e),
    };
    let mut kinds: Vec<CountRow> = counts
        .into_iter()
        .map(|(kind, count)| CountRow {
            label: render::kind_label(kind, ui.lang).to_owned(),
            href: format!("/entries?kind={}", kind.as_str()),
            count,
        })
        .collect();
    kinds.sort_by(|a, b| b.count.cmp(&a.count).then(a.label.cmp(&b.label)));
    let mut warnings = Vec::new();
    if status.city.placeholder {
        warnings.push(ui.w.warn_placeholder.to_owned());
    }
    if ui.exposed {
        warnings.push(ui.w.warn_exposed.to_owned());
    }
    if let Some(skew) = status.clock_skew_ms
        && skew.unsigned_abs() > crate::node::CLOCK_WARNING_MS
    {
        warnings.push(format!("{} {:+} s", ui.w.warn_clock, skew / 1000));
    }
    let mut syncs: Vec<SyncRow> = status
        .peers
        .iter()
        .filter_map(|p| {
            let at = p.last_sync_ms?;
            Some((
                at,
                SyncRow {
                    peer: p.peer_id.clone(),
                    city: p.city.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
                    when: crate::time::format_utc(at).replace('T', " "),
                    received: p.received_total.unwrap_or(0),
                },
            ))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|(_, row)| row)
        .collect();
    syncs.truncate(10);
    let connected = status.peers.len();
    let refused = status
        .refused
        .iter()
        .map(|(reason, n)| {
            let label = match reason.as_str() {
                "untrusted" => ui.w.refused_untrusted,
                "unauthorized" => ui.w.refused_unauthorized,
                "waiting" => ui.w.refused_waiting,
                "retracted" => ui.w.refused_retracted,
                "clock" => ui.w.refused_clock,
                _ => ui.w.refused_invalid,
            };
            (label, *n)
        })
        .collect();
    let page = HomePage {
        title: ui.w.home_title.to_owned(),
        json: "/api/v1/status".to_owned(),
        ui: &ui,
        connected,
        status,
        kinds,
        syncs,
        warnings,
        refused,
    };
    ui.page(StatusCode::OK, page.render())
}

// ---------------------------------------------------------------------------------------------
// Entries and search

pub struct EntryRow {
    pub href: String,
    pub title: String,
    pub kind: String,
    pub city: String,
    pub date: String,
    pub themes: Vec<String>,
    pub snippet_html: String,
}

pub struct Facet {
    pub name: String,
    pub values: Vec<FacetValue>,
}

pub struct FacetValue {
    pub label: String,
    pub href: String,
    pub count: u64,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "entries.html")]
struct EntriesPage<'a> {
    ui: &'a Ui,
    title: String,
    json: String,
    q: String,
    total: u64,
    rows: Vec<EntryRow>,
    facets: Vec<Facet>,
    next_href: Option<String>,
    filtered: bool,
    hidden: Vec<(String, String)>,
}

/// The parameters of `/entries` that the listing reads.
const LIST_PARAMS: [&str; 8] = [
    "kind", "theme", "city", "lang", "q", "since", "year", "cursor",
];

fn list_query(query: &[(String, String)]) -> ListQuery {
    let get = |name: &str| param(query, name).map(str::to_owned);
    ListQuery {
        kind: get("kind"),
        theme: get("theme"),
        city: get("city"),
        lang: get("lang"),
        q: get("q"),
        since: get("since"),
        year: get("year"),
        limit: Some("20".to_owned()),
        cursor: get("cursor"),
        ..ListQuery::default()
    }
}

fn summary_row(
    ui: &Ui,
    s: &Summary,
    names: &HashMap<PublicKey, String>,
    snippet_html: String,
) -> EntryRow {
    EntryRow {
        href: format!("/entries/{}", s.id),
        title: s.title_in(ui.code()).to_owned(),
        kind: render::kind_label(s.kind, ui.lang).to_owned(),
        city: city_name(names, &s.city),
        date: render::date(s.created_ms),
        themes: s.themes.iter().map(|t| theme_label(t, ui.lang)).collect(),
        snippet_html,
    }
}

fn theme_label(theme: &str, lang: Lang) -> String {
    super::form::theme_label(theme, lang)
}

pub async fn entries(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let ui = Ui::new(&shared, &headers, "/entries", &query, "entries");
    let list = list_query(&query);
    let listing = match list.listing() {
        Ok(l) => l,
        Err(e) => return error_page(&ui, e),
    };
    let page = match run_listing(&shared, listing, true).await {
        Ok(p) => p,
        Err(e) => return error_page(&ui, e),
    };
    let names = match crate::api::entries::city_names(&shared).await {
        Ok(n) => n,
        Err(e) => return error_page(&ui, e),
    };
    let rows = page
        .items
        .iter()
        .map(|item| {
            let snippet = item
                .snippet
                .as_ref()
                .map(|_| String::new())
                .unwrap_or_default();
            summary_row(&ui, &item.summary, &names, snippet)
        })
        .collect::<Vec<_>>();
    // Snippets with their marks: run_listing keeps the bracketed form; the marked one is in
    // the hits, so the search is asked for it again only when there is a query (cheap: cached
    // by SQLite's page cache). Instead of a second query, the marks are rebuilt from brackets.
    let rows = rows
        .into_iter()
        .zip(&page.items)
        .map(|(mut row, item)| {
            if let Some(s) = &item.snippet {
                row.snippet_html = render::snippet(
                    &s.replace('[', &crate::store::search::MARK_START.to_string())
                        .replace(']', &crate::store::search::MARK_END.to_string()),
                );
            }
            row
        })
        .collect();
    let current: Vec<(String, String)> = query
        .iter()
        .filter(|(k, v)| LIST_PARAMS.contains(&k.as_str()) && k != "cursor" && !v.is_empty())
        .cloned()
        .collect();
    let facets = page
        .facets
        .as_ref()
        .map(|f| {
            let facet = |name: &str,
                         param: &str,
                         counts: &[crate::store::browse::Count],
                         label: &dyn Fn(&str) -> String| Facet {
                name: name.to_owned(),
                values: counts
                    .iter()
                    .map(|c| {
                        let active = current.iter().any(|(k, v)| k == param && *v == c.value);
                        let mut pairs: Vec<(String, String)> = current
                            .iter()
                            .filter(|(k, _)| k != param)
                            .cloned()
                            .collect();
                        if !active {
                            pairs.push((param.to_owned(), c.value.clone()));
                        }
                        FacetValue {
                            label: label(&c.value),
                            href: format!("/entries?{}", encode_query(&pairs)),
                            count: c.count,
                            active,
                        }
                    })
                    .collect(),
            };
            let lang = ui.lang;
            vec![
                facet(ui.w.facet_kind, "kind", &f.kind, &|v| {
                    v.parse::<Kind>()
                        .map(|k| render::kind_label(k, lang).to_owned())
                        .unwrap_or_else(|_| v.to_owned())
                }),
                facet(ui.w.facet_theme, "theme", &f.theme, &|v| {
                    theme_label(v, lang)
                }),
                facet(ui.w.facet_city, "city", &f.city, &|v| {
                    v.parse::<PublicKey>()
                        .map(|k| city_name(&names, &k))
                        .unwrap_or_else(|_| v.to_owned())
                }),
                facet(ui.w.facet_lang, "lang", &f.lang, &|v| v.to_owned()),
                facet(ui.w.facet_year, "year", &f.year, &|v| v.to_owned()),
            ]
        })
        .unwrap_or_default();
    let next_href = page.next.as_ref().map(|n| {
        let mut pairs = current.clone();
        pairs.push(("cursor".to_owned(), n.clone()));
        format!("/entries?{}", encode_query(&pairs))
    });
    let json = format!("/api/v1/entries?{}", encode_query(&current));
    let q = param(&query, "q").map(str::to_owned).unwrap_or_default();
    let hidden = current.iter().filter(|(k, _)| k != "q").cloned().collect();
    let view = EntriesPage {
        title: ui.w.nav_entries.to_owned(),
        json,
        ui: &ui,
        q,
        total: page.facets.as_ref().map_or(0, |f| f.total),
        rows,
        facets,
        next_href,
        filtered: !current.is_empty(),
        hidden,
    };
    ui.page(StatusCode::OK, view.render())
}

// ---------------------------------------------------------------------------------------------
// One entry

pub struct Field {
    pub label: String,
    pub html: String,
}

pub struct LinkRow {
    pub rel: String,
    pub html: String,
}

pub struct VersionRow {
    pub href: String,
    pub date: String,
    pub title: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "entry.html")]
struct EntryPage<'a> {
    ui: &'a Ui,
    title: String,
    json: String,
    id: String,
    kind: String,
    city: String,
    city_key: String,
    signer: String,
    published_by: Option<String>,
    /// The current version's page, when this is an earlier one.
    newer: Option<String>,
    /// (adopted, city name, city key, YYYY-MM, note).
    endorsements: Vec<(bool, String, String, String, String)>,
    translations: Vec<TranslationView>,
    /// The token cookie is set: the forms that sign acts are shown.
    has_token: bool,
    /// The entry is this node's city's: it may retract it.
    own: bool,
    /// The draft as editable JSON, for a new version.
    draft_json: String,
    conflict: bool,
    verified: bool,
    verify_error: String,
    date: String,
    languages: Vec<(String, String, bool)>,
    summary_html: String,
    body_html: String,
    themes: Vec<String>,
    tags: String,
    place: String,
    period: String,
    licence: String,
    sources: Vec<(String, String)>,
    attachments: Vec<String>,
    fields: Vec<Field>,
    links_out: Vec<LinkRow>,
    links_in: Vec<LinkRow>,
    versions: Vec<VersionRow>,
    raw: String,
}

pub async fn entry(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let ui = Ui::new(
        &shared,
        &headers,
        &format!("/entries/{id}"),
        &query,
        "entries",
    );
    match entry_page(&shared, &ui, &headers, &id, &query).await {
        Ok(html) => ui.page(StatusCode::OK, Ok(html)),
        Err(e) if e.status == StatusCode::NOT_FOUND => {
            match super::institution::retracted_page(&shared, &ui, &id).await {
                Some(page) => page,
                None => error_page(&ui, e),
            }
        }
        Err(e) => error_page(&ui, e),
    }
}

async fn entry_page(
    shared: &Shared,
    ui: &Ui,
    headers: &HeaderMap,
    id: &str,
    query: &[(String, String)],
) -> Result<String, ApiError> {
    let (detail, draft, raw) = detail(shared, id).await?;
    let original = draft.lang().to_owned();
    // The text language: `?text=`, else the reader's, when the entry has it.
    let languages: Vec<String> = draft.languages().into_iter().map(str::to_owned).collect();
    let asked = param(query, "text").map(str::to_owned);
    let text_lang = asked
        .filter(|l| languages.contains(l))
        .or_else(|| languages.iter().find(|l| *l == ui.code()).cloned())
        .unwrap_or_else(|| original.clone());
    let value = draft.value();
    let ref_ids: Vec<Id> = draft.refs().iter().filter_map(|(_, r)| r.id()).collect();
    let titles = shared
        .store()
        .call_async(move |conn| crate::store::browse::summaries(conn, &ref_ids))
        .await?;
    let refs = Refs {
        titles: &titles,
        missing: ui.w.missing_entry,
    };
    let lstr_html = |name: &str, markdown: bool| -> String {
        value
            .get(name)
            .and_then(|v| render::lstr(v, &text_lang, &original))
            .map(|t| {
                if markdown {
                    render::markdown(t)
                } else {
                    escape(t)
                }
            })
            .unwrap_or_default()
    };
    let place = draft
        .common()
        .place
        .as_ref()
        .map(|p| {
            [
                Some(p.name.as_str()),
                p.city.as_deref(),
                p.region.as_deref(),
                Some(p.country.as_str()),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ")
        })
        .unwrap_or_default();
    let period = value
        .get("period")
        .map(|p| {
            let start = p.get("start").and_then(|v| v.as_str()).unwrap_or("…");
            let end = p.get("end").and_then(|v| v.as_str());
            let ongoing = p.get("ongoing").and_then(|v| v.as_bool()).unwrap_or(false);
            match (end, ongoing) {
                (Some(end), _) => format!("{start} – {end}"),
                (None, true) => format!("{start} – ({})", ui.w.ongoing),
                (None, false) => start.to_owned(),
            }
        })
        .unwrap_or_default();
    let sources = value
        .get("sources")
        .and_then(|s| s.as_array())
        .map(|list| {
            list.iter()
                .filter_map(|s| {
                    let url = s.get("url")?.as_str()?.to_owned();
                    let title = s
                        .get("title")
                        .and_then(|t| t.as_str())
                        .unwrap_or(&url)
                        .to_owned();
                    Some((url, title))
                })
                .collect()
        })
        .unwrap_or_default();
    let attachments = value
        .get("attachments")
        .and_then(|a| a.as_array())
        .map(|list| {
            list.iter()
                .map(|a| {
                    format!(
                        "{} ({}, {} B, blake3 {})",
                        a.get("name").and_then(|v| v.as_str()).unwrap_or("?"),
                        a.get("media_type").and_then(|v| v.as_str()).unwrap_or("?"),
                        a.get("size")
                            .and_then(serde_json::Value::as_u64)
                            .unwrap_or(0),
                        a.get("hash").and_then(|v| v.as_str()).unwrap_or("?"),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let fields = value
        .as_object()
        .map(|map| {
            map.iter()
                .filter(|(k, _)| !COMMON_FIELDS.contains(&k.as_str()))
                .map(|(k, v)| Field {
                    label: render::field_label(k, ui.lang),
                    html: render::value(k, v, &text_lang, &original, &refs),
                })
                .collect()
        })
        .unwrap_or_default();
    let link_row = |r: &crate::store::browse::Reference| LinkRow {
        rel: render::humanize(&r.rel),
        html: match &r.entry {
            Some(s) => format!(
                "<a class=\"ref\" href=\"/entries/{}\">{}</a> <span class=\"muted\">{}</span>",
                s.id,
                escape(s.title_in(&text_lang)),
                escape(render::kind_label(s.kind, ui.lang))
            ),
            None => refs.link(&r.id, &text_lang),
        },
    };
    let links_out = detail.links_out.iter().map(link_row).collect();
    let links_in = detail.links_in.iter().map(link_row).collect();
    let versions = detail
        .versions
        .iter()
        .map(|v| VersionRow {
            href: format!("/entries/{}", v.id),
            date: render::date(v.created_ms),
            title: v.title_in(&text_lang).to_owned(),
            current: v.id == detail.id,
        })
        .collect();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let path = format!("/entries/{}", detail.id);
    let lang_links = languages
        .iter()
        .map(|l| (format!("{path}?text={l}"), l.clone(), *l == text_lang))
        .collect();
    let page = EntryPage {
        ui,
        title: value
            .get("title")
            .and_then(|t| render::lstr(t, &text_lang, &original))
            .unwrap_or("")
            .to_owned(),
        json: format!("/api/v1/entries/{}", detail.id),
        id: detail.id.to_string(),
        kind: render::kind_label(draft.kind(), ui.lang).to_owned(),
        city: detail
            .city_name
            .clone()
            .unwrap_or_else(|| format!("{}…", &detail.city.to_string()[..12])),
        city_key: detail.city.to_string(),
        signer: detail.signer.to_string(),
        newer: (detail.current != detail.id).then(|| format!("/entries/{}", detail.current)),
        has_token: token_ok(shared, headers),
        own: detail.city == shared.ctx.hello.city,
        draft_json: serde_json::to_string_pretty(draft.value()).unwrap_or_default(),
        translations: detail
            .translations
            .iter()
            .map(|t| TranslationView {
                lang: t.lang.clone(),
                title: t.title.clone(),
                city: t.city_name.clone().unwrap_or_else(|| t.city.to_string()),
                date: t.date.get(..10).unwrap_or_default().to_owned(),
                stale: t.stale,
                summary: t.summary.clone().unwrap_or_default(),
                body_html: t.body.as_deref().map(render::markdown).unwrap_or_default(),
            })
            .collect(),
        endorsements: detail
            .endorsements
            .iter()
            .map(|e| {
                let key = e.city.to_string();
                (
                    e.adopted,
                    e.city_name
                        .clone()
                        .unwrap_or_else(|| format!("{}…", &key[..12])),
                    key,
                    e.date.get(..7).unwrap_or_default().to_owned(),
                    e.note.clone(),
                )
            })
            .collect(),
        conflict: detail.conflict,
        published_by: detail
            .published_by
            .clone()
            .or_else(|| (detail.signer != detail.city).then(|| detail.signer.to_string())),
        verified: detail.verified,
        verify_error: detail.verify_error.clone().unwrap_or_default(),
        date: render::date(detail.created_ms),
        languages: lang_links,
        summary_html: lstr_html("summary", false),
        body_html: lstr_html("body", true),
        themes: draft
            .themes()
            .iter()
            .map(|t| theme_label(t, ui.lang))
            .collect(),
        tags: draft.tags().join(", "),
        place,
        period,
        licence: draft.common().licence.clone(),
        sources,
        attachments,
        fields,
        links_out,
        links_in,
        versions,
        raw,
    };
    page.render().map_err(ApiError::internal)
}

// ---------------------------------------------------------------------------------------------
// Actor map and scenarios

#[derive(Template)]
#[template(path = "actors.html")]
struct ActorsPage<'a> {
    ui: &'a Ui,
    title: String,
    json: String,
    svg: String,
    themes: Vec<(String, String, bool)>,
    cities: Vec<(String, String, bool)>,
}

fn map_filter(query: &[(String, String)]) -> Result<Filter, ApiError> {
    let list = ListQuery {
        theme: param(query, "theme").map(str::to_owned),
        city: param(query, "city").map(str::to_owned),
        ..ListQuery::default()
    };
    Ok(list.listing()?.filter)
}

pub async fn actor_map_json(
    State(shared): State<Shared>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let filter = map_filter(&query)?;
    let store = shared.store().clone();
    let map = blocking(move || store.actor_map(&filter)).await?;
    Ok(Json(map).into_response())
}

pub async fn actors(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let ui = Ui::new(&shared, &headers, "/actors", &query, "actors");
    match actors_page(&shared, &ui, &query).await {
        Ok(html) => ui.page(StatusCode::OK, Ok(html)),
        Err(e) => error_page(&ui, e),
    }
}

async fn actors_page(
    shared: &Shared,
    ui: &Ui,
    query: &[(String, String)],
) -> Result<String, ApiError> {
    let filter = map_filter(query)?;
    let store = shared.store().clone();
    let facet_filter = Filter {
        kind: None,
        ..Filter::default()
    };
    let (map, facets) = blocking(move || {
        Ok::<_, StoreError>((
            store.actor_map(&filter)?,
            store.facets(&facet_filter, None)?,
        ))
    })
    .await?;
    let names = crate::api::entries::city_names(shared).await?;
    let lang = ui.code();
    let actors: Vec<graph::Actor> = map
        .actors
        .iter()
        .map(|a| graph::Actor {
            id: a.summary.id.to_string(),
            name: a.summary.title_in(lang).to_owned(),
            category: a.category.clone(),
            city: Some(city_name(&names, &a.summary.city)),
        })
        .collect();
    let relations: Vec<graph::Relation> = map
        .relations
        .iter()
        .filter_map(|r| {
            Some(graph::Relation {
                id: r.summary.id.to_string(),
                subject: r.subject.clone(),
                object: r.object.clone(),
                valence: r.valence.parse().ok()?,
                kind: render::humanize(&r.relation_kind),
                title: r.summary.title_in(lang).to_owned(),
            })
        })
        .collect();
    let labels = match ui.lang {
        Lang::Fr => graph::Labels::fr(),
        Lang::En => graph::Labels::en(),
    };
    let svg = graph::render(&actors, &relations, &labels);
    let chosen = |name: &str| param(query, name).map(str::to_owned);
    let theme = chosen("theme");
    let city = chosen("city");
    let themes = facets
        .theme
        .iter()
        .map(|c| {
            (
                c.value.clone(),
                theme_label(&c.value, ui.lang),
                theme.as_deref() == Some(c.value.as_str()),
            )
        })
        .collect();
    let cities = facets
        .city
        .iter()
        .filter_map(|c| {
            let key: PublicKey = c.value.parse().ok()?;
            Some((
                c.value.clone(),
                city_name(&names, &key),
                city.as_deref() == Some(c.value.as_str()),
            ))
        })
        .collect();
    let mut json_pairs = Vec::new();
    if let Some(t) = &theme {
        json_pairs.push(("theme".to_owned(), t.clone()));
    }
    if let Some(c) = &city {
        json_pairs.push(("city".to_owned(), c.clone()));
    }
    let page = ActorsPage {
        ui,
        title: ui.w.actors_title.to_owned(),
        json: format!("/api/v1/actor-map?{}", encode_query(&json_pairs)),
        svg,
        themes,
        cities,
    };
    page.render().map_err(ApiError::internal)
}

pub struct ScenarioView {
    pub href: String,
    pub title: String,
    pub kind: String,
    pub extreme: bool,
    pub horizon: String,
    pub plausibility: String,
    pub desirability: String,
    pub city: String,
    pub themes: Vec<String>,
}

#[derive(Template)]
#[template(path = "scenarios.html")]
struct ScenariosPage<'a> {
    ui: &'a Ui,
    title: String,
    json: String,
    cards: Vec<ScenarioView>,
}

/// Scenarios in the gallery at most.
const GALLERY: usize = 500;

pub async fn scenarios_json(
    State(shared): State<Shared>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let filter = map_filter(&query)?;
    let store = shared.store().clone();
    let cards = blocking(move || store.scenarios(&filter, GALLERY)).await?;
    Ok(Json(cards).into_response())
}

pub async fn scenarios(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let ui = Ui::new(&shared, &headers, "/scenarios", &query, "scenarios");
    let filter = match map_filter(&query) {
        Ok(f) => f,
        Err(e) => return error_page(&ui, e),
    };
    let store = shared.store().clone();
    let cards = match blocking(move || store.scenarios(&filter, GALLERY)).await {
        Ok(c) => c,
        Err(e) => return error_page(&ui, e),
    };
    let names = match crate::api::entries::city_names(&shared).await {
        Ok(n) => n,
        Err(e) => return error_page(&ui, e),
    };
    let word = |w: &Option<String>| {
        w.as_deref()
            .map(|w| render::word_label("", w, ui.lang))
            .unwrap_or_else(|| "—".to_owned())
    };
    let cards = cards
        .iter()
        .map(|c| ScenarioView {
            href: format!("/entries/{}", c.summary.id),
            title: c.summary.title_in(ui.code()).to_owned(),
            kind: word(&c.scenario_kind),
            extreme: c.scenario_kind.as_deref() == Some("extreme"),
            horizon: c.horizon_year.map_or("—".to_owned(), |y| y.to_string()),
            plausibility: word(&c.plausibility),
            desirability: word(&c.desirability),
            city: city_name(&names, &c.summary.city),
            themes: c
                .summary
                .themes
                .iter()
                .map(|t| theme_label(t, ui.lang))
                .collect(),
        })
        .collect();
    let page = ScenariosPage {
        title: ui.w.scenarios_title.to_owned(),
        json: "/api/v1/scenarios".to_owned(),
        ui: &ui,
        cards,
    };
    ui.page(StatusCode::OK, page.render())
}

// ---------------------------------------------------------------------------------------------
// Publish

#[derive(Template)]
#[template(path = "publish.html")]
struct PublishPage<'a> {
    ui: &'a Ui,
    title: String,
    json: String,
    kinds: Vec<(String, String, bool)>,
    kind: Option<String>,
    has_token: bool,
    token_message: String,
    form_html: String,
    preview: Option<Preview>,
    errors: bool,
}

pub struct Preview {
    pub title: String,
    pub kind: String,
    pub summary_html: String,
    pub body_html: String,
    pub fields: Vec<Field>,
}

pub(super) fn token_ok(shared: &Shared, headers: &HeaderMap) -> bool {
    cookie(headers, TOKEN_COOKIE)
        .is_some_and(|t| crate::api::constant_time_eq(t.as_bytes(), shared.token.as_bytes()))
}

fn kind_param(query: &[(String, String)]) -> Option<Kind> {
    param(query, "kind").and_then(|v| v.parse::<Kind>().ok())
}

#[expect(
    clippy::too_many_arguments,
    reason = "one call per outcome of the form"
)]
fn publish_view(
    shared: &Shared,
    ui: &Ui,
    headers: &HeaderMap,
    kind: Option<Kind>,
    fields: &[(String, String)],
    errors: &[FieldError],
    preview: Option<Preview>,
    token_message: String,
) -> Response {
    let kinds = Kind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str().to_owned(),
                render::kind_label(*k, ui.lang).to_owned(),
                Some(*k) == kind,
            )
        })
        .collect();
    let form_html = kind
        .map(|k| publish_form::render(k, fields, errors, ui.lang))
        .unwrap_or_default();
    let page = PublishPage {
        ui,
        title: ui.w.publish_title.to_owned(),
        json: "/api/v1/openapi.json".to_owned(),
        kinds,
        kind: kind.map(|k| k.as_str().to_owned()),
        has_token: token_ok(shared, headers),
        token_message,
        form_html,
        preview,
        errors: !errors.is_empty(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    ui.page(status, page.render())
}

pub async fn publish_form(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let ui = Ui::new(&shared, &headers, "/publish", &query, "publish");
    let kind = kind_param(&query);
    let defaults = vec![
        ("lang".to_owned(), ui.code().to_owned()),
        ("licence".to_owned(), "CC-BY-4.0".to_owned()),
    ];
    publish_view(
        &shared,
        &ui,
        &headers,
        kind,
        &defaults,
        &[],
        None,
        String::new(),
    )
}

pub async fn save_token(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let ui = Ui::new(&shared, &headers, "/publish", &query, "publish");
    let token = param(&form, "token")
        .map(|v| v.trim().to_owned())
        .unwrap_or_default();
    let back = param(&form, "back")
        .map(str::to_owned)
        .filter(|b| b.starts_with('/') && !b.starts_with("//"))
        .unwrap_or_else(|| "/publish".to_owned());
    if !crate::api::constant_time_eq(token.as_bytes(), shared.token.as_bytes()) {
        return publish_view(
            &shared,
            &ui,
            &headers,
            kind_param(&query),
            &[],
            &[],
            None,
            ui.w.token_wrong.to_owned(),
        );
    }
    let mut response = Redirect::to(&back).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{TOKEN_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000"
    )) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

pub async fn publish_submit(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let ui = Ui::new(&shared, &headers, "/publish", &query, "publish");
    let kind = param(&form, "kind")
        .and_then(|v| v.parse::<Kind>().ok())
        .or_else(|| kind_param(&query));
    let Some(kind) = kind else {
        return publish_view(&shared, &ui, &headers, None, &[], &[], None, String::new());
    };
    if !token_ok(&shared, &headers) {
        return publish_view(
            &shared,
            &ui,
            &headers,
            Some(kind),
            &form,
            &[],
            None,
            ui.w.token_needed.to_owned(),
        );
    }
    let draft = match publish_form::validate(kind, &form, ui.lang) {
        Ok(d) => d,
        Err(errors) => {
            return publish_view(
                &shared,
                &ui,
                &headers,
                Some(kind),
                &form,
                &errors,
                None,
                String::new(),
            );
        }
    };
    let action = param(&form, "action").unwrap_or("preview");
    if action != "publish" {
        let lang = ui.code();
        let original = draft.lang().to_owned();
        let value = draft.value();
        let titles = HashMap::new();
        let refs = Refs {
            titles: &titles,
            missing: ui.w.missing_entry,
        };
        let text = |name: &str, md: bool| {
            value
                .get(name)
                .and_then(|v| render::lstr(v, lang, &original))
                .map(|t| if md { render::markdown(t) } else { escape(t) })
                .unwrap_or_default()
        };
        let preview = Preview {
            title: value
                .get("title")
                .and_then(|t| render::lstr(t, lang, &original))
                .unwrap_or("")
                .to_owned(),
            kind: render::kind_label(kind, ui.lang).to_owned(),
            summary_html: text("summary", false),
            body_html: text("body", true),
            fields: value
                .as_object()
                .map(|m| {
                    m.iter()
                        .filter(|(k, _)| {
                            !["kind", "title", "summary", "body"].contains(&k.as_str())
                        })
                        .map(|(k, v)| Field {
                            label: render::field_label(k, ui.lang),
                            html: render::value(k, v, lang, &original, &refs),
                        })
                        .collect()
                })
                .unwrap_or_default(),
        };
        return publish_view(
            &shared,
            &ui,
            &headers,
            Some(kind),
            &form,
            &[],
            Some(preview),
            String::new(),
        );
    }
    // Checked again as the API does (same path for both doors).
    let draft = match check_draft(draft.value().clone(), ui.lang) {
        Ok(d) => d,
        Err(e) => return error_page(&ui, e),
    };
    match publish_draft(&shared, &draft, None).await {
        Ok(published) => Redirect::to(&format!("/entries/{}", published.id)).into_response(),
        Err(e) => error_page(&ui, e),
    }
}

// ---------------------------------------------------------------------------------------------
// Peers and trust

pub struct PeerRow {
    pub peer_id: String,
    pub address: String,
    pub city: String,
    pub last_sync: String,
    pub received: u64,
    pub score: String,
    pub relayed: bool,
}

#[derive(Template)]
#[template(path = "peers.html")]
struct PeersPage<'a> {
    ui: &'a Ui,
    title: String,
    json: String,
    rows: Vec<PeerRow>,
    mesh: usize,
}

pub async fn peers(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let ui = Ui::new(&shared, &headers, "/peers", &query, "peers");
    let status = match shared.status().await {
        Ok(s) => s,
        Err(e) => return error_page(&ui, ApiError::internal(e)),
    };
    let rows = status
        .peers
        .iter()
        .map(|p| PeerRow {
            peer_id: p.peer_id.clone(),
            address: p.address.clone(),
            city: p.city.as_ref().map(|c| c.name.clone()).unwrap_or_default(),
            last_sync: p
                .last_sync_ms
                .map(|t| crate::time::format_utc(t).replace('T', " "))
                .unwrap_or_else(|| "—".to_owned()),
            received: p.received_total.unwrap_or(0),
            score: p.score.map_or("—".to_owned(), |s| format!("{s:.1}")),
            relayed: p.relayed,
        })
        .collect();
    let page = PeersPage {
        title: ui.w.peers_title.to_owned(),
        json: "/api/v1/peers".to_owned(),
        ui: &ui,
        rows,
        mesh: status.mesh_peers,
    };
    ui.page(StatusCode::OK, page.render())
}

pub struct MemberRow {
    pub city: String,
    pub label: String,
    pub added: String,
}

#[derive(Template)]
#[template(path = "trust.html")]
struct TrustPage<'a> {
    ui: &'a Ui,
    title: String,
    json: String,
    open: bool,
    own: String,
    own_name: String,
    members: Vec<MemberRow>,
    has_token: bool,
    message: String,
}

pub async fn trust(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let ui = Ui::new(&shared, &headers, "/trust", &query, "trust");
    trust_view(&shared, &ui, &headers, String::new()).await
}

async fn trust_view(shared: &Shared, ui: &Ui, headers: &HeaderMap, message: String) -> Response {
    let store = shared.store().clone();
    let members = match blocking(move || store.trust_list()).await {
        Ok(m) => m,
        Err(e) => return error_page(ui, e),
    };
    let page = TrustPage {
        ui,
        title: ui.w.trust_title.to_owned(),
        json: "/api/v1/trust".to_owned(),
        open: shared.ctx.policy.mode() == crate::config::TrustMode::Open,
        own: shared.ctx.hello.city.to_string(),
        own_name: shared.config.city.name.clone(),
        members: members
            .into_iter()
            .map(|m| MemberRow {
                city: m.city.to_string(),
                label: m.label.unwrap_or_default(),
                added: render::date(m.added_ms),
            })
            .collect(),
        has_token: token_ok(shared, headers),
        message,
    };
    ui.page(StatusCode::OK, page.render())
}

pub async fn trust_submit(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let ui = Ui::new(&shared, &headers, "/trust", &query, "trust");
    if !token_ok(&shared, &headers) {
        return trust_view(&shared, &ui, &headers, ui.w.token_needed.to_owned()).await;
    }
    let get = |name: &str| {
        param(&form, name)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let city = match get("city").parse::<PublicKey>() {
        Ok(c) => c,
        Err(e) => {
            return trust_view(&shared, &ui, &headers, format!("{}: {e}", ui.w.city_key)).await;
        }
    };
    let store = shared.store().clone();
    let result = if get("action") == "remove" {
        blocking(move || store.trust_remove(city)).await
    } else {
        let label = Some(get("label")).filter(|l| !l.is_empty());
        blocking(move || store.trust_add(city, label, crate::time::now_ms())).await
    };
    if let Err(e) = result.and_then(|_| shared.trust_changed().map_err(ApiError::internal)) {
        return error_page(&ui, e);
    }
    Redirect::to("/trust").into_response()
}

/// A translation on an entry's page.
struct TranslationView {
    lang: String,
    title: String,
    city: String,
    date: String,
    stale: bool,
    summary: String,
    /// The body's Markdown, rendered and sanitised.
    body_html: String,
}
