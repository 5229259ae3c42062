//! One mapping from application errors to HTTP: JSON for the API, a Chinese page for
//! people. Internal causes are logged with the request path, never sent to the client.

use askama::Template;
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
        AppError::Internal { .. } | AppError::Corrupt { .. } => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Logs a failure of the system with its whole cause chain (the request id is on the
/// span); a refusal of the request is not logged as an error.
pub fn log_internal(e: &AppError, what: &str) {
    if e.is_internal() {
        tracing::error!(cause = %e.chain(), code = e.code(), "{what}: internal error");
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

impl From<jianguan_store::StoreError> for ApiError {
    fn from(e: jianguan_store::StoreError) -> Self {
        AppError::from(e).into()
    }
}

impl From<jianguan_store::StoreError> for PageError {
    fn from(e: jianguan_store::StoreError) -> Self {
        Self(e.into())
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        log_internal(&e, "api");
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
        error_page(
            StatusCode::NOT_FOUND,
            "没有找到这个页面",
            "请核对地址，或从左侧菜单进入。",
        )
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: crate::pages::Layout,
    heading: String,
    detail: String,
    /// What the person quotes to the administrator; the log lines of the request carry it.
    request_id: Option<String>,
}

pub fn error_page(status: StatusCode, heading: &str, detail: &str) -> Response {
    crate::pages::render(
        status,
        &ErrorPage {
            layout: crate::pages::Layout::anonymous(heading),
            heading: heading.into(),
            detail: detail.into(),
            request_id: crate::ops::request_id(),
        },
    )
}

/// An application error shown as a page.
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        log_internal(&self.0, "page");
        let status = status_code(&self.0);
        let detail = match self.0 {
            AppError::NotFound => "该记录不存在，或不在您的查看范围内。",
            AppError::Forbidden => "如需此权限，请联系管理员。",
            _ => "请返回上一页重试。",
        };
        error_page(status, &self.0.message(), detail)
    }
}
