use super::{Layout, PageResult, layout, money, render};
use crate::AppState;
use crate::auth::Auth;
use crate::routes::Routes;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use jianguan_app::Permission::*;
use jianguan_app::records;
use jianguan_domain::project::ProjectStatus;
use jianguan_domain::rules::Party;
use jianguan_domain::sanction::{SanctionKind, SanctionState};
use jianguan_domain::{DateRange, System, format_cn_date};
use jianguan_store::queries::ListFilter;

/// This area's pages, with who may use each.
pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/", Authenticated, show)
}

pub struct ProgrammeView {
    pub name: String,
    pub plan_document: Option<String>,
    pub period: String,
    pub budget: String,
    pub responsible_person: String,
}

pub struct SystemRow {
    pub code: &'static str,
    pub label: &'static str,
    pub count: usize,
    pub funds: String,
}

pub struct EndingRow {
    pub id: String,
    pub name: String,
    pub enterprise: String,
    pub construction_end: String,
    pub status: String,
}

pub struct DocketSummary {
    pub critical: usize,
    pub serious: usize,
    pub warning: usize,
    pub due_soon: Vec<(String, String, String)>,
}

/// What a contractor sees first: its projects, what is due this month and overdue, open
/// rectification orders, and how its recent submissions were reviewed.
pub struct ContractorView {
    pub projects: Vec<(String, String, String)>,
    pub due: Vec<(String, String, String)>,
    pub overdue: Vec<(String, String, String)>,
    pub orders: Vec<(String, String, String, bool)>,
    pub reviews: Vec<(String, String, &'static str, String)>,
}

/// What waits for the responsible person's decision, shown to him first: proposed
/// sanctions, and the findings the profile gives him to act on.
pub struct DecisionsView {
    /// (id, kind, enterprise, facts)
    pub sanctions: Vec<(String, &'static str, String, String)>,
    /// (id, severity, message)
    pub findings: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    decisions: Option<DecisionsView>,
    contractor: Option<ContractorView>,
    layout: Layout,
    heading: String,
    docket: DocketSummary,
    programme: Option<ProgrammeView>,
    enterprise_count: u64,
    project_count: u64,
    funds_total: String,
    under_construction: usize,
    systems: Vec<SystemRow>,
    ending: Vec<EndingRow>,
}

pub async fn show(State(s): State<AppState>, Auth(a, c): Auth) -> PageResult {
    let app = &s.app;
    let all = ListFilter {
        limit: 500,
        ..Default::default()
    };
    let projects = records::projects(app, &a, &all).await?;
    let enterprises = records::enterprises(
        app,
        &a,
        &ListFilter {
            limit: 1,
            ..Default::default()
        },
    )
    .await?;
    let programme = records::programmes(app, &a)
        .await?
        .into_iter()
        .next()
        .map(|p| ProgrammeView {
            name: p.name,
            plan_document: p.plan_document,
            period: format!(
                "{} 至 {}",
                format_cn_date(p.period_start),
                format_cn_date(p.period_end)
            ),
            budget: money(p.budget_fen),
            responsible_person: p.responsible_person,
        });
    let systems = System::ALL
        .iter()
        .map(|sys| {
            let of: Vec<_> = projects
                .items
                .iter()
                .filter(|p| p.system == sys.code())
                .collect();
            SystemRow {
                code: sys.code(),
                label: sys.label(),
                count: of.len(),
                funds: money(of.iter().map(|p| p.central_funds_fen).sum()),
            }
        })
        .collect();
    let today = app.today();
    let window = DateRange::new(today, today + chrono::Days::new(60)).ok();
    let mut ending: Vec<_> = projects
        .items
        .iter()
        .filter(|p| {
            p.status == ProjectStatus::UnderConstruction.code()
                || p.status == ProjectStatus::Planned.code()
        })
        .filter(|p| window.is_some_and(|w| w.contains(p.construction_end)))
        .collect();
    ending.sort_by_key(|p| p.construction_end);
    let ids: Vec<String> = ending.iter().map(|p| p.enterprise_id.clone()).collect();
    let names = jianguan_store::queries::enterprise_names(app.store.reader(), &ids)
        .await
        .map_err(jianguan_app::AppError::from)?;
    let ending = ending
        .into_iter()
        .map(|p| EndingRow {
            id: p.id.clone(),
            name: p.name.clone(),
            enterprise: names.get(&p.enterprise_id).cloned().unwrap_or_default(),
            construction_end: p.construction_end.to_string(),
            status: ProjectStatus::parse(&p.status)
                .map(|s| s.label())
                .unwrap_or_default()
                .into(),
        })
        .collect();
    let open = jianguan_app::docket::list(app, &a, &Default::default()).await?;
    let count = |sev: &str| open.rows.iter().filter(|f| f.severity == sev).count();
    let mut top: Vec<_> = open
        .rows
        .iter()
        .filter(|f| f.severity == "critical" || f.severity == "serious")
        .collect();
    top.truncate(5);
    let docket = DocketSummary {
        critical: count("critical"),
        serious: count("serious"),
        warning: count("warning"),
        due_soon: top
            .iter()
            .map(|f| (f.id.clone(), f.severity.clone(), f.message.clone()))
            .collect(),
    };
    let decisions = if a.role == jianguan_app::Role::Chief {
        let proposed = jianguan_app::sanctions::list(app, &a)
            .await?
            .into_iter()
            .filter(|x| SanctionState::Proposed.code() == x.state)
            .collect::<Vec<_>>();
        let ids: Vec<String> = proposed.iter().map(|x| x.enterprise_id.clone()).collect();
        let names = jianguan_store::queries::enterprise_names(app.store.reader(), &ids)
            .await
            .map_err(jianguan_app::AppError::from)?;
        let mine = jianguan_app::docket::list(
            app,
            &a,
            &jianguan_app::docket::DocketFilter {
                acts: Some(Party::Chief.code().into()),
                ..Default::default()
            },
        )
        .await?;
        Some(DecisionsView {
            sanctions: proposed
                .into_iter()
                .map(|x| {
                    (
                        x.id,
                        SanctionKind::parse(&x.kind).map_or("", SanctionKind::label),
                        names.get(&x.enterprise_id).cloned().unwrap_or_default(),
                        x.facts,
                    )
                })
                .collect(),
            findings: mine
                .rows
                .iter()
                .map(|f| (f.id.clone(), f.severity.clone(), f.message.clone()))
                .collect(),
        })
    } else {
        None
    };
    let contractor = if a.role == jianguan_app::Role::Contractor {
        let month_end = jianguan_domain::rules::calendar::month_end(today);
        let line = |f: &&jianguan_store::entity::finding::Model| {
            (
                f.id.clone(),
                f.due.map(format_cn_date).unwrap_or_default(),
                f.message.clone(),
            )
        };
        let names: std::collections::HashMap<String, String> = projects
            .items
            .iter()
            .map(|p| (p.id.clone(), p.name.clone()))
            .collect();
        Some(ContractorView {
            projects: projects
                .items
                .iter()
                .filter(|p| p.voided_at.is_none())
                .map(|p| {
                    (
                        p.id.clone(),
                        p.name.clone(),
                        ProjectStatus::parse(&p.status)
                            .map(|s| s.label())
                            .unwrap_or_default()
                            .to_string(),
                    )
                })
                .collect(),
            due: open
                .rows
                .iter()
                .filter(|f| f.due.is_some_and(|d| today <= d && d <= month_end))
                .map(|f| line(&f))
                .collect(),
            overdue: open
                .rows
                .iter()
                .filter(|f| f.due.is_some_and(|d| d < today))
                .map(|f| line(&f))
                .collect(),
            orders: jianguan_app::rectification::list(app, &a, true)
                .await?
                .into_iter()
                .map(|o| {
                    (
                        o.id,
                        o.title,
                        format_cn_date(o.deadline),
                        o.deadline < today,
                    )
                })
                .collect(),
            reviews: jianguan_app::reporting::queue(app, &a)
                .await?
                .into_iter()
                .take(5)
                .map(|r| {
                    let what = format!(
                        "{}·{}",
                        names.get(&r.project_id).cloned().unwrap_or_default(),
                        if r.kind == jianguan_app::reporting::PLAN {
                            "进度计划"
                        } else {
                            "进度报告"
                        }
                    );
                    (
                        r.project_id,
                        what,
                        jianguan_domain::reporting::Review::parse(&r.state)
                            .map_or("", |x| x.label()),
                        r.note.unwrap_or_default(),
                    )
                })
                .collect(),
        })
    } else {
        None
    };
    let page = HomePage {
        decisions,
        contractor,
        docket,
        layout: layout(&s, &a, c.csrf.as_deref().unwrap_or_default(), "概览", "/").await,
        heading: if a.enterprise_id.is_some() {
            "本企业概览".into()
        } else {
            "项目概览".into()
        },
        programme,
        enterprise_count: enterprises.total,
        project_count: projects.total,
        funds_total: money(projects.items.iter().map(|p| p.central_funds_fen).sum()),
        under_construction: projects
            .items
            .iter()
            .filter(|p| p.status == ProjectStatus::UnderConstruction.code())
            .count(),
        systems,
        ending,
    };
    Ok(render(StatusCode::OK, &page))
}
