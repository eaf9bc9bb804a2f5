//! The web UI for city staff: server-rendered pages (askama), French and English, usable
//! without JavaScript, each page linking its JSON twin under `/api/v1`.
//!
//! The language is the `?ui=` switch of every page (kept in a cookie), else the browser's
//! `Accept-Language`, else English. Pages that write (publish, trust) need the node's token,
//! entered once and kept in an `HttpOnly`, `SameSite=Strict` cookie; the API's `Host` check
//! guards every page as it guards the API.

pub mod form;
pub mod graph;
pub mod html;
mod institution;
mod pages;
mod render;
mod words;

use audacities_protocol::draft::Lang;
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use rust_embed::RustEmbed;

use crate::node::Shared;

pub use words::Words;

/// The page routes, merged into the API's router (same server, same Host check).
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/", get(pages::home))
        .route("/entries", get(pages::entries))
        .route("/search", get(pages::entries))
        .route("/entries/{id}", get(pages::entry))
        .route("/actors", get(pages::actors))
        .route("/scenarios", get(pages::scenarios))
        .route(
            "/publish",
            get(pages::publish_form).post(pages::publish_submit),
        )
        .route("/publish/token", post(pages::save_token))
        .route("/peers", get(pages::peers))
        .route("/trust", get(pages::trust).post(pages::trust_submit))
        .route(
            "/institution",
            get(institution::page).post(institution::submit),
        )
        .route("/entries/{id}/act", post(institution::entry_act))
        .route("/api/v1/actor-map", get(pages::actor_map_json))
        .route("/api/v1/scenarios", get(pages::scenarios_json))
        .route("/assets/{file}", get(asset))
}

/// The language an `Accept-Language` header prefers among French and English (English when it
/// names neither).
pub fn negotiate(accept: &str) -> Lang {
    let mut best: Option<(f32, Lang)> = None;
    for part in accept.split(',') {
        let mut pieces = part.split(';');
        let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = pieces
            .find_map(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
            })
            .unwrap_or(1.0);
        let lang = match tag.split('-').next() {
            Some("fr") => Lang::Fr,
            Some("en") => Lang::En,
            _ => continue,
        };
        if best.is_none_or(|(b, _)| q > b) {
            best = Some((q, lang));
        }
    }
    best.map_or(Lang::En, |(_, l)| l)
}

/// The language's code (`fr`, `en`).
pub fn code(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "fr",
        Lang::En => "en",
    }
}

/// The stylesheet and the one small script, embedded in the binary.
#[derive(RustEmbed)]
#[folder = "src/ui/assets/"]
struct Assets;

async fn asset(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    let Some(content) = Assets::get(&file) else {
        return crate::api::not_found().await.into_response();
    };
    let mime = if file.ends_with(".css") {
        "text/css; charset=utf-8"
    } else if file.ends_with(".js") {
        "text/javascript; charset=utf-8"
    } else if file.ends_with(".svg") {
        "image/svg+xml"
    } else {
        "application/octet-stream"
    };
    let mut response = content.data.into_owned().into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_french_or_english() {
        assert_eq!(negotiate("fr-FR,fr;q=0.9,en;q=0.8"), Lang::Fr);
        assert_eq!(negotiate("en-GB,fr;q=0.5"), Lang::En);
        assert_eq!(negotiate("de-DE,fr;q=0.7,en;q=0.3"), Lang::Fr);
        assert_eq!(negotiate("de"), Lang::En);
        assert_eq!(negotiate(""), Lang::En);
    }
}
