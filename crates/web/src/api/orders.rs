//! Rectification orders over JSON: issue, hand in the material, review.

use super::dto::ErrorBody;
use super::extract::{ApiJson, ApiQuery};
use crate::AppState;
use crate::auth::Auth;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jianguan_app::rectification as rect;
use jianguan_store::entity::{order_submission, rectification_order};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiResult;
use crate::routes::Routes;
use jianguan_app::Permission::*;

pub(crate) fn routes(r: Routes) -> Routes {
    r.api(ReadRecords, __path_list_orders, list_orders)
        .api(Supervise, __path_create_order, create_order)
        .api(ReadRecords, __path_get_order, get_order)
        .api(HandIn, __path_submit_order, submit_order)
        .api(Supervise, __path_review_order, review_order)
}

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
    let subs = rect::submissions(&s.app, &o).await?;
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
