//! A project's accidents (and the accountability decided) and its performance
//! evaluations, with the forms to record them.

use super::{Layout, PageResult, SelectOption, layout, options, render};
use crate::AppState;
use crate::auth::Auth;
use crate::routes::Routes;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jianguan_app::Permission::*;
use jianguan_app::oversight::{
    self as ov, EvaluationInput, OUTCOMES, TARGET_RESULTS, TargetResult,
};
use jianguan_app::{AppError, Role, records};
use jianguan_domain::inspection::label_of;
use jianguan_domain::project::Target;
use jianguan_domain::{FieldErrors, format_cn_date};
use std::collections::HashMap;

/// This area's pages, with who may use each.
pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/projects/{id}/oversight", ReadRecords, show)
        .post("/projects/{id}/incidents", Supervise, record_incident)
        .post("/projects/{id}/evaluations", Decide, evaluate)
        .post("/incidents/{id}/decide", Decide, decide)
}

pub struct IncidentView {
    pub id: String,
    pub date: String,
    pub summary: String,
    pub decision: String,
    pub decided: bool,
}

pub struct EvaluationView {
    pub id: String,
    pub date: String,
    pub outcome: &'static str,
    pub targets: Vec<String>,
    pub note: String,
    /// 验收意见 / 延期验收通知 issued from it, and what may be issued now.
    pub issued: super::documents::Issued,
}

pub struct TargetRow {
    pub index: usize,
    pub name: String,
    pub choices: Vec<SelectOption>,
    pub evidence: String,
}

#[derive(Template)]
#[template(path = "oversight.html")]
struct Page {
    layout: Layout,
    project_id: String,
    project: String,
    incidents: Vec<IncidentView>,
    evaluations: Vec<EvaluationView>,
    targets: Vec<TargetRow>,
    outcomes: Vec<SelectOption>,
    form: HashMap<String, String>,
    errors: FieldErrors,
    is_staff: bool,
    is_chief: bool,
    saved: bool,
}

async fn page(
    s: &AppState,
    auth: &Auth,
    id: &str,
    form: HashMap<String, String>,
    errors: FieldErrors,
    saved: bool,
) -> PageResult {
    let Auth(a, c) = auth;
    let p = records::project(&s.app, a, id).await?;
    let incidents = ov::incidents(&s.app, a, id)
        .await?
        .into_iter()
        .map(|i| IncidentView {
            id: i.id,
            date: format_cn_date(i.date),
            summary: i.summary,
            decided: i.accountability_decided_on.is_some(),
            decision: match (i.accountability_decided_on, i.decision) {
                (Some(d), Some(x)) => format!("{}决定：{x}", format_cn_date(d)),
                _ => "尚未作出追责决定".into(),
            },
        })
        .collect();
    let mut evaluations = Vec::new();
    for e in ov::evaluations(&s.app, a, id).await? {
        let details = ov::EvaluationDetails::of(&e)?;
        let kinds = jianguan_app::documents::kinds_for_evaluation(&e.outcome);
        evaluations.push(EvaluationView {
            issued: super::documents::issued(s, a, &e.id, kinds).await?,
            date: format_cn_date(e.date),
            outcome: label_of(&OUTCOMES, &e.outcome),
            targets: details
                .targets
                .iter()
                .map(|t| {
                    format!(
                        "{}：{}{}",
                        t.name,
                        label_of(&TARGET_RESULTS, &t.result),
                        if t.evidence.is_empty() {
                            String::new()
                        } else {
                            format!("（{}）", t.evidence)
                        }
                    )
                })
                .collect(),
            note: details.note.unwrap_or_default(),
            id: e.id,
        });
    }
    let targets: Vec<Target> = p.targets_parsed()?;
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let rows = targets
        .iter()
        .enumerate()
        .map(|(k, t)| TargetRow {
            index: k,
            name: format!("{} {} {}", t.name, t.quantity, t.unit),
            choices: options(TARGET_RESULTS, &get(&format!("target_{k}"))),
            evidence: get(&format!("evidence_{k}")),
        })
        .collect();
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
                "事故与绩效评价",
                "/projects",
            )
            .await,
            project_id: p.id.clone(),
            project: p.name.clone(),
            incidents,
            evaluations,
            targets: rows,
            outcomes: options(OUTCOMES, &get("outcome")),
            errors,
            is_staff: a.role.supervises(),
            is_chief: a.role == Role::Chief,
            saved,
            form,
        },
    ))
}

pub async fn show(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<super::SavedQuery>,
) -> PageResult {
    page(
        &s,
        &auth,
        &id,
        HashMap::new(),
        FieldErrors::new(),
        q.saved.is_some(),
    )
    .await
}

pub async fn record_incident(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    match ov::record_incident(&s.app, &auth.0, &id, &get("date"), &get("summary")).await {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/oversight?saved=1")).into_response()),
        Err(AppError::Validation(e)) => page(&s, &auth, &id, f, e, false).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn decide(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    let decision = f.get("decision").cloned().unwrap_or_default();
    match ov::decide_accountability(&s.app, &auth.0, &id, &decision).await {
        Ok(i) => Ok(
            Redirect::to(&format!("/projects/{}/oversight?saved=1", i.project_id)).into_response(),
        ),
        Err(AppError::Validation(e)) => {
            let i = ov::get_incident(&s.app, &auth.0, &id).await?;
            page(&s, &auth, &i.project_id, f, e, false).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn evaluate(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    let p = records::project(&s.app, &auth.0, &id).await?;
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let targets: Vec<Target> = p.targets_parsed()?;
    let input = EvaluationInput {
        project_id: id.clone(),
        date: get("date"),
        targets: targets
            .iter()
            .enumerate()
            .map(|(k, t)| TargetResult {
                name: format!("{} {} {}", t.name, t.quantity, t.unit),
                result: get(&format!("target_{k}")),
                evidence: get(&format!("evidence_{k}")).trim().to_string(),
            })
            .collect(),
        outcome: get("outcome"),
        deadline: Some(get("deadline")),
        note: Some(get("note")),
    };
    match ov::evaluate(&s.app, &auth.0, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/oversight?saved=1")).into_response()),
        Err(AppError::Validation(e)) => page(&s, &auth, &id, f, e, false).await,
        Err(e) => Err(e.into()),
    }
}
