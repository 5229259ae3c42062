//! The stored 资金台账: each write that moves money (a project's central funds, a payment
//! confirmed or voided, a claim approved, a recovery decided, a repayment) posts its
//! entries in the same transaction, through [`post`]. Posting compares what the records
//! say each source of money stands at with the stored entries and appends what brings
//! them level — a reversing entry for what changed or went, a new entry for what came —
//! so there is one way money enters the ledger, whichever path moved it. Pages compute
//! every figure from the stored entries and name anything the records say that the
//! ledger does not hold.

use crate::{App, AppError};
use jianguan_domain::ledger::{CatchUp, Due, Entry, Ledger, LedgerError, Movement};
use jianguan_domain::rules::facts::Repayment;
use jianguan_store::entity::{
    disbursement, fund_recovery, ledger_entry, programme, project, subsidy_claim,
};
use jianguan_store::queries::Scope;
use jianguan_store::sea::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use jianguan_store::{AuditEntry, WriteTx, scoped};
use std::collections::BTreeMap;

/// Everything the ledger's sources are read from.
pub(super) struct Records {
    /// The live projects.
    pub projects: Vec<project::Model>,
    /// Voided payments and claims included: their movements are reversed, never dropped.
    pub disbursements: Vec<disbursement::Model>,
    pub claims: Vec<subsidy_claim::Model>,
    pub recoveries: Vec<fund_recovery::Model>,
}

/// Which projects' records to read.
pub(super) enum Which<'a> {
    All,
    Project(&'a str),
    Projects(&'a [String]),
}

pub(super) async fn load(
    conn: &impl ConnectionTrait,
    scope: &Scope,
    which: Which<'_>,
) -> Result<Records, AppError> {
    let mut projects = scoped::find::<project::Entity>(scope);
    let mut disbursements = scoped::find_with_voided::<disbursement::Entity>(scope);
    let mut claims = scoped::find_with_voided::<subsidy_claim::Entity>(scope);
    let mut recoveries = scoped::find::<fund_recovery::Entity>(scope);
    let ids: Vec<String> = match which {
        Which::All => Vec::new(),
        Which::Project(id) => vec![id.to_string()],
        Which::Projects(ids) => ids.to_vec(),
    };
    if !matches!(which, Which::All) {
        projects = projects.filter(project::Column::Id.is_in(ids.clone()));
        disbursements = disbursements.filter(disbursement::Column::ProjectId.is_in(ids.clone()));
        claims = claims.filter(subsidy_claim::Column::ProjectId.is_in(ids.clone()));
        recoveries = recoveries.filter(fund_recovery::Column::ProjectId.is_in(ids));
    }
    Ok(Records {
        projects: projects
            .order_by_asc(project::Column::CreatedAt)
            .order_by_asc(project::Column::Id)
            .all(conn)
            .await?,
        disbursements: disbursements.all(conn).await?,
        claims: claims.all(conn).await?,
        recoveries: recoveries.all(conn).await?,
    })
}

/// What the records say each source of money stands at.
pub(super) fn dues(r: &Records) -> Result<Vec<Due>, AppError> {
    let mut out = Vec::new();
    let mut add = |source: String, date, project_id: &str, movement, amount_fen| {
        out.push(Due {
            source,
            project_id: project_id.to_string(),
            movement,
            amount_fen,
            date,
        })
    };
    for p in r.projects.iter().filter(|p| p.central_funds_fen > 0) {
        add(
            format!("project:{}", p.id),
            p.created_at.date_naive(),
            &p.id,
            Movement::Allocation,
            p.central_funds_fen,
        );
    }
    for d in &r.disbursements {
        if d.confirmed() && d.voided_at.is_none() {
            let on = d.date;
            add(
                format!("disbursement:{}", d.id),
                on,
                &d.project_id,
                Movement::Disbursement,
                d.amount_fen,
            );
        }
    }
    for c in r.claims.iter().filter(|c| c.voided_at.is_none()) {
        if let (Some(fen), Some(on)) = (c.approved_fen, c.approved_on)
            && fen > 0
        {
            add(
                format!("claim:{}", c.id),
                on,
                &c.project_id,
                Movement::ApprovedClaim,
                fen,
            );
        }
    }
    for f in &r.recoveries {
        add(
            format!("recovery:{}", f.id),
            f.decided_on,
            &f.project_id,
            Movement::RecoveryOrdered,
            f.amount_fen,
        );
        let repayments: Vec<Repayment> = f.repayments_parsed()?;
        for (n, y) in repayments.iter().enumerate() {
            add(
                format!("recovery:{}:{}", f.id, n + 1),
                y.date,
                &f.project_id,
                Movement::Repayment,
                y.amount_fen,
            );
        }
    }
    Ok(out)
}

/// The day a source's entry is reversed: the day its record was voided, or `today`.
pub(super) fn reversal_dates(
    r: &Records,
    today: chrono::NaiveDate,
) -> impl Fn(&str) -> chrono::NaiveDate {
    let mut voided = BTreeMap::new();
    for d in &r.disbursements {
        if let Some(at) = d.voided_at {
            voided.insert(format!("disbursement:{}", d.id), at);
        }
    }
    for c in &r.claims {
        if let Some(at) = c.voided_at {
            voided.insert(format!("claim:{}", c.id), at);
        }
    }
    move |source: &str| {
        voided
            .get(source)
            .map_or(today, |at| jianguan_domain::china_today(*at))
    }
}

/// The stored entries of `projects` (all of the scope's when None), in the order written.
pub(super) async fn stored(
    conn: &impl ConnectionTrait,
    scope: &Scope,
    projects: Option<&[String]>,
) -> Result<Vec<Entry>, AppError> {
    let mut q = scoped::find::<ledger_entry::Entity>(scope);
    if let Some(ids) = projects {
        q = q.filter(ledger_entry::Column::ProjectId.is_in(ids.to_vec()));
    }
    q.order_by_asc(ledger_entry::Column::Seq)
        .all(conn)
        .await?
        .into_iter()
        .map(entry_of)
        .collect()
}

fn entry_of(m: ledger_entry::Model) -> Result<Entry, AppError> {
    let movement = Movement::parse(&m.movement)
        .ok_or_else(|| AppError::corrupt("ledger_entry", &m.id, "movement", &m.movement))?;
    Ok(Entry {
        id: m.id,
        source: m.source,
        date: m.date,
        project_id: m.project_id,
        movement,
        amount_fen: m.amount_fen,
        reverses: m.reverses,
    })
}

/// One programme's ledger from its stored entries, and the entries it could not take
/// (which only a database changed outside the product would hold).
pub(super) fn replay(budget_fen: i64, entries: &[Entry]) -> (Ledger, Vec<String>) {
    let mut l = Ledger::new(budget_fen);
    let mut problems = Vec::new();
    for e in entries {
        if let Err(why) = l.push(e.clone()) {
            problems.push(format!("台账记录“{}”无法计入：{why}", describe(e)));
        }
    }
    (l, problems)
}

/// What an entry is, in words.
pub(super) fn describe(e: &Entry) -> String {
    if e.reverses.is_some() {
        return format!(
            "冲正（{}，原{}）",
            jianguan_domain::format_cn_date(e.date),
            e.movement.label()
        );
    }
    let (kind, id) = e.source.split_once(':').unwrap_or(("", &e.source));
    let record = match kind {
        "project" => "项目中央财政资金",
        "disbursement" => "拨付记录",
        "claim" => "补助资金申请",
        "recovery" if id.contains(':') => "退回记录",
        "recovery" => "追回决定",
        _ => "记录",
    };
    format!(
        "{}（{}，{}）",
        record,
        jianguan_domain::format_cn_date(e.date),
        e.movement.label()
    )
}

/// What a catch-up would still write, in words: the records the ledger does not hold.
pub(super) fn pending(c: &CatchUp) -> Vec<String> {
    let waiting = c
        .entries
        .iter()
        .map(|e| format!("{}尚未记入台账", describe(e)));
    let refused = c
        .refused
        .iter()
        .map(|(e, why)| format!("{}未计入台账：{why}", describe(e)));
    waiting.chain(refused).collect()
}

/// Brings the ledger of the programmes `project_id` belongs to (every programme of the
/// county when None) level with the records, inside `tx`, as `by` (the audit's name of
/// who moved the money). Entries the ledger refuses are an error when `strict` — the
/// write that caused them is refused — and otherwise reported in words (an import).
pub(crate) async fn post(
    app: &App,
    tx: &mut WriteTx,
    county: &str,
    project_id: Option<&str>,
    by: &str,
    strict: bool,
) -> Result<Posted, AppError> {
    let scope = Scope::county(county);
    let all_projects: Vec<project::Model> = {
        let mut q = scoped::find_with_voided::<project::Entity>(&scope);
        if let Some(id) = project_id {
            let Some(p) = scoped::find_with_voided::<project::Entity>(&scope)
                .filter(project::Column::Id.eq(id))
                .one(tx.conn())
                .await?
            else {
                return Ok(Posted::default());
            };
            q = q.filter(project::Column::ProgrammeId.eq(p.programme_id));
        }
        q.all(tx.conn()).await?
    };
    let ids: Vec<String> = all_projects.iter().map(|p| p.id.clone()).collect();
    let records = load(tx.conn(), &scope, Which::Projects(&ids)).await?;
    let dues = dues(&records)?;
    let entries = stored(tx.conn(), &scope, Some(&ids)).await?;
    let programme_of: BTreeMap<&str, &str> = all_projects
        .iter()
        .map(|p| (p.id.as_str(), p.programme_id.as_str()))
        .collect();
    let mut programmes: Vec<&str> = programme_of.values().copied().collect();
    programmes.sort_unstable();
    programmes.dedup();
    let when = reversal_dates(&records, app.today());
    let mut posted = Vec::new();
    let mut problems = Vec::new();
    for prog_id in programmes {
        let mine = |pid: &str| programme_of.get(pid) == Some(&prog_id);
        let budget = programme::Entity::find_by_id(prog_id.to_string())
            .one(tx.conn())
            .await?
            .map_or(0, |p| p.budget_fen);
        let ours: Vec<Entry> = entries
            .iter()
            .filter(|e| mine(&e.project_id))
            .cloned()
            .collect();
        let (ledger, _) = replay(budget, &ours);
        let due: Vec<Due> = dues
            .iter()
            .filter(|d| mine(&d.project_id))
            .cloned()
            .collect();
        let c = ledger.catch_up(&due, &when);
        if strict && let Some((e, why)) = c.refused.first() {
            return Err(refusal(e, why));
        }
        problems.extend(pending(&CatchUp {
            entries: Vec::new(),
            refused: c.refused,
        }));
        posted.extend(c.entries);
    }
    let written = posted.len();
    write(app, tx, county, posted, by).await?;
    Ok(Posted { written, problems })
}

/// What a posting did.
#[derive(Debug, Default)]
pub(crate) struct Posted {
    pub written: usize,
    /// What the ledger refused, in words (never when strict).
    pub problems: Vec<String>,
}

/// [`post`] for a write `actor` makes to one project's money: refused entries refuse it.
pub(crate) async fn post_for(
    app: &App,
    tx: &mut WriteTx,
    actor: &crate::Actor,
    county: &str,
    project_id: &str,
) -> Result<(), AppError> {
    post(app, tx, county, Some(project_id), &actor.audit_name(), true).await?;
    Ok(())
}

/// Replaces a record that moves money (`before` as read) with `after`, posts the ledger
/// entries that follows from it and records the audit row, in one write: the one way a
/// voided payment or claim, a voided project or a repayment reaches the ledger.
pub(crate) async fn replace_and_post<M>(
    app: &App,
    actor: &crate::Actor,
    audit: AuditEntry,
    before: &M,
    after: M,
    project_id: &str,
) -> Result<(), AppError>
where
    M: jianguan_store::sea::ModelTrait
        + jianguan_store::sea::IntoActiveModel<<M::Entity as EntityTrait>::ActiveModel>
        + PartialEq
        + Clone,
    M::Entity: EntityTrait<Model = M>,
    <M::Entity as EntityTrait>::ActiveModel: jianguan_store::sea::ActiveModelBehavior + Send,
{
    let county = audit.county_code.clone().unwrap_or_default();
    let mut tx = app.store.begin().await?;
    tx.replace(before, after).await?;
    post_for(app, &mut tx, actor, &county, project_id).await?;
    tx.record(audit).await?;
    tx.commit().await?;
    Ok(())
}

fn refusal(e: &Entry, why: &LedgerError) -> AppError {
    AppError::Conflict(format!("{}不能记入资金台账：{why}", describe(e)))
}

async fn write(
    app: &App,
    tx: &mut WriteTx,
    county: &str,
    entries: Vec<Entry>,
    by: &str,
) -> Result<(), AppError> {
    if entries.is_empty() {
        return Ok(());
    }
    let last: Option<i64> = ledger_entry::Entity::find()
        .select_only()
        .column(ledger_entry::Column::Seq)
        .order_by_desc(ledger_entry::Column::Seq)
        .limit(1)
        .into_tuple()
        .one(tx.conn())
        .await?;
    let now = app.now();
    for (n, e) in entries.into_iter().enumerate() {
        tx.insert(ledger_entry::Model {
            id: e.id,
            county_code: county.to_string(),
            seq: last.unwrap_or(0) + 1 + n as i64,
            project_id: e.project_id,
            movement: e.movement.code().into(),
            amount_fen: e.amount_fen,
            date: e.date,
            source: e.source,
            reverses: e.reverses,
            recorded_by: by.to_string(),
            recorded_at: now,
        })
        .await?;
    }
    Ok(())
}

/// The start's catch-up, once: [`post_all`] when the database still waits for it (the
/// flag m0018 set on a database with history), then the flag cleared. `None`: nothing was
/// waiting, and only the flag was read. A catch-up cut short keeps the flag, so the next
/// start goes on (each county is a write of its own, and a county done writes nothing).
pub async fn catch_up_once(app: &App) -> Result<Option<usize>, AppError> {
    if !app.store.ledger_catch_up_pending().await? {
        return Ok(None);
    }
    let n = post_all(app).await?;
    app.store.ledger_caught_up().await?;
    Ok(Some(n))
}

/// Posts what every county's records say and the ledger does not hold yet: for a
/// database written before the ledger was stored, and harmless after — a county with
/// nothing to post writes nothing. Returns how many counties had entries.
pub async fn post_all(app: &App) -> Result<usize, AppError> {
    let counties: Vec<String> = jianguan_store::entity::county::Entity::find()
        .select_only()
        .column(jianguan_store::entity::county::Column::Code)
        .into_tuple()
        .all(app.store.reader())
        .await?;
    let mut n = 0;
    for county in counties {
        let by = "系统（资金台账入账）";
        let mut tx = app.store.begin().await?;
        if post(app, &mut tx, &county, None, by, false).await?.written == 0 {
            tx.rollback().await?;
            continue;
        }
        tx.record(AuditEntry {
            at: app.now(),
            actor_id: None,
            actor_name: by.into(),
            county_code: Some(county.clone()),
            entity: "ledger_entry".into(),
            entity_id: county.clone(),
            action: "post".into(),
            before: None,
            after: None,
        })
        .await?;
        tx.commit().await?;
        n += 1;
    }
    Ok(n)
}
