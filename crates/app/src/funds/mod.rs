//! 资金: the central funds of each programme as the county and its contractors see them —
//! the budget split by project, disbursements, subsidy claims with their invoices, and
//! recoveries — every figure computed from one ledger of movements
//! ([`jianguan_domain::ledger`]), and the side-by-side comparison of a claim with the
//! claims the duplicate rules matched it to.

use crate::{Actor, App, AppError, Role};
use jianguan_domain::ledger::{Balances, Entry, Ledger};
use jianguan_domain::rules::facts::Invoice;
use jianguan_domain::rules::{InvoiceComparison, compare_invoices};
use jianguan_store::entity::{
    disbursement, finding, fund_recovery, programme, project, subsidy_claim,
};
use jianguan_store::sea::{
    ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use jianguan_store::{queries, scoped};
use std::collections::BTreeMap;

mod claims;
mod disbursements;
mod exports;
pub(crate) mod ledger;

pub use claims::*;
pub use disbursements::*;
pub use exports::*;
use ledger::Which;
pub use ledger::{catch_up_once, post_all};

/// The disbursements the actor may see (a contractor: its own projects'), newest first.
pub async fn disbursements(app: &App, actor: &Actor) -> Result<Vec<disbursement::Model>, AppError> {
    Ok(scoped::find::<disbursement::Entity>(&actor.scope())
        .order_by_desc(disbursement::Column::Date)
        .order_by_asc(disbursement::Column::Id)
        .limit(2_000)
        .all(app.store.reader())
        .await?)
}

/// Which disbursements a list shows.
#[derive(Debug, Clone, Default)]
pub struct DisbursementFilter {
    pub project_id: Option<String>,
    /// Some(true): awaiting confirmation only; Some(false): counted only.
    pub pending: Option<bool>,
}

/// One page of the disbursements the actor may see, newest first, with how many there are.
pub async fn disbursement_page(
    app: &App,
    actor: &Actor,
    f: &DisbursementFilter,
    offset: u64,
    limit: u64,
) -> Result<queries::Paged<disbursement::Model>, AppError> {
    crate::records::check_page(offset, limit)?;
    let mut q = scoped::find::<disbursement::Entity>(&actor.scope());
    if let Some(p) = f.project_id.as_deref().filter(|p| !p.is_empty()) {
        q = q.filter(disbursement::Column::ProjectId.eq(p));
    }
    match f.pending {
        Some(true) => q = q.filter(disbursement::Column::State.eq(disbursement::RECORDED)),
        Some(false) => {
            q = q.filter(
                Condition::any()
                    .add(disbursement::Column::State.is_null())
                    .add(disbursement::Column::State.ne(disbursement::RECORDED)),
            )
        }
        None => {}
    }
    let q = q
        .order_by_desc(disbursement::Column::Date)
        .order_by_asc(disbursement::Column::Id);
    Ok(queries::page(app.store.reader(), q, offset, limit).await?)
}

// ------------------------------------------------------------------ overview

pub use jianguan_documents::chart::Group as ChartGroup;

/// A chart of groups of amounts, drawn on the server (the same figure the printed report
/// carries).
pub fn chart(title: &str, series: &[&str], groups: &[ChartGroup]) -> String {
    jianguan_documents::chart::grouped_bars(title, series, groups)
}

/// One project's money.
#[derive(Debug, Clone)]
pub struct ProjectFunds {
    pub project: project::Model,
    pub balances: Balances,
    /// 申请补助: what its claims asked for (not a movement of money).
    pub claimed_fen: i64,
    pub claims: usize,
}

/// One programme's money: its ledger and its projects.
#[derive(Debug, Clone)]
pub struct ProgrammeFunds {
    pub programme: programme::Model,
    /// The budget shown: the programme's, or for a contractor what its projects were given.
    pub budget_fen: i64,
    pub ledger: Ledger,
    pub projects: Vec<ProjectFunds>,
    pub claimed_fen: i64,
    /// What the records say and the ledger does not hold (imported data it refused:
    /// beyond the budget, repaid beyond what was owed), each named.
    pub problems: Vec<String>,
}

/// The money of every programme the actor may see: for a contractor, only its own
/// projects (and no programme-wide budget, which is the county's).
pub async fn overview(app: &App, actor: &Actor) -> Result<Vec<ProgrammeFunds>, AppError> {
    overview_of(app, actor, None).await
}

async fn overview_of(
    app: &App,
    actor: &Actor,
    only: Option<&str>,
) -> Result<Vec<ProgrammeFunds>, AppError> {
    let db = app.store.reader();
    let scope = actor.scope();
    let which = only.map_or(Which::All, Which::Project);
    let r = ledger::load(db, &scope, which).await?;
    let only_ids = only.map(|id| vec![id.to_string()]);
    let entries = ledger::stored(db, &scope, only_ids.as_deref()).await?;
    let dues = ledger::dues(&r)?;
    let when = ledger::reversal_dates(&r, app.today());
    let programmes = queries::programmes(db, &scope).await?;
    let programme_of: BTreeMap<&str, &str> = r
        .projects
        .iter()
        .map(|p| (p.id.as_str(), p.programme_id.as_str()))
        .collect();
    let mut claimed: BTreeMap<&str, (i64, usize)> = BTreeMap::new();
    for c in r.claims.iter().filter(|c| c.voided_at.is_none()) {
        let slot = claimed.entry(c.project_id.as_str()).or_default();
        slot.0 = slot.0.saturating_add(c.amount_fen);
        slot.1 += 1;
    }
    let mut out = Vec::new();
    for prog in programmes {
        let mine = |pid: &str| programme_of.get(pid) == Some(&prog.id.as_str());
        let ours: Vec<Entry> = entries
            .iter()
            .filter(|e| mine(&e.project_id))
            .cloned()
            .collect();
        let (ledger, mut problems) = ledger::replay(prog.budget_fen, &ours);
        let due: Vec<_> = dues
            .iter()
            .filter(|d| mine(&d.project_id))
            .cloned()
            .collect();
        // Anything the records say that the ledger does not hold is named, so nobody
        // reads a balance that hides it.
        problems.extend(ledger::pending(&ledger.catch_up(&due, &when)));
        let budget_fen = if actor.role == Role::Contractor {
            // The contractor's view: its allocations are its "budget"; the programme's
            // budget is the county's.
            ledger.totals().allocated_fen
        } else {
            prog.budget_fen
        };
        let projects: Vec<ProjectFunds> = r
            .projects
            .iter()
            .filter(|p| p.programme_id == prog.id)
            .map(|p| {
                let (claimed_fen, claims) = claimed.get(p.id.as_str()).copied().unwrap_or_default();
                ProjectFunds {
                    balances: ledger.project(&p.id),
                    claimed_fen,
                    claims,
                    project: p.clone(),
                }
            })
            .collect();
        if actor.role == Role::Contractor && projects.is_empty() {
            continue;
        }
        out.push(ProgrammeFunds {
            budget_fen,
            claimed_fen: projects.iter().map(|p| p.claimed_fen).sum(),
            programme: prog,
            ledger,
            projects,
            problems,
        });
    }
    Ok(out)
}

/// One project's money, for its page.
pub async fn of_project(
    app: &App,
    actor: &Actor,
    project_id: &str,
) -> Result<Option<ProjectFunds>, AppError> {
    Ok(overview_of(app, actor, Some(project_id))
        .await?
        .into_iter()
        .flat_map(|p| p.projects)
        .find(|p| p.project.id == project_id))
}

// ------------------------------------------------------------------ claims

/// Which claims a list shows.
#[derive(Debug, Clone, Default)]
pub struct ClaimFilter {
    pub project_id: Option<String>,
    /// Only the claims the duplicate rules flag (staff only).
    pub flagged: bool,
}

/// The open findings of the funds rules that concern claims, by claim id; empty for a
/// contractor (the bureau acts on them, and they name other enterprises' invoices).
async fn open_claim_findings(app: &App, actor: &Actor) -> Result<Vec<finding::Model>, AppError> {
    if actor.role == Role::Contractor {
        return Ok(Vec::new());
    }
    Ok(scoped::find::<finding::Entity>(&actor.scope())
        .filter(finding::Column::ResolvedOn.is_null())
        .filter(finding::Column::SubjectKind.eq("subsidy_claim"))
        .filter(finding::Column::Rule.is_in(["funds.duplicate_claim", "funds.suspected_duplicate"]))
        .order_by_asc(finding::Column::Key)
        .all(app.store.reader())
        .await?)
}

/// The claim ids a finding concerns: its subject, and the other claim of a pair.
fn claims_of(f: &finding::Model) -> impl Iterator<Item = &str> {
    let other = f
        .period
        .as_deref()
        .filter(|p| !p.contains(':') && *p != "over_invoiced");
    std::iter::once(f.subject_id.as_str()).chain(other)
}

/// The open duplicate findings of each claim, by claim id.
pub async fn flags(
    app: &App,
    actor: &Actor,
) -> Result<BTreeMap<String, Vec<finding::Model>>, AppError> {
    let mut out: BTreeMap<String, Vec<finding::Model>> = BTreeMap::new();
    for f in open_claim_findings(app, actor).await? {
        for id in claims_of(&f) {
            out.entry(id.to_string()).or_default().push(f.clone());
        }
    }
    Ok(out)
}

/// One page of the claims the actor may see, the newest first, with how many there are.
pub async fn claims(
    app: &App,
    actor: &Actor,
    f: &ClaimFilter,
    offset: u64,
    limit: u64,
) -> Result<queries::Paged<subsidy_claim::Model>, AppError> {
    crate::records::check_page(offset, limit)?;
    let mut q = scoped::find::<subsidy_claim::Entity>(&actor.scope());
    if let Some(p) = f.project_id.as_deref().filter(|p| !p.is_empty()) {
        q = q.filter(subsidy_claim::Column::ProjectId.eq(p));
    }
    if f.flagged {
        let ids: Vec<String> = flags(app, actor).await?.into_keys().collect();
        q = q.filter(Condition::all().add(subsidy_claim::Column::Id.is_in(ids)));
    }
    let q = q
        .order_by_desc(subsidy_claim::Column::SubmittedOn)
        .order_by_asc(subsidy_claim::Column::Id);
    Ok(queries::page(app.store.reader(), q, offset, limit).await?)
}

/// A claim the actor may see: the county's for staff, its own projects' for a contractor.
pub async fn claim(app: &App, actor: &Actor, id: &str) -> Result<subsidy_claim::Model, AppError> {
    scoped::one::<subsidy_claim::Entity>(app.store.reader(), &actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Two invoices side by side, with what agreed once normalised.
#[derive(Debug, Clone)]
pub struct InvoicePair {
    pub ours: Invoice,
    pub theirs: Invoice,
    pub how: InvoiceComparison,
}

/// What one open finding compares the claim with.
#[derive(Debug, Clone)]
pub enum Counterpart {
    /// Another claim of this county, its matching invoices beside ours.
    Claim {
        other: Box<subsidy_claim::Model>,
        pairs: Vec<InvoicePair>,
    },
    /// The same invoice claimed in another county: only that county's name is known here.
    Elsewhere { county: String },
    /// The claim asks for more than its invoices' 价税合计.
    OverInvoiced { claimed_fen: i64, invoiced_fen: i64 },
}

#[derive(Debug, Clone)]
pub struct Comparison {
    pub finding: finding::Model,
    pub with: Counterpart,
}

/// The claim beside every claim an open duplicate finding matched it to. Staff and
/// viewers only: a contractor gets nothing (the other claim is another enterprise's).
pub async fn comparisons(
    app: &App,
    actor: &Actor,
    c: &subsidy_claim::Model,
) -> Result<Vec<Comparison>, AppError> {
    let ours = c.invoices_parsed()?;
    let near = app.profile.thresholds.suspected_duplicate_days;
    let mut out = Vec::new();
    for f in open_claim_findings(app, actor).await? {
        if !claims_of(&f).any(|id| id == c.id) && f.subject_id != c.id {
            continue;
        }
        let with = match f.period.as_deref() {
            Some("over_invoiced") => Counterpart::OverInvoiced {
                claimed_fen: c.amount_fen,
                invoiced_fen: ours.iter().map(Invoice::total_fen).sum(),
            },
            Some(p) if p.starts_with("elsewhere:") => Counterpart::Elsewhere {
                // The docket writes the other county's name, and nothing else of its claim.
                county: p["elsewhere:".len()..].to_string(),
            },
            _ => {
                let other_id = claims_of(&f).find(|id| *id != c.id).unwrap_or_default();
                let Ok(other) = claim(app, actor, other_id).await else {
                    continue;
                };
                let theirs = other.invoices_parsed()?;
                let mut pairs = Vec::new();
                for a in &ours {
                    for b in &theirs {
                        let how = compare_invoices(a, b, near);
                        if how.verdict.is_some() {
                            pairs.push(InvoicePair {
                                ours: a.clone(),
                                theirs: b.clone(),
                                how,
                            });
                        }
                    }
                }
                Counterpart::Claim {
                    other: Box::new(other),
                    pairs,
                }
            }
        };
        out.push(Comparison { finding: f, with });
    }
    Ok(out)
}

// ------------------------------------------------------------------ budget

/// The central funds already given to the programme's live projects, but `except`.
async fn allocated_fen(
    conn: &impl jianguan_store::sea::ConnectionTrait,
    programme_id: &str,
    except: Option<&str>,
) -> Result<i64, AppError> {
    let mut q = project::Entity::find()
        .select_only()
        .column(project::Column::CentralFundsFen)
        .filter(project::Column::ProgrammeId.eq(programme_id))
        .filter(project::Column::VoidedAt.is_null());
    if let Some(id) = except {
        q = q.filter(project::Column::Id.ne(id));
    }
    // Summed here: PostgreSQL's SUM of a bigint is a numeric, which would not decode.
    let amounts: Vec<i64> = q.into_tuple().all(conn).await?;
    Ok(amounts
        .into_iter()
        .map(|a| a.max(0))
        .fold(0i64, i64::saturating_add))
}

fn yuan(fen: i64) -> String {
    jianguan_domain::Money::from_fen(fen.max(0))
        .map_or_else(|_| format!("{fen} 分"), |m| m.to_string())
}

/// Refuses a project's central funds that would take its programme's allocations above
/// the programme's budget. Called inside the write that saves the project, which holds
/// the write lock, so two saves at once cannot both squeeze under the budget.
pub(crate) async fn check_allocation(
    tx: &jianguan_store::WriteTx,
    p: &project::Model,
) -> Result<(), AppError> {
    if p.central_funds_fen <= 0 {
        return Ok(());
    }
    let conn = tx.conn();
    let Some(prog) = programme::Entity::find_by_id(p.programme_id.clone())
        .one(conn)
        .await?
    else {
        return Ok(());
    };
    let others = allocated_fen(conn, &prog.id, Some(&p.id)).await?;
    let room = prog.budget_fen.saturating_sub(others).max(0);
    if p.central_funds_fen > room {
        return Err(AppError::field(
            "central_funds",
            format!(
                "各项目的中央财政资金合计不能超过“{}”的预算{}：其他项目已分配{}，本项目最多{}",
                prog.name,
                yuan(prog.budget_fen),
                yuan(others),
                yuan(room)
            ),
        ));
    }
    Ok(())
}

/// Refuses a programme budget below what its projects were already given.
pub(crate) async fn check_budget(
    tx: &jianguan_store::WriteTx,
    prog: &programme::Model,
) -> Result<(), AppError> {
    let allocated = allocated_fen(tx.conn(), &prog.id, None).await?;
    if prog.budget_fen < allocated {
        return Err(AppError::field(
            "budget",
            format!(
                "预算不能低于已分配给各项目的中央财政资金合计{}",
                yuan(allocated)
            ),
        ));
    }
    Ok(())
}

/// A disbursement the actor may see.
pub async fn disbursement(
    app: &App,
    actor: &Actor,
    id: &str,
) -> Result<disbursement::Model, AppError> {
    scoped::one::<disbursement::Entity>(app.store.reader(), &actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)
}
