//! One mapping from application errors to HTTP: JSON for the API, a Chinese page for
//! people. Internal causes are logged with the request path, never sent to the client.

use axum::Json;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use jianguan_app::AppError;
use serde_json::json;

pub fn status_code(e: &AppError) -> StatusCode {
    match e {
        AppError::Unauthenticated | AppError::BadCredentials => StatusCode::UNAUTHORIZED,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::NotFound => StatusCode::NOT_FOUND,
        AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// An error as the API answers it: `{"error", "message", "fields"}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    pub fields: serde_json::Value,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.into(),
            message: message.into(),
            fields: json!({}),
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        if let AppError::Internal(cause) = &e {
            tracing::error!(%cause, "internal error");
        }
        Self {
            status: status_code(&e),
            code: e.code().into(),
            message: e.message(),
            fields: e.fields().map(|f| json!(f)).unwrap_or_else(|| json!({})),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(json!({
                "error": self.code,
                "message": self.message,
                "fields": self.fields,
                "request_id": crate::ops::request_id(),
            })),
        )
            .into_response()
    }
}

pub async fn not_found_fallback(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "没有这个接口，请核对地址",
        )
        .into_response()
    } else {
        crate::pages::error_page(
            StatusCode::NOT_FOUND,
            "没有找到这个页面",
            "请核对地址，或从左侧菜单进入。",
        )
    }
}
