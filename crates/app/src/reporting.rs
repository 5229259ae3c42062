//! What contractors hand in about their projects' progress (一（一）, 二（二）): progress
//! plans (进度计划表), approved by an inspector before they become the baseline, and monthly
//! progress reports (书面材料). Each version handed in has a review row; a plan or report
//! with issues is corrected by handing in a new version, the old one kept. The docket is
//! refreshed after each step, so lateness and lag show at once.

use crate::records::entry;
use crate::rectification::{is_staff, notify};
use crate::secrets::new_id;
use crate::{Actor, App, AppError, Role};
use jianguan_domain::reporting::{PlanInput, ReportInput, Review};
use jianguan_store::entity::{
    progress_plan, progress_report, project, submission_review as review,
};
use jianguan_store::sea::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use jianguan_store::{queries, rows};

pub const PLAN: &str = "progress_plan";
pub const REPORT: &str = "progress_report";

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
async fn reviews_of(app: &App, record_id: &str) -> Result<Vec<review::Model>, AppError> {
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
    Ok(progress_plan::Entity::find()
        .filter(progress_plan::Column::ProjectId.eq(project_id))
        .filter(progress_plan::Column::VoidedAt.is_null())
        .order_by_asc(progress_plan::Column::Version)
        .all(app.store.reader())
        .await?)
}

/// Every report of a project, superseded versions included (voided, with the reason).
pub async fn reports(
    app: &App,
    actor: &Actor,
    project_id: &str,
) -> Result<Vec<progress_report::Model>, AppError> {
    project_in_scope(app, actor, project_id).await?;
    Ok(progress_report::Entity::find()
        .filter(progress_report::Column::ProjectId.eq(project_id))
        .order_by_desc(progress_report::Column::Month)
        .order_by_desc(progress_report::Column::CreatedAt)
        .all(app.store.reader())
        .await?)
}

/// The reviews of a project's submissions, newest first.
pub async fn project_reviews(
    app: &App,
    actor: &Actor,
    project_id: &str,
) -> Result<Vec<review::Model>, AppError> {
    project_in_scope(app, actor, project_id).await?;
    Ok(review::Entity::find()
        .filter(review::Column::ProjectId.eq(project_id))
        .order_by_desc(review::Column::SubmittedAt)
        .all(app.store.reader())
        .await?)
}

/// What awaits review in the actor's county (the supervision group's queue), oldest first;
/// for a contractor, its own recent submissions.
pub async fn queue(app: &App, actor: &Actor) -> Result<Vec<review::Model>, AppError> {
    let scope = actor.scope();
    let mut q = review::Entity::find();
    if let Some(c) = &scope.county {
        q = q.filter(review::Column::CountyCode.eq(c.as_str()));
    }
    if let Some(e) = &scope.enterprise {
        q = q.filter(review::Column::EnterpriseId.eq(e.as_str()));
        return Ok(q
            .order_by_desc(review::Column::SubmittedAt)
            .all(app.store.reader())
            .await?
            .into_iter()
            .take(20)
            .collect());
    }
    Ok(q.filter(review::Column::State.eq(Review::Submitted.code()))
        .order_by_asc(review::Column::SubmittedAt)
        .all(app.store.reader())
        .await?)
}

/// A new version's review row, awaiting review.
fn review_row(
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
    let mut tx = app.store.begin().await?;
    rows::insert(tx.conn(), m.clone()).await?;
    rows::insert(tx.conn(), r).await?;
    notify(
        app,
        &tx,
        &p.county_code,
        is_staff,
        format!("进度计划待审核：{}", p.name),
        format!("第 {version} 版进度计划已提交，请审核。"),
        format!("/projects/{}/progress", p.id),
    )
    .await?;
    tx.record(entry(
        app,
        actor,
        &p.county_code,
        (PLAN, &m.id),
        "submit",
        None,
        Some(&m),
    )?)
    .await?;
    tx.commit().await?;
    Ok(m)
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
    let mut version = 1;
    if let Some(old) = same {
        let state = state_of(app, &old.id).await?;
        if !state.may_resubmit() {
            return Err(AppError::Conflict(format!(
                "{}的进度报告已提交（{}）；如需更正，请等审核意见。",
                old.month.format("%Y年%-m月"),
                state.label()
            )));
        }
        version = reviews_of(app, &old.id)
            .await?
            .last()
            .map_or(1, |r| r.version)
            + 1;
    }
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
    let mut tx = app.store.begin().await?;
    if let Some(old) = same {
        let voided = progress_report::Model {
            voided_at: Some(now),
            void_reason: Some(format!("已由第 {version} 版替代")),
            updated_at: now,
            ..old.clone()
        };
        rows::update(tx.conn(), voided.clone()).await?;
        tx.record(entry(
            app,
            actor,
            &p.county_code,
            (REPORT, &old.id),
            "supersede",
            Some(old),
            Some(&voided),
        )?)
        .await?;
    }
    rows::insert(tx.conn(), m.clone()).await?;
    rows::insert(tx.conn(), r).await?;
    notify(
        app,
        &tx,
        &p.county_code,
        is_staff,
        format!("进度报告待审核：{}", p.name),
        format!(
            "{}的进度报告（第 {version} 版）已提交。",
            f.month.format("%Y年%-m月")
        ),
        format!("/projects/{}/progress", p.id),
    )
    .await?;
    tx.record(entry(
        app,
        actor,
        &p.county_code,
        (REPORT, &m.id),
        "submit",
        None,
        Some(&m),
    )?)
    .await?;
    tx.commit().await?;
    crate::inspections::refresh_docket(app, &p.county_code).await?;
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
    let before = review::Entity::find_by_id(review_id.to_string())
        .one(app.store.reader())
        .await?
        .ok_or(AppError::NotFound)?;
    crate::inspections::same_county(actor, &before.county_code)?;
    let p = project_in_scope(app, actor, &before.project_id).await?;
    if !matches!(actor.role, Role::Inspector | Role::Chief) {
        return Err(AppError::Forbidden);
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
    rows::update(tx.conn(), after.clone()).await?;
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
        rows::update(tx.conn(), updated.clone()).await?;
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
    let what = if before.kind == PLAN {
        "进度计划"
    } else {
        "进度报告"
    };
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
        format!("/projects/{}/progress", p.id),
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
    crate::inspections::refresh_docket(app, &p.county_code).await?;
    Ok(after)
}
