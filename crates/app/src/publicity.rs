//! 公开: what the programme publishes about a county for anyone, without a login — its
//! projects with the fields the county chose to publish, and its statistics (projects per
//! system and township, inspections done against required per quarter, funds disbursed
//! against the central funds, tip-offs received and answered on time). Nothing else: no
//! inspection's details, no contacts, no unpublished sanction, no tip-off's content.
//!
//! Built from the records at most every few minutes per county and kept: the page is
//! open to anyone, so a flood of requests must not become a flood of queries.

use crate::quarterly::Quarter;
use crate::{App, AppError};
use chrono::{DateTime, Utc};
use jianguan_domain::rules::facts::Tally;
use jianguan_domain::{System, project::ProjectStatus};
use jianguan_store::entity::{
    county, disbursement, enterprise, programme, progress_report, project, tipoff,
};
use jianguan_store::sea::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// The project fields a county may publish, in the order of the table: (code, heading).
pub const FIELDS: [(&str, &str); 7] = [
    ("name", "项目名称"),
    ("enterprise", "承办企业"),
    ("system", "体系"),
    ("township", "乡镇"),
    ("central_funds", "中央财政资金（元）"),
    ("progress", "建设进度"),
    ("state", "状态"),
];

/// How long a built page is kept before the records are read again.
const KEEP: chrono::Duration = chrono::Duration::minutes(5);
/// Quarters the statistics look back over.
const QUARTERS: usize = 4;

/// One project as the public sees it: only the fields published are `Some`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct PublicProject {
    pub name: Option<String>,
    pub enterprise: Option<String>,
    pub system: Option<String>,
    pub township: Option<String>,
    pub central_funds_fen: Option<i64>,
    /// Cumulative percent of the latest progress report.
    pub progress: Option<f64>,
    pub state: Option<String>,
}

/// A quarter's line of the statistics.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct QuarterLine {
    pub quarter: String,
    pub inspections_required: u32,
    pub inspections_done: u32,
    pub tipoffs_received: u32,
    pub tipoffs_answered_on_time: u32,
}

/// Everything the county's public page shows.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CountyPage {
    pub county: String,
    pub code: String,
    pub programmes: Vec<String>,
    /// The codes of [`FIELDS`] the county publishes.
    pub fields: Vec<String>,
    pub projects: Vec<PublicProject>,
    pub by_system: Vec<(String, u32)>,
    pub by_township: Vec<(String, u32)>,
    /// Per system: central funds and confirmed disbursements, in 分.
    pub funds: Vec<(String, i64, i64)>,
    pub quarters: Vec<QuarterLine>,
    pub as_of: DateTime<Utc>,
}

/// Pages built, per county, with when.
#[derive(Clone, Default)]
pub struct Cache(Arc<Mutex<HashMap<String, Arc<CountyPage>>>>);

/// The fields a county publishes: its choice, or all of them.
pub fn published(c: &county::Model) -> Vec<String> {
    c.public_fields
        .as_deref()
        .and_then(|f| serde_json::from_str::<Vec<String>>(f).ok())
        .map(|v| {
            FIELDS
                .iter()
                .filter(|(code, _)| v.iter().any(|x| x == code))
                .map(|(c, _)| c.to_string())
                .collect()
        })
        .unwrap_or_else(|| FIELDS.iter().map(|(c, _)| c.to_string()).collect())
}

/// The county's public page, from the cache while it is fresh.
pub async fn county_page(app: &App, code: &str) -> Result<Arc<CountyPage>, AppError> {
    let now = app.now();
    let cached = app
        .public_pages
        .0
        .lock()
        .map_err(|_| AppError::bug("public page cache poisoned"))?
        .get(code)
        .filter(|p| now - p.as_of < KEEP)
        .cloned();
    if let Some(p) = cached {
        return Ok(p);
    }
    let page = Arc::new(build(app, code).await?);
    app.public_pages
        .0
        .lock()
        .map_err(|_| AppError::bug("public page cache poisoned"))?
        .insert(code.to_string(), page.clone());
    Ok(page)
}

/// Forgets a county's built page (its published fields changed).
pub fn forget(app: &App, code: &str) {
    if let Ok(mut m) = app.public_pages.0.lock() {
        m.remove(code);
    }
}

async fn build(app: &App, code: &str) -> Result<CountyPage, AppError> {
    let db = app.store.reader();
    let c = jianguan_store::queries::county(db, code)
        .await?
        .ok_or(AppError::NotFound)?;
    let fields = published(&c);
    let has = |f: &str| fields.iter().any(|x| x == f);
    let programmes = programme::Entity::find()
        .filter(programme::Column::CountyCode.eq(code))
        .filter(programme::Column::VoidedAt.is_null())
        .all(db)
        .await?;
    let projects = project::Entity::find()
        .filter(project::Column::CountyCode.eq(code))
        .filter(project::Column::VoidedAt.is_null())
        .order_by_asc(project::Column::Township)
        .order_by_asc(project::Column::Name)
        .all(db)
        .await?;
    let enterprises: HashMap<String, String> = enterprise::Entity::find()
        .filter(enterprise::Column::CountyCode.eq(code))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    let mut progress: HashMap<String, f64> = HashMap::new();
    for r in progress_report::Entity::find()
        .filter(progress_report::Column::CountyCode.eq(code))
        .filter(progress_report::Column::VoidedAt.is_null())
        .order_by_asc(progress_report::Column::ReportDate)
        .all(db)
        .await?
    {
        progress.insert(r.project_id, r.cumulative_percent); // the latest wins
    }
    let paid: Vec<disbursement::Model> = disbursement::Entity::find()
        .filter(disbursement::Column::CountyCode.eq(code))
        .filter(disbursement::Column::VoidedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .filter(disbursement::Model::confirmed)
        .collect();

    let system_of = |p: &project::Model| System::parse(&p.system).map_or("其他", System::label);
    let mut by_system: BTreeMap<String, u32> = BTreeMap::new();
    let mut by_township: BTreeMap<String, u32> = BTreeMap::new();
    let mut funds: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for p in &projects {
        *by_system.entry(system_of(p).into()).or_default() += 1;
        *by_township.entry(p.township.clone()).or_default() += 1;
        let f = funds.entry(system_of(p).into()).or_default();
        f.0 += p.central_funds_fen;
        f.1 += paid
            .iter()
            .filter(|d| d.project_id == p.id)
            .map(|d| d.amount_fen)
            .sum::<i64>();
    }
    let public_projects = projects
        .iter()
        .map(|p| PublicProject {
            name: has("name").then(|| p.name.clone()),
            enterprise: has("enterprise").then(|| {
                enterprises
                    .get(&p.enterprise_id)
                    .cloned()
                    .unwrap_or_default()
            }),
            system: has("system").then(|| system_of(p).to_string()),
            township: has("township").then(|| p.township.clone()),
            central_funds_fen: has("central_funds").then_some(p.central_funds_fen),
            progress: if has("progress") {
                progress.get(&p.id).copied()
            } else {
                None
            },
            state: has("state").then(|| {
                ProjectStatus::parse(&p.status)
                    .map_or("", ProjectStatus::label)
                    .to_string()
            }),
        })
        .collect();
    Ok(CountyPage {
        county: c.name.clone(),
        code: c.code.clone(),
        programmes: programmes.into_iter().map(|p| p.name).collect(),
        fields,
        projects: public_projects,
        by_system: by_system.into_iter().collect(),
        by_township: by_township.into_iter().collect(),
        funds: funds.into_iter().map(|(k, (a, b))| (k, a, b)).collect(),
        quarters: quarters(app, code).await?,
        as_of: app.now(),
    })
}

/// The last quarters, oldest first: inspections as the quota rules count them (so the
/// public figure is the docket's), tip-offs received and those answered in time.
async fn quarters(app: &App, code: &str) -> Result<Vec<QuarterLine>, AppError> {
    let db = app.store.reader();
    let today = app.today();
    let mut list = Vec::new();
    let mut q = Quarter::of(today);
    for _ in 0..QUARTERS {
        list.push(q);
        q = if q.q == 1 {
            Quarter {
                year: q.year - 1,
                q: 4,
            }
        } else {
            Quarter {
                year: q.year,
                q: q.q - 1,
            }
        };
    }
    list.reverse();
    let oldest = list.first().map_or(today, |q| q.start());
    let tips = tipoff::Entity::find()
        .filter(tipoff::Column::CountyCode.eq(code))
        .filter(tipoff::Column::VoidedAt.is_null())
        .filter(tipoff::Column::ReceivedOn.gte(oldest))
        .all(db)
        .await?;
    let reply_days = chrono::Days::new(u64::from(app.profile.thresholds.tipoff_reply_days));
    let mut out = Vec::new();
    for q in list {
        let as_of = Ord::min(q.end(), today);
        let facts =
            jianguan_store::facts::load(db, code, Some(Tally::new(&app.profile, as_of))).await?;
        let lines = jianguan_domain::rules::quarter_quota(&facts, &app.profile, as_of, q.start());
        let in_q: Vec<&tipoff::Model> = tips
            .iter()
            .filter(|t| t.received_on >= q.start() && t.received_on <= q.end())
            .collect();
        out.push(QuarterLine {
            quarter: q.label(),
            inspections_required: lines.iter().map(|l| l.required).sum(),
            inspections_done: lines.iter().map(|l| l.done).sum(),
            tipoffs_received: in_q.len() as u32,
            tipoffs_answered_on_time: in_q
                .iter()
                .filter(|t| {
                    t.replied_on.is_some_and(|r| {
                        t.received_on
                            .checked_add_days(reply_days)
                            .is_some_and(|due| r <= due)
                    })
                })
                .count() as u32,
        });
    }
    Ok(out)
}

/// The county's administrator chooses the project fields its public page shows (the
/// project's name always among them).
pub async fn set_fields(
    app: &App,
    actor: &crate::Actor,
    code: &str,
    chosen: &[String],
) -> Result<Vec<String>, AppError> {
    actor.require(crate::Permission::Administer)?;
    actor.check_county(code)?;
    let before = jianguan_store::queries::county(app.store.reader(), code)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(x) = chosen.iter().find(|x| !FIELDS.iter().any(|(c, _)| c == x)) {
        return Err(AppError::field("fields", format!("没有可公开的字段“{x}”")));
    }
    let mut list: Vec<String> = FIELDS
        .iter()
        .filter(|(c, _)| *c == "name" || chosen.iter().any(|x| x == c))
        .map(|(c, _)| c.to_string())
        .collect();
    list.dedup();
    let after = county::Model {
        public_fields: Some(serde_json::to_string(&list)?),
        ..before.clone()
    };
    if after != before {
        let audit = crate::audit::entry(
            app,
            actor,
            code,
            ("county", code),
            "update",
            Some(&before),
            Some(&after),
        )?;
        crate::audit::update_audited(app, audit, &before, after).await?;
        forget(app, code);
    }
    Ok(list)
}

/// The page's charts, drawn on the server as SVG: (caption, drawing).
pub fn charts(p: &CountyPage) -> Vec<(String, String)> {
    use jianguan_documents::chart::{Group, grouped_bars};
    let count = |list: &[(String, u32)]| -> Vec<Group> {
        list.iter()
            .map(|(label, n)| Group {
                label: label.clone(),
                values: vec![(i64::from(*n), format!("{n} 个"))],
            })
            .collect()
    };
    let yuan = |fen: i64| format!("{:.2} 万元", fen as f64 / 1_000_000.0);
    let funds: Vec<Group> = p
        .funds
        .iter()
        .map(|(label, planned, paid)| Group {
            label: label.clone(),
            values: vec![(*planned, yuan(*planned)), (*paid, yuan(*paid))],
        })
        .collect();
    let inspections: Vec<Group> = p
        .quarters
        .iter()
        .map(|q| Group {
            label: q.quarter.clone(),
            values: vec![
                (
                    i64::from(q.inspections_required),
                    format!("应检查 {} 次", q.inspections_required),
                ),
                (
                    i64::from(q.inspections_done),
                    format!("已检查 {} 次", q.inspections_done),
                ),
            ],
        })
        .collect();
    let tipoffs: Vec<Group> = p
        .quarters
        .iter()
        .map(|q| Group {
            label: q.quarter.clone(),
            values: vec![
                (
                    i64::from(q.tipoffs_received),
                    format!("收到 {} 件", q.tipoffs_received),
                ),
                (
                    i64::from(q.tipoffs_answered_on_time),
                    format!("按时答复 {} 件", q.tipoffs_answered_on_time),
                ),
            ],
        })
        .collect();
    vec![
        (
            "各体系项目数".into(),
            grouped_bars("各体系项目数", &["项目"], &count(&p.by_system)),
        ),
        (
            "各乡镇项目数".into(),
            grouped_bars("各乡镇项目数", &["项目"], &count(&p.by_township)),
        ),
        (
            "各季度监督检查：应检查与已检查".into(),
            grouped_bars("各季度监督检查", &["应检查", "已检查"], &inspections),
        ),
        (
            "中央财政资金：安排与已拨付".into(),
            grouped_bars("中央财政资金", &["安排", "已拨付"], &funds),
        ),
        (
            "群众举报：收到与按时答复".into(),
            grouped_bars("群众举报", &["收到", "按时答复"], &tipoffs),
        ),
    ]
}
