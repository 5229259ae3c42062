use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

/// A JSON body: refused with a structured, Chinese error when it is not JSON, too large,
/// malformed, or carries fields the endpoint does not know.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                crate::error::ErrorCode::UnsupportedMediaType,
                "请以 JSON 提交（Content-Type: application/json）",
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e: BytesRejection| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        crate::error::ErrorCode::PayloadTooLarge,
                        format!("提交的内容过大（上限 {} KB）", crate::BODY_LIMIT / 1024),
                    )
                } else {
                    ApiError::new(
                        StatusCode::BAD_REQUEST,
                        crate::error::ErrorCode::BadRequest,
                        "无法读取提交的内容",
                    )
                }
            })?;
        serde_json::from_slice(&bytes).map(ApiJson).map_err(|e| {
            let (code, what) = if e.is_syntax() || e.is_eof() {
                (
                    crate::error::ErrorCode::InvalidJson,
                    "提交的内容不是有效的 JSON",
                )
            } else {
                (
                    crate::error::ErrorCode::InvalidBody,
                    "提交的字段不符合接口要求",
                )
            };
            let mut err = ApiError::new(
                StatusCode::BAD_REQUEST,
                code,
                format!("{what}（第 {} 行第 {} 列）：{e}", e.line(), e.column()),
            );
            err.fields = serde_json::json!({});
            err
        })
    }
}

/// Query parameters, refused with a structured error when malformed or unknown.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> axum::extract::FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    crate::error::ErrorCode::InvalidQuery,
                    format!("查询参数有误：{}", e.body_text()),
                )
            })
    }
}
