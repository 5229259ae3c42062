//! The caller, API tokens and users over JSON, and the OpenAPI document itself.

use super::dto::*;
use super::extract::ApiJson;
use crate::AppState;
use crate::auth::Auth;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jianguan_app::accounts;

use super::ApiResult;
use crate::routes::Routes;
use jianguan_app::Permission::*;

pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/api/v1/openapi.json", Public, openapi)
        .api(Authenticated, __path_me, me)
        .api(Authenticated, __path_create_token, create_token)
        .api(Authenticated, __path_list_tokens, list_tokens)
        .api(Authenticated, __path_revoke_token, revoke_token)
        .api(Administer, __path_list_users, list_users)
        .api(Administer, __path_create_user, create_user)
        .api(Administer, __path_disable_user, disable_user)
        .api(Administer, __path_enable_user, enable_user)
        .api(Administer, __path_user_tokens, user_tokens)
        .api(Administer, __path_unlock_user, unlock_user)
}

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
