//! 生产经营数据: the contractor's monthly figures, typed in or uploaded as the month's XLSX
//! template; the supervision group's review of them.

use super::{Layout, PageResult, layout, render};
use crate::AppState;
use crate::auth::Auth;
use crate::routes::Routes;
use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jianguan_app::Permission::*;
use jianguan_app::reporting::{self as rep};
use jianguan_app::{AppError, Role};
use jianguan_domain::reporting::{DataInput, MetricSpec, Review};
use jianguan_domain::{FieldErrors, Money};
use std::collections::HashMap;

/// This area's pages, with who may use each.
pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/data-reports", ReadRecords, show)
        .get("/data-reports/ledger.xlsx", ReadRecords, ledger_xlsx)
        .post("/data-reports", HandIn, create)
        .get("/data-reports/template", ReadRecords, template)
        .post_large(
            "/data-reports/upload",
            HandIn,
            super::SHEET_UPLOAD_LIMIT + 64 * 1024,
            upload,
        )
}

pub struct MetricField {
    pub code: String,
    pub label: String,
    pub value: String,
}

pub struct ReportRow {
    pub enterprise: String,
    pub month: String,
    pub figures: String,
    pub state: &'static str,
    pub note: String,
    pub superseded: String,
    pub review_id: String,
    pub pending: bool,
}

/// A row of the enterprise × month table: the cells' words, and whether each is a problem.
pub struct MatrixRow {
    pub enterprise: String,
    pub cells: Vec<(String, bool)>,
}

#[derive(Template)]
#[template(path = "data_reports.html")]
struct Page {
    layout: Layout,
    matrix_months: Vec<String>,
    matrix: Vec<MatrixRow>,
    is_contractor: bool,
    is_staff: bool,
    month: String,
    fields: Vec<MetricField>,
    explanation: String,
    confirmed: bool,
    rows: Vec<ReportRow>,
    errors: FieldErrors,
    saved: bool,
}

fn show_value(m: &MetricSpec, v: i64) -> String {
    if m.is_money() {
        Money::from_fen(v)
            .map(|x| x.to_plain_yuan())
            .unwrap_or_default()
    } else {
        v.to_string()
    }
}

async fn page(
    s: &AppState,
    auth: &Auth,
    input: Option<DataInput>,
    errors: FieldErrors,
    saved: bool,
) -> PageResult {
    let Auth(a, c) = auth;
    let is_contractor = a.role == Role::Contractor;
    let metrics = if is_contractor {
        rep::metrics_for(&s.app, a).await?
    } else {
        vec![]
    };
    let all_metrics: Vec<MetricSpec> = s
        .app
        .profile
        .metrics
        .iter()
        .map(|(code, m)| MetricSpec {
            code: code.clone(),
            name: m.name.clone(),
            unit: m.unit.clone(),
        })
        .collect();
    let default_month = (s.app.today() - chrono::Months::new(1))
        .format("%Y-%m")
        .to_string();
    let input = input.unwrap_or(DataInput {
        month: default_month,
        ..Default::default()
    });
    let (months, owed) = rep::data_matrix(&s.app, a).await?;
    let matrix = owed
        .into_iter()
        .map(|r| MatrixRow {
            enterprise: r.name,
            cells: r
                .months
                .iter()
                .map(|(_, st)| (st.label(), st.is_problem()))
                .collect(),
        })
        .collect();
    let reports = rep::data_reports(&s.app, a).await?;
    let ids: Vec<String> = reports.iter().map(|r| r.enterprise_id.clone()).collect();
    let names = jianguan_store::queries::enterprise_names(s.app.store.reader(), &ids)
        .await
        .map_err(AppError::from)?;
    let mut rows = Vec::new();
    for r in &reports {
        let review = rep::latest_review(&s.app, &r.id).await?;
        let state = review
            .as_ref()
            .and_then(|x| Review::parse(&x.state))
            .unwrap_or(Review::Approved);
        let figures = r.figures_parsed()?;
        rows.push(ReportRow {
            enterprise: names.get(&r.enterprise_id).cloned().unwrap_or_default(),
            month: r.month.format("%Y年%-m月").to_string(),
            figures: figures
                .iter()
                .map(|(k, v)| match all_metrics.iter().find(|m| &m.code == k) {
                    // Money as people read it (¥432,000.00), not 分 nor a bare number of 元.
                    Some(m) if m.is_money() => format!("{} {}", m.name, super::money(*v)),
                    Some(m) => format!("{} {} {}", m.name, show_value(m, *v), m.unit),
                    None => format!("{k} {v}"),
                })
                .collect::<Vec<_>>()
                .join("；"),
            state: state.label(),
            note: review
                .as_ref()
                .and_then(|x| x.note.clone())
                .unwrap_or_default(),
            superseded: r
                .void_reason
                .clone()
                .filter(|_| r.voided_at.is_some())
                .unwrap_or_default(),
            review_id: review.as_ref().map(|x| x.id.clone()).unwrap_or_default(),
            pending: state == Review::Submitted && r.voided_at.is_none(),
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
                "生产经营数据",
                "/data-reports",
            )
            .await,
            matrix_months: months
                .iter()
                .map(|m| m.format("%Y年%-m月").to_string())
                .collect(),
            matrix,
            is_contractor,
            is_staff: a.role.supervises(),
            fields: metrics
                .iter()
                .map(|m| MetricField {
                    label: format!("{}（{}）", m.name, m.unit),
                    value: input.figures.get(&m.code).cloned().unwrap_or_default(),
                    code: m.code.clone(),
                })
                .collect(),
            month: input.month.clone(),
            explanation: input.explanation.clone().unwrap_or_default(),
            confirmed: input.confirmed,
            rows,
            errors,
            saved,
        },
    ))
}

pub async fn show(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<super::SavedQuery>,
) -> PageResult {
    page(&s, &auth, None, FieldErrors::new(), q.saved.is_some()).await
}

fn input_from(f: &HashMap<String, String>) -> DataInput {
    DataInput {
        month: f.get("month").cloned().unwrap_or_default(),
        figures: f
            .iter()
            .filter_map(|(k, v)| {
                k.strip_prefix("fig_")
                    .map(|code| (code.to_string(), v.clone()))
            })
            .collect(),
        explanation: f.get("explanation").cloned(),
        confirmed: f.get("confirm").is_some_and(|v| !v.is_empty()),
    }
}

async fn submit(s: &AppState, auth: &Auth, input: DataInput) -> PageResult {
    match rep::submit_data(&s.app, &auth.0, &input).await {
        Ok(_) => Ok(Redirect::to("/data-reports?saved=1").into_response()),
        Err(AppError::Validation(e)) => page(s, auth, Some(input), e, false).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn create(
    State(s): State<AppState>,
    auth: Auth,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    submit(&s, &auth, input_from(&f)).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct TemplateQuery {
    month: String,
}

/// The month's XLSX template, named for the month.
pub async fn template(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Query(q): Query<TemplateQuery>,
) -> Result<Response, super::PageError> {
    let bytes = rep::data_template(&s.app, &a, &q.month).await?;
    let name = format!("生产经营数据-{}.xlsx", q.month.trim());
    Ok(super::xlsx_download(bytes, &name))
}

/// A filled-in template: every cell error at once, nothing saved until the whole file is
/// right; unusual figures come back on the form for the contractor to confirm.
pub async fn upload(
    State(s): State<AppState>,
    auth: Auth,
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    if auth.0.role != Role::Contractor {
        return Err(AppError::Forbidden.into());
    }
    let result = match super::read_file_field(m, "file", "请选择填写好的 Excel 文件后上传").await
    {
        Ok(b) => rep::read_data_template(&s.app, b).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(input) => submit(&s, &auth, input).await,
        Err(AppError::Validation(e)) => page(&s, &auth, None, e, false).await,
        Err(e) => Err(e.into()),
    }
}

/// 生产经营数据台账 as XLSX.
pub async fn ledger_xlsx(
    axum::extract::State(s): axum::extract::State<crate::AppState>,
    crate::auth::Auth(a, _): crate::auth::Auth,
) -> super::PageResult {
    let bytes = jianguan_app::registers::data_reports(&s.app, &a).await?;
    Ok(super::xlsx_download(bytes, "生产经营数据台账.xlsx"))
}
