//! 资产 over JSON: the ledger (list with filters, a line, entered and changed by the
//! contractor), photos, tags issued in batches and bound to an asset. The same use cases as
//! the `/assets` pages.

use super::ApiResult;
use super::dto::{ErrorBody, Page};
use super::extract::{ApiJson, ApiQuery};
use super::inspections::{PhotoDto, PhotoQuery, save_photo};
use crate::AppState;
use crate::auth::Auth;
use crate::routes::Routes;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jianguan_app::Permission::*;
use jianguan_app::assets::{self as am, AssetFilter};
use jianguan_domain::FieldErrors;
use jianguan_domain::asset::{AssetInput, net_value_fen};
use jianguan_store::entity::{asset, asset_tag, asset_transfer};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub(crate) fn routes(r: Routes) -> Routes {
    r.api(ReadRecords, __path_list_assets, list_assets)
        .api(HandIn, __path_create_asset, create_asset)
        .api(ReadRecords, __path_get_asset, get_asset)
        .api(HandIn, __path_update_asset, update_asset)
        .api_large(
            HandIn,
            super::PHOTO_LIMIT,
            __path_upload_asset_photo,
            upload_asset_photo,
        )
        .api(HandIn, __path_issue_tags, issue_tags)
        .api(ReadRecords, __path_list_tags, list_tags)
        .api(HandIn, __path_bind_tag, bind_tag)
        .api(HandIn, __path_transfer_asset, transfer_asset)
        .api(ReadRecords, __path_list_transfers, list_transfers)
        .api(Supervise, __path_hand_over_asset, hand_over_asset)
        .api(Supervise, __path_hand_over_project, hand_over_project)
        .api(Decide, __path_renew_asset, renew_asset)
}

/// A ledger line as sent: the contractor's own project; amounts in 分.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssetIn {
    pub project_id: String,
    #[schema(value_type = super::codes::AssetKindCode)]
    pub asset_kind: String,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// A category code of the profile (`assets.categories`), e.g. `electronic`.
    pub category: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub model_spec: String,
    #[schema(minimum = 1, maximum = 100000)]
    pub quantity: i64,
    #[serde(default)]
    #[schema(max_length = 10)]
    pub unit: String,
    /// 原值, in 分.
    #[schema(minimum = 0, maximum = 10000000000000_i64)]
    pub value_fen: i64,
    /// 购置日期, YYYY-MM-DD, today or before.
    #[schema(format = Date)]
    pub purchase_date: String,
    #[serde(default)]
    #[schema(max_length = 60)]
    pub invoice: String,
    /// Bought with central funds (then the government owns it).
    #[serde(default)]
    pub central_funds: bool,
    #[serde(default)]
    pub township: String,
    #[serde(default)]
    #[schema(max_length = 50)]
    pub village: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub address: String,
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
    #[serde(default)]
    #[schema(max_length = 50)]
    pub custodian: String,
    #[schema(value_type = super::codes::AssetStatusCode)]
    pub status: String,
}

impl AssetIn {
    fn input(self) -> AssetInput {
        AssetInput {
            project_id: self.project_id,
            asset_kind: self.asset_kind,
            name: self.name,
            category: self.category,
            model_spec: self.model_spec,
            quantity: Some(self.quantity),
            unit: self.unit,
            value_fen: Some(self.value_fen),
            purchase_date: self.purchase_date,
            invoice: self.invoice,
            central_funds: self.central_funds,
            township: self.township,
            village: self.village,
            address: self.address,
            latitude: self.latitude,
            longitude: self.longitude,
            custodian: self.custodian,
            status: self.status,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssetDto {
    pub id: String,
    pub enterprise_id: String,
    pub project_id: String,
    pub tag: Option<String>,
    pub asset_kind: String,
    pub name: String,
    pub category: Option<String>,
    pub model_spec: Option<String>,
    pub quantity: i64,
    pub unit: Option<String>,
    pub value_fen: i64,
    /// 账面净值 today (straight-line over the category's life); absent when the category
    /// is not one of the profile's.
    pub net_value_fen: Option<i64>,
    pub purchase_date: chrono::NaiveDate,
    pub invoice: Option<String>,
    pub central_funds: bool,
    /// 政府所有 for central-funds assets, 企业自有 otherwise; not editable.
    pub owner: String,
    pub township: Option<String>,
    pub village: Option<String>,
    pub address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub custodian: Option<String>,
    pub status: String,
    pub handed_over_on: Option<chrono::NaiveDate>,
    /// Who received it when it was handed over.
    pub handed_over_to: Option<String>,
    pub renewed_until: Option<chrono::NaiveDate>,
    /// The decision behind the renewal.
    pub renewal_basis: Option<String>,
    /// On a single asset: its photos.
    pub photos: Option<Vec<PhotoDto>>,
}

fn dto(s: &AppState, m: asset::Model) -> AssetDto {
    let net = m
        .category
        .as_deref()
        .and_then(|c| s.app.profile.assets.category(c))
        .map(|c| net_value_fen(m.value_fen, m.purchase_date, c.life_years, s.app.today()));
    AssetDto {
        owner: if m.central_funds {
            "政府所有"
        } else {
            "企业自有"
        }
        .into(),
        status: m.status.unwrap_or_else(|| "in_use".into()),
        quantity: m.quantity.unwrap_or(1),
        net_value_fen: net,
        id: m.id,
        enterprise_id: m.enterprise_id,
        project_id: m.project_id,
        tag: m.tag,
        asset_kind: m.asset_kind,
        name: m.name,
        category: m.category,
        model_spec: m.model_spec,
        unit: m.unit,
        value_fen: m.value_fen,
        purchase_date: m.purchase_date,
        invoice: m.invoice,
        central_funds: m.central_funds,
        township: m.township,
        village: m.village,
        address: m.location,
        latitude: m.latitude,
        longitude: m.longitude,
        custodian: m.custodian,
        handed_over_on: m.handed_over_on,
        handed_over_to: m.handed_over_to,
        renewed_until: m.renewed_until,
        renewal_basis: m.renewal_basis,
        photos: None,
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AssetQuery {
    pub enterprise_id: Option<String>,
    pub project_id: Option<String>,
    pub category: Option<String>,
    #[param(value_type = Option<super::codes::AssetStatusCode>, inline)]
    pub status: Option<String>,
    /// true: only central-funds assets without a tag.
    #[serde(default)]
    pub untagged: bool,
    #[serde(default)]
    #[param(minimum = 0, maximum = 10000000)]
    pub offset: u64,
    /// At most 500; 50 when absent.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

/// The ledger the caller may see (a contractor: its own), by project and name.
#[utoipa::path(get, path = "/api/v1/assets", params(AssetQuery), responses((status = 200, body = Page<AssetDto>), (status = 422, body = ErrorBody)))]
pub async fn list_assets(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiQuery(q): ApiQuery<AssetQuery>,
) -> ApiResult<Json<Page<AssetDto>>> {
    let limit = q.limit.unwrap_or(50).max(1);
    let f = AssetFilter {
        enterprise_id: q.enterprise_id,
        project_id: q.project_id,
        category: q.category,
        status: q.status,
        untagged: q.untagged,
    };
    let found = am::page(&s.app, &a, &f, q.offset, limit).await?;
    Ok(Json(Page {
        items: found.items.into_iter().map(|m| dto(&s, m)).collect(),
        total: found.total,
        offset: q.offset,
    }))
}

async fn full(s: &AppState, m: asset::Model) -> ApiResult<AssetDto> {
    let photos = jianguan_app::evidence::photos(&s.app, "asset", &m.id).await?;
    let mut d = dto(s, m);
    d.photos = Some(
        photos
            .into_iter()
            .map(PhotoDto::try_from)
            .collect::<Result<_, _>>()?,
    );
    Ok(d)
}

/// Enters a ledger line for one of the contractor's own projects.
#[utoipa::path(post, path = "/api/v1/assets", request_body = AssetIn, responses((status = 201, body = AssetDto), (status = 422, body = ErrorBody)))]
pub async fn create_asset(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiJson(b): ApiJson<AssetIn>,
) -> ApiResult<(StatusCode, Json<AssetDto>)> {
    let m = am::create(&s.app, &a, &b.input(), FieldErrors::new()).await?;
    Ok((StatusCode::CREATED, Json(full(&s, m).await?)))
}

/// One ledger line with its photos.
#[utoipa::path(get, path = "/api/v1/assets/{id}", params(("id" = String, Path)), responses((status = 200, body = AssetDto), (status = 404, body = ErrorBody)))]
pub async fn get_asset(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<AssetDto>> {
    let m = am::get(&s.app, &a, &id).await?;
    Ok(Json(full(&s, m).await?))
}

/// Changes a ledger line: a new version, the old one kept in its history.
#[utoipa::path(put, path = "/api/v1/assets/{id}", params(("id" = String, Path)), request_body = AssetIn, responses((status = 200, body = AssetDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_asset(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<AssetIn>,
) -> ApiResult<Json<AssetDto>> {
    let m = am::update(&s.app, &a, &id, &b.input(), FieldErrors::new()).await?;
    Ok(Json(full(&s, m).await?))
}

/// Adds a photo of the asset: the body is the image itself (JPEG, PNG or WebP, at most 15 MB).
#[utoipa::path(post, path = "/api/v1/assets/{id}/photos", params(("id" = String, Path), PhotoQuery), request_body(content = Vec<u8>, content_type = "image/jpeg"), responses((status = 201, body = PhotoDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn upload_asset_photo(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PhotoQuery>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<PhotoDto>)> {
    am::get(&s.app, &a, &id).await?;
    let p = save_photo(&s, &a, "asset", &id, q, body).await?;
    Ok((StatusCode::CREATED, Json(p.try_into()?)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TagDto {
    /// The tag as printed, e.g. `JG-141122-00001`.
    pub tag: String,
    pub seq: i64,
    /// The batch it was issued in (its first tag).
    pub batch: String,
    pub issued_on: chrono::NaiveDate,
    pub asset_id: Option<String>,
    pub bound_on: Option<chrono::NaiveDate>,
}

impl From<asset_tag::Model> for TagDto {
    fn from(t: asset_tag::Model) -> Self {
        TagDto {
            tag: t.id,
            seq: t.seq,
            batch: t.batch,
            issued_on: t.issued_on,
            asset_id: t.asset_id,
            bound_on: t.bound_on,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueIn {
    /// How many tags, 1 to 500.
    #[schema(minimum = 1, maximum = 500)]
    pub count: i64,
}

/// Issues the county's next tag numbers to the contractor's enterprise: no gaps, no repeats,
/// however many people issue at once.
#[utoipa::path(post, path = "/api/v1/assets/tags", request_body = IssueIn, responses((status = 201, body = Vec<TagDto>), (status = 422, body = ErrorBody)))]
pub async fn issue_tags(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiJson(b): ApiJson<IssueIn>,
) -> ApiResult<(StatusCode, Json<Vec<TagDto>>)> {
    let t = am::issue_tags(&s.app, &a, Some(b.count)).await?;
    Ok((
        StatusCode::CREATED,
        Json(t.into_iter().map(Into::into).collect()),
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TagQuery {
    /// One batch (its first tag).
    pub batch: Option<String>,
    /// true: only tags not yet on an asset.
    #[serde(default)]
    pub unbound: bool,
}

/// The tags the caller may see, in number order (at most 5,000).
#[utoipa::path(get, path = "/api/v1/assets/tags", params(TagQuery), responses((status = 200, body = Vec<TagDto>)))]
pub async fn list_tags(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiQuery(q): ApiQuery<TagQuery>,
) -> ApiResult<Json<Vec<TagDto>>> {
    let t = am::tags(&s.app, &a, q.batch.as_deref(), q.unbound, 5_000).await?;
    Ok(Json(t.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BindIn {
    /// The tag printed on the label, e.g. `JG-141122-00001`.
    #[schema(min_length = 1, max_length = 40)]
    pub tag: String,
}

/// Binds a printed tag to the asset.
#[utoipa::path(post, path = "/api/v1/assets/{id}/tag", params(("id" = String, Path)), request_body = BindIn, responses((status = 200, body = AssetDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn bind_tag(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<BindIn>,
) -> ApiResult<Json<AssetDto>> {
    let m = am::bind_tag(&s.app, &a, &id, &b.tag).await?;
    Ok(Json(full(&s, m).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferIn {
    /// 交接日期, YYYY-MM-DD, not in the future.
    #[schema(format = Date)]
    pub date: String,
    /// 接收人.
    #[schema(min_length = 1, max_length = 50)]
    pub to_custodian: String,
    /// 新存放地点, when it moves.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub to_place: String,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TransferDto {
    pub id: String,
    pub asset_id: String,
    pub date: chrono::NaiveDate,
    /// 交出人: the custodian before.
    pub from_custodian: Option<String>,
    pub to_custodian: String,
    pub from_place: Option<String>,
    pub to_place: Option<String>,
    pub note: Option<String>,
    pub recorded_by: String,
}

impl From<asset_transfer::Model> for TransferDto {
    fn from(t: asset_transfer::Model) -> Self {
        TransferDto {
            id: t.id,
            asset_id: t.asset_id,
            date: t.date,
            from_custodian: t.from_custodian,
            to_custodian: t.to_custodian,
            from_place: t.from_place,
            to_place: t.to_place,
            note: t.note,
            recorded_by: t.recorded_by,
        }
    }
}

/// Records who keeps the asset now (both parties named); the ledger line changes and goes
/// for review.
#[utoipa::path(post, path = "/api/v1/assets/{id}/transfers", params(("id" = String, Path)), request_body = TransferIn, responses((status = 201, body = TransferDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn transfer_asset(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<TransferIn>,
) -> ApiResult<(StatusCode, Json<TransferDto>)> {
    let input = am::TransferInput {
        date: b.date,
        to_custodian: b.to_custodian,
        to_place: b.to_place,
        note: b.note,
    };
    let t = am::transfer(&s.app, &a, &id, &input).await?;
    Ok((StatusCode::CREATED, Json(t.into())))
}

/// The asset's custodian transfers, newest first.
#[utoipa::path(get, path = "/api/v1/assets/{id}/transfers", params(("id" = String, Path)), responses((status = 200, body = Vec<TransferDto>), (status = 404, body = ErrorBody)))]
pub async fn list_transfers(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<TransferDto>>> {
    am::get(&s.app, &a, &id).await?;
    let t = am::transfers(&s.app, &a, &id).await?;
    Ok(Json(t.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandoverIn {
    /// 移交日期, YYYY-MM-DD, not in the future.
    #[schema(format = Date)]
    pub date: String,
    /// 接收单位或接收人.
    #[schema(min_length = 1, max_length = 100)]
    pub to: String,
    /// The hand-over document, when there is one.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
}

impl HandoverIn {
    fn input(self) -> am::HandoverInput {
        am::HandoverInput {
            date: self.date,
            to: self.to,
            note: self.note,
        }
    }
}

/// The supervision group records the asset handed over at the end of the service period.
#[utoipa::path(post, path = "/api/v1/assets/{id}/handover", params(("id" = String, Path)), request_body = HandoverIn, responses((status = 200, body = AssetDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn hand_over_asset(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<HandoverIn>,
) -> ApiResult<Json<AssetDto>> {
    let m = am::hand_over(&s.app, &a, &id, &b.input()).await?;
    Ok(Json(full(&s, m).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HandedOverDto {
    /// How many of the project's central-funds assets were handed over.
    pub handed_over: usize,
}

/// Every central-funds asset of the project still in the contractor's hands handed over
/// at once.
#[utoipa::path(post, path = "/api/v1/projects/{id}/asset-handover", params(("id" = String, Path)), request_body = HandoverIn, responses((status = 200, body = HandedOverDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn hand_over_project(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<HandoverIn>,
) -> ApiResult<Json<HandedOverDto>> {
    let n = am::hand_over_project(&s.app, &a, &id, &b.input()).await?;
    Ok(Json(HandedOverDto { handed_over: n }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenewalIn {
    /// 续用至, YYYY-MM-DD: today or later, at most ten years on.
    #[schema(format = Date)]
    pub until: String,
    /// The decision it rests on (document number or meeting minutes).
    #[schema(min_length = 1, max_length = 500)]
    pub basis: String,
}

/// The responsible person decides the contractor keeps using the asset through a day.
#[utoipa::path(post, path = "/api/v1/assets/{id}/renewal", params(("id" = String, Path)), request_body = RenewalIn, responses((status = 200, body = AssetDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn renew_asset(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<RenewalIn>,
) -> ApiResult<Json<AssetDto>> {
    let input = am::RenewalInput {
        until: b.until,
        basis: b.basis,
    };
    let m = am::renew(&s.app, &a, &id, &input).await?;
    Ok(Json(full(&s, m).await?))
}
