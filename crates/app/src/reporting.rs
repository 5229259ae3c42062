//! What contractors hand in about their projects' progress (一（一）, 二（二）): progress
//! plans (进度计划表), approved by an inspector before they become the baseline, and monthly
//! progress reports (书面材料). Each version handed in has a review row; a plan or report
//! with issues is corrected by handing in a new version, the old one kept. The docket is
//! refreshed after each step, so lateness and lag show at once.

use crate::audit::entry;
use crate::notify::{is_staff, notify};
use crate::secrets::new_id;
use crate::{Actor, App, AppError, Role};
use jianguan_documents::xlsx::MetricRow;
use jianguan_domain::reporting::{DataInput, MetricSpec, PlanInput, ReportInput, Review};
use jianguan_store::entity::{
    data_report, licence, progress_plan, progress_report, project, submission_review as review,
    training_class, training_roster,
};
use jianguan_store::sea::{
    ActiveModelBehavior, ColumnTrait, EntityTrait, IntoActiveModel, ModelTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use jianguan_store::{queries, scoped};

pub const PLAN: &str = "progress_plan";
pub const REPORT: &str = "progress_report";
pub const DATA: &str = "data_report";
pub const LICENCE: &str = "licence";
pub const CLASS: &str = "training_class";
pub const CLAIM: &str = "subsidy_claim";

/// What a review is of, in words.
pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        PLAN => "进度计划",
        REPORT => "进度报告",
        DATA => "生产经营数据",
        LICENCE => "证照",
        CLASS => "培训班",
        CLAIM => "补助资金申请",
        crate::assets::REVIEW_KIND => "资产台账",
        _ => "材料",
    }
}

/// The page where a review's subject is shown.
pub fn review_link(r: &review::Model) -> String {
    match r.kind.as_str() {
        DATA => "/data-reports".into(),
        LICENCE => "/licences".into(),
        CLASS => "/training".into(),
        CLAIM => format!("/funds/claims/{}", r.record_id),
        crate::assets::REVIEW_KIND => format!("/assets/{}", r.record_id),
        _ => format!("/projects/{}/progress", r.project_id),
    }
}

async fn project_in_scope(app: &App, actor: &Actor, id: &str) -> Result<project::Model, AppError> {
    queries::project(app.store.reader(), &actor.scope(), id.trim())
        .await?
        .filter(|p| p.voided_at.is_none())
        .ok_or(AppError::NotFound)
}

/// Only the enterprise itself hands in plans and reports (and so never reviews its own).
fn require_contractor(actor: &Actor) -> Result<(), AppError> {
    if actor.role == Role::Contractor {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The review rows of a record, oldest first.
pub(crate) async fn reviews_of(app: &App, record_id: &str) -> Result<Vec<review::Model>, AppError> {
    Ok(review::Entity::find()
        .filter(review::Column::RecordId.eq(record_id))
        .order_by_asc(review::Column::SubmittedAt)
        .all(app.store.reader())
        .await?)
}

/// A record's review state; imported records (no review row) count as approved.
pub async fn state_of(app: &App, record_id: &str) -> Result<Review, AppError> {
    Ok(reviews_of(app, record_id)
        .await?
        .last()
        .and_then(|r| Review::parse(&r.state))
        .unwrap_or(Review::Approved))
}

pub async fn plans(
    app: &App,
    actor: &Actor,
    project_id: &str,
) -> Result<Vec<progress_plan::Model>, AppError> {
    project_in_scope(app, actor, project_id).await?;
    Ok(scoped::find::<progress_plan::Entity>(&actor.scope())
        .filter(progress_plan::Column::ProjectId.eq(project_id))
        .order_by_asc(progress_plan::Column::Version)
        .all(app.store.reader())
        .await?)
}

/// One live progress report the actor may see.
pub async fn report(
    app: &App,
    actor: &Actor,
    id: &str,
) -> Result<progress_report::Model, AppError> {
    scoped::one::<progress_report::Entity>(app.store.reader(), &actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Every report of a project, superseded versions included (voided, with the reason).
pub async fn reports(
    app: &App,
    actor: &Actor,
    project_id: &str,
) -> Result<Vec<progress_report::Model>, AppError> {
    project_in_scope(app, actor, project_id).await?;
    Ok(
        scoped::find_with_voided::<progress_report::Entity>(&actor.scope())
            .filter(progress_report::Column::ProjectId.eq(project_id))
            .order_by_desc(progress_report::Column::Month)
            .order_by_desc(progress_report::Column::CreatedAt)
            .all(app.store.reader())
            .await?,
    )
}

/// The reviews of a project's submissions, newest first.
pub async fn project_reviews(
    app: &App,
    actor: &Actor,
    project_id: &str,
) -> Result<Vec<review::Model>, AppError> {
    project_in_scope(app, actor, project_id).await?;
    Ok(scoped::find::<review::Entity>(&actor.scope())
        .filter(review::Column::ProjectId.eq(project_id))
        .order_by_desc(review::Column::SubmittedAt)
        .all(app.store.reader())
        .await?)
}

/// What awaits review in the actor's county (the supervision group's queue), oldest first;
/// for a contractor, its own recent submissions.
pub async fn queue(app: &App, actor: &Actor) -> Result<Vec<review::Model>, AppError> {
    let q = scoped::find::<review::Entity>(&actor.scope());
    if actor.role == Role::Contractor {
        return Ok(q
            .order_by_desc(review::Column::SubmittedAt)
            .limit(20)
            .all(app.store.reader())
            .await?);
    }
    Ok(q.filter(review::Column::State.eq(Review::Submitted.code()))
        .order_by_asc(review::Column::SubmittedAt)
        .all(app.store.reader())
        .await?)
}

/// A new version's review row, awaiting review.
pub(crate) fn review_row(
    app: &App,
    actor: &Actor,
    p: &project::Model,
    kind: &str,
    record_id: &str,
    version: i64,
) -> review::Model {
    review::Model {
        id: new_id(),
        county_code: p.county_code.clone(),
        kind: kind.into(),
        record_id: record_id.into(),
        enterprise_id: p.enterprise_id.clone(),
        project_id: p.id.clone(),
        version,
        supersedes: None,
        explanation: None,
        submitted_by: actor.user_id.clone(),
        submitted_at: app.now(),
        state: Review::Submitted.code().into(),
        note: None,
        reviewed_by: None,
        reviewed_at: None,
    }
}

/// What a contractor hands in: the new record, the version it replaces (before and after
/// voiding), its review row, and the notice to the supervision group.
pub(crate) struct HandIn<M> {
    pub kind: &'static str,
    pub id: String,
    pub record: M,
    pub replaced: Option<(String, M, M)>,
    pub review: review::Model,
    pub title: String,
    pub body: String,
    pub link: String,
}

/// Writes a hand-in in one transaction: the replaced version voided (kept), the new record
/// and its review row, the notice, the audit rows; then refreshes the docket.
pub(crate) async fn hand_in<M>(
    app: &App,
    actor: &Actor,
    county: &str,
    h: HandIn<M>,
) -> Result<(), AppError>
where
    M: ModelTrait
        + IntoActiveModel<<M::Entity as EntityTrait>::ActiveModel>
        + serde::Serialize
        + PartialEq
        + Clone,
    M::Entity: EntityTrait<Model = M>,
    <M::Entity as EntityTrait>::ActiveModel: ActiveModelBehavior + Send,
{
    let mut tx = app.store.begin().await?;
    if let Some((old_id, old, voided)) = h.replaced {
        tx.replace(&old, voided.clone()).await?;
        tx.record(entry(
            app,
            actor,
            county,
            (h.kind, &old_id),
            "supersede",
            Some(&old),
            Some(&voided),
        )?)
        .await?;
    }
    tx.insert(h.record.clone()).await?;
    tx.insert(h.review).await?;
    notify(app, &tx, county, is_staff, h.title, h.body, h.link).await?;
    tx.record(entry(
        app,
        actor,
        county,
        (h.kind, &h.id),
        "submit",
        None,
        Some(&h.record),
    )?)
    .await?;
    tx.commit().await?;
    crate::docket::refresh_after_change(app, county).await?;
    Ok(())
}

/// The contractor proposes a plan (or a new version of an approved one).
pub async fn propose_plan(
    app: &App,
    actor: &Actor,
    input: &PlanInput,
) -> Result<progress_plan::Model, AppError> {
    let p = project_in_scope(app, actor, &input.project_id).await?;
    require_contractor(actor)?;
    let existing = plans(app, actor, &p.id).await?;
    for old in &existing {
        if state_of(app, &old.id).await? == Review::Submitted {
            return Err(AppError::Conflict(format!(
                "第 {} 版进度计划正在审核，请等待审核结果后再提交新版本。",
                old.version
            )));
        }
    }
    let f = input.validate()?;
    let version = existing.iter().map(|x| x.version).max().unwrap_or(0) + 1;
    let now = app.now();
    let m = progress_plan::Model {
        id: new_id(),
        county_code: p.county_code.clone(),
        project_id: p.id.clone(),
        version,
        effective_from: f.effective_from,
        milestones: serde_json::to_string(&f.milestones)?,
        status: "proposed".into(),
        note: f.note,
        created_at: now,
        updated_at: now,
        voided_at: None,
        void_reason: None,
    };
    let supersedes = existing
        .iter()
        .rev()
        .find(|x| x.status == "approved")
        .map(|x| x.id.clone());
    let r = review::Model {
        supersedes,
        ..review_row(app, actor, &p, PLAN, &m.id, version)
    };
    hand_in(
        app,
        actor,
        &p.county_code,
        HandIn {
            kind: PLAN,
            id: m.id.clone(),
            record: m.clone(),
            replaced: None,
            review: r,
            title: format!("进度计划待审核：{}", p.name),
            body: format!("第 {version} 版进度计划已提交，请审核。"),
            link: format!("/projects/{}/progress", p.id),
        },
    )
    .await?;
    Ok(m)
}

/// The version number of a month's new submission: 1, or the next after a version that came
/// back with issues; refused while the month's submission awaits review or was approved.
async fn next_version(
    app: &App,
    same_month: Option<(&str, chrono::NaiveDate)>,
    what: &str,
) -> Result<i64, AppError> {
    let Some((id, month)) = same_month else {
        return Ok(1);
    };
    let state = state_of(app, id).await?;
    if !state.may_resubmit() {
        return Err(AppError::Conflict(format!(
            "{}{what}（{}）；如需更正，请等审核意见。",
            month.format("%Y年%-m月"),
            state.label()
        )));
    }
    Ok(reviews_of(app, id).await?.last().map_or(1, |r| r.version) + 1)
}

/// The contractor reports a month's progress, or hands in a corrected version of a report
/// that came back with issues (the old version is kept, voided with the reason; the
/// corrected one keeps the first version's submission date).
pub async fn submit_report(
    app: &App,
    actor: &Actor,
    input: &ReportInput,
) -> Result<progress_report::Model, AppError> {
    let p = project_in_scope(app, actor, &input.project_id).await?;
    require_contractor(actor)?;
    let all = reports(app, actor, &p.id).await?;
    let live: Vec<&progress_report::Model> = all.iter().filter(|r| r.voided_at.is_none()).collect();
    let month = jianguan_domain::reporting::parse_month(&input.month);
    let same = month.and_then(|m| live.iter().find(|r| r.month == m).copied());
    let version = next_version(
        app,
        same.map(|o| (o.id.as_str(), o.month)),
        "的进度报告已提交",
    )
    .await?;
    let previous = month.and_then(|m| {
        live.iter()
            .filter(|r| r.month < m)
            .max_by_key(|r| r.month)
            .map(|r| r.cumulative_percent)
    });
    let f = input.validate(app.today(), previous)?;
    let now = app.now();
    let m = progress_report::Model {
        id: new_id(),
        county_code: p.county_code.clone(),
        project_id: p.id.clone(),
        month: f.month,
        report_date: app.today(),
        submitted_on: same.map_or(app.today(), |o| o.submitted_on),
        cumulative_percent: f.cumulative_percent,
        narrative: Some(f.narrative),
        created_at: now,
        updated_at: now,
        voided_at: None,
        void_reason: None,
    };
    let r = review::Model {
        supersedes: same.map(|o| o.id.clone()),
        explanation: f.explanation,
        ..review_row(app, actor, &p, REPORT, &m.id, version)
    };
    hand_in(
        app,
        actor,
        &p.county_code,
        HandIn {
            kind: REPORT,
            id: m.id.clone(),
            record: m.clone(),
            replaced: same.map(|old| {
                let voided = progress_report::Model {
                    voided_at: Some(now),
                    void_reason: Some(format!("已由第 {version} 版替代")),
                    updated_at: now,
                    ..old.clone()
                };
                (old.id.clone(), old.clone(), voided)
            }),
            review: r,
            title: format!("进度报告待审核：{}", p.name),
            body: format!(
                "{}的进度报告（第 {version} 版）已提交。",
                f.month.format("%Y年%-m月")
            ),
            link: format!("/projects/{}/progress", p.id),
        },
    )
    .await?;
    Ok(m)
}

/// An inspector's verdict: approved, has issues, or rejected (the last two with a note).
/// An approved plan becomes the baseline from its effective date.
pub async fn review(
    app: &App,
    actor: &Actor,
    review_id: &str,
    verdict: &str,
    note: &str,
) -> Result<review::Model, AppError> {
    let before = scoped::one::<review::Entity>(app.store.reader(), &actor.scope(), review_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let p = if before.project_id.is_empty() {
        enterprise_place(app, actor, &before.enterprise_id).await?
    } else {
        project_in_scope(app, actor, &before.project_id).await?
    };
    if !actor.role.supervises() {
        return Err(AppError::Forbidden);
    }
    if before.kind == CLAIM {
        return Err(AppError::Conflict(
            "补助资金申请请在申请页面审核，并填写核定金额".into(),
        ));
    }
    let verdict =
        Review::parse(verdict).ok_or_else(|| AppError::field("verdict", "请选择审核结论"))?;
    let current = Review::parse(&before.state).unwrap_or(Review::Submitted);
    let next = current.review(verdict, note).map_err(|m| {
        if current == Review::Submitted {
            AppError::field("note", m)
        } else {
            AppError::Conflict(m)
        }
    })?;
    let now = app.now();
    let after = review::Model {
        state: next.code().into(),
        note: Some(note.trim().to_string()).filter(|n| !n.is_empty()),
        reviewed_by: Some(actor.audit_name()),
        reviewed_at: Some(now),
        ..before.clone()
    };
    let mut tx = app.store.begin().await?;
    tx.replace(&before, after.clone()).await?;
    if before.kind == PLAN {
        let plan = progress_plan::Entity::find_by_id(before.record_id.clone())
            .one(tx.conn())
            .await?
            .ok_or(AppError::NotFound)?;
        let updated = progress_plan::Model {
            status: if next == Review::Approved {
                "approved"
            } else {
                "rejected"
            }
            .into(),
            updated_at: now,
            ..plan.clone()
        };
        tx.replace(&plan, updated.clone()).await?;
        tx.record(entry(
            app,
            actor,
            &p.county_code,
            (PLAN, &plan.id),
            "review",
            Some(&plan),
            Some(&updated),
        )?)
        .await?;
    }
    let what = kind_label(&before.kind);
    let ent = before.enterprise_id.clone();
    notify(
        app,
        &tx,
        &p.county_code,
        |u| u.role == "contractor" && u.enterprise_id.as_deref() == Some(ent.as_str()),
        format!("{what}{}：{}", next.label(), p.name),
        after
            .note
            .clone()
            .unwrap_or_else(|| format!("{what}已审核通过。")),
        review_link(&before),
    )
    .await?;
    tx.record(entry(
        app,
        actor,
        &p.county_code,
        ("submission_review", review_id),
        "review",
        Some(&before),
        Some(&after),
    )?)
    .await?;
    tx.commit().await?;
    crate::docket::refresh_after_change(app, &p.county_code).await?;
    Ok(after)
}

// ------------------------------------------------------------------ operating data

/// An enterprise in the actor's scope, as a stand-in project row carrying its county, id
/// and name (data reports are per enterprise, not per project).
async fn enterprise_place(
    app: &App,
    actor: &Actor,
    enterprise_id: &str,
) -> Result<project::Model, AppError> {
    let e = queries::enterprise(app.store.reader(), &actor.scope(), enterprise_id)
        .await?
        .filter(|e| e.voided_at.is_none())
        .ok_or(AppError::NotFound)?;
    let now = app.now();
    Ok(project::Model {
        id: String::new(),
        county_code: e.county_code,
        programme_id: String::new(),
        enterprise_id: e.id,
        name: e.name,
        system: String::new(),
        township: String::new(),
        village: None,
        latitude: None,
        longitude: None,
        central_funds_fen: 0,
        construction_start: app.today(),
        construction_end: app.today(),
        operation_start: None,
        service_period_end: None,
        status: String::new(),
        targets: "[]".into(),
        created_at: now,
        updated_at: now,
        voided_at: None,
        void_reason: None,
        closed_on: None,
    })
}

/// The metrics the contractor's enterprise reports: those of its projects' systems, as the
/// regulation profile configures them.
pub async fn metrics_for(app: &App, actor: &Actor) -> Result<Vec<MetricSpec>, AppError> {
    let projects = crate::inspections::projects(app, actor).await?;
    let systems: Vec<&str> = projects
        .iter()
        .filter(|p| p.voided_at.is_none())
        .map(|p| p.system.as_str())
        .collect();
    Ok(app
        .profile
        .metrics
        .iter()
        .filter(|(_, m)| m.systems.iter().any(|s| systems.contains(&s.as_str())))
        .map(|(code, m)| MetricSpec {
            code: code.clone(),
            name: m.name.clone(),
            unit: m.unit.clone(),
        })
        .collect())
}

/// Operating-data reports (superseded versions included), newest first: a contractor's
/// own, or the county's for the supervision group.
pub async fn data_reports(app: &App, actor: &Actor) -> Result<Vec<data_report::Model>, AppError> {
    Ok(
        scoped::find_with_voided::<data_report::Entity>(&actor.scope())
            .order_by_desc(data_report::Column::Month)
            .order_by_desc(data_report::Column::CreatedAt)
            .limit(500)
            .all(app.store.reader())
            .await?,
    )
}

/// How many months the reporting matrix looks back (the current month included).
pub const MATRIX_MONTHS: u32 = 12;

/// Enterprise × month for the last [`MATRIX_MONTHS`] months as of today: on time, late,
/// missing, not yet due, or not owed — judged as `data.report_late` judges them. A
/// contractor gets its own row only.
pub async fn data_matrix(
    app: &App,
    actor: &Actor,
) -> Result<
    (
        Vec<chrono::NaiveDate>,
        Vec<jianguan_domain::rules::ReportingRow>,
    ),
    AppError,
> {
    use jianguan_domain::rules::calendar::month_start;
    let today = app.today();
    let first = month_start(today) - chrono::Months::new(MATRIX_MONTHS - 1);
    let months: Vec<chrono::NaiveDate> = (0..MATRIX_MONTHS)
        .map(|n| first + chrono::Months::new(n))
        .collect();
    let Some(county) = actor.county_code.as_deref() else {
        return Ok((months, Vec::new()));
    };
    let facts = jianguan_store::facts::load(app.store.reader(), county, None).await?;
    let rows = jianguan_domain::rules::reporting_matrix(&facts, &app.profile, today, &months)
        .into_iter()
        .filter(|r| match &actor.enterprise_id {
            Some(own) => &r.enterprise_id == own,
            None => true,
        })
        .collect();
    Ok((months, rows))
}

/// The contractor reports a month's operating data (form or template), or a corrected
/// version of a report that came back with issues. Unusual changes must be confirmed.
pub async fn submit_data(
    app: &App,
    actor: &Actor,
    input: &DataInput,
) -> Result<data_report::Model, AppError> {
    require_contractor(actor)?;
    let enterprise = actor.enterprise_id.clone().ok_or(AppError::Forbidden)?;
    let place = enterprise_place(app, actor, &enterprise).await?;
    let metrics = metrics_for(app, actor).await?;
    let all = data_reports(app, actor).await?;
    let live: Vec<&data_report::Model> = all.iter().filter(|r| r.voided_at.is_none()).collect();
    let month = jianguan_domain::reporting::parse_month(&input.month);
    let same = month.and_then(|m| live.iter().find(|r| r.month == m).copied());
    let version = next_version(
        app,
        same.map(|o| (o.id.as_str(), o.month)),
        "的生产经营数据已报送",
    )
    .await?;
    let previous: Option<std::collections::BTreeMap<String, i64>> = month
        .and_then(|m| m.checked_sub_months(chrono::Months::new(1)))
        .and_then(|pm| live.iter().find(|r| r.month == pm))
        .and_then(|r| serde_json::from_str(&r.figures).ok());
    let f = input.validate(
        &metrics,
        app.today(),
        previous.as_ref(),
        app.profile.thresholds.suspicious_factor,
    )?;
    let now = app.now();
    let m = data_report::Model {
        id: new_id(),
        county_code: place.county_code.clone(),
        enterprise_id: enterprise.clone(),
        month: f.month,
        submitted_on: same.map_or(app.today(), |o| o.submitted_on),
        figures: serde_json::to_string(&f.figures)?,
        explanation: f.explanation.clone(),
        created_at: now,
        updated_at: now,
        voided_at: None,
        void_reason: None,
    };
    let r = review::Model {
        supersedes: same.map(|o| o.id.clone()),
        explanation: f.explanation,
        ..review_row(app, actor, &place, DATA, &m.id, version)
    };
    hand_in(
        app,
        actor,
        &place.county_code,
        HandIn {
            kind: DATA,
            id: m.id.clone(),
            record: m.clone(),
            replaced: same.map(|old| {
                let voided = data_report::Model {
                    voided_at: Some(now),
                    void_reason: Some(format!("已由第 {version} 版替代")),
                    updated_at: now,
                    ..old.clone()
                };
                (old.id.clone(), old.clone(), voided)
            }),
            review: r,
            title: format!("生产经营数据待审核：{}", place.name),
            body: format!(
                "{}的生产经营数据（第 {version} 版）已报送。",
                f.month.format("%Y年%-m月")
            ),
            link: "/data-reports".into(),
        },
    )
    .await?;
    Ok(m)
}

/// The month's template for the contractor's enterprise.
pub async fn data_template(app: &App, actor: &Actor, month: &str) -> Result<Vec<u8>, AppError> {
    require_contractor(actor)?;
    let enterprise = actor.enterprise_id.clone().ok_or(AppError::Forbidden)?;
    let place = enterprise_place(app, actor, &enterprise).await?;
    let month = jianguan_domain::reporting::parse_month(month)
        .ok_or_else(|| AppError::field("month", "请选择月份（格式如 2026-05）"))?;
    let rows: Vec<MetricRow> = metrics_for(app, actor)
        .await?
        .into_iter()
        .map(|m| MetricRow {
            code: m.code,
            name: m.name,
            unit: m.unit,
        })
        .collect();
    let (name, month) = (place.name.clone(), month.format("%Y-%m").to_string());
    app.heavy
        .run(move || jianguan_documents::xlsx::template(&name, &month, &rows))
        .await?
        .map_err(|e| AppError::internal("data template", e))
}

/// An uploaded template read whole: every cell error at once (nothing saved), or the
/// figures as if typed, for the same checks as the form.
pub async fn read_data_template(app: &App, bytes: Vec<u8>) -> Result<DataInput, AppError> {
    let read = app
        .heavy
        .run(move || jianguan_documents::xlsx::read(&bytes))
        .await?;
    match read {
        Ok(filled) => Ok(DataInput {
            month: filled.month,
            figures: filled
                .values
                .into_iter()
                .map(|(code, v)| {
                    let typed = v
                        .map(|x| {
                            if x.fract() == 0.0 {
                                format!("{x:.0}")
                            } else {
                                x.to_string()
                            }
                        })
                        .unwrap_or_default();
                    (code, typed)
                })
                .collect(),
            explanation: None,
            confirmed: false,
        }),
        Err(errors) => Err(AppError::workbook("data_template", "file", &errors)),
    }
}

/// The latest review of a record (None for imported records, which count as approved).
pub async fn latest_review(app: &App, record_id: &str) -> Result<Option<review::Model>, AppError> {
    Ok(reviews_of(app, record_id).await?.pop())
}

// ------------------------------------------------------------------ licences

/// Licences: a contractor's own, or the county's for the supervision group; newest first.
pub async fn licences(app: &App, actor: &Actor) -> Result<Vec<licence::Model>, AppError> {
    Ok(scoped::find::<licence::Entity>(&actor.scope())
        .order_by_asc(licence::Column::Kind)
        .order_by_desc(licence::Column::ValidFrom)
        .all(app.store.reader())
        .await?)
}

/// A licence as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct LicenceInput {
    pub kind: String,
    pub number: String,
    pub valid_from: String,
    /// Empty: valid without limit (长期).
    #[serde(default)]
    pub valid_to: String,
}

/// The contractor records a licence (a renewal is a new licence; the old one stays as it
/// was, expired on its date). Kinds come from the regulation profile.
pub async fn add_licence(
    app: &App,
    actor: &Actor,
    input: &LicenceInput,
) -> Result<licence::Model, AppError> {
    require_contractor(actor)?;
    let enterprise = actor.enterprise_id.clone().ok_or(AppError::Forbidden)?;
    let place = enterprise_place(app, actor, &enterprise).await?;
    let mut e = jianguan_domain::FieldErrors::new();
    if !app.profile.licences.names.contains_key(input.kind.trim()) {
        e.add("kind", "请选择证照类型");
    }
    let number = e.required_text("number", "证照编号", &input.number, 100);
    let from = match jianguan_domain::dates::parse_date(&input.valid_from) {
        Ok(d) => Some(d),
        Err(m) => {
            e.add("valid_from", format!("有效期起：{m}"));
            None
        }
    };
    let to = match input.valid_to.trim() {
        "" | "长期" => None,
        v => match jianguan_domain::dates::parse_date(v) {
            Ok(d) if from.is_some_and(|f| d < f) => {
                e.add("valid_to", "有效期止不能早于有效期起");
                None
            }
            Ok(d) => Some(d),
            Err(m) => {
                e.add("valid_to", format!("有效期止：{m}（长期有效请留空）"));
                None
            }
        },
    };
    let (Some(valid_from), true) = (from, e.is_empty()) else {
        return Err(AppError::Validation(e));
    };
    let now = app.now();
    let m = licence::Model {
        id: new_id(),
        county_code: place.county_code.clone(),
        enterprise_id: enterprise,
        kind: input.kind.trim().to_string(),
        number,
        valid_from,
        valid_to: to,
        created_at: now,
        updated_at: now,
        voided_at: None,
        void_reason: None,
    };
    hand_in(
        app,
        actor,
        &place.county_code,
        HandIn {
            kind: LICENCE,
            id: m.id.clone(),
            record: m.clone(),
            replaced: None,
            review: review_row(app, actor, &place, LICENCE, &m.id, 1),
            title: format!("证照待审核：{}", place.name),
            body: format!("{}登记了证照（编号 {}），请审核。", place.name, m.number),
            link: "/licences".into(),
        },
    )
    .await?;
    Ok(m)
}

// ------------------------------------------------------------------ training classes

/// Training classes (培训班) of the actor's projects (the county's for the supervision
/// group), newest first.
pub async fn classes(app: &App, actor: &Actor) -> Result<Vec<training_class::Model>, AppError> {
    Ok(scoped::find::<training_class::Entity>(&actor.scope())
        .order_by_desc(training_class::Column::FirstDay)
        .all(app.store.reader())
        .await?)
}

/// A training class as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ClassInput {
    pub project_id: String,
    pub name: String,
    pub first_day: String,
    pub last_day: String,
    #[serde(default)]
    pub place: String,
    pub planned_trainees: String,
}

/// The contractor of a leader-training (system 4) project records a class.
pub async fn add_class(
    app: &App,
    actor: &Actor,
    input: &ClassInput,
) -> Result<training_class::Model, AppError> {
    let p = project_in_scope(app, actor, &input.project_id).await?;
    require_contractor(actor)?;
    let mut e = jianguan_domain::FieldErrors::new();
    if p.system != jianguan_domain::System::LeaderTraining.code() {
        e.add("project_id", "只有“带头人培训”体系的项目才登记培训班");
    }
    let name = e.required_text("name", "培训班名称", &input.name, 100);
    let place = e.optional_text("place", "培训地点", Some(&input.place), 100);
    let day = |e: &mut jianguan_domain::FieldErrors, field: &str, label: &str, v: &str| {
        match jianguan_domain::dates::parse_date(v) {
            Ok(d) => Some(d),
            Err(m) => {
                e.add(field, format!("{label}：{m}"));
                None
            }
        }
    };
    let first = day(&mut e, "first_day", "开班日期", &input.first_day);
    let last = day(&mut e, "last_day", "结业日期", &input.last_day);
    if let (Some(f), Some(l)) = (first, last)
        && l < f
    {
        e.add("last_day", "结业日期不能早于开班日期");
    }
    let planned = match input.planned_trainees.trim().parse::<i64>() {
        Ok(n) if (1..=10_000).contains(&n) => Some(n),
        _ => {
            e.add("planned_trainees", "计划培训人数应为 1 到 10000 之间的整数");
            None
        }
    };
    let (Some(first_day), Some(last_day), Some(planned_trainees), true) =
        (first, last, planned, e.is_empty())
    else {
        return Err(AppError::Validation(e));
    };
    let now = app.now();
    let m = training_class::Model {
        id: new_id(),
        county_code: p.county_code.clone(),
        project_id: p.id.clone(),
        name,
        first_day,
        last_day,
        place,
        planned_trainees,
        actual_trainees: 0,
        created_at: now,
        updated_at: now,
        voided_at: None,
        void_reason: None,
    };
    hand_in(
        app,
        actor,
        &p.county_code,
        HandIn {
            kind: CLASS,
            id: m.id.clone(),
            record: m.clone(),
            replaced: None,
            review: review_row(app, actor, &p, CLASS, &m.id, 1),
            title: format!("培训班待审核：{}", m.name),
            body: format!("{}登记了培训班“{}”，请审核。", p.name, m.name),
            link: "/training".into(),
        },
    )
    .await?;
    Ok(m)
}

/// One training class the actor may see, voided or not (a record that names a class
/// still shows which).
pub async fn class(app: &App, actor: &Actor, id: &str) -> Result<training_class::Model, AppError> {
    scoped::find_with_voided::<training_class::Entity>(&actor.scope())
        .filter(training_class::Column::Id.eq(id))
        .one(app.store.reader())
        .await?
        .ok_or(AppError::NotFound)
}

/// The latest roster of a class already loaded in the caller's scope, if any.
pub async fn roster(
    app: &App,
    of: &training_class::Model,
) -> Result<Vec<jianguan_documents::xlsx::Trainee>, AppError> {
    let latest = training_roster::Entity::find()
        .filter(training_roster::Column::ClassId.eq(of.id.as_str()))
        .order_by_desc(training_roster::Column::UploadedAt)
        .one(app.store.reader())
        .await?;
    match latest {
        Some(r) => Ok(jianguan_store::json::column(
            "training_rosters",
            &r.id,
            "trainees",
            &r.trainees,
        )?),
        None => Ok(Vec::new()),
    }
}

/// The contractor uploads the class's roster (XLSX): every problem at once, nothing saved
/// until the whole file is right; the class's actual trainees become the roster's count.
pub async fn upload_roster(
    app: &App,
    actor: &Actor,
    class_id: &str,
    bytes: Vec<u8>,
) -> Result<training_class::Model, AppError> {
    let class = classes(app, actor)
        .await?
        .into_iter()
        .find(|c| c.id == class_id)
        .ok_or(AppError::NotFound)?;
    require_contractor(actor)?;
    let read = app
        .heavy
        .run(move || jianguan_documents::xlsx::read_roster(&bytes))
        .await?;
    let trainees = read.map_err(|errors| AppError::workbook("roster", "roster", &errors))?;
    let now = app.now();
    let r = training_roster::Model {
        id: new_id(),
        county_code: class.county_code.clone(),
        class_id: class.id.clone(),
        trainees: serde_json::to_string(&trainees)?,
        uploaded_by: actor.user_id.clone(),
        uploaded_at: now,
    };
    let after = training_class::Model {
        actual_trainees: trainees.len() as i64,
        updated_at: now,
        ..class.clone()
    };
    let mut tx = app.store.begin().await?;
    tx.insert(r.clone()).await?;
    tx.replace(&class, after.clone()).await?;
    tx.record(entry(
        app,
        actor,
        &class.county_code,
        ("training_class", &class.id),
        "roster",
        Some(&class),
        Some(&after),
    )?)
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// A blank roster to fill in (姓名 | 所在村 | 联系电话).
pub async fn roster_template(app: &App) -> Result<Vec<u8>, AppError> {
    app.heavy
        .run(jianguan_documents::xlsx::roster_template)
        .await?
        .map_err(|e| AppError::internal("roster template", e))
}
