//! The workflow over JSON: inspections (plan, record, finalise, correct, photos),
//! rectification orders (issue, submit, review), sanctions (propose, decide) and the public
//! notice board. The same use cases as the pages, the same checks.

use super::dto::ErrorBody;
use super::extract::{ApiJson, ApiQuery};
use crate::AppState;
use crate::auth::Auth;
use crate::error::ApiError;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jianguan_app::evidence::{self, Device};
use jianguan_app::inspections::{self as ins, InspectionFilter};
use jianguan_app::{rectification as rect, sanctions as sn};
use jianguan_domain::FieldErrors;
use jianguan_domain::inspection::InspectionStatus;
use jianguan_domain::inspection::{InspectionInput, StandardResult};
use jianguan_domain::sanction::SanctionAction;
use jianguan_store::entity::{inspection, order_submission, photo, rectification_order, sanction};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

type ApiResult<T> = Result<T, ApiError>;

// ------------------------------------------------------------------ inspections

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct StandardDto {
    /// pass, fail or na
    pub result: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionIn {
    /// `plan` (a visit to come) or `record` (one that took place; the default).
    #[serde(default)]
    #[schema(value_type = Option<super::codes::ModeCode>)]
    pub mode: Option<String>,
    pub project_id: String,
    /// construction, operations, training, funds, ad_hoc
    #[schema(value_type = Vec<super::codes::InspectionKindCode>, min_items = 1)]
    pub kinds: Vec<String>,
    /// YYYY-MM-DD
    #[schema(format = Date)]
    pub date: String,
    #[serde(default)]
    pub training_class_id: Option<String>,
    #[serde(default)]
    pub disbursement_id: Option<String>,
    /// on_site, hearing, materials, other
    #[serde(default)]
    #[schema(value_type = Vec<super::codes::MethodCode>)]
    pub methods: Vec<String>,
    /// qualification, construction, operation, funds → result
    #[serde(default)]
    pub standards: BTreeMap<String, StandardDto>,
    #[serde(default)]
    pub inspectors: Vec<String>,
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub minutes: Option<String>,
    #[serde(default)]
    pub problems: Option<String>,
    /// Corrections of a finalised record only: why.
    #[serde(default)]
    pub reason: Option<String>,
}

impl InspectionIn {
    fn input(&self) -> InspectionInput {
        InspectionInput {
            project_id: self.project_id.clone(),
            kinds: self.kinds.clone(),
            date: self.date.clone(),
            training_class_id: self.training_class_id.clone(),
            disbursement_id: self.disbursement_id.clone(),
            methods: self.methods.clone(),
            standards: self
                .standards
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        StandardResult {
                            result: v.result.clone(),
                            note: v.note.clone(),
                        },
                    )
                })
                .collect(),
            inspectors: self.inspectors.clone(),
            minutes: self.minutes.clone(),
            problems: self.problems.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PhotoDto {
    pub id: String,
    pub name: String,
    pub content_type: String,
    pub bytes: i64,
    pub width: i64,
    pub height: i64,
    pub sha256: String,
    /// As the camera wrote it (local time, no zone).
    pub exif_taken_at: Option<String>,
    pub exif_latitude: Option<f64>,
    pub exif_longitude: Option<f64>,
    pub device_time: Option<chrono::DateTime<chrono::Utc>>,
    pub device_latitude: Option<f64>,
    pub device_longitude: Option<f64>,
    /// Why a reviewer should look twice (far from the project, another day).
    pub flags: Vec<String>,
    /// `/photos/{id}/thumb`, `…/display`, `…/original`.
    pub url: String,
}

impl TryFrom<photo::Model> for PhotoDto {
    type Error = jianguan_app::AppError;

    fn try_from(p: photo::Model) -> Result<Self, Self::Error> {
        Ok(PhotoDto {
            url: format!("/photos/{}", p.id),
            flags: p.flags_parsed()?,
            id: p.id,
            name: p.original_name,
            content_type: p.content_type,
            bytes: p.bytes,
            width: p.width,
            height: p.height,
            sha256: p.sha256,
            exif_taken_at: p.exif_taken_at,
            exif_latitude: p.exif_latitude,
            exif_longitude: p.exif_longitude,
            device_time: p.device_time,
            device_latitude: p.device_latitude,
            device_longitude: p.device_longitude,
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InspectionDto {
    pub id: String,
    pub project_id: String,
    pub kinds: Vec<String>,
    pub date: chrono::NaiveDate,
    /// planned, recorded, finalised
    pub status: String,
    pub training_class_id: Option<String>,
    pub disbursement_id: Option<String>,
    pub methods: Vec<String>,
    pub standards: BTreeMap<String, StandardDto>,
    pub inspectors: Vec<String>,
    pub minutes: Option<String>,
    pub problems: Option<String>,
    pub photo_count: i64,
    /// On a single inspection: its photos and how many earlier versions it has.
    pub photos: Option<Vec<PhotoDto>>,
    pub versions: Option<usize>,
}

impl TryFrom<inspection::Model> for InspectionDto {
    type Error = jianguan_app::AppError;

    fn try_from(i: inspection::Model) -> Result<Self, Self::Error> {
        let standards = i.standards_parsed()?;
        Ok(InspectionDto {
            kinds: i.kinds_parsed()?,
            methods: i.methods_parsed()?,
            inspectors: i.inspectors_parsed()?,
            standards: standards
                .into_iter()
                .map(|(k, v)| {
                    (
                        k,
                        StandardDto {
                            result: v.result,
                            note: v.note,
                        },
                    )
                })
                .collect(),
            id: i.id,
            project_id: i.project_id,
            date: i.date,
            status: i.status,
            training_class_id: i.training_class_id,
            disbursement_id: i.disbursement_id,
            minutes: i.minutes,
            problems: i.problems,
            photo_count: i.photo_count,
            photos: None,
            versions: None,
        })
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InspectionQuery {
    /// planned, recorded, finalised
    pub status: Option<String>,
    pub project_id: Option<String>,
    /// An inspector's name as written on the record.
    pub inspector: Option<String>,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
}

/// The county's inspections (a contractor: their projects'), newest first, at most 500.
#[utoipa::path(get, path = "/api/v1/inspections", params(InspectionQuery), responses((status = 200, body = Vec<InspectionDto>)))]
pub async fn list_inspections(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiQuery(q): ApiQuery<InspectionQuery>,
) -> ApiResult<Json<Vec<InspectionDto>>> {
    let f = InspectionFilter {
        status: q.status,
        project_id: q.project_id,
        inspector: q.inspector,
        from: q.from,
        to: q.to,
    };
    Ok(Json(
        ins::list(&s.app, &a, &f)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect::<Result<_, jianguan_app::AppError>>()?,
    ))
}

async fn full(s: &AppState, i: inspection::Model) -> ApiResult<InspectionDto> {
    let photos = jianguan_app::evidence::photos(&s.app, "inspection", &i.id).await?;
    let versions = ins::versions(&s.app, &i.id).await?.len();
    let mut dto = InspectionDto::try_from(i)?;
    dto.photos = Some(
        photos
            .into_iter()
            .map(TryInto::try_into)
            .collect::<Result<_, _>>()?,
    );
    dto.versions = Some(versions);
    Ok(dto)
}

/// Plans (`mode: plan`) or records an inspection.
#[utoipa::path(post, path = "/api/v1/inspections", request_body = InspectionIn, responses((status = 201, body = InspectionDto), (status = 422, body = ErrorBody)))]
pub async fn create_inspection(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiJson(b): ApiJson<InspectionIn>,
) -> ApiResult<(StatusCode, Json<InspectionDto>)> {
    let m = match b.mode.as_deref().unwrap_or("record") {
        "plan" => ins::plan(&s.app, &a, &b.input(), FieldErrors::new()).await?,
        "record" => ins::record(&s.app, &a, &b.input(), FieldErrors::new()).await?,
        _ => return Err(jianguan_app::AppError::field("mode", "mode 应为 plan 或 record").into()),
    };
    Ok((StatusCode::CREATED, Json(full(&s, m).await?)))
}

/// One inspection with its photos (a contractor: once finalised).
#[utoipa::path(get, path = "/api/v1/inspections/{id}", params(("id" = String, Path)), responses((status = 200, body = InspectionDto), (status = 404, body = ErrorBody)))]
pub async fn get_inspection(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<InspectionDto>> {
    let (i, _) = ins::get(&s.app, &a, &id).await?;
    let hide =
        a.role == jianguan_app::Role::Contractor && !InspectionStatus::Finalised.is(&i.status);
    let mut dto = full(&s, i).await?;
    if hide {
        dto.photos = Some(vec![]);
    }
    Ok(Json(dto))
}

/// Edits a planned or recorded inspection (a finalised one needs a correction).
#[utoipa::path(put, path = "/api/v1/inspections/{id}", params(("id" = String, Path)), request_body = InspectionIn, responses((status = 200, body = InspectionDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_inspection(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<InspectionIn>,
) -> ApiResult<Json<InspectionDto>> {
    let m = ins::update(&s.app, &a, &id, &b.input(), FieldErrors::new()).await?;
    Ok(Json(full(&s, m).await?))
}

/// Locks the record: it needs minutes and at least one photo.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/finalise", params(("id" = String, Path)), responses((status = 200, body = InspectionDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn finalise_inspection(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<InspectionDto>> {
    let m = ins::finalise(&s.app, &a, &id).await?;
    Ok(Json(full(&s, m).await?))
}

/// Corrects a finalised record (`reason` required); the version before is kept.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/correct", params(("id" = String, Path)), request_body = InspectionIn, responses((status = 200, body = InspectionDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn correct_inspection(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<InspectionIn>,
) -> ApiResult<Json<InspectionDto>> {
    let reason = b.reason.clone().unwrap_or_default();
    let m = ins::correct(&s.app, &a, &id, &b.input(), &reason, FieldErrors::new()).await?;
    Ok(Json(full(&s, m).await?))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PhotoQuery {
    /// The file's name on the phone.
    pub name: Option<String>,
    pub device_latitude: Option<f64>,
    pub device_longitude: Option<f64>,
    /// RFC 3339, as the device's clock had it.
    pub device_time: Option<chrono::DateTime<chrono::Utc>>,
}

/// Adds a photo: the body is the image itself (JPEG, PNG or WebP, at most 15 MB).
#[utoipa::path(post, path = "/api/v1/inspections/{id}/photos", params(("id" = String, Path), PhotoQuery), request_body(content = Vec<u8>, content_type = "image/jpeg"), responses((status = 201, body = PhotoDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn upload_photo(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PhotoQuery>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<PhotoDto>)> {
    ins::get(&s.app, &a, &id).await?;
    let device = Device {
        time: q.device_time,
        latitude: q.device_latitude.zip(q.device_longitude).map(|x| x.0),
        longitude: q.device_latitude.zip(q.device_longitude).map(|x| x.1),
    };
    let name = q.name.unwrap_or_else(|| "照片".into());
    let p = evidence::upload(&s.app, &a, "inspection", &id, &name, body.to_vec(), device).await?;
    Ok((StatusCode::CREATED, Json(p.try_into()?)))
}

// ------------------------------------------------------------------ orders

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderIn {
    pub project_id: String,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    pub requirements: String,
    /// YYYY-MM-DD
    #[schema(format = Date)]
    pub deadline: String,
    #[serde(default)]
    pub responsible_person: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub progress_notice: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionDto {
    pub id: String,
    pub text: String,
    pub submitted_at: chrono::DateTime<chrono::Utc>,
    /// pending, accepted, rejected
    pub review: String,
    pub review_note: Option<String>,
    pub reviewed_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<order_submission::Model> for SubmissionDto {
    fn from(m: order_submission::Model) -> Self {
        SubmissionDto {
            id: m.id,
            text: m.text,
            submitted_at: m.submitted_at,
            review: m.review,
            review_note: m.review_note,
            reviewed_at: m.reviewed_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderDto {
    pub id: String,
    pub project_id: String,
    pub enterprise_id: String,
    pub title: String,
    pub requirements: String,
    pub issued_on: chrono::NaiveDate,
    pub deadline: chrono::NaiveDate,
    /// issued, submitted, rejected, resubmitted, accepted
    pub state: String,
    pub accepted_on: Option<chrono::NaiveDate>,
    pub responsible_person: Option<String>,
    pub source: Option<String>,
    pub submissions: Option<Vec<SubmissionDto>>,
}

impl From<rectification_order::Model> for OrderDto {
    fn from(o: rectification_order::Model) -> Self {
        OrderDto {
            id: o.id,
            project_id: o.project_id,
            enterprise_id: o.enterprise_id,
            title: o.title,
            requirements: o.requirements,
            issued_on: o.issued_on,
            deadline: o.deadline,
            state: o.state,
            accepted_on: o.accepted_on,
            responsible_person: o.responsible_person,
            source: o.source,
            submissions: None,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OrderQuery {
    /// Only orders not yet accepted.
    #[serde(default)]
    pub open: bool,
}

#[utoipa::path(get, path = "/api/v1/orders", params(OrderQuery), responses((status = 200, body = Vec<OrderDto>)))]
pub async fn list_orders(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiQuery(q): ApiQuery<OrderQuery>,
) -> ApiResult<Json<Vec<OrderDto>>> {
    Ok(Json(
        rect::list(&s.app, &a, q.open)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

async fn order_full(s: &AppState, o: rectification_order::Model) -> ApiResult<OrderDto> {
    let subs = rect::submissions(&s.app, &o.id).await?;
    let mut dto = OrderDto::from(o);
    dto.submissions = Some(subs.into_iter().map(Into::into).collect());
    Ok(dto)
}

/// Issues a rectification order to the project's enterprise (and notifies it).
#[utoipa::path(post, path = "/api/v1/orders", request_body = OrderIn, responses((status = 201, body = OrderDto), (status = 422, body = ErrorBody)))]
pub async fn create_order(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiJson(b): ApiJson<OrderIn>,
) -> ApiResult<(StatusCode, Json<OrderDto>)> {
    let input = rect::OrderInput {
        project_id: b.project_id,
        title: b.title,
        requirements: b.requirements,
        deadline: b.deadline,
        responsible_person: b.responsible_person,
        source: b.source,
        progress_notice: b.progress_notice,
    };
    let o = rect::issue(&s.app, &a, &input).await?;
    Ok((StatusCode::CREATED, Json(order_full(&s, o).await?)))
}

#[utoipa::path(get, path = "/api/v1/orders/{id}", params(("id" = String, Path)), responses((status = 200, body = OrderDto), (status = 404, body = ErrorBody)))]
pub async fn get_order(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<OrderDto>> {
    let o = rect::get(&s.app, &a, &id).await?;
    Ok(Json(order_full(&s, o).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitIn {
    #[schema(min_length = 1, max_length = 10000)]
    pub text: String,
}

/// The contractor hands in (or again) its rectification material.
#[utoipa::path(post, path = "/api/v1/orders/{id}/submit", params(("id" = String, Path)), request_body = SubmitIn, responses((status = 200, body = OrderDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn submit_order(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<SubmitIn>,
) -> ApiResult<Json<OrderDto>> {
    rect::submit(&s.app, &a, &id, &b.text).await?;
    let o = rect::get(&s.app, &a, &id).await?;
    Ok(Json(order_full(&s, o).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewIn {
    /// true: accepted; false: sent back (`note` required).
    pub accept: bool,
    #[serde(default)]
    pub note: Option<String>,
}

/// The inspector accepts the material or sends it back with a reason.
#[utoipa::path(post, path = "/api/v1/orders/{id}/review", params(("id" = String, Path)), request_body = ReviewIn, responses((status = 200, body = OrderDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn review_order(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ReviewIn>,
) -> ApiResult<Json<OrderDto>> {
    let o = rect::review(&s.app, &a, &id, b.accept, b.note.as_deref().unwrap_or("")).await?;
    Ok(Json(order_full(&s, o).await?))
}

// ------------------------------------------------------------------ sanctions

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SanctionIn {
    pub enterprise_id: String,
    #[serde(default)]
    pub project_id: Option<String>,
    /// notice, public_criticism, fund_recovery, disqualification, accountability
    #[schema(value_type = super::codes::SanctionKindCode)]
    pub kind: String,
    pub facts: String,
    pub clause: String,
    /// Fund recovery: yuan, e.g. "12000.50".
    #[serde(default)]
    pub amount: Option<String>,
    #[serde(default)]
    #[schema(format = Date)]
    pub deadline: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SanctionDto {
    pub id: String,
    pub enterprise_id: String,
    pub project_id: Option<String>,
    pub kind: String,
    pub facts: String,
    pub clause: String,
    pub amount_fen: Option<i64>,
    pub deadline: Option<chrono::NaiveDate>,
    /// proposed, decided, declined, withdrawn
    pub state: String,
    pub proposed_by: String,
    pub decided_by: Option<String>,
    pub decided_on: Option<chrono::NaiveDate>,
    pub decision_note: Option<String>,
    pub withdrawn_on: Option<chrono::NaiveDate>,
    pub withdraw_reason: Option<String>,
}

impl From<sanction::Model> for SanctionDto {
    fn from(m: sanction::Model) -> Self {
        SanctionDto {
            id: m.id,
            enterprise_id: m.enterprise_id,
            project_id: m.project_id,
            kind: m.kind,
            facts: m.facts,
            clause: m.clause,
            amount_fen: m.amount_fen,
            deadline: m.deadline,
            state: m.state,
            proposed_by: m.proposed_by,
            decided_by: m.decided_by,
            decided_on: m.decided_on,
            decision_note: m.decision_note,
            withdrawn_on: m.withdrawn_on,
            withdraw_reason: m.withdraw_reason,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/sanctions", responses((status = 200, body = Vec<SanctionDto>)))]
pub async fn list_sanctions(
    State(s): State<AppState>,
    Auth(a, _): Auth,
) -> ApiResult<Json<Vec<SanctionDto>>> {
    Ok(Json(
        sn::list(&s.app, &a)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// An inspector (or the responsible person) proposes; only the responsible person decides.
#[utoipa::path(post, path = "/api/v1/sanctions", request_body = SanctionIn, responses((status = 201, body = SanctionDto), (status = 422, body = ErrorBody)))]
pub async fn create_sanction(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiJson(b): ApiJson<SanctionIn>,
) -> ApiResult<(StatusCode, Json<SanctionDto>)> {
    let input = sn::SanctionInput {
        enterprise_id: b.enterprise_id,
        project_id: b.project_id,
        kind: b.kind,
        facts: b.facts,
        clause: b.clause,
        amount: b.amount,
        deadline: b.deadline,
    };
    Ok((
        StatusCode::CREATED,
        Json(sn::propose(&s.app, &a, &input).await?.into()),
    ))
}

#[utoipa::path(get, path = "/api/v1/sanctions/{id}", params(("id" = String, Path)), responses((status = 200, body = SanctionDto), (status = 404, body = ErrorBody)))]
pub async fn get_sanction(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<SanctionDto>> {
    Ok(Json(sn::get(&s.app, &a, &id).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActIn {
    /// decide, decline, withdraw
    #[schema(value_type = super::codes::SanctionActionCode)]
    pub action: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// The responsible person decides, declines (with reasons) or withdraws (with reasons).
#[utoipa::path(post, path = "/api/v1/sanctions/{id}/act", params(("id" = String, Path)), request_body = ActIn, responses((status = 200, body = SanctionDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn act_sanction(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ActIn>,
) -> ApiResult<Json<SanctionDto>> {
    sn::get(&s.app, &a, &id).await?;
    let action = match b.action.as_str() {
        "decide" => SanctionAction::Decide,
        "decline" => SanctionAction::Decline,
        "withdraw" => SanctionAction::Withdraw,
        _ => {
            return Err(jianguan_app::AppError::field(
                "action",
                "action 应为 decide、decline 或 withdraw",
            )
            .into());
        }
    };
    Ok(Json(
        sn::act(&s.app, &a, &id, action, b.note.as_deref().unwrap_or(""))
            .await?
            .into(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeDto {
    pub id: String,
    pub county: String,
    pub enterprise: String,
    pub kind: String,
    pub facts: String,
    pub clause: String,
    pub decided_on: Option<chrono::NaiveDate>,
    pub withdrawn_on: Option<chrono::NaiveDate>,
    pub withdraw_reason: Option<String>,
}

/// The public notice board: decided public criticisms and disqualifications (no login).
#[utoipa::path(get, path = "/api/v1/notices", responses((status = 200, body = Vec<NoticeDto>)))]
pub async fn notices(State(s): State<AppState>) -> ApiResult<Json<Vec<NoticeDto>>> {
    Ok(Json(
        sn::public_board(&s.app)
            .await?
            .into_iter()
            .map(|n| NoticeDto {
                id: n.id,
                county: n.county,
                enterprise: n.enterprise,
                kind: n.kind,
                facts: n.facts,
                clause: n.clause,
                decided_on: n.decided_on,
                withdrawn_on: n.withdrawn_on,
                withdraw_reason: n.withdraw_reason,
            })
            .collect(),
    ))
}
