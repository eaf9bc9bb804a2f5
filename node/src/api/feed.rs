//! `GET /feed.atom`: an Atom feed (RFC 4287) of the newest entries, filterable like the
//! listing (`kind`, `theme`, `city`, `lang`), for feed readers and scripts that poll.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::ApiError;
use super::entries::{ListQuery, city_names, run_listing};
use crate::node::Shared;
use crate::time::format_utc;
use crate::ui::html::push_escaped;

/// Entries in the feed.
pub const FEED_ENTRIES: usize = 50;

/// `GET /feed.atom`
#[utoipa::path(get, path = "/feed.atom", params(ListQuery),
    responses((status = 200, description = "An Atom feed of the newest entries", content_type = "application/atom+xml")))]
pub async fn atom(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Query(mut query): Query<ListQuery>,
) -> Result<Response, ApiError> {
    query.limit = Some(FEED_ENTRIES.to_string());
    query.q = None;
    query.cursor = None;
    let listing = query.listing()?;
    let page = run_listing(&shared, listing, false).await?;
    let names = city_names(&shared).await?;
    let lang = crate::ui::code(crate::ui::negotiate(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|h| h.to_str().ok())
            .unwrap_or(""),
    ));
    let base = format!("http://{}", shared.api);
    let updated = page
        .items
        .iter()
        .map(|i| i.summary.created_ms)
        .max()
        .unwrap_or(0);
    let mut xml = String::with_capacity(1024 + page.items.len() * 512);
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    xml.push_str("  <title>");
    push_escaped(
        &mut xml,
        &format!("AudaCities — {}", shared.config.city.name),
    );
    xml.push_str("</title>\n  <id>urn:audacities:");
    push_escaped(&mut xml, &shared.config.network.commons);
    xml.push_str(":feed</id>\n  <link rel=\"self\" href=\"");
    push_escaped(&mut xml, &format!("{base}/feed.atom"));
    xml.push_str("\"/>\n  <link rel=\"alternate\" href=\"");
    push_escaped(&mut xml, &format!("{base}/entries"));
    xml.push_str("\"/>\n  <updated>");
    xml.push_str(&format_utc(updated));
    xml.push_str("</updated>\n");
    for item in &page.items {
        let s = &item.summary;
        xml.push_str("  <entry>\n    <id>urn:audacities:entry:");
        xml.push_str(&s.id.to_string());
        xml.push_str("</id>\n    <title>");
        push_escaped(&mut xml, s.title_in(lang));
        xml.push_str("</title>\n    <link href=\"");
        push_escaped(&mut xml, &format!("{base}/entries/{}", s.id));
        xml.push_str("\"/>\n    <updated>");
        xml.push_str(&format_utc(s.created_ms));
        xml.push_str("</updated>\n    <author><name>");
        let city = s.city.to_string();
        push_escaped(
            &mut xml,
            names.get(&s.city).map_or(city.as_str(), String::as_str),
        );
        xml.push_str("</name><uri>urn:audacities:city:");
        xml.push_str(&city);
        xml.push_str("</uri></author>\n    <category term=\"");
        xml.push_str(s.kind.as_str());
        xml.push_str("\"/>\n");
        for theme in &s.themes {
            xml.push_str("    <category term=\"");
            push_escaped(&mut xml, theme);
            xml.push_str("\"/>\n");
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    let mut response = xml.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/atom+xml; charset=utf-8"),
    );
    Ok(response)
}
