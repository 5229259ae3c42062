//! 每日待办: the rule engine run over the stored facts, and the findings kept with their
//! life (first seen, last seen, resolved) so that the docket shows what is new and what was
//! done. New findings notify the people who must act.

use crate::secrets::new_id;
use crate::{Actor, App, AppError, Permission};
use chrono::NaiveDate;
use held::View;
pub use held::{Docket, Held};
use jianguan_domain::Role;
use jianguan_domain::rules::{self, Finding};
use jianguan_store::docket_version;
use jianguan_store::entity::{finding, notification, project, user};
use jianguan_store::sea::{
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use jianguan_store::{AuditEntry, Scope, queries, rows, scoped};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

mod held;

/// The dates the rules may be evaluated at for `county` (all counties: None): a year
/// either side of its programmes' periods, and of today. Beyond them the rules would
/// count months and quarters no one supervises, at a cost whoever asks would choose.
pub async fn as_of_range(
    app: &App,
    county: Option<&str>,
) -> Result<(NaiveDate, NaiveDate), AppError> {
    let scope = Scope {
        county: county.map(str::to_string),
        enterprise: None,
    };
    let programmes = queries::programmes(app.store.reader(), &scope).await?;
    let today = app.today();
    let start = programmes
        .iter()
        .map(|p| p.period_start)
        .fold(today, NaiveDate::min);
    let end = programmes
        .iter()
        .map(|p| p.period_end)
        .fold(today, NaiveDate::max);
    let year = chrono::Days::new(366);
    Ok((
        start.checked_sub_days(year).unwrap_or(start),
        end.checked_add_days(year).unwrap_or(end),
    ))
}

/// Refuses an as-of date outside [`as_of_range`], with the range in the message.
pub async fn check_as_of(
    app: &App,
    county: Option<&str>,
    as_of: NaiveDate,
) -> Result<(), AppError> {
    let (from, to) = as_of_range(app, county).await?;
    if (from..=to).contains(&as_of) {
        Ok(())
    } else {
        Err(AppError::field(
            "as_of",
            format!(
                "查询日期应在 {from} 至 {to} 之间（综合示范项目实施期及前后各一年），{as_of} 超出范围"
            ),
        ))
    }
}

/// Findings for one county as of a date, straight from the engine (nothing stored).
pub async fn evaluate(app: &App, county: &str, as_of: NaiveDate) -> Result<Vec<Finding>, AppError> {
    check_as_of(app, Some(county), as_of).await?;
    let tally = rules::facts::Tally::new(&app.profile, as_of);
    let facts = jianguan_store::facts::load(app.store.reader(), county, Some(tally)).await?;
    Ok(rules::evaluate(&facts, &app.profile, as_of))
}

/// Makes the inspection counts the database keeps match the profile in force (its
/// minimum of photos). Loading is right either way; aligned, it is fast. Cheap when
/// nothing changed; a recount of every inspection when the profile changed.
pub async fn align_tallies(app: &App) -> Result<(), AppError> {
    let min_photos = app.profile.thresholds.evidence_min_photos;
    if jianguan_store::facts::align_tallies(app.store.housekeeping(), min_photos).await? {
        tracing::info!(
            min_photos,
            "inspection tallies recounted for the profile in force"
        );
    }
    Ok(())
}

/// Counties loaded together: one query per table for all of them.
const COUNTIES_PER_LOAD: usize = 50;

/// Batches in hand at once, each loaded on its own reader connection and then evaluated
/// on the blocking pool. A load is mostly the database's work on the connection's own
/// thread, so three keep both cores busy (measured: two left a tenth of the time idle),
/// and no more than three batches' facts are ever in memory.
const BATCHES_AT_ONCE: usize = 3;

/// Findings for many counties as of a date (nothing stored). Batches of counties are
/// loaded and evaluated a few at a time.
pub async fn evaluate_many(
    app: &App,
    counties: &[String],
    as_of: NaiveDate,
) -> Result<BTreeMap<String, Vec<Finding>>, AppError> {
    check_as_of(app, None, as_of).await?;
    let tally = rules::facts::Tally::new(&app.profile, as_of);
    let turns = std::sync::Arc::new(tokio::sync::Semaphore::new(BATCHES_AT_ONCE));
    let mut batches = tokio::task::JoinSet::new();
    for chunk in counties.chunks(COUNTIES_PER_LOAD) {
        let (app, chunk, turns) = (app.clone(), chunk.to_vec(), turns.clone());
        batches.spawn(async move {
            // Held until evaluated, so no more than this many batches are ever in memory.
            let _turn = turns
                .acquire()
                .await
                .map_err(|e| AppError::caused("docket loading", e))?;
            let facts =
                jianguan_store::facts::load_many(app.store.reader(), &chunk, Some(tally)).await?;
            let profile = app.profile.clone();
            tokio::task::spawn_blocking(move || {
                facts
                    .into_iter()
                    .map(|(county, f)| (county, rules::evaluate(&f, &profile, as_of)))
                    .collect::<Vec<_>>()
            })
            .await
            .map_err(|e| AppError::caused("rule engine", e))
        });
    }
    let mut out = BTreeMap::new();
    while let Some(done) = batches.join_next().await {
        out.extend(done.map_err(|e| AppError::caused("docket batch", e))??);
    }
    Ok(out)
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RefreshReport {
    pub county: String,
    pub open: usize,
    pub new: usize,
    pub resolved: usize,
}

/// Who is told about a new finding: the supervision group; the responsible person when
/// it is his to act on or serious; the contractor when it is about its enterprise and the
/// profile says the contractor acts on it (never the bureau's own duties).
fn recipients<'a>(
    profile: &rules::Profile,
    f: &Finding,
    users: &'a [user::Model],
) -> Vec<&'a user::Model> {
    let acts = profile.acts(&f.rule);
    users
        .iter()
        .filter(|u| !u.disabled)
        .filter(|u| match Role::parse(&u.role) {
            Some(Role::Inspector) => true,
            Some(Role::Chief) => acts == rules::Party::Chief || f.severity.rank() <= 1,
            Some(Role::Contractor) => {
                acts == rules::Party::Contractor
                    && u.enterprise_id.is_some()
                    && u.enterprise_id == f.subject.enterprise_id
            }
            _ => false,
        })
        .collect()
}

/// Evaluates one county and stores the result: new findings are inserted (and notified),
/// findings seen again are updated, findings no longer raised are marked resolved.
/// The facts are read while this refresh holds the write lock, so no write can come
/// between what was evaluated and what is stored, and two refreshes at once (two
/// inspections recorded together) store one after the other, each over the other's result.
pub async fn refresh(app: &App, county: &str, as_of: NaiveDate) -> Result<RefreshReport, AppError> {
    let tx = app.store.begin().await?;
    let findings = evaluate(app, county, as_of).await?;
    store(app, tx, county, as_of, findings).await
}

/// Keeps one county's findings of `as_of`: their life, notifications and audit row. What
/// is stored already is read inside the write, so it is what the last refresh left.
async fn store(
    app: &App,
    mut tx: jianguan_store::WriteTx,
    county: &str,
    as_of: NaiveDate,
    findings: Vec<Finding>,
) -> Result<RefreshReport, AppError> {
    let existing: HashMap<String, finding::Model> = finding::Entity::find()
        .filter(finding::Column::CountyCode.eq(county))
        .all(tx.conn())
        .await?
        .into_iter()
        .map(|f| (f.key.clone(), f))
        .collect();
    let first_run = existing.is_empty();
    let users = queries::users(tx.conn(), &Scope::county(county)).await?;
    let mut report = RefreshReport {
        county: county.into(),
        open: findings.len(),
        ..Default::default()
    };
    let mut new_keys = Vec::new();
    let mut notes: BTreeMap<String, Vec<&Finding>> = BTreeMap::new();
    for f in &findings {
        let row = |id: String, first_seen: NaiveDate| finding::Model {
            id,
            county_code: county.into(),
            key: f.key.clone(),
            rule: f.rule.clone(),
            severity: f.severity.code().into(),
            subject_kind: f.subject.kind.clone(),
            subject_id: f.subject.id.clone(),
            subject_name: f.subject.name.clone(),
            enterprise_id: f.subject.enterprise_id.clone(),
            project_id: f.subject.project_id.clone(),
            period: f.period.clone(),
            clause: f.clause.clone(),
            message: f.message.clone(),
            due: f.due,
            action: f.action.clone(),
            first_seen,
            last_seen: as_of,
            resolved_on: None,
        };
        match existing.get(&f.key) {
            Some(old) => {
                let reopened = old.resolved_on.is_some();
                rows::update(
                    tx.conn(),
                    row(
                        old.id.clone(),
                        if reopened { as_of } else { old.first_seen },
                    ),
                )
                .await?;
                if reopened {
                    new_keys.push(f.key.clone());
                    for u in recipients(&app.profile, f, &users) {
                        notes.entry(u.id.clone()).or_default().push(f);
                    }
                }
            }
            None => {
                rows::insert(tx.conn(), row(new_id(), as_of)).await?;
                new_keys.push(f.key.clone());
                for u in recipients(&app.profile, f, &users) {
                    notes.entry(u.id.clone()).or_default().push(f);
                }
            }
        }
    }
    report.new = new_keys.len();
    let current: std::collections::HashSet<&str> =
        findings.iter().map(|f| f.key.as_str()).collect();
    let mut resolved_keys = Vec::new();
    for old in existing.values() {
        if old.resolved_on.is_none() && !current.contains(old.key.as_str()) {
            let mut m = old.clone();
            m.resolved_on = Some(as_of);
            rows::update(tx.conn(), m).await?;
            resolved_keys.push(old.key.clone());
        }
    }
    report.resolved = resolved_keys.len();

    let now = app.now();
    for (user_id, fs) in notes {
        // The first evaluation of a county would otherwise bury everyone in notifications.
        if first_run || fs.len() > 20 {
            let serious = fs.iter().filter(|f| f.severity.rank() <= 1).count();
            rows::insert(
                tx.conn(),
                notification::Model {
                    id: new_id(),
                    user_id,
                    county_code: county.into(),
                    finding_key: None,
                    title: format!("待办新增 {} 条", fs.len()),
                    body: format!("其中紧急或严重 {serious} 条，请查看待办。"),
                    link: Some("/docket".into()),
                    created_at: now,
                    read_at: None,
                },
            )
            .await?;
            continue;
        }
        for f in fs {
            rows::insert(
                tx.conn(),
                notification::Model {
                    id: new_id(),
                    user_id: user_id.clone(),
                    county_code: county.into(),
                    finding_key: Some(f.key.clone()),
                    title: format!("【{}】{}", f.severity.label(), f.subject.name),
                    body: f.message.clone(),
                    link: Some("/docket".into()),
                    created_at: now,
                    read_at: None,
                },
            )
            .await?;
        }
    }
    // Whatever this county's servers hold of its docket is no longer current.
    docket_version::replace(tx.conn(), county, &new_id()).await?;
    tx.record(AuditEntry {
        at: now,
        actor_id: None,
        actor_name: "系统（每日待办）".into(),
        county_code: Some(county.into()),
        entity: "docket".into(),
        entity_id: county.into(),
        action: "refresh".into(),
        before: None,
        after: Some(serde_json::json!({
            "as_of": as_of, "open": report.open, "new": new_keys, "resolved": resolved_keys,
            "profile": format!("{}@{}", app.profile.id, app.profile.version),
        })),
    })
    .await?;
    tx.commit().await?;
    Ok(report)
}

pub async fn refresh_all(app: &App, as_of: NaiveDate) -> Result<Vec<RefreshReport>, AppError> {
    let started = std::time::Instant::now();
    align_tallies(app).await?;
    let codes: Vec<String> = queries::counties(app.store.reader(), &Scope::everything())
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect();
    let mut all = evaluate_many(app, &codes, as_of).await?;
    let mut out = Vec::new();
    for code in codes {
        let findings = all.remove(&code).unwrap_or_default();
        let tx = app.store.begin().await?;
        out.push(store(app, tx, &code, as_of, findings).await?);
    }
    crate::metrics::global().docket_run(started.elapsed().as_secs_f64());
    Ok(out)
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Deserialize)]
pub struct DocketFilter {
    pub severity: Option<String>,
    /// Rule area: the part before the dot (progress, inspection, …).
    pub area: Option<String>,
    pub system: Option<String>,
    pub project_id: Option<String>,
    /// An inspector's name: the findings of the projects they inspect (named on a planned
    /// or recorded inspection of the project in the last year or the coming three months).
    pub inspector: Option<String>,
    /// Who acts: bureau, contractor, chief (a contractor always sees only its own).
    #[serde(default)]
    pub acts: Option<String>,
    /// Include resolved findings too.
    #[serde(default)]
    pub include_resolved: bool,
}

/// The window in which an inspection ties an inspector to a project.
fn inspection_window(app: &App) -> (NaiveDate, NaiveDate) {
    let today = app.today();
    (
        today - chrono::Days::new(365),
        today + chrono::Days::new(92),
    )
}

/// Projects the named inspector is on: planned or recorded inspections in the window.
async fn inspected_by(app: &App, actor: &Actor, name: &str) -> Result<Vec<String>, AppError> {
    let (from, to) = inspection_window(app);
    let ids = crate::inspections::projects_inspected_by(app, actor, name, from, to).await?;
    if ids.is_empty() {
        return Err(AppError::field(
            "inspector",
            format!("近一年没有写有检查人员“{name}”的检查记录"),
        ));
    }
    Ok(ids)
}

/// Names on the inspections in the window, for the docket's inspector filter: the
/// bureau's menu (a contractor does not filter by the county's inspectors: none).
pub async fn inspector_names(app: &App, actor: &Actor) -> Result<Vec<String>, AppError> {
    actor.require(Permission::ReadRecords)?;
    if actor.role == Role::Contractor {
        return Ok(Vec::new());
    }
    let (from, to) = inspection_window(app);
    let teams =
        queries::inspector_teams(app.store.reader(), actor.county_code.as_deref(), from, to)
            .await?;
    let mut names = Vec::new();
    for team in teams {
        names.extend(jianguan_store::json::column::<Vec<String>>(
            "inspections",
            "(distinct teams)",
            "inspectors",
            &team,
        )?);
    }
    names.sort();
    names.dedup();
    Ok(names)
}

pub const SEVERITIES: [&str; 4] = ["critical", "serious", "warning", "info"];

impl DocketFilter {
    /// A filter value that matches nothing by construction is a mistake to report, not an
    /// empty docket to show.
    pub fn validate(&self) -> Result<(), AppError> {
        let mut e = jianguan_domain::FieldErrors::new();
        if let Some(s) = self
            .severity
            .as_deref()
            .filter(|s| !s.is_empty() && !SEVERITIES.contains(s))
        {
            e.add(
                "severity",
                format!("严重程度“{s}”无效，可用：{}", SEVERITIES.join("、")),
            );
        }
        if let Some(a) = self
            .area
            .as_deref()
            .filter(|a| !a.is_empty() && !rules::AREAS.iter().any(|(code, _)| code == a))
        {
            let all = rules::AREAS.map(|(code, _)| code).join("、");
            e.add("area", format!("方面“{a}”无效，可用：{all}"));
        }
        if let Some(s) = self
            .system
            .as_deref()
            .filter(|s| !s.is_empty() && jianguan_domain::System::parse(s).is_none())
        {
            e.add("system", format!("体系“{s}”无效"));
        }
        if let Some(a) = self
            .acts
            .as_deref()
            .filter(|a| !a.is_empty() && rules::Party::parse(a).is_none())
        {
            let all = rules::Party::ALL.map(rules::Party::code).join("、");
            e.add("acts", format!("办理方“{a}”无效，可用：{all}"));
        }
        e.into_result(()).map_err(AppError::from)
    }
}

/// Every rule evaluated for the actor's county as of `as_of`, nothing stored; a contractor
/// gets only its own enterprise's duties.
pub async fn evaluate_for(
    app: &App,
    actor: &Actor,
    as_of: NaiveDate,
) -> Result<Vec<Finding>, AppError> {
    let county = actor
        .county_code
        .clone()
        .ok_or_else(|| AppError::field("county_code", "请以某县用户的身份查询"))?;
    let mut findings = evaluate(app, &county, as_of).await?;
    if actor.role == Role::Contractor {
        findings.retain(|f| {
            f.acts == rules::Party::Contractor
                && f.subject.enterprise_id.is_some()
                && f.subject.enterprise_id == actor.enterprise_id
        });
    }
    Ok(findings)
}

/// The stored docket the actor may see: their county; a contractor only their enterprise.
/// Held in memory while it is current (see [`held`]).
pub async fn list(app: &App, actor: &Actor, f: &DocketFilter) -> Result<Arc<Docket>, AppError> {
    let at = current(app, actor).await?;
    list_at(app, actor, f, at.as_deref()).await
}

/// The version of the actor's county's stored docket, checked first: `None` when nothing
/// can be held (no county, or its docket never stored).
async fn current(app: &App, actor: &Actor) -> Result<Option<String>, AppError> {
    actor.require(Permission::ReadRecords)?;
    Ok(match &actor.county_code {
        Some(c) => docket_version::read(app.store.reader(), c).await?,
        None => None,
    })
}

/// [`list`] with the county's docket version already read (`None`: read, not held).
async fn list_at(
    app: &App,
    actor: &Actor,
    f: &DocketFilter,
    version: Option<&str>,
) -> Result<Arc<Docket>, AppError> {
    actor.require(Permission::ReadRecords)?;
    f.validate()?;
    let view = View::of(&actor.scope(), f).zip(version);
    if let Some((view, version)) = &view
        && let Some(held) = app.dockets.get(view, version)
    {
        return Ok(held);
    }
    let docket = Arc::new(Docket::new(read(app, actor, f).await?));
    if let Some((view, version)) = view {
        // Held only if no refresh was stored between the version read and the rows: a
        // version is never used twice, so the same one after means the same state.
        let after = docket_version::read(app.store.reader(), &view.county).await?;
        if after.as_deref() == Some(version) {
            app.dockets.put(view, version.to_string(), docket.clone());
        }
    }
    Ok(docket)
}

/// The view `f` selects, held or read to be held; `None` when it cannot be held (no
/// version, a filter reading other tables, more findings than may be held): a page of
/// such a view is read from the database alone, not the whole view for each page.
async fn holdable(
    app: &App,
    actor: &Actor,
    f: &DocketFilter,
    version: Option<&str>,
) -> Result<Option<Arc<Docket>>, AppError> {
    use jianguan_store::sea::PaginatorTrait;
    let (Some(view), Some(version)) = (View::of(&actor.scope(), f), version) else {
        return Ok(None);
    };
    if let Some(held) = app.dockets.get(&view, version) {
        return Ok(Some(held));
    }
    let n = filtered(app, actor, f)
        .await?
        .count(app.store.reader())
        .await?;
    if n > held::MAX_ROWS as u64 {
        return Ok(None);
    }
    Ok(Some(list_at(app, actor, f, Some(version)).await?))
}

/// The stored findings `f` selects, from the database, in the docket's order.
async fn read(app: &App, actor: &Actor, f: &DocketFilter) -> Result<Vec<finding::Model>, AppError> {
    let q = filtered(app, actor, f).await?;
    // Packed: a county's docket crosses from the database as one string.
    let mut rows =
        jianguan_store::packed::all(app.store.reader(), q.order_by_asc(finding::Column::Key))
            .await?;
    rows.sort_by(|a, b| {
        (
            severity_rank(&a.severity),
            &a.rule,
            &a.subject_kind,
            &a.subject_id,
            &a.period,
        )
            .cmp(&(
                severity_rank(&b.severity),
                &b.rule,
                &b.subject_kind,
                &b.subject_id,
                &b.period,
            ))
    });
    Ok(rows)
}

/// One page of the docket, in the docket's order, with how many findings the filter
/// selects and how many open findings each area holds (the page's tabs, unfiltered). A big
/// county's docket holds thousands: only the page crosses from the database, or, when the
/// docket is held, from memory.
pub struct DocketPage {
    pub rows: Vec<finding::Model>,
    pub total: u64,
    pub open_by_area: BTreeMap<String, u64>,
}

pub async fn page(
    app: &App,
    actor: &Actor,
    f: &DocketFilter,
    offset: u64,
    limit: u64,
) -> Result<DocketPage, AppError> {
    let version = current(app, actor).await?;
    let (rows, total) = slice_at(app, actor, f, offset, limit, version.as_deref()).await?;
    let mut open_by_area = BTreeMap::new();
    let mut count = |rule: &str, n: u64| {
        let area = rule.split_once('.').map_or(rule, |(a, _)| a);
        *open_by_area.entry(area.to_string()).or_default() += n;
    };
    let open = DocketFilter::default();
    if let Some(held) = holdable(app, actor, &open, version.as_deref()).await? {
        for f in &held.rows {
            count(&f.rule, 1);
        }
    } else {
        let by_rule: Vec<(String, i64)> = filtered(app, actor, &open)
            .await?
            .select_only()
            .column(finding::Column::Rule)
            // Counted on the rule, not the id: the index holding the rule answers alone.
            .column_as(finding::Column::Rule.count(), "n")
            .group_by(finding::Column::Rule)
            .into_tuple()
            .all(app.store.reader())
            .await?;
        for (rule, n) in by_rule {
            count(&rule, n.max(0) as u64);
        }
    }
    Ok(DocketPage {
        rows,
        total,
        open_by_area,
    })
}

/// `limit` findings of [`list`] from `offset`, in its order, and how many `f` selects in
/// all.
pub async fn slice(
    app: &App,
    actor: &Actor,
    f: &DocketFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<finding::Model>, u64), AppError> {
    let version = current(app, actor).await?;
    slice_at(app, actor, f, offset, limit, version.as_deref()).await
}

async fn slice_at(
    app: &App,
    actor: &Actor,
    f: &DocketFilter,
    offset: u64,
    limit: u64,
    version: Option<&str>,
) -> Result<(Vec<finding::Model>, u64), AppError> {
    use jianguan_store::sea::{Expr, NullOrdering, Order, PaginatorTrait};
    let offset = offset.min(queries::OFFSET_MAX);
    let limit = limit.clamp(1, queries::PAGE_MAX);
    if let Some(all) = holdable(app, actor, f, version).await? {
        let from = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(all.rows.len());
        let to = from
            .saturating_add(usize::try_from(limit).unwrap_or(usize::MAX))
            .min(all.rows.len());
        return Ok((all.rows[from..to].to_vec(), all.rows.len() as u64));
    }
    let db = app.store.reader();
    let q = filtered(app, actor, f).await?;
    let total = q.clone().count(db).await?;
    // The order of `list`: severity (critical first), rule, subject, period (none first),
    // key: the index m0021 made, so a page stops after its rows.
    let ordered = q
        .order_by(Expr::cust(queries::DOCKET_RANK), Order::Asc)
        .order_by_asc(finding::Column::Rule)
        .order_by_asc(finding::Column::SubjectKind)
        .order_by_asc(finding::Column::SubjectId)
        .order_by_with_nulls(finding::Column::Period, Order::Asc, NullOrdering::First)
        .order_by_asc(finding::Column::Key)
        .offset(offset)
        .limit(limit);
    Ok((jianguan_store::packed::all(db, ordered).await?, total))
}

/// The docket's stored findings `f` selects, within what the actor may see.
async fn filtered(
    app: &App,
    actor: &Actor,
    f: &DocketFilter,
) -> Result<jianguan_store::sea::Select<finding::Entity>, AppError> {
    actor.require(Permission::ReadRecords)?;
    f.validate()?;
    let mut q = scoped::find::<finding::Entity>(&actor.scope());
    // A contractor's docket holds only what the contractor must do.
    let acts = if actor.role == Role::Contractor {
        Some(rules::Party::Contractor)
    } else {
        f.acts.as_deref().and_then(rules::Party::parse)
    };
    if let Some(party) = acts {
        q = q.filter(finding::Column::Rule.is_in(app.profile.acted_on_by(party)));
    }
    if !f.include_resolved {
        q = q.filter(finding::Column::ResolvedOn.is_null());
    }
    if let Some(s) = f.severity.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(finding::Column::Severity.eq(s));
    }
    if let Some(a) = f.area.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(finding::Column::Rule.starts_with(format!("{a}.")));
    }
    if let Some(p) = f.project_id.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(finding::Column::ProjectId.eq(p));
    }
    if let Some(name) = f
        .inspector
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let projects = inspected_by(app, actor, name).await?;
        q = q.filter(finding::Column::ProjectId.is_in(projects));
    }
    if let Some(system) = f.system.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(
            finding::Column::ProjectId.in_subquery(
                scoped::find::<project::Entity>(&actor.scope())
                    .select_only()
                    .column(project::Column::Id)
                    .filter(project::Column::System.eq(system))
                    .into_query(),
            ),
        );
    }
    Ok(q)
}

/// A stored severity's rank (critical first); an unknown code sorts last.
pub fn severity_rank(code: &str) -> u8 {
    rules::Severity::parse(code).map_or(u8::MAX, rules::Severity::rank)
}

/// Sends an open finding the contractor must act on to its enterprise's users, as a
/// notification linking to the finding (which they may open). Audited on the finding.
pub async fn remind(app: &App, actor: &Actor, id: &str) -> Result<usize, AppError> {
    actor.require(Permission::Supervise)?;
    let f = get(app, actor, id).await?;
    if f.resolved_on.is_some() {
        return Err(AppError::Conflict("该问题已解决，无需提醒".into()));
    }
    let Some(enterprise) = f.enterprise_id.clone() else {
        return Err(AppError::Conflict("该问题不涉及承办企业".into()));
    };
    if app.profile.acts(&f.rule) != rules::Party::Contractor {
        return Err(AppError::Conflict(format!(
            "该问题由{}办理，不能提醒承办企业",
            app.profile.acts(&f.rule).label()
        )));
    }
    let title = app
        .profile
        .rule(&f.rule)
        .map_or_else(|| f.rule.clone(), |r| r.title.clone());
    let mut tx = app.store.begin().await?;
    let users = queries::users(tx.conn(), &Scope::county(&f.county_code)).await?;
    let to: Vec<&user::Model> = users
        .iter()
        .filter(|u| {
            !u.disabled
                && u.role == Role::Contractor.code()
                && u.enterprise_id.as_deref() == Some(enterprise.as_str())
        })
        .collect();
    crate::notify::notify(
        app,
        &tx,
        &f.county_code,
        |u| to.iter().any(|t| t.id == u.id),
        format!("请办理：{title}"),
        f.message.clone(),
        format!("/docket/{}", f.id),
    )
    .await?;
    tx.record(crate::audit::entry(
        app,
        actor,
        &f.county_code,
        ("finding", &f.id),
        "remind",
        None,
        Some(&serde_json::json!({ "recipients": to.len() })),
    )?)
    .await?;
    tx.commit().await?;
    Ok(to.len())
}

/// One finding; for a contractor only one its enterprise must act on.
pub async fn get(app: &App, actor: &Actor, id: &str) -> Result<finding::Model, AppError> {
    scoped::one::<finding::Entity>(app.store.reader(), &actor.scope(), id)
        .await?
        .filter(|f| {
            actor.role != Role::Contractor || app.profile.acts(&f.rule) == rules::Party::Contractor
        })
        .ok_or(AppError::NotFound)
}

pub async fn notifications(
    app: &App,
    actor: &Actor,
    unread_only: bool,
) -> Result<Vec<notification::Model>, AppError> {
    let mut q = notification::Entity::find()
        .filter(notification::Column::UserId.eq(actor.user_id.as_str()));
    if unread_only {
        q = q.filter(notification::Column::ReadAt.is_null());
    }
    Ok(jianguan_store::packed::all(
        app.store.reader(),
        q.order_by_desc(notification::Column::CreatedAt),
    )
    .await?)
}

/// Marks the actor's notifications read (all of them, or one).
pub async fn mark_read(app: &App, actor: &Actor, id: Option<&str>) -> Result<u64, AppError> {
    let mut q = notification::Entity::update_many()
        .col_expr(
            notification::Column::ReadAt,
            jianguan_store::sea::Expr::value(Some(app.now())),
        )
        .filter(notification::Column::UserId.eq(actor.user_id.as_str()))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = id {
        q = q.filter(notification::Column::Id.eq(id));
    }
    Ok(q.exec(app.store.housekeeping()).await?.rows_affected)
}

/// Refreshes the county's docket after a change that the rules read. The change itself is
/// committed by then: a refresh that fails is logged (the daily run and the next change
/// refresh again), not reported as a failure of what the person did.
pub(crate) async fn refresh_after_change(app: &App, county: &str) -> Result<(), AppError> {
    // Boxed: every use case awaits this, and the refresh's future is large; inline, it
    // made each caller's future (and a test driving many of them) that much larger.
    if let Err(e) = Box::pin(refresh(app, county, app.today())).await {
        tracing::error!(county, error = %e, "docket refresh after a change");
    }
    Ok(())
}
