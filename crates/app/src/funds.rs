//! 资金: the central funds of each programme as the county and its contractors see them —
//! the budget split by project, disbursements, subsidy claims with their invoices, and
//! recoveries — every figure computed from one ledger of movements
//! ([`jianguan_domain::ledger`]), and the side-by-side comparison of a claim with the
//! claims the duplicate rules matched it to.

use crate::{Actor, App, AppError, Role};
use jianguan_domain::ledger::{Balances, Entry, Ledger, Movement};
use jianguan_domain::rules::facts::{Invoice, Repayment};
use jianguan_domain::rules::{InvoiceComparison, compare_invoices};
use jianguan_store::entity::{
    disbursement, finding, fund_recovery, programme, project, subsidy_claim,
};
use jianguan_store::sea::{
    ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use jianguan_store::{queries, scoped};
use std::collections::BTreeMap;

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
    pub ledger: Ledger,
    pub projects: Vec<ProjectFunds>,
    pub claimed_fen: i64,
    /// Records the ledger refused (imported data beyond the budget, repayments beyond what
    /// was owed), each named, so nobody reads a balance that hides them.
    pub problems: Vec<String>,
}

/// Everything a funds page computes from.
struct Records {
    projects: Vec<project::Model>,
    disbursements: Vec<disbursement::Model>,
    claims: Vec<subsidy_claim::Model>,
    recoveries: Vec<fund_recovery::Model>,
}

async fn records(app: &App, actor: &Actor, only: Option<&str>) -> Result<Records, AppError> {
    let db = app.store.reader();
    let scope = actor.scope();
    let mut projects = scoped::find::<project::Entity>(&scope);
    // Voided payments and claims stay: their movements are reversed, never dropped.
    let mut disbursements = scoped::find_with_voided::<disbursement::Entity>(&scope);
    let mut claims = scoped::find_with_voided::<subsidy_claim::Entity>(&scope);
    let mut recoveries = scoped::find::<fund_recovery::Entity>(&scope);
    if let Some(id) = only {
        projects = projects.filter(project::Column::Id.eq(id));
        disbursements = disbursements.filter(disbursement::Column::ProjectId.eq(id));
        claims = claims.filter(subsidy_claim::Column::ProjectId.eq(id));
        recoveries = recoveries.filter(fund_recovery::Column::ProjectId.eq(id));
    }
    Ok(Records {
        projects: projects
            .order_by_asc(project::Column::CreatedAt)
            .order_by_asc(project::Column::Id)
            .all(db)
            .await?,
        disbursements: disbursements.all(db).await?,
        claims: claims.all(db).await?,
        recoveries: recoveries.all(db).await?,
    })
}

/// The movements the records make, dated, in the order the ledger takes them (by date,
/// and on one day allocations before payments, a recovery before its repayments).
fn movements(r: &Records) -> Result<Vec<Entry>, AppError> {
    let mut out = Vec::new();
    let mut reversals = Vec::new();
    let mut add = |id: String, date, project_id: &str, movement, amount_fen| {
        out.push(Entry {
            id,
            date,
            project_id: project_id.to_string(),
            movement,
            amount_fen,
            reverses: None,
        })
    };
    // A voided record's movement stays in the ledger, undone by a reversing entry on the
    // day it was voided.
    let mut reverse = |of: String,
                       voided: Option<chrono::DateTime<chrono::Utc>>,
                       project_id: &str,
                       movement,
                       amount_fen| {
        if let Some(at) = voided {
            reversals.push(Entry {
                id: format!("{of}:void"),
                date: jianguan_domain::china_today(at),
                project_id: project_id.to_string(),
                movement,
                amount_fen,
                reverses: Some(of),
            });
        }
    };
    for p in &r.projects {
        if p.central_funds_fen > 0 {
            add(
                format!("project:{}", p.id),
                p.created_at.date_naive(),
                &p.id,
                Movement::Allocation,
                p.central_funds_fen,
            );
        }
    }
    for d in r.disbursements.iter().filter(|d| d.confirmed()) {
        let id = format!("disbursement:{}", d.id);
        let (m, fen) = (Movement::Disbursement, d.amount_fen);
        reverse(id.clone(), d.voided_at, &d.project_id, m, fen);
        add(id, d.date, &d.project_id, m, fen);
    }
    for c in &r.claims {
        if let (Some(fen), Some(on)) = (c.approved_fen, c.approved_on)
            && fen > 0
        {
            let id = format!("claim:{}", c.id);
            reverse(
                id.clone(),
                c.voided_at,
                &c.project_id,
                Movement::ApprovedClaim,
                fen,
            );
            add(id, on, &c.project_id, Movement::ApprovedClaim, fen);
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
    // Each reversal after what it reverses, even when voided the same day.
    out.sort_by(|a, b| (a.date, a.movement, &a.id).cmp(&(b.date, b.movement, &b.id)));
    reversals.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    let mut merged = Vec::with_capacity(out.len() + reversals.len());
    let mut rev = reversals.into_iter().peekable();
    for e in out {
        while rev.peek().is_some_and(|x| x.date < e.date) {
            merged.extend(rev.next());
        }
        merged.push(e);
    }
    merged.extend(rev);
    Ok(merged)
}

fn entry_text(e: &Entry) -> String {
    if e.reverses.is_some() {
        return format!(
            "冲正（{}，原{}作废）",
            jianguan_domain::format_cn_date(e.date),
            e.movement.label()
        );
    }
    let (kind, id) = e.id.split_once(':').unwrap_or(("", &e.id));
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
    let r = records(app, actor, only).await?;
    let programmes = queries::programmes(app.store.reader(), &actor.scope()).await?;
    let moves = movements(&r)?;
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
        let budget = if actor.role == Role::Contractor {
            // The contractor's view: its allocations are its "budget".
            r.projects
                .iter()
                .filter(|p| p.programme_id == prog.id)
                .map(|p| p.central_funds_fen.max(0))
                .sum()
        } else {
            prog.budget_fen
        };
        let mut ledger = Ledger::new(budget);
        let mut problems = Vec::new();
        for m in moves
            .iter()
            .filter(|m| programme_of.get(m.project_id.as_str()) == Some(&prog.id.as_str()))
        {
            if let Err(err) = ledger.push(m.clone()) {
                problems.push(format!("{}未计入台账：{err}", entry_text(m)));
            }
        }
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

// ------------------------------------------------------------------ handing in a claim

use crate::Permission;
use crate::audit::entry;
use crate::reporting::{CLAIM, HandIn, hand_in, review_row, reviews_of};
use crate::secrets::new_id;
use jianguan_domain::FieldErrors;
use jianguan_domain::claim::{ClaimInput, DECLARATION};
use jianguan_domain::reporting::Review;
use jianguan_domain::rules::facts::SubsidyClaim;
use jianguan_store::entity::{duplicate_decision, submission_review as review};

/// Hands a claim in: the contractor in its portal, or staff for the contractor (then the
/// claim records who entered it, and that person may not review it). The docket runs
/// at once, so a duplicate shows before anyone reviews the claim.
pub async fn submit_claim(
    app: &App,
    actor: &Actor,
    input: &ClaimInput,
    pre: FieldErrors,
) -> Result<subsidy_claim::Model, AppError> {
    let staff = actor.role.supervises();
    if staff {
        actor.require(Permission::EditRecords)?;
    } else if actor.role != Role::Contractor {
        return Err(AppError::Forbidden);
    }
    let mut e = pre;
    let project = crate::records::chosen_project(
        app,
        actor,
        &input.project_id,
        "请选择申请补助的项目",
        &mut e,
    )
    .await?;
    let f = input.validate(app.today(), e)?;
    let p = project.ok_or(AppError::NotFound)?;
    let now = app.now();
    let m = subsidy_claim::Model {
        id: new_id(),
        county_code: p.county_code.clone(),
        project_id: p.id.clone(),
        submitted_on: app.today(),
        amount_fen: f.amount_fen,
        invoices: serde_json::to_string(&f.invoices)?,
        purpose: Some(f.purpose),
        declaration: Some(format!(
            "{}于{}确认：{DECLARATION}",
            actor.audit_name(),
            jianguan_domain::format_cn_date(app.today())
        )),
        recorded_by: staff.then(|| actor.user_id.clone()),
        approved_fen: None,
        approved_on: None,
        created_at: now,
        updated_at: now,
        voided_at: None,
        void_reason: None,
    };
    let r = review_row(app, actor, &p, CLAIM, &m.id, 1);
    hand_in(
        app,
        actor,
        &p.county_code,
        HandIn {
            kind: CLAIM,
            id: m.id.clone(),
            record: m.clone(),
            replaced: None,
            review: r,
            title: format!("补助资金申请待审核：{}", p.name),
            body: format!(
                "申请金额{}，附发票 {} 张。",
                yuan(m.amount_fen),
                f.invoices.len()
            ),
            link: format!("/funds/claims/{}", m.id),
        },
    )
    .await?;
    Ok(m)
}

/// A claim's review state; an imported claim (no review row) counts as reviewed: approved
/// if it carries an approved amount.
pub async fn claim_review(
    app: &App,
    c: &subsidy_claim::Model,
) -> Result<Option<review::Model>, AppError> {
    Ok(reviews_of(app, &c.id).await?.pop())
}

/// The open findings that hold a claim's approval: a duplicate of it, or a pair with it
/// still to be decided.
async fn holds(
    app: &App,
    actor: &Actor,
    c: &subsidy_claim::Model,
) -> Result<Vec<finding::Model>, AppError> {
    Ok(open_claim_findings(app, actor)
        .await?
        .into_iter()
        .filter(|f| {
            // A claim above its invoices is settled by approving no more than they show.
            let over = f.period.as_deref() == Some("over_invoiced");
            (f.subject_id == c.id && !over)
                || (f.rule == "funds.suspected_duplicate" && f.period.as_deref() == Some(&c.id))
        })
        .collect())
}

/// What a reviewer decides on a claim.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimVerdict {
    /// approved, has_issues, rejected
    pub verdict: String,
    #[serde(default)]
    pub note: String,
    /// 核定金额, in 分: required when approving, at most the amount claimed.
    #[serde(default)]
    pub approved_fen: Option<i64>,
}

/// Reviews a claim: approved (with the amount approved, which may be lower — the note
/// says why), has issues, or rejected. Never by the staff member who entered it, and
/// not while a duplicate of it is open or a suspected pair with it is undecided.
pub async fn review_claim(
    app: &App,
    actor: &Actor,
    id: &str,
    v: &ClaimVerdict,
    pre: FieldErrors,
) -> Result<subsidy_claim::Model, AppError> {
    actor.require(Permission::Supervise)?;
    let c = claim(app, actor, id).await?;
    if c.recorded_by.as_deref() == Some(actor.user_id.as_str()) {
        return Err(AppError::Conflict(
            "这份申请是您代企业录入的，须由另一名工作人员审核（录入人不能审核）".into(),
        ));
    }
    let before = claim_review(app, &c)
        .await?
        .ok_or_else(|| AppError::Conflict("该申请是导入的记录，没有待审核的版本".into()))?;
    let current = Review::parse(&before.state).unwrap_or(Review::Submitted);
    if current != Review::Submitted {
        return Err(AppError::Conflict(format!(
            "该申请{}，不能再审核；如需更正，请企业重新提交申请。",
            current.label()
        )));
    }
    let mut e = pre;
    let verdict = Review::parse(v.verdict.trim());
    if verdict.is_none() || verdict == Some(Review::Submitted) {
        e.add("verdict", "请选择审核结论");
    }
    let mut approved = None;
    if verdict == Some(Review::Approved) && e.get("approved").is_none() {
        match v.approved_fen {
            None => e.add("approved", "请填写核定金额"),
            Some(x) if x <= 0 => e.add("approved", "核定金额必须大于零；不予补助请选择“退回”"),
            Some(x) if x > c.amount_fen => e.add(
                "approved",
                format!("核定金额不能超过申请金额{}", yuan(c.amount_fen)),
            ),
            Some(x) if x > invoiced_fen(&c)? => e.add(
                "approved",
                format!(
                    "核定金额不能超过所附发票的价税合计{}",
                    yuan(invoiced_fen(&c)?)
                ),
            ),
            Some(x) => {
                if x < c.amount_fen && v.note.trim().is_empty() {
                    e.add("note", "核减金额时请写明核减原因");
                }
                approved = Some(x);
            }
        }
    }
    let note = e.optional_text("note", "审核意见", Some(&v.note), 2_000);
    if !e.is_empty() {
        return Err(AppError::Validation(e));
    }
    let verdict = verdict.unwrap_or(Review::Submitted);
    let next = current
        .review(verdict, note.as_deref().unwrap_or_default())
        .map_err(|m| {
            if current == Review::Submitted {
                AppError::field("note", m)
            } else {
                AppError::Conflict(m)
            }
        })?;
    if next == Review::Approved {
        let open = holds(app, actor, &c).await?;
        if let Some(f) = open.first() {
            return Err(AppError::Conflict(format!(
                "该申请有未处理的重复申请疑点，请先核实再审核通过：{}",
                f.message
            )));
        }
    }
    let now = app.now();
    let after_review = review::Model {
        state: next.code().into(),
        note: note.clone(),
        reviewed_by: Some(actor.audit_name()),
        reviewed_at: Some(now),
        ..before.clone()
    };
    let p = crate::records::project(app, actor, &c.project_id).await?;
    let mut tx = app.store.begin().await?;
    tx.replace(&before, after_review.clone()).await?;
    let after = subsidy_claim::Model {
        approved_fen: approved,
        approved_on: approved.map(|_| app.today()),
        updated_at: now,
        ..c.clone()
    };
    if approved.is_some() {
        tx.replace(&c, after.clone()).await?;
        tx.record(entry(
            app,
            actor,
            &c.county_code,
            (CLAIM, &c.id),
            "approve",
            Some(&c),
            Some(&after),
        )?)
        .await?;
    }
    let ent = p.enterprise_id.clone();
    crate::notify::notify(
        app,
        &tx,
        &c.county_code,
        |u| u.role == "contractor" && u.enterprise_id.as_deref() == Some(ent.as_str()),
        format!("补助资金申请{}：{}", next.label(), p.name),
        match approved {
            Some(x) => format!("核定金额{}。{}", yuan(x), note.clone().unwrap_or_default()),
            None => note.clone().unwrap_or_default(),
        },
        format!("/funds/claims/{}", c.id),
    )
    .await?;
    tx.record(entry(
        app,
        actor,
        &c.county_code,
        ("submission_review", &before.id),
        "review",
        Some(&before),
        Some(&after_review),
    )?)
    .await?;
    tx.commit().await?;
    crate::docket::refresh_after_change(app, &c.county_code).await?;
    Ok(if approved.is_some() { after } else { c })
}

// ------------------------------------------------------------------ deciding a suspected pair

/// 价税合计 of a claim's invoices.
fn invoiced_fen(c: &subsidy_claim::Model) -> Result<i64, AppError> {
    Ok(c.invoices_parsed()?.iter().map(Invoice::total_fen).sum())
}

fn as_fact(c: &subsidy_claim::Model) -> Result<SubsidyClaim, AppError> {
    Ok(SubsidyClaim {
        id: c.id.clone(),
        project_id: c.project_id.clone(),
        submitted_on: c.submitted_on,
        amount_fen: c.amount_fen,
        invoices: c.invoices_parsed()?,
        approved_fen: c.approved_fen,
        approved_on: c.approved_on,
    })
}

/// A staff member's word on a pair `funds.suspected_duplicate` raised: confirmed (it is a
/// duplicate, and `funds.duplicate_claim` with the recovery follows) or not a duplicate,
/// with the reason either way. Kept and audited; the pair is not raised again unless one
/// of the claims changes. Two identical clicks at once decide it once.
pub async fn decide_pair(
    app: &App,
    actor: &Actor,
    finding_id: &str,
    confirmed: bool,
    reason: &str,
) -> Result<duplicate_decision::Model, AppError> {
    actor.require(Permission::Supervise)?;
    let f = crate::docket::get(app, actor, finding_id).await?;
    if f.rule != "funds.suspected_duplicate" || f.resolved_on.is_some() {
        return Err(AppError::Conflict(
            "这条待办不是待核实的疑似重复申请，或已经处理".into(),
        ));
    }
    // A pair of claims, or (a claim above its invoices) the claim with itself.
    let first = match f.period.as_deref() {
        Some("over_invoiced") => f.subject_id.as_str(),
        Some(p) if !p.contains(':') => p,
        _ => {
            return Err(AppError::Conflict(
                "这项疑点涉及其他县的申请，请与该县核实".into(),
            ));
        }
    };
    let mut e = FieldErrors::new();
    let reason = e.required_text("reason", "核实情况", reason, 2_000);
    e.into_result(()).map_err(AppError::from)?;
    let a = claim(app, actor, first).await?;
    let b = claim(app, actor, &f.subject_id).await?;
    // A pair is kept in id order, as the rules look it up.
    let (a, b) = if a.id <= b.id { (a, b) } else { (b, a) };
    let fingerprint = jianguan_domain::rules::pair_fingerprint(&as_fact(&a)?, &as_fact(&b)?);
    let now = app.now();
    let m = duplicate_decision::Model {
        id: new_id(),
        county_code: f.county_code.clone(),
        claim_a: a.id.clone(),
        claim_b: b.id.clone(),
        confirmed,
        fingerprint,
        reason,
        decided_by: actor.audit_name(),
        decided_on: app.today(),
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
        &f.county_code,
        ("duplicate_decision", &m.id),
        if confirmed { "confirm" } else { "clear" },
        None,
        Some(&m),
    )?)
    .await?;
    tx.commit().await?;
    crate::docket::refresh_after_change(app, &f.county_code).await?;
    Ok(m)
}

/// The decisions taken on pairs with this claim, newest first (staff only).
pub async fn decisions(
    app: &App,
    actor: &Actor,
    c: &subsidy_claim::Model,
) -> Result<Vec<duplicate_decision::Model>, AppError> {
    if actor.role == Role::Contractor {
        return Ok(Vec::new());
    }
    Ok(duplicate_decision::Entity::find()
        .filter(duplicate_decision::Column::CountyCode.eq(c.county_code.as_str()))
        .filter(duplicate_decision::Column::VoidedAt.is_null())
        .filter(
            Condition::any()
                .add(duplicate_decision::Column::ClaimA.eq(c.id.as_str()))
                .add(duplicate_decision::Column::ClaimB.eq(c.id.as_str())),
        )
        .order_by_desc(duplicate_decision::Column::CreatedAt)
        .all(app.store.reader())
        .await?)
}

// ------------------------------------------------------------------ disbursements

/// A disbursement as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisbursementInput {
    pub project_id: String,
    pub date: String,
    pub amount_fen: Option<i64>,
    /// 批次, e.g. 第一批.
    pub batch: String,
}

/// Records a disbursement; it counts once another staff member confirms it.
pub async fn record_disbursement(
    app: &App,
    actor: &Actor,
    input: &DisbursementInput,
    pre: FieldErrors,
) -> Result<disbursement::Model, AppError> {
    actor.require_staff()?;
    let mut e = pre;
    let project =
        crate::records::chosen_project(app, actor, &input.project_id, "请选择拨付的项目", &mut e)
            .await?;
    let date = match jianguan_domain::dates::parse_date(&input.date) {
        Ok(d) if d > app.today() => {
            e.add("date", "拨付日期不能晚于今天");
            None
        }
        Ok(d) => Some(d),
        Err(_) if input.date.trim().is_empty() => {
            e.add("date", "请填写拨付日期");
            None
        }
        Err(m) => {
            e.add("date", m);
            None
        }
    };
    if e.get("amount").is_none() {
        match input.amount_fen {
            None => e.add("amount", "请填写拨付金额"),
            Some(x) if x <= 0 => e.add("amount", "拨付金额必须大于零"),
            Some(x) if x > jianguan_domain::money::MAX_FEN => {
                e.add("amount", "金额过大，请核对（上限为 1000 亿元）")
            }
            Some(_) => {}
        }
    }
    let batch = e.required_text("batch", "拨付批次", &input.batch, 50);
    if !e.is_empty() {
        return Err(AppError::Validation(e));
    }
    let (Some(p), Some(date), Some(amount_fen)) = (project, date, input.amount_fen) else {
        return Err(AppError::NotFound);
    };
    let now = app.now();
    let m = disbursement::Model {
        id: new_id(),
        county_code: p.county_code.clone(),
        project_id: p.id.clone(),
        date,
        amount_fen,
        batch,
        state: Some(disbursement::RECORDED.into()),
        recorded_by: Some(actor.user_id.clone()),
        confirmed_by: None,
        confirmed_on: None,
        created_at: now,
        updated_at: now,
        voided_at: None,
        void_reason: None,
    };
    let mut tx = app.store.begin().await?;
    tx.insert(m.clone()).await?;
    let me = actor.user_id.clone();
    crate::notify::notify(
        app,
        &tx,
        &p.county_code,
        |u| crate::notify::is_staff(u) && u.id != me,
        format!("拨付记录待复核：{}", p.name),
        format!(
            "{}，{}，请另一名工作人员核对后确认。",
            batch_text(&m),
            yuan(m.amount_fen)
        ),
        "/funds/disbursements".into(),
    )
    .await?;
    tx.record(entry(
        app,
        actor,
        &p.county_code,
        ("disbursement", &m.id),
        "create",
        None,
        Some(&m),
    )?)
    .await?;
    tx.commit().await?;
    Ok(m)
}

fn batch_text(d: &disbursement::Model) -> String {
    format!("{}（{}）", d.batch, jianguan_domain::format_cn_date(d.date))
}

/// Confirms a recorded disbursement: by someone other than its recorder (two-person rule),
/// once. From then on it counts, and its funds-use inspection (三（一）4) is due.
pub async fn confirm_disbursement(
    app: &App,
    actor: &Actor,
    id: &str,
) -> Result<disbursement::Model, AppError> {
    actor.require(Permission::EditRecords)?;
    let before = disbursement(app, actor, id).await?;
    actor.require_staff()?;
    if before.state.as_deref() != Some(disbursement::RECORDED) {
        return Err(AppError::Conflict("该拨付记录已经确认".into()));
    }
    if before.recorded_by.as_deref() == Some(actor.user_id.as_str()) {
        return Err(AppError::Conflict(
            "拨付记录须由另一名工作人员复核确认，录入人不能自己确认".into(),
        ));
    }
    let after = disbursement::Model {
        state: Some(disbursement::CONFIRMED.into()),
        confirmed_by: Some(actor.user_id.clone()),
        confirmed_on: Some(app.today()),
        updated_at: app.now(),
        ..before.clone()
    };
    let p = crate::records::project(app, actor, &before.project_id).await?;
    let mut tx = app.store.begin().await?;
    tx.replace(&before, after.clone()).await?;
    let ent = p.enterprise_id.clone();
    crate::notify::notify(
        app,
        &tx,
        &p.county_code,
        |u| u.role == "contractor" && u.enterprise_id.as_deref() == Some(ent.as_str()),
        format!("资金已拨付：{}", p.name),
        format!(
            "{}，{}。按规定，拨付后将开展资金使用情况检查。",
            batch_text(&after),
            yuan(after.amount_fen)
        ),
        format!("/projects/{}", p.id),
    )
    .await?;
    tx.record(entry(
        app,
        actor,
        &p.county_code,
        ("disbursement", &after.id),
        "confirm",
        Some(&before),
        Some(&after),
    )?)
    .await?;
    tx.commit().await?;
    crate::docket::refresh_after_change(app, &p.county_code).await?;
    Ok(after)
}

// ------------------------------------------------------------------ spreadsheets out

use jianguan_documents::xlsx::table::{Cell, Table};

/// What an entry of the ledger is, in words.
fn movement_row(e: &Entry, reversed: bool, projects: &BTreeMap<String, String>) -> Vec<Cell> {
    vec![
        Cell::Date(e.date),
        Cell::Text(projects.get(&e.project_id).cloned().unwrap_or_default()),
        Cell::Text(e.movement.label().into()),
        Cell::Fen(if e.reverses.is_some() {
            -e.amount_fen
        } else {
            e.amount_fen
        }),
        Cell::Text(entry_text(e)),
        Cell::Text(match (&e.reverses, reversed) {
            (Some(_), _) => "冲正".into(),
            (None, true) => "已冲正".into(),
            (None, false) => String::new(),
        }),
    ]
}

/// The funds ledger of every programme the actor may see, one movement a row, as XLSX.
pub async fn ledger_xlsx(app: &App, actor: &Actor) -> Result<Vec<u8>, AppError> {
    let all = overview(app, actor).await?;
    let mut rows = Vec::new();
    for p in &all {
        let names: BTreeMap<String, String> = p
            .projects
            .iter()
            .map(|f| (f.project.id.clone(), f.project.name.clone()))
            .collect();
        for e in p.ledger.entries() {
            let mut row = vec![Cell::Text(p.programme.name.clone())];
            row.extend(movement_row(e, p.ledger.is_reversed(&e.id), &names));
            rows.push(row);
        }
    }
    let t = Table {
        sheet: "资金台账".into(),
        headers: vec![
            "综合示范项目",
            "日期",
            "项目",
            "类型",
            "金额（元）",
            "依据",
            "冲正",
        ],
        rows,
    };
    app.heavy
        .run(move || jianguan_documents::xlsx::table::write(&t))
        .await?
        .map_err(|e| AppError::internal("funds ledger", e))
}

/// The claims register (补助资金申请登记表): every claim the actor may see with its
/// invoices, review and approved amount, as XLSX; the reviews read in one query.
pub async fn claims_xlsx(app: &App, actor: &Actor) -> Result<Vec<u8>, AppError> {
    use jianguan_documents::xlsx::table::MAX_ROWS;
    let db = app.store.reader();
    let all = scoped::find::<subsidy_claim::Entity>(&actor.scope())
        .order_by_desc(subsidy_claim::Column::SubmittedOn)
        .order_by_asc(subsidy_claim::Column::Id)
        .limit(MAX_ROWS as u64)
        .all(db)
        .await?;
    let mut latest: BTreeMap<String, review::Model> = BTreeMap::new();
    for r in scoped::find::<review::Entity>(&actor.scope())
        .filter(review::Column::Kind.eq(CLAIM))
        .order_by_asc(review::Column::SubmittedAt)
        .all(db)
        .await?
    {
        latest.insert(r.record_id.clone(), r);
    }
    let projects: BTreeMap<String, String> = crate::inspections::projects(app, actor)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let mut rows = Vec::with_capacity(all.len());
    for c in &all {
        let invoices = c.invoices_parsed()?;
        let state = latest
            .get(&c.id)
            .and_then(|r| Review::parse(&r.state))
            .map_or("导入的记录", Review::label);
        rows.push(vec![
            Cell::Date(c.submitted_on),
            Cell::Text(projects.get(&c.project_id).cloned().unwrap_or_default()),
            Cell::Text(c.purpose.clone().unwrap_or_default()),
            Cell::Fen(c.amount_fen),
            Cell::Count(i64::try_from(invoices.len()).unwrap_or(i64::MAX)),
            Cell::Fen(invoices.iter().map(Invoice::total_fen).sum()),
            Cell::Text(
                invoices
                    .iter()
                    .map(|i| format!("{} {}（{}）", i.code, i.number, i.seller))
                    .collect::<Vec<_>>()
                    .join("；"),
            ),
            Cell::Text(state.into()),
            c.approved_fen.map_or(Cell::Empty, Cell::Fen),
            c.approved_on.map_or(Cell::Empty, Cell::Date),
        ]);
    }
    let t = Table {
        sheet: "补助资金申请".into(),
        headers: vec![
            "申请日期",
            "项目",
            "资金用途",
            "申请金额（元）",
            "发票张数",
            "发票价税合计（元）",
            "发票（代码 号码（销售方））",
            "审核状态",
            "核定金额（元）",
            "审核通过日期",
        ],
        rows,
    };
    app.heavy
        .run(move || jianguan_documents::xlsx::table::write(&t))
        .await?
        .map_err(|e| AppError::internal("claims register", e))
}

// ------------------------------------------------------------------ recoveries

/// A recovery (追回资金) as the list shows it.
#[derive(Debug, Clone)]
pub struct RecoveryRow {
    pub recovery: fund_recovery::Model,
    pub repaid_fen: i64,
    /// The decision it came from has a page (imported recoveries may not).
    pub has_decision: bool,
}

impl RecoveryRow {
    pub fn owed_fen(&self) -> i64 {
        (self.recovery.amount_fen - self.repaid_fen).max(0)
    }
}

/// The recoveries the actor may see (a contractor: its own), the latest decided first.
pub async fn recoveries(app: &App, actor: &Actor) -> Result<Vec<RecoveryRow>, AppError> {
    use jianguan_store::entity::sanction;
    let db = app.store.reader();
    let all = scoped::find::<fund_recovery::Entity>(&actor.scope())
        .order_by_desc(fund_recovery::Column::DecidedOn)
        .order_by_asc(fund_recovery::Column::Id)
        .limit(crate::records::MAX_PAGE)
        .all(db)
        .await?;
    let ids: Vec<String> = all.iter().map(|r| r.id.clone()).collect();
    let decided: std::collections::BTreeSet<String> =
        scoped::find::<sanction::Entity>(&actor.scope())
            .filter(sanction::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect();
    let mut out = Vec::with_capacity(all.len());
    for r in all {
        let repaid_fen = r
            .repayments_parsed()?
            .iter()
            .map(|y| y.amount_fen)
            .fold(0i64, i64::saturating_add);
        out.push(RecoveryRow {
            has_decision: decided.contains(&r.id),
            repaid_fen,
            recovery: r,
        });
    }
    Ok(out)
}

// ------------------------------------------------------------------ invoices from a list

/// The blank invoice list (发票清单) to fill in Excel or WPS.
pub async fn invoice_template(app: &App) -> Result<Vec<u8>, AppError> {
    app.heavy
        .run(jianguan_documents::xlsx::invoice_template)
        .await?
        .map_err(|e| AppError::internal("invoice template", e))
}

/// An uploaded invoice list read whole: every cell problem at once (under `file`), or the
/// invoices as if typed, for the claim's own checks. Nothing is saved here.
pub async fn read_invoice_list(
    app: &App,
    bytes: Vec<u8>,
) -> Result<Vec<jianguan_domain::claim::InvoiceInput>, AppError> {
    let read = app
        .heavy
        .run(move || jianguan_documents::xlsx::read_invoices(&bytes))
        .await?;
    match read {
        Ok(rows) => Ok(rows
            .into_iter()
            .map(|r| jianguan_domain::claim::InvoiceInput {
                code: r.code,
                number: r.number,
                date: r.date,
                seller: r.seller,
                buyer: r.buyer,
                amount_fen: Some(r.amount_fen),
                tax_fen: Some(r.tax_fen),
            })
            .collect()),
        Err(errors) => Err(AppError::workbook("invoices", "file", &errors)),
    }
}

// ------------------------------------------------------------------ corrections

/// A disbursement as recorded, voided ones included (its page stays, marked voided).
pub async fn disbursement_record(
    app: &App,
    actor: &Actor,
    id: &str,
) -> Result<disbursement::Model, AppError> {
    scoped::find_with_voided::<disbursement::Entity>(&actor.scope())
        .filter(disbursement::Column::Id.eq(id))
        .one(app.store.reader())
        .await?
        .ok_or(AppError::NotFound)
}

/// Voids a disbursement recorded in error, with the reason: the record is kept, marked
/// voided, and the ledger undoes its payment with a reversing entry on the day.
pub async fn void_disbursement(
    app: &App,
    actor: &Actor,
    id: &str,
    reason: &str,
) -> Result<disbursement::Model, AppError> {
    actor.require(Permission::EditRecords)?;
    let before = disbursement_record(app, actor, id).await?;
    actor.require_staff()?;
    if before.voided_at.is_some() {
        return Err(AppError::Conflict("该拨付记录已经作废".into()));
    }
    let reason = crate::records::void_reason(reason)?;
    let now = app.now();
    let after = disbursement::Model {
        voided_at: Some(now),
        void_reason: Some(reason),
        updated_at: now,
        ..before.clone()
    };
    let audit = entry(
        app,
        actor,
        &before.county_code,
        ("disbursement", id),
        "void",
        Some(&before),
        Some(&after),
    )?;
    crate::audit::update_audited(app, audit, &before, after.clone()).await?;
    crate::docket::refresh_after_change(app, &before.county_code).await?;
    Ok(after)
}
