//! Assets embedded in the binary: no CDN, no files beside the executable.
//!
//! Pages name each asset with a hash of its content (`/static/app.1a2b3c4d5e6f.css`), so a
//! browser keeps it for a year and a new release's asset is a new name. The plain names
//! still answer (an hour's cache), for pages printed or saved from an older release.

use crate::routes::Routes;
use axum::extract::Path;
use axum::http::{Uri, header};
use axum::response::{IntoResponse, Response};
use jianguan_app::Permission::Public;
use std::sync::LazyLock;

const CSS_TYPE: &str = "text/css; charset=utf-8";
const JS_TYPE: &str = "text/javascript; charset=utf-8";

struct Asset {
    name: &'static str,
    kind: &'static str,
    body: &'static str,
}

const ASSETS: [Asset; 6] = [
    Asset {
        name: "app.css",
        kind: CSS_TYPE,
        body: include_str!("../static/app.css"),
    },
    Asset {
        name: "app.js",
        kind: JS_TYPE,
        body: include_str!("../static/app.js"),
    },
    // The label sheet's own print style: each stock prints on a page of its size.
    Asset {
        name: "labels.css",
        kind: CSS_TYPE,
        body: include_str!("../static/labels.css"),
    },
    // The counting screen's scanner (camera, photo, typed tags).
    Asset {
        name: "scan.js",
        kind: JS_TYPE,
        body: include_str!("../static/scan.js"),
    },
    // The public tip-off form's proof-of-work.
    Asset {
        name: "report.js",
        kind: JS_TYPE,
        body: include_str!("../static/report.js"),
    },
    // jsQR 1.4.0 (Apache-2.0, npm `jsqr`, dist/jsQR.js unchanged; licence beside it): the
    // QR decoder for browsers without BarcodeDetector, loaded by scan.js only when needed
    // (under its plain name: scan.js is not a template).
    Asset {
        name: "jsqr.js",
        kind: JS_TYPE,
        body: include_str!("../static/vendor/jsQR.js"),
    },
];

/// Each asset's content-hashed file name, in the order of [`ASSETS`].
static HASHED: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|a| {
            let hash = jianguan_app::secrets::sha256_hex(a.body);
            let (stem, ext) = a.name.rsplit_once('.').unwrap_or((a.name, ""));
            format!("{stem}.{}.{ext}", &hash[..12])
        })
        .collect()
});

/// The path a page links an asset by: its hashed name (the plain one if unknown).
pub fn href(name: &str) -> String {
    match ASSETS.iter().position(|a| a.name == name) {
        Some(i) => format!("/static/{}", HASHED[i]),
        None => format!("/static/{name}"),
    }
}

async fn asset(Path(file): Path<String>, uri: Uri) -> Response {
    for (a, hashed) in ASSETS.iter().zip(HASHED.iter()) {
        let cache = if file == *hashed {
            "public, max-age=31536000, immutable"
        } else if file == a.name {
            "public, max-age=3600"
        } else {
            continue;
        };
        return (
            [
                (header::CONTENT_TYPE, a.kind),
                (header::CACHE_CONTROL, cache),
            ],
            a.body,
        )
            .into_response();
    }
    crate::error::not_found_fallback(uri).await
}

pub(crate) fn add_routes(r: Routes) -> Routes {
    r.get("/static/{file}", Public, asset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_follow_the_content() {
        let app = href("app.css");
        assert!(
            app.starts_with("/static/app.") && app.ends_with(".css"),
            "{app}"
        );
        assert_eq!(app.len(), "/static/app.".len() + 12 + ".css".len());
        assert_ne!(href("app.js"), "/static/app.js");
        assert_eq!(href("nothing.js"), "/static/nothing.js");
    }
}
