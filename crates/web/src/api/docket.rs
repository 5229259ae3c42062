//! The docket, live checks, notifications and bundles over HTTP.

use super::dto::*;
use super::extract::ApiQuery;
use crate::AppState;
use crate::auth::Auth;
use crate::error::ApiError;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jianguan_app::AppError;
use jianguan_app::bundle::{self, ImportError};
use jianguan_app::docket::{self, DocketFilter};
use std::sync::OnceLock;

use super::ApiResult;
use crate::routes::Routes;
use jianguan_app::Permission::*;

pub(crate) fn routes(r: Routes) -> Routes {
    r.api(ReadRecords, __path_list, list)
        .api(EditRecords, __path_refresh, refresh)
        .api(ReadRecords, __path_get, get)
        .api(ReadRecords, __path_check, check)
        .api(Authenticated, __path_notifications, notifications)
        .api(Authenticated, __path_mark_read, mark_read)
        .api_large(Administer, super::IMPORT_LIMIT, __path_import, import)
        .api(ReadCounty, __path_export, export)
        .api(ReadCounty, __path_records, records)
}

/// The stored docket the caller may see (a contractor: their own enterprise's): whole, or
/// a page of it with `offset`/`limit`; `X-Total-Count` says how many findings there are.
#[utoipa::path(get, path = "/api/v1/docket", params(DocketQuery), responses((status = 200, body = Vec<FindingDto>, headers(("X-Total-Count" = u64, description = "Findings the filter selects, of which these are `offset`…")))))]
pub async fn list(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiQuery(q): ApiQuery<DocketQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let f = DocketFilter {
        severity: q.severity,
        area: q.area,
        system: q.system,
        project_id: q.project_id,
        inspector: q.inspector,
        acts: q.acts,
        include_resolved: q.include_resolved,
    };
    if q.offset == 0 && q.limit.is_none() {
        let docket = docket::list(&s.app, &a, &f).await?;
        let gzip = crate::compress::accepts_gzip(&headers);
        return Ok(whole(&docket, &s.app.profile, gzip));
    }
    let limit = q.limit.unwrap_or(jianguan_app::records::MAX_PAGE).max(1);
    jianguan_app::records::check_page(q.offset, limit)?;
    let (rows, total) = docket::slice(&s.app, &a, &f, q.offset, limit).await?;
    let body: Vec<FindingDto> = rows
        .into_iter()
        .map(|f| FindingDto::stored(f, &s.app.profile))
        .collect();
    Ok(([("x-total-count", total.to_string())], Json(body)).into_response())
}

/// The whole docket's JSON, its tag and its gzip, made once per held docket: a big
/// county's is 2.9 MB (156 KB gzipped), which took ~20 ms to build and hash and ~5 ms more
/// to gzip on every request.
struct Whole {
    body: Bytes,
    tag: String,
    /// Made on the first request that takes gzip.
    gzipped: OnceLock<Option<Bytes>>,
}

fn whole(
    docket: &docket::Docket,
    profile: &jianguan_domain::rules::Profile,
    gzip: bool,
) -> Response {
    let made = docket.made(|rows| {
        let dtos: Vec<FindingDto> = rows
            .iter()
            .map(|f| FindingDto::stored(f.clone(), profile))
            .collect();
        serde_json::to_vec(&dtos).map(|body| Whole {
            tag: crate::compress::tag(&body),
            body: body.into(),
            gzipped: OnceLock::new(),
        })
    });
    let w = match made {
        Some(Ok(w)) => w,
        Some(Err(e)) => {
            return ApiError::from(AppError::bug(format!("docket JSON: {e}"))).into_response();
        }
        None => {
            return ApiError::from(AppError::bug("docket JSON kept as another type"))
                .into_response();
        }
    };
    let packed = if gzip && w.body.len() >= crate::compress::MIN_SIZE {
        w.gzipped
            .get_or_init(|| crate::compress::gzip_of(&w.body).map(Bytes::from))
            .clone()
    } else {
        None
    };
    let total = docket.rows.len().to_string();
    let mut res = (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::ETAG, w.tag.as_str()),
            (HeaderName::from_static("x-total-count"), total.as_str()),
            (header::VARY, "accept-encoding"),
        ],
        w.body.clone(),
    )
        .into_response();
    if let Some(packed) = packed {
        res.headers_mut().remove(header::CONTENT_LENGTH);
        res.headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        *res.body_mut() = axum::body::Body::from(packed);
    }
    res
}

#[utoipa::path(get, path = "/api/v1/docket/{id}", params(("id" = String, Path)), responses((status = 200, body = FindingDto), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<FindingDto>> {
    Ok(Json(FindingDto::stored(
        docket::get(&s.app, &a, &id).await?,
        &s.app.profile,
    )))
}

/// Evaluates the caller's county now and stores the findings (what the daily job does).
#[utoipa::path(post, path = "/api/v1/docket/refresh", responses((status = 200, body = Vec<RefreshDto>)))]
pub async fn refresh(
    State(s): State<AppState>,
    Auth(a, _): Auth,
) -> ApiResult<Json<Vec<RefreshDto>>> {
    let today = s.app.today();
    let reports = match &a.county_code {
        Some(c) => vec![docket::refresh(&s.app, c, today).await?],
        None => docket::refresh_all(&s.app, today).await?,
    };
    Ok(Json(
        reports
            .into_iter()
            .map(|r| RefreshDto {
                county: r.county,
                open: r.open,
                new: r.new,
                resolved: r.resolved,
            })
            .collect(),
    ))
}

/// Every rule evaluated as of a date, from the stored facts, without storing anything.
#[utoipa::path(get, path = "/api/v1/check", params(CheckQuery), responses((status = 200, body = Vec<FindingDto>), (status = 422, body = ErrorBody)))]
pub async fn check(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiQuery(q): ApiQuery<CheckQuery>,
) -> ApiResult<Json<Vec<FindingDto>>> {
    let date = match q.as_of.as_deref() {
        None => s.app.today(),
        Some(d) => jianguan_domain::dates::parse_date(d)
            .map_err(|m| ApiError::from(AppError::field("as_of", m)))?,
    };
    let findings = docket::evaluate_for(&s.app, &a, date).await?;
    Ok(Json(findings.into_iter().map(Into::into).collect()))
}

#[utoipa::path(get, path = "/api/v1/notifications", responses((status = 200, body = Vec<NotificationDto>)))]
pub async fn notifications(
    State(s): State<AppState>,
    Auth(a, _): Auth,
) -> ApiResult<Json<Vec<NotificationDto>>> {
    let rows = docket::notifications(&s.app, &a, false).await?;
    Ok(Json(
        rows.into_iter()
            .map(|n| NotificationDto {
                id: n.id,
                title: n.title,
                body: n.body,
                link: n.link,
                finding_key: n.finding_key,
                created_at: n.created_at,
                read_at: n.read_at,
            })
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/notifications/read", responses((status = 200, body = CountDto)))]
pub async fn mark_read(State(s): State<AppState>, Auth(a, _): Auth) -> ApiResult<Json<CountDto>> {
    Ok(Json(CountDto {
        count: docket::mark_read(&s.app, &a, None).await?,
    }))
}

/// Imports a bundle (docs/import-format.md) into the caller's county: all or nothing.
#[utoipa::path(post, path = "/api/v1/import", request_body(content = String, content_type = "application/json", description = "A jianguan-bundle"), responses((status = 200, body = ImportReportDto), (status = 422, body = ErrorBody)))]
pub async fn import(State(s): State<AppState>, Auth(a, _): Auth, body: Bytes) -> Response {
    let text = match std::str::from_utf8(&body) {
        Ok(t) => t,
        Err(_) => {
            return ApiError::new(
                StatusCode::BAD_REQUEST,
                crate::error::ErrorCode::InvalidJson,
                "导入文件应为 UTF-8 编码的 JSON",
            )
            .into_response();
        }
    };
    match bundle::import(&s.app, Some(&a), text).await {
        Ok(r) => {
            // The docket reflects what was just recorded, not tomorrow morning.
            if r.created + r.updated > 0
                && let Err(e) = docket::refresh(&s.app, &r.county, s.app.today()).await
            {
                return ApiError::from(e).into_response();
            }
            Json(ImportReportDto {
                county: r.county,
                created: r.created,
                updated: r.updated,
                unchanged: r.unchanged,
            })
            .into_response()
        }
        Err(ImportError::Invalid(errors)) => {
            let mut e = ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                crate::error::ErrorCode::ImportInvalid,
                format!("导入文件有 {} 处错误，未导入任何记录", errors.len()),
            );
            e.fields = serde_json::Value::Object(
                errors
                    .into_iter()
                    .map(|x| (x.path, serde_json::Value::String(x.message)))
                    .collect(),
            );
            e.into_response()
        }
        Err(ImportError::App(e)) => ApiError::from(e).into_response(),
    }
}

/// The caller's county in the bundle format.
#[utoipa::path(get, path = "/api/v1/export", responses((status = 200, description = "A jianguan-bundle")))]
pub async fn export(
    State(s): State<AppState>,
    Auth(a, _): Auth,
) -> ApiResult<Json<serde_json::Value>> {
    let county = a
        .county_code
        .clone()
        .ok_or_else(|| ApiError::from(AppError::field("county_code", "请以某县用户的身份导出")))?;
    Ok(Json(bundle::export(&s.app, &county).await?))
}

/// One kind of the caller's county's records (a bundle table key: `training_classes`,
/// `licences`, `disbursements`, …), as the import bundle writes them. County staff only:
/// contractors read their own records through the workflow endpoints.
#[utoipa::path(get, path = "/api/v1/records/{kind}", params(("kind" = String, Path, description = "A bundle table key"), RecordsQuery), responses((status = 200, body = RecordsDto)))]
pub async fn records(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(kind): Path<String>,
    ApiQuery(q): ApiQuery<RecordsQuery>,
) -> ApiResult<Json<RecordsDto>> {
    let county = a
        .county_code
        .clone()
        .ok_or_else(|| ApiError::from(AppError::field("county_code", "请以某县用户的身份查询")))?;
    let page = bundle::export_kind(
        &s.app,
        &county,
        &kind,
        &bundle::KindFilter {
            project_id: q.project_id.as_deref(),
            id: q.id.as_deref(),
            offset: q.offset,
            limit: q.limit.unwrap_or(jianguan_app::records::MAX_PAGE),
        },
    )
    .await?;
    Ok(Json(RecordsDto {
        county,
        kind,
        records: page.items,
        total: page.total,
        offset: q.offset,
    }))
}
