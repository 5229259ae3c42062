//! Assets embedded in the binary: no CDN, no files beside the executable.

use crate::routes::Routes;
use axum::http::header;
use axum::response::IntoResponse;
use jianguan_app::Permission::Public;

const CSS: &str = include_str!("../static/app.css");
const JS: &str = include_str!("../static/app.js");
const LABELS_CSS: &str = include_str!("../static/labels.css");

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
}

/// The label sheet's own print style: each stock prints on a page of its size.
async fn labels_css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        LABELS_CSS,
    )
}

async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        JS,
    )
}

pub(crate) fn add_routes(r: Routes) -> Routes {
    r.get("/static/app.css", Public, css)
        .get("/static/app.js", Public, js)
        .get("/static/labels.css", Public, labels_css)
}
