//! 整改 (二（四）): rectification orders issued by the supervision group, answered by the
//! contractor with rectification material, accepted or sent back with a reason. The order
//! state machine is the domain's; each transition is audited, notifies the other side
//! and refreshes the docket (where overdue and escalation come from).

use crate::audit::entry;
use crate::notify::{is_staff, notify};
use crate::secrets::new_id;
use crate::{Actor, App, AppError, Permission};
use chrono::NaiveDate;
use jianguan_domain::FieldErrors;
use jianguan_domain::rectification::{self as machine, MaterialReview, OrderAction};
use jianguan_domain::rules::facts::OrderState;
use jianguan_store::entity::{order_submission, rectification_order as order};
use jianguan_store::sea::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use jianguan_store::{queries, scoped};

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderInput {
    pub project_id: String,
    pub title: String,
    pub requirements: String,
    pub deadline: String,
    #[serde(default)]
    pub responsible_person: Option<String>,
    /// `finding:KEY` or `inspection:ID` when the order comes from one.
    #[serde(default)]
    pub source: Option<String>,
    /// A 限期整改通知书 for severe lag (一（一）).
    #[serde(default)]
    pub progress_notice: bool,
}

pub async fn get(app: &App, actor: &Actor, id: &str) -> Result<order::Model, AppError> {
    scoped::one::<order::Entity>(app.store.reader(), &actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Which orders a list shows.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    /// Only those not yet accepted.
    pub open_only: bool,
    pub state: Option<OrderState>,
    pub project_id: Option<String>,
    pub sort: OrderSort,
}

/// How a list of orders is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OrderSort {
    /// The nearest deadline first: what is due soonest.
    #[default]
    DeadlineAsc,
    DeadlineDesc,
    IssuedDesc,
    Project,
    State,
}

impl crate::sorting::ListSort for OrderSort {
    const ALL: &'static [(Self, &'static str, &'static str)] = &[
        (
            OrderSort::DeadlineAsc,
            "deadline_asc",
            "整改期限（近的在前）",
        ),
        (
            OrderSort::DeadlineDesc,
            "deadline_desc",
            "整改期限（远的在前）",
        ),
        (OrderSort::IssuedDesc, "issued_desc", "下达日期（新的在前）"),
        (OrderSort::Project, "project", "项目"),
        (OrderSort::State, "state", "状态"),
    ];
}

/// The orders the actor may see, earliest deadline first, at most 500.
pub async fn list(
    app: &App,
    actor: &Actor,
    open_only: bool,
) -> Result<Vec<order::Model>, AppError> {
    let f = OrderFilter {
        open_only,
        ..Default::default()
    };
    Ok(page(app, actor, &f, 0, 500).await?.items)
}

/// One page of the orders the actor may see, in the filter's order, with how many there
/// are in all: `limit` at most 500 (0: 50).
pub async fn page(
    app: &App,
    actor: &Actor,
    f: &OrderFilter,
    offset: u64,
    limit: u64,
) -> Result<queries::Paged<order::Model>, AppError> {
    let mut q = scoped::find::<order::Entity>(&actor.scope());
    if f.open_only {
        q = q.filter(order::Column::State.ne(OrderState::Accepted.code()));
    }
    if let Some(s) = f.state {
        q = q.filter(order::Column::State.eq(s.code()));
    }
    if let Some(p) = f.project_id.as_deref().filter(|p| !p.is_empty()) {
        q = q.filter(order::Column::ProjectId.eq(p));
    }
    let q = match f.sort {
        OrderSort::DeadlineAsc => q.order_by_asc(order::Column::Deadline),
        OrderSort::DeadlineDesc => q.order_by_desc(order::Column::Deadline),
        OrderSort::IssuedDesc => q
            .order_by_desc(order::Column::IssuedOn)
            .order_by_asc(order::Column::Deadline),
        OrderSort::Project => q
            .order_by_asc(order::Column::ProjectId)
            .order_by_asc(order::Column::Deadline),
        OrderSort::State => q
            .order_by_asc(order::Column::State)
            .order_by_asc(order::Column::Deadline),
    };
    let q = q.order_by_asc(order::Column::Id);
    Ok(queries::page(app.store.reader(), q, offset, limit).await?)
}

/// The material handed in for an order already loaded in the caller's scope (by [`get`]),
/// oldest first.
pub async fn submissions(
    app: &App,
    of: &order::Model,
) -> Result<Vec<order_submission::Model>, AppError> {
    Ok(order_submission::Entity::find()
        .filter(order_submission::Column::OrderId.eq(of.id.as_str()))
        .order_by_asc(order_submission::Column::SubmittedAt)
        .order_by_asc(order_submission::Column::Id)
        .all(app.store.reader())
        .await?)
}

pub async fn issue(app: &App, actor: &Actor, input: &OrderInput) -> Result<order::Model, AppError> {
    actor.require(Permission::EditRecords)?;
    if !actor.role.supervises() {
        return Err(AppError::Forbidden);
    }
    let mut e = FieldErrors::new();
    let project =
        crate::records::chosen_project(app, actor, &input.project_id, "请选择需整改的项目", &mut e)
            .await?;
    let title = e.required_text("title", "整改事项", &input.title, 100);
    let requirements = e.required_text("requirements", "整改要求", &input.requirements, 5000);
    let today = app.today();
    let deadline = match jianguan_domain::dates::parse_date(&input.deadline) {
        Ok(d) if d < today => {
            e.add("deadline", "整改期限不能早于今天");
            None
        }
        Ok(d) => Some(d),
        Err(m) => {
            e.add("deadline", format!("整改期限：{m}"));
            None
        }
    };
    let person = e.optional_text(
        "responsible_person",
        "整改责任人",
        input.responsible_person.as_deref(),
        50,
    );
    let source = e.optional_text("source", "来源", input.source.as_deref(), 300);
    if let Some(s) = &source {
        let ent = project.as_ref().map(|p| p.enterprise_id.as_str());
        crate::market::check_order_source(app, actor, s, ent, &mut e).await?;
    }
    let (Some(p), Some(deadline), true) = (project, deadline, e.is_empty()) else {
        return Err(AppError::Validation(e));
    };
    let now = app.now();
    let m = order::Model {
        id: new_id(),
        county_code: p.county_code.clone(),
        project_id: p.id.clone(),
        enterprise_id: p.enterprise_id.clone(),
        title,
        requirements,
        issued_on: today,
        deadline,
        state: "issued".into(),
        accepted_on: None,
        progress_notice: input.progress_notice,
        responsible_person: person,
        source,
        created_at: now,
        updated_at: now,
        voided_at: None,
        void_reason: None,
    };
    let audit = entry(
        app,
        actor,
        &p.county_code,
        ("rectification_order", &m.id),
        "issue",
        None,
        Some(&m),
    )?;
    let mut tx = app.store.begin().await?;
    tx.insert(m.clone()).await?;
    let ent = p.enterprise_id.clone();
    notify(
        app,
        &tx,
        &p.county_code,
        |u| u.role == "contractor" && u.enterprise_id.as_deref() == Some(ent.as_str()),
        format!("收到整改通知：{}", m.title),
        format!(
            "“{}”须在{}前完成整改并提交整改材料。",
            p.name,
            jianguan_domain::format_cn_date(deadline)
        ),
        format!("/orders/{}", m.id),
    )
    .await?;
    tx.record(audit).await?;
    tx.commit().await?;
    crate::docket::refresh_after_change(app, &p.county_code).await?;
    Ok(m)
}

/// The contractor hands in (or, after a rejection, hands in again) rectification material.
pub async fn submit(
    app: &App,
    actor: &Actor,
    id: &str,
    text: &str,
) -> Result<order_submission::Model, AppError> {
    let before = get(app, actor, id).await?;
    if !OrderAction::Submit.allowed_for(actor.role) {
        return Err(AppError::Forbidden);
    }
    let state = OrderState::parse(&before.state).ok_or_else(|| {
        AppError::corrupt("rectification_order", &before.id, "state", &before.state)
    })?;
    let next = machine::next(state, OrderAction::Submit).map_err(|e| AppError::Conflict(e.0))?;
    let mut e = FieldErrors::new();
    let text = e.required_text("text", "整改情况说明", text, 10_000);
    if !e.is_empty() {
        return Err(AppError::Validation(e));
    }
    let now = app.now();
    let s = order_submission::Model {
        id: new_id(),
        county_code: before.county_code.clone(),
        order_id: before.id.clone(),
        enterprise_id: before.enterprise_id.clone(),
        text,
        submitted_by: actor.user_id.clone(),
        submitted_at: now,
        review: MaterialReview::Pending.code().into(),
        review_note: None,
        reviewed_by: None,
        reviewed_at: None,
    };
    let after = order::Model {
        state: next.code().into(),
        updated_at: now,
        ..before.clone()
    };
    let audit = entry(
        app,
        actor,
        &before.county_code,
        ("rectification_order", id),
        "submit",
        Some(&before),
        Some(&after),
    )?;
    let mut tx = app.store.begin().await?;
    tx.insert(s.clone()).await?;
    tx.replace(&before, after.clone()).await?;
    notify(
        app,
        &tx,
        &before.county_code,
        is_staff,
        format!("整改材料待验收：{}", before.title),
        format!(
            "承办企业已{}整改材料，请审核。",
            if next == jianguan_domain::rules::facts::OrderState::Resubmitted {
                "重新提交"
            } else {
                "提交"
            }
        ),
        format!("/orders/{id}"),
    )
    .await?;
    tx.record(audit).await?;
    tx.commit().await?;
    crate::docket::refresh_after_change(app, &before.county_code).await?;
    Ok(s)
}

/// The inspector accepts the material, or rejects it with a reason.
pub async fn review(
    app: &App,
    actor: &Actor,
    id: &str,
    accept: bool,
    note: &str,
) -> Result<order::Model, AppError> {
    let action = if accept {
        OrderAction::Accept
    } else {
        OrderAction::Reject
    };
    let before = get(app, actor, id).await?;
    actor.require(Permission::EditRecords)?;
    if !action.allowed_for(actor.role) {
        return Err(AppError::Forbidden);
    }
    let state = OrderState::parse(&before.state).ok_or_else(|| {
        AppError::corrupt("rectification_order", &before.id, "state", &before.state)
    })?;
    let next = machine::next(state, action).map_err(|e| AppError::Conflict(e.0))?;
    let mut e = FieldErrors::new();
    let note = if accept {
        e.optional_text("note", "验收意见", Some(note), 2000)
    } else {
        Some(e.required_text("note", "退回原因", note, 2000))
    };
    if !e.is_empty() {
        return Err(AppError::Validation(e));
    }
    // An order handed in always has its material; one without (an import or an old
    // database could hold such a thing) cannot be reviewed, and says so.
    let pending = submissions(app, &before)
        .await?
        .into_iter()
        .rfind(|s| MaterialReview::Pending.is(&s.review))
        .ok_or_else(|| {
            AppError::Conflict(
                "该整改通知显示已提交，但没有待验收的整改材料，无法验收或退回；请联系管理员核对该记录。"
                    .into(),
            )
        })?;
    let now = app.now();
    let today: NaiveDate = app.today();
    let reviewed = order_submission::Model {
        review: if accept {
            MaterialReview::Accepted
        } else {
            MaterialReview::Rejected
        }
        .code()
        .into(),
        review_note: note,
        reviewed_by: Some(actor.user_id.clone()),
        reviewed_at: Some(now),
        ..pending.clone()
    };
    let after = order::Model {
        state: next.code().into(),
        accepted_on: accept.then_some(today),
        updated_at: now,
        ..before.clone()
    };
    let audit = entry(
        app,
        actor,
        &before.county_code,
        ("rectification_order", id),
        if accept { "accept" } else { "reject" },
        Some(&before),
        Some(&after),
    )?;
    // A market-order problem the order was issued for is closed by its acceptance.
    let problem = if accept {
        crate::market::closed_by_order(app, actor, &before).await?
    } else {
        None
    };
    let mut tx = app.store.begin().await?;
    tx.replace(&pending, reviewed.clone()).await?;
    tx.replace(&before, after.clone()).await?;
    if let Some((open, closed, audit)) = problem {
        tx.replace(&open, closed).await?;
        tx.record(audit).await?;
    }
    let ent = before.enterprise_id.clone();
    notify(
        app,
        &tx,
        &before.county_code,
        |u| u.role == "contractor" && u.enterprise_id.as_deref() == Some(ent.as_str()),
        format!(
            "整改{}：{}",
            if accept {
                "已验收通过"
            } else {
                "被退回"
            },
            before.title
        ),
        reviewed
            .review_note
            .clone()
            .unwrap_or_else(|| "整改已验收。".into()),
        format!("/orders/{id}"),
    )
    .await?;
    tx.record(audit).await?;
    tx.commit().await?;
    crate::docket::refresh_after_change(app, &before.county_code).await?;
    Ok(after)
}
