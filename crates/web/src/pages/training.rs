//! 培训班: classes of leader-training projects, entered by the contractor with the roster
//! as XLSX; the supervision group's training inspection starts from here.

use super::{Layout, PageResult, SelectOption, layout, options, render};
use crate::AppState;
use crate::auth::Auth;
use crate::routes::Routes;
use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jianguan_app::Permission::*;
use jianguan_app::reporting::{self as rep, ClassInput};
use jianguan_app::{AppError, Role};
use jianguan_domain::{FieldErrors, System, format_cn_date};
use std::collections::HashMap;

/// This area's pages, with who may use each.
pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/training", ReadRecords, show)
        .get("/training/ledger.xlsx", ReadRecords, ledger_xlsx)
        .post("/training", HandIn, create)
        .get("/training/roster-template", ReadRecords, roster_template)
        .post_large(
            "/training/{id}/roster",
            HandIn,
            super::SHEET_UPLOAD_LIMIT + 64 * 1024,
            upload_roster,
        )
}

pub struct ClassRow {
    pub id: String,
    /// The review: its state, note and row (for the review buttons).
    pub state: &'static str,
    pub note: String,
    pub review_id: String,
    pub pending: bool,
    pub project_id: String,
    pub name: String,
    pub project: String,
    pub days: String,
    pub place: String,
    pub trainees: String,
    pub roster: Vec<String>,
}

#[derive(Template)]
#[template(path = "training.html")]
struct Page {
    layout: Layout,
    rows: Vec<ClassRow>,
    projects: Vec<SelectOption>,
    form: HashMap<String, String>,
    errors: FieldErrors,
    is_contractor: bool,
    is_staff: bool,
    saved: bool,
}

async fn page(
    s: &AppState,
    auth: &Auth,
    form: HashMap<String, String>,
    errors: FieldErrors,
    saved: bool,
) -> PageResult {
    let Auth(a, c) = auth;
    let projects = jianguan_app::inspections::projects(&s.app, a).await?;
    let names: HashMap<String, String> = projects
        .iter()
        .map(|p| (p.id.clone(), p.name.clone()))
        .collect();
    let mut rows = Vec::new();
    for k in rep::classes(&s.app, a).await? {
        let roster = rep::roster(&s.app, &k).await?;
        let review = rep::latest_review(&s.app, &k.id).await?;
        let state = review
            .as_ref()
            .and_then(|r| jianguan_domain::reporting::Review::parse(&r.state))
            .unwrap_or(jianguan_domain::reporting::Review::Approved);
        rows.push(ClassRow {
            state: state.label(),
            note: review
                .as_ref()
                .and_then(|r| r.note.clone())
                .unwrap_or_default(),
            review_id: review.as_ref().map(|r| r.id.clone()).unwrap_or_default(),
            pending: state == jianguan_domain::reporting::Review::Submitted,
            project: names.get(&k.project_id).cloned().unwrap_or_default(),
            days: format!(
                "{} 至 {}",
                format_cn_date(k.first_day),
                format_cn_date(k.last_day)
            ),
            place: k.place.clone().unwrap_or_default(),
            trainees: format!(
                "计划 {} 人，实到 {} 人",
                k.planned_trainees, k.actual_trainees
            ),
            roster: roster
                .iter()
                .map(|t| format!("{} {}", t.name, t.village))
                .collect(),
            name: k.name,
            project_id: k.project_id,
            id: k.id,
        });
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render(
        status,
        &Page {
            layout: layout(
                s,
                a,
                c.csrf.as_deref().unwrap_or_default(),
                "培训班",
                "/training",
            )
            .await,
            rows,
            projects: options(
                projects
                    .iter()
                    .filter(|p| p.voided_at.is_none() && p.system == System::LeaderTraining.code())
                    .map(|p| (p.id.clone(), p.name.clone())),
                form.get("project_id").map_or("", String::as_str),
            ),
            form,
            errors,
            is_contractor: a.role == Role::Contractor,
            is_staff: a.role.supervises(),
            saved,
        },
    ))
}

pub async fn show(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<super::SavedQuery>,
) -> PageResult {
    page(
        &s,
        &auth,
        HashMap::new(),
        FieldErrors::new(),
        q.saved.is_some(),
    )
    .await
}

pub async fn create(
    State(s): State<AppState>,
    auth: Auth,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let input = ClassInput {
        project_id: get("project_id"),
        name: get("name"),
        first_day: get("first_day"),
        last_day: get("last_day"),
        place: get("place"),
        planned_trainees: get("planned_trainees"),
    };
    match rep::add_class(&s.app, &auth.0, &input).await {
        Ok(_) => Ok(Redirect::to("/training?saved=1").into_response()),
        Err(AppError::Validation(e)) => page(&s, &auth, f, e, false).await,
        Err(e) => Err(e.into()),
    }
}

/// A blank roster to fill in.
pub async fn roster_template(
    State(s): State<AppState>,
    Auth(_, _): Auth,
) -> Result<Response, super::PageError> {
    let bytes = rep::roster_template(&s.app).await?;
    Ok(super::xlsx_download(bytes, "学员名单.xlsx"))
}

pub async fn upload_roster(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    // The class first: someone else's is "not found", whatever was sent.
    if !rep::classes(&s.app, &auth.0)
        .await?
        .iter()
        .any(|k| k.id == id)
    {
        return Err(AppError::NotFound.into());
    }
    let bytes = super::read_file_field(m, "roster", "请选择学员名单文件后上传").await;
    let result = match bytes {
        Ok(b) => rep::upload_roster(&s.app, &auth.0, &id, b)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/training?saved=1").into_response()),
        Err(AppError::Validation(e)) => page(&s, &auth, HashMap::new(), e, false).await,
        Err(e) => Err(e.into()),
    }
}

/// 培训班台账 as XLSX.
pub async fn ledger_xlsx(
    axum::extract::State(s): axum::extract::State<crate::AppState>,
    crate::auth::Auth(a, _): crate::auth::Auth,
) -> super::PageResult {
    let bytes = jianguan_app::registers::classes(&s.app, &a).await?;
    Ok(super::xlsx_download(bytes, "培训班台账.xlsx"))
}
