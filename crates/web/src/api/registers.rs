//! 台账 as XLSX over the API: a whole register of the caller's scope (the list pages' 导出
//! Excel carries their filters).

use super::ApiResult;
use super::dto::ErrorBody;
use crate::AppState;
use crate::auth::Auth;
use crate::routes::Routes;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jianguan_app::Permission::*;
use jianguan_app::{AppError, registers};

pub(crate) fn routes(r: Routes) -> Routes {
    r.api(ReadRecords, __path_register_xlsx, register_xlsx)
}

/// The registers there are.
const KINDS: [&str; 7] = [
    "projects",
    "inspections",
    "orders",
    "sanctions",
    "licences",
    "training-classes",
    "data-reports",
];

/// A register as XLSX: projects, inspections, orders, sanctions, licences,
/// training-classes or data-reports (a contractor: its own records).
#[utoipa::path(get, path = "/api/v1/registers/{kind}", params(("kind" = String, Path, description = "projects, inspections, orders, sanctions, licences, training-classes or data-reports")), responses((status = 200, description = "the register", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), (status = 422, body = ErrorBody)))]
pub async fn register_xlsx(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(kind): Path<String>,
) -> ApiResult<Response> {
    let app = &s.app;
    let bytes = match kind.as_str() {
        "projects" => registers::projects(app, &a, &Default::default()).await?,
        "inspections" => {
            registers::inspections(app, &a, &Default::default(), Default::default()).await?
        }
        "orders" => {
            let f = jianguan_app::rectification::OrderFilter::default();
            registers::orders(app, &a, &f).await?
        }
        "sanctions" => registers::sanctions(app, &a, &Default::default()).await?,
        "licences" => registers::licences(app, &a).await?,
        "training-classes" => registers::classes(app, &a).await?,
        "data-reports" => registers::data_reports(app, &a).await?,
        _ => {
            return Err(AppError::field(
                "kind",
                format!("没有这种台账；可导出：{}", KINDS.join("、")),
            )
            .into());
        }
    };
    Ok((
        [(
            header::CONTENT_TYPE,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )],
        bytes,
    )
        .into_response())
}
