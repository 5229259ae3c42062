use super::{Layout, PageResult, SelectOption, cn_time, layout, options, render};
use crate::AppState;
use crate::auth::Auth;
use crate::routes::Routes;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jianguan_app::Permission;
use jianguan_app::Permission::*;
use jianguan_app::docket::{self, DocketFilter};
use jianguan_domain::System;
use jianguan_domain::format_cn_date;
use jianguan_domain::rules::{AREAS, Party, Severity};
use jianguan_store::entity::finding;
use serde::Deserialize;

/// This area's pages, with who may use each.
pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/docket", ReadRecords, list)
        .post("/docket/refresh", EditRecords, refresh)
        .get("/docket/{id}", ReadRecords, show)
        .post("/docket/{id}/remind", Supervise, remind)
        .get("/notifications", Authenticated, notifications)
        .post("/notifications/read", Authenticated, mark_read)
}

pub fn severity_label(code: &str) -> &'static str {
    Severity::parse(code).map_or("", Severity::label)
}

/// A finding's name, from its rule's setting in the profile (the profile refuses a rule
/// without one).
fn rule_label<'a>(profile: &'a jianguan_domain::rules::Profile, rule: &'a str) -> &'a str {
    profile.rule(rule).map_or(rule, |r| r.title.as_str())
}

/// A finding's period as a person reads it; internal keys (another record's id) are not shown.
fn period_label(period: Option<&str>, profile: &jianguan_domain::rules::Profile) -> Option<String> {
    let p = period?;
    let month = |m: &str| -> Option<String> {
        let (y, mo) = m.split_once('-')?;
        Some(format!(
            "{}年{}月",
            y.parse::<u32>().ok()?,
            mo.parse::<u32>().ok()?
        ))
    };
    if let Some((y, q)) = p.split_once("-Q") {
        return Some(format!("{y}年第{q}季度"));
    }
    if let Some((m, metric)) = p.split_once(':') {
        return Some(format!("{} · {}", month(m)?, profile.metric_name(metric)));
    }
    if let Some(label) = month(p) {
        return Some(label);
    }
    if p == "progress_plan" {
        return Some("进度计划表".into());
    }
    if p == "operation_start" {
        return Some("运营开始日期".into());
    }
    let kinds: Vec<&str> = p.split('|').collect();
    if kinds
        .iter()
        .all(|k| profile.licences.names.contains_key(*k))
    {
        return Some(
            kinds
                .iter()
                .map(|k| profile.licence_name(k))
                .collect::<Vec<_>>()
                .join("或"),
        );
    }
    None
}

pub struct AreaCount {
    pub code: &'static str,
    pub label: &'static str,
    pub count: usize,
}

pub struct Row {
    pub id: String,
    /// The finding's stable key: the same finding on every day's docket.
    pub key: String,
    pub rule: String,
    pub severity: String,
    pub severity_label: &'static str,
    pub message: String,
    pub subject: String,
    pub due: String,
    pub clause: String,
    /// Who must act on it (办理方).
    pub acts: &'static str,
    pub resolved: bool,
    pub new_today: bool,
}

#[derive(Template)]
#[template(path = "docket.html")]
struct DocketPage {
    layout: Layout,
    heading: String,
    areas: Vec<AreaCount>,
    severities: Vec<SelectOption>,
    area_options: Vec<SelectOption>,
    systems: Vec<SelectOption>,
    projects: Vec<SelectOption>,
    /// Empty for contractors: they do not filter by the county's inspectors.
    inspectors: Vec<SelectOption>,
    /// Who acts; empty for contractors, whose docket holds only their own duties.
    acts: Vec<SelectOption>,
    include_resolved: bool,
    /// One page of the findings: a big county's docket holds thousands.
    rows: Vec<Row>,
    total: usize,
    pager: String,
    can_refresh: bool,
    refreshed: bool,
}

/// Findings on one page of the docket: the most pressing come first (severity order), and
/// a phone should not have to lay out thousands of rows.
const PAGE: usize = 100;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DocketQuery {
    severity: String,
    area: String,
    system: String,
    project_id: String,
    inspector: String,
    acts: String,
    include_resolved: Option<String>,
    refreshed: Option<String>,
    offset: u64,
}

pub async fn list(
    State(s): State<AppState>,
    Auth(a, c): Auth,
    Query(q): Query<DocketQuery>,
) -> PageResult {
    let app = &s.app;
    let some = |v: &str| (!v.is_empty()).then(|| v.to_string());
    let filter = DocketFilter {
        severity: some(&q.severity),
        area: some(&q.area),
        system: some(&q.system),
        project_id: some(&q.project_id),
        inspector: some(&q.inspector),
        acts: some(&q.acts),
        include_resolved: q.include_resolved.is_some(),
    };
    let found = docket::page(app, &a, &filter, q.offset, PAGE as u64).await?;
    let today = app.today();
    let mut areas: Vec<AreaCount> = AREAS
        .iter()
        .map(|(code, label)| AreaCount {
            code,
            label,
            count: found.open_by_area.get(*code).copied().unwrap_or(0) as usize,
        })
        .collect();
    areas.retain(|x| x.count > 0);
    let projects = jianguan_app::inspections::project_names(app, &a).await?;
    let page = DocketPage {
        layout: layout(
            &s,
            &a,
            c.csrf.as_deref().unwrap_or_default(),
            "待办",
            "/docket",
        )
        .await,
        heading: if a.enterprise_id.is_some() {
            "本企业待办".into()
        } else {
            format!("今日待办（{}）", format_cn_date(today))
        },
        areas,
        severities: options(
            Severity::ALL.iter().map(|x| (x.code(), x.label())),
            &q.severity,
        ),
        area_options: options(AREAS.iter().copied(), &q.area),
        systems: options(System::ALL.iter().map(|x| (x.code(), x.label())), &q.system),
        projects: options(projects, &q.project_id),
        inspectors: if a.role == jianguan_app::Role::Contractor {
            vec![]
        } else {
            options(
                docket::inspector_names(app, &a)
                    .await?
                    .into_iter()
                    .map(|n| (n.clone(), n)),
                &q.inspector,
            )
        },
        acts: if a.role == jianguan_app::Role::Contractor {
            vec![]
        } else {
            options(Party::ALL.iter().map(|p| (p.code(), p.label())), &q.acts)
        },
        include_resolved: filter.include_resolved,
        total: found.total as usize,
        pager: super::pager(
            "/docket",
            &[
                ("severity", &q.severity),
                ("area", &q.area),
                ("system", &q.system),
                ("project_id", &q.project_id),
                ("inspector", &q.inspector),
                ("acts", &q.acts),
                (
                    "include_resolved",
                    if filter.include_resolved { "true" } else { "" },
                ),
            ],
            found.total,
            q.offset,
            PAGE as u64,
        ),
        rows: found
            .rows
            .into_iter()
            .map(|f| Row {
                key: f.key.clone(),
                severity_label: severity_label(&f.severity),
                acts: app.profile.acts(&f.rule).label(),
                resolved: f.resolved_on.is_some(),
                new_today: f.first_seen == today && f.resolved_on.is_none(),
                due: f.due.map(format_cn_date).unwrap_or_else(|| "—".into()),
                subject: f.subject_name,
                id: f.id,
                rule: f.rule,
                severity: f.severity,
                message: f.message,
                clause: f.clause,
            })
            .collect(),
        can_refresh: a.may(Permission::EditRecords),
        refreshed: q.refreshed.is_some(),
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn refresh(State(s): State<AppState>, Auth(a, _): Auth) -> PageResult {
    let today = s.app.today();
    match &a.county_code {
        Some(c) => {
            docket::refresh(&s.app, c, today).await?;
        }
        None => {
            docket::refresh_all(&s.app, today).await?;
        }
    }
    Ok(Redirect::to("/docket?refreshed=1").into_response())
}

pub struct Detail {
    pub id: String,
    /// Who acts on it.
    pub acts: &'static str,
    pub rule: String,
    pub rule_label: String,
    pub severity: String,
    pub severity_label: &'static str,
    pub message: String,
    pub subject: String,
    pub subject_link: Option<String>,
    pub period: Option<String>,
    pub due: String,
    pub action: String,
    pub clause: String,
    pub clause_text: String,
    pub first_seen: String,
    pub last_seen: String,
    pub resolved_on: String,
}

#[derive(Template)]
#[template(path = "finding.html")]
struct FindingPage {
    layout: Layout,
    f: Detail,
    /// What the supervision group can do about it from here: (link, label).
    next_steps: Vec<(String, &'static str)>,
    can_remind: bool,
    reminded: bool,
    /// The rule code is for administrators only (ui.md: no raw codes for county users).
    show_code: bool,
    source: String,
    profile_name: String,
}

/// Links that start the work a finding's rule asks for, with its subject filled in: an
/// inspection for a missing one, the record to complete, a rectification order, a decision
/// for the responsible person, a sanction proposal when it has come to that. Findings the
/// contractor must act on can also be sent to it as a reminder (a form on the page).
/// `tipoff.unanswered` waits for the tip-off area.
fn next_steps(
    profile: &jianguan_domain::rules::Profile,
    f: &finding::Model,
    a: &jianguan_app::Actor,
) -> Vec<(String, &'static str)> {
    use super::percent;
    if !a.role.supervises() || f.resolved_on.is_some() {
        return Vec::new();
    }
    let project = f.project_id.as_deref().unwrap_or_default();
    let enterprise = f.enterprise_id.as_deref().unwrap_or_default();
    let inspect = |kind: &str| {
        vec![
            (
                format!("/inspections/new?mode=record&project_id={project}&kind={kind}"),
                "记录检查",
            ),
            (
                format!("/inspections/new?mode=plan&project_id={project}&kind={kind}"),
                "安排检查",
            ),
        ]
    };
    let order = |label: &'static str| {
        (
            format!(
                "/orders/new?project_id={project}&source={}&title={}",
                percent(&format!("finding:{}", f.key)),
                percent(rule_label(profile, &f.rule))
            ),
            label,
        )
    };
    let sanction = |kind: &str, label: &'static str| {
        (
            format!(
                "/sanctions/new?enterprise_id={enterprise}&project_id={project}&kind={kind}&clause={}",
                percent(&f.clause)
            ),
            label,
        )
    };
    match f.rule.as_str() {
        "inspection.construction_quota" => inspect("construction"),
        "inspection.operation_quota" => inspect("operations"),
        "inspection.training_class" => inspect("training"),
        "inspection.funds_followup" => inspect("funds"),
        "inspection.evidence_missing" => vec![(
            format!("/inspections/{}", f.subject_id),
            "补齐会议记录和图片",
        )],
        "data.report_suspicious" => vec![
            (
                format!("/inspections/new?mode=plan&project_id={project}&kind=operations"),
                "安排实地核查",
            ),
            ("/data-reports".into(), "查看报送数据"),
        ],
        "progress.severe_lag" => vec![order("下达限期整改通知书")],
        "progress.deviation" => vec![order("责令说明原因并补救")],
        // The order names the problem, so that its acceptance closes it.
        "market.violation_open" => vec![
            (
                format!(
                    "/orders/new?project_id={project}&source={}&title={}",
                    percent(&format!("market:{}", f.subject_id)),
                    percent(rule_label(profile, &f.rule))
                ),
                "开具整改通知",
            ),
            (format!("/market/{}", f.subject_id), "查看问题"),
        ],
        "qualification.invalid" => vec![order("开具整改通知")],
        "assets.unlabelled" => vec![
            order("开具整改通知"),
            (format!("/assets/{}", f.subject_id), "查看资产"),
        ],
        "assets.handover_due" => vec![
            (format!("/assets/{}", f.subject_id), "登记移交或续用决定"),
            order("开具整改通知"),
        ],
        "assets.discrepancy_open" => {
            let mut steps = vec![(count_link(f), "处理盘点差异")];
            if f.subject_kind == "asset" {
                steps.push((format!("/assets/{}", f.subject_id), "查看资产"));
            }
            steps.push(order("开具整改通知"));
            steps
        }
        "assets.inventory_due" => vec![
            (
                format!("/assets/counts?enterprise_id={enterprise}"),
                "开始清查盘点",
            ),
            order("开具整改通知"),
            (
                format!("/assets?enterprise_id={enterprise}"),
                "查看资产台账",
            ),
        ],
        "rectification.overdue" => vec![(format!("/orders/{}", f.subject_id), "查看整改通知")],
        "rectification.escalate" => vec![
            sanction("disqualification", "提议取消承办资格"),
            (format!("/orders/{}", f.subject_id), "查看整改通知"),
        ],
        "funds.duplicate_claim" => vec![
            (format!("/funds/claims/{}", f.subject_id), "并排比对发票"),
            sanction("fund_recovery", "提议追回资金"),
            sanction("public_criticism", "提议通报批评"),
        ],
        "funds.suspected_duplicate" => vec![(
            format!("/funds/claims/{}", f.subject_id),
            "并排比对发票，核实是否重复",
        )],
        "funds.over_budget" => vec![("/funds".into(), "查看项目资金")],
        // The recovery may come from an import without its decision; the list holds both.
        "funds.recovery_outstanding" => vec![("/funds/recoveries".into(), "查看追回资金")],
        "data.uncooperative" => vec![
            sanction("public_criticism", "提议批评公示"),
            order("责令限期整改"),
        ],
        "performance.evaluation_due" => vec![(
            format!("/projects/{project}/oversight#evaluations"),
            "进行绩效评价",
        )],
        "operations.incident_open" => vec![(
            format!("/projects/{project}/oversight#incidents"),
            "作出追责决定",
        )],
        jianguan_domain::rules::DATA_INCOMPLETE => match f.period.as_deref() {
            Some("operation_start") => {
                vec![(format!("/projects/{project}/edit"), "补填运营开始日期")]
            }
            Some("progress_plan") => {
                vec![(format!("/projects/{project}/progress"), "查看进度计划")]
            }
            _ => vec![(format!("/projects/{project}"), "查看项目")],
        },
        // What only the contractor does (reports, licences) is reminded, below.
        _ => Vec::new(),
    }
}

/// Whether the finding may be sent to the contractor as a reminder: it is the contractor's
/// to act on, about an enterprise, open, and the caller supervises.
fn may_remind(
    profile: &jianguan_domain::rules::Profile,
    f: &finding::Model,
    a: &jianguan_app::Actor,
) -> bool {
    a.role.supervises()
        && f.resolved_on.is_none()
        && f.enterprise_id.is_some()
        && profile.acts(&f.rule) == Party::Contractor
}

/// The count page at the discrepancy a finding is about: its period is the count
/// (`count`) or, for a label found besides, the count and the item (`count#n`).
fn count_link(f: &finding::Model) -> String {
    let period = f.period.as_deref().unwrap_or_default();
    match period.split_once('#') {
        Some((count, n)) => format!("/assets/counts/{count}#item-{n}"),
        None => format!("/assets/counts/{period}"),
    }
}

fn subject_link(f: &finding::Model) -> Option<String> {
    match f.subject_kind.as_str() {
        "project" => Some(format!("/projects/{}", f.subject_id)),
        "enterprise" => Some(format!("/enterprises/{}", f.subject_id)),
        "market_finding" => Some(format!("/market/{}", f.subject_id)),
        "asset" => Some(format!("/assets/{}", f.subject_id)),
        "inventory_count" => Some(count_link(f)),
        _ => f.project_id.as_ref().map(|p| format!("/projects/{p}")),
    }
}

pub async fn show(
    State(s): State<AppState>,
    Auth(a, c): Auth,
    Path(id): Path<String>,
    Query(q): Query<super::SavedQuery>,
) -> PageResult {
    let f = docket::get(&s.app, &a, &id).await?;
    let profile = &s.app.profile;
    let clause_text = profile
        .rule(&f.rule)
        .map(|r| r.text.clone())
        .unwrap_or_default();
    let page = FindingPage {
        layout: layout(
            &s,
            &a,
            c.csrf.as_deref().unwrap_or_default(),
            rule_label(profile, &f.rule),
            "/docket",
        )
        .await,
        source: profile.source.clone(),
        profile_name: profile.name.clone(),
        next_steps: next_steps(profile, &f, &a),
        can_remind: may_remind(profile, &f, &a),
        reminded: q.saved.is_some(),
        show_code: a.role == jianguan_app::Role::Admin,
        f: Detail {
            id: f.id.clone(),
            acts: profile.acts(&f.rule).label(),
            rule_label: rule_label(profile, &f.rule).to_string(),
            severity_label: severity_label(&f.severity),
            subject_link: subject_link(&f),
            due: f.due.map(format_cn_date).unwrap_or_else(|| "—".into()),
            first_seen: format_cn_date(f.first_seen),
            last_seen: format_cn_date(f.last_seen),
            resolved_on: f
                .resolved_on
                .map(format_cn_date)
                .unwrap_or_else(|| "尚未解决".into()),
            period: period_label(f.period.as_deref(), profile),
            clause_text,
            rule: f.rule,
            severity: f.severity,
            message: f.message,
            subject: f.subject_name,
            action: f.action,
            clause: f.clause,
        },
    };
    Ok(render(StatusCode::OK, &page))
}

pub struct NoteRow {
    pub at: String,
    pub title: String,
    pub body: String,
    pub link: String,
    pub read: bool,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    layout: Layout,
    rows: Vec<NoteRow>,
}

pub async fn notifications(State(s): State<AppState>, Auth(a, c): Auth) -> PageResult {
    let rows = docket::notifications(&s.app, &a, false)
        .await?
        .into_iter()
        .take(200)
        .map(|n| NoteRow {
            at: cn_time(n.created_at),
            title: n.title,
            body: n.body,
            link: n.link.unwrap_or_else(|| "/docket".into()),
            read: n.read_at.is_some(),
        })
        .collect();
    let page = NotificationsPage {
        layout: layout(&s, &a, c.csrf.as_deref().unwrap_or_default(), "消息", "").await,
        rows,
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn mark_read(State(s): State<AppState>, Auth(a, _): Auth) -> PageResult {
    docket::mark_read(&s.app, &a, None).await?;
    Ok(Redirect::to("/notifications").into_response())
}

/// Sends the finding to the contractor's users as a reminder of what it must do.
pub async fn remind(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> PageResult {
    docket::remind(&s.app, &a, &id).await?;
    Ok(Redirect::to(&format!("/docket/{id}?saved=1")).into_response())
}

#[cfg(test)]
mod tests {
    use super::period_label;

    #[test]
    fn periods_read_as_people_read_them() {
        let p = jianguan_app::profile::default_profile();
        assert_eq!(
            period_label(Some("2026-05"), &p).as_deref(),
            Some("2026年5月")
        );
        assert_eq!(
            period_label(Some("2026-Q3"), &p).as_deref(),
            Some("2026年第3季度")
        );
        assert_eq!(
            period_label(Some("2026-08:orders"), &p).as_deref(),
            Some("2026年8月 · 网络订单数")
        );
        assert_eq!(
            period_label(Some("food_business|hygiene"), &p).as_deref(),
            Some("食品经营许可证或卫生许可证")
        );
        assert_eq!(period_label(Some("demo-claim-1"), &p), None);
        assert_eq!(period_label(Some("01a216f9-afea-7365"), &p), None);
        assert_eq!(period_label(None, &p), None);
    }
}
