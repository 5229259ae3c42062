//! 公文 pages: the register (发文登记), a document's page with its PDF and DOCX as issued,
//! issuing from a record's page, and spoiling with a reason.

use super::{HistoryRow, Layout, PageResult, history_rows, layout, render};
use crate::AppState;
use crate::auth::Auth;
use crate::routes::Routes;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use jianguan_app::AppError;
use jianguan_app::Permission::*;
use jianguan_app::documents as docs;
use jianguan_domain::document::{DocumentKind, DocumentState};
use jianguan_domain::format_cn_date;
use jianguan_store::entity::document;
use serde::Deserialize;

pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/documents", ReadRecords, list)
        .post("/documents", Supervise, issue)
        .get("/documents/{id}", ReadRecords, show)
        .get("/documents/{id}/pdf", ReadRecords, pdf)
        .get("/documents/{id}/docx", ReadRecords, docx)
        .post("/documents/{id}/spoil", Supervise, spoil)
}

/// The pages under 报表.
pub const REPORT_PAGES: [(&str, &str); 2] = [
    ("/documents", "发文登记"),
    (super::quarterly::HREF, "季度报告"),
];

fn kind_label(code: &str) -> &'static str {
    DocumentKind::parse(code).map_or("公文", DocumentKind::label)
}

fn state_label(code: &str) -> &'static str {
    DocumentState::parse(code).map_or("", DocumentState::label)
}

/// Where the record a document was issued from is shown.
pub fn source_link(d: &document::Model) -> String {
    match d.source_kind.as_str() {
        "order" => format!("/orders/{}", d.source_id),
        "inspection" => format!("/inspections/{}", d.source_id),
        "sanction" => format!("/sanctions/{}", d.source_id),
        "quarter" => format!(
            "{}?year={}&quarter={}",
            super::quarterly::HREF,
            d.source_id.split("-Q").next().unwrap_or_default(),
            d.source_id.split("-Q").nth(1).unwrap_or_default()
        ),
        "evaluation" => d
            .project_id
            .as_ref()
            .map(|p| format!("/projects/{p}/oversight#evaluations"))
            .unwrap_or_default(),
        _ => String::new(),
    }
}

pub struct Row {
    pub id: String,
    pub number: String,
    pub title: String,
    pub kind: &'static str,
    pub issued_on: String,
    pub state: &'static str,
    pub spoiled: bool,
}

impl Row {
    pub fn of(d: &document::Model) -> Self {
        Row {
            id: d.id.clone(),
            number: d.number.clone(),
            title: d.title.clone(),
            kind: kind_label(&d.kind),
            issued_on: format_cn_date(d.issued_on),
            state: state_label(&d.state),
            spoiled: DocumentState::parse(&d.state) == Some(DocumentState::Spoiled),
        }
    }
}

#[derive(Template)]
#[template(path = "documents.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Row>,
    total: u64,
    pager: String,
    year: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    year: String,
    offset: u64,
}

pub async fn list(
    State(s): State<AppState>,
    Auth(a, c): Auth,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let year = match q.year.trim() {
        "" => None,
        y => Some(
            y.parse::<i32>()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .ok_or_else(|| AppError::field("year", "年份请写四位数字，例如 2026"))?,
        ),
    };
    const PAGE: u64 = 50;
    let found = docs::register(&s.app, &a, year, q.offset, PAGE).await?;
    let pager = super::pager(
        "/documents",
        &[("year", &q.year)],
        found.total,
        q.offset,
        PAGE,
    );
    Ok(render(
        StatusCode::OK,
        &ListPage {
            layout: layout(
                &s,
                &a,
                c.csrf.as_deref().unwrap_or_default(),
                "发文登记",
                "/documents",
            )
            .await,
            rows: found.items.iter().map(Row::of).collect(),
            total: found.total,
            pager,
            year: q.year,
        },
    ))
}

#[derive(Template)]
#[template(path = "document.html")]
struct DetailPage {
    layout: Layout,
    d: document::Model,
    kind: &'static str,
    state: &'static str,
    spoiled: bool,
    issued_on: String,
    issued_by: String,
    source: String,
    /// Which faces stood in for the official ones: (what for, wanted, used).
    fonts: Vec<(&'static str, String, String)>,
    replaces: Option<(String, String)>,
    replaced_by: Vec<(String, String)>,
    may_spoil: bool,
    history: Vec<HistoryRow>,
    saved: bool,
    errors: jianguan_domain::FieldErrors,
}

async fn detail(
    s: &AppState,
    auth: &Auth,
    id: &str,
    saved: bool,
    errors: jianguan_domain::FieldErrors,
    status: StatusCode,
) -> PageResult {
    let Auth(a, c) = auth;
    let d = docs::get(&s.app, a, id).await?;
    let replaces = match &d.replaces {
        Some(r) => docs::get(&s.app, a, r).await.ok().map(|x| (x.id, x.number)),
        None => None,
    };
    let replaced_by = docs::of_source(&s.app, a, &d.source_id)
        .await?
        .into_iter()
        .filter(|x| x.replaces.as_deref() == Some(d.id.as_str()))
        .map(|x| (x.id, x.number))
        .collect();
    let spoiled = DocumentState::parse(&d.state) == Some(DocumentState::Spoiled);
    Ok(render(
        status,
        &DetailPage {
            layout: layout(
                s,
                a,
                c.csrf.as_deref().unwrap_or_default(),
                &d.number,
                "/documents",
            )
            .await,
            kind: kind_label(&d.kind),
            state: state_label(&d.state),
            spoiled,
            issued_on: format_cn_date(d.issued_on),
            issued_by: jianguan_app::inventory::person(&d.issued_by).to_string(),
            source: source_link(&d),
            fonts: docs::font_notes(&d),
            replaces,
            replaced_by,
            may_spoil: !spoiled && a.role.supervises() && a.may(EditRecords),
            history: history_rows(jianguan_app::history::of(&s.app, &d).await?),
            saved,
            errors,
            d,
        },
    ))
}

pub async fn show(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<super::SavedQuery>,
) -> PageResult {
    detail(
        &s,
        &auth,
        &id,
        q.saved.is_some(),
        Default::default(),
        StatusCode::OK,
    )
    .await
}

async fn download(s: &AppState, a: &jianguan_app::Actor, id: &str, format: &str) -> PageResult {
    let (bytes, ct, name) = docs::file(&s.app, a, id, format).await?;
    Ok((
        [
            (header::CONTENT_TYPE, ct.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename*=UTF-8''{}", super::percent(&name)),
            ),
        ],
        bytes,
    )
        .into_response())
}

pub async fn pdf(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> PageResult {
    download(&s, &a, &id, "pdf").await
}

pub async fn docx(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> PageResult {
    download(&s, &a, &id, "docx").await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct IssueForm {
    kind: String,
    source_id: String,
    replaces: String,
}

/// Issues a document from a record's page and opens it.
pub async fn issue(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Form(f): Form<IssueForm>,
) -> PageResult {
    let input = docs::IssueInput {
        kind: f.kind,
        source_id: f.source_id,
        replaces: Some(f.replaces).filter(|r| !r.trim().is_empty()),
    };
    let d = docs::issue(&s.app, &a, &input).await?;
    Ok(Redirect::to(&format!("/documents/{}?saved=1", d.id)).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SpoilForm {
    reason: String,
}

pub async fn spoil(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<SpoilForm>,
) -> PageResult {
    match docs::spoil(&s.app, &auth.0, &id, &f.reason).await {
        Ok(_) => Ok(Redirect::to(&format!("/documents/{id}?saved=1")).into_response()),
        Err(AppError::Validation(e)) => {
            detail(&s, &auth, &id, false, e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

/// What a record's page shows of its documents: those issued from it, and what may be
/// issued now.
pub struct Issued {
    pub rows: Vec<Row>,
    /// (kind code, label) the caller may issue.
    pub kinds: Vec<(&'static str, &'static str)>,
}

pub async fn issued(
    s: &AppState,
    a: &jianguan_app::Actor,
    source_id: &str,
    kinds: Vec<DocumentKind>,
) -> Result<Issued, AppError> {
    let rows = docs::of_source(&s.app, a, source_id)
        .await?
        .iter()
        .map(Row::of)
        .collect();
    let may = a.role.supervises() && a.may(EditRecords);
    Ok(Issued {
        rows,
        kinds: if may {
            kinds.into_iter().map(|k| (k.code(), k.label())).collect()
        } else {
            Vec::new()
        },
    })
}
