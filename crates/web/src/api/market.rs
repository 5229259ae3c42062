//! 市场秩序问题 over JSON: list, raise, read with photos and orders, add photos, close.
//! The same use cases as the `/market` pages.

use super::dto::{ErrorBody, Page};
use super::extract::{ApiJson, ApiQuery};
use super::inspections::{PhotoDto, PhotoQuery, save_photo};
use crate::AppState;
use crate::auth::Auth;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jianguan_app::AppError;
use jianguan_app::market::{self as mk, MarketFilter, MarketInput};
use jianguan_domain::FieldErrors;
use jianguan_domain::rules::facts::MarketCategory;
use jianguan_store::entity::market_finding as market;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiResult;
use crate::routes::Routes;
use jianguan_app::Permission::*;

pub(crate) fn routes(r: Routes) -> Routes {
    r.api(ReadRecords, __path_list_market, list_market)
        .api(Supervise, __path_create_market, create_market)
        .api(ReadRecords, __path_get_market, get_market)
        .api_large(
            Supervise,
            super::PHOTO_LIMIT,
            __path_upload_market_photo,
            upload_market_photo,
        )
        .api(Decide, __path_close_market, close_market)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarketIn {
    /// The project the problem was found in; its enterprise is the one concerned.
    pub project_id: String,
    #[schema(value_type = super::codes::MarketCategoryCode)]
    pub category: String,
    /// 发现日期, YYYY-MM-DD, today or before.
    #[schema(format = Date)]
    pub raised_on: String,
    /// 涉及商品: names, brands, batches.
    #[schema(min_length = 1, max_length = 2000)]
    pub products: String,
    /// 问题情况.
    #[schema(min_length = 1, max_length = 5000)]
    pub description: String,
    /// `inspection:ID` of the finalised inspection it was found in.
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MarketDto {
    pub id: String,
    pub enterprise_id: String,
    pub project_id: Option<String>,
    #[schema(value_type = super::codes::MarketCategoryCode)]
    pub category: String,
    pub raised_on: chrono::NaiveDate,
    /// Set once closed, by an accepted rectification or the responsible person.
    pub closed_on: Option<chrono::NaiveDate>,
    pub description: String,
    pub products: Option<String>,
    pub source: Option<String>,
    pub raised_by: Option<String>,
    pub closed_by: Option<String>,
    pub close_reason: Option<String>,
    /// On a single problem: its photos.
    pub photos: Option<Vec<PhotoDto>>,
    /// On a single problem: the ids of the rectification orders issued for it.
    pub order_ids: Option<Vec<String>>,
}

impl From<market::Model> for MarketDto {
    fn from(m: market::Model) -> Self {
        MarketDto {
            id: m.id,
            enterprise_id: m.enterprise_id,
            project_id: m.project_id,
            category: m.category,
            raised_on: m.raised_on,
            closed_on: m.closed_on,
            description: m.description,
            products: m.products,
            source: m.source,
            raised_by: m.raised_by,
            closed_by: m.closed_by,
            close_reason: m.close_reason,
            photos: None,
            order_ids: None,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MarketQuery {
    /// true: open only; false: closed only; absent: both.
    pub open: Option<bool>,
    #[param(value_type = Option<super::codes::MarketCategoryCode>, inline)]
    pub category: Option<String>,
    pub project_id: Option<String>,
    #[serde(default)]
    #[param(minimum = 0, maximum = 10000000)]
    pub offset: u64,
    /// At most 500; 50 when absent.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

/// The problems the caller may see (a contractor: its own), the newest first.
#[utoipa::path(get, path = "/api/v1/market", params(MarketQuery), responses((status = 200, body = Page<MarketDto>)))]
pub async fn list_market(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiQuery(q): ApiQuery<MarketQuery>,
) -> ApiResult<Json<Page<MarketDto>>> {
    let category = match q.category.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) => Some(
            MarketCategory::parse(c)
                .ok_or_else(|| AppError::field("category", "没有这种问题类别"))?,
        ),
    };
    let limit = q.limit.unwrap_or(50).max(1);
    jianguan_app::records::check_page(q.offset, limit)?;
    let f = MarketFilter {
        open: q.open,
        category,
        project_id: q.project_id,
    };
    let found = mk::page(&s.app, &a, &f, q.offset, limit).await?;
    Ok(Json(Page {
        items: found.items.into_iter().map(Into::into).collect(),
        total: found.total,
        offset: q.offset,
    }))
}

async fn full(s: &AppState, a: &jianguan_app::Actor, m: market::Model) -> ApiResult<MarketDto> {
    let photos = jianguan_app::evidence::photos(&s.app, "market_finding", &m.id).await?;
    let orders = mk::orders(&s.app, a, &m).await?;
    let mut dto = MarketDto::from(m);
    dto.photos = Some(
        photos
            .into_iter()
            .map(PhotoDto::try_from)
            .collect::<Result<_, _>>()?,
    );
    dto.order_ids = Some(orders.into_iter().map(|o| o.id).collect());
    Ok(dto)
}

/// Raises a problem, by hand or from a finalised inspection (`source`).
#[utoipa::path(post, path = "/api/v1/market", request_body = MarketIn, responses((status = 201, body = MarketDto), (status = 422, body = ErrorBody)))]
pub async fn create_market(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiJson(b): ApiJson<MarketIn>,
) -> ApiResult<(StatusCode, Json<MarketDto>)> {
    let input = MarketInput {
        project_id: b.project_id,
        category: b.category,
        raised_on: b.raised_on,
        products: b.products,
        description: b.description,
        source: b.source,
    };
    let m = mk::raise(&s.app, &a, &input, FieldErrors::new()).await?;
    Ok((StatusCode::CREATED, Json(full(&s, &a, m).await?)))
}

/// One problem with its photos and the orders issued for it.
#[utoipa::path(get, path = "/api/v1/market/{id}", params(("id" = String, Path)), responses((status = 200, body = MarketDto), (status = 404, body = ErrorBody)))]
pub async fn get_market(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<MarketDto>> {
    let m = mk::get(&s.app, &a, &id).await?;
    Ok(Json(full(&s, &a, m).await?))
}

/// Adds a photo of the problem: the body is the image itself (JPEG, PNG or WebP, at most 15 MB).
#[utoipa::path(post, path = "/api/v1/market/{id}/photos", params(("id" = String, Path), PhotoQuery), request_body(content = Vec<u8>, content_type = "image/jpeg"), responses((status = 201, body = PhotoDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn upload_market_photo(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PhotoQuery>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<PhotoDto>)> {
    mk::get(&s.app, &a, &id).await?;
    let p = save_photo(&s, &a, "market_finding", &id, q, body).await?;
    Ok((StatusCode::CREATED, Json(p.try_into()?)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseIn {
    /// 处理决定 (required).
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// The responsible person closes the problem with the decision taken.
#[utoipa::path(post, path = "/api/v1/market/{id}/close", params(("id" = String, Path)), request_body = CloseIn, responses((status = 200, body = MarketDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn close_market(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<CloseIn>,
) -> ApiResult<Json<MarketDto>> {
    let m = mk::close(&s.app, &a, &id, &b.reason).await?;
    Ok(Json(full(&s, &a, m).await?))
}
