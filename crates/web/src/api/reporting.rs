//! The contractor's reporting over JSON: progress plans and reports per project, the
//! month's operating data, and the review of each. The same use cases as the pages.

use super::dto::ErrorBody;
use super::extract::ApiJson;
use crate::AppState;
use crate::auth::Auth;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jianguan_app::reporting as rep;
use jianguan_domain::reporting::{DataInput, PlanInput, ReportInput};
use jianguan_store::entity::submission_review;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

use super::ApiResult;
use crate::routes::Routes;
use jianguan_app::Permission::*;

pub(crate) fn routes(r: Routes) -> Routes {
    r.api(ReadRecords, __path_list_plans, list_plans)
        .api(HandIn, __path_propose_plan, propose_plan)
        .api(ReadRecords, __path_list_reports, list_reports)
        .api(HandIn, __path_submit_report, submit_report)
        .api(ReadRecords, __path_list_data, list_data)
        .api(HandIn, __path_submit_data, submit_data)
        .api(ReadRecords, __path_queue, queue)
        .api(Supervise, __path_review, review)
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct MilestoneDto {
    pub date: chrono::NaiveDate,
    /// Planned cumulative percent, 0–100.
    pub percent: f64,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanIn {
    /// YYYY-MM-DD
    #[schema(format = Date)]
    pub effective_from: String,
    pub milestones: Vec<MilestoneDto>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanDto {
    pub id: String,
    pub version: i64,
    pub effective_from: chrono::NaiveDate,
    /// proposed, approved, rejected
    pub status: String,
    pub milestones: Vec<MilestoneDto>,
}

impl TryFrom<jianguan_store::entity::progress_plan::Model> for PlanDto {
    type Error = jianguan_app::AppError;

    fn try_from(p: jianguan_store::entity::progress_plan::Model) -> Result<Self, Self::Error> {
        Ok(PlanDto {
            milestones: jianguan_store::json::column(
                "progress_plans",
                &p.id,
                "milestones",
                &p.milestones,
            )?,
            id: p.id,
            version: p.version,
            effective_from: p.effective_from,
            status: p.status,
        })
    }
}

#[utoipa::path(get, path = "/api/v1/projects/{id}/plans", params(("id" = String, Path)), responses((status = 200, body = Vec<PlanDto>), (status = 404, body = ErrorBody)))]
pub async fn list_plans(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<PlanDto>>> {
    Ok(Json(
        rep::plans(&s.app, &a, &id)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect::<Result<_, jianguan_app::AppError>>()?,
    ))
}

/// The contractor proposes a plan (a new version needs approval again).
#[utoipa::path(post, path = "/api/v1/projects/{id}/plans", params(("id" = String, Path)), request_body = PlanIn, responses((status = 201, body = PlanDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn propose_plan(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<PlanIn>,
) -> ApiResult<(StatusCode, Json<PlanDto>)> {
    let input = PlanInput {
        project_id: id,
        effective_from: b.effective_from,
        milestones: b
            .milestones
            .iter()
            .map(|m| format!("{} {} {}", m.date, m.percent, m.description))
            .collect::<Vec<_>>()
            .join("\n"),
        note: b.note,
    };
    Ok((
        StatusCode::CREATED,
        Json(rep::propose_plan(&s.app, &a, &input).await?.try_into()?),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportIn {
    /// YYYY-MM
    #[schema(pattern = "^[0-9]{4}-[0-9]{2}$")]
    pub month: String,
    #[schema(minimum = 0, maximum = 100)]
    pub cumulative_percent: f64,
    pub narrative: String,
    /// Required when the percent is lower than last time.
    #[serde(default)]
    pub explanation: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDto {
    pub id: String,
    pub month: chrono::NaiveDate,
    pub cumulative_percent: f64,
    pub narrative: Option<String>,
    pub submitted_on: chrono::NaiveDate,
    /// Set on a version replaced by a correction.
    pub superseded: Option<String>,
}

impl From<jianguan_store::entity::progress_report::Model> for ReportDto {
    fn from(r: jianguan_store::entity::progress_report::Model) -> Self {
        ReportDto {
            superseded: r.void_reason.filter(|_| r.voided_at.is_some()),
            id: r.id,
            month: r.month,
            cumulative_percent: r.cumulative_percent,
            narrative: r.narrative,
            submitted_on: r.submitted_on,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/projects/{id}/reports", params(("id" = String, Path)), responses((status = 200, body = Vec<ReportDto>), (status = 404, body = ErrorBody)))]
pub async fn list_reports(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<ReportDto>>> {
    Ok(Json(
        rep::reports(&s.app, &a, &id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// The contractor reports a month's progress (or corrects one sent back).
#[utoipa::path(post, path = "/api/v1/projects/{id}/reports", params(("id" = String, Path)), request_body = ReportIn, responses((status = 201, body = ReportDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn submit_report(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ReportIn>,
) -> ApiResult<(StatusCode, Json<ReportDto>)> {
    let input = ReportInput {
        project_id: id,
        month: b.month,
        cumulative_percent: b.cumulative_percent.to_string(),
        narrative: b.narrative,
        explanation: b.explanation,
    };
    Ok((
        StatusCode::CREATED,
        Json(rep::submit_report(&s.app, &a, &input).await?.into()),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DataIn {
    /// YYYY-MM
    pub month: String,
    /// Metric code → value as typed (money in 元, counts as integers).
    pub figures: BTreeMap<String, String>,
    #[serde(default)]
    pub explanation: Option<String>,
    /// Figures flagged as unusual were checked and stand.
    #[serde(default)]
    pub confirmed: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DataDto {
    pub id: String,
    pub enterprise_id: String,
    pub month: chrono::NaiveDate,
    pub submitted_on: chrono::NaiveDate,
    /// Metric code → value (money in 分).
    pub figures: BTreeMap<String, i64>,
    pub superseded: Option<String>,
}

impl TryFrom<jianguan_store::entity::data_report::Model> for DataDto {
    type Error = jianguan_app::AppError;

    fn try_from(r: jianguan_store::entity::data_report::Model) -> Result<Self, Self::Error> {
        Ok(DataDto {
            figures: r.figures_parsed()?,
            superseded: r.void_reason.filter(|_| r.voided_at.is_some()),
            id: r.id,
            enterprise_id: r.enterprise_id,
            month: r.month,
            submitted_on: r.submitted_on,
        })
    }
}

#[utoipa::path(get, path = "/api/v1/data-reports", responses((status = 200, body = Vec<DataDto>)))]
pub async fn list_data(
    State(s): State<AppState>,
    Auth(a, _): Auth,
) -> ApiResult<Json<Vec<DataDto>>> {
    Ok(Json(
        rep::data_reports(&s.app, &a)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect::<Result<_, jianguan_app::AppError>>()?,
    ))
}

/// The contractor reports a month's operating data; unusual figures need `confirmed` and
/// an explanation.
#[utoipa::path(post, path = "/api/v1/data-reports", request_body = DataIn, responses((status = 201, body = DataDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn submit_data(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiJson(b): ApiJson<DataIn>,
) -> ApiResult<(StatusCode, Json<DataDto>)> {
    let input = DataInput {
        month: b.month,
        figures: b.figures,
        explanation: b.explanation,
        confirmed: b.confirmed,
    };
    Ok((
        StatusCode::CREATED,
        Json(rep::submit_data(&s.app, &a, &input).await?.try_into()?),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewDto {
    pub id: String,
    /// progress_plan, progress_report, data_report, licence, training_class
    pub kind: String,
    pub record_id: String,
    pub enterprise_id: String,
    pub project_id: String,
    pub version: i64,
    /// submitted, approved, has_issues, rejected
    pub state: String,
    pub note: Option<String>,
    pub explanation: Option<String>,
    pub submitted_at: chrono::DateTime<chrono::Utc>,
    pub reviewed_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<submission_review::Model> for ReviewDto {
    fn from(r: submission_review::Model) -> Self {
        ReviewDto {
            id: r.id,
            kind: r.kind,
            record_id: r.record_id,
            enterprise_id: r.enterprise_id,
            project_id: r.project_id,
            version: r.version,
            state: r.state,
            note: r.note,
            explanation: r.explanation,
            submitted_at: r.submitted_at,
            reviewed_at: r.reviewed_at,
        }
    }
}

/// What awaits review in the county (a contractor: its own recent submissions).
#[utoipa::path(get, path = "/api/v1/reviews", responses((status = 200, body = Vec<ReviewDto>)))]
pub async fn queue(State(s): State<AppState>, Auth(a, _): Auth) -> ApiResult<Json<Vec<ReviewDto>>> {
    Ok(Json(
        rep::queue(&s.app, &a)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerdictIn {
    /// approved, has_issues, rejected (the last two with a note)
    #[schema(value_type = super::codes::VerdictCode)]
    pub verdict: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// An inspector's verdict on a submission awaiting review.
#[utoipa::path(post, path = "/api/v1/reviews/{id}", params(("id" = String, Path)), request_body = VerdictIn, responses((status = 200, body = ReviewDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn review(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<VerdictIn>,
) -> ApiResult<Json<ReviewDto>> {
    Ok(Json(
        rep::review(&s.app, &a, &id, &b.verdict, b.note.as_deref().unwrap_or(""))
            .await?
            .into(),
    ))
}
