//! 清查盘点 over JSON: counts begun, labels scanned (the phone's scanner calls this one
//! with the page's session), closed, and their discrepancies settled. The same use cases
//! as the `/assets/counts` pages.

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
use jianguan_app::inventory::{self as inv, CountFilter};
use jianguan_domain::inventory::{CountItem, Progress, Resolution};
use jianguan_store::entity::{inventory_count, inventory_scan};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub(crate) fn routes(r: Routes) -> Routes {
    r.api(ReadRecords, __path_list_counts, list_counts)
        .api(Count, __path_start_count, start_count)
        .api(ReadRecords, __path_get_count, get_count)
        .api(Count, __path_scan, scan)
        .api(Count, __path_close_count, close_count)
        .api(Count, __path_resolve, resolve)
        .api(Decide, __path_decide_write_off, decide_write_off)
        .api(Supervise, __path_propose_recovery, propose_recovery)
        .api(ReadRecords, __path_list_discrepancies, list_discrepancies)
        .api(Count, __path_correct_scan, correct_scan)
        .api_large(
            Count,
            super::PHOTO_LIMIT,
            __path_upload_scan_photo,
            upload_scan_photo,
        )
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressDto {
    /// Assets the count covers.
    pub expected: usize,
    /// Of them, scanned.
    pub done: usize,
    /// Labels scanned besides: other enterprises' or places' assets, unknown labels.
    pub besides: usize,
}

impl From<Progress> for ProgressDto {
    fn from(p: Progress) -> Self {
        ProgressDto {
            expected: p.expected,
            done: p.done,
            besides: p.besides,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResolutionDto {
    #[schema(value_type = super::codes::ResolutionKindCode)]
    pub kind: String,
    pub on: chrono::NaiveDate,
    /// Who, as the audit names people.
    pub by: String,
    pub note: String,
    /// The fund-recovery decision (or proposal) behind a recovery.
    pub sanction_id: Option<String>,
}

impl From<Resolution> for ResolutionDto {
    fn from(r: Resolution) -> Self {
        ResolutionDto {
            kind: r.kind.code().into(),
            on: r.on,
            by: r.by,
            note: r.note,
            sanction_id: r.sanction_id,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemDto {
    /// Its place in the count: what a resolution names.
    pub index: usize,
    pub asset_id: Option<String>,
    #[schema(value_type = super::codes::CountResultCode)]
    pub result: String,
    pub code: Option<String>,
    pub note: Option<String>,
    pub scan_id: Option<String>,
    /// A discrepancy not yet settled.
    pub open: bool,
    pub resolved_on: Option<chrono::NaiveDate>,
    /// A write-off or recovery waiting for the responsible person.
    pub pending: Option<ResolutionDto>,
    pub resolution: Option<ResolutionDto>,
}

fn item(index: usize, i: CountItem) -> ItemDto {
    ItemDto {
        index,
        open: i.is_open(),
        asset_id: i.asset_id,
        result: i.result.code().into(),
        code: i.code,
        note: i.note,
        scan_id: i.scan_id,
        resolved_on: i.resolved_on,
        pending: i.pending.map(Into::into),
        resolution: i.resolution.map(Into::into),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScanDto {
    pub id: String,
    pub count_id: String,
    /// The label's code as compared (normalised).
    pub code: String,
    pub asset_id: Option<String>,
    #[schema(value_type = super::codes::CountResultCode)]
    pub result: String,
    /// The result in words (在位, 损坏 …).
    pub result_label: String,
    pub note: Option<String>,
    pub scanned_by: String,
    pub scanned_at: chrono::DateTime<chrono::Utc>,
}

impl From<inventory_scan::Model> for ScanDto {
    fn from(s: inventory_scan::Model) -> Self {
        ScanDto {
            id: s.id,
            count_id: s.count_id,
            code: s.code,
            asset_id: s.asset_id,
            result_label: jianguan_domain::inventory::CountResult::parse(&s.result)
                .map_or("", |r| r.label())
                .into(),
            result: s.result,
            note: s.note,
            scanned_by: s.scanned_by,
            scanned_at: s.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InventoryCountDto {
    pub id: String,
    pub enterprise_id: String,
    pub project_id: Option<String>,
    pub township: Option<String>,
    pub village: Option<String>,
    /// `open` while labels are scanned, `closed` after.
    pub state: String,
    /// The day it closed (while open, the day it began).
    pub date: chrono::NaiveDate,
    pub started_on: Option<chrono::NaiveDate>,
    pub started_by: Option<String>,
    pub closed_by: Option<String>,
    /// Open discrepancies of a closed count.
    pub open_discrepancies: usize,
    /// One count: how far it has come.
    pub progress: Option<ProgressDto>,
    /// One closed count: its items.
    pub items: Option<Vec<ItemDto>>,
    /// One count: its scans, oldest first.
    pub scans: Option<Vec<ScanDto>>,
}

fn dto(c: &inventory_count::Model) -> ApiResult<InventoryCountDto> {
    let items = c.items_parsed().map_err(jianguan_app::AppError::from)?;
    Ok(InventoryCountDto {
        id: c.id.clone(),
        enterprise_id: c.enterprise_id.clone(),
        project_id: c.project_id.clone(),
        township: c.township.clone(),
        village: c.village.clone(),
        state: if c.is_open() { "open" } else { "closed" }.into(),
        date: c.date,
        started_on: c.started_on,
        started_by: c.started_by.clone(),
        closed_by: c.closed_by.clone(),
        open_discrepancies: items.iter().filter(|i| i.is_open()).count(),
        progress: None,
        items: None,
        scans: None,
    })
}

async fn full(
    s: &AppState,
    a: &jianguan_app::Actor,
    c: inventory_count::Model,
) -> ApiResult<InventoryCountDto> {
    let scans = inv::scans(&s.app, a, &c.id).await?;
    let mut d = dto(&c)?;
    d.progress = Some(inv::progress(&c, &scans).into());
    d.items = Some(
        c.items_parsed()
            .map_err(jianguan_app::AppError::from)?
            .into_iter()
            .enumerate()
            .map(|(n, i)| item(n, i))
            .collect(),
    );
    d.scans = Some(scans.into_iter().map(Into::into).collect());
    Ok(d)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CountQuery {
    pub enterprise_id: Option<String>,
    /// true: only counts still being scanned.
    #[serde(default)]
    pub open: bool,
    #[serde(default)]
    #[param(minimum = 0, maximum = 10000000)]
    pub offset: u64,
    /// At most 500; 50 when absent.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

/// The counts the caller may see (a contractor: its own), newest first.
#[utoipa::path(get, path = "/api/v1/asset-counts", params(CountQuery), responses((status = 200, body = Page<InventoryCountDto>), (status = 422, body = ErrorBody)))]
pub async fn list_counts(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiQuery(q): ApiQuery<CountQuery>,
) -> ApiResult<Json<Page<InventoryCountDto>>> {
    let f = CountFilter {
        enterprise_id: q.enterprise_id,
        open: q.open,
    };
    let found = inv::page(&s.app, &a, &f, q.offset, q.limit.unwrap_or(50).max(1)).await?;
    Ok(Json(Page {
        items: found.items.iter().map(dto).collect::<ApiResult<_>>()?,
        total: found.total,
        offset: q.offset,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartIn {
    /// Staff: the enterprise to count; a contractor counts its own (leave it out).
    #[serde(default)]
    pub enterprise_id: String,
    /// Only this project's assets.
    #[serde(default)]
    pub project_id: String,
    /// Only assets in this township (one of the county's).
    #[serde(default)]
    #[schema(max_length = 50)]
    pub township: String,
    #[serde(default)]
    #[schema(max_length = 50)]
    pub village: String,
}

/// Begins a count; the assets it covers are fixed now. The same scope already being
/// counted is answered with that count (200), not a second one.
#[utoipa::path(post, path = "/api/v1/asset-counts", request_body = StartIn, responses((status = 201, body = InventoryCountDto), (status = 200, body = InventoryCountDto), (status = 422, body = ErrorBody)))]
pub async fn start_count(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiJson(b): ApiJson<StartIn>,
) -> ApiResult<(StatusCode, Json<InventoryCountDto>)> {
    let input = inv::StartInput {
        enterprise_id: b.enterprise_id,
        project_id: b.project_id,
        township: b.township,
        village: b.village,
    };
    let started = inv::start(&s.app, &a, &input).await?;
    let status = if started.existing {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(full(&s, &a, started.count).await?)))
}

/// One count with its progress, items and scans.
#[utoipa::path(get, path = "/api/v1/asset-counts/{id}", params(("id" = String, Path)), responses((status = 200, body = InventoryCountDto), (status = 404, body = ErrorBody)))]
pub async fn get_count(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<InventoryCountDto>> {
    let c = inv::get(&s.app, &a, &id).await?;
    Ok(Json(full(&s, &a, c).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanIn {
    /// What the label's QR code says, or the tag typed.
    #[schema(min_length = 1, max_length = 200)]
    pub code: String,
    /// present when left out; a label outside the count is recorded as what it is.
    #[serde(default)]
    #[schema(value_type = Option<super::codes::ScanResultCode>)]
    pub result: String,
    /// Required for damaged and relocated.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScanOutDto {
    pub scan: ScanDto,
    /// Scanned before: the earlier entry stands and nothing was written (200).
    pub again: bool,
    /// The asset's name, when the caller may see it.
    pub asset_name: Option<String>,
    /// What the label is, in words for the person scanning.
    pub message: String,
    pub progress: ProgressDto,
}

/// Records a label scanned in an open count: 201 for a new entry, 200 when the label was
/// scanned before (a warning, nothing written).
#[utoipa::path(post, path = "/api/v1/asset-counts/{id}/scans", params(("id" = String, Path)), request_body = ScanIn, responses((status = 201, body = ScanOutDto), (status = 200, body = ScanOutDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn scan(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ScanIn>,
) -> ApiResult<(StatusCode, Json<ScanOutDto>)> {
    let input = inv::ScanInput {
        code: b.code,
        result: b.result,
        note: b.note,
    };
    let o = inv::scan(&s.app, &a, &id, &input).await?;
    let status = if o.again {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        Json(ScanOutDto {
            again: o.again,
            asset_name: o.asset.map(|x| x.name),
            message: o.message,
            progress: o.progress.into(),
            scan: o.scan.into(),
        }),
    ))
}

/// Closes an open count: every asset nobody scanned becomes missing; discrepancies open.
#[utoipa::path(post, path = "/api/v1/asset-counts/{id}/close", params(("id" = String, Path)), responses((status = 200, body = InventoryCountDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn close_count(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<InventoryCountDto>> {
    let c = inv::close(&s.app, &a, &id).await?;
    Ok(Json(full(&s, &a, c).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveIn {
    /// The item's index in the count.
    #[schema(minimum = 0, maximum = 10000)]
    pub item: usize,
    /// written_off is a request the responsible person decides.
    #[schema(value_type = super::codes::ResolveKindCode)]
    pub kind: String,
    /// Required but for found.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub note: String,
    /// Found: the label scanned again.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub code: String,
}

/// Settles a discrepancy (found, repaired, explained) or asks for its write-off.
#[utoipa::path(post, path = "/api/v1/asset-counts/{id}/resolve", params(("id" = String, Path)), request_body = ResolveIn, responses((status = 200, body = InventoryCountDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn resolve(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ResolveIn>,
) -> ApiResult<Json<InventoryCountDto>> {
    let input = inv::ResolveInput {
        item: b.item,
        kind: b.kind,
        note: b.note,
        code: b.code,
    };
    let c = inv::resolve(&s.app, &a, &id, &input).await?;
    Ok(Json(full(&s, &a, c).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WriteOffIn {
    #[schema(minimum = 0, maximum = 10000)]
    pub item: usize,
    pub approve: bool,
    /// Required when not approving.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub note: String,
}

/// The responsible person approves a write-off (the asset is disposed of with approval)
/// or declines it.
#[utoipa::path(post, path = "/api/v1/asset-counts/{id}/write-off", params(("id" = String, Path)), request_body = WriteOffIn, responses((status = 200, body = InventoryCountDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn decide_write_off(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<WriteOffIn>,
) -> ApiResult<Json<InventoryCountDto>> {
    let c = inv::decide_write_off(&s.app, &a, &id, b.item, b.approve, &b.note).await?;
    Ok(Json(full(&s, &a, c).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoverIn {
    #[schema(minimum = 0, maximum = 10000)]
    pub item: usize,
    /// 元, e.g. "3200.00".
    #[schema(min_length = 1, max_length = 30)]
    pub amount: String,
    /// YYYY-MM-DD, today or later.
    #[schema(format = Date)]
    pub deadline: String,
    /// The facts; left out, they are written from the discrepancy.
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub facts: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalDto {
    /// The fund-recovery proposal, waiting for the responsible person.
    pub sanction_id: String,
}

/// Proposes recovering a missing or damaged asset's value from the contractor.
#[utoipa::path(post, path = "/api/v1/asset-counts/{id}/recover", params(("id" = String, Path)), request_body = RecoverIn, responses((status = 201, body = ProposalDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn propose_recovery(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<RecoverIn>,
) -> ApiResult<(StatusCode, Json<ProposalDto>)> {
    let input = inv::RecoverInput {
        item: b.item,
        amount: b.amount,
        deadline: b.deadline,
        facts: b.facts,
    };
    let m = inv::propose_recovery(&s.app, &a, &id, &input).await?;
    Ok((StatusCode::CREATED, Json(ProposalDto { sanction_id: m.id })))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DiscrepancyDto {
    pub count_id: String,
    pub enterprise_id: String,
    /// The day the count closed.
    pub date: chrono::NaiveDate,
    pub item: ItemDto,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DiscrepancyQuery {
    pub enterprise_id: Option<String>,
    /// true: settled ones too.
    #[serde(default)]
    pub all: bool,
}

/// The discrepancies of the counts the caller may see, newest count first (at most 2,000).
#[utoipa::path(get, path = "/api/v1/asset-discrepancies", params(DiscrepancyQuery), responses((status = 200, body = Vec<DiscrepancyDto>)))]
pub async fn list_discrepancies(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiQuery(q): ApiQuery<DiscrepancyQuery>,
) -> ApiResult<Json<Vec<DiscrepancyDto>>> {
    let found = inv::discrepancies(&s.app, &a, q.enterprise_id.as_deref(), !q.all, 2_000).await?;
    Ok(Json(
        found
            .into_iter()
            .map(|d| DiscrepancyDto {
                count_id: d.count.id,
                enterprise_id: d.count.enterprise_id,
                date: d.count.date,
                item: item(d.index, d.item),
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectIn {
    #[schema(value_type = super::codes::ScanResultCode)]
    pub result: String,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
}

/// Corrects what a scan of an open count recorded (present, damaged, relocated).
#[utoipa::path(put, path = "/api/v1/asset-scans/{id}", params(("id" = String, Path)), request_body = CorrectIn, responses((status = 200, body = ScanDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn correct_scan(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<CorrectIn>,
) -> ApiResult<Json<ScanDto>> {
    let m = inv::correct_scan(&s.app, &a, &id, &b.result, &b.note).await?;
    Ok(Json(m.into()))
}

/// Adds a photo to a scan (a damaged asset, an unknown label): the body is the image
/// itself (JPEG, PNG or WebP, at most 15 MB).
#[utoipa::path(post, path = "/api/v1/asset-scans/{id}/photos", params(("id" = String, Path), PhotoQuery), request_body(content = Vec<u8>, content_type = "image/jpeg"), responses((status = 201, body = PhotoDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn upload_scan_photo(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PhotoQuery>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<PhotoDto>)> {
    inv::scan_of(&s.app, &a, &id).await?;
    let p = save_photo(&s, &a, "inventory_scan", &id, q, body).await?;
    Ok((StatusCode::CREATED, Json(p.try_into()?)))
}
