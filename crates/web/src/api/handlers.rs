use super::dto::*;
use super::extract::{ApiJson, ApiQuery};
use crate::AppState;
use crate::auth::Auth;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jianguan_app::{accounts, records};
use jianguan_domain::FieldErrors;

type ApiResult<T> = Result<T, ApiError>;

pub async fn openapi(State(s): State<AppState>) -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        s.openapi.as_str().to_string(),
    )
        .into_response()
}

/// The caller.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = MeDto), (status = 401, body = ErrorBody)))]
pub async fn me(Auth(a, _): Auth) -> Json<MeDto> {
    Json(MeDto {
        user_id: a.user_id,
        username: a.username,
        display_name: a.display_name,
        role: a.role.code().into(),
        county_code: a.county_code,
        enterprise_id: a.enterprise_id,
    })
}

/// Creates an API token for the caller; the token is shown only in this answer.
#[utoipa::path(post, path = "/api/v1/tokens", request_body = TokenRequest, responses((status = 201, body = TokenCreated), (status = 422, body = ErrorBody)))]
pub async fn create_token(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiJson(body): ApiJson<TokenRequest>,
) -> ApiResult<(StatusCode, Json<TokenCreated>)> {
    let t = accounts::create_api_token(&s.app, &a, &body.name, body.days).await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenCreated {
            id: t.token.id,
            token: t.secret,
            expires_at: t.token.expires_at,
        }),
    ))
}

/// The caller's own tokens, with their last use.
#[utoipa::path(get, path = "/api/v1/tokens", responses((status = 200, description = "The caller's tokens", body = Vec<TokenDto>)))]
pub async fn list_tokens(
    State(s): State<AppState>,
    Auth(a, _): Auth,
) -> ApiResult<Json<Vec<TokenDto>>> {
    let id = a.user_id.clone();
    Ok(Json(
        accounts::tokens(&s.app, Some(&a), &id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Revokes a token: the caller's own, or (administrators) one of a user of their county.
#[utoipa::path(post, path = "/api/v1/tokens/{id}/revoke", params(("id" = String, Path)), responses((status = 200, description = "Revoked", body = TokenDto), (status = 404, description = "No such token for the caller", body = ErrorBody), (status = 409, description = "Already revoked", body = ErrorBody)))]
pub async fn revoke_token(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<TokenDto>> {
    Ok(Json(
        accounts::revoke_token(&s.app, Some(&a), &id).await?.into(),
    ))
}

/// A user's tokens (administrators).
#[utoipa::path(get, path = "/api/v1/users/{id}/tokens", params(("id" = String, Path)), responses((status = 200, description = "The user's tokens", body = Vec<TokenDto>), (status = 404, description = "No such user in the county", body = ErrorBody)))]
pub async fn user_tokens(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<TokenDto>>> {
    Ok(Json(
        accounts::tokens(&s.app, Some(&a), &id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Lifts the login delay on a user's name (administrators).
#[utoipa::path(post, path = "/api/v1/users/{id}/unlock", params(("id" = String, Path)), responses((status = 200, description = "Unlocked", body = UnlockDto), (status = 404, description = "No such user in the county", body = ErrorBody)))]
pub async fn unlock_user(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<UnlockDto>> {
    Ok(Json(UnlockDto {
        failures_cleared: accounts::unlock(&s.app, Some(&a), &id).await?,
    }))
}

#[utoipa::path(get, path = "/api/v1/counties", responses((status = 200, body = Vec<CountyDto>)))]
pub async fn list_counties(
    State(s): State<AppState>,
    Auth(a, _): Auth,
) -> ApiResult<Json<Vec<CountyDto>>> {
    Ok(Json(
        records::counties(&s.app, &a)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/programmes", responses((status = 200, body = Vec<ProgrammeDto>)))]
pub async fn list_programmes(
    State(s): State<AppState>,
    Auth(a, _): Auth,
) -> ApiResult<Json<Vec<ProgrammeDto>>> {
    Ok(Json(
        records::programmes(&s.app, &a)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/programmes/{id}", params(("id" = String, Path)), responses((status = 200, body = ProgrammeDto), (status = 404, body = ErrorBody)))]
pub async fn get_programme(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ProgrammeDto>> {
    Ok(Json(records::programme(&s.app, &a, &id).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/programmes", request_body = ProgrammeIn, responses((status = 201, body = ProgrammeDto), (status = 422, body = ErrorBody)))]
pub async fn create_programme(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiJson(b): ApiJson<ProgrammeIn>,
) -> ApiResult<(StatusCode, Json<ProgrammeDto>)> {
    let input = records::ProgrammeInput {
        county_code: b.county_code,
        name: b.name,
        plan_document: b.plan_document,
        period_start: b.period_start,
        period_end: b.period_end,
        budget_fen: Some(b.budget_fen),
        responsible_person: b.responsible_person,
    };
    Ok((
        StatusCode::CREATED,
        Json(records::create_programme(&s.app, &a, &input).await?.into()),
    ))
}

#[utoipa::path(put, path = "/api/v1/programmes/{id}", params(("id" = String, Path)), request_body = ProgrammeIn, responses((status = 200, body = ProgrammeDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_programme(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ProgrammeIn>,
) -> ApiResult<Json<ProgrammeDto>> {
    Ok(Json(
        records::update_programme(&s.app, &a, &id, &b.into_input())
            .await?
            .into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/programmes/{id}/void", params(("id" = String, Path)), request_body = VoidIn, responses((status = 200, body = ProgrammeDto), (status = 409, body = ErrorBody)))]
pub async fn void_programme(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<VoidIn>,
) -> ApiResult<Json<ProgrammeDto>> {
    Ok(Json(
        records::void_programme(&s.app, &a, &id, &b.reason)
            .await?
            .into(),
    ))
}

#[utoipa::path(get, path = "/api/v1/enterprises", params(ListQuery), responses((status = 200, body = Page<EnterpriseDto>)))]
pub async fn list_enterprises(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<Page<EnterpriseDto>>> {
    let page = records::enterprises(&s.app, &a, &q.filter()).await?;
    Ok(Json(Page {
        items: page.items.into_iter().map(Into::into).collect(),
        total: page.total,
        offset: q.offset,
    }))
}

#[utoipa::path(get, path = "/api/v1/enterprises/{id}", params(("id" = String, Path)), responses((status = 200, body = EnterpriseDto), (status = 404, body = ErrorBody)))]
pub async fn get_enterprise(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<EnterpriseDto>> {
    Ok(Json(records::enterprise(&s.app, &a, &id).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/enterprises", request_body = EnterpriseIn, responses((status = 201, body = EnterpriseDto), (status = 422, body = ErrorBody)))]
pub async fn create_enterprise(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiJson(b): ApiJson<EnterpriseIn>,
) -> ApiResult<(StatusCode, Json<EnterpriseDto>)> {
    let (input, county) = b.into_domain();
    let e = records::create_enterprise(&s.app, &a, county.as_deref(), &input).await?;
    Ok((StatusCode::CREATED, Json(e.into())))
}

#[utoipa::path(put, path = "/api/v1/enterprises/{id}", params(("id" = String, Path)), request_body = EnterpriseIn, responses((status = 200, body = EnterpriseDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_enterprise(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<EnterpriseIn>,
) -> ApiResult<Json<EnterpriseDto>> {
    let (input, _) = b.into_domain();
    Ok(Json(
        records::update_enterprise(&s.app, &a, &id, &input)
            .await?
            .into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/enterprises/{id}/void", params(("id" = String, Path)), request_body = VoidIn, responses((status = 200, body = EnterpriseDto), (status = 409, body = ErrorBody)))]
pub async fn void_enterprise(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<VoidIn>,
) -> ApiResult<Json<EnterpriseDto>> {
    Ok(Json(
        records::void_enterprise(&s.app, &a, &id, &b.reason)
            .await?
            .into(),
    ))
}

#[utoipa::path(get, path = "/api/v1/projects", params(ListQuery), responses((status = 200, body = Page<ProjectDto>)))]
pub async fn list_projects(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<Page<ProjectDto>>> {
    let page = records::projects(&s.app, &a, &q.filter()).await?;
    Ok(Json(Page {
        items: page
            .items
            .into_iter()
            .map(TryInto::try_into)
            .collect::<Result<_, _>>()?,
        total: page.total,
        offset: q.offset,
    }))
}

#[utoipa::path(get, path = "/api/v1/projects/{id}", params(("id" = String, Path)), responses((status = 200, body = ProjectDto), (status = 404, body = ErrorBody)))]
pub async fn get_project(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ProjectDto>> {
    Ok(Json(records::project(&s.app, &a, &id).await?.try_into()?))
}

#[utoipa::path(post, path = "/api/v1/projects", request_body = ProjectIn, responses((status = 201, body = ProjectDto), (status = 422, body = ErrorBody)))]
pub async fn create_project(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiJson(b): ApiJson<ProjectIn>,
) -> ApiResult<(StatusCode, Json<ProjectDto>)> {
    let (input, county) = b.into_domain();
    let p =
        records::create_project(&s.app, &a, county.as_deref(), &input, FieldErrors::new()).await?;
    Ok((StatusCode::CREATED, Json(p.try_into()?)))
}

#[utoipa::path(put, path = "/api/v1/projects/{id}", params(("id" = String, Path)), request_body = ProjectIn, responses((status = 200, body = ProjectDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_project(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ProjectIn>,
) -> ApiResult<Json<ProjectDto>> {
    let (input, _) = b.into_domain();
    Ok(Json(
        records::update_project(&s.app, &a, &id, &input, FieldErrors::new())
            .await?
            .try_into()?,
    ))
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/void", params(("id" = String, Path)), request_body = VoidIn, responses((status = 200, body = ProjectDto), (status = 409, body = ErrorBody)))]
pub async fn void_project(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<VoidIn>,
) -> ApiResult<Json<ProjectDto>> {
    Ok(Json(
        records::void_project(&s.app, &a, &id, &b.reason)
            .await?
            .try_into()?,
    ))
}

#[utoipa::path(get, path = "/api/v1/users", responses((status = 200, body = Vec<UserDto>)))]
pub async fn list_users(
    State(s): State<AppState>,
    Auth(a, _): Auth,
) -> ApiResult<Json<Vec<UserDto>>> {
    let users = jianguan_store::queries::users(s.app.store.reader(), &a.scope())
        .await
        .map_err(jianguan_app::AppError::from)?;
    Ok(Json(
        users
            .iter()
            .map(|u| accounts::UserView::from(u).into())
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/users", request_body = UserIn, responses((status = 201, body = UserDto), (status = 422, body = ErrorBody)))]
pub async fn create_user(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiJson(b): ApiJson<UserIn>,
) -> ApiResult<(StatusCode, Json<UserDto>)> {
    let input = accounts::NewUser {
        username: b.username,
        display_name: b.display_name,
        role: b.role,
        county_code: b.county_code.or_else(|| a.county_code.clone()),
        enterprise_id: b.enterprise_id,
        password: b.password,
    };
    Ok((
        StatusCode::CREATED,
        Json(
            accounts::create_user(&s.app, Some(&a), &input)
                .await?
                .into(),
        ),
    ))
}

#[utoipa::path(post, path = "/api/v1/users/{id}/disable", params(("id" = String, Path)), responses((status = 200, body = UserDto), (status = 404, body = ErrorBody)))]
pub async fn disable_user(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<UserDto>> {
    Ok(Json(
        accounts::set_disabled(&s.app, &a, &id, true).await?.into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/users/{id}/enable", params(("id" = String, Path)), responses((status = 200, body = UserDto), (status = 404, body = ErrorBody)))]
pub async fn enable_user(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<UserDto>> {
    Ok(Json(
        accounts::set_disabled(&s.app, &a, &id, false).await?.into(),
    ))
}
