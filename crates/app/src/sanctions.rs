//! 处理 (一（一）–（四）): inspectors propose, the responsible person decides. Deciding a
//! fund recovery records the recovery the rules follow up; deciding a disqualification
//! closes the project's supervision. Decided public criticisms and disqualifications are
//! on the public notice board; a withdrawn one stays there, marked withdrawn.

use crate::audit::entry;
use crate::secrets::new_id;
use crate::{Actor, App, AppError, Permission};
use jianguan_domain::project::ProjectStatus;
use jianguan_domain::sanction::{self as s, SanctionAction, SanctionKind, SanctionState};
use jianguan_domain::{FieldErrors, Money};
use jianguan_store::entity::{fund_recovery, project, sanction};
use jianguan_store::sea::{ColumnTrait, QueryFilter, QueryOrder};
use jianguan_store::{queries, scoped};

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SanctionInput {
    pub enterprise_id: String,
    #[serde(default)]
    pub project_id: Option<String>,
    pub kind: String,
    pub facts: String,
    pub clause: String,
    /// Fund recovery: the amount, in yuan as typed (e.g. "12000.50").
    #[serde(default)]
    pub amount: Option<String>,
    #[serde(default)]
    pub deadline: Option<String>,
}

pub async fn get(app: &App, actor: &Actor, id: &str) -> Result<sanction::Model, AppError> {
    let m = scoped::one::<sanction::Entity>(app.store.reader(), &actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    // A proposal is the bureau's until decided.
    if actor.role == crate::Role::Contractor && m.state == "proposed" {
        return Err(AppError::NotFound);
    }
    Ok(m)
}

/// The county's sanctions (a contractor: decisions about their own enterprise).
pub async fn list(app: &App, actor: &Actor) -> Result<Vec<sanction::Model>, AppError> {
    Ok(page(app, actor, &SanctionFilter::default(), 0, 500)
        .await?
        .items)
}

/// Which sanctions a list shows, and in what order.
#[derive(Debug, Clone, Default)]
pub struct SanctionFilter {
    pub state: Option<SanctionState>,
    pub kind: Option<SanctionKind>,
    pub sort: SanctionSort,
}

/// How a list of sanctions is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SanctionSort {
    /// The newest proposal first.
    #[default]
    ProposedDesc,
    ProposedAsc,
    Enterprise,
    Kind,
    State,
}

impl crate::sorting::ListSort for SanctionSort {
    const ALL: &'static [(Self, &'static str, &'static str)] = &[
        (
            SanctionSort::ProposedDesc,
            "proposed_desc",
            "提议时间（新的在前）",
        ),
        (
            SanctionSort::ProposedAsc,
            "proposed_asc",
            "提议时间（早的在前）",
        ),
        (SanctionSort::Enterprise, "enterprise", "承办企业"),
        (SanctionSort::Kind, "kind", "处理方式"),
        (SanctionSort::State, "state", "状态"),
    ];
}

/// One page of the sanctions the actor may see, in the filter's order, with how many there
/// are in all: of one state and kind if given; `limit` at most 500 (0: 50).
pub async fn page(
    app: &App,
    actor: &Actor,
    f: &SanctionFilter,
    offset: u64,
    limit: u64,
) -> Result<queries::Paged<sanction::Model>, AppError> {
    let (state, kind) = (f.state, f.kind);
    let mut q = scoped::find::<sanction::Entity>(&actor.scope());
    if actor.role == crate::Role::Contractor {
        q = q.filter(sanction::Column::State.ne(SanctionState::Proposed.code()));
    }
    if let Some(s) = state {
        q = q.filter(sanction::Column::State.eq(s.code()));
    }
    if let Some(k) = kind {
        q = q.filter(sanction::Column::Kind.eq(k.code()));
    }
    let q = match f.sort {
        SanctionSort::ProposedDesc => q.order_by_desc(sanction::Column::ProposedAt),
        SanctionSort::ProposedAsc => q.order_by_asc(sanction::Column::ProposedAt),
        SanctionSort::Enterprise => q
            .order_by_asc(sanction::Column::EnterpriseId)
            .order_by_desc(sanction::Column::ProposedAt),
        SanctionSort::Kind => q
            .order_by_asc(sanction::Column::Kind)
            .order_by_desc(sanction::Column::ProposedAt),
        SanctionSort::State => q
            .order_by_asc(sanction::Column::State)
            .order_by_desc(sanction::Column::ProposedAt),
    };
    let q = q.order_by_asc(sanction::Column::Id);
    Ok(queries::page(app.store.reader(), q, offset, limit).await?)
}

pub async fn propose(
    app: &App,
    actor: &Actor,
    input: &SanctionInput,
) -> Result<sanction::Model, AppError> {
    let (m, enterprise) = checked_proposal(app, actor, input).await?;
    let mut tx = app.store.begin().await?;
    write_proposal(app, actor, &mut tx, &m, &enterprise).await?;
    tx.commit().await?;
    Ok(m)
}

/// A proposal checked as the form's, not yet written, with the enterprise's name.
pub(crate) async fn checked_proposal(
    app: &App,
    actor: &Actor,
    input: &SanctionInput,
) -> Result<(sanction::Model, String), AppError> {
    actor.require(Permission::EditRecords)?;
    if !s::may_propose(actor.role) {
        return Err(AppError::Forbidden);
    }
    let db = app.store.reader();
    let mut e = FieldErrors::new();
    let ent = match input.enterprise_id.trim() {
        "" => None,
        id => queries::enterprise(db, &actor.scope(), id)
            .await?
            .filter(|x| x.voided_at.is_none()),
    };
    if ent.is_none() {
        e.add("enterprise_id", "请选择被处理的承办企业");
    }
    let kind = SanctionKind::parse(input.kind.trim());
    if kind.is_none() {
        e.add("kind", "请选择处理方式");
    }
    let proj = match input
        .project_id
        .as_deref()
        .map(str::trim)
        .filter(|x| !x.is_empty())
    {
        None => None,
        Some(id) => {
            let p = queries::project(db, &actor.scope(), id)
                .await?
                .filter(|p| p.voided_at.is_none());
            match (&p, &ent) {
                (Some(p), Some(en)) if p.enterprise_id == en.id => {}
                _ => e.add("project_id", "所选项目不存在或不属于该企业"),
            }
            p
        }
    };
    if matches!(
        kind,
        Some(SanctionKind::FundRecovery | SanctionKind::Disqualification)
    ) && proj.is_none()
    {
        e.add("project_id", "追回资金和取消承办资格须指明项目");
    }
    // A project whose course has ended cannot lose its qualification (the decision would
    // be refused anyway; say so at once).
    if kind == Some(SanctionKind::Disqualification)
        && let Some(status) = proj.as_ref().and_then(|p| ProjectStatus::parse(&p.status))
        && status.is_final()
    {
        e.add(
            "project_id",
            format!("该项目状态为“{}”，不能再取消承办资格", status.label()),
        );
    }
    let facts = e.required_text("facts", "事实和理由", &input.facts, 5000);
    let clause = e.required_text("clause", "依据条款", &input.clause, 200);
    let mut amount = None;
    let mut deadline = None;
    if kind == Some(SanctionKind::FundRecovery) {
        match input.amount.as_deref().map(str::trim).unwrap_or("") {
            "" => e.add("amount", "请填写追回金额（元）"),
            a => match Money::parse_yuan(a) {
                Ok(m) if m.fen() > 0 => amount = Some(m.fen()),
                Ok(_) => e.add("amount", "追回金额应大于 0"),
                Err(err) => e.add("amount", err.to_string()),
            },
        }
        match jianguan_domain::dates::parse_date(input.deadline.as_deref().unwrap_or("")) {
            Ok(d) if d < app.today() => e.add("deadline", "追回期限不能早于今天"),
            Ok(d) => deadline = Some(d),
            Err(m) => e.add("deadline", format!("追回期限：{m}")),
        }
    }
    let (Some(ent), Some(kind), true) = (ent, kind, e.is_empty()) else {
        return Err(AppError::Validation(e));
    };
    let now = app.now();
    let m = sanction::Model {
        id: new_id(),
        county_code: ent.county_code.clone(),
        enterprise_id: ent.id.clone(),
        project_id: proj.map(|p| p.id),
        kind: kind.code().into(),
        facts,
        clause,
        amount_fen: amount,
        deadline,
        state: SanctionState::Proposed.code().into(),
        proposed_by: actor.audit_name(),
        proposed_at: now,
        decided_by: None,
        decided_on: None,
        decision_note: None,
        withdrawn_on: None,
        withdraw_reason: None,
        updated_at: now,
        source: None,
    };
    Ok((m, ent.name))
}

/// Writes a checked proposal in `tx` and tells the responsible person it waits for him.
pub(crate) async fn write_proposal(
    app: &App,
    actor: &Actor,
    tx: &mut jianguan_store::WriteTx,
    m: &sanction::Model,
    enterprise: &str,
) -> Result<(), AppError> {
    let audit = entry(
        app,
        actor,
        &m.county_code,
        ("sanction", &m.id),
        "propose",
        None,
        Some(m),
    )?;
    tx.insert(m.clone()).await?;
    let kind_label = SanctionKind::parse(&m.kind).map_or("", SanctionKind::label);
    crate::notify::notify(
        app,
        tx,
        &m.county_code,
        |u| u.role == crate::Role::Chief.code(),
        format!("处理建议待您决定：{kind_label}"),
        format!(
            "{}提议对{enterprise}{kind_label}，请审阅依据后决定。",
            actor.display_name
        ),
        format!("/sanctions/{}", m.id),
    )
    .await?;
    tx.record(audit).await?;
    Ok(())
}

/// The responsible person decides, declines, or withdraws a decision.
pub async fn act(
    app: &App,
    actor: &Actor,
    id: &str,
    action: SanctionAction,
    note: &str,
) -> Result<sanction::Model, AppError> {
    let before = get(app, actor, id).await?;
    actor.require(Permission::EditRecords)?;
    if !s::may_decide(actor.role) {
        return Err(AppError::Forbidden);
    }
    let state = SanctionState::parse(&before.state)
        .ok_or_else(|| AppError::corrupt("sanction", &before.id, "state", &before.state))?;
    let next = s::next(state, action).map_err(AppError::Conflict)?;
    let mut e = FieldErrors::new();
    let note = match action {
        SanctionAction::Decide => e.optional_text("note", "决定意见", Some(note), 2000),
        SanctionAction::Decline => Some(e.required_text("note", "不同意的理由", note, 2000)),
        SanctionAction::Withdraw => Some(e.required_text("note", "撤销理由", note, 2000)),
    };
    if !e.is_empty() {
        return Err(AppError::Validation(e));
    }
    let now = app.now();
    let today = app.today();
    let mut after = sanction::Model {
        state: next.code().into(),
        updated_at: now,
        ..before.clone()
    };
    match action {
        SanctionAction::Decide | SanctionAction::Decline => {
            after.decided_by = Some(actor.audit_name());
            after.decided_on = Some(today);
            after.decision_note = note;
        }
        SanctionAction::Withdraw => {
            after.withdrawn_on = Some(today);
            after.withdraw_reason = note;
        }
    }
    let verb = match action {
        SanctionAction::Decide => "decide",
        SanctionAction::Decline => "decline",
        SanctionAction::Withdraw => "withdraw",
    };
    let audit = entry(
        app,
        actor,
        &before.county_code,
        ("sanction", id),
        verb,
        Some(&before),
        Some(&after),
    )?;
    let mut tx = app.store.begin().await?;
    tx.replace(&before, after.clone()).await?;
    if action == SanctionAction::Decide {
        consequences(app, actor, &mut tx, &after).await?;
    }
    if action == SanctionAction::Withdraw {
        withdraw_recovery(app, actor, &mut tx, &after).await?;
    }
    // A proposal made from a count's discrepancy settles it, or gives it back.
    Box::pin(crate::inventory::on_sanction(
        app, actor, &mut tx, &after, action,
    ))
    .await?;
    tx.record(audit).await?;
    tx.commit().await?;
    crate::docket::refresh_after_change(app, &before.county_code).await?;
    Ok(after)
}

/// A withdrawn recovery decision is no longer owed: its recovery is voided with the
/// withdrawal's reason and the ledger reverses the amount ordered, in the same write.
/// Refused (by the ledger) while repayments stand against it.
async fn withdraw_recovery(
    app: &App,
    actor: &Actor,
    tx: &mut jianguan_store::WriteTx,
    m: &sanction::Model,
) -> Result<(), AppError> {
    if SanctionKind::parse(&m.kind) != Some(SanctionKind::FundRecovery) {
        return Ok(());
    }
    let Some(r) = scoped::one::<fund_recovery::Entity>(tx.conn(), &actor.scope(), &m.id).await?
    else {
        return Ok(());
    };
    if !r.repayments_parsed()?.is_empty() {
        return Err(AppError::Conflict(
            "该追回决定已有退回款项登记，不能撤销；如决定有误，请先核实已退回的款项".into(),
        ));
    }
    let now = app.now();
    let after = fund_recovery::Model {
        voided_at: Some(now),
        void_reason: m.withdraw_reason.clone(),
        updated_at: now,
        ..r.clone()
    };
    tx.replace(&r, after.clone()).await?;
    crate::funds::ledger::post_for(app, tx, actor, &r.county_code, &r.project_id).await?;
    tx.record(entry(
        app,
        actor,
        &r.county_code,
        ("fund_recovery", &r.id),
        "void",
        Some(&r),
        Some(&after),
    )?)
    .await?;
    Ok(())
}

/// What a decision does to the records the rules read, in the same transaction.
async fn consequences(
    app: &App,
    actor: &Actor,
    tx: &mut jianguan_store::WriteTx,
    m: &sanction::Model,
) -> Result<(), AppError> {
    let kind = SanctionKind::parse(&m.kind);
    let Some(project_id) = m.project_id.clone() else {
        return Ok(());
    };
    let now = app.now();
    match kind {
        Some(SanctionKind::FundRecovery) => {
            let r = fund_recovery::Model {
                // The recovery carries its decision's id, so repayments find it.
                id: m.id.clone(),
                county_code: m.county_code.clone(),
                project_id,
                enterprise_id: m.enterprise_id.clone(),
                decided_on: app.today(),
                amount_fen: m.amount_fen.unwrap_or(0),
                deadline: m.deadline.unwrap_or_else(|| app.today()),
                repayments: "[]".into(),
                created_at: now,
                updated_at: now,
                voided_at: None,
                void_reason: None,
            };
            tx.insert(r.clone()).await?;
            let county = &r.county_code;
            crate::funds::ledger::post_for(app, tx, actor, county, &r.project_id).await?;
            tx.record(entry(
                app,
                actor,
                &m.county_code,
                ("fund_recovery", &r.id),
                "create",
                None::<&fund_recovery::Model>,
                Some(&r),
            )?)
            .await?;
        }
        Some(SanctionKind::Disqualification) => {
            let p = scoped::one::<project::Entity>(tx.conn(), &actor.scope(), &project_id)
                .await?
                .ok_or(AppError::NotFound)?;
            crate::audit::set_project_status(
                app,
                tx,
                actor,
                &p,
                ProjectStatus::Disqualified,
                app.today(),
                "disqualify",
            )
            .await?;
        }
        _ => {}
    }
    Ok(())
}

/// One entry of the public notice board.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PublicNotice {
    pub id: String,
    pub county: String,
    pub enterprise: String,
    pub kind: String,
    pub facts: String,
    pub clause: String,
    pub decided_on: Option<chrono::NaiveDate>,
    pub withdrawn_on: Option<chrono::NaiveDate>,
    pub withdraw_reason: Option<String>,
}

/// Decided (and withdrawn) public criticisms and disqualifications, newest first. Open to
/// anyone: nothing proposed, declined or non-public is included.
pub async fn public_board(app: &App) -> Result<Vec<PublicNotice>, AppError> {
    let db = app.store.reader();
    let public: Vec<&str> = SanctionKind::ALL
        .into_iter()
        .filter(|k| k.is_public())
        .map(|k| k.code())
        .collect();
    let rows = queries::public_sanctions(db, &public).await?;
    let ids: Vec<String> = rows.iter().map(|r| r.enterprise_id.clone()).collect();
    let enterprises = queries::enterprise_names(db, &ids).await?;
    // Only the counties the notices name: a province's deployment holds hundreds.
    let codes: Vec<String> = rows.iter().map(|r| r.county_code.clone()).collect();
    let counties = queries::county_names(db, &codes).await?;
    let mut out = Vec::new();
    for r in rows {
        out.push(PublicNotice {
            id: r.id,
            county: counties
                .get(&r.county_code)
                .cloned()
                .unwrap_or(r.county_code),
            enterprise: enterprises
                .get(&r.enterprise_id)
                .cloned()
                .unwrap_or_default(),
            kind: SanctionKind::parse(&r.kind)
                .map_or("", |k| k.label())
                .into(),
            facts: r.facts,
            clause: r.clause,
            decided_on: r.decided_on,
            withdrawn_on: r.withdrawn_on,
            withdraw_reason: r.withdraw_reason,
        });
    }
    Ok(out)
}

/// The fund recovery a decided recovery sanction created (same id), if any.
pub async fn recovery(
    app: &App,
    actor: &Actor,
    id: &str,
) -> Result<Option<fund_recovery::Model>, AppError> {
    get(app, actor, id).await?;
    Ok(scoped::one::<fund_recovery::Entity>(app.store.reader(), &actor.scope(), id).await?)
}

/// Records money paid back against a decided fund recovery (一（二）): a date between the
/// decision and today, an amount no more than what is still owed.
pub async fn record_repayment(
    app: &App,
    actor: &Actor,
    id: &str,
    date: &str,
    amount: &str,
) -> Result<fund_recovery::Model, AppError> {
    let before = recovery(app, actor, id)
        .await?
        .ok_or_else(|| AppError::Conflict("只有已决定的追回资金才能登记退回款项".into()))?;
    actor.require(Permission::EditRecords)?;
    if !s::may_propose(actor.role) {
        return Err(AppError::Forbidden);
    }
    let mut repayments = before.repayments_parsed()?;
    let paid: i64 = repayments.iter().map(|r| r.amount_fen).sum();
    let owed = before.amount_fen - paid;
    let mut e = FieldErrors::new();
    let date = match jianguan_domain::dates::parse_date(date) {
        Ok(d) if d > app.today() => {
            e.add("date", "退回日期不能晚于今天");
            None
        }
        Ok(d) if d < before.decided_on => {
            e.add("date", "退回日期不能早于追回决定日期");
            None
        }
        Ok(d) => Some(d),
        Err(m) => {
            e.add("date", format!("退回日期：{m}"));
            None
        }
    };
    let amount = match Money::parse_yuan(amount) {
        Ok(m) if m.fen() <= 0 => {
            e.add("amount", "退回金额应大于 0");
            None
        }
        Ok(m) if m.fen() > owed => {
            e.add(
                "amount",
                format!(
                    "退回金额超过尚未追回的 {}",
                    Money::from_fen(owed)
                        .map(|x| x.to_string())
                        .unwrap_or_default()
                ),
            );
            None
        }
        Ok(m) => Some(m.fen()),
        Err(err) => {
            e.add("amount", err.to_string());
            None
        }
    };
    let (Some(date), Some(amount_fen), true) = (date, amount, e.is_empty()) else {
        return Err(AppError::Validation(e));
    };
    repayments.push(jianguan_domain::rules::facts::Repayment { date, amount_fen });
    let after = fund_recovery::Model {
        repayments: serde_json::to_string(&repayments)?,
        updated_at: app.now(),
        ..before.clone()
    };
    let audit = entry(
        app,
        actor,
        &before.county_code,
        ("fund_recovery", id),
        "repayment",
        Some(&before),
        Some(&after),
    )?;
    let project = before.project_id.clone();
    crate::funds::ledger::replace_and_post(app, actor, audit, &before, after.clone(), &project)
        .await?;
    crate::docket::refresh_after_change(app, &before.county_code).await?;
    Ok(after)
}
