//! 市场秩序问题 (一（四）): fakes and shoddy goods, quality and safety problems of farm
//! produce, expired goods, cheating consumers. The supervision group raises one from a
//! finalised inspection's problems or by hand, with the products concerned and photos; it
//! stays open (and on the docket, `market.violation_open`) until the rectification ordered
//! for it is accepted or the responsible person closes it with a reason.

use crate::audit::{entry, insert_audited, update_audited};
use crate::secrets::new_id;
use crate::{Actor, App, AppError, Permission, Role};
use jianguan_domain::FieldErrors;
use jianguan_domain::inspection::InspectionStatus;
use jianguan_domain::rules::facts::MarketCategory;
use jianguan_store::entity::{market_finding as market, rectification_order as order};
use jianguan_store::sea::{ColumnTrait, QueryFilter, QueryOrder};
use jianguan_store::{AuditEntry, queries, scoped};

/// A problem as typed on the form or sent to the API.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketInput {
    /// The project the problem was found in; its enterprise is the one concerned.
    pub project_id: String,
    pub category: String,
    /// 发现日期: today or before.
    pub raised_on: String,
    pub products: String,
    pub description: String,
    /// `inspection:ID` when raised from an inspection's problems.
    #[serde(default)]
    pub source: Option<String>,
}

/// Which problems a list shows.
#[derive(Debug, Clone, Default)]
pub struct MarketFilter {
    /// Some(true): open only; Some(false): closed only.
    pub open: Option<bool>,
    pub category: Option<MarketCategory>,
    pub project_id: Option<String>,
}

/// A problem the actor may see: the county's for staff, its own for a contractor.
pub async fn get(app: &App, actor: &Actor, id: &str) -> Result<market::Model, AppError> {
    scoped::one::<market::Entity>(app.store.reader(), &actor.scope(), id)
        .await?
        .filter(|m| m.voided_at.is_none())
        .ok_or(AppError::NotFound)
}

/// One page of the problems the actor may see, the newest first, with how many there are.
pub async fn page(
    app: &App,
    actor: &Actor,
    f: &MarketFilter,
    offset: u64,
    limit: u64,
) -> Result<queries::Paged<market::Model>, AppError> {
    let mut q =
        scoped::find::<market::Entity>(&actor.scope()).filter(market::Column::VoidedAt.is_null());
    match f.open {
        Some(true) => q = q.filter(market::Column::ClosedOn.is_null()),
        Some(false) => q = q.filter(market::Column::ClosedOn.is_not_null()),
        None => {}
    }
    if let Some(c) = f.category {
        q = q.filter(market::Column::Category.eq(c.code()));
    }
    if let Some(p) = f.project_id.as_deref().filter(|p| !p.is_empty()) {
        q = q.filter(market::Column::ProjectId.eq(p));
    }
    let q = q
        .order_by_desc(market::Column::RaisedOn)
        .order_by_asc(market::Column::Id);
    Ok(queries::page(app.store.reader(), q, offset, limit).await?)
}

/// The rectification orders issued for a problem, oldest first.
pub async fn orders(
    app: &App,
    actor: &Actor,
    of: &market::Model,
) -> Result<Vec<order::Model>, AppError> {
    Ok(scoped::find::<order::Entity>(&actor.scope())
        .filter(order::Column::Source.eq(format!("market:{}", of.id)))
        .filter(order::Column::VoidedAt.is_null())
        .order_by_asc(order::Column::IssuedOn)
        .all(app.store.reader())
        .await?)
}

/// Raises a problem. From an inspection, only a finalised one: before that its problems are
/// not yet the group's word, and the contractor may not see them (unannounced visits).
pub async fn raise(
    app: &App,
    actor: &Actor,
    input: &MarketInput,
    pre: FieldErrors,
) -> Result<market::Model, AppError> {
    actor.require_staff()?;
    let mut e = pre;
    let project = crate::records::chosen_project(
        app,
        actor,
        &input.project_id,
        "请选择发现问题的项目",
        &mut e,
    )
    .await?;
    let category = match input.category.trim() {
        "" => {
            e.add("category", "请选择问题类别");
            None
        }
        c => MarketCategory::parse(c).or_else(|| {
            e.add("category", "没有这种问题类别");
            None
        }),
    };
    let today = app.today();
    let raised_on = match jianguan_domain::dates::parse_date(input.raised_on.trim()) {
        _ if input.raised_on.trim().is_empty() => {
            e.add("raised_on", "请填写发现日期");
            None
        }
        Ok(d) if d > today => {
            e.add("raised_on", "发现日期不能晚于今天");
            None
        }
        Ok(d) => Some(d),
        Err(m) => {
            e.add("raised_on", format!("发现日期：{m}"));
            None
        }
    };
    let products = e.required_text("products", "涉及商品", &input.products, 2000);
    let description = e.required_text("description", "问题情况", &input.description, 5000);
    let source = match input
        .source
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(s) => {
            let Some(id) = s.strip_prefix("inspection:") else {
                return Err(AppError::field("source", "问题来源只能是一次检查"));
            };
            let (i, _) = crate::inspections::get(app, actor, id).await?;
            if !InspectionStatus::Finalised.is(&i.status) {
                e.add(
                    "source",
                    "检查记录定稿后才能据此登记市场秩序问题；请先定稿，或直接登记",
                );
            } else if project.as_ref().is_some_and(|p| p.id != i.project_id) {
                e.add("project_id", "所选项目与该次检查的项目不一致");
            }
            Some(format!("inspection:{}", i.id))
        }
    };
    let (Some(p), Some(category), Some(raised_on), true) =
        (project, category, raised_on, e.is_empty())
    else {
        return Err(AppError::Validation(e));
    };
    let now = app.now();
    let m = market::Model {
        id: new_id(),
        county_code: p.county_code.clone(),
        enterprise_id: p.enterprise_id.clone(),
        project_id: Some(p.id.clone()),
        category: category.code().into(),
        raised_on,
        closed_on: None,
        description,
        products: Some(products),
        source,
        raised_by: Some(actor.audit_name()),
        closed_by: None,
        close_reason: None,
        created_at: now,
        updated_at: now,
        voided_at: None,
        void_reason: None,
    };
    let audit = entry(
        app,
        actor,
        &m.county_code,
        ("market_finding", &m.id),
        "create",
        None,
        Some(&m),
    )?;
    insert_audited(app, audit, m.clone()).await?;
    crate::docket::refresh_after_change(app, &m.county_code).await?;
    Ok(m)
}

/// The responsible person closes a problem with the reason (handled without an order, or
/// an order that cannot be accepted).
pub async fn close(
    app: &App,
    actor: &Actor,
    id: &str,
    reason: &str,
) -> Result<market::Model, AppError> {
    let before = get(app, actor, id).await?;
    actor.require(Permission::Decide)?;
    if actor.role != Role::Chief {
        return Err(AppError::Forbidden);
    }
    if before.closed_on.is_some() {
        return Err(AppError::Conflict("该问题已经处理完毕".into()));
    }
    let mut e = FieldErrors::new();
    let reason = e.required_text("reason", "处理决定", reason, 2000);
    if !e.is_empty() {
        return Err(AppError::Validation(e));
    }
    let (after, audit) = closed(app, actor, &before, format!("监管责任人决定：{reason}"))?;
    // The write replaces exactly the row read: two closes at once, one wins.
    update_audited(app, audit, &before, after.clone()).await?;
    crate::docket::refresh_after_change(app, &before.county_code).await?;
    Ok(after)
}

/// The problem as closed today by the actor, and its audit entry.
fn closed(
    app: &App,
    actor: &Actor,
    before: &market::Model,
    reason: String,
) -> Result<(market::Model, AuditEntry), AppError> {
    let after = market::Model {
        closed_on: Some(app.today()),
        closed_by: Some(actor.audit_name()),
        close_reason: Some(reason),
        updated_at: app.now(),
        ..before.clone()
    };
    let audit = entry(
        app,
        actor,
        &before.county_code,
        ("market_finding", &before.id),
        "close",
        Some(before),
        Some(&after),
    )?;
    Ok((after, audit))
}

/// The open problem an order was issued for, closed by the order's acceptance: the caller
/// writes both in the one transaction that accepts the order.
pub(crate) async fn closed_by_order(
    app: &App,
    actor: &Actor,
    o: &order::Model,
) -> Result<Option<(market::Model, market::Model, AuditEntry)>, AppError> {
    let Some(id) = o.source.as_deref().and_then(|s| s.strip_prefix("market:")) else {
        return Ok(None);
    };
    let Some(before) = scoped::one::<market::Entity>(app.store.reader(), &actor.scope(), id)
        .await?
        .filter(|m| m.closed_on.is_none() && m.voided_at.is_none())
    else {
        return Ok(None);
    };
    let (after, audit) = closed(
        app,
        actor,
        &before,
        format!("整改通知“{}”验收通过", o.title),
    )?;
    Ok(Some((before, after, audit)))
}

/// Checks an order's `market:ID` source: the problem is the actor's to see, still open,
/// and of the enterprise whose project the order is for.
pub(crate) async fn check_order_source(
    app: &App,
    actor: &Actor,
    source: &str,
    enterprise_id: Option<&str>,
    e: &mut FieldErrors,
) -> Result<(), AppError> {
    let Some(id) = source.strip_prefix("market:") else {
        return Ok(());
    };
    match get(app, actor, id).await {
        Ok(m) if m.closed_on.is_some() => e.add("source", "该市场秩序问题已经处理完毕"),
        Ok(m) if enterprise_id.is_some_and(|x| x != m.enterprise_id) => {
            e.add("project_id", "所选项目不属于该问题涉及的企业")
        }
        Ok(_) => {}
        Err(AppError::NotFound) => e.add("source", "所依据的市场秩序问题不存在"),
        Err(other) => return Err(other),
    }
    Ok(())
}
