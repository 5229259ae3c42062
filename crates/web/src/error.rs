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

/// Every machine code an API error can carry, in one place: those of the use cases'
/// errors and those the edge gives before a use case runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    Unauthenticated,
    Forbidden,
    NotFound,
    ValidationFailed,
    Conflict,
    TooManyAttempts,
    BadCredentials,
    Busy,
    CorruptRecord,
    InternalError,
    // The edge: the request could not be read as one.
    BadRequest,
    InvalidJson,
    InvalidBody,
    InvalidQuery,
    InvalidText,
    InvalidToken,
    CsrfFailed,
    PayloadTooLarge,
    UnsupportedMediaType,
    ImportInvalid,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 20] = [
        ErrorCode::Unauthenticated,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::ValidationFailed,
        ErrorCode::Conflict,
        ErrorCode::TooManyAttempts,
        ErrorCode::BadCredentials,
        ErrorCode::Busy,
        ErrorCode::CorruptRecord,
        ErrorCode::InternalError,
        ErrorCode::BadRequest,
        ErrorCode::InvalidJson,
        ErrorCode::InvalidBody,
        ErrorCode::InvalidQuery,
        ErrorCode::InvalidText,
        ErrorCode::InvalidToken,
        ErrorCode::CsrfFailed,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::ImportInvalid,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::ValidationFailed => "validation_failed",
            ErrorCode::Conflict => "conflict",
            ErrorCode::TooManyAttempts => "too_many_attempts",
            ErrorCode::BadCredentials => "bad_credentials",
            ErrorCode::Busy => "busy",
            ErrorCode::CorruptRecord => "corrupt_record",
            ErrorCode::InternalError => "internal_error",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::InvalidBody => "invalid_body",
            ErrorCode::InvalidQuery => "invalid_query",
            ErrorCode::InvalidText => "invalid_text",
            ErrorCode::InvalidToken => "invalid_token",
            ErrorCode::CsrfFailed => "csrf_failed",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::ImportInvalid => "import_invalid",
        }
    }

    /// The code of a use case's error (matched on the variant, so a new one must be named).
    pub fn of(e: &AppError) -> Self {
        match e {
            AppError::Unauthenticated => ErrorCode::Unauthenticated,
            AppError::Forbidden => ErrorCode::Forbidden,
            AppError::NotFound => ErrorCode::NotFound,
            AppError::Validation(_) => ErrorCode::ValidationFailed,
            AppError::Conflict(_) => ErrorCode::Conflict,
            AppError::Throttled { .. } => ErrorCode::TooManyAttempts,
            AppError::BadCredentials => ErrorCode::BadCredentials,
            AppError::Busy => ErrorCode::Busy,
            AppError::Corrupt { .. } => ErrorCode::CorruptRecord,
            AppError::Internal { .. } => ErrorCode::InternalError,
        }
    }
}

/// An error as the API answers it: `{"error", "message", "fields"}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
    pub fields: serde_json::Value,
}

impl ApiError {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
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
            code: ErrorCode::of(&e),
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
                "error": self.code.code(),
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
            ErrorCode::NotFound,
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
    /// The page the person came from, on this site: a way back.
    back: Option<String>,
}

/// What an error page said, kept on the response so that [`in_layout`] can show it again
/// inside the menu of a logged-in person.
#[derive(Clone)]
struct Shown {
    heading: String,
    detail: String,
}

pub fn error_page(status: StatusCode, heading: &str, detail: &str) -> Response {
    let mut res = crate::pages::render(
        status,
        &ErrorPage {
            layout: crate::pages::Layout::anonymous(heading),
            heading: heading.into(),
            detail: detail.into(),
            request_id: crate::ops::request_id(),
            back: None,
        },
    );
    res.extensions_mut().insert(Shown {
        heading: heading.into(),
        detail: detail.into(),
    });
    res
}

/// Error pages for a logged-in person inside the layout: the menu, the bell, and a way
/// back to the page they came from.
pub async fn in_layout(
    axum::extract::State(s): axum::extract::State<crate::AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let caller = req.extensions().get::<crate::auth::Caller>().cloned();
    let back = crate::auth::same_site_referer(&req);
    let res = next.run(req).await;
    let (Some(shown), Some(caller)) = (res.extensions().get::<Shown>().cloned(), caller) else {
        return res;
    };
    let Some(actor) = caller.actor.as_ref() else {
        return res;
    };
    let status = res.status();
    crate::pages::render(
        status,
        &ErrorPage {
            layout: crate::pages::layout(
                &s,
                actor,
                caller.csrf.as_deref().unwrap_or_default(),
                &shown.heading,
                "",
            )
            .await,
            heading: shown.heading,
            detail: shown.detail,
            request_id: crate::ops::request_id(),
            back: back.map(|b| crate::pages::account::safe_next(&b)),
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
        let detail = match &self.0 {
            AppError::NotFound => "该记录不存在，或不在您的查看范围内。".to_string(),
            AppError::Forbidden => "如需此权限，请联系管理员。".to_string(),
            // A page's own query or a form without a form of its own: say what is wrong.
            AppError::Validation(e) if !e.is_empty() => {
                e.iter().map(|(_, m)| m).collect::<Vec<_>>().join("；")
            }
            _ => "请返回上一页重试。".to_string(),
        };
        error_page(status, &self.0.message(), &detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_use_cases_error_answers_with_its_own_code() {
        let errors = [
            AppError::Unauthenticated,
            AppError::Forbidden,
            AppError::NotFound,
            AppError::Validation(jianguan_domain::FieldErrors::new()),
            AppError::Conflict("x".into()),
            AppError::Throttled { seconds: 1 },
            AppError::BadCredentials,
            AppError::Busy,
            AppError::corrupt("t", "i", "c", "d"),
            AppError::bug("x"),
        ];
        for e in &errors {
            assert_eq!(ErrorCode::of(e).code(), e.code(), "{e:?}");
        }
        let mut codes: Vec<_> = ErrorCode::ALL.iter().map(|c| c.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), ErrorCode::ALL.len(), "codes are distinct");
    }
}
