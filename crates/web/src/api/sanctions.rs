//! Sanctions over JSON (propose, decide) and the public notice board.

use super::dto::ErrorBody;
use super::extract::ApiJson;
use crate::AppState;
use crate::auth::Auth;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jianguan_app::sanctions as sn;
use jianguan_domain::sanction::SanctionAction;
use jianguan_store::entity::sanction;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ApiResult;
use crate::routes::Routes;
use jianguan_app::Permission::*;

pub(crate) fn routes(r: Routes) -> Routes {
    r.api(ReadRecords, __path_list_sanctions, list_sanctions)
        .api(Supervise, __path_create_sanction, create_sanction)
        .api(ReadRecords, __path_get_sanction, get_sanction)
        .api(Decide, __path_act_sanction, act_sanction)
        .api(Public, __path_notices, notices)
}

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
