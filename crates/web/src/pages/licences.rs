//! 证照: the enterprise keeps its licences current (type, number, validity, a scan); the
//! supervision group sees the county's. Expiring and missing ones show in the docket.

use super::{Layout, PageResult, layout, render};
use crate::AppState;
use crate::auth::Auth;
use crate::routes::Routes;
use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jianguan_app::Permission::*;
use jianguan_app::reporting::{self as rep, LicenceInput};
use jianguan_app::{AppError, Role};
use jianguan_domain::{FieldErrors, format_cn_date};
use std::collections::HashMap;

/// This area's pages, with who may use each.
pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/licences", ReadRecords, show)
        .get("/licences/ledger.xlsx", ReadRecords, ledger_xlsx)
        .post("/licences", HandIn, create)
        .post_large("/licences/{id}/scans", HandIn, super::UPLOAD_LIMIT, upload)
}

pub struct LicenceRow {
    pub id: String,
    /// The review: its state, note and row (for the review buttons).
    pub state: &'static str,
    pub note: String,
    pub review_id: String,
    pub pending: bool,
    pub enterprise: String,
    pub kind: String,
    pub number: String,
    pub valid_from: String,
    /// 长期有效 when the licence has no end.
    pub valid_to: String,
    pub expired: bool,
    pub scans: Vec<super::uploads::PhotoView>,
}

#[derive(Template)]
#[template(path = "licences.html")]
struct Page {
    layout: Layout,
    rows: Vec<LicenceRow>,
    kinds: Vec<super::SelectOption>,
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
    let today = s.app.today();
    let names = &s.app.profile.licences.names;
    let list = rep::licences(&s.app, a).await?;
    let ids: Vec<String> = list.iter().map(|l| l.enterprise_id.clone()).collect();
    let enterprises = jianguan_store::queries::enterprise_names(s.app.store.reader(), &ids)
        .await
        .map_err(AppError::from)?;
    let mut rows = Vec::new();
    for l in list {
        let review = rep::latest_review(&s.app, &l.id).await?;
        let state = review
            .as_ref()
            .and_then(|r| jianguan_domain::reporting::Review::parse(&r.state))
            .unwrap_or(jianguan_domain::reporting::Review::Approved);
        rows.push(LicenceRow {
            state: state.label(),
            note: review
                .as_ref()
                .and_then(|r| r.note.clone())
                .unwrap_or_default(),
            review_id: review.as_ref().map(|r| r.id.clone()).unwrap_or_default(),
            pending: state == jianguan_domain::reporting::Review::Submitted,
            enterprise: enterprises
                .get(&l.enterprise_id)
                .cloned()
                .unwrap_or_default(),
            kind: names
                .get(&l.kind)
                .cloned()
                .unwrap_or_else(|| l.kind.clone()),
            number: l.number.clone(),
            valid_from: format_cn_date(l.valid_from),
            valid_to: l.valid_to.map_or_else(|| "长期有效".into(), format_cn_date),
            expired: l.valid_to.is_some_and(|to| to < today),
            scans: super::uploads::photo_views(
                jianguan_app::evidence::photos(&s.app, "licence", &l.id).await?,
            )?,
            id: l.id,
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
                "证照",
                "/licences",
            )
            .await,
            rows,
            kinds: super::options(
                names.iter().map(|(k, v)| (k.clone(), v.clone())),
                form.get("kind").map_or("", String::as_str),
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
    let input = LicenceInput {
        kind: get("kind"),
        number: get("number"),
        valid_from: get("valid_from"),
        valid_to: get("valid_to"),
    };
    match rep::add_licence(&s.app, &auth.0, &input).await {
        Ok(_) => Ok(Redirect::to("/licences?saved=1").into_response()),
        Err(AppError::Validation(e)) => page(&s, &auth, f, e, false).await,
        Err(e) => Err(e.into()),
    }
}

/// A scan of the licence, through the photo pipeline.
pub async fn upload(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    // The licence first: someone else's is "not found", whatever was sent.
    if !rep::licences(&s.app, &auth.0)
        .await?
        .iter()
        .any(|l| l.id == id)
    {
        return Err(AppError::NotFound.into());
    }
    let result = async { super::uploads::save_uploads(&s, &auth.0, "licence", &id, m).await }.await;
    match result {
        Ok(()) => Ok(Redirect::to("/licences?saved=1").into_response()),
        Err(AppError::Validation(e)) => page(&s, &auth, HashMap::new(), e, false).await,
        Err(e) => Err(e.into()),
    }
}

/// 证照台账 as XLSX.
pub async fn ledger_xlsx(
    axum::extract::State(s): axum::extract::State<crate::AppState>,
    crate::auth::Auth(a, _): crate::auth::Auth,
) -> super::PageResult {
    let bytes = jianguan_app::registers::licences(&s.app, &a).await?;
    Ok(super::xlsx_download(bytes, "证照台账.xlsx"))
}
