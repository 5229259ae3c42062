//! OCDS 1.1: a programme's implementation as a release package (docs/ocds.md).

use super::ApiResult;
use super::dto::ErrorBody;
use crate::AppState;
use crate::auth::Auth;
use crate::routes::Routes;
use axum::Json;
use axum::extract::{Path, State};
use jianguan_app::Permission::*;

pub(crate) fn routes(r: Routes) -> Routes {
    r.api(ReadCounty, __path_ocds_package, ocds_package)
}

/// A programme's projects as an OCDS 1.1 release package: one contracting process per
/// project (parties with the enterprise's USCC, the award's value, the progress plan's
/// milestones with their dates met, the confirmed disbursements, the public documents).
#[utoipa::path(get, path = "/api/v1/ocds/{programme}", params(("programme" = String, Path, description = "The programme's id")), responses((status = 200, description = "An OCDS 1.1 release package"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn ocds_package(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(programme): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let p = jianguan_app::records::programme(&s.app, &a, &programme).await?;
    Ok(Json(
        jianguan_app::ocds::package(&s.app, &p, &s.app.public.ocid_prefix).await?,
    ))
}
