//! What a slow connection is spared: gzip for pages and JSON above a size, an ETag and 304
//! for the docket's JSON, and assets named by their content so a browser keeps them.

use crate::common::{Client, seeded_router};
use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use jianguan_testkit::Backend;
use std::io::Read;

fn gunzip(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(b)
        .read_to_end(&mut out)
        .unwrap();
    out
}

async fn get(
    c: &Client,
    path: &str,
    headers: &[(header::HeaderName, &str)],
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut b = c.builder(Method::GET, path);
    for (k, v) in headers {
        b = b.header(k, *v);
    }
    c.send(b.body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn pages_and_json_go_gzipped_to_a_client_that_takes_gzip_and_only_then() {
    let t = seeded_router(Backend::Sqlite).await;
    let c = Client::login(&t, "inspector").await;
    for path in ["/docket", "/projects", "/api/v1/projects"] {
        let (s, plain_h, plain) = get(&c, path, &[]).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert!(plain_h.get(header::CONTENT_ENCODING).is_none(), "{path}");
        let (s, h, packed) = get(&c, path, &[(header::ACCEPT_ENCODING, "gzip, deflate, br")]).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(h[header::CONTENT_ENCODING], "gzip", "{path}");
        assert!(
            h.get_all(header::VARY)
                .iter()
                .any(|v| v == "accept-encoding")
        );
        assert!(
            packed.len() * 3 < plain.len(),
            "{path}: {} of {}",
            packed.len(),
            plain.len()
        );
        assert_eq!(gunzip(&packed), plain, "{path}: the same body");
        // Refused with q=0, or not offered: as it is.
        let (_, h, body) = get(&c, path, &[(header::ACCEPT_ENCODING, "br, gzip;q=0")]).await;
        assert!(h.get(header::CONTENT_ENCODING).is_none());
        assert_eq!(body, plain);
    }
    // Below the size it is not worth it.
    let (s, h, body) = get(&c, "/healthz", &[(header::ACCEPT_ENCODING, "gzip")]).await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.len() < 1024, "{}", body.len());
    assert!(h.get(header::CONTENT_ENCODING).is_none());
}

#[tokio::test]
async fn the_docket_json_answers_304_when_the_client_has_it_already() {
    let t = seeded_router(Backend::Sqlite).await;
    let c = Client::login(&t, "inspector").await;
    let (s, h, body) = get(&c, "/api/v1/docket", &[]).await;
    assert_eq!(s, StatusCode::OK);
    let tag = h[header::ETAG].to_str().unwrap().to_string();
    assert!(tag.starts_with('"') && tag.len() == 34, "{tag}");
    let (s, h, none) = get(&c, "/api/v1/docket", &[(header::IF_NONE_MATCH, &tag)]).await;
    assert_eq!(s, StatusCode::NOT_MODIFIED);
    assert!(none.is_empty());
    assert_eq!(h[header::ETAG], tag.as_str());
    // Gzipped (made once and kept with the docket), the same body and tag; and 304 too.
    for _ in 0..2 {
        let (s, h, packed) = get(&c, "/api/v1/docket", &[(header::ACCEPT_ENCODING, "gzip")]).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(h[header::CONTENT_ENCODING], "gzip");
        assert_eq!(h[header::ETAG], tag.as_str());
        assert_eq!(h.get_all(header::VARY).iter().count(), 1);
        assert!(
            packed.len() * 3 < body.len(),
            "{} of {}",
            packed.len(),
            body.len()
        );
        assert_eq!(gunzip(&packed), body);
    }
    let (s, h, none) = get(
        &c,
        "/api/v1/docket",
        &[
            (header::ACCEPT_ENCODING, "gzip"),
            (header::IF_NONE_MATCH, &tag),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::NOT_MODIFIED);
    assert!(none.is_empty());
    assert_eq!(h[header::ETAG], tag.as_str());
    assert!(h.get(header::CONTENT_ENCODING).is_none());
    // Another selection of the docket is another body: the old tag does not match it.
    let (s, h, other) = get(
        &c,
        "/api/v1/docket?severity=critical",
        &[(header::IF_NONE_MATCH, &tag)],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_ne!(other, body);
    assert_ne!(h[header::ETAG], tag.as_str());
    // Nor does a contractor's docket match the county's.
    let contractor = Client::login(&t, "contractor").await;
    let (s, _, theirs) = get(
        &contractor,
        "/api/v1/docket",
        &[(header::IF_NONE_MATCH, &tag)],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_ne!(theirs, body);
    // When the docket changes, the tag does: a finding resolved is no longer listed.
    let refreshed = t.app.today() + chrono::Days::new(400);
    jianguan_app::docket::refresh(&t.app, jianguan_app::demo::COUNTY, refreshed)
        .await
        .unwrap();
    let (s, h, _) = get(&c, "/api/v1/docket", &[(header::IF_NONE_MATCH, &tag)]).await;
    assert_eq!(
        s,
        StatusCode::OK,
        "a docket evaluated again on a later day is another body"
    );
    assert_ne!(h[header::ETAG], tag.as_str());
}

#[tokio::test]
async fn assets_are_named_by_their_content_and_kept_for_a_year() {
    let t = seeded_router(Backend::Sqlite).await;
    let c = Client::login(&t, "inspector").await;
    let (_, page) = c.get("/docket").await;
    for (plain, kind) in [
        ("/static/app.css", "text/css"),
        ("/static/app.js", "text/javascript"),
    ] {
        let (stem, ext) = plain.rsplit_once('.').unwrap();
        let hashed: String = page
            .match_indices(&format!("{stem}."))
            .map(|(i, _)| page[i..].split('"').next().unwrap().to_string())
            .find(|h| h.ends_with(&format!(".{ext}")))
            .unwrap_or_else(|| panic!("{plain} linked"));
        assert!(
            hashed.ends_with(&format!(".{ext}")) && hashed != plain,
            "{hashed}"
        );
        let (s, body, h) = c.get_bytes(&hashed).await;
        assert_eq!(s, StatusCode::OK);
        assert!(h[header::CONTENT_TYPE].to_str().unwrap().starts_with(kind));
        assert_eq!(
            h[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        // The plain name still answers, for an hour, with the same bytes.
        let (s, same, h) = c.get_bytes(plain).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(h[header::CACHE_CONTROL], "public, max-age=3600");
        assert_eq!(same, body);
        // A name that is neither (an older release's hash) is not found.
        let (s, _) = c.get(&format!("{stem}.000000000000.{ext}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
}
