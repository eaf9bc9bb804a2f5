//! The node's local HTTP API (`/api/v1`), served on `--api` (loopback by default).
//!
//! What the CLI uses while a node runs: status and peers, handing in signed entries (which go
//! through the one ingest function and out on gossip), and trust. Reads are open to local
//! tools; every write needs the home's token (`Authorization: Bearer`, see `token.rs`). A
//! request whose `Host` is not the listening address, `localhost` or `127.0.0.1` is refused,
//! so that a web page cannot reach the API through DNS rebinding. Errors are JSON with a
//! stable `code` and a message.

pub mod entries;
pub mod feed;
pub mod openapi;

use std::net::SocketAddr;

use audacities_protocol::PublicKey;
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use crate::ingest::{Report, Verdict};
use crate::node::Shared;
use crate::store::StoreError;
use crate::time::now_ms;

/// Largest request body: a chunk of a bundle being imported.
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// Serves the API until `stop` turns true.
pub async fn serve(
    listener: tokio::net::TcpListener,
    shared: Shared,
    mut stop: watch::Receiver<bool>,
) {
    let app = router(shared);
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        let _ = stop.wait_for(|s| *s).await;
    });
    if let Err(e) = server.await {
        tracing::error!("the local API stopped: {e}");
    }
}

pub fn router(shared: Shared) -> Router {
    Router::new()
        .route("/api/v1/status", get(status))
        .route("/api/v1/peers", get(peers))
        .route("/api/v1/entries", get(entries::list).post(entries::post))
        .route("/api/v1/entries/{id}", get(entries::one))
        .route("/api/v1/entries/{id}/raw", get(entries::raw))
        .route("/api/v1/trust", get(trust_list).post(trust_add))
        .route("/api/v1/trust/{city}", delete(trust_remove))
        .route("/api/v1/openapi.json", get(openapi::document))
        .route("/feed.atom", get(feed::atom))
        .merge(crate::ui::routes())
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(shared.clone(), cors))
        .layer(middleware::from_fn_with_state(shared.clone(), check_host))
        .with_state(shared)
}

/// An error answer: a stable code and a message, and for some codes more fields (the
/// problems of an invalid draft…).
#[derive(Debug, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Map<String, serde_json::Value>>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            details: None,
        }
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
    }

    /// Adds the members of `details` (a JSON object) to the answer.
    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        if let serde_json::Value::Object(map) = details {
            self.details = Some(map);
        }
        self
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { prefix } => Self::new(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("no entry {prefix} on this node"),
            ),
            StoreError::Ambiguous { prefix, candidates } => Self::new(
                StatusCode::CONFLICT,
                "ambiguous",
                format!(
                    "{prefix} starts {} ids: give more characters",
                    candidates.len()
                ),
            )
            .with_details(serde_json::json!({
                "candidates": candidates.iter().map(ToString::to_string).collect::<Vec<_>>()
            })),
            other => Self::internal(other),
        }
    }
}

/// Runs store work off the async executor.
pub async fn blocking<R, E>(
    f: impl FnOnce() -> Result<R, E> + Send + 'static,
) -> Result<R, ApiError>
where
    R: Send + 'static,
    E: Into<ApiError> + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(ApiError::internal)?
        .map_err(Into::into)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(&self)).into_response()
    }
}

/// Refuses requests whose Host is not this server (DNS rebinding).
async fn check_host(State(shared): State<Shared>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if host_allowed(host, shared.api) {
        next.run(request).await
    } else {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "host_refused",
            format!("Host {host:?} is not this node's API address"),
        )
        .into_response()
    }
}

/// CORS for the origins the configuration lists (`[network] api_cors_origins`), and for no
/// other: a listed origin gets `Access-Control-Allow-Origin` with its own name (never `*`) and
/// answers to preflight requests; any other request gets no CORS header at all.
async fn cors(State(shared): State<Shared>, request: Request, next: Next) -> Response {
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|h| h.to_str().ok())
        .filter(|o| {
            shared
                .config
                .network
                .api_cors_origins
                .iter()
                .any(|a| a == o)
        })
        .map(str::to_owned);
    let Some(origin) = origin else {
        return next.run(request).await;
    };
    let preflight = request.method() == axum::http::Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut response = if preflight {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    if let Ok(value) = axum::http::HeaderValue::from_str(&origin) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
    }
    headers.append(header::VARY, axum::http::HeaderValue::from_static("Origin"));
    if preflight {
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            axum::http::HeaderValue::from_static("GET, POST, DELETE"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            axum::http::HeaderValue::from_static("Authorization, Content-Type"),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            axum::http::HeaderValue::from_static("600"),
        );
    }
    response
}

fn host_allowed(host: &str, api: SocketAddr) -> bool {
    let name = match host.rsplit_once(':') {
        Some((name, port)) if !host.ends_with(']') => {
            if port.parse::<u16>().ok() != Some(api.port()) {
                return false;
            }
            name
        }
        _ => host,
    };
    let name = name.trim_start_matches('[').trim_end_matches(']');
    name == "localhost" || name == "127.0.0.1" || name == "::1" || name == api.ip().to_string()
}

pub fn authorize(shared: &Shared, headers: &HeaderMap) -> Result<(), ApiError> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim);
    match given {
        Some(token) if constant_time_eq(token.as_bytes(), shared.token.as_bytes()) => Ok(()),
        Some(_) => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_token",
            "the token does not match the home's api-token file",
        )),
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "token_required",
            "writes need Authorization: Bearer <the home's api-token>",
        )),
    }
}

/// Compares secrets without an early exit on the first differing byte.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint")
}

/// `GET /api/v1/status`
#[utoipa::path(get, path = "/api/v1/status",
    responses((status = 200, description = "The node at a glance: the same object as `audacities status --json`")))]
async fn status(State(shared): State<Shared>) -> Result<Response, ApiError> {
    let status = shared.status().await.map_err(ApiError::internal)?;
    Ok(Json(status).into_response())
}

/// `GET /api/v1/peers`
#[utoipa::path(get, path = "/api/v1/peers",
    responses((status = 200, description = "Connected and known peers: the same objects as `audacities peers --json`")))]
async fn peers(State(shared): State<Shared>) -> Result<Response, ApiError> {
    let status = shared.status().await.map_err(ApiError::internal)?;
    Ok(Json(status.peers).into_response())
}

/// One entry's verdict in an answer to `POST /api/v1/entries`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VerdictJson {
    /// `accepted`, `duplicate`, `rejected` or `untrusted`.
    pub verdict: String,
    pub id: Option<String>,
    /// Why it was refused.
    pub reason: Option<String>,
    /// For `untrusted`: the city not trusted.
    #[serde(default)]
    pub city: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IngestJson {
    pub accepted: usize,
    pub duplicates: usize,
    pub rejected: usize,
    pub untrusted: usize,
    pub verdicts: Vec<VerdictJson>,
}

/// Signed entries in wire form, one per line (NDJSON); each goes through the ingest function.
async fn post_lines(shared: &Shared, body: &Bytes) -> Result<Response, ApiError> {
    let lines: Vec<Vec<u8>> = body
        .split(|b| *b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .map(<[u8]>::to_vec)
        .collect();
    let report = shared
        .ingest_local(lines)
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(ingest_answer(&report)).into_response())
}

/// The JSON answer for an ingest report.
pub fn ingest_answer(report: &Report) -> IngestJson {
    let verdicts = report
        .verdicts
        .iter()
        .map(|v| match v {
            Verdict::Accepted(id) => VerdictJson {
                verdict: "accepted".into(),
                id: Some(id.to_string()),
                reason: None,
                city: None,
            },
            Verdict::Duplicate(id) => VerdictJson {
                verdict: "duplicate".into(),
                id: Some(id.to_string()),
                reason: None,
                city: None,
            },
            Verdict::Rejected(e) => VerdictJson {
                verdict: "rejected".into(),
                id: None,
                reason: Some(e.to_string()),
                city: None,
            },
            Verdict::Untrusted { id, city } => VerdictJson {
                verdict: "untrusted".into(),
                id: Some(id.to_string()),
                reason: Some(format!("city {city} is not trusted by this node")),
                city: Some(city.to_string()),
            },
        })
        .collect();
    IngestJson {
        accepted: report.accepted(),
        duplicates: report.duplicates(),
        rejected: report.rejected(),
        untrusted: report.untrusted(),
        verdicts,
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct TrustJson {
    pub mode: crate::config::TrustMode,
    pub city: PublicKey,
    pub members: Vec<crate::store::Member>,
}

/// `GET /api/v1/trust`
#[utoipa::path(get, path = "/api/v1/trust",
    responses((status = 200, description = "The trust mode, this node's city and its trust list")))]
async fn trust_list(State(shared): State<Shared>) -> Result<Response, ApiError> {
    let store = shared.store().clone();
    let members = tokio::task::spawn_blocking(move || store.trust_list())
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    Ok(Json(TrustJson {
        mode: shared.ctx.policy.mode(),
        city: shared.ctx.hello.city,
        members,
    })
    .into_response())
}

#[derive(Debug, Serialize, Deserialize)]
pub struct TrustAdd {
    pub city: String,
    #[serde(default)]
    pub label: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Changed {
    pub changed: bool,
}

fn parse_city(text: &str) -> Result<PublicKey, ApiError> {
    text.parse::<PublicKey>().map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_key",
            format!("city: {text:?} is not a city key: {e}"),
        )
    })
}

/// `POST /api/v1/trust`
#[utoipa::path(post, path = "/api/v1/trust",
    request_body(content = String, description = "`{\"city\": KEY, \"label\": TEXT?}`", content_type = "application/json"),
    responses((status = 200, description = "`{changed}`"), (status = 400, description = "Not a city key (code `bad_key`)"),
              (status = 401, description = "No or wrong bearer token")),
    security(("bearer" = [])))]
async fn trust_add(
    State(shared): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    authorize(&shared, &headers)?;
    let add: TrustAdd = serde_json::from_slice(&body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("expected {{\"city\": KEY, \"label\": TEXT?}}: {e}"),
        )
    })?;
    let city = parse_city(&add.city)?;
    let store = shared.store().clone();
    let changed = tokio::task::spawn_blocking(move || store.trust_add(city, add.label, now_ms()))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    shared.trust_changed().map_err(ApiError::internal)?;
    Ok(Json(Changed { changed }).into_response())
}

/// `?purge=true`: also delete every entry of the city stored here.
#[derive(Debug, Default, Deserialize)]
struct Purge {
    purge: Option<bool>,
}

/// `DELETE /api/v1/trust/{city}`
#[utoipa::path(delete, path = "/api/v1/trust/{city}",
    params(("city" = String, Path, description = "A city key"),
           ("purge" = Option<bool>, Query, description = "Also delete the city's entries stored here")),
    responses((status = 200, description = "`{changed, purged}`"), (status = 401, description = "No or wrong bearer token")),
    security(("bearer" = [])))]

async fn trust_remove(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Path(city): Path<String>,
    Query(purge): Query<Purge>,
) -> Result<Response, ApiError> {
    authorize(&shared, &headers)?;
    let city = parse_city(&city)?;
    let store = shared.store().clone();
    let purge = purge.purge.unwrap_or(false);
    let (changed, purged) = tokio::task::spawn_blocking(move || {
        let changed = store.trust_remove(city)?;
        let purged = if purge { store.purge_city(city)? } else { 0 };
        Ok::<_, crate::store::StoreError>((changed, purged))
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;
    shared.trust_changed().map_err(ApiError::internal)?;
    if purged > 0 {
        shared.ctx.changed();
    }
    Ok(Json(serde_json::json!({ "changed": changed, "purged": purged })).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_servers_names_pass_the_host_check() {
        let api: SocketAddr = "127.0.0.1:7410".parse().unwrap();
        assert!(host_allowed("127.0.0.1:7410", api));
        assert!(host_allowed("localhost:7410", api));
        assert!(host_allowed("localhost", api));
        assert!(!host_allowed("evil.example:7410", api));
        assert!(!host_allowed("localhost:80", api));
        assert!(!host_allowed("", api));
    }
}
