//! Assets embedded in the binary: no CDN, no files beside the executable.

use crate::routes::Routes;
use axum::http::header;
use axum::response::IntoResponse;
use jianguan_app::Permission::Public;

const CSS: &str = include_str!("../static/app.css");
const JS: &str = include_str!("../static/app.js");
/// The label sheet's own print style: each stock prints on a page of its size.
const LABELS_CSS: &str = include_str!("../static/labels.css");
/// The counting screen's scanner (camera, photo, typed tags).
const SCAN_JS: &str = include_str!("../static/scan.js");
/// jsQR 1.4.0 (Apache-2.0, npm `jsqr`, dist/jsQR.js unchanged; licence beside it): the QR
/// decoder for browsers without BarcodeDetector, loaded by scan.js only when needed.
/// The public tip-off form's proof-of-work.
const REPORT_JS: &str = include_str!("../static/report.js");
const JSQR_JS: &str = include_str!("../static/vendor/jsQR.js");

fn serve(kind: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
}

const CSS_TYPE: &str = "text/css; charset=utf-8";
const JS_TYPE: &str = "text/javascript; charset=utf-8";

pub(crate) fn add_routes(r: Routes) -> Routes {
    r.get("/static/app.css", Public, || async { serve(CSS_TYPE, CSS) })
        .get("/static/app.js", Public, || async { serve(JS_TYPE, JS) })
        .get("/static/labels.css", Public, || async {
            serve(CSS_TYPE, LABELS_CSS)
        })
        .get("/static/scan.js", Public, || async {
            serve(JS_TYPE, SCAN_JS)
        })
        .get("/static/report.js", Public, || async {
            serve(JS_TYPE, REPORT_JS)
        })
        .get("/static/jsqr.js", Public, || async {
            serve(JS_TYPE, JSQR_JS)
        })
}
