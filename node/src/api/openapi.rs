//! `GET /api/v1/openapi.json`: the API described as OpenAPI 3.1 (utoipa), generated from the
//! handlers' annotations so that it cannot drift from the routes. No Swagger UI is bundled.

use axum::Json;
use axum::response::{IntoResponse, Response};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "AudaCities node API",
        description = "The local API of an AudaCities commons node. Reads are open on the node's \
                       machine; writes need `Authorization: Bearer <the home's api-token file>`. \
                       Errors are JSON objects with a stable `code` and a `message`."
    ),
    paths(
        super::status,
        super::peers,
        super::entries::list,
        super::entries::one,
        super::entries::raw,
        super::entries::post,
        super::trust_list,
        super::trust_add,
        super::trust_remove,
        super::feed::atom,
    ),
    modifiers(&Bearer)
)]
pub struct Document;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub async fn document() -> Response {
    Json(Document::openapi()).into_response()
}
