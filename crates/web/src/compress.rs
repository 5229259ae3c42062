//! What a slow village connection is spared: pages and JSON above a size go gzipped to a
//! browser that takes gzip, and the docket's JSON carries an `ETag` so that a client
//! asking again gets `304` with no body when nothing changed.
//!
//! Only bodies already whole in memory are touched (pages, JSON: their size is known);
//! files, photos and streamed downloads pass as they are. gzip only: every browser takes
//! it and flate2 is already in the tree; brotli would add a compressor for a few percent.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::io::Write;

/// Smaller bodies fit in a packet or two either way: not worth the CPU.
pub const MIN_SIZE: usize = 1024;
/// Larger bodies are not pages (and are not read into memory a second time).
const MAX_SIZE: usize = 8 * 1024 * 1024;
/// Fast, and still ~8× on our pages: the CPU is better spent answering the next request.
const LEVEL: u32 = 4;

/// The validator of a body: its hash, so that equal answers have equal tags whichever
/// server or path made them.
pub fn tag(body: &[u8]) -> String {
    format!(
        "\"{}\"",
        &jianguan_app::secrets::sha256_hex_bytes(body)[..32]
    )
}

/// Paths whose JSON answers carry a validator (the docket: read often, changed daily).
fn tagged(path: &str) -> bool {
    path == "/api/v1/docket"
}

pub async fn layer(req: Request, next: Next) -> Response {
    let gzip = accepts_gzip(req.headers());
    let etag_path = req.method() == Method::GET && tagged(req.uri().path());
    let if_none_match = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let res = next.run(req).await;
    // A handler that keeps its answer (the whole docket) tagged it, and may have gzipped it,
    // when it made it: only whether the client has it already is left to say.
    if etag_path
        && res.status() == StatusCode::OK
        && let Some(tag) = res
            .headers()
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
    {
        if matches(if_none_match.as_deref(), tag) {
            let tag = tag.to_string();
            return not_modified(res.headers(), &tag);
        }
        return res;
    }
    if !(gzip || etag_path) || res.status() != StatusCode::OK || !compressible(res.headers()) {
        return res;
    }
    let small_enough = axum::body::HttpBody::size_hint(res.body())
        .exact()
        .is_some_and(|n| n as usize <= MAX_SIZE);
    if !small_enough {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_SIZE).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "body could not be read").into_response();
    };
    if etag_path {
        let tag = tag(&bytes);
        if matches(if_none_match.as_deref(), &tag) {
            return not_modified(&parts.headers, &tag);
        }
        if let Ok(v) = HeaderValue::from_str(&tag) {
            parts.headers.insert(header::ETAG, v);
        }
    }
    parts
        .headers
        .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    if !gzip || bytes.len() < MIN_SIZE {
        return Response::from_parts(parts, Body::from(bytes));
    }
    match gzip_of(&bytes) {
        Some(out) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            parts
                .headers
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            Response::from_parts(parts, Body::from(out))
        }
        None => Response::from_parts(parts, Body::from(bytes)),
    }
}

/// `bytes` gzipped at the level we serve with.
pub fn gzip_of(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 4),
        flate2::Compression::new(LEVEL),
    );
    enc.write_all(bytes).and_then(|()| enc.finish()).ok()
}

/// Whether `If-None-Match` names `tag` (or `*`).
fn matches(if_none_match: Option<&str>, tag: &str) -> bool {
    if_none_match.is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"))
}

/// `304 Not Modified` with the answer's headers but its body's own.
fn not_modified(headers: &HeaderMap, tag: &str) -> Response {
    let mut res = Response::new(Body::empty());
    *res.status_mut() = StatusCode::NOT_MODIFIED;
    res.headers_mut().extend(
        headers
            .iter()
            .filter(|(k, _)| {
                ![
                    header::CONTENT_LENGTH,
                    header::CONTENT_TYPE,
                    header::CONTENT_ENCODING,
                ]
                .contains(k)
            })
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    if let Ok(v) = HeaderValue::from_str(tag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}

/// Whether the client takes gzip (`Accept-Encoding: gzip`, not refused with `q=0`).
pub(crate) fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut it = item.split(';');
            let name = it.next().unwrap_or("").trim();
            let refused = it.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

/// Text we made (pages, JSON, CSS, JS, SVG), not yet encoded.
fn compressible(headers: &HeaderMap) -> bool {
    if headers.contains_key(header::CONTENT_ENCODING) {
        return false;
    }
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    [
        "text/html",
        "application/json",
        "text/css",
        "text/javascript",
        "image/svg+xml",
        "application/geo+json",
    ]
    .iter()
    .any(|k| kind.starts_with(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: &str) -> HeaderMap {
        let mut m = HeaderMap::new();
        m.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(v).unwrap_or(HeaderValue::from_static("")),
        );
        m
    }

    #[test]
    fn gzip_is_taken_only_when_offered_and_not_refused() {
        assert!(accepts_gzip(&h("gzip, deflate, br")));
        assert!(accepts_gzip(&h("br;q=1.0, gzip;q=0.8")));
        assert!(accepts_gzip(&h("*")));
        assert!(!accepts_gzip(&h("gzip;q=0")));
        assert!(!accepts_gzip(&h("br, deflate")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }
}
