//! 生产/质量事故 and 绩效评价 (一（三）, 二（五）): an accident and the accountability
//! decided for it; a performance evaluation against the project's construction
//! requirements, whose outcome moves the project: accepted (and paid), acceptance
//! deferred, or rectification with a deadline.

use crate::audit::{entry, insert_audited};
use crate::secrets::new_id;
use crate::{Actor, App, AppError, Role};
use jianguan_domain::FieldErrors;
use jianguan_domain::project::ProjectStatus;
use jianguan_store::entity::{incident, performance_evaluation as evaluation, project};
use jianguan_store::scoped;
use jianguan_store::sea::{ColumnTrait, QueryFilter, QueryOrder};

fn staff(actor: &Actor) -> Result<(), AppError> {
    if actor.role.supervises() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn live_project(app: &App, actor: &Actor, id: &str) -> Result<project::Model, AppError> {
    scoped::one::<project::Entity>(app.store.reader(), &actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)
}

fn past_date(
    e: &mut FieldErrors,
    field: &str,
    label: &str,
    value: &str,
    today: chrono::NaiveDate,
) -> Option<chrono::NaiveDate> {
    match jianguan_domain::dates::parse_date(value) {
        Ok(d) if d > today => {
            e.add(field, format!("{label}不能晚于今天"));
            None
        }
        Ok(d) => Some(d),
        Err(m) => {
            e.add(field, format!("{label}：{m}"));
            None
        }
    }
}

pub async fn incidents(
    app: &App,
    actor: &Actor,
    project_id: &str,
) -> Result<Vec<incident::Model>, AppError> {
    live_project(app, actor, project_id).await?;
    Ok(scoped::find::<incident::Entity>(&actor.scope())
        .filter(incident::Column::ProjectId.eq(project_id))
        .order_by_desc(incident::Column::Date)
        .all(app.store.reader())
        .await?)
}

/// Records a major production or quality accident (一（三）).
pub async fn record_incident(
    app: &App,
    actor: &Actor,
    project_id: &str,
    date: &str,
    summary: &str,
) -> Result<incident::Model, AppError> {
    let p = live_project(app, actor, project_id).await?;
    staff(actor)?;
    let mut e = FieldErrors::new();
    let date = past_date(&mut e, "date", "事故日期", date, app.today());
    let summary = e.required_text("summary", "事故经过", summary, 5000);
    let (Some(date), true) = (date, e.is_empty()) else {
        return Err(AppError::Validation(e));
    };
    let now = app.now();
    let m = incident::Model {
        id: new_id(),
        county_code: p.county_code.clone(),
        project_id: p.id,
        date,
        summary,
        accountability_decided_on: None,
        decision: None,
        created_at: now,
        updated_at: now,
        voided_at: None,
        void_reason: None,
    };
    let audit = entry(
        app,
        actor,
        &m.county_code,
        ("incident", &m.id),
        "create",
        None,
        Some(&m),
    )?;
    insert_audited(app, audit, m.clone()).await?;
    crate::docket::refresh_after_change(app, &m.county_code).await?;
    Ok(m)
}

/// An accident the actor may see (within its project's scope).
pub async fn get_incident(app: &App, actor: &Actor, id: &str) -> Result<incident::Model, AppError> {
    let i = scoped::one::<incident::Entity>(app.store.reader(), &actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    live_project(app, actor, &i.project_id).await?;
    Ok(i)
}

/// The responsible person records the accountability decided for an accident.
pub async fn decide_accountability(
    app: &App,
    actor: &Actor,
    id: &str,
    decision: &str,
) -> Result<incident::Model, AppError> {
    let before = get_incident(app, actor, id).await?;
    if actor.role != Role::Chief {
        return Err(AppError::Forbidden);
    }
    if before.accountability_decided_on.is_some() {
        return Err(AppError::Conflict("该事故已作出追责决定".into()));
    }
    let mut e = FieldErrors::new();
    let decision = e.required_text("decision", "追责决定", decision, 5000);
    if !e.is_empty() {
        return Err(AppError::Validation(e));
    }
    let after = incident::Model {
        accountability_decided_on: Some(app.today()),
        decision: Some(decision),
        updated_at: app.now(),
        ..before.clone()
    };
    let audit = entry(
        app,
        actor,
        &before.county_code,
        ("incident", id),
        "decide",
        Some(&before),
        Some(&after),
    )?;
    crate::audit::update_audited(app, audit, &before, after.clone()).await?;
    crate::docket::refresh_after_change(app, &before.county_code).await?;
    Ok(after)
}

/// One construction requirement as judged: met / partly / not, with the evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TargetResult {
    pub name: String,
    pub result: String,
    #[serde(default)]
    pub evidence: String,
}

pub const TARGET_RESULTS: [(&str, &str); 3] =
    [("met", "已完成"), ("partly", "部分完成"), ("not", "未完成")];
pub const OUTCOMES: [(&str, &str); 3] = [
    ("accept", "通过验收，拨付资金"),
    ("defer", "延期验收"),
    ("rectify", "限期整改"),
];

/// What an evaluation's `details` column holds: the result per requirement and the note.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct EvaluationDetails {
    #[serde(default)]
    pub targets: Vec<TargetResult>,
    #[serde(default)]
    pub note: Option<String>,
}

impl EvaluationDetails {
    pub fn of(e: &evaluation::Model) -> Result<Self, AppError> {
        Ok(jianguan_store::json::column(
            "performance_evaluations",
            &e.id,
            "details",
            &e.details,
        )?)
    }
}

/// An evaluation the actor may see.
pub async fn evaluation(app: &App, actor: &Actor, id: &str) -> Result<evaluation::Model, AppError> {
    scoped::one::<evaluation::Entity>(app.store.reader(), &actor.scope(), id)
        .await?
        .filter(|e| e.voided_at.is_none())
        .ok_or(AppError::NotFound)
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct EvaluationInput {
    pub project_id: String,
    pub date: String,
    pub targets: Vec<TargetResult>,
    pub outcome: String,
    /// For `rectify`: by when.
    #[serde(default)]
    pub deadline: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

pub async fn evaluations(
    app: &App,
    actor: &Actor,
    project_id: &str,
) -> Result<Vec<evaluation::Model>, AppError> {
    live_project(app, actor, project_id).await?;
    Ok(scoped::find::<evaluation::Entity>(&actor.scope())
        .filter(evaluation::Column::ProjectId.eq(project_id))
        .order_by_desc(evaluation::Column::Date)
        .all(app.store.reader())
        .await?)
}

/// The responsible person records an evaluation; its outcome moves the project.
pub async fn evaluate(
    app: &App,
    actor: &Actor,
    input: &EvaluationInput,
) -> Result<evaluation::Model, AppError> {
    let p = live_project(app, actor, &input.project_id).await?;
    if actor.role != Role::Chief {
        return Err(AppError::Forbidden);
    }
    let today = app.today();
    let mut e = FieldErrors::new();
    let date = past_date(&mut e, "date", "评价日期", &input.date, today);
    if input.targets.is_empty() {
        e.add("targets", "请逐项评价项目的建设要求");
    }
    for (k, t) in input.targets.iter().enumerate() {
        if jianguan_domain::inspection::label_of(&TARGET_RESULTS, &t.result).is_empty() {
            e.add(
                &format!("targets.{k}"),
                format!("请评价“{}”：已完成、部分完成或未完成", t.name),
            );
        }
    }
    let outcome = input.outcome.trim();
    if jianguan_domain::inspection::label_of(&OUTCOMES, outcome).is_empty() {
        e.add("outcome", "请选择评价结论");
    }
    let all_met = input.targets.iter().all(|t| t.result == "met");
    if outcome == "accept" && !all_met {
        e.add(
            "outcome",
            "尚有建设要求未完成，不能通过验收；请选择延期验收或限期整改",
        );
    }
    let deadline = match (
        outcome,
        input
            .deadline
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty()),
    ) {
        ("rectify", None) => {
            e.add("deadline", "限期整改请填写整改期限");
            None
        }
        ("rectify", Some(d)) => match jianguan_domain::dates::parse_date(d) {
            Ok(d) if d < today => {
                e.add("deadline", "整改期限不能早于今天");
                None
            }
            Ok(d) => Some(d),
            Err(m) => {
                e.add("deadline", format!("整改期限：{m}"));
                None
            }
        },
        _ => None,
    };
    let note = e.optional_text("note", "评价意见", input.note.as_deref(), 5000);
    let current = ProjectStatus::parse(&p.status).unwrap_or(ProjectStatus::Planned);
    let next = match outcome {
        "accept" => Some(ProjectStatus::Accepted),
        "defer" => Some(ProjectStatus::DeferredAcceptance),
        _ => None,
    };
    if let Some(n) = next
        && !current.may_become(n)
    {
        e.add(
            "outcome",
            format!("项目状态为“{}”，不能改为“{}”", current.label(), n.label()),
        );
    }
    let (Some(date), true) = (date, e.is_empty()) else {
        return Err(AppError::Validation(e));
    };
    let now = app.now();
    let m = evaluation::Model {
        id: new_id(),
        county_code: p.county_code.clone(),
        project_id: p.id.clone(),
        date,
        outcome: outcome.into(),
        details: serde_json::to_string(&serde_json::json!({
            "targets": input.targets, "note": note, "deadline": deadline,
        }))?,
        created_at: now,
        updated_at: now,
        voided_at: None,
        void_reason: None,
    };
    let mut tx = app.store.begin().await?;
    tx.insert(m.clone()).await?;
    tx.record(entry(
        app,
        actor,
        &p.county_code,
        ("performance_evaluation", &m.id),
        "create",
        None,
        Some(&m),
    )?)
    .await?;
    if let Some(n) = next {
        crate::audit::set_project_status(app, &mut tx, actor, &p, n, date, "update").await?;
    }
    tx.commit().await?;
    if let Some(deadline) = deadline {
        let unmet: Vec<String> = input
            .targets
            .iter()
            .filter(|t| t.result != "met")
            .map(|t| {
                format!(
                    "{}（{}）",
                    t.name,
                    jianguan_domain::inspection::label_of(&TARGET_RESULTS, &t.result)
                )
            })
            .collect();
        crate::rectification::issue(
            app,
            actor,
            &crate::rectification::OrderInput {
                project_id: p.id.clone(),
                title: "绩效评价限期整改".into(),
                requirements: format!(
                    "绩效评价未达到建设要求：{}。请在期限内完成整改。",
                    unmet.join("；")
                ),
                deadline: deadline.to_string(),
                source: Some(format!("evaluation:{}", m.id)),
                ..Default::default()
            },
        )
        .await?;
    } else {
        crate::docket::refresh_after_change(app, &p.county_code).await?;
    }
    Ok(m)
}
