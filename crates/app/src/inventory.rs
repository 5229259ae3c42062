//! 清查盘点 (一（五）): a count begun by the contractor or the supervision group for an
//! enterprise (or one project or place of it), scanned by as many phones as there are
//! people, closed into one item per asset; and the discrepancies it found, followed until
//! each is settled. Every state change is checked inside its write: two phones scanning
//! one label make one entry, two clicks on 结束盘点 close it once.

use crate::audit::entry;
use crate::notify::{is_staff, notify};
use crate::secrets::new_id;
use crate::{Actor, App, AppError, Permission, Role};
use jianguan_domain::FieldErrors;
use jianguan_domain::asset::{AssetKind, AssetStatus};
use jianguan_domain::inventory::{
    self as inv, CountItem, CountResult, MAX_CODE_CHARS, MAX_COUNT_ASSETS, MAX_SCANS, Progress,
    Resolution, ResolutionKind, ScanEntry, Scanned,
};
use jianguan_domain::sanction::{SanctionAction, SanctionKind};
use jianguan_store::entity::{asset, asset_tag, inventory_count, inventory_scan, sanction};
use jianguan_store::sea::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use jianguan_store::{Scope, WriteTx, queries, scoped};
use std::collections::BTreeSet;

const OPEN: &str = "open";
const CLOSED: &str = "closed";

/// What a count covers, as asked for.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartInput {
    /// Staff choose the enterprise; a contractor counts its own.
    #[serde(default)]
    pub enterprise_id: String,
    #[serde(default)]
    pub project_id: String,
    #[serde(default)]
    pub township: String,
    #[serde(default)]
    pub village: String,
}

/// A count the actor may see.
pub async fn get(app: &App, actor: &Actor, id: &str) -> Result<inventory_count::Model, AppError> {
    scoped::one::<inventory_count::Entity>(app.store.reader(), &actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Which counts a list shows.
#[derive(Debug, Clone, Default)]
pub struct CountFilter {
    pub enterprise_id: Option<String>,
    /// Only counts still being scanned.
    pub open: bool,
}

/// One page of the counts the actor may see, newest first.
pub async fn page(
    app: &App,
    actor: &Actor,
    f: &CountFilter,
    offset: u64,
    limit: u64,
) -> Result<queries::Paged<inventory_count::Model>, AppError> {
    crate::records::check_page(offset, limit)?;
    let mut q = scoped::find::<inventory_count::Entity>(&actor.scope());
    if let Some(e) = f.enterprise_id.as_deref().filter(|e| !e.trim().is_empty()) {
        q = q.filter(inventory_count::Column::EnterpriseId.eq(e.trim()));
    }
    if f.open {
        q = q.filter(inventory_count::Column::State.eq(OPEN));
    }
    let q = q
        .order_by_desc(inventory_count::Column::Date)
        .order_by_desc(inventory_count::Column::CreatedAt)
        .order_by_asc(inventory_count::Column::Id);
    Ok(queries::page(app.store.reader(), q, offset, limit).await?)
}

/// The scans of a count, oldest first.
pub async fn scans(
    app: &App,
    actor: &Actor,
    count_id: &str,
) -> Result<Vec<inventory_scan::Model>, AppError> {
    Ok(scoped::find::<inventory_scan::Entity>(&actor.scope())
        .filter(inventory_scan::Column::CountId.eq(count_id))
        .order_by_asc(inventory_scan::Column::CreatedAt)
        .order_by_asc(inventory_scan::Column::Id)
        .limit(MAX_SCANS as u64)
        .all(app.store.reader())
        .await?)
}

fn entries(scans: &[inventory_scan::Model]) -> Vec<ScanEntry> {
    scans
        .iter()
        .map(|s| ScanEntry {
            id: s.id.clone(),
            code: s.code.clone(),
            asset_id: s.asset_id.clone(),
            result: CountResult::parse(&s.result).unwrap_or(CountResult::Unknown),
            note: s.note.clone(),
        })
        .collect()
}

/// The count read again inside `tx` (under the write lock, so what is checked holds at
/// commit), refused with `refused` when it is no longer open.
async fn open_in_tx(
    tx: &WriteTx,
    id: &str,
    refused: &str,
) -> Result<inventory_count::Model, AppError> {
    let c = scoped::one::<inventory_count::Entity>(tx.conn(), &Scope::everything(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    if c.is_open() {
        Ok(c)
    } else {
        Err(AppError::Conflict(refused.into()))
    }
}

/// A count's scans read inside `tx`, oldest first.
async fn scans_in_tx(tx: &WriteTx, id: &str) -> Result<Vec<inventory_scan::Model>, AppError> {
    Ok(inventory_scan::Entity::find()
        .filter(inventory_scan::Column::CountId.eq(id))
        .filter(inventory_scan::Column::VoidedAt.is_null())
        .order_by_asc(inventory_scan::Column::CreatedAt)
        .order_by_asc(inventory_scan::Column::Id)
        .all(tx.conn())
        .await?)
}

/// How far an open count has come.
pub fn progress(c: &inventory_count::Model, scans: &[inventory_scan::Model]) -> Progress {
    let expected: BTreeSet<String> = c.expected_ids().unwrap_or_default().into_iter().collect();
    inv::progress(&expected, &entries(scans))
}

/// The assets a count of this scope covers now: the enterprise's fixed assets still in its
/// hands (not disposed of, not handed over), of the project or place when one is given.
/// At most one more than a count may cover, to say so.
async fn assets_in_scope(
    conn: &impl jianguan_store::sea::ConnectionTrait,
    county: &str,
    enterprise: &str,
    project: Option<&str>,
    township: Option<&str>,
    village: Option<&str>,
) -> Result<Vec<asset::Model>, AppError> {
    let gone = [AssetStatus::Disposed.code(), AssetStatus::HandedOver.code()];
    let mut q = scoped::find::<asset::Entity>(&Scope::county(county))
        .filter(asset::Column::EnterpriseId.eq(enterprise))
        .filter(asset::Column::AssetKind.eq(AssetKind::Fixed.code()))
        .filter(asset::Column::DisposedOn.is_null())
        .filter(asset::Column::HandedOverOn.is_null())
        .filter(
            Condition::any()
                .add(asset::Column::Status.is_null())
                .add(asset::Column::Status.is_not_in(gone)),
        );
    if let Some(p) = project {
        q = q.filter(asset::Column::ProjectId.eq(p));
    }
    if let Some(t) = township {
        q = q.filter(asset::Column::Township.eq(t));
    }
    if let Some(v) = village {
        q = q.filter(asset::Column::Village.eq(v));
    }
    Ok(q.order_by_asc(asset::Column::ProjectId)
        .order_by_asc(asset::Column::Name)
        .order_by_asc(asset::Column::Id)
        .limit(MAX_COUNT_ASSETS as u64 + 1)
        .all(conn)
        .await?)
}

/// The assets an open count still waits for, in its order (names for the phone's list).
pub async fn not_yet_scanned(
    app: &App,
    c: &inventory_count::Model,
    scans: &[inventory_scan::Model],
) -> Result<Vec<asset::Model>, AppError> {
    let done: BTreeSet<&str> = scans.iter().filter_map(|s| s.asset_id.as_deref()).collect();
    let waiting: Vec<String> = c
        .expected_ids()?
        .into_iter()
        .filter(|id| !done.contains(id.as_str()))
        .collect();
    assets_by_id(app, &c.county_code, &waiting).await
}

/// Assets of a county by id, in the order asked (a count's own lists; the caller has
/// already checked the count is the actor's to see).
pub async fn assets_by_id(
    app: &App,
    county: &str,
    ids: &[String],
) -> Result<Vec<asset::Model>, AppError> {
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        found.extend(
            asset::Entity::find()
                .filter(asset::Column::CountyCode.eq(county))
                .filter(asset::Column::Id.is_in(chunk.iter().map(String::as_str)))
                .all(app.store.reader())
                .await?,
        );
    }
    let mut out = Vec::with_capacity(found.len());
    for id in ids {
        if let Some(a) = found.iter().find(|a| &a.id == id) {
            out.push(a.clone());
        }
    }
    Ok(out)
}

/// A count begun, or the one of the same scope already open (two clicks begin one).
pub struct Started {
    pub count: inventory_count::Model,
    pub existing: bool,
}

fn given(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Begins a count: its scope checked, the assets it covers fixed now.
pub async fn start(app: &App, actor: &Actor, input: &StartInput) -> Result<Started, AppError> {
    actor.require(Permission::Count)?;
    let db = app.store.reader();
    let mut e = FieldErrors::new();
    let county = actor.county_for_write(None)?;
    let enterprise = match (&actor.enterprise_id, actor.role) {
        (Some(own), Role::Contractor) => Some(own.clone()),
        _ => match given(&input.enterprise_id) {
            None => {
                e.add("enterprise_id", "请选择要盘点的承办企业");
                None
            }
            Some(id) => {
                let found = queries::enterprise(db, &actor.scope(), &id)
                    .await?
                    .filter(|x| x.voided_at.is_none());
                if found.is_none() {
                    e.add("enterprise_id", "所选企业不存在");
                }
                found.map(|x| x.id)
            }
        },
    };
    let project = match given(&input.project_id) {
        None => None,
        Some(id) => {
            let p = queries::project(db, &actor.scope(), &id)
                .await?
                .filter(|p| p.voided_at.is_none());
            match (&p, &enterprise) {
                (Some(p), Some(en)) if &p.enterprise_id == en => {}
                _ => e.add("project_id", "所选项目不存在或不属于该企业"),
            }
            p.map(|p| p.id)
        }
    };
    let township = e.optional_text("township", "乡镇", Some(&input.township), 50);
    if let Some(t) = &township {
        let towns = queries::county(db, &county)
            .await?
            .map(|c| c.township_list())
            .unwrap_or_default();
        if !towns.contains(t) {
            e.add("township", "该乡镇不在本县的乡镇名单中，请从列表中选择");
        }
    }
    let village = e.optional_text("village", "村（社区）", Some(&input.village), 50);
    let (Some(enterprise), true) = (enterprise, e.is_empty()) else {
        return Err(AppError::Validation(e));
    };
    let now = app.now();
    let mut tx = app.store.begin().await?;
    // The same scope already being counted: join it rather than begin a second.
    let open = inventory_count::Entity::find()
        .filter(inventory_count::Column::CountyCode.eq(county.as_str()))
        .filter(inventory_count::Column::EnterpriseId.eq(enterprise.as_str()))
        .filter(inventory_count::Column::State.eq(OPEN))
        .filter(inventory_count::Column::VoidedAt.is_null())
        .all(tx.conn())
        .await?
        .into_iter()
        .find(|c| c.project_id == project && c.township == township && c.village == village);
    if let Some(count) = open {
        tx.rollback().await?;
        return Ok(Started {
            count,
            existing: true,
        });
    }
    let assets = assets_in_scope(
        tx.conn(),
        &county,
        &enterprise,
        project.as_deref(),
        township.as_deref(),
        village.as_deref(),
    )
    .await?;
    if assets.len() > MAX_COUNT_ASSETS {
        return Err(AppError::field(
            "project_id",
            format!("一次盘点最多 {MAX_COUNT_ASSETS} 项资产，请按项目或乡镇、村分次盘点"),
        ));
    }
    if assets.is_empty() {
        return Err(AppError::field(
            "enterprise_id",
            "该范围内没有需要盘点的固定资产（已处置或已移交的不再盘点），请核对范围或先登记资产台账",
        ));
    }
    let ids: Vec<&str> = assets.iter().map(|a| a.id.as_str()).collect();
    let m = inventory_count::Model {
        id: new_id(),
        county_code: county.clone(),
        enterprise_id: enterprise,
        date: app.today(),
        items: "[]".into(),
        created_at: now,
        updated_at: now,
        voided_at: None,
        void_reason: None,
        state: Some(OPEN.into()),
        project_id: project,
        township,
        village,
        started_on: Some(app.today()),
        started_by: Some(actor.audit_name()),
        closed_by: None,
        expected: Some(serde_json::to_string(&ids)?),
    };
    tx.insert(m.clone()).await?;
    tx.record(entry(
        app,
        actor,
        &county,
        ("inventory_count", &m.id),
        "start",
        None,
        Some(&m),
    )?)
    .await?;
    tx.commit().await?;
    Ok(Started {
        count: m,
        existing: false,
    })
}

/// A scan as asked for: the code read from the label or typed, and what was seen.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanInput {
    pub code: String,
    /// present (the default), damaged or relocated; a label outside the count is recorded
    /// as what it is, whatever is asked.
    #[serde(default)]
    pub result: String,
    #[serde(default)]
    pub note: String,
}

/// What a scan did.
pub struct ScanOutcome {
    pub scan: inventory_scan::Model,
    /// Scanned before: the earlier entry stands, nothing was written.
    pub again: bool,
    /// The asset, when the actor may see it.
    pub asset: Option<asset::Model>,
    /// What the label is, in words, for the person scanning.
    pub message: String,
    pub progress: Progress,
}

/// Why a code no asset carries is unknown, in words.
async fn unknown_hint(app: &App, county: &str, code: &str) -> Result<String, AppError> {
    let settings = &app.profile.assets;
    Ok(match settings.parse_tag(code) {
        Some((c, _)) if c != county => "这是其他县的资产标签".into(),
        Some(_) => {
            let tag = asset_tag::Entity::find_by_id(code.to_string())
                .one(app.store.reader())
                .await?;
            if tag.is_some() {
                "该标签已生成，但还没有贴到台账中的任何资产上".into()
            } else {
                "本县没有生成过这个标签编号".into()
            }
        }
        None => "本县资产台账中没有这个标签".into(),
    })
}

/// Records one label scanned in an open count. A label scanned before is a warning, not a
/// second entry, whoever scanned it; checked inside the write.
pub async fn scan(
    app: &App,
    actor: &Actor,
    count_id: &str,
    input: &ScanInput,
) -> Result<ScanOutcome, AppError> {
    actor.require(Permission::Count)?;
    let c = get(app, actor, count_id).await?;
    let mut e = FieldErrors::new();
    let raw = input.code.trim();
    let code = inv::normalise_code(raw);
    if code.is_empty() {
        e.add("code", "请扫描标签上的二维码，或输入标签编号");
    } else if code.chars().count() > MAX_CODE_CHARS {
        e.add("code", "标签编号过长，请核对");
    }
    let note = e.optional_text("note", "说明", Some(&input.note), 500);
    if !e.is_empty() {
        return Err(AppError::Validation(e));
    }
    if !c.is_open() {
        return Err(AppError::Conflict("该盘点已结束，不能再扫描".into()));
    }
    let carrier = scoped::find::<asset::Entity>(&Scope::county(&c.county_code))
        .filter(asset::Column::Tag.is_in([code.as_str(), raw]))
        .one(app.store.reader())
        .await?;
    let expected: BTreeSet<String> = c.expected_ids()?.into_iter().collect();
    let class = Scanned::of(carrier.as_ref().map(|a| a.id.as_str()), &expected);
    let result = match input.result.trim() {
        "" => class.results()[0],
        r => {
            let asked = CountResult::parse(r)
                .filter(|r| Scanned::Expected(String::new()).results().contains(r))
                .ok_or_else(|| AppError::field("result", "请选择盘点结果：在位、损坏或位置变动"))?;
            if class.results().contains(&asked) {
                asked
            } else {
                class.results()[0]
            }
        }
    };
    if result.needs_note() && note.is_none() {
        return Err(AppError::field(
            "note",
            match result {
                CountResult::Damaged => "请说明损坏情况",
                _ => "请说明资产现在的存放位置",
            },
        ));
    }
    let visible = match &carrier {
        Some(a)
            if actor
                .scope()
                .enterprise
                .is_none_or(|e| e == a.enterprise_id) =>
        {
            Some(a.clone())
        }
        _ => None,
    };
    let mut message = match (&class, &visible) {
        (Scanned::Expected(_), Some(a)) => format!("{}：{}", a.name, result.label()),
        (Scanned::Unexpected(_), Some(a)) => {
            format!("“{}”不属于本次盘点的范围，已记为外来资产", a.name)
        }
        (Scanned::Unexpected(_), None) => "该标签的资产属于其他企业，已记为外来资产".to_string(),
        _ => format!(
            "未知标签：{}，已记录",
            unknown_hint(app, &c.county_code, &code).await?
        ),
    };
    let now = app.now();
    let mut tx = app.store.begin().await?;
    open_in_tx(&tx, &c.id, "该盘点已结束，不能再扫描").await?;
    let existing = scans_in_tx(&tx, &c.id).await?;
    let (scan, again) = match existing.iter().find(|s| s.code == code) {
        Some(s) => {
            tx.rollback().await?;
            let when = s
                .created_at
                .with_timezone(&jianguan_domain::dates::china_offset())
                .format("%H:%M");
            message = format!(
                "该标签已扫描过（{when}，{}，记为“{}”），未重复记录",
                person(&s.scanned_by),
                CountResult::parse(&s.result).map_or("", CountResult::label)
            );
            (s.clone(), true)
        }
        None if existing.len() >= MAX_SCANS => {
            return Err(AppError::Conflict(format!(
                "一次盘点最多记录 {MAX_SCANS} 个标签"
            )));
        }
        None => {
            let s = inventory_scan::Model {
                id: new_id(),
                county_code: c.county_code.clone(),
                count_id: c.id.clone(),
                enterprise_id: c.enterprise_id.clone(),
                code: code.clone(),
                asset_id: class.asset_id().map(str::to_string),
                result: result.code().into(),
                note,
                scanned_by: actor.audit_name(),
                created_at: now,
                updated_at: now,
                voided_at: None,
                void_reason: None,
            };
            tx.insert(s.clone()).await?;
            tx.record(entry(
                app,
                actor,
                &c.county_code,
                ("inventory_scan", &s.id),
                "scan",
                None,
                Some(&s),
            )?)
            .await?;
            tx.commit().await?;
            (s, false)
        }
    };
    let mut all = existing;
    if !again {
        all.push(scan.clone());
    }
    Ok(ScanOutcome {
        progress: progress(&c, &all),
        scan,
        again,
        asset: visible,
        message,
    })
}

/// Corrects what an earlier scan of an open count recorded (a damaged asset first marked
/// present), by whoever may count it.
pub async fn correct_scan(
    app: &App,
    actor: &Actor,
    scan_id: &str,
    result: &str,
    note: &str,
) -> Result<inventory_scan::Model, AppError> {
    actor.require(Permission::Count)?;
    let before = scoped::one::<inventory_scan::Entity>(app.store.reader(), &actor.scope(), scan_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let c = get(app, actor, &before.count_id).await?;
    let was = CountResult::parse(&before.result).unwrap_or(CountResult::Unknown);
    let mut e = FieldErrors::new();
    let note = e.optional_text("note", "说明", Some(note), 500);
    let allowed = Scanned::Expected(String::new()).results();
    let result = match CountResult::parse(result) {
        Some(r) if allowed.contains(&r) && allowed.contains(&was) => r,
        _ if !allowed.contains(&was) => {
            return Err(AppError::Conflict(
                "不属于本次盘点的标签只能记为外来资产或未知标签".into(),
            ));
        }
        _ => {
            e.add("result", "请选择盘点结果：在位、损坏或位置变动");
            CountResult::Present
        }
    };
    if result.needs_note() && note.is_none() && e.get("note").is_none() {
        e.add("note", "损坏或位置变动须说明情况");
    }
    if !e.is_empty() {
        return Err(AppError::Validation(e));
    }
    let after = inventory_scan::Model {
        result: result.code().into(),
        note,
        updated_at: app.now(),
        ..before.clone()
    };
    if after.result == before.result && after.note == before.note {
        return Ok(before);
    }
    let mut tx = app.store.begin().await?;
    open_in_tx(&tx, &c.id, "该盘点已结束，不能再更正").await?;
    tx.replace(&before, after.clone()).await?;
    tx.record(entry(
        app,
        actor,
        &c.county_code,
        ("inventory_scan", &before.id),
        "correct",
        Some(&before),
        Some(&after),
    )?)
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// A scan the actor may see.
pub async fn scan_of(
    app: &App,
    actor: &Actor,
    id: &str,
) -> Result<inventory_scan::Model, AppError> {
    scoped::one::<inventory_scan::Entity>(app.store.reader(), &actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Closes an open count: every asset nobody scanned becomes missing, and every missing,
/// damaged, unexpected and unknown item a discrepancy. A missing asset of an earlier count
/// of the enterprise that this one found is settled as found, in the same write. Two
/// clicks close it once.
pub async fn close(
    app: &App,
    actor: &Actor,
    count_id: &str,
) -> Result<inventory_count::Model, AppError> {
    actor.require(Permission::Count)?;
    let c = get(app, actor, count_id).await?;
    let today = app.today();
    let now = app.now();
    let mut tx = app.store.begin().await?;
    let before = open_in_tx(&tx, &c.id, "该盘点已经结束").await?;
    let scans = scans_in_tx(&tx, &c.id).await?;
    let items = inv::close(&before.expected_ids()?, &entries(&scans));
    let after = inventory_count::Model {
        state: Some(CLOSED.into()),
        date: today,
        closed_by: Some(actor.audit_name()),
        items: serde_json::to_string(&items)?,
        updated_at: now,
        ..before.clone()
    };
    tx.replace(&before, after.clone()).await?;
    tx.record(entry(
        app,
        actor,
        &c.county_code,
        ("inventory_count", &c.id),
        "close",
        Some(&before),
        Some(&after),
    )?)
    .await?;
    // Found now: what an earlier count of the enterprise missed.
    let seen: BTreeSet<&str> = items
        .iter()
        .filter(|i| {
            matches!(
                i.result,
                CountResult::Present | CountResult::Damaged | CountResult::Relocated
            )
        })
        .filter_map(|i| i.asset_id.as_deref())
        .collect();
    let earlier = inventory_count::Entity::find()
        .filter(inventory_count::Column::CountyCode.eq(c.county_code.as_str()))
        .filter(inventory_count::Column::EnterpriseId.eq(c.enterprise_id.as_str()))
        .filter(inventory_count::Column::Id.ne(c.id.as_str()))
        .filter(inventory_count::Column::VoidedAt.is_null())
        .filter(
            Condition::any()
                .add(inventory_count::Column::State.is_null())
                .add(inventory_count::Column::State.eq(CLOSED)),
        )
        .all(tx.conn())
        .await?;
    let note = format!(
        "在{}结束的清查盘点中扫描到",
        jianguan_domain::format_cn_date(today)
    );
    for old in earlier {
        let mut old_items = old.items_parsed()?;
        let mut changed = false;
        for it in old_items.iter_mut().filter(|i| {
            i.is_open()
                && i.pending.is_none()
                && i.result == CountResult::Missing
                && i.asset_id.as_deref().is_some_and(|a| seen.contains(a))
        }) {
            it.resolved_on = Some(today);
            it.resolution = Some(Resolution {
                kind: ResolutionKind::Found,
                on: today,
                by: actor.audit_name(),
                note: note.clone(),
                sanction_id: None,
            });
            changed = true;
        }
        if changed {
            let updated = inventory_count::Model {
                items: serde_json::to_string(&old_items)?,
                updated_at: now,
                ..old.clone()
            };
            tx.replace(&old, updated.clone()).await?;
            tx.record(entry(
                app,
                actor,
                &c.county_code,
                ("inventory_count", &old.id),
                "resolve",
                Some(&old),
                Some(&updated),
            )?)
            .await?;
        }
    }
    let found = items.iter().filter(|i| i.is_open()).count();
    if found > 0 {
        let enterprise = c.enterprise_id.clone();
        let title = format!("清查盘点发现 {found} 项差异");
        let body = "请逐项查明原因并处理：找到、修复、查明，或申请核销、追回。".to_string();
        let link = format!("/assets/counts/{}", c.id);
        notify(
            app,
            &tx,
            &c.county_code,
            is_staff,
            title.clone(),
            body.clone(),
            link.clone(),
        )
        .await?;
        notify(
            app,
            &tx,
            &c.county_code,
            |u| {
                u.role == Role::Contractor.code() && u.enterprise_id.as_deref() == Some(&enterprise)
            },
            title,
            body,
            link,
        )
        .await?;
    }
    tx.commit().await?;
    crate::docket::refresh_after_change(app, &c.county_code).await?;
    Ok(after)
}

/// One discrepancy of a closed count, with the count it belongs to.
#[derive(Debug, Clone)]
pub struct Discrepancy {
    pub count: inventory_count::Model,
    pub index: usize,
    pub item: CountItem,
}

/// The discrepancies of the counts the actor may see, newest count first; `open_only`
/// leaves out the settled ones. At most `limit`.
pub async fn discrepancies(
    app: &App,
    actor: &Actor,
    enterprise_id: Option<&str>,
    open_only: bool,
    limit: usize,
) -> Result<Vec<Discrepancy>, AppError> {
    let mut q = scoped::find::<inventory_count::Entity>(&actor.scope()).filter(
        Condition::any()
            .add(inventory_count::Column::State.is_null())
            .add(inventory_count::Column::State.eq(CLOSED)),
    );
    if let Some(e) = enterprise_id.filter(|e| !e.trim().is_empty()) {
        q = q.filter(inventory_count::Column::EnterpriseId.eq(e.trim()));
    }
    let counts = q
        .order_by_desc(inventory_count::Column::Date)
        .order_by_asc(inventory_count::Column::Id)
        .limit(2_000)
        .all(app.store.reader())
        .await?;
    let mut out = Vec::new();
    for c in counts {
        for (index, item) in c.items_parsed()?.into_iter().enumerate() {
            if item.result.is_discrepancy() && (!open_only || item.is_open()) {
                out.push(Discrepancy {
                    count: c.clone(),
                    index,
                    item,
                });
                if out.len() >= limit {
                    return Ok(out);
                }
            }
        }
    }
    Ok(out)
}

/// How a discrepancy is to be settled, as asked for.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolveInput {
    pub item: usize,
    /// found, repaired, explained, or written_off (a request the responsible person
    /// decides).
    pub kind: String,
    #[serde(default)]
    pub note: String,
    /// Found: the label scanned again.
    #[serde(default)]
    pub code: String,
}

/// Reads a closed count inside `tx` (under the write lock, so what is checked holds at
/// commit) with its items and the one asked for.
async fn item_in_tx(
    tx: &WriteTx,
    count_id: &str,
    index: usize,
) -> Result<(inventory_count::Model, Vec<CountItem>), AppError> {
    let c = scoped::one::<inventory_count::Entity>(tx.conn(), &Scope::everything(), count_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if c.is_open() {
        return Err(AppError::Conflict(
            "盘点尚未结束，结束后才能处理差异".into(),
        ));
    }
    let items = c.items_parsed()?;
    if index >= items.len() {
        return Err(AppError::NotFound);
    }
    Ok((c, items))
}

/// Writes a count's changed items with the audit row under `action`.
async fn write_items(
    app: &App,
    actor: &Actor,
    tx: &mut WriteTx,
    before: &inventory_count::Model,
    items: &[CountItem],
    action: &str,
) -> Result<inventory_count::Model, AppError> {
    let after = inventory_count::Model {
        items: serde_json::to_string(items)?,
        updated_at: app.now(),
        ..before.clone()
    };
    tx.replace(before, after.clone()).await?;
    tx.record(entry(
        app,
        actor,
        &before.county_code,
        ("inventory_count", &before.id),
        action,
        Some(before),
        Some(&after),
    )?)
    .await?;
    Ok(after)
}

/// Settles a discrepancy (found, repaired, explained) or asks the responsible person to
/// approve its write-off. Checked inside the write: two clicks settle it once.
pub async fn resolve(
    app: &App,
    actor: &Actor,
    count_id: &str,
    input: &ResolveInput,
) -> Result<inventory_count::Model, AppError> {
    actor.require(Permission::Count)?;
    let c = get(app, actor, count_id).await?;
    let mut e = FieldErrors::new();
    let kind = ResolutionKind::parse(&input.kind)
        .filter(|k| *k != ResolutionKind::Recovered)
        .ok_or_else(|| AppError::field("kind", "请选择处理方式"))?;
    let note = match kind {
        ResolutionKind::Found => e
            .optional_text("note", "说明", Some(&input.note), 1000)
            .unwrap_or_default(),
        ResolutionKind::Repaired => e.required_text("note", "修复情况", &input.note, 1000),
        ResolutionKind::Explained => e.required_text("note", "查明的原因", &input.note, 1000),
        _ => e.required_text("note", "核销理由", &input.note, 1000),
    };
    if !e.is_empty() {
        return Err(AppError::Validation(e));
    }
    let today = app.today();
    let mut tx = app.store.begin().await?;
    let (before, mut items) = item_in_tx(&tx, &c.id, input.item).await?;
    let it = &mut items[input.item];
    inv::check_resolution(it, kind).map_err(AppError::Conflict)?;
    if kind == ResolutionKind::Found {
        // Found means the label is in hand again: it must be this asset's.
        let tag = match &it.asset_id {
            Some(id) => scoped::one::<asset::Entity>(tx.conn(), &Scope::everything(), id)
                .await?
                .and_then(|a| a.tag),
            None => None,
        };
        let scanned = inv::normalise_code(&input.code);
        if scanned.is_empty() {
            return Err(AppError::field(
                "code",
                "请扫描找到的资产标签，或输入标签编号",
            ));
        }
        if tag.as_deref().map(inv::normalise_code).as_deref() != Some(scanned.as_str()) {
            return Err(AppError::field(
                "code",
                "扫描到的不是这件资产的标签，请核对",
            ));
        }
    }
    let r = Resolution {
        kind,
        on: today,
        by: actor.audit_name(),
        note,
        sanction_id: None,
    };
    let action = if kind.needs_decision() {
        it.pending = Some(r);
        "request_write_off"
    } else {
        it.resolved_on = Some(today);
        it.resolution = Some(r);
        "resolve"
    };
    let after = write_items(app, actor, &mut tx, &before, &items, action).await?;
    if action == "request_write_off" {
        notify(
            app,
            &tx,
            &c.county_code,
            |u| u.role == Role::Chief.code(),
            "资产核销待您审批".into(),
            format!(
                "{}申请核销一项清查盘点差异，请审阅理由后决定。",
                actor.display_name
            ),
            format!("/assets/counts/{}#item-{}", c.id, input.item),
        )
        .await?;
    }
    tx.commit().await?;
    crate::docket::refresh_after_change(app, &c.county_code).await?;
    Ok(after)
}

/// The responsible person approves a write-off (the asset leaves the ledger as disposed
/// of with approval, in the same write) or declines it with a reason (the discrepancy is
/// open again).
pub async fn decide_write_off(
    app: &App,
    actor: &Actor,
    count_id: &str,
    index: usize,
    approve: bool,
    note: &str,
) -> Result<inventory_count::Model, AppError> {
    actor.require(Permission::Decide)?;
    let c = get(app, actor, count_id).await?;
    let mut e = FieldErrors::new();
    let note = if approve {
        e.optional_text("note", "审批意见", Some(note), 1000)
            .unwrap_or_else(|| "同意核销".into())
    } else {
        e.required_text("note", "不同意的理由", note, 1000)
    };
    if !e.is_empty() {
        return Err(AppError::Validation(e));
    }
    let today = app.today();
    let now = app.now();
    let mut tx = app.store.begin().await?;
    let (before, mut items) = item_in_tx(&tx, &c.id, index).await?;
    let it = &mut items[index];
    let Some(asked) = it
        .pending
        .clone()
        .filter(|p| p.kind == ResolutionKind::WrittenOff)
    else {
        return Err(AppError::Conflict("该差异没有待审批的核销申请".into()));
    };
    it.pending = None;
    let action = if approve {
        it.resolved_on = Some(today);
        it.resolution = Some(Resolution {
            kind: ResolutionKind::WrittenOff,
            on: today,
            by: actor.audit_name(),
            note: format!("{}（申请理由：{}）", note, asked.note),
            sanction_id: None,
        });
        if let Some(id) = it.asset_id.clone()
            && let Some(a) =
                scoped::one::<asset::Entity>(tx.conn(), &Scope::everything(), &id).await?
        {
            let disposed = asset::Model {
                status: Some(AssetStatus::Disposed.code().into()),
                disposed_on: Some(today),
                updated_at: now,
                ..a.clone()
            };
            tx.replace(&a, disposed.clone()).await?;
            tx.record(entry(
                app,
                actor,
                &a.county_code,
                ("asset", &a.id),
                "approve_write_off",
                Some(&a),
                Some(&disposed),
            )?)
            .await?;
        }
        "approve_write_off"
    } else {
        "decline_write_off"
    };
    let after = write_items(app, actor, &mut tx, &before, &items, action).await?;
    let enterprise = c.enterprise_id.clone();
    notify(
        app,
        &tx,
        &c.county_code,
        |u| {
            is_staff(u)
                || (u.role == Role::Contractor.code()
                    && u.enterprise_id.as_deref() == Some(&enterprise))
        },
        if approve {
            "资产核销已批准".to_string()
        } else {
            "资产核销未获批准".to_string()
        },
        note,
        format!("/assets/counts/{}#item-{index}", c.id),
    )
    .await?;
    tx.commit().await?;
    crate::docket::refresh_after_change(app, &c.county_code).await?;
    Ok(after)
}

/// A recovery from the contractor for a discrepancy, as asked for.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecoverInput {
    pub item: usize,
    /// 元, as typed (default on the page: the asset's value today).
    pub amount: String,
    pub deadline: String,
    #[serde(default)]
    pub facts: String,
}

/// The source a proposal made from a discrepancy carries.
fn source_of(count_id: &str, index: usize) -> String {
    format!("discrepancy:{count_id}#{index}")
}

fn parse_source(source: &str) -> Option<(&str, usize)> {
    let (count, index) = source.strip_prefix("discrepancy:")?.split_once('#')?;
    Some((count, index.parse().ok()?))
}

/// Proposes recovering a missing or damaged asset's value from the contractor: a
/// fund-recovery proposal for the responsible person, written with the discrepancy's
/// pending recovery in one write. His decision settles the discrepancy; declined or
/// withdrawn, it is open again.
pub async fn propose_recovery(
    app: &App,
    actor: &Actor,
    count_id: &str,
    input: &RecoverInput,
) -> Result<sanction::Model, AppError> {
    actor.require(Permission::Supervise)?;
    let c = get(app, actor, count_id).await?;
    let items = c.items_parsed()?;
    let it = items.get(input.item).ok_or(AppError::NotFound)?;
    inv::check_resolution(it, ResolutionKind::Recovered).map_err(AppError::Conflict)?;
    let a = match &it.asset_id {
        Some(id) => scoped::one::<asset::Entity>(app.store.reader(), &actor.scope(), id).await?,
        None => None,
    }
    .ok_or(AppError::NotFound)?;
    let facts = match input.facts.trim() {
        "" => format!(
            "{}清查盘点发现“{}”（{}）{}，依据一（五）由承办企业赔偿，追回相应中央财政资金。",
            jianguan_domain::format_cn_date(c.date),
            a.name,
            a.tag.clone().unwrap_or_else(|| "未贴标签".into()),
            it.result.label()
        ),
        f => f.to_string(),
    };
    let proposal = crate::sanctions::SanctionInput {
        enterprise_id: a.enterprise_id.clone(),
        project_id: Some(a.project_id.clone()),
        kind: SanctionKind::FundRecovery.code().into(),
        facts,
        clause: "一（五）".into(),
        amount: Some(input.amount.clone()),
        deadline: Some(input.deadline.clone()),
    };
    let (mut m, enterprise) = crate::sanctions::checked_proposal(app, actor, &proposal).await?;
    m.source = Some(source_of(&c.id, input.item));
    let mut tx = app.store.begin().await?;
    let (before, mut items) = item_in_tx(&tx, &c.id, input.item).await?;
    let it = &mut items[input.item];
    inv::check_resolution(it, ResolutionKind::Recovered).map_err(AppError::Conflict)?;
    it.pending = Some(Resolution {
        kind: ResolutionKind::Recovered,
        on: app.today(),
        by: actor.audit_name(),
        note: m.facts.clone(),
        sanction_id: Some(m.id.clone()),
    });
    write_items(app, actor, &mut tx, &before, &items, "propose").await?;
    crate::sanctions::write_proposal(app, actor, &mut tx, &m, &enterprise).await?;
    tx.commit().await?;
    crate::docket::refresh_after_change(app, &c.county_code).await?;
    Ok(m)
}

/// What a decision on a proposal made from a discrepancy does to it, in the decision's
/// write: decided, the discrepancy is settled as recovered; declined, or withdrawn after,
/// it is open again.
pub(crate) async fn on_sanction(
    app: &App,
    actor: &Actor,
    tx: &mut WriteTx,
    s: &sanction::Model,
    action: SanctionAction,
) -> Result<(), AppError> {
    let Some((count_id, index)) = s.source.as_deref().and_then(parse_source) else {
        return Ok(());
    };
    let Some(before) =
        scoped::one::<inventory_count::Entity>(tx.conn(), &Scope::everything(), count_id).await?
    else {
        return Ok(());
    };
    let mut items = before.items_parsed()?;
    let Some(it) = items.get_mut(index) else {
        return Ok(());
    };
    let ours = |r: &Option<Resolution>| {
        r.as_ref()
            .is_some_and(|r| r.sanction_id.as_deref() == Some(s.id.as_str()))
    };
    let today = app.today();
    let action = match action {
        SanctionAction::Decide if ours(&it.pending) => {
            let asked = it.pending.take();
            it.resolved_on = Some(today);
            it.resolution = Some(Resolution {
                kind: ResolutionKind::Recovered,
                on: today,
                by: actor.audit_name(),
                note: s
                    .decision_note
                    .clone()
                    .or(asked.map(|a| a.note))
                    .unwrap_or_default(),
                sanction_id: Some(s.id.clone()),
            });
            "resolve"
        }
        SanctionAction::Decline if ours(&it.pending) => {
            it.pending = None;
            "reopen"
        }
        SanctionAction::Withdraw if ours(&it.resolution) => {
            it.resolution = None;
            it.resolved_on = None;
            "reopen"
        }
        _ => return Ok(()),
    };
    write_items(app, actor, tx, &before, &items, action).await?;
    Ok(())
}

/// A person's name as the audit names them ("王建国（wjg，检查组成员）" → 王建国).
pub fn person(recorded: &str) -> &str {
    recorded.split('（').next().unwrap_or(recorded)
}

/// Whether the actor may scan, close and settle this count's discrepancies.
pub fn may_count(actor: &Actor, c: &inventory_count::Model) -> bool {
    actor.may(Permission::Count)
        && (actor.role != Role::Contractor
            || actor.enterprise_id.as_deref() == Some(c.enterprise_id.as_str()))
}

/// How many counts the actor may see are open (for the menu's badge and the list).
pub async fn open_counts(app: &App, actor: &Actor) -> Result<u64, AppError> {
    Ok(scoped::find::<inventory_count::Entity>(&actor.scope())
        .filter(inventory_count::Column::State.eq(OPEN))
        .count(app.store.reader())
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proposal_names_the_discrepancy_it_came_from() {
        let s = source_of("0193-ab", 7);
        assert_eq!(s, "discrepancy:0193-ab#7");
        assert_eq!(parse_source(&s), Some(("0193-ab", 7)));
        for bad in [
            "market:1",
            "discrepancy:x",
            "discrepancy:x#-1",
            "discrepancy:x#a",
        ] {
            assert_eq!(parse_source(bad), None, "{bad}");
        }
    }
}
