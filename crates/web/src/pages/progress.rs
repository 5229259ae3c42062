//! A project's progress: plan versions side by side, planned vs actual as a server-drawn
//! SVG S-curve, the monthly reports with their reviews; the contractor's forms to hand in
//! plans and reports, the inspector's to review them; and the county's review queue.

use super::{Layout, PageResult, cn_time, layout, render};
use crate::AppState;
use crate::auth::Auth;
use crate::routes::Routes;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use chrono::NaiveDate;
use jianguan_app::Permission::*;
use jianguan_app::reporting::{self as rep, PLAN};
use jianguan_app::{AppError, Role, records};
use jianguan_domain::FieldErrors;
use jianguan_domain::reporting::{PlanInput, ReportInput, Review};
use std::collections::HashMap;

/// This area's pages, with who may use each.
pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/projects/{id}/progress", ReadRecords, show)
        .post("/projects/{id}/plans", HandIn, propose_plan)
        .post("/projects/{id}/reports", HandIn, submit_report)
        .post_large(
            "/progress-reports/{id}/photos",
            HandIn,
            super::UPLOAD_LIMIT,
            upload,
        )
        .get("/reviews", ReadRecords, queue)
        .post("/reviews/{id}", Supervise, review)
}

pub struct PlanView {
    pub version: i64,
    pub effective_from: String,
    pub status: &'static str,
    pub milestones: Vec<String>,
}

pub struct ReviewView {
    pub id: String,
    pub what: String,
    pub submitted: String,
    pub state: &'static str,
    pub pending: bool,
    pub note: String,
    pub explanation: String,
}

pub struct ReportView {
    pub id: String,
    pub photos: Vec<super::uploads::PhotoView>,
    pub month: String,
    pub percent: String,
    pub narrative: String,
    pub superseded: String,
    pub submitted_on: String,
}

#[derive(Template)]
#[template(path = "progress.html")]
struct Page {
    layout: Layout,
    project_id: String,
    project: String,
    plans: Vec<PlanView>,
    chart: String,
    reports: Vec<ReportView>,
    reviews: Vec<ReviewView>,
    is_contractor: bool,
    is_staff: bool,
    form: HashMap<String, String>,
    errors: FieldErrors,
    saved: bool,
}

fn plan_status(code: &str) -> &'static str {
    match code {
        "approved" => "已批准",
        "proposed" => "待审核",
        "rejected" => "未批准",
        _ => "",
    }
}

/// Planned (the latest approved plan) and actual (live reports) cumulative percent over
/// time, as an SVG the page embeds. Only numbers and dates go into it.
fn s_curve(
    start: NaiveDate,
    end: NaiveDate,
    planned: &[(NaiveDate, f64)],
    actual: &[(NaiveDate, f64)],
) -> String {
    let (w, h, left, top, bottom) = (640.0, 260.0, 40.0, 10.0, 30.0);
    let last = planned
        .iter()
        .chain(actual)
        .map(|x| x.0)
        .max()
        .unwrap_or(end)
        .max(end);
    let span = (last - start).num_days().max(1) as f64;
    let x = |d: NaiveDate| left + (d - start).num_days().max(0) as f64 / span * (w - left - 10.0);
    let y = |p: f64| top + (100.0 - p) / 100.0 * (h - top - bottom);
    let line = |pts: &[(NaiveDate, f64)]| {
        pts.iter()
            .map(|(d, p)| format!("{:.1},{:.1}", x(*d), y(*p)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut svg = format!(
        r##"<svg class="s-curve" viewBox="0 0 {w} {h}" role="img" aria-label="计划与实际累计进度"><rect x="{left}" y="{top}" width="{}" height="{}" fill="#fff" stroke="#ccc"/>"##,
        w - left - 10.0,
        h - top - bottom
    );
    for p in [0.0, 50.0, 100.0] {
        svg.push_str(&format!(
            r##"<text x="{}" y="{:.1}" font-size="11" text-anchor="end">{p:.0}%</text><line x1="{left}" x2="{}" y1="{:.1}" y2="{:.1}" stroke="#eee"/>"##,
            left - 4.0,
            y(p) + 4.0,
            w - 10.0,
            y(p),
            y(p)
        ));
    }
    svg.push_str(&format!(
        r##"<text x="{left}" y="{}" font-size="11">{start}</text><text x="{}" y="{}" font-size="11" text-anchor="end">{last}</text>"##,
        h - 10.0,
        w - 10.0,
        h - 10.0
    ));
    if !planned.is_empty() {
        let mut pts = vec![(start, 0.0)];
        pts.extend_from_slice(planned);
        svg.push_str(&format!(r##"<polyline data-series="planned" points="{}" fill="none" stroke="#888" stroke-width="2" stroke-dasharray="6 4"/>"##, line(&pts)));
    }
    if !actual.is_empty() {
        svg.push_str(&format!(r##"<polyline data-series="actual" points="{}" fill="none" stroke="#b22222" stroke-width="2.5"/>"##, line(actual)));
        for (d, p) in actual {
            svg.push_str(&format!(
                r##"<circle cx="{:.1}" cy="{:.1}" r="3" fill="#b22222"/>"##,
                x(*d),
                y(*p)
            ));
        }
    }
    svg.push_str(r##"<text x="50" y="24" font-size="11" fill="#888">- - 计划</text><text x="110" y="24" font-size="11" fill="#b22222">— 实际</text></svg>"##);
    svg
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
    let plans = rep::plans(&s.app, a, id).await?;
    let reports = rep::reports(&s.app, a, id).await?;
    let reviews = rep::project_reviews(&s.app, a, id).await?;
    let baseline = plans.iter().rev().find(|x| x.status == "approved");
    let planned: Vec<(NaiveDate, f64)> = match baseline {
        Some(b) => b
            .milestones_parsed()?
            .iter()
            .map(|m| (m.date, m.percent))
            .collect(),
        None => Vec::new(),
    };
    let mut actual: Vec<(NaiveDate, f64)> = reports
        .iter()
        .filter(|r| r.voided_at.is_none())
        .map(|r| (r.report_date, r.cumulative_percent))
        .collect();
    actual.sort_by_key(|x| x.0);
    let months: HashMap<String, String> = reports
        .iter()
        .map(|r| (r.id.clone(), r.month.format("%Y年%-m月").to_string()))
        .collect();
    let versions: HashMap<String, i64> = plans.iter().map(|x| (x.id.clone(), x.version)).collect();
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
                "进度",
                "/projects",
            )
            .await,
            project_id: p.id.clone(),
            project: p.name.clone(),
            chart: s_curve(p.construction_start, p.construction_end, &planned, &actual),
            plans: plans
                .iter()
                .map(|x| {
                    Ok(PlanView {
                        version: x.version,
                        effective_from: x.effective_from.to_string(),
                        status: plan_status(&x.status),
                        milestones: x
                            .milestones_parsed()?
                            .iter()
                            .map(|m| format!("{} {}% {}", m.date, m.percent, m.description))
                            .collect(),
                    })
                })
                .collect::<Result<_, AppError>>()?,
            reports: {
                let mut views = Vec::new();
                for r in &reports {
                    views.push(super::uploads::photo_views(
                        jianguan_app::evidence::photos(&s.app, "progress_report", &r.id).await?,
                    )?);
                }
                reports
                    .iter()
                    .zip(views)
                    .map(|(r, photos)| ReportView {
                        id: r.id.clone(),
                        photos,
                        month: r.month.format("%Y年%-m月").to_string(),
                        percent: format!("{}%", r.cumulative_percent),
                        narrative: r.narrative.clone().unwrap_or_default(),
                        superseded: r
                            .void_reason
                            .clone()
                            .filter(|_| r.voided_at.is_some())
                            .unwrap_or_default(),
                        submitted_on: r.submitted_on.to_string(),
                    })
                    .collect()
            },
            reviews: reviews
                .iter()
                .map(|r| {
                    let state = Review::parse(&r.state).unwrap_or(Review::Submitted);
                    ReviewView {
                        id: r.id.clone(),
                        what: if r.kind == PLAN {
                            format!(
                                "进度计划第 {} 版",
                                versions.get(&r.record_id).copied().unwrap_or(r.version)
                            )
                        } else {
                            format!(
                                "{}进度报告（第 {} 版）",
                                months.get(&r.record_id).cloned().unwrap_or_default(),
                                r.version
                            )
                        },
                        submitted: cn_time(r.submitted_at),
                        state: state.label(),
                        pending: state == Review::Submitted,
                        note: r.note.clone().unwrap_or_default(),
                        explanation: r.explanation.clone().unwrap_or_default(),
                    }
                })
                .collect(),
            is_contractor: a.role == Role::Contractor,
            is_staff: a.role.supervises(),
            form,
            errors,
            saved,
        },
    ))
}

pub async fn show(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<super::SavedQuery>,
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

fn get(f: &HashMap<String, String>, k: &str) -> String {
    f.get(k).cloned().unwrap_or_default()
}

pub async fn propose_plan(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    let input = PlanInput {
        project_id: id.clone(),
        effective_from: get(&f, "effective_from"),
        milestones: get(&f, "milestones"),
        note: Some(get(&f, "note")),
    };
    match rep::propose_plan(&s.app, &auth.0, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/progress?saved=1")).into_response()),
        Err(AppError::Validation(e)) => page(&s, &auth, &id, f, e, false).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn submit_report(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    let input = ReportInput {
        project_id: id.clone(),
        month: get(&f, "month"),
        cumulative_percent: get(&f, "cumulative_percent"),
        narrative: get(&f, "narrative"),
        explanation: Some(get(&f, "explanation")),
    };
    match rep::submit_report(&s.app, &auth.0, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/progress?saved=1")).into_response()),
        Err(AppError::Validation(e)) => page(&s, &auth, &id, f, e, false).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn review(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    match rep::review(&s.app, &auth.0, &id, &get(&f, "verdict"), &get(&f, "note")).await {
        Ok(r) => {
            // Back to the queue when reviewed from there; else to the subject's page.
            let to = if get(&f, "back") == "/reviews" {
                "/reviews?saved=1".to_string()
            } else {
                format!("{}?saved=1", rep::review_link(&r))
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub struct QueueRow {
    pub what: String,
    pub project: String,
    pub enterprise: String,
    pub link: String,
    pub submitted: String,
    pub state: &'static str,
}

#[derive(Template)]
#[template(path = "reviews.html")]
struct QueuePage {
    layout: Layout,
    rows: Vec<QueueRow>,
    heading: &'static str,
    empty: &'static str,
}

/// What the review queue is to each reader: the bureau reviews, a contractor follows its
/// own submissions, an auditor reads what was handed in.
pub(crate) fn review_heading(role: Role) -> &'static str {
    if role.supervises() {
        "待审核"
    } else if role == Role::Contractor {
        "我的提交"
    } else {
        "报送材料"
    }
}

/// The review queue: what awaits review in the county (a contractor: its own recent ones).
pub async fn queue(State(s): State<AppState>, Auth(a, c): Auth) -> PageResult {
    let items = rep::queue(&s.app, &a).await?;
    let projects = jianguan_app::inspections::projects(&s.app, &a).await?;
    let enterprise_ids: Vec<String> = projects.iter().map(|p| p.enterprise_id.clone()).collect();
    let enterprises =
        jianguan_store::queries::enterprise_names(s.app.store.reader(), &enterprise_ids)
            .await
            .map_err(jianguan_app::AppError::from)?;
    // Project id → (project name, enterprise name): the reviewer sees whose material it is.
    let names: HashMap<String, (String, String)> = projects
        .into_iter()
        .map(|p| {
            let enterprise = enterprises
                .get(&p.enterprise_id)
                .cloned()
                .unwrap_or_default();
            (p.id, (p.name, enterprise))
        })
        .collect();
    let rows = items
        .into_iter()
        .map(|r| {
            let state = Review::parse(&r.state).unwrap_or(Review::Submitted);
            QueueRow {
                what: format!("{}（第 {} 版）", rep::kind_label(&r.kind), r.version),
                project: names
                    .get(&r.project_id)
                    .map(|n| n.0.clone())
                    .unwrap_or_default(),
                enterprise: names
                    .get(&r.project_id)
                    .map(|n| n.1.clone())
                    .unwrap_or_default(),
                link: rep::review_link(&r),
                submitted: cn_time(r.submitted_at),
                state: state.label(),
            }
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &QueuePage {
            layout: layout(
                &s,
                &a,
                c.csrf.as_deref().unwrap_or_default(),
                "审核",
                "/reviews",
            )
            .await,
            rows,
            heading: review_heading(a.role),
            empty: if a.role.supervises() {
                "没有待审核的材料。"
            } else {
                "暂无报送材料。"
            },
        },
    ))
}

/// Photos attached to a progress report, by the contractor, before it is approved.
pub async fn upload(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    m: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    // Someone else's report is "not found".
    let report = jianguan_app::reporting::report(&s.app, &auth.0, &id).await?;
    records::project(&s.app, &auth.0, &report.project_id).await?;
    let result =
        async { super::uploads::save_uploads(&s, &auth.0, "progress_report", &id, m).await }.await;
    match result {
        Ok(()) => Ok(
            Redirect::to(&format!("/projects/{}/progress?saved=1", report.project_id))
                .into_response(),
        ),
        Err(AppError::Validation(e)) => {
            page(&s, &auth, &report.project_id, HashMap::new(), e, false).await
        }
        Err(e) => Err(e.into()),
    }
}
