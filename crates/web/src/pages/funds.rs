//! 资金 pages: the programme's money at a glance (with a server-drawn chart per project and
//! per system), the subsidy claims, and a claim beside the claims the duplicate rules
//! matched it to.

use super::{HistoryRow, Layout, PageResult, SelectOption, history_rows, layout, money, options};
use crate::AppState;
use crate::auth::Auth;
use crate::routes::Routes;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jianguan_app::AppError;
use jianguan_app::Permission::*;
use jianguan_app::Role;
use jianguan_app::funds::{self, ClaimFilter, Counterpart, ProgrammeFunds};
use jianguan_domain::claim::{ClaimInput, InvoiceInput};
use jianguan_domain::ledger::Balances;
use jianguan_domain::reporting::Review;
use jianguan_domain::rules::facts::Invoice;
use jianguan_domain::{FieldErrors, System, format_cn_date};
use serde::Deserialize;
use std::collections::BTreeMap;

pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/funds", ReadRecords, overview)
        .get("/funds/ledger.xlsx", ReadCounty, ledger_xlsx)
        .get("/funds/claims.xlsx", ReadRecords, claims_xlsx)
        .get("/funds/claims", ReadRecords, claims)
        .post("/funds/claims", HandIn, hand_in)
        .get("/funds/claims/new", ReadRecords, new_claim)
        .get("/funds/claims/invoices.xlsx", ReadRecords, invoice_template)
        .post_large(
            "/funds/claims/new/invoices",
            HandIn,
            super::SHEET_UPLOAD_LIMIT + 64 * 1024,
            invoices_from_list,
        )
        .post("/funds/claims/entered", EditRecords, enter_for_contractor)
        .get("/funds/claims/{id}", ReadRecords, claim)
        .post_large(
            "/funds/claims/{id}/scans",
            HandIn,
            super::UPLOAD_LIMIT,
            upload_scans,
        )
        .post("/funds/claims/{id}/review", Supervise, review)
        .post("/funds/claims/{id}/void", EditRecords, void_claim)
        .post("/funds/duplicates/{id}/decide", Supervise, decide)
        .get("/funds/recoveries", ReadRecords, recoveries)
        .get("/funds/disbursements", ReadRecords, disbursements)
        .post("/funds/disbursements", EditRecords, record_disbursement)
        .get("/funds/disbursements/{id}", ReadRecords, disbursement)
        .post_large(
            "/funds/disbursements/{id}/documents",
            EditRecords,
            super::UPLOAD_LIMIT,
            upload_document,
        )
        .post(
            "/funds/disbursements/{id}/confirm",
            EditRecords,
            confirm_disbursement,
        )
        .post(
            "/funds/disbursements/{id}/void",
            EditRecords,
            void_disbursement,
        )
}

// ------------------------------------------------------------------ overview

/// One line of figures, as the tables show them.
pub struct Figures {
    pub label: String,
    pub href: String,
    pub allocated: String,
    pub disbursed: String,
    pub claimed: String,
    pub approved: String,
    pub recovery_ordered: String,
    pub repaid: String,
    pub outstanding: String,
    pub balance: String,
    pub overspent: bool,
}

fn figures(label: String, href: String, b: &Balances, claimed_fen: i64) -> Figures {
    Figures {
        label,
        href,
        allocated: money(b.allocated_fen),
        disbursed: money(b.disbursed_fen),
        claimed: money(claimed_fen),
        approved: money(b.approved_fen),
        recovery_ordered: money(b.recovery_ordered_fen),
        repaid: money(b.repaid_fen),
        outstanding: money(b.outstanding_recovery_fen()),
        balance: money(b.balance_fen()),
        overspent: b.balance_fen() < 0,
    }
}

pub struct ProgrammeView {
    pub name: String,
    pub budget: String,
    pub allocated: String,
    pub unallocated: String,
    pub totals: Figures,
    pub projects: Vec<Figures>,
    pub systems: Vec<Figures>,
    pub chart: String,
    pub system_chart: String,
    pub problems: Vec<String>,
}

const SERIES: [&str; 4] = ["中央财政资金", "已拨付", "申请补助", "决定追回"];

fn bars(label: &str, b: &Balances, claimed_fen: i64) -> jianguan_app::funds::ChartGroup {
    let v = |fen: i64| (fen, money(fen));
    jianguan_app::funds::ChartGroup {
        label: label.to_string(),
        values: vec![
            v(b.allocated_fen),
            v(b.disbursed_fen),
            v(claimed_fen),
            v(b.recovery_ordered_fen),
        ],
    }
}

fn programme_view(p: ProgrammeFunds, contractor: bool) -> ProgrammeView {
    let totals = p.ledger.totals();
    let mut by_system: BTreeMap<&'static str, (Balances, i64)> = BTreeMap::new();
    for f in &p.projects {
        let label = System::parse(&f.project.system).map_or("其他", System::label);
        let slot = by_system.entry(label).or_default();
        slot.0 = slot.0.plus(&f.balances);
        slot.1 = slot.1.saturating_add(f.claimed_fen);
    }
    let chart = funds::chart(
        "各项目资金情况",
        &SERIES,
        &p.projects
            .iter()
            .map(|f| bars(&f.project.name, &f.balances, f.claimed_fen))
            .collect::<Vec<_>>(),
    );
    let system_chart = funds::chart(
        "各体系资金情况",
        &SERIES,
        &by_system
            .iter()
            .map(|(label, (b, c))| bars(label, b, *c))
            .collect::<Vec<_>>(),
    );
    ProgrammeView {
        budget: money(p.budget_fen),
        allocated: money(totals.allocated_fen),
        unallocated: if contractor {
            String::new()
        } else {
            money(p.ledger.unallocated_fen())
        },
        totals: figures("合计".into(), String::new(), &totals, p.claimed_fen),
        projects: p
            .projects
            .iter()
            .map(|f| {
                figures(
                    f.project.name.clone(),
                    format!("/projects/{}", f.project.id),
                    &f.balances,
                    f.claimed_fen,
                )
            })
            .collect(),
        systems: by_system
            .iter()
            .map(|(label, (b, c))| figures(label.to_string(), String::new(), b, *c))
            .collect(),
        chart,
        system_chart,
        problems: p.problems,
        name: p.programme.name,
    }
}

#[derive(Template)]
#[template(path = "funds.html")]
struct OverviewPage {
    layout: Layout,
    programmes: Vec<ProgrammeView>,
    contractor: bool,
    can_export: bool,
}

pub async fn overview(State(s): State<AppState>, Auth(a, c): Auth) -> PageResult {
    let contractor = a.role == Role::Contractor;
    let programmes = funds::overview(&s.app, &a)
        .await?
        .into_iter()
        .map(|p| programme_view(p, contractor))
        .collect();
    Ok(super::render(
        StatusCode::OK,
        &OverviewPage {
            layout: layout(
                &s,
                &a,
                c.csrf.as_deref().unwrap_or_default(),
                "资金",
                "/funds",
            )
            .await,
            programmes,
            contractor,
            can_export: a.may(ReadCounty),
        },
    ))
}

// ------------------------------------------------------------------ claims

pub struct ClaimRow {
    pub id: String,
    pub submitted_on: String,
    pub project: String,
    pub amount: String,
    pub invoices: usize,
    /// The duplicate rules' word on it: "重复申请" / "疑似重复", or empty.
    pub flag: &'static str,
    pub critical: bool,
}

#[derive(Template)]
#[template(path = "funds_claims.html")]
struct ClaimsPage {
    layout: Layout,
    rows: Vec<ClaimRow>,
    total: u64,
    pager: String,
    projects: Vec<SelectOption>,
    flagged: bool,
    staff: bool,
    can_submit: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ClaimsQuery {
    project_id: String,
    /// "1": only the claims the duplicate rules flag.
    flagged: String,
    offset: u64,
}

fn flag_of(found: Option<&Vec<jianguan_store::entity::finding::Model>>) -> (&'static str, bool) {
    match found {
        Some(f) if f.iter().any(|x| x.rule == "funds.duplicate_claim") => ("重复申请", true),
        Some(f) if !f.is_empty() => ("疑似重复", false),
        _ => ("", false),
    }
}

pub async fn claims(
    State(s): State<AppState>,
    Auth(a, c): Auth,
    Query(q): Query<ClaimsQuery>,
) -> PageResult {
    let flagged = match q.flagged.trim() {
        "" | "0" => false,
        "1" => true,
        _ => {
            let mut e = FieldErrors::new();
            e.add("flagged", "筛选条件只能是“全部”或“有疑点”");
            return Err(AppError::Validation(e).into());
        }
    };
    const PAGE: u64 = 50;
    let f = ClaimFilter {
        project_id: Some(q.project_id.clone()),
        flagged,
    };
    let found = funds::claims(&s.app, &a, &f, q.offset, PAGE).await?;
    let flags = funds::flags(&s.app, &a).await?;
    let projects = super::project_names(&s, &a).await?;
    let mut rows = Vec::with_capacity(found.items.len());
    for m in found.items {
        let (flag, critical) = flag_of(flags.get(&m.id));
        rows.push(ClaimRow {
            submitted_on: format_cn_date(m.submitted_on),
            project: projects.get(&m.project_id).cloned().unwrap_or_default(),
            amount: money(m.amount_fen),
            invoices: m.invoices_parsed().map_err(AppError::from)?.len(),
            flag,
            critical,
            id: m.id,
        });
    }
    let pager = super::pager(
        "/funds/claims",
        &[("project_id", &q.project_id), ("flagged", &q.flagged)],
        found.total,
        q.offset,
        PAGE,
    );
    Ok(super::render(
        StatusCode::OK,
        &ClaimsPage {
            layout: layout(
                &s,
                &a,
                c.csrf.as_deref().unwrap_or_default(),
                "补助资金申请",
                "/funds/claims",
            )
            .await,
            rows,
            total: found.total,
            pager,
            projects: options(projects, &q.project_id),
            flagged,
            staff: a.role != Role::Contractor,
            can_submit: a.role == Role::Contractor || (a.role.supervises() && a.may(EditRecords)),
        },
    ))
}

// ------------------------------------------------------------------ one claim

pub struct InvoiceRow {
    pub code: String,
    pub number: String,
    pub date: String,
    pub seller: String,
    pub buyer: String,
    pub amount: String,
    pub tax: String,
    pub total: String,
}

fn invoice_row(i: &Invoice) -> InvoiceRow {
    InvoiceRow {
        code: i.code.clone(),
        number: i.number.clone(),
        date: format_cn_date(i.date),
        seller: i.seller.clone(),
        buyer: i.buyer.clone(),
        amount: money(i.amount_fen),
        tax: money(i.tax_fen),
        total: money(i.total_fen()),
    }
}

/// One field of two invoices side by side; `same` marks what matched once normalised.
pub struct SideBySide {
    pub field: &'static str,
    pub ours: String,
    pub theirs: String,
    pub same: bool,
}

pub struct PairView {
    pub verdict: String,
    pub certain: bool,
    pub fields: Vec<SideBySide>,
}

pub struct ComparisonView {
    pub finding_id: String,
    pub critical: bool,
    pub message: String,
    /// The other claim of this county, when there is one.
    pub other_href: String,
    pub other_label: String,
    pub pairs: Vec<PairView>,
    /// For a claim also made in another county: that county's name.
    pub elsewhere: String,
    /// For a claim above its invoices: the two figures.
    pub over: Option<(String, String)>,
    /// A suspected pair a staff member may decide on.
    pub decidable: bool,
    /// For a duplicate: the recovery proposal, pre-filled with the amount and the facts.
    pub recovery_href: String,
}

fn pair_view(p: &funds::InvoicePair) -> PairView {
    let (a, b, h) = (&p.ours, &p.theirs, &p.how);
    let f = |field, ours: String, theirs: String, same| SideBySide {
        field,
        ours,
        theirs,
        same,
    };
    PairView {
        verdict: h.verdict.clone().unwrap_or_default(),
        certain: h.certain,
        fields: vec![
            f("发票代码", a.code.clone(), b.code.clone(), h.same_code),
            f(
                "发票号码",
                a.number.clone(),
                b.number.clone(),
                h.same_number,
            ),
            f(
                "开票日期",
                format_cn_date(a.date),
                format_cn_date(b.date),
                h.same_date,
            ),
            f("销售方", a.seller.clone(), b.seller.clone(), h.same_seller),
            f(
                "金额",
                money(a.amount_fen),
                money(b.amount_fen),
                h.same_amount,
            ),
        ],
    }
}

#[derive(Template)]
#[template(path = "funds_claim.html")]
struct ClaimPage {
    layout: Layout,
    void_reason: String,
    can_void: bool,
    id: String,
    project_id: String,
    project: String,
    submitted_on: String,
    amount: String,
    purpose: String,
    declaration: String,
    recorded_by_staff: bool,
    invoices: Vec<InvoiceRow>,
    invoiced: String,
    /// 待审核 / 审核通过 / …, and the reviewer's note.
    state: String,
    review_note: String,
    approved: String,
    comparisons: Vec<ComparisonView>,
    decisions: Vec<DecisionView>,
    scans: Vec<super::uploads::PhotoView>,
    staff: bool,
    can_upload: bool,
    can_review: bool,
    /// Why this reviewer may not review (the recorder), shown instead of the form.
    review_blocked: String,
    can_decide: bool,
    saved: bool,
    errors: FieldErrors,
    form: ReviewForm,
    history: Vec<HistoryRow>,
}

pub struct DecisionView {
    pub confirmed: bool,
    pub reason: String,
    pub by: String,
    pub on: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReviewForm {
    verdict: String,
    approved: String,
    note: String,
}

async fn claim_detail(
    s: &AppState,
    auth: &Auth,
    id: &str,
    saved: bool,
    errors: FieldErrors,
    form: ReviewForm,
    status: StatusCode,
) -> PageResult {
    let Auth(a, c) = auth;
    let m = funds::claim_record(&s.app, a, id).await?;
    let voided = m.voided_at.is_some();
    let invoices = m.invoices_parsed().map_err(AppError::from)?;
    let project = jianguan_app::records::project(&s.app, a, &m.project_id)
        .await
        .map(|p| p.name)
        .unwrap_or_default();
    let staff = a.role != Role::Contractor;
    let mut comparisons = Vec::new();
    for cmp in funds::comparisons(&s.app, a, &m).await? {
        let mut v = ComparisonView {
            finding_id: cmp.finding.id.clone(),
            critical: cmp.finding.rule == "funds.duplicate_claim",
            message: cmp.finding.message.clone(),
            other_href: String::new(),
            other_label: String::new(),
            pairs: Vec::new(),
            elsewhere: String::new(),
            over: None,
            decidable: false,
            recovery_href: String::new(),
        };
        if cmp.finding.rule == "funds.duplicate_claim" && a.role.supervises() {
            let enc = crate::auth::encode_component;
            let fen = m.approved_fen.unwrap_or(m.amount_fen);
            v.recovery_href = format!(
                "/sanctions/new?kind=fund_recovery&enterprise_id={}&project_id={}&clause={}&amount={}&facts={}",
                enc(cmp.finding.enterprise_id.as_deref().unwrap_or_default()),
                enc(&m.project_id),
                enc(&cmp.finding.clause),
                enc(&format!("{}.{:02}", fen / 100, fen % 100)),
                enc(&cmp.finding.message),
            );
        }
        match &cmp.with {
            Counterpart::Claim { other, pairs } => {
                v.other_href = format!("/funds/claims/{}", other.id);
                v.other_label = format!(
                    "{}提交的申请（{}）",
                    format_cn_date(other.submitted_on),
                    money(other.amount_fen)
                );
                v.pairs = pairs.iter().map(pair_view).collect();
                v.decidable = !v.critical;
            }
            Counterpart::Elsewhere { county } => v.elsewhere = county.clone(),
            Counterpart::OverInvoiced {
                claimed_fen,
                invoiced_fen,
            } => {
                v.over = Some((money(*claimed_fen), money(*invoiced_fen)));
                v.decidable = true;
            }
        }
        comparisons.push(v);
    }
    let decisions = funds::decisions(&s.app, a, &m)
        .await?
        .into_iter()
        .map(|d| DecisionView {
            confirmed: d.confirmed,
            reason: d.reason,
            by: d.decided_by,
            on: format_cn_date(d.decided_on),
        })
        .collect();
    let review = funds::claim_review(&s.app, &m).await?;
    let state = review
        .as_ref()
        .and_then(|r| Review::parse(&r.state))
        .map_or("导入的记录", Review::label);
    let pending = !voided
        && review
            .as_ref()
            .is_some_and(|r| r.state == Review::Submitted.code());
    let recorder = m.recorded_by.as_deref() == Some(a.user_id.as_str());
    let scans = super::uploads::photo_views(
        jianguan_app::evidence::photos(&s.app, "subsidy_claim", &m.id).await?,
    )?;
    let history = history_rows(jianguan_app::history::of(&s.app, &m).await?);
    Ok(super::render(
        status,
        &ClaimPage {
            layout: layout(
                s,
                a,
                c.csrf.as_deref().unwrap_or_default(),
                "补助资金申请",
                "/funds/claims",
            )
            .await,
            project,
            submitted_on: format_cn_date(m.submitted_on),
            amount: money(m.amount_fen),
            purpose: m.purpose.clone().unwrap_or_default(),
            declaration: m.declaration.clone().unwrap_or_default(),
            recorded_by_staff: m.recorded_by.is_some(),
            invoiced: money(invoices.iter().map(Invoice::total_fen).sum()),
            invoices: invoices.iter().map(invoice_row).collect(),
            state: if voided {
                "已作废".to_string()
            } else {
                state.to_string()
            },
            void_reason: m.void_reason.clone().unwrap_or_default(),
            can_void: staff && !voided && a.may(jianguan_app::Permission::EditRecords),
            review_note: review.and_then(|r| r.note).unwrap_or_default(),
            approved: m.approved_fen.map(money).unwrap_or_default(),
            can_decide: staff && !voided && a.role.supervises(),
            comparisons,
            decisions,
            scans,
            can_upload: pending && a.role == Role::Contractor,
            can_review: pending && a.role.supervises() && !recorder,
            review_blocked: if pending && a.role.supervises() && recorder {
                "这份申请是您代企业录入的，须由另一名工作人员审核。".into()
            } else {
                String::new()
            },
            staff,
            saved,
            errors,
            form,
            history,
            project_id: m.project_id,
            id: m.id,
        },
    ))
}

pub async fn claim(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<super::SavedQuery>,
) -> PageResult {
    claim_detail(
        &s,
        &auth,
        &id,
        q.saved.is_some(),
        FieldErrors::new(),
        ReviewForm::default(),
        StatusCode::OK,
    )
    .await
}

/// Parses an amount in 元 typed on a form into 分, naming a bad one under `field`.
fn yuan_field(v: &str, field: &str, e: &mut FieldErrors) -> Option<i64> {
    if v.trim().is_empty() {
        return None;
    }
    match jianguan_domain::Money::parse_yuan(v) {
        Ok(m) => Some(m.fen()),
        Err(err) => {
            e.add(field, err.to_string());
            None
        }
    }
}

pub async fn review(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<ReviewForm>,
) -> PageResult {
    let mut pre = FieldErrors::new();
    let approved_fen = yuan_field(&f.approved, "approved", &mut pre);
    let v = funds::ClaimVerdict {
        verdict: f.verdict.clone(),
        note: f.note.clone(),
        approved_fen,
    };
    match funds::review_claim(&s.app, &auth.0, &id, &v, pre).await {
        Ok(_) => Ok(Redirect::to(&format!("/funds/claims/{id}?saved=1")).into_response()),
        Err(AppError::Validation(e)) => {
            claim_detail(
                &s,
                &auth,
                &id,
                false,
                e,
                f,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn upload_scans(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    m: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let c = funds::claim(&s.app, &auth.0, &id).await?;
    let saved = super::uploads::save_uploads(&s, &auth.0, "subsidy_claim", &c.id, m).await;
    back_to_claim(&s, &auth, &id, saved).await
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DecideForm {
    /// "yes": it is a duplicate; "no": it is not.
    duplicate: String,
    reason: String,
    /// The claim page to return to.
    claim_id: String,
}

pub async fn decide(
    State(s): State<AppState>,
    auth: Auth,
    Path(finding_id): Path<String>,
    Form(f): Form<DecideForm>,
) -> PageResult {
    let back = if f.claim_id.trim().is_empty() {
        jianguan_app::docket::get(&s.app, &auth.0, &finding_id)
            .await?
            .subject_id
    } else {
        f.claim_id.trim().to_string()
    };
    let confirmed = match f.duplicate.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            let mut e = FieldErrors::new();
            e.add("duplicate", "请选择核实结论：是重复申请，或不是重复申请");
            return back_to_claim(&s, &auth, &back, Err(AppError::Validation(e))).await;
        }
    };
    let done = funds::decide_pair(&s.app, &auth.0, &finding_id, confirmed, &f.reason)
        .await
        .map(|_| ());
    back_to_claim(&s, &auth, &back, done).await
}

/// After a step on a claim's page: back to the page saved, or the page again with what
/// was wrong named.
async fn back_to_claim(
    s: &AppState,
    auth: &Auth,
    id: &str,
    done: Result<(), AppError>,
) -> PageResult {
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/funds/claims/{id}?saved=1")).into_response()),
        Err(AppError::Validation(e)) => {
            claim_detail(
                s,
                auth,
                id,
                false,
                e,
                ReviewForm::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ handing a claim in

/// Invoice rows on the form; more go through the API.
const FORM_INVOICES: usize = 5;

#[derive(Debug, Clone, Default)]
pub struct InvoiceFormRow {
    pub n: usize,
    pub code: String,
    pub number: String,
    pub date: String,
    pub seller: String,
    pub buyer: String,
    pub amount: String,
    pub tax: String,
    pub errors: Vec<String>,
}

impl InvoiceFormRow {
    fn is_blank(&self) -> bool {
        [
            &self.code,
            &self.number,
            &self.date,
            &self.seller,
            &self.buyer,
            &self.amount,
            &self.tax,
        ]
        .iter()
        .all(|v| v.trim().is_empty())
    }
}

#[derive(Debug, Clone, Default)]
pub struct ClaimForm {
    pub project_id: String,
    pub amount: String,
    pub purpose: String,
    pub declared: bool,
    pub rows: Vec<InvoiceFormRow>,
}

impl ClaimForm {
    fn blank() -> Self {
        Self {
            rows: (0..FORM_INVOICES)
                .map(|n| InvoiceFormRow {
                    n,
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    /// Reads the posted fields: `inv{n}_{field}` for the invoice rows.
    fn read(pairs: Vec<(String, String)>) -> Self {
        let mut f = Self::blank();
        for (k, v) in pairs {
            match k.as_str() {
                "project_id" => f.project_id = v,
                "amount" => f.amount = v,
                "purpose" => f.purpose = v,
                "declared" => f.declared = !v.is_empty(),
                _ => {
                    let Some((n, field)) = k
                        .strip_prefix("inv")
                        .and_then(|r| r.split_once('_'))
                        .and_then(|(n, field)| Some((n.parse::<usize>().ok()?, field)))
                    else {
                        continue;
                    };
                    // Rows beyond the form's five come from an uploaded list.
                    if n >= jianguan_domain::claim::MAX_INVOICES {
                        continue;
                    }
                    while f.rows.len() <= n {
                        let n = f.rows.len();
                        f.rows.push(InvoiceFormRow {
                            n,
                            ..Default::default()
                        });
                    }
                    let Some(row) = f.rows.get_mut(n) else {
                        continue;
                    };
                    match field {
                        "code" => row.code = v,
                        "number" => row.number = v,
                        "date" => row.date = v,
                        "seller" => row.seller = v,
                        "buyer" => row.buyer = v,
                        "amount" => row.amount = v,
                        "tax" => row.tax = v,
                        _ => {}
                    }
                }
            }
        }
        f
    }

    /// The use case's input; amounts in 元 read here, a bad one named under its field.
    /// Blank rows are left out, and the rows kept are numbered as the use case counts them.
    fn to_input(&self, e: &mut FieldErrors) -> (ClaimInput, Vec<usize>) {
        let amount_fen = yuan_field(&self.amount, "amount", e);
        let mut kept = Vec::new();
        let mut invoices = Vec::new();
        for row in self.rows.iter().filter(|r| !r.is_blank()) {
            let i = invoices.len();
            kept.push(row.n);
            invoices.push(InvoiceInput {
                code: row.code.clone(),
                number: row.number.clone(),
                date: row.date.clone(),
                seller: row.seller.clone(),
                buyer: row.buyer.clone(),
                amount_fen: yuan_field(&row.amount, &format!("invoices[{i}].amount"), e),
                tax_fen: yuan_field(&row.tax, &format!("invoices[{i}].tax"), e),
            });
        }
        (
            ClaimInput {
                project_id: self.project_id.clone(),
                amount_fen,
                purpose: self.purpose.clone(),
                invoices,
                declared: self.declared,
            },
            kept,
        )
    }
}

#[derive(Template)]
#[template(path = "funds_claim_form.html")]
struct ClaimFormPage {
    layout: Layout,
    action: &'static str,
    form: ClaimForm,
    errors: FieldErrors,
    projects: Vec<SelectOption>,
    declaration: &'static str,
    for_contractor: bool,
}

async fn claim_form(
    s: &AppState,
    auth: &Auth,
    form: ClaimForm,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let Auth(a, c) = auth;
    let staff = a.role.supervises();
    if !staff && a.role != Role::Contractor {
        return Err(AppError::Forbidden.into());
    }
    let projects = jianguan_app::inspections::project_names(&s.app, a)
        .await?
        .into_iter();
    Ok(super::render(
        status,
        &ClaimFormPage {
            layout: layout(
                s,
                a,
                c.csrf.as_deref().unwrap_or_default(),
                "申请补助资金",
                "/funds/claims",
            )
            .await,
            action: if staff {
                "/funds/claims/entered"
            } else {
                "/funds/claims"
            },
            projects: options(projects, &form.project_id),
            form,
            errors,
            declaration: jianguan_domain::claim::DECLARATION,
            for_contractor: staff,
        },
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewClaimQuery {
    project_id: String,
}

pub async fn new_claim(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<NewClaimQuery>,
) -> PageResult {
    let mut form = ClaimForm::blank();
    form.project_id = q.project_id;
    claim_form(&s, &auth, form, FieldErrors::new(), StatusCode::OK).await
}

/// Moves the use case's `invoices[i].x` errors onto the form rows they came from.
fn errors_onto_rows(form: &mut ClaimForm, e: &FieldErrors, kept: &[usize]) {
    for (i, n) in kept.iter().enumerate() {
        let prefix = format!("invoices[{i}].");
        let msgs: Vec<String> = e
            .iter()
            .filter(|(k, _)| k.starts_with(&prefix))
            .map(|(_, m)| m.to_string())
            .collect();
        if let Some(row) = form.rows.get_mut(*n) {
            row.errors = msgs;
        }
    }
}

async fn submit(s: AppState, auth: Auth, pairs: Vec<(String, String)>) -> PageResult {
    let mut form = ClaimForm::read(pairs);
    let mut pre = FieldErrors::new();
    let (input, kept) = form.to_input(&mut pre);
    match funds::submit_claim(&s.app, &auth.0, &input, pre).await {
        Ok(m) => Ok(Redirect::to(&format!("/funds/claims/{}?saved=1", m.id)).into_response()),
        Err(AppError::Validation(e)) => {
            errors_onto_rows(&mut form, &e, &kept);
            claim_form(&s, &auth, form, e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The contractor hands its claim in.
pub async fn hand_in(
    State(s): State<AppState>,
    auth: Auth,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    submit(s, auth, pairs).await
}

/// Staff enter a claim for the contractor (from paper); someone else reviews it.
pub async fn enter_for_contractor(
    State(s): State<AppState>,
    auth: Auth,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    submit(s, auth, pairs).await
}

// ------------------------------------------------------------------ disbursements

pub struct DisbursementRow {
    pub id: String,
    pub project_id: String,
    pub date: String,
    pub project: String,
    pub batch: String,
    pub amount: String,
    /// 已确认 / 待复核 / 导入.
    pub state: &'static str,
    pub pending: bool,
    /// This viewer may confirm it (staff, not the recorder).
    pub can_confirm: bool,
    pub recorded_by_me: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DisbursementForm {
    project_id: String,
    date: String,
    amount: String,
    batch: String,
}

#[derive(Template)]
#[template(path = "funds_disbursements.html")]
struct DisbursementsPage {
    layout: Layout,
    rows: Vec<DisbursementRow>,
    filter_projects: Vec<SelectOption>,
    states: Vec<SelectOption>,
    total: u64,
    pager: String,
    can_record: bool,
    /// The supervision group plans the funds-use inspection each payment calls for.
    can_plan: bool,
    projects: Vec<SelectOption>,
    form: DisbursementForm,
    errors: FieldErrors,
    saved: bool,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct DisbursementQuery {
    project_id: String,
    /// pending, confirmed, or empty for both.
    state: String,
    offset: u64,
    saved: Option<String>,
}

async fn disbursements_page(
    s: &AppState,
    auth: &Auth,
    q: &DisbursementQuery,
    form: DisbursementForm,
    errors: FieldErrors,
    saved: bool,
    status: StatusCode,
) -> PageResult {
    let Auth(a, c) = auth;
    let projects = super::project_names(s, a).await?;
    let staff = a.role.supervises() && a.may(EditRecords);
    const PAGE: u64 = 50;
    let filter = funds::DisbursementFilter {
        project_id: Some(q.project_id.clone()),
        pending: match q.state.as_str() {
            "pending" => Some(true),
            "confirmed" => Some(false),
            _ => None,
        },
    };
    let found = funds::disbursement_page(&s.app, a, &filter, q.offset, PAGE).await?;
    let pager = super::pager(
        "/funds/disbursements",
        &[("project_id", &q.project_id), ("state", &q.state)],
        found.total,
        q.offset,
        PAGE,
    );
    let rows = found
        .items
        .into_iter()
        .map(|d| {
            let pending = !d.confirmed();
            let mine = d.recorded_by.as_deref() == Some(a.user_id.as_str());
            DisbursementRow {
                date: format_cn_date(d.date),
                project: projects.get(&d.project_id).cloned().unwrap_or_default(),
                batch: d.batch.clone(),
                amount: money(d.amount_fen),
                state: match d.state.as_deref() {
                    None => "已确认（导入）",
                    Some(_) if pending => "待复核",
                    Some(_) => "已确认",
                },
                pending,
                can_confirm: pending && staff && !mine,
                recorded_by_me: pending && mine,
                project_id: d.project_id.clone(),
                id: d.id,
            }
        })
        .collect();
    Ok(super::render(
        status,
        &DisbursementsPage {
            layout: layout(
                s,
                a,
                c.csrf.as_deref().unwrap_or_default(),
                "资金拨付",
                "/funds/disbursements",
            )
            .await,
            rows,
            can_record: staff,
            can_plan: a.role.supervises(),
            filter_projects: options(projects.clone(), &q.project_id),
            states: options([("pending", "待复核"), ("confirmed", "已确认")], &q.state),
            total: found.total,
            pager,
            projects: options(projects, &form.project_id),
            form,
            errors,
            saved,
        },
    ))
}

pub async fn disbursements(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<DisbursementQuery>,
) -> PageResult {
    if !matches!(q.state.as_str(), "" | "pending" | "confirmed") {
        let mut e = FieldErrors::new();
        e.add("state", "没有这种拨付状态");
        return Err(AppError::Validation(e).into());
    }
    let form = DisbursementForm {
        date: s.app.today().to_string(),
        ..Default::default()
    };
    let saved = q.saved.is_some();
    disbursements_page(
        &s,
        &auth,
        &q,
        form,
        FieldErrors::new(),
        saved,
        StatusCode::OK,
    )
    .await
}

pub async fn record_disbursement(
    State(s): State<AppState>,
    auth: Auth,
    Form(f): Form<DisbursementForm>,
) -> PageResult {
    let mut pre = FieldErrors::new();
    let amount_fen = yuan_field(&f.amount, "amount", &mut pre);
    let input = funds::DisbursementInput {
        project_id: f.project_id.clone(),
        date: f.date.clone(),
        amount_fen,
        batch: f.batch.clone(),
    };
    match funds::record_disbursement(&s.app, &auth.0, &input, pre).await {
        Ok(_) => Ok(Redirect::to("/funds/disbursements?saved=1").into_response()),
        Err(AppError::Validation(e)) => {
            let q = DisbursementQuery::default();
            disbursements_page(&s, &auth, &q, f, e, false, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn confirm_disbursement(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> PageResult {
    funds::confirm_disbursement(&s.app, &auth.0, &id).await?;
    Ok(Redirect::to("/funds/disbursements?saved=1").into_response())
}

// ------------------------------------------------------------------ spreadsheets out

/// 资金台账: every movement of money, one a row.
pub async fn ledger_xlsx(State(s): State<AppState>, Auth(a, _): Auth) -> PageResult {
    let bytes = funds::ledger_xlsx(&s.app, &a).await?;
    Ok(super::xlsx_download(
        bytes,
        &format!("资金台账-{}.xlsx", s.app.today()),
    ))
}

/// 补助资金申请登记表.
pub async fn claims_xlsx(State(s): State<AppState>, Auth(a, _): Auth) -> PageResult {
    let bytes = funds::claims_xlsx(&s.app, &a).await?;
    Ok(super::xlsx_download(
        bytes,
        &format!("补助资金申请-{}.xlsx", s.app.today()),
    ))
}

// ------------------------------------------------------------------ recoveries

pub struct RecoveryView {
    pub id: String,
    pub project: String,
    pub decided_on: String,
    pub amount: String,
    pub repaid: String,
    pub owed: String,
    pub deadline: String,
    pub overdue: bool,
    pub href: String,
}

#[derive(Template)]
#[template(path = "funds_recoveries.html")]
struct RecoveriesPage {
    layout: Layout,
    rows: Vec<RecoveryView>,
    total_owed: String,
}

/// 追回资金: every recovery decided, what came back and what is still owed, overdue first
/// to the eye (marked), each leading to its decision where it has one.
pub async fn recoveries(State(s): State<AppState>, Auth(a, c): Auth) -> PageResult {
    let projects = super::project_names(&s, &a).await?;
    let today = s.app.today();
    let found = funds::recoveries(&s.app, &a).await?;
    let total_owed = money(found.iter().map(|r| r.owed_fen()).sum());
    let rows = found
        .into_iter()
        .map(|r| {
            let owed = r.owed_fen();
            RecoveryView {
                project: projects
                    .get(&r.recovery.project_id)
                    .cloned()
                    .unwrap_or_default(),
                decided_on: format_cn_date(r.recovery.decided_on),
                amount: money(r.recovery.amount_fen),
                repaid: money(r.repaid_fen),
                owed: money(owed),
                deadline: format_cn_date(r.recovery.deadline),
                overdue: owed > 0 && r.recovery.deadline < today,
                href: if r.has_decision {
                    format!("/sanctions/{}", r.recovery.id)
                } else {
                    String::new()
                },
                id: r.recovery.id,
            }
        })
        .collect();
    Ok(super::render(
        StatusCode::OK,
        &RecoveriesPage {
            layout: layout(
                &s,
                &a,
                c.csrf.as_deref().unwrap_or_default(),
                "追回资金",
                "/funds/recoveries",
            )
            .await,
            rows,
            total_owed,
        },
    ))
}

// ------------------------------------------------------------------ invoices from a list

/// The blank 发票清单 to fill in Excel or WPS.
pub async fn invoice_template(State(s): State<AppState>, Auth(_, _): Auth) -> PageResult {
    let bytes = funds::invoice_template(&s.app).await?;
    Ok(super::xlsx_download(bytes, "发票清单.xlsx"))
}

fn yuan_text(fen: Option<i64>) -> String {
    fen.map(|f| format!("{}.{:02}", f / 100, f % 100))
        .unwrap_or_default()
}

/// An uploaded 发票清单 fills the claim form's invoice rows (every cell problem named,
/// nothing saved); the contractor checks them, completes the claim and hands it in.
pub async fn invoices_from_list(
    State(s): State<AppState>,
    auth: Auth,
    m: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let read = match super::read_file_field(m, "file", "请选择填写好的发票清单（Excel 文件）").await
    {
        Ok(bytes) => funds::read_invoice_list(&s.app, bytes).await,
        Err(e) => Err(e),
    };
    match read {
        Ok(invoices) => {
            let mut form = ClaimForm::blank();
            form.rows = invoices
                .into_iter()
                .enumerate()
                .map(|(n, i)| InvoiceFormRow {
                    n,
                    code: i.code,
                    number: i.number,
                    date: i.date,
                    seller: i.seller,
                    buyer: i.buyer,
                    amount: yuan_text(i.amount_fen),
                    tax: yuan_text(i.tax_fen),
                    errors: Vec::new(),
                })
                .collect();
            while form.rows.len() < FORM_INVOICES {
                let n = form.rows.len();
                form.rows.push(InvoiceFormRow {
                    n,
                    ..Default::default()
                });
            }
            claim_form(&s, &auth, form, FieldErrors::new(), StatusCode::OK).await
        }
        Err(AppError::Validation(e)) => {
            claim_form(
                &s,
                &auth,
                ClaimForm::blank(),
                e,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ one disbursement

#[derive(Template)]
#[template(path = "funds_disbursement.html")]
struct DisbursementPage {
    layout: Layout,
    id: String,
    project_id: String,
    project: String,
    date: String,
    batch: String,
    amount: String,
    state: &'static str,
    void_reason: String,
    can_void: bool,
    pending: bool,
    can_confirm: bool,
    recorded_by_me: bool,
    can_attach: bool,
    can_plan: bool,
    documents: Vec<super::uploads::PhotoView>,
    errors: FieldErrors,
    saved: bool,
    history: Vec<HistoryRow>,
}

async fn disbursement_detail(
    s: &AppState,
    auth: &Auth,
    id: &str,
    saved: bool,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let Auth(a, c) = auth;
    let d = funds::disbursement_record(&s.app, a, id).await?;
    let voided = d.voided_at.is_some();
    let project = jianguan_app::records::project(&s.app, a, &d.project_id)
        .await
        .map(|p| p.name)
        .unwrap_or_default();
    let pending = !d.confirmed() && !voided;
    let mine = d.recorded_by.as_deref() == Some(a.user_id.as_str());
    let staff = a.role.supervises() && a.may(EditRecords) && !voided;
    let documents = super::uploads::photo_views(
        jianguan_app::evidence::photos(&s.app, "disbursement", &d.id).await?,
    )?;
    let history = history_rows(jianguan_app::history::of(&s.app, &d).await?);
    Ok(super::render(
        status,
        &DisbursementPage {
            layout: layout(
                s,
                a,
                c.csrf.as_deref().unwrap_or_default(),
                "资金拨付",
                "/funds/disbursements",
            )
            .await,
            project,
            date: format_cn_date(d.date),
            batch: d.batch.clone(),
            amount: money(d.amount_fen),
            state: match d.state.as_deref() {
                _ if voided => "已作废（已冲正）",
                None => "已确认（导入）",
                Some(_) if pending => "待复核",
                Some(_) => "已确认",
            },
            void_reason: d.void_reason.clone().unwrap_or_default(),
            can_void: staff,
            pending,
            can_confirm: pending && staff && !mine,
            recorded_by_me: pending && mine,
            can_attach: staff,
            can_plan: !pending && !voided && a.role.supervises(),
            documents,
            errors,
            saved,
            history,
            project_id: d.project_id,
            id: d.id,
        },
    ))
}

pub async fn disbursement(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<super::SavedQuery>,
) -> PageResult {
    disbursement_detail(
        &s,
        &auth,
        &id,
        q.saved.is_some(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// The document a payment rests on (拨付文件: a scan, a photo or a PDF).
pub async fn upload_document(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    m: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let d = funds::disbursement(&s.app, &auth.0, &id).await?;
    match super::uploads::save_uploads(&s, &auth.0, "disbursement", &d.id, m).await {
        Ok(()) => Ok(Redirect::to(&format!("/funds/disbursements/{id}?saved=1")).into_response()),
        Err(AppError::Validation(e)) => {
            disbursement_detail(&s, &auth, &id, false, e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct VoidForm {
    reason: String,
}

/// 作废（冲正）: a payment recorded in error is voided with the reason; the ledger reverses it.
pub async fn void_disbursement(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<VoidForm>,
) -> PageResult {
    match funds::void_disbursement(&s.app, &auth.0, &id, &f.reason).await {
        Ok(_) => Ok(Redirect::to(&format!("/funds/disbursements/{id}?saved=1")).into_response()),
        Err(AppError::Validation(e)) => {
            disbursement_detail(&s, &auth, &id, false, e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

/// 作废（冲正）: a claim entered or approved in error is voided with the reason; the ledger
/// reverses an approved amount.
pub async fn void_claim(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<VoidForm>,
) -> PageResult {
    match funds::void_claim(&s.app, &auth.0, &id, &f.reason).await {
        Ok(_) => Ok(Redirect::to(&format!("/funds/claims/{id}?saved=1")).into_response()),
        Err(AppError::Validation(e)) => {
            let mut errors = FieldErrors::new();
            for (field, msg) in e.iter() {
                // The decision form on the same page has a field named reason too.
                errors.add(
                    if field == "reason" {
                        "void_reason"
                    } else {
                        field
                    },
                    msg,
                );
            }
            let form = ReviewForm::default();
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            claim_detail(&s, &auth, &id, false, errors, form, status).await
        }
        Err(e) => Err(e.into()),
    }
}
