//! 清查盘点 pages (一（五）): the counts, the phone's counting screen (camera or typed
//! tags, how many of how many, what is still missing), and the discrepancies a closed
//! count found with what may be done about each.

use super::{HistoryRow, Layout, PageResult, SelectOption, history_rows, layout, options, render};
use crate::AppState;
use crate::auth::Auth;
use crate::routes::Routes;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jianguan_app::Permission::*;
use jianguan_app::inventory::{self as inv, CountFilter};
use jianguan_app::{AppError, Permission, Role};
use jianguan_domain::asset::net_value_fen;
use jianguan_domain::inventory::{CountItem, CountResult, ResolutionKind, Scanned};
use jianguan_domain::{FieldErrors, format_cn_date};
use jianguan_store::entity::{asset, inventory_count, inventory_scan};
use serde::Deserialize;
use std::collections::BTreeMap;

pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/assets/counts", ReadRecords, list)
        .post("/assets/counts", Count, start)
        .get("/assets/discrepancies", ReadRecords, discrepancies)
        .get("/assets/counts/{id}", ReadRecords, show)
        .post("/assets/counts/{id}/scans", Count, scan)
        .post("/assets/counts/{id}/close", Count, close)
        .post("/assets/counts/{id}/resolve", Count, resolve)
        .post("/assets/counts/{id}/write-off", Decide, write_off)
        .post("/assets/counts/{id}/recover", Supervise, recover)
        .post("/assets/scans/{id}", Count, correct)
        .post_large(
            "/assets/scans/{id}/photos",
            Count,
            super::UPLOAD_LIMIT,
            upload,
        )
}

/// The scope of a count in words: the project, or the place, or the whole enterprise.
fn scope_text(c: &inventory_count::Model, projects: &BTreeMap<String, String>) -> String {
    let mut parts = Vec::new();
    if let Some(p) = &c.project_id {
        parts.push(
            projects
                .get(p)
                .cloned()
                .unwrap_or_else(|| "（项目）".into()),
        );
    }
    for x in [&c.township, &c.village].into_iter().flatten() {
        parts.push(x.clone());
    }
    if parts.is_empty() {
        "全部固定资产".into()
    } else {
        parts.join(" ")
    }
}

async fn enterprise_names(
    s: &AppState,
    ids: &[String],
) -> Result<BTreeMap<String, String>, AppError> {
    Ok(
        jianguan_store::queries::enterprise_names(s.app.store.reader(), ids)
            .await?
            .into_iter()
            .collect(),
    )
}

// ------------------------------------------------------------------ the list

pub struct CountRow {
    pub id: String,
    pub enterprise: String,
    pub scope: String,
    pub date: String,
    pub open: bool,
    pub started_by: String,
    pub discrepancies: usize,
}

#[derive(Template)]
#[template(path = "counts.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<CountRow>,
    total: u64,
    pager: String,
    may_count: bool,
    staff: bool,
    enterprises: Vec<SelectOption>,
    projects: Vec<SelectOption>,
    townships: Vec<SelectOption>,
    form: StartForm,
    errors: FieldErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    enterprise_id: String,
    offset: u64,
}

/// The list; `?enterprise_id=` (from a finding) also fills the start form.
pub async fn list(State(s): State<AppState>, auth: Auth, Query(q): Query<ListQuery>) -> PageResult {
    let form = StartForm {
        enterprise_id: q.enterprise_id.clone(),
        ..Default::default()
    };
    list_page(&s, &auth, q, form, FieldErrors::new(), StatusCode::OK).await
}

async fn list_page(
    s: &AppState,
    auth: &Auth,
    q: ListQuery,
    form: StartForm,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let Auth(a, c) = auth;
    const PAGE: u64 = 50;
    let f = CountFilter {
        enterprise_id: Some(q.enterprise_id.clone()),
        open: false,
    };
    let found = inv::page(&s.app, a, &f, q.offset, PAGE).await?;
    let projects = super::project_names(s, a).await?;
    let ids: Vec<String> = found
        .items
        .iter()
        .map(|c| c.enterprise_id.clone())
        .collect();
    let names = enterprise_names(s, &ids).await?;
    let mut rows = Vec::with_capacity(found.items.len());
    for c in &found.items {
        rows.push(CountRow {
            id: c.id.clone(),
            enterprise: names.get(&c.enterprise_id).cloned().unwrap_or_default(),
            scope: scope_text(c, &projects),
            date: format_cn_date(c.date),
            open: c.is_open(),
            started_by: c
                .started_by
                .as_deref()
                .map(|p| inv::person(p).to_string())
                .unwrap_or_default(),
            discrepancies: c.items_parsed()?.iter().filter(|i| i.is_open()).count(),
        });
    }
    let staff = a.role != Role::Contractor;
    let enterprises = if staff {
        jianguan_app::records::enterprises(&s.app, a, &Default::default())
            .await?
            .items
            .into_iter()
            .map(|e| (e.id, e.name))
            .collect()
    } else {
        Vec::new()
    };
    let towns = match &a.county_code {
        Some(code) => jianguan_store::queries::county(s.app.store.reader(), code)
            .await
            .map_err(AppError::from)?
            .map(|c| c.township_list())
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let pager = super::pager(
        "/assets/counts",
        &[("enterprise_id", &q.enterprise_id)],
        found.total,
        q.offset,
        PAGE,
    );
    Ok(render(
        status,
        &ListPage {
            layout: layout(
                s,
                a,
                c.csrf.as_deref().unwrap_or_default(),
                "清查盘点",
                "/assets/counts",
            )
            .await,
            rows,
            total: found.total,
            pager,
            may_count: a.may(Permission::Count),
            staff,
            enterprises: options(enterprises, &form.enterprise_id),
            projects: options(projects, &form.project_id),
            townships: options(towns.iter().map(|t| (t.clone(), t.clone())), &form.township),
            form,
            errors,
        },
    ))
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct StartForm {
    pub enterprise_id: String,
    pub project_id: String,
    pub township: String,
    pub village: String,
}

pub async fn start(State(s): State<AppState>, auth: Auth, Form(f): Form<StartForm>) -> PageResult {
    let input = inv::StartInput {
        enterprise_id: f.enterprise_id.clone(),
        project_id: f.project_id.clone(),
        township: f.township.clone(),
        village: f.village.clone(),
    };
    match inv::start(&s.app, &auth.0, &input).await {
        Ok(started) => Ok(Redirect::to(&format!(
            "/assets/counts/{}{}",
            started.count.id,
            if started.existing { "?joined=1" } else { "" }
        ))
        .into_response()),
        Err(AppError::Validation(e)) => {
            list_page(
                &s,
                &auth,
                ListQuery::default(),
                f,
                e,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ one count

pub struct ScanRow {
    pub id: String,
    pub time: String,
    pub code: String,
    pub asset: String,
    pub asset_id: String,
    pub result: &'static str,
    pub result_code: &'static str,
    pub besides: bool,
    pub note: String,
    pub by: String,
    pub photos: Vec<super::uploads::PhotoView>,
}

pub struct WaitingRow {
    pub id: String,
    pub tag: String,
    pub name: String,
    pub place: String,
}

/// One item of a closed count as its page shows it, with what may be done now.
pub struct ItemRow {
    pub index: usize,
    pub asset_id: String,
    pub asset: String,
    pub tag: String,
    pub result: &'static str,
    pub discrepancy: bool,
    pub note: String,
    pub state: String,
    /// Settled: what, when, by whom, why.
    pub resolution: String,
    /// Waiting for the responsible person: what was asked, and the proposal's page.
    pub pending: String,
    pub pending_link: String,
    pub photos: Vec<super::uploads::PhotoView>,
    /// The ways it may be settled by this person now (code, label).
    pub ways: Vec<(&'static str, &'static str)>,
    pub may_decide: bool,
    pub may_recover: bool,
    /// The value today, the default of a recovery.
    pub value: String,
}

#[derive(Template)]
#[template(path = "count.html")]
struct CountPage {
    layout: Layout,
    c: inventory_count::Model,
    enterprise: String,
    scope: String,
    started: String,
    closed: String,
    open: bool,
    may_count: bool,
    done: usize,
    expected: usize,
    besides: usize,
    scans: Vec<ScanRow>,
    waiting: Vec<WaitingRow>,
    items: Vec<ItemRow>,
    summary: Vec<(&'static str, usize)>,
    message: String,
    errors: FieldErrors,
    code: String,
    history: Vec<HistoryRow>,
    deadline: String,
    /// What a person may record of an asset the count covers (code, label).
    results: Vec<(&'static str, &'static str)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    /// The scan just recorded (or found again).
    scanned: String,
    again: String,
    joined: String,
    saved: String,
}

fn asset_place(m: &asset::Model) -> String {
    [
        m.township.as_deref(),
        m.village.as_deref(),
        m.location.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter(|x| !x.trim().is_empty())
    .collect::<Vec<_>>()
    .join(" ")
}

fn ways(item: &CountItem, may_count: bool) -> Vec<(&'static str, &'static str)> {
    if !may_count || !item.is_open() || item.pending.is_some() {
        return Vec::new();
    }
    [
        ResolutionKind::Found,
        ResolutionKind::Repaired,
        ResolutionKind::Explained,
        ResolutionKind::WrittenOff,
    ]
    .into_iter()
    .filter(|k| k.applies_to(item.result))
    .map(|k| {
        (
            k.code(),
            match k {
                ResolutionKind::WrittenOff => "申请核销",
                other => other.label(),
            },
        )
    })
    .collect()
}

async fn detail(
    s: &AppState,
    auth: &Auth,
    id: &str,
    message: String,
    errors: FieldErrors,
    code: String,
    status: StatusCode,
) -> PageResult {
    let Auth(a, c) = auth;
    let count = inv::get(&s.app, a, id).await?;
    let projects = super::project_names(s, a).await?;
    let enterprise = enterprise_names(s, std::slice::from_ref(&count.enterprise_id))
        .await?
        .remove(&count.enterprise_id)
        .unwrap_or_default();
    let may_count = inv::may_count(a, &count);
    let scans = inv::scans(&s.app, a, &count.id).await?;
    let progress = inv::progress(&count, &scans);
    let items = count.items_parsed().map_err(AppError::from)?;
    // Every asset the page names: what was scanned, what waits, what the items are.
    let mut ids: Vec<String> = scans.iter().filter_map(|x| x.asset_id.clone()).collect();
    ids.extend(items.iter().filter_map(|i| i.asset_id.clone()));
    ids.sort();
    ids.dedup();
    let mut known: BTreeMap<String, asset::Model> =
        inv::assets_by_id(&s.app, &count.county_code, &ids)
            .await?
            .into_iter()
            .map(|x| (x.id.clone(), x))
            .collect();
    // Another enterprise's asset is not named to a contractor.
    if let Some(own) = a.scope().enterprise {
        known.retain(|_, x| x.enterprise_id == own);
    }
    let waiting = if count.is_open() {
        inv::not_yet_scanned(&s.app, &count, &scans)
            .await?
            .into_iter()
            .map(|x| WaitingRow {
                place: asset_place(&x),
                tag: x.tag.clone().unwrap_or_else(|| "未贴标签".into()),
                name: x.name,
                id: x.id,
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut scan_rows = Vec::with_capacity(scans.len());
    for x in scans.iter().rev() {
        let result = CountResult::parse(&x.result).unwrap_or(CountResult::Unknown);
        let photos = super::uploads::photo_views(
            jianguan_app::evidence::photos(&s.app, "inventory_scan", &x.id).await?,
        )?;
        scan_rows.push(ScanRow {
            id: x.id.clone(),
            time: super::cn_time(x.created_at),
            code: x.code.clone(),
            asset: x
                .asset_id
                .as_ref()
                .and_then(|i| known.get(i))
                .map(|m| m.name.clone())
                .unwrap_or_else(|| match result {
                    CountResult::Unexpected => "其他企业的资产".into(),
                    _ => "—".into(),
                }),
            asset_id: x
                .asset_id
                .clone()
                .filter(|i| known.contains_key(i))
                .unwrap_or_default(),
            result: result.label(),
            result_code: result.code(),
            besides: matches!(result, CountResult::Unexpected | CountResult::Unknown),
            note: x.note.clone().unwrap_or_default(),
            by: inv::person(&x.scanned_by).to_string(),
            photos,
        });
    }
    let today = s.app.today();
    let mut item_rows = Vec::with_capacity(items.len());
    let mut summary: BTreeMap<&'static str, usize> = BTreeMap::new();
    for (index, it) in items.iter().enumerate() {
        *summary.entry(it.result.label()).or_default() += 1;
        let m = it.asset_id.as_ref().and_then(|i| known.get(i));
        let photos = match &it.scan_id {
            Some(sid) if it.result.is_discrepancy() => super::uploads::photo_views(
                jianguan_app::evidence::photos(&s.app, "inventory_scan", sid).await?,
            )?,
            _ => Vec::new(),
        };
        let describe = |r: &jianguan_domain::inventory::Resolution| {
            format!(
                "{}：{}，{}。{}",
                r.kind.label(),
                format_cn_date(r.on),
                inv::person(&r.by),
                r.note
            )
        };
        let value = m
            .and_then(|m| {
                let c = s.app.profile.assets.category(m.category.as_deref()?)?;
                Some(net_value_fen(
                    m.value_fen,
                    m.purchase_date,
                    c.life_years,
                    today,
                ))
            })
            .map(|fen| format!("{}.{:02}", fen / 100, fen % 100))
            .unwrap_or_default();
        item_rows.push(ItemRow {
            index,
            asset_id: m.map(|m| m.id.clone()).unwrap_or_default(),
            asset: m
                .map(|m| m.name.clone())
                .unwrap_or_else(|| match it.result {
                    CountResult::Unknown => "未知标签".into(),
                    _ => "其他企业的资产".into(),
                }),
            tag: m
                .and_then(|m| m.tag.clone())
                .or_else(|| it.code.clone())
                .unwrap_or_default(),
            result: it.result.label(),
            discrepancy: it.result.is_discrepancy(),
            note: it.note.clone().unwrap_or_default(),
            state: if !it.result.is_discrepancy() {
                String::new()
            } else if it.resolution.is_some() {
                "已处理".into()
            } else if it.pending.is_some() {
                "待决定".into()
            } else {
                "待处理".into()
            },
            resolution: it.resolution.as_ref().map(describe).unwrap_or_default(),
            pending: it
                .pending
                .as_ref()
                .map(|p| format!("已申请{}，待监管责任人决定。{}", p.kind.label(), p.note))
                .unwrap_or_default(),
            pending_link: it
                .pending
                .as_ref()
                .and_then(|p| p.sanction_id.as_ref())
                .map(|id| format!("/sanctions/{id}"))
                .unwrap_or_default(),
            photos,
            ways: ways(it, may_count),
            may_decide: a.may(Permission::Decide)
                && it
                    .pending
                    .as_ref()
                    .is_some_and(|p| p.kind == ResolutionKind::WrittenOff),
            may_recover: a.role.supervises()
                && a.may(Permission::EditRecords)
                && m.is_some()
                && jianguan_domain::inventory::check_resolution(it, ResolutionKind::Recovered)
                    .is_ok(),
            value,
        });
    }
    let history = history_rows(jianguan_app::history::of(&s.app, &count).await?);
    Ok(render(
        status,
        &CountPage {
            layout: layout(
                s,
                a,
                c.csrf.as_deref().unwrap_or_default(),
                "清查盘点",
                "/assets/counts",
            )
            .await,
            enterprise,
            scope: scope_text(&count, &projects),
            started: format!(
                "{}，{}",
                count.started_on.map(format_cn_date).unwrap_or_default(),
                count
                    .started_by
                    .as_deref()
                    .map(inv::person)
                    .unwrap_or_default()
            ),
            closed: if count.is_open() {
                String::new()
            } else {
                format!(
                    "{}{}",
                    format_cn_date(count.date),
                    count
                        .closed_by
                        .as_deref()
                        .map(|p| format!("，{}", inv::person(p)))
                        .unwrap_or_default()
                )
            },
            open: count.is_open(),
            may_count,
            done: progress.done,
            expected: progress.expected,
            besides: progress.besides,
            scans: scan_rows,
            waiting,
            items: item_rows,
            summary: CountResult::ALL
                .iter()
                .filter_map(|r| summary.get(r.label()).map(|n| (r.label(), *n)))
                .collect(),
            message,
            errors,
            code,
            history,
            deadline: (today + chrono::Days::new(30)).to_string(),
            results: Scanned::Expected(String::new())
                .results()
                .iter()
                .map(|r| (r.code(), r.label()))
                .collect(),
            c: count,
        },
    ))
}

pub async fn show(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let mut message = String::new();
    if !q.joined.is_empty() {
        message = "同一范围的盘点正在进行，已为您打开，可以一起扫描。".into();
    } else if !q.scanned.is_empty() {
        let found = inv::scan_of(&s.app, &auth.0, &q.scanned).await.ok();
        message = match found {
            Some(x) if !q.again.is_empty() => format!("标签 {} 已扫描过，未重复记录。", x.code),
            Some(x) => format!(
                "已记录：标签 {}，{}。",
                x.code,
                CountResult::parse(&x.result).map_or("", CountResult::label)
            ),
            None => String::new(),
        };
    } else if !q.saved.is_empty() {
        message = "已保存。".into();
    }
    detail(
        &s,
        &auth,
        &id,
        message,
        FieldErrors::new(),
        String::new(),
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ScanForm {
    code: String,
    result: String,
    note: String,
}

/// After a form on a count's page: on to where it leads, or the page again with the
/// form's errors (what was typed as the tag kept).
async fn after_form<T>(
    s: &AppState,
    auth: &Auth,
    count_id: &str,
    done: Result<T, AppError>,
    code: String,
    to: impl FnOnce(T) -> String,
) -> PageResult {
    match done {
        Ok(v) => Ok(Redirect::to(&to(v)).into_response()),
        Err(AppError::Validation(e)) => {
            detail(
                s,
                auth,
                count_id,
                String::new(),
                e,
                code,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// A tag typed (or scanned without the page's script): recorded, then back to the count.
pub async fn scan(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<ScanForm>,
) -> PageResult {
    let input = inv::ScanInput {
        code: f.code.clone(),
        result: f.result.clone(),
        note: f.note.clone(),
    };
    let done = inv::scan(&s.app, &auth.0, &id, &input).await;
    after_form(&s, &auth, &id, done, f.code, |o| {
        format!(
            "/assets/counts/{id}?scanned={}{}",
            o.scan.id,
            if o.again { "&again=1" } else { "" }
        )
    })
    .await
}

pub async fn close(State(s): State<AppState>, auth: Auth, Path(id): Path<String>) -> PageResult {
    inv::close(&s.app, &auth.0, &id).await?;
    Ok(Redirect::to(&format!("/assets/counts/{id}?saved=1")).into_response())
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ResolveForm {
    item: String,
    kind: String,
    note: String,
    code: String,
}

/// The item a form names, as a number.
fn item_of(typed: &str) -> Result<usize, AppError> {
    typed
        .trim()
        .parse()
        .map_err(|_| AppError::field("item", "请选择要处理的差异"))
}

pub async fn resolve(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<ResolveForm>,
) -> PageResult {
    let done = async {
        let input = inv::ResolveInput {
            item: item_of(&f.item)?,
            kind: f.kind.clone(),
            note: f.note.clone(),
            code: f.code.clone(),
        };
        inv::resolve(&s.app, &auth.0, &id, &input).await
    }
    .await;
    let item = f.item.trim().to_string();
    after_form(&s, &auth, &id, done, f.code, |_| {
        format!("/assets/counts/{id}?saved=1#item-{item}")
    })
    .await
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct WriteOffForm {
    item: String,
    /// approve | decline
    decision: String,
    note: String,
}

pub async fn write_off(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<WriteOffForm>,
) -> PageResult {
    let done = async {
        let approve = match f.decision.as_str() {
            "approve" => true,
            "decline" => false,
            _ => return Err(AppError::field("decision", "请选择批准或不同意")),
        };
        inv::decide_write_off(&s.app, &auth.0, &id, item_of(&f.item)?, approve, &f.note).await
    }
    .await;
    let item = f.item.trim().to_string();
    after_form(&s, &auth, &id, done, String::new(), |_| {
        format!("/assets/counts/{id}?saved=1#item-{item}")
    })
    .await
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RecoverForm {
    item: String,
    amount: String,
    deadline: String,
    facts: String,
}

pub async fn recover(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<RecoverForm>,
) -> PageResult {
    let done = async {
        let input = inv::RecoverInput {
            item: item_of(&f.item)?,
            amount: f.amount.clone(),
            deadline: f.deadline.clone(),
            facts: f.facts.clone(),
        };
        inv::propose_recovery(&s.app, &auth.0, &id, &input).await
    }
    .await;
    after_form(&s, &auth, &id, done, String::new(), |m| {
        format!("/sanctions/{}?saved=1", m.id)
    })
    .await
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CorrectForm {
    result: String,
    note: String,
}

pub async fn correct(
    State(s): State<AppState>,
    auth: Auth,
    Path(scan_id): Path<String>,
    Form(f): Form<CorrectForm>,
) -> PageResult {
    let x: inventory_scan::Model = inv::scan_of(&s.app, &auth.0, &scan_id).await?;
    let done = inv::correct_scan(&s.app, &auth.0, &scan_id, &f.result, &f.note).await;
    after_form(&s, &auth, &x.count_id, done, String::new(), |_| {
        format!("/assets/counts/{}?saved=1", x.count_id)
    })
    .await
}

pub async fn upload(
    State(s): State<AppState>,
    auth: Auth,
    Path(scan_id): Path<String>,
    m: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let x = inv::scan_of(&s.app, &auth.0, &scan_id).await?;
    let done = super::uploads::save_uploads(&s, &auth.0, "inventory_scan", &x.id, m).await;
    after_form(&s, &auth, &x.count_id, done, String::new(), |_| {
        format!("/assets/counts/{}?saved=1", x.count_id)
    })
    .await
}

// ------------------------------------------------------------------ discrepancies

pub struct DiscrepancyRow {
    pub count_id: String,
    pub index: usize,
    pub date: String,
    pub enterprise: String,
    pub asset: String,
    pub tag: String,
    pub result: &'static str,
    pub state: &'static str,
    pub open: bool,
}

#[derive(Template)]
#[template(path = "discrepancies.html")]
struct DiscrepanciesPage {
    layout: Layout,
    rows: Vec<DiscrepancyRow>,
    all: bool,
    staff: bool,
    enterprises: Vec<SelectOption>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DiscrepancyQuery {
    enterprise_id: String,
    all: String,
}

pub async fn discrepancies(
    State(s): State<AppState>,
    Auth(a, c): Auth,
    Query(q): Query<DiscrepancyQuery>,
) -> PageResult {
    let all = !q.all.is_empty();
    let found = inv::discrepancies(&s.app, &a, Some(&q.enterprise_id), !all, 1_000).await?;
    let mut ent_ids: Vec<String> = found
        .iter()
        .map(|d| d.count.enterprise_id.clone())
        .collect();
    ent_ids.sort();
    ent_ids.dedup();
    let names = enterprise_names(&s, &ent_ids).await?;
    let county = a.county_code.clone().unwrap_or_default();
    let asset_ids: Vec<String> = found
        .iter()
        .filter_map(|d| d.item.asset_id.clone())
        .collect();
    let mut known: BTreeMap<String, asset::Model> = inv::assets_by_id(&s.app, &county, &asset_ids)
        .await?
        .into_iter()
        .map(|x| (x.id.clone(), x))
        .collect();
    if let Some(own) = a.scope().enterprise {
        known.retain(|_, x| x.enterprise_id == own);
    }
    let rows = found
        .iter()
        .map(|d| {
            let m = d.item.asset_id.as_ref().and_then(|i| known.get(i));
            DiscrepancyRow {
                count_id: d.count.id.clone(),
                index: d.index,
                date: format_cn_date(d.count.date),
                enterprise: names
                    .get(&d.count.enterprise_id)
                    .cloned()
                    .unwrap_or_default(),
                asset: m
                    .map(|m| m.name.clone())
                    .unwrap_or_else(|| match d.item.result {
                        CountResult::Unknown => "未知标签".into(),
                        _ => "其他企业的资产".into(),
                    }),
                tag: m
                    .and_then(|m| m.tag.clone())
                    .or_else(|| d.item.code.clone())
                    .unwrap_or_default(),
                result: d.item.result.label(),
                state: if d.item.resolution.is_some() {
                    "已处理"
                } else if d.item.pending.is_some() {
                    "待决定"
                } else {
                    "待处理"
                },
                open: d.item.is_open(),
            }
        })
        .collect();
    let staff = a.role != Role::Contractor;
    let enterprises = if staff {
        jianguan_app::records::enterprises(&s.app, &a, &Default::default())
            .await?
            .items
            .into_iter()
            .map(|e| (e.id, e.name))
            .collect()
    } else {
        Vec::new()
    };
    Ok(render(
        StatusCode::OK,
        &DiscrepanciesPage {
            layout: layout(
                &s,
                &a,
                c.csrf.as_deref().unwrap_or_default(),
                "盘点差异",
                "/assets/discrepancies",
            )
            .await,
            rows,
            all,
            staff,
            enterprises: options(enterprises, &q.enterprise_id),
        },
    ))
}
