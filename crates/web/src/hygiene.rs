//! The edge check of every text a request carries — query strings, form fields, JSON
//! strings (keys too): no control or direction characters, none longer than any field may
//! be. Each use case checks its own fields too (with messages beside the field); this is
//! what holds for a field that a use case forgot. The import bundle is checked by the
//! importer, with JSON paths; files are not text.

use crate::error::ApiError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jianguan_domain::text::{Lines, MAX_ANY_TEXT, problem};

/// Routes whose JSON body is checked by the use case itself, with paths into it.
const CHECKED_BY_THE_USE_CASE: &[&str] = &["/api/v1/import"];

fn bad_text(value: &str) -> Option<String> {
    let n = value.chars().count();
    if n > MAX_ANY_TEXT {
        Some(format!("内容有 {n} 字，超过上限 {MAX_ANY_TEXT} 字"))
    } else {
        problem(value, Lines::Many)
    }
}

fn refuse(path: &str, field: &str, why: String) -> Response {
    let field: String = field.chars().filter(|c| !c.is_control()).take(60).collect();
    if path.starts_with("/api/") {
        let mut e = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            crate::error::ErrorCode::InvalidText,
            format!("“{field}”{why}"),
        );
        e.fields = serde_json::json!({ field: why });
        e.into_response()
    } else {
        crate::error::error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("填写的内容中有无法接受的字符：{why}"),
            "请返回上一页，删除该处的不可见字符（多见于从其他软件复制来的文字）后重新提交。",
        )
    }
}

fn walk(v: &serde_json::Value, at: &str) -> Option<(String, String)> {
    match v {
        serde_json::Value::String(s) => bad_text(s).map(|w| (at.to_string(), w)),
        serde_json::Value::Array(items) => items.iter().find_map(|x| walk(x, at)),
        serde_json::Value::Object(map) => map
            .iter()
            .find_map(|(k, x)| bad_text(k).map(|w| (k.clone(), w)).or_else(|| walk(x, k))),
        _ => None,
    }
}

pub async fn check(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if let Some(q) = req.uri().query() {
        for (k, v) in crate::auth::form_pairs(q.as_bytes()) {
            if let Some(why) = bad_text(&k).or_else(|| bad_text(&v)) {
                return refuse(&path, &k, why);
            }
        }
    }
    let kind = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let form = kind.starts_with("application/x-www-form-urlencoded");
    let json = kind.starts_with("application/json");
    if !(form || json) || CHECKED_BY_THE_USE_CASE.contains(&path.as_str()) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, crate::BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            return if path.starts_with("/api/") {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    crate::error::ErrorCode::PayloadTooLarge,
                    format!("提交的内容过大（上限 {} KB）", crate::BODY_LIMIT / 1024),
                )
                .into_response()
            } else {
                crate::error::error_page(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "提交的内容过大",
                    "请删减后重新提交。",
                )
            };
        }
    };
    let found = if form {
        crate::auth::form_pairs(&bytes)
            .find_map(|(k, v)| bad_text(&k).or_else(|| bad_text(&v)).map(|w| (k, w)))
    } else {
        // Not JSON at all: the handler says so, in its own words.
        serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| walk(&v, "$"))
    };
    if let Some((field, why)) = found {
        return refuse(&path, &field, why);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}
