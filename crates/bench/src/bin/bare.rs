//! The framework's ceiling for `scripts/load`: a bare axum server answering each path with
//! the bytes jianguan answered it with (captured by the script), and nothing else — no
//! session, no database, no template. `bare DIR ADDR`: DIR holds `N.body` and `N.meta`
//! (`path` and `content-type` on two lines) per captured answer; it prints its address.

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;
use std::collections::HashMap;
use std::sync::Arc;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(addr)) = (args.next(), args.next()) else {
        eprintln!("usage: bare DIR ADDR");
        std::process::exit(2);
    };
    let mut answers: HashMap<String, (HeaderValue, Bytes)> = HashMap::new();
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("meta") {
            continue;
        }
        let meta = std::fs::read_to_string(&path)?;
        let mut lines = meta.lines();
        let (Some(url), Some(kind)) = (lines.next(), lines.next()) else {
            continue;
        };
        let body = std::fs::read(path.with_extension("body"))?;
        let kind = HeaderValue::from_str(kind).unwrap_or(HeaderValue::from_static("text/plain"));
        answers.insert(url.to_string(), (kind, Bytes::from(body)));
    }
    let answers = Arc::new(answers);
    let app = Router::new().fallback(get(move |uri: axum::http::Uri| {
        let answers = answers.clone();
        async move {
            let key = uri.path_and_query().map_or("/", |p| p.as_str());
            match answers.get(key) {
                Some((kind, body)) => {
                    ([(header::CONTENT_TYPE, kind.clone())], body.clone()).into_response()
                }
                None => axum::http::StatusCode::NOT_FOUND.into_response(),
            }
        }
    }));
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async move {
            let listener = tokio::net::TcpListener::bind(&addr).await?;
            println!("bare {}", listener.local_addr()?);
            axum::serve(listener, app).await
        })
}
