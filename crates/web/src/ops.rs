//! What the operator needs: a request id on every log line and every error a person sees
//! (so a user can quote it), one log line per request, `/healthz` for the load balancer,
//! and `/metrics` for Prometheus.

use crate::AppState;
use crate::auth::Auth;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being answered, where there is one.
pub fn request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

fn new_id() -> String {
    jianguan_app::secrets::random_token("")
        .map(|t| t[..16].to_string())
        // No randomness means no id worth quoting; a fixed one still joins the log lines.
        .unwrap_or_else(|_| "0000000000000000".into())
}

/// Gives the request an id (or keeps a well-formed one a proxy assigned), runs it inside
/// a span carrying that id, logs one line when it is answered, counts it, and returns the
/// id in `X-Request-Id`.
pub async fn request_id_layer(req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            (8..=64).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        .map(str::to_string)
        .unwrap_or_else(new_id);
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "(unmatched)".into());
    let path = req.uri().path().to_string();
    // At error level, so that the span (and the id on every line inside it) is there
    // whatever level the log is filtered to.
    let span = tracing::error_span!("request", id = %id, %method, %path);
    let started = std::time::Instant::now();
    let mut res = REQUEST_ID
        .scope(id.clone(), next.run(req).instrument(span.clone()))
        .await;
    let took = started.elapsed();
    let status = res.status().as_u16();
    span.in_scope(|| {
        tracing::info!(status, ms = took.as_secs_f64() * 1000.0, "answered");
    });
    jianguan_app::metrics::global().request(&route, &method, status, took.as_secs_f64());
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert("x-request-id", v);
    }
    res
}

/// Whether the database answers and the file store takes a write.
pub async fn healthz(State(s): State<AppState>) -> Response {
    let db = jianguan_store::execute_raw(s.app.store.reader(), "SELECT 1")
        .await
        .is_ok();
    let key = format!("health/probe{}", std::process::id());
    let files =
        s.app.files.put(&key, b"ok").await.is_ok() && s.app.files.remove(&key).await.is_ok();
    let status = if db && files {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let word = |ok: bool| if ok { "ok" } else { "failed" };
    (
        status,
        axum::Json(serde_json::json!({
            "status": word(db && files),
            "database": word(db),
            "files": word(files),
        })),
    )
        .into_response()
}

/// Prometheus metrics, for an administrator's token (a scraper is given one).
pub async fn metrics(State(s): State<AppState>, Auth(_, _): Auth) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        jianguan_app::metrics::global().render(s.app.heavy.running(), s.app.heavy.size()),
    )
        .into_response()
}
