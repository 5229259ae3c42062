//! 处理 pages: proposals, the responsible person's decision, the printable decision, and
//! the public notice board (no login).

use super::{HistoryRow, Layout, PageResult, SelectOption, history_rows, layout, options, render};
use crate::AppState;
use crate::auth::{Auth, MaybeAuth};
use crate::routes::Routes;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jianguan_app::Permission::*;
use jianguan_app::sanctions::{self as sn, PublicNotice, SanctionInput};
use jianguan_app::{AppError, Role, records};
use jianguan_domain::sanction::{
    SanctionAction, SanctionKind, SanctionState, may_decide, may_propose,
};
use jianguan_domain::{FieldErrors, Money, format_cn_date};
use jianguan_store::queries::ListFilter;
use serde::Deserialize;

/// This area's pages, with who may use each.
pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/sanctions", ReadRecords, list)
        .get("/sanctions/ledger.xlsx", ReadRecords, ledger_xlsx)
        .post("/sanctions", Supervise, create)
        .get("/sanctions/new", Supervise, new_form)
        .get("/sanctions/{id}", ReadRecords, show)
        .post("/sanctions/{id}/act", Decide, act)
        .post("/sanctions/{id}/repayments", Supervise, repayment)
        .get("/notices", Public, board)
}

fn kind_label(code: &str) -> &'static str {
    SanctionKind::parse(code).map_or("", SanctionKind::label)
}

fn state_label(code: &str) -> &'static str {
    SanctionState::parse(code).map_or("", SanctionState::label)
}

pub struct Row {
    pub id: String,
    pub kind: &'static str,
    pub enterprise: String,
    pub state: &'static str,
    pub date: String,
}

#[derive(Template)]
#[template(path = "sanctions.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Row>,
    can_propose: bool,
    total: u64,
    pager: String,
    /// The register as XLSX, with the filters shown.
    export_href: String,
    states: Vec<super::SelectOption>,
    kinds: Vec<super::SelectOption>,
    sorts: Vec<super::SelectOption>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    state: String,
    kind: String,
    sort: String,
    offset: u64,
}

/// The list's filter as its query asks, each bad one named.
fn filter_of(q: &ListQuery) -> Result<sn::SanctionFilter, AppError> {
    let mut e = FieldErrors::new();
    let state = match q.state.trim() {
        "" => None,
        code => SanctionState::parse(code).or_else(|| {
            e.add("state", "没有这种处理状态");
            None
        }),
    };
    let kind = match q.kind.trim() {
        "" => None,
        code => SanctionKind::parse(code).or_else(|| {
            e.add("kind", "没有这种处理方式");
            None
        }),
    };
    let sort: sn::SanctionSort = super::sort_of(&q.sort, &mut e);
    if !e.is_empty() {
        return Err(AppError::Validation(e));
    }
    Ok(sn::SanctionFilter { state, kind, sort })
}

/// 处理台账 as XLSX, with the list's filters.
pub async fn ledger_xlsx(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let f = filter_of(&q)?;
    let bytes = jianguan_app::registers::sanctions(&s.app, &a, &f).await?;
    Ok(super::xlsx_download(bytes, "处理台账.xlsx"))
}

pub async fn list(
    State(s): State<AppState>,
    Auth(a, c): Auth,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let f = filter_of(&q)?;
    const PAGE: u64 = 50;
    let found = sn::page(&s.app, &a, &f, q.offset, PAGE).await?;
    let params: [(&str, &str); 3] = [("state", &q.state), ("kind", &q.kind), ("sort", &q.sort)];
    let export_href = super::with_query("/sanctions/ledger.xlsx", &params);
    let pager = super::pager("/sanctions", &params, found.total, q.offset, PAGE);
    let items = found.items;
    let ids: Vec<String> = items.iter().map(|x| x.enterprise_id.clone()).collect();
    let names = jianguan_store::queries::enterprise_names(s.app.store.reader(), &ids)
        .await
        .map_err(AppError::from)?;
    let rows = items
        .into_iter()
        .map(|x| Row {
            kind: kind_label(&x.kind),
            enterprise: names.get(&x.enterprise_id).cloned().unwrap_or_default(),
            state: state_label(&x.state),
            date: x
                .decided_on
                .map_or_else(|| super::cn_time(x.proposed_at), format_cn_date),
            id: x.id,
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &ListPage {
            layout: layout(
                &s,
                &a,
                c.csrf.as_deref().unwrap_or_default(),
                "处理决定",
                "/sanctions",
            )
            .await,
            rows,
            can_propose: may_propose(a.role),
            total: found.total,
            pager,
            export_href,
            states: super::options(
                SanctionState::ALL.iter().map(|x| (x.code(), x.label())),
                &q.state,
            ),
            kinds: super::options(
                SanctionKind::ALL.iter().map(|x| (x.code(), x.label())),
                &q.kind,
            ),
            sorts: super::sort_options::<sn::SanctionSort>(&q.sort),
        },
    ))
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SanctionForm {
    pub enterprise_id: String,
    pub project_id: String,
    pub kind: String,
    pub facts: String,
    pub clause: String,
    pub amount: String,
    pub deadline: String,
}

impl SanctionForm {
    fn to_input(&self) -> SanctionInput {
        let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        SanctionInput {
            enterprise_id: self.enterprise_id.clone(),
            project_id: opt(&self.project_id),
            kind: self.kind.clone(),
            facts: self.facts.clone(),
            clause: self.clause.clone(),
            amount: opt(&self.amount),
            deadline: opt(&self.deadline),
        }
    }
}

#[derive(Template)]
#[template(path = "sanction_form.html")]
struct FormPage {
    layout: Layout,
    form: SanctionForm,
    errors: FieldErrors,
    enterprises: Vec<SelectOption>,
    projects: Vec<SelectOption>,
    kinds: Vec<SelectOption>,
}

async fn form_page(
    s: &AppState,
    auth: &Auth,
    form: SanctionForm,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let Auth(a, c) = auth;
    let ents = records::enterprises(
        &s.app,
        a,
        &ListFilter {
            limit: 500,
            ..Default::default()
        },
    )
    .await?
    .items;
    let projects = jianguan_app::inspections::projects(&s.app, a).await?;
    Ok(render(
        status,
        &FormPage {
            layout: layout(
                s,
                a,
                c.csrf.as_deref().unwrap_or_default(),
                "提议处理",
                "/sanctions",
            )
            .await,
            enterprises: options(
                ents.iter()
                    .filter(|e| e.voided_at.is_none())
                    .map(|e| (e.id.clone(), e.name.clone())),
                &form.enterprise_id,
            ),
            projects: options(
                projects
                    .iter()
                    .filter(|p| p.voided_at.is_none())
                    .map(|p| (p.id.clone(), p.name.clone())),
                &form.project_id,
            ),
            kinds: options(
                SanctionKind::ALL.iter().map(|k| (k.code(), k.label())),
                &form.kind,
            ),
            form,
            errors,
        },
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    enterprise_id: String,
    project_id: String,
    kind: String,
    clause: String,
    /// Pre-filled from a confirmed duplicate claim: the amount (元) and what was found.
    amount: String,
    facts: String,
}

pub async fn new_form(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<NewQuery>,
) -> PageResult {
    if !may_propose(auth.0.role) {
        return Err(AppError::Forbidden.into());
    }
    let form = SanctionForm {
        enterprise_id: q.enterprise_id,
        project_id: q.project_id,
        kind: q.kind,
        clause: q.clause,
        amount: q.amount,
        facts: q.facts,
        ..Default::default()
    };
    form_page(&s, &auth, form, FieldErrors::new(), StatusCode::OK).await
}

pub async fn create(
    State(s): State<AppState>,
    auth: Auth,
    Form(form): Form<SanctionForm>,
) -> PageResult {
    match sn::propose(&s.app, &auth.0, &form.to_input()).await {
        Ok(m) => Ok(Redirect::to(&format!("/sanctions/{}?saved=1", m.id)).into_response()),
        Err(AppError::Validation(e)) => {
            form_page(&s, &auth, form, e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "sanction.html")]
struct DetailPage {
    layout: Layout,
    id: String,
    kind: &'static str,
    enterprise: String,
    project: String,
    facts: String,
    clause: String,
    amount: String,
    deadline: String,
    state: &'static str,
    proposed_by: String,
    decided: String,
    note: String,
    withdrawn: String,
    public: bool,
    can_decide: bool,
    can_withdraw: bool,
    history: Vec<HistoryRow>,
    saved: bool,
    errors: FieldErrors,
    /// A decided fund recovery: what was paid back, when, and what is still owed.
    recovery: Option<RecoveryView>,
    can_repay: bool,
    /// What the decision rests on, for the bureau before it decides.
    evidence: Option<Evidence>,
    /// The text the public board will carry once decided.
    preview: Option<String>,
    issued: super::documents::Issued,
    source_id: String,
}

/// The record behind a proposal: the enterprise's open findings, its rectification orders
/// and its inspections that found problems, each a link.
pub struct Evidence {
    pub findings: Vec<(String, String)>,
    pub orders: Vec<(String, String)>,
    pub inspections: Vec<(String, String)>,
}

async fn evidence(
    s: &AppState,
    a: &jianguan_app::Actor,
    m: &jianguan_store::entity::sanction::Model,
) -> Result<Evidence, AppError> {
    let app = &s.app;
    let findings = jianguan_app::docket::list(app, a, &Default::default())
        .await?
        .rows
        .iter()
        .filter(|f| f.enterprise_id.as_deref() == Some(m.enterprise_id.as_str()))
        .take(50)
        .map(|f| (format!("/docket/{}", f.id), f.message.clone()))
        .collect();
    let orders = jianguan_app::rectification::list(app, a, false)
        .await?
        .into_iter()
        .filter(|o| o.enterprise_id == m.enterprise_id)
        .take(20)
        .map(|o| {
            let state = jianguan_domain::rules::facts::OrderState::parse(&o.state)
                .map_or("", |s| s.label());
            (
                format!("/orders/{}", o.id),
                format!("{}（{state}）", o.title),
            )
        })
        .collect();
    let projects: Vec<String> = jianguan_app::records::projects(
        app,
        a,
        &jianguan_store::queries::ListFilter {
            enterprise_id: Some(m.enterprise_id.clone()),
            limit: 500,
            ..Default::default()
        },
    )
    .await?
    .items
    .into_iter()
    .map(|p| p.id)
    .collect();
    let inspections = jianguan_app::inspections::list(app, a, &Default::default())
        .await?
        .into_iter()
        .filter(|i| {
            projects.contains(&i.project_id)
                && i.problems.as_deref().is_some_and(|p| !p.trim().is_empty())
        })
        .take(10)
        .map(|i| {
            (
                format!("/inspections/{}", i.id),
                format!(
                    "{}：{}",
                    format_cn_date(i.date),
                    i.problems.unwrap_or_default()
                ),
            )
        })
        .collect();
    Ok(Evidence {
        findings,
        orders,
        inspections,
    })
}

pub struct RecoveryView {
    pub paid: String,
    pub owed: String,
    pub repayments: Vec<String>,
}

async fn detail(
    s: &AppState,
    auth: &Auth,
    id: &str,
    saved: bool,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let Auth(a, c) = auth;
    let m = sn::get(&s.app, a, id).await?;
    let db = s.app.store.reader();
    let names =
        jianguan_store::queries::enterprise_names(db, std::slice::from_ref(&m.enterprise_id))
            .await
            .map_err(AppError::from)?;
    let project = match &m.project_id {
        Some(p) => jianguan_store::queries::project(db, &a.scope(), p)
            .await
            .map_err(AppError::from)?
            .map(|p| p.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let state = SanctionState::parse(&m.state);
    let chief = may_decide(a.role);
    let money = |fen: i64| {
        Money::from_fen(fen)
            .map(|x| x.to_string())
            .unwrap_or_default()
    };
    let recovery = match sn::recovery(&s.app, a, id).await? {
        None => None,
        Some(r) => {
            let items = r.repayments_parsed()?;
            let paid: i64 = items.iter().map(|x| x.amount_fen).sum();
            Some(RecoveryView {
                paid: money(paid),
                owed: money(r.amount_fen - paid),
                repayments: items
                    .iter()
                    .map(|x| format!("{} 退回 {}", format_cn_date(x.date), money(x.amount_fen)))
                    .collect(),
            })
        }
    };
    Ok(render(
        status,
        &DetailPage {
            layout: layout(
                s,
                a,
                c.csrf.as_deref().unwrap_or_default(),
                "处理决定",
                "/sanctions",
            )
            .await,
            id: m.id.clone(),
            kind: kind_label(&m.kind),
            enterprise: names.get(&m.enterprise_id).cloned().unwrap_or_default(),
            project,
            facts: m.facts.clone(),
            clause: m.clause.clone(),
            amount: m
                .amount_fen
                .and_then(|f| Money::from_fen(f).ok())
                .map(|x| x.to_string())
                .unwrap_or_default(),
            deadline: m.deadline.map(format_cn_date).unwrap_or_default(),
            state: state_label(&m.state),
            proposed_by: format!("{}，{}", m.proposed_by, super::cn_time(m.proposed_at)),
            decided: match (&m.decided_by, m.decided_on) {
                (Some(b), Some(d)) => format!("{b}，{}", format_cn_date(d)),
                _ => String::new(),
            },
            note: m.decision_note.clone().unwrap_or_default(),
            withdrawn: match (m.withdrawn_on, &m.withdraw_reason) {
                (Some(d), Some(r)) => format!("{}撤销：{r}", format_cn_date(d)),
                _ => String::new(),
            },
            public: SanctionKind::parse(&m.kind).is_some_and(SanctionKind::is_public),
            can_decide: chief && state == Some(SanctionState::Proposed),
            can_withdraw: chief && state == Some(SanctionState::Decided),
            history: history_rows(jianguan_app::history::of(&s.app, &m).await?),
            saved,
            errors,
            can_repay: recovery.is_some() && may_propose(a.role),
            recovery,
            evidence: if a.role.supervises() && state == Some(SanctionState::Proposed) {
                Some(evidence(s, a, &m).await?)
            } else {
                None
            },
            preview: (state == Some(SanctionState::Proposed)
                && SanctionKind::parse(&m.kind).is_some_and(SanctionKind::is_public))
            .then(|| {
                format!(
                    "{} · {} · 事实和理由：{} · 依据：{}",
                    names.get(&m.enterprise_id).cloned().unwrap_or_default(),
                    kind_label(&m.kind),
                    m.facts,
                    m.clause
                )
            }),
            issued: super::documents::issued(
                s,
                a,
                &m.id,
                jianguan_app::documents::kinds_for_sanction(&m.kind, &m.state),
            )
            .await?,
            source_id: m.id.clone(),
        },
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RepaymentForm {
    date: String,
    amount: String,
}

pub async fn repayment(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<RepaymentForm>,
) -> PageResult {
    match sn::record_repayment(&s.app, &auth.0, &id, &f.date, &f.amount).await {
        Ok(_) => Ok(Redirect::to(&format!("/sanctions/{id}?saved=1")).into_response()),
        Err(AppError::Validation(e)) => {
            detail(&s, &auth, &id, false, e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn show(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<super::SavedQuery>,
) -> PageResult {
    detail(
        &s,
        &auth,
        &id,
        q.saved.is_some(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActForm {
    action: String,
    note: String,
}

pub async fn act(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<ActForm>,
) -> PageResult {
    sn::get(&s.app, &auth.0, &id).await?;
    let action = match f.action.as_str() {
        "decide" => SanctionAction::Decide,
        "decline" => SanctionAction::Decline,
        "withdraw" => SanctionAction::Withdraw,
        _ => return Err(AppError::field("action", "请选择决定、不同意或撤销").into()),
    };
    if auth.0.role == Role::Contractor {
        return Err(AppError::Forbidden.into());
    }
    match sn::act(&s.app, &auth.0, &id, action, &f.note).await {
        Ok(_) => Ok(Redirect::to(&format!("/sanctions/{id}?saved=1")).into_response()),
        Err(AppError::Validation(e)) => {
            detail(&s, &auth, &id, false, e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "notices.html")]
struct BoardPage {
    layout: Layout,
    /// The bureau, the regulation's title and its document number, the hotline.
    authority: String,
    regulation: String,
    source: String,
    hotline: String,
    notices: Vec<NoticeView>,
    checkpoints: Vec<CheckpointRow>,
}

/// A public notice with its dates as people write them.
pub struct NoticeView {
    pub n: PublicNotice,
    pub decided_on: String,
    pub withdrawn_on: Option<String>,
}

/// A signed checkpoint of the audit chain, as the public sees it.
struct CheckpointRow {
    at: String,
    seq: i64,
    hash: String,
    key: String,
}

/// Checkpoints shown on the board, newest first.
const CHECKPOINTS_SHOWN: usize = 10;

/// 公示: open to anyone, no login. Below the notices, the latest signed checkpoints of the
/// audit chain: published, they let anyone holding one prove later that history before
/// it was not rewritten.
/// Open to anyone; a logged-in reader sees it inside the menu (公示).
pub async fn board(State(s): State<AppState>, MaybeAuth(c): MaybeAuth) -> PageResult {
    let notices = sn::public_board(&s.app)
        .await?
        .into_iter()
        .map(|n| NoticeView {
            decided_on: n.decided_on.map(format_cn_date).unwrap_or_default(),
            withdrawn_on: n.withdrawn_on.map(format_cn_date),
            n,
        })
        .collect();
    let profile = &s.app.profile;
    let checkpoints = s
        .app
        .store
        .checkpoints()
        .await
        .map_err(AppError::from)?
        .into_iter()
        .rev()
        .take(CHECKPOINTS_SHOWN)
        .map(|c| CheckpointRow {
            at: super::cn_time(c.at),
            seq: c.seq,
            hash: c.hash,
            key: c.public_key.chars().take(16).collect(),
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &BoardPage {
            layout: match &c.actor {
                Some(a) => {
                    layout(
                        &s,
                        a,
                        c.csrf.as_deref().unwrap_or_default(),
                        "处理公示",
                        "/notices",
                    )
                    .await
                }
                None => Layout::anonymous("处理公示"),
            },
            authority: profile.authority.clone(),
            regulation: profile.name.clone(),
            source: profile.source.clone(),
            hotline: profile.hotline.clone(),
            notices,
            checkpoints,
        },
    ))
}
