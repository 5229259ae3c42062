//! The county's records over JSON: counties, programmes, enterprises, projects.

use super::dto::*;
use super::extract::{ApiJson, ApiQuery};
use crate::AppState;
use crate::auth::Auth;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jianguan_app::records;
use jianguan_domain::FieldErrors;

use super::ApiResult;
use crate::routes::Routes;
use jianguan_app::Permission::*;

pub(crate) fn routes(r: Routes) -> Routes {
    r.api(ReadRecords, __path_list_counties, list_counties)
        .api(ReadRecords, __path_list_programmes, list_programmes)
        .api(Administer, __path_create_programme, create_programme)
        .api(ReadRecords, __path_get_programme, get_programme)
        .api(Administer, __path_update_programme, update_programme)
        .api(Administer, __path_void_programme, void_programme)
        .api(ReadRecords, __path_list_enterprises, list_enterprises)
        .api(EditRecords, __path_create_enterprise, create_enterprise)
        .api(ReadRecords, __path_get_enterprise, get_enterprise)
        .api(EditRecords, __path_update_enterprise, update_enterprise)
        .api(EditRecords, __path_void_enterprise, void_enterprise)
        .api(ReadRecords, __path_list_projects, list_projects)
        .api(EditRecords, __path_create_project, create_project)
        .api(ReadRecords, __path_get_project, get_project)
        .api(EditRecords, __path_update_project, update_project)
        .api(EditRecords, __path_void_project, void_project)
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
        Json(
            records::create_programme(&s.app, &a, &input, FieldErrors::new())
                .await?
                .into(),
        ),
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
        records::update_programme(&s.app, &a, &id, &b.into_input(), FieldErrors::new())
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
