use super::{HistoryRow, Layout, PageResult, history_rows, layout, pager, render};
use crate::AppState;
use crate::auth::Auth;
use crate::forms::EnterpriseForm;
use crate::routes::Routes;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jianguan_app::Permission::*;
use jianguan_app::{AppError, Permission, records};
use jianguan_domain::FieldErrors;
use jianguan_domain::System;
use jianguan_domain::project::ProjectStatus;
use jianguan_store::entity::enterprise;
use jianguan_store::queries::ListFilter;
use serde::Deserialize;

/// This area's pages, with who may use each.
pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/enterprises", ReadRecords, list)
        .post("/enterprises", EditRecords, create)
        .get("/enterprises/new", EditRecords, new_form)
        .get("/enterprises/{id}", ReadRecords, show)
        .get("/enterprises/{id}/edit", EditRecords, edit_form)
        .post("/enterprises/{id}/edit", EditRecords, update)
        .post("/enterprises/{id}/void", EditRecords, void)
}

pub struct Row {
    pub id: String,
    pub name: String,
    pub uscc: String,
    pub contact: String,
    pub phone: String,
    pub voided: bool,
}

#[derive(Template)]
#[template(path = "enterprises.html")]
struct ListPage {
    layout: Layout,
    q: String,
    include_voided: bool,
    total: u64,
    rows: Vec<Row>,
    can_edit: bool,
    pager: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    include_voided: Option<String>,
    offset: u64,
}

const PAGE: u64 = 50;

pub async fn list(
    State(s): State<AppState>,
    Auth(a, c): Auth,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let include_voided = q.include_voided.is_some();
    let f = ListFilter {
        q: Some(q.q.clone()),
        include_voided,
        offset: q.offset,
        limit: PAGE,
        ..Default::default()
    };
    let page = records::enterprises(&s.app, &a, &f).await?;
    let rows = page
        .items
        .into_iter()
        .map(|e| Row {
            id: e.id,
            name: e.name,
            uscc: e.uscc,
            contact: e.contact_person.unwrap_or_default(),
            phone: e.contact_phone.unwrap_or_default(),
            voided: e.voided_at.is_some(),
        })
        .collect();
    let pager = pager(
        "/enterprises",
        &[
            ("q", &q.q),
            ("include_voided", if include_voided { "true" } else { "" }),
        ],
        page.total,
        q.offset,
        PAGE,
    );
    let p = ListPage {
        layout: layout(
            &s,
            &a,
            c.csrf.as_deref().unwrap_or_default(),
            "承办企业",
            "/enterprises",
        )
        .await,
        q: q.q,
        include_voided,
        total: page.total,
        rows,
        can_edit: a.may(Permission::EditRecords),
        pager,
    };
    Ok(render(StatusCode::OK, &p))
}

pub struct Detail {
    pub id: String,
    pub name: String,
    pub uscc: String,
    pub legal_representative: String,
    pub contact: String,
    pub phone: String,
    pub address: String,
    pub handles_food: bool,
    pub voided: bool,
    pub void_reason: Option<String>,
}

pub struct ProjectRow {
    pub id: String,
    pub name: String,
    pub system: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "enterprise.html")]
struct DetailPage {
    layout: Layout,
    e: Detail,
    projects: Vec<ProjectRow>,
    history: Vec<HistoryRow>,
    can_edit: bool,
    saved: bool,
    void_error: Option<String>,
}

async fn detail_page(
    s: &AppState,
    auth: &Auth,
    e: enterprise::Model,
    saved: bool,
    void_error: Option<String>,
) -> Result<DetailPage, AppError> {
    let Auth(a, c) = auth;
    let f = ListFilter {
        enterprise_id: Some(e.id.clone()),
        limit: 500,
        ..Default::default()
    };
    let projects = records::projects(&s.app, a, &f)
        .await?
        .items
        .into_iter()
        .map(|p| ProjectRow {
            system: System::parse(&p.system)
                .map(|x| x.label())
                .unwrap_or_default()
                .into(),
            status: ProjectStatus::parse(&p.status)
                .map(|x| x.label())
                .unwrap_or_default()
                .into(),
            id: p.id,
            name: p.name,
        })
        .collect();
    let history = history_rows(jianguan_app::history::of(&s.app, &e).await?);
    Ok(DetailPage {
        layout: layout(
            s,
            a,
            c.csrf.as_deref().unwrap_or_default(),
            &e.name,
            "/enterprises",
        )
        .await,
        e: Detail {
            id: e.id,
            name: e.name,
            uscc: e.uscc,
            legal_representative: e.legal_representative.unwrap_or_default(),
            contact: e.contact_person.unwrap_or_default(),
            phone: e.contact_phone.unwrap_or_default(),
            address: e.address.unwrap_or_default(),
            handles_food: e.handles_food,
            voided: e.voided_at.is_some(),
            void_reason: e.void_reason,
        },
        projects,
        history,
        can_edit: a.may(Permission::EditRecords),
        saved,
        void_error,
    })
}

pub async fn show(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<super::SavedQuery>,
) -> PageResult {
    let e = records::enterprise(&s.app, &auth.0, &id).await?;
    Ok(render(
        StatusCode::OK,
        &detail_page(&s, &auth, e, q.saved.is_some(), None).await?,
    ))
}

#[derive(Template)]
#[template(path = "enterprise_form.html")]
struct FormPage {
    layout: Layout,
    heading: String,
    action: String,
    cancel: String,
    form: EnterpriseForm,
    errors: FieldErrors,
}

async fn form_page(
    s: &AppState,
    auth: &Auth,
    id: Option<&str>,
    form: EnterpriseForm,
    errors: FieldErrors,
) -> FormPage {
    let Auth(a, c) = auth;
    let (heading, action, cancel) = match id {
        Some(id) => (
            "修改企业信息".to_string(),
            format!("/enterprises/{id}/edit"),
            format!("/enterprises/{id}"),
        ),
        None => (
            "新增承办企业".to_string(),
            "/enterprises".to_string(),
            "/enterprises".to_string(),
        ),
    };
    FormPage {
        layout: layout(
            s,
            a,
            c.csrf.as_deref().unwrap_or_default(),
            &heading,
            "/enterprises",
        )
        .await,
        heading,
        action,
        cancel,
        form,
        errors,
    }
}

pub async fn new_form(State(s): State<AppState>, auth: Auth) -> PageResult {
    Ok(render(
        StatusCode::OK,
        &form_page(
            &s,
            &auth,
            None,
            EnterpriseForm::default(),
            FieldErrors::new(),
        )
        .await,
    ))
}

pub async fn create(
    State(s): State<AppState>,
    auth: Auth,
    Form(form): Form<EnterpriseForm>,
) -> PageResult {
    match records::create_enterprise(&s.app, &auth.0, None, &form.to_input()).await {
        Ok(e) => Ok(Redirect::to(&format!("/enterprises/{}?saved=1", e.id)).into_response()),
        Err(AppError::Validation(errors)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&s, &auth, None, form, errors).await,
        )),
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_form(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> PageResult {
    let e = records::enterprise(&s.app, &auth.0, &id).await?;
    Ok(render(
        StatusCode::OK,
        &form_page(
            &s,
            &auth,
            Some(&id),
            EnterpriseForm::from_model(&e),
            FieldErrors::new(),
        )
        .await,
    ))
}

pub async fn update(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(form): Form<EnterpriseForm>,
) -> PageResult {
    match records::update_enterprise(&s.app, &auth.0, &id, &form.to_input()).await {
        Ok(e) => Ok(Redirect::to(&format!("/enterprises/{}?saved=1", e.id)).into_response()),
        Err(AppError::Validation(errors)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&s, &auth, Some(&id), form, errors).await,
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VoidForm {
    reason: String,
}

pub async fn void(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<VoidForm>,
) -> PageResult {
    match records::void_enterprise(&s.app, &auth.0, &id, &f.reason).await {
        Ok(e) => Ok(Redirect::to(&format!("/enterprises/{}?saved=1", e.id)).into_response()),
        Err(err @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let msg = match &err {
                AppError::Validation(fe) => {
                    fe.get("reason").unwrap_or("请写明作废原因").to_string()
                }
                other => other.message(),
            };
            let e = records::enterprise(&s.app, &auth.0, &id).await?;
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &detail_page(&s, &auth, e, false, Some(msg)).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}
