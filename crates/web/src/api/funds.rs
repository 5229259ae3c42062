//! 资金 over JSON: the figures, subsidy claims (hand-in, staff entry, review, invoice
//! scans), decisions on suspected duplicates, and disbursements with their two-person
//! confirmation. The same use cases as the `/funds` pages.

use super::ApiResult;
use super::dto::{ErrorBody, Page, VoidIn};
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
use jianguan_app::funds::{self, ClaimFilter, ClaimVerdict, DisbursementInput};
use jianguan_app::{Actor, Role};
use jianguan_domain::FieldErrors;
use jianguan_domain::claim::{ClaimInput, InvoiceInput};
use jianguan_domain::ledger::Balances;
use jianguan_store::entity::{disbursement, subsidy_claim};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub(crate) fn routes(r: Routes) -> Routes {
    r.api(ReadRecords, __path_funds_overview, funds_overview)
        .api(ReadRecords, __path_list_claims, list_claims)
        .api(HandIn, __path_hand_in_claim, hand_in_claim)
        .api(EditRecords, __path_enter_claim, enter_claim)
        .api(ReadRecords, __path_get_claim, get_claim)
        .api_large(
            HandIn,
            super::PHOTO_LIMIT,
            __path_upload_claim_scan,
            upload_claim_scan,
        )
        .api(Supervise, __path_review_claim, review_claim)
        .api(Supervise, __path_decide_duplicate, decide_duplicate)
        .api(ReadRecords, __path_list_disbursements, list_disbursements)
        .api(EditRecords, __path_record_disbursement, record_disbursement)
        .api(
            EditRecords,
            __path_confirm_disbursement,
            confirm_disbursement,
        )
        .api_large(
            EditRecords,
            super::PHOTO_LIMIT,
            __path_upload_disbursement_document,
            upload_disbursement_document,
        )
        .api(ReadRecords, __path_list_recoveries, list_recoveries)
        .api(EditRecords, __path_void_disbursement, void_disbursement)
        .api(EditRecords, __path_void_claim, void_claim)
}

// ------------------------------------------------------------------ figures

#[derive(Debug, Serialize, ToSchema)]
pub struct FiguresDto {
    /// 中央财政资金 given to the project(s), in 分.
    pub allocated_fen: i64,
    /// Confirmed disbursements only.
    pub disbursed_fen: i64,
    pub claimed_fen: i64,
    pub approved_fen: i64,
    pub recovery_ordered_fen: i64,
    pub repaid_fen: i64,
    pub outstanding_recovery_fen: i64,
    /// allocated − (disbursed − repaid); negative when paid beyond the allocation.
    pub balance_fen: i64,
}

fn figures(b: &Balances, claimed_fen: i64) -> FiguresDto {
    FiguresDto {
        allocated_fen: b.allocated_fen,
        disbursed_fen: b.disbursed_fen,
        claimed_fen,
        approved_fen: b.approved_fen,
        recovery_ordered_fen: b.recovery_ordered_fen,
        repaid_fen: b.repaid_fen,
        outstanding_recovery_fen: b.outstanding_recovery_fen(),
        balance_fen: b.balance_fen(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectFundsDto {
    pub project_id: String,
    pub name: String,
    pub figures: FiguresDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProgrammeFundsDto {
    pub programme_id: String,
    pub name: String,
    /// The programme's central-funds budget; absent for a contractor.
    pub budget_fen: Option<i64>,
    pub unallocated_fen: Option<i64>,
    pub totals: FiguresDto,
    pub projects: Vec<ProjectFundsDto>,
    /// Records the ledger could not take (beyond the budget, repaid beyond what is owed).
    pub problems: Vec<String>,
}

/// The money of each programme the caller may see, from the funds ledger.
#[utoipa::path(get, path = "/api/v1/funds", responses((status = 200, body = Vec<ProgrammeFundsDto>)))]
pub async fn funds_overview(
    State(s): State<AppState>,
    Auth(a, _): Auth,
) -> ApiResult<Json<Vec<ProgrammeFundsDto>>> {
    let contractor = a.role == Role::Contractor;
    let out = funds::overview(&s.app, &a)
        .await?
        .into_iter()
        .map(|p| ProgrammeFundsDto {
            budget_fen: (!contractor).then_some(p.budget_fen),
            unallocated_fen: (!contractor).then(|| p.ledger.unallocated_fen()),
            totals: figures(&p.ledger.totals(), p.claimed_fen),
            projects: p
                .projects
                .iter()
                .map(|f| ProjectFundsDto {
                    project_id: f.project.id.clone(),
                    name: f.project.name.clone(),
                    figures: figures(&f.balances, f.claimed_fen),
                })
                .collect(),
            problems: p.problems,
            programme_id: p.programme.id,
            name: p.programme.name,
        })
        .collect();
    Ok(Json(out))
}

// ------------------------------------------------------------------ claims

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceIn {
    /// 发票代码 (absent on fully digital invoices).
    #[serde(default)]
    #[schema(max_length = 20)]
    pub code: String,
    #[schema(min_length = 1, max_length = 30)]
    pub number: String,
    /// 开票日期, YYYY-MM-DD, today or before.
    #[schema(format = Date)]
    pub date: String,
    #[schema(min_length = 1, max_length = 100)]
    pub seller: String,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub buyer: String,
    /// 金额 without tax, in 分.
    #[schema(minimum = 1, maximum = 10000000000000i64)]
    pub amount_fen: i64,
    /// 税额, in 分.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10000000000000i64)]
    pub tax_fen: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimIn {
    pub project_id: String,
    /// 申请金额, in 分.
    #[schema(minimum = 1, maximum = 10000000000000i64)]
    pub amount_fen: i64,
    /// 资金用途.
    #[schema(min_length = 1, max_length = 500)]
    pub purpose: String,
    /// 1 to 100 invoices.
    pub invoices: Vec<InvoiceIn>,
    /// The enterprise agrees to the declaration shown on the form (required: true).
    pub declared: bool,
}

impl ClaimIn {
    fn into_input(self) -> ClaimInput {
        ClaimInput {
            project_id: self.project_id,
            amount_fen: Some(self.amount_fen),
            purpose: self.purpose,
            invoices: self
                .invoices
                .into_iter()
                .map(|i| InvoiceInput {
                    code: i.code,
                    number: i.number,
                    date: i.date,
                    seller: i.seller,
                    buyer: i.buyer,
                    amount_fen: Some(i.amount_fen),
                    tax_fen: Some(i.tax_fen),
                })
                .collect(),
            declared: self.declared,
        }
    }
}

/// One open duplicate finding on a claim: its rule and what it says (staff only).
#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimFlagDto {
    pub finding_id: String,
    /// funds.duplicate_claim or funds.suspected_duplicate
    pub rule: String,
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimDto {
    pub id: String,
    pub project_id: String,
    pub submitted_on: chrono::NaiveDate,
    pub amount_fen: i64,
    pub purpose: Option<String>,
    pub invoices: Vec<InvoiceIn>,
    /// submitted, approved, has_issues, rejected; absent for an imported claim.
    pub review_state: Option<String>,
    pub approved_fen: Option<i64>,
    pub approved_on: Option<chrono::NaiveDate>,
    /// Entered by staff for the contractor.
    pub entered_by_staff: bool,
    /// Open duplicate findings (empty for a contractor).
    pub flags: Vec<ClaimFlagDto>,
    /// Voided (作废): no longer counted; an approved amount reversed in the ledger.
    pub voided: bool,
}

async fn claim_dto(s: &AppState, a: &Actor, c: subsidy_claim::Model) -> ApiResult<ClaimDto> {
    let invoices = c
        .invoices_parsed()
        .map_err(jianguan_app::AppError::from)?
        .into_iter()
        .map(|i| InvoiceIn {
            code: i.code,
            number: i.number,
            date: i.date.to_string(),
            seller: i.seller,
            buyer: i.buyer,
            amount_fen: i.amount_fen,
            tax_fen: i.tax_fen,
        })
        .collect();
    let review_state = funds::claim_review(&s.app, &c).await?.map(|r| r.state);
    let flags = funds::flags(&s.app, a)
        .await?
        .remove(&c.id)
        .unwrap_or_default()
        .into_iter()
        .map(|f| ClaimFlagDto {
            finding_id: f.id,
            rule: f.rule,
            message: f.message,
        })
        .collect();
    Ok(ClaimDto {
        entered_by_staff: c.recorded_by.is_some(),
        voided: c.voided_at.is_some(),
        id: c.id,
        project_id: c.project_id,
        submitted_on: c.submitted_on,
        amount_fen: c.amount_fen,
        purpose: c.purpose,
        invoices,
        review_state,
        approved_fen: c.approved_fen,
        approved_on: c.approved_on,
        flags,
    })
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ClaimQuery {
    pub project_id: Option<String>,
    /// true: only the claims with an open duplicate finding (staff).
    #[serde(default)]
    pub flagged: bool,
    #[serde(default)]
    #[param(minimum = 0, maximum = 10000000)]
    pub offset: u64,
    /// At most 500; 50 when absent.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

/// The claims the caller may see (a contractor: its own projects'), the newest first.
#[utoipa::path(get, path = "/api/v1/funds/claims", params(ClaimQuery), responses((status = 200, body = Page<ClaimDto>)))]
pub async fn list_claims(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiQuery(q): ApiQuery<ClaimQuery>,
) -> ApiResult<Json<Page<ClaimDto>>> {
    let limit = q.limit.unwrap_or(50).max(1);
    let f = ClaimFilter {
        project_id: q.project_id,
        flagged: q.flagged,
    };
    let found = funds::claims(&s.app, &a, &f, q.offset, limit).await?;
    let mut items = Vec::with_capacity(found.items.len());
    for c in found.items {
        items.push(claim_dto(&s, &a, c).await?);
    }
    Ok(Json(Page {
        items,
        total: found.total,
        offset: q.offset,
    }))
}

/// The contractor hands a claim in for its own project; the docket compares its invoices
/// with every claim of the deployment at once.
#[utoipa::path(post, path = "/api/v1/funds/claims", request_body = ClaimIn, responses((status = 201, body = ClaimDto), (status = 422, body = ErrorBody)))]
pub async fn hand_in_claim(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiJson(b): ApiJson<ClaimIn>,
) -> ApiResult<(StatusCode, Json<ClaimDto>)> {
    let c = funds::submit_claim(&s.app, &a, &b.into_input(), FieldErrors::new()).await?;
    Ok((StatusCode::CREATED, Json(claim_dto(&s, &a, c).await?)))
}

/// Staff enter a claim for the contractor (from paper); another staff member reviews it.
#[utoipa::path(post, path = "/api/v1/funds/claims/entered", request_body = ClaimIn, responses((status = 201, body = ClaimDto), (status = 422, body = ErrorBody)))]
pub async fn enter_claim(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiJson(b): ApiJson<ClaimIn>,
) -> ApiResult<(StatusCode, Json<ClaimDto>)> {
    let c = funds::submit_claim(&s.app, &a, &b.into_input(), FieldErrors::new()).await?;
    Ok((StatusCode::CREATED, Json(claim_dto(&s, &a, c).await?)))
}

/// One claim with its invoices, review state and (for staff) open duplicate findings.
#[utoipa::path(get, path = "/api/v1/funds/claims/{id}", params(("id" = String, Path)), responses((status = 200, body = ClaimDto), (status = 404, body = ErrorBody)))]
pub async fn get_claim(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ClaimDto>> {
    let c = funds::claim(&s.app, &a, &id).await?;
    Ok(Json(claim_dto(&s, &a, c).await?))
}

/// Adds an invoice scan while the claim awaits review: the body is the image or PDF itself.
#[utoipa::path(post, path = "/api/v1/funds/claims/{id}/scans", params(("id" = String, Path), PhotoQuery), request_body(content = Vec<u8>, content_type = "image/jpeg"), responses((status = 201, body = PhotoDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn upload_claim_scan(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PhotoQuery>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<PhotoDto>)> {
    funds::claim(&s.app, &a, &id).await?;
    let p = save_photo(&s, &a, "subsidy_claim", &id, q, body).await?;
    Ok((StatusCode::CREATED, Json(p.try_into()?)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimReviewIn {
    /// approved, has_issues, rejected
    pub verdict: String,
    /// Required for has_issues and rejected, and when approving less than claimed.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub note: String,
    /// 核定金额 in 分, required when approving; at most the amount claimed.
    #[serde(default)]
    pub approved_fen: Option<i64>,
}

/// Reviews a claim (never by the staff member who entered it; not while a duplicate of
/// it is open).
#[utoipa::path(post, path = "/api/v1/funds/claims/{id}/review", params(("id" = String, Path)), request_body = ClaimReviewIn, responses((status = 200, body = ClaimDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn review_claim(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ClaimReviewIn>,
) -> ApiResult<Json<ClaimDto>> {
    let v = ClaimVerdict {
        verdict: b.verdict,
        note: b.note,
        approved_fen: b.approved_fen,
    };
    let c = funds::review_claim(&s.app, &a, &id, &v, FieldErrors::new()).await?;
    Ok(Json(claim_dto(&s, &a, c).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideIn {
    /// true: it is a duplicate (the recovery follows); false: it is not.
    pub confirmed: bool,
    /// 核实情况 (required).
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionDto {
    pub id: String,
    pub claim_a: String,
    pub claim_b: String,
    pub confirmed: bool,
    pub reason: String,
    pub decided_by: String,
    pub decided_on: chrono::NaiveDate,
}

/// Decides a suspected duplicate (the docket finding `funds.suspected_duplicate` named by
/// id): confirmed, or not a duplicate, with the reason. Once per pair as it stands.
#[utoipa::path(post, path = "/api/v1/funds/duplicates/{id}/decide", params(("id" = String, Path, description = "the finding's id")), request_body = DecideIn, responses((status = 201, body = DecisionDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn decide_duplicate(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DecideIn>,
) -> ApiResult<(StatusCode, Json<DecisionDto>)> {
    let d = funds::decide_pair(&s.app, &a, &id, b.confirmed, &b.reason).await?;
    Ok((
        StatusCode::CREATED,
        Json(DecisionDto {
            id: d.id,
            claim_a: d.claim_a,
            claim_b: d.claim_b,
            confirmed: d.confirmed,
            reason: d.reason,
            decided_by: d.decided_by,
            decided_on: d.decided_on,
        }),
    ))
}

// ------------------------------------------------------------------ disbursements

#[derive(Debug, Serialize, ToSchema)]
pub struct DisbursementDto {
    pub id: String,
    pub project_id: String,
    pub date: chrono::NaiveDate,
    pub amount_fen: i64,
    pub batch: String,
    /// Counts as paid: imported, or confirmed by a second person.
    pub confirmed: bool,
    pub confirmed_on: Option<chrono::NaiveDate>,
}

impl From<disbursement::Model> for DisbursementDto {
    fn from(d: disbursement::Model) -> Self {
        DisbursementDto {
            confirmed: d.confirmed(),
            id: d.id,
            project_id: d.project_id,
            date: d.date,
            amount_fen: d.amount_fen,
            batch: d.batch,
            confirmed_on: d.confirmed_on,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DisbursementQuery {
    pub project_id: Option<String>,
    /// true: awaiting confirmation only; false: counted only; absent: both.
    pub pending: Option<bool>,
    #[serde(default)]
    #[param(minimum = 0, maximum = 10000000)]
    pub offset: u64,
    /// At most 500; 50 when absent.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

/// The disbursements the caller may see, newest first: the same paged query as the page.
#[utoipa::path(get, path = "/api/v1/funds/disbursements", params(DisbursementQuery), responses((status = 200, body = Page<DisbursementDto>)))]
pub async fn list_disbursements(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiQuery(q): ApiQuery<DisbursementQuery>,
) -> ApiResult<Json<Page<DisbursementDto>>> {
    let f = funds::DisbursementFilter {
        project_id: q.project_id,
        pending: q.pending,
    };
    let limit = q.limit.unwrap_or(50).max(1);
    let found = funds::disbursement_page(&s.app, &a, &f, q.offset, limit).await?;
    Ok(Json(Page {
        items: found.items.into_iter().map(Into::into).collect(),
        total: found.total,
        offset: q.offset,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisbursementIn {
    pub project_id: String,
    /// 拨付日期, YYYY-MM-DD, today or before.
    #[schema(format = Date)]
    pub date: String,
    #[schema(minimum = 1, maximum = 10000000000000i64)]
    pub amount_fen: i64,
    /// 批次, e.g. 第一批.
    #[schema(min_length = 1, max_length = 50)]
    pub batch: String,
}

/// Records a disbursement; it counts once another staff member confirms it.
#[utoipa::path(post, path = "/api/v1/funds/disbursements", request_body = DisbursementIn, responses((status = 201, body = DisbursementDto), (status = 422, body = ErrorBody)))]
pub async fn record_disbursement(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiJson(b): ApiJson<DisbursementIn>,
) -> ApiResult<(StatusCode, Json<DisbursementDto>)> {
    let input = DisbursementInput {
        project_id: b.project_id,
        date: b.date,
        amount_fen: Some(b.amount_fen),
        batch: b.batch,
    };
    let d = funds::record_disbursement(&s.app, &a, &input, FieldErrors::new()).await?;
    Ok((StatusCode::CREATED, Json(d.into())))
}

/// Confirms a recorded disbursement: someone other than its recorder, once.
#[utoipa::path(post, path = "/api/v1/funds/disbursements/{id}/confirm", params(("id" = String, Path)), responses((status = 200, body = DisbursementDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn confirm_disbursement(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<DisbursementDto>> {
    Ok(Json(
        funds::confirm_disbursement(&s.app, &a, &id).await?.into(),
    ))
}

/// Adds the document a payment rests on (a scan, photo or PDF): the body is the file itself.
#[utoipa::path(post, path = "/api/v1/funds/disbursements/{id}/documents", params(("id" = String, Path), PhotoQuery), request_body(content = Vec<u8>, content_type = "image/jpeg", description = "the file itself: JPEG, PNG, WebP or PDF"), responses((status = 201, body = PhotoDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn upload_disbursement_document(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PhotoQuery>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<PhotoDto>)> {
    funds::disbursement(&s.app, &a, &id).await?;
    let p = save_photo(&s, &a, "disbursement", &id, q, body).await?;
    Ok((StatusCode::CREATED, Json(p.try_into()?)))
}

// ------------------------------------------------------------------ recoveries

#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryDto {
    /// The recovery's id, which is its decision's (the sanction) when it was decided here.
    pub id: String,
    pub project_id: String,
    pub enterprise_id: String,
    pub decided_on: chrono::NaiveDate,
    pub amount_fen: i64,
    pub repaid_fen: i64,
    pub owed_fen: i64,
    pub deadline: chrono::NaiveDate,
}

/// The recoveries the caller may see (a contractor: its own), the latest decided first.
#[utoipa::path(get, path = "/api/v1/funds/recoveries", responses((status = 200, body = Vec<RecoveryDto>)))]
pub async fn list_recoveries(
    State(s): State<AppState>,
    Auth(a, _): Auth,
) -> ApiResult<Json<Vec<RecoveryDto>>> {
    Ok(Json(
        funds::recoveries(&s.app, &a)
            .await?
            .into_iter()
            .map(|r| RecoveryDto {
                owed_fen: r.owed_fen(),
                repaid_fen: r.repaid_fen,
                id: r.recovery.id,
                project_id: r.recovery.project_id,
                enterprise_id: r.recovery.enterprise_id,
                decided_on: r.recovery.decided_on,
                amount_fen: r.recovery.amount_fen,
                deadline: r.recovery.deadline,
            })
            .collect(),
    ))
}

/// Voids a disbursement recorded in error, with the reason; the ledger reverses it.
#[utoipa::path(post, path = "/api/v1/funds/disbursements/{id}/void", params(("id" = String, Path)), request_body = VoidIn, responses((status = 200, body = DisbursementDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn void_disbursement(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<VoidIn>,
) -> ApiResult<Json<DisbursementDto>> {
    Ok(Json(
        funds::void_disbursement(&s.app, &a, &id, &b.reason)
            .await?
            .into(),
    ))
}

/// Voids a claim entered or approved in error, with the reason; the ledger reverses an
/// approved amount. The claim is kept, marked voided.
#[utoipa::path(post, path = "/api/v1/funds/claims/{id}/void", params(("id" = String, Path)), request_body = VoidIn, responses((status = 200, body = ClaimDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn void_claim(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<VoidIn>,
) -> ApiResult<Json<ClaimDto>> {
    let c = funds::void_claim(&s.app, &a, &id, &b.reason).await?;
    Ok(Json(claim_dto(&s, &a, c).await?))
}
