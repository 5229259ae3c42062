//! 资产 (一（五）): the ledger of the government's assets in a contractor's hands, kept by
//! the contractor in its portal (every change a new version, the old one in the audit
//! trail) and read by the bureau; the county's tag numbers, issued in batches without gaps
//! or repeats and bound to one asset each; and what a label sheet prints.

use crate::audit::entry;
use crate::secrets::new_id;
use crate::{Actor, App, AppError, Permission, Role};
use jianguan_documents::xlsx::{ASSET_HEADERS, AssetRow, CellError, asset_cell_error};
use jianguan_domain::FieldErrors;
use jianguan_domain::asset::{AssetFields, AssetInput, AssetKind, AssetStatus, MAX_TAGS_PER_BATCH};
use std::collections::{BTreeMap, BTreeSet};

pub use jianguan_documents::labels::{Label, Stock};
use jianguan_store::entity::{asset, asset_tag, asset_transfer, county};
use jianguan_store::sea::{
    ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use jianguan_store::{queries, scoped};

/// Which assets a list shows.
#[derive(Debug, Clone, Default)]
pub struct AssetFilter {
    pub enterprise_id: Option<String>,
    pub project_id: Option<String>,
    pub category: Option<String>,
    pub status: Option<String>,
    /// Only central-funds assets without a tag.
    pub untagged: bool,
}

/// An asset the actor may see: the county's for staff, its own for a contractor.
pub async fn get(app: &App, actor: &Actor, id: &str) -> Result<asset::Model, AppError> {
    scoped::one::<asset::Entity>(app.store.reader(), &actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// One page of the ledger, by project and name, with how many lines there are.
pub async fn page(
    app: &App,
    actor: &Actor,
    f: &AssetFilter,
    offset: u64,
    limit: u64,
) -> Result<queries::Paged<asset::Model>, AppError> {
    crate::records::check_page(offset, limit)?;
    let mut q = scoped::find::<asset::Entity>(&actor.scope());
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    if let Some(e) = given(&f.enterprise_id) {
        q = q.filter(asset::Column::EnterpriseId.eq(e));
    }
    if let Some(p) = given(&f.project_id) {
        q = q.filter(asset::Column::ProjectId.eq(p));
    }
    if let Some(c) = given(&f.category) {
        q = q.filter(asset::Column::Category.eq(c));
    }
    if let Some(s) = given(&f.status) {
        q = if s == jianguan_domain::asset::AssetStatus::InUse.code() {
            // Imported lines without a status are in use.
            q.filter(
                Condition::any()
                    .add(asset::Column::Status.eq(s))
                    .add(asset::Column::Status.is_null()),
            )
        } else {
            q.filter(asset::Column::Status.eq(s))
        };
    }
    if f.untagged {
        q = q.filter(asset::Column::CentralFunds.eq(true)).filter(
            Condition::any()
                .add(asset::Column::Tag.is_null())
                .add(asset::Column::Tag.eq("")),
        );
    }
    let q = q
        .order_by_asc(asset::Column::ProjectId)
        .order_by_asc(asset::Column::Name)
        .order_by_asc(asset::Column::Id);
    Ok(queries::page(app.store.reader(), q, offset, limit).await?)
}

/// The ledger is the contractor's to keep (一（五）: 承接企业负责建立固定资产标签、台帐并及时更新);
/// the bureau reads and checks it.
fn require_keeper(actor: &Actor) -> Result<(), AppError> {
    actor.require(Permission::HandIn)
}

async fn townships(app: &App, county_code: &str) -> Result<Vec<String>, AppError> {
    Ok(county::Entity::find_by_id(county_code.to_string())
        .one(app.store.reader())
        .await?
        .map(|c| c.township_list())
        .unwrap_or_default())
}

fn model(
    id: String,
    p: &jianguan_store::entity::project::Model,
    f: AssetFields,
    base: Option<&asset::Model>,
    now: chrono::DateTime<chrono::Utc>,
) -> asset::Model {
    asset::Model {
        id,
        county_code: p.county_code.clone(),
        enterprise_id: p.enterprise_id.clone(),
        project_id: p.id.clone(),
        name: f.name,
        asset_kind: f.kind.code().into(),
        tag: base.and_then(|b| b.tag.clone()),
        category: Some(f.category),
        value_fen: f.value_fen,
        purchase_date: f.purchase_date,
        location: f.address,
        custodian: f.custodian,
        central_funds: f.central_funds,
        disposed_on: base.and_then(|b| b.disposed_on),
        handed_over_on: base.and_then(|b| b.handed_over_on),
        renewed_until: base.and_then(|b| b.renewed_until),
        model_spec: f.model_spec,
        quantity: Some(f.quantity),
        unit: f.unit,
        invoice: f.invoice,
        township: f.township,
        village: f.village,
        latitude: f.coordinates.map(|c| c.0),
        longitude: f.coordinates.map(|c| c.1),
        status: Some(f.status.code().into()),
        handed_over_to: base.and_then(|b| b.handed_over_to.clone()),
        renewal_basis: base.and_then(|b| b.renewal_basis.clone()),
        created_at: base.map_or(now, |b| b.created_at),
        updated_at: now,
        voided_at: None,
        void_reason: None,
    }
}

/// Disposal and hand-over are recorded by the bureau (a write-off approved, a hand-over
/// received), never typed into the ledger: a line may keep such a status, not take it.
fn status_refusal(new: AssetStatus, before: Option<&asset::Model>) -> Option<&'static str> {
    let was = before
        .and_then(|b| b.status.as_deref())
        .and_then(AssetStatus::parse);
    match new {
        AssetStatus::Disposed | AssetStatus::HandedOver if was != Some(new) => {
            Some("“经批准处置”和“已移交”由监管部门在批准核销或接收移交时登记，不能在台账中直接选择")
        }
        _ => None,
    }
}

async fn checked(
    app: &App,
    actor: &Actor,
    input: &AssetInput,
    pre: FieldErrors,
    before: Option<&asset::Model>,
) -> Result<(jianguan_store::entity::project::Model, AssetFields), AppError> {
    let mut e = pre;
    if let Some(m) = AssetStatus::parse(&input.status).and_then(|st| status_refusal(st, before)) {
        e.add("status", m);
    }
    let p =
        crate::records::chosen_project(app, actor, &input.project_id, "请选择资产所属项目", &mut e)
            .await?;
    let towns = match &p {
        Some(p) => townships(app, &p.county_code).await?,
        None => Vec::new(),
    };
    let f = input.check(&app.profile.assets, &towns, app.today(), &mut e);
    match (p, f, e.is_empty()) {
        (Some(p), Some(f), true) => Ok((p, f)),
        _ => Err(AppError::Validation(e)),
    }
}

/// Enters a ledger line for one of the contractor's own projects.
pub async fn create(
    app: &App,
    actor: &Actor,
    input: &AssetInput,
    pre: FieldErrors,
) -> Result<asset::Model, AppError> {
    require_keeper(actor)?;
    let (p, f) = checked(app, actor, input, pre, None).await?;
    let m = model(new_id(), &p, f, None, app.now());
    let mut tx = app.store.begin().await?;
    tx.insert(m.clone()).await?;
    hand_in_for_review(app, actor, &mut tx, &p, &m, "登记").await?;
    tx.record(entry(
        app,
        actor,
        &m.county_code,
        ("asset", &m.id),
        "create",
        None,
        Some(&m),
    )?)
    .await?;
    tx.commit().await?;
    crate::docket::refresh_after_change(app, &m.county_code).await?;
    Ok(m)
}

/// 资产台账 under review: each change the contractor makes to a line is a version the
/// supervision group reviews like any hand-in (approve, or send back with the problem).
pub const REVIEW_KIND: &str = "asset";

/// The review row of a line's new version, and the notice to the supervision group, in
/// the change's write.
async fn hand_in_for_review(
    app: &App,
    actor: &Actor,
    tx: &mut jianguan_store::WriteTx,
    p: &jianguan_store::entity::project::Model,
    m: &asset::Model,
    what: &str,
) -> Result<(), AppError> {
    use jianguan_store::entity::submission_review as review;
    use jianguan_store::sea::PaginatorTrait;
    let versions = review::Entity::find()
        .filter(review::Column::RecordId.eq(m.id.as_str()))
        .count(tx.conn())
        .await?;
    let row = crate::reporting::review_row(app, actor, p, REVIEW_KIND, &m.id, versions as i64 + 1);
    tx.insert(row).await?;
    crate::notify::notify(
        app,
        tx,
        &m.county_code,
        crate::notify::is_staff,
        format!("资产台账待审核：{}", m.name),
        format!("{}{what}了资产“{}”，请核对。", actor.display_name, m.name),
        format!("/assets/{}", m.id),
    )
    .await
}

/// Changes a ledger line: a new version, the old one kept in the record's history.
pub async fn update(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &AssetInput,
    pre: FieldErrors,
) -> Result<asset::Model, AppError> {
    require_keeper(actor)?;
    let before = get(app, actor, id).await?;
    let (p, f) = checked(app, actor, input, pre, Some(&before)).await?;
    let after = model(id.to_string(), &p, f, Some(&before), app.now());
    let unchanged = asset::Model {
        updated_at: before.updated_at,
        ..after.clone()
    };
    if unchanged == before {
        return Ok(before);
    }
    let mut tx = app.store.begin().await?;
    tx.replace(&before, after.clone()).await?;
    hand_in_for_review(app, actor, &mut tx, &p, &after, "修改").await?;
    tx.record(entry(
        app,
        actor,
        &before.county_code,
        ("asset", id),
        "update",
        Some(&before),
        Some(&after),
    )?)
    .await?;
    tx.commit().await?;
    crate::docket::refresh_after_change(app, &before.county_code).await?;
    Ok(after)
}

/// The subsidy claims of the asset's project that cite the invoice its line names (the
/// funds area's record of the purchase), newest first.
pub async fn claims_citing(
    app: &App,
    actor: &Actor,
    a: &asset::Model,
) -> Result<Vec<jianguan_store::entity::subsidy_claim::Model>, AppError> {
    use jianguan_store::entity::subsidy_claim;
    let Some(text) = a.invoice.as_deref().filter(|t| !t.trim().is_empty()) else {
        return Ok(Vec::new());
    };
    let claims = scoped::find::<subsidy_claim::Entity>(&actor.scope())
        .filter(subsidy_claim::Column::ProjectId.eq(a.project_id.as_str()))
        .order_by_desc(subsidy_claim::Column::SubmittedOn)
        .limit(500)
        .all(app.store.reader())
        .await?;
    let mut out = Vec::new();
    for c in claims {
        let cited = c
            .invoices_parsed()?
            .iter()
            .any(|i| jianguan_domain::invoice::cites(text, &i.number));
        if cited {
            out.push(c);
        }
    }
    Ok(out)
}

// ------------------------------------------------------------------ custody and the end of service

/// A custodian transfer as typed: the day, who receives it (and where it goes).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferInput {
    pub date: String,
    pub to_custodian: String,
    #[serde(default)]
    pub to_place: String,
    #[serde(default)]
    pub note: String,
}

/// Whether the asset is still in the contractor's hands (not disposed of, not handed over).
fn in_hand(a: &asset::Model) -> Result<(), AppError> {
    let status = a.status.as_deref().and_then(AssetStatus::parse);
    if a.handed_over_on.is_some() || status == Some(AssetStatus::HandedOver) {
        return Err(AppError::Conflict("该资产已移交，不在承办企业手中".into()));
    }
    if a.disposed_on.is_some() || status == Some(AssetStatus::Disposed) {
        return Err(AppError::Conflict("该资产已经批准处置".into()));
    }
    Ok(())
}

/// A day an asset event happened: a date, not in the future, not before it was bought.
fn event_day(
    e: &mut FieldErrors,
    field: &str,
    label: &str,
    typed: &str,
    a: &asset::Model,
    today: chrono::NaiveDate,
) -> Option<chrono::NaiveDate> {
    match jianguan_domain::dates::parse_date(typed) {
        Ok(d) if d > today => {
            e.add(field, format!("{label}不能晚于今天"));
            None
        }
        Ok(d) if d < a.purchase_date => {
            e.add(field, format!("{label}不能早于购置日期"));
            None
        }
        Ok(d) => Some(d),
        Err(m) => {
            e.add(field, format!("{label}：{m}"));
            None
        }
    }
}

/// 保管变动: the contractor records who now keeps the asset (and where), both parties
/// named; the ledger line changes in the same write and goes for review.
pub async fn transfer(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &TransferInput,
) -> Result<asset_transfer::Model, AppError> {
    require_keeper(actor)?;
    let a = get(app, actor, id).await?;
    in_hand(&a)?;
    let mut e = FieldErrors::new();
    let date = event_day(&mut e, "date", "交接日期", &input.date, &a, app.today());
    let to = e.required_text("to_custodian", "接收人", &input.to_custodian, 50);
    let place = e.optional_text("to_place", "新存放地点", Some(&input.to_place), 200);
    let note = e.optional_text("note", "说明", Some(&input.note), 500);
    if e.get("to_custodian").is_none()
        && a.custodian.as_deref() == Some(to.as_str())
        && place
            .as_ref()
            .is_none_or(|p| a.location.as_ref() == Some(p))
    {
        e.add("to_custodian", "接收人就是现在的保管人，存放地点也没有变化");
    }
    let (Some(date), true) = (date, e.is_empty()) else {
        return Err(AppError::Validation(e));
    };
    let p = jianguan_store::queries::project(app.store.reader(), &actor.scope(), &a.project_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = app.now();
    let t = asset_transfer::Model {
        id: new_id(),
        county_code: a.county_code.clone(),
        enterprise_id: a.enterprise_id.clone(),
        asset_id: a.id.clone(),
        date,
        from_custodian: a.custodian.clone(),
        to_custodian: to.clone(),
        from_place: a.location.clone(),
        to_place: place.clone(),
        note,
        recorded_by: actor.audit_name(),
        created_at: now,
        updated_at: now,
        voided_at: None,
        void_reason: None,
    };
    let after = asset::Model {
        custodian: Some(to),
        location: place.or_else(|| a.location.clone()),
        updated_at: now,
        ..a.clone()
    };
    let mut tx = app.store.begin().await?;
    tx.replace(&a, after.clone()).await?;
    tx.insert(t.clone()).await?;
    hand_in_for_review(app, actor, &mut tx, &p, &after, "变更保管人").await?;
    tx.record(entry(
        app,
        actor,
        &a.county_code,
        ("asset", &a.id),
        "transfer",
        Some(&a),
        Some(&after),
    )?)
    .await?;
    tx.commit().await?;
    Ok(t)
}

/// An asset's custodian transfers, newest first.
pub async fn transfers(
    app: &App,
    actor: &Actor,
    asset_id: &str,
) -> Result<Vec<asset_transfer::Model>, AppError> {
    Ok(scoped::find::<asset_transfer::Entity>(&actor.scope())
        .filter(asset_transfer::Column::AssetId.eq(asset_id))
        .order_by_desc(asset_transfer::Column::Date)
        .order_by_desc(asset_transfer::Column::CreatedAt)
        .limit(500)
        .all(app.store.reader())
        .await?)
}

/// 移交 as typed: the day, who received it, and a note (the hand-over document).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandoverInput {
    pub date: String,
    pub to: String,
    #[serde(default)]
    pub note: String,
}

/// Who received a hand-over, with the document it rests on when one is named.
fn receiver(e: &mut FieldErrors, input: &HandoverInput) -> String {
    let to = e.required_text("to", "接收单位或接收人", &input.to, 100);
    match e.optional_text("note", "说明", Some(&input.note), 500) {
        Some(n) => format!("{to}（{n}）"),
        None => to,
    }
}

fn handed_over(
    a: &asset::Model,
    date: chrono::NaiveDate,
    to: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> asset::Model {
    asset::Model {
        handed_over_on: Some(date),
        handed_over_to: Some(to.to_string()),
        status: Some(AssetStatus::HandedOver.code().into()),
        updated_at: now,
        ..a.clone()
    }
}

/// The supervision group records an asset handed over (一（五）: at the end of the service
/// period the government's assets come back); `assets.handover_due` ends for it from the
/// day of the hand-over.
pub async fn hand_over(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &HandoverInput,
) -> Result<asset::Model, AppError> {
    actor.require_staff()?;
    let a = get(app, actor, id).await?;
    in_hand(&a)?;
    let mut e = FieldErrors::new();
    let date = event_day(&mut e, "date", "移交日期", &input.date, &a, app.today());
    let to = receiver(&mut e, input);
    let (Some(date), true) = (date, e.is_empty()) else {
        return Err(AppError::Validation(e));
    };
    let after = handed_over(&a, date, &to, app.now());
    let mut tx = app.store.begin().await?;
    tx.replace(&a, after.clone()).await?;
    tx.record(entry(
        app,
        actor,
        &a.county_code,
        ("asset", &a.id),
        "hand_over",
        Some(&a),
        Some(&after),
    )?)
    .await?;
    tx.commit().await?;
    crate::docket::refresh_after_change(app, &a.county_code).await?;
    Ok(after)
}

/// Every central-funds asset of a project still in the contractor's hands handed over at
/// once, in one write: how a service period usually ends. Returns how many.
pub async fn hand_over_project(
    app: &App,
    actor: &Actor,
    project_id: &str,
    input: &HandoverInput,
) -> Result<usize, AppError> {
    actor.require_staff()?;
    let p = jianguan_store::queries::project(app.store.reader(), &actor.scope(), project_id)
        .await?
        .filter(|p| p.voided_at.is_none())
        .ok_or(AppError::NotFound)?;
    let mut e = FieldErrors::new();
    let to = receiver(&mut e, input);
    let date = match jianguan_domain::dates::parse_date(&input.date) {
        Ok(d) if d > app.today() => {
            e.add("date", "移交日期不能晚于今天");
            None
        }
        Ok(d) => Some(d),
        Err(m) => {
            e.add("date", format!("移交日期：{m}"));
            None
        }
    };
    let (Some(date), true) = (date, e.is_empty()) else {
        return Err(AppError::Validation(e));
    };
    let now = app.now();
    let mut tx = app.store.begin().await?;
    let assets = scoped::find::<asset::Entity>(&jianguan_store::Scope::county(&p.county_code))
        .filter(asset::Column::ProjectId.eq(p.id.as_str()))
        .filter(asset::Column::CentralFunds.eq(true))
        .order_by_asc(asset::Column::Id)
        .all(tx.conn())
        .await?;
    let mut n = 0;
    for a in assets.iter().filter(|a| in_hand(a).is_ok()) {
        if date < a.purchase_date {
            return Err(AppError::field(
                "date",
                format!("移交日期早于“{}”的购置日期", a.name),
            ));
        }
        let after = handed_over(a, date, &to, now);
        tx.replace(a, after.clone()).await?;
        tx.record(entry(
            app,
            actor,
            &a.county_code,
            ("asset", &a.id),
            "hand_over",
            Some(a),
            Some(&after),
        )?)
        .await?;
        n += 1;
    }
    if n == 0 {
        return Err(AppError::Conflict(
            "该项目没有尚未移交的中央财政资金资产".into(),
        ));
    }
    tx.commit().await?;
    crate::docket::refresh_after_change(app, &p.county_code).await?;
    Ok(n)
}

/// 续用 as decided: through which day, and the decision it rests on.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenewalInput {
    pub until: String,
    pub basis: String,
}

/// Longest a renewal may run, in years (a new decision renews again).
pub const MAX_RENEWAL_YEARS: i32 = 10;

/// The responsible person decides the contractor keeps using an asset after its service
/// period, through a day; `assets.handover_due` waits until that day has passed.
pub async fn renew(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &RenewalInput,
) -> Result<asset::Model, AppError> {
    actor.require(Permission::Decide)?;
    let a = get(app, actor, id).await?;
    in_hand(&a)?;
    let today = app.today();
    let mut e = FieldErrors::new();
    let until = match jianguan_domain::dates::parse_date(&input.until) {
        Ok(d) if d < today => {
            e.add("until", "续用期限不能早于今天");
            None
        }
        Ok(d) if d > today + chrono::Months::new(12 * MAX_RENEWAL_YEARS as u32) => {
            e.add(
                "until",
                format!("续用期限最长 {MAX_RENEWAL_YEARS} 年，到期后可再作决定"),
            );
            None
        }
        Ok(d) => Some(d),
        Err(m) => {
            e.add("until", format!("续用期限：{m}"));
            None
        }
    };
    let basis = e.required_text("basis", "续用决定（文号或会议纪要）", &input.basis, 500);
    let (Some(until), true) = (until, e.is_empty()) else {
        return Err(AppError::Validation(e));
    };
    let after = asset::Model {
        renewed_until: Some(until),
        renewal_basis: Some(basis),
        updated_at: app.now(),
        ..a.clone()
    };
    let mut tx = app.store.begin().await?;
    tx.replace(&a, after.clone()).await?;
    tx.record(entry(
        app,
        actor,
        &a.county_code,
        ("asset", &a.id),
        "renew",
        Some(&a),
        Some(&after),
    )?)
    .await?;
    tx.commit().await?;
    crate::docket::refresh_after_change(app, &a.county_code).await?;
    Ok(after)
}

// ------------------------------------------------------------------ tags

/// The tags the actor may see, oldest first: a contractor's own batches; `batch` one
/// batch only; `unbound` only those not yet on an asset. At most `limit`.
pub async fn tags(
    app: &App,
    actor: &Actor,
    batch: Option<&str>,
    unbound: bool,
    limit: u64,
) -> Result<Vec<asset_tag::Model>, AppError> {
    let mut q = scoped::find::<asset_tag::Entity>(&actor.scope());
    if let Some(b) = batch.map(str::trim).filter(|b| !b.is_empty()) {
        q = q.filter(asset_tag::Column::Batch.eq(b));
    }
    if unbound {
        q = q.filter(asset_tag::Column::AssetId.is_null());
    }
    Ok(q.order_by_asc(asset_tag::Column::CountyCode)
        .order_by_asc(asset_tag::Column::Seq)
        .limit(limit)
        .all(app.store.reader())
        .await?)
}

/// The number of tags a request asks for, checked before anything is counted out.
pub fn tag_count(n: Option<i64>) -> Result<u64, AppError> {
    match n {
        None => Err(AppError::field("count", "请填写要生成的标签数量")),
        Some(n) if n < 1 => Err(AppError::field("count", "标签数量至少为 1")),
        Some(n) if n as u64 > MAX_TAGS_PER_BATCH => Err(AppError::field(
            "count",
            format!("一次最多生成 {MAX_TAGS_PER_BATCH} 个标签，请分批生成"),
        )),
        Some(n) => Ok(n as u64),
    }
}

/// Issues `count` new tag numbers for the contractor's enterprise, the county's next ones:
/// counted inside the write (which holds the write lock), so two people issuing at once
/// get numbers that neither repeat nor leave gaps.
pub async fn issue_tags(
    app: &App,
    actor: &Actor,
    count: Option<i64>,
) -> Result<Vec<asset_tag::Model>, AppError> {
    require_keeper(actor)?;
    let n = tag_count(count)?;
    let county = actor.county_for_write(None)?;
    let enterprise = actor.enterprise_id.clone().ok_or(AppError::Forbidden)?;
    let mut tx = app.store.begin().await?;
    let last: Option<i64> = asset_tag::Entity::find()
        .select_only()
        .column(asset_tag::Column::Seq)
        .filter(asset_tag::Column::CountyCode.eq(county.as_str()))
        .order_by_desc(asset_tag::Column::Seq)
        .limit(1)
        .into_tuple()
        .one(tx.conn())
        .await?;
    let first = last.unwrap_or(0) + 1;
    let settings = &app.profile.assets;
    let batch = settings.tag(&county, first as u64);
    let now = app.now();
    let mut out = Vec::with_capacity(n as usize);
    for seq in first..first + n as i64 {
        let t = asset_tag::Model {
            id: settings.tag(&county, seq as u64),
            county_code: county.clone(),
            seq,
            enterprise_id: Some(enterprise.clone()),
            batch: batch.clone(),
            issued_by: actor.audit_name(),
            issued_on: app.today(),
            asset_id: None,
            bound_on: None,
            created_at: now,
            updated_at: now,
            voided_at: None,
            void_reason: None,
        };
        tx.insert(t.clone()).await?;
        out.push(t);
    }
    tx.record(entry(
        app,
        actor,
        &county,
        ("asset_tag", &batch),
        "issue",
        None::<&asset_tag::Model>,
        out.last(),
    )?)
    .await?;
    tx.commit().await?;
    Ok(out)
}

/// Binds a tag to an asset (scanned from a pre-printed label, or typed): the tag must be
/// this county's, issued to the asset's enterprise, not on another asset; the asset must
/// not carry a tag yet. Both rows change in one write, so two phones binding at once
/// bind once.
pub async fn bind_tag(
    app: &App,
    actor: &Actor,
    asset_id: &str,
    tag: &str,
) -> Result<asset::Model, AppError> {
    require_keeper(actor)?;
    let a = get(app, actor, asset_id).await?;
    let tag = tag.trim();
    let settings = &app.profile.assets;
    let Some((county, _)) = settings.parse_tag(tag) else {
        return Err(AppError::field(
            "tag",
            format!(
                "标签编号格式不对，应为“{}”这样的编号",
                settings.tag(&a.county_code, 1)
            ),
        ));
    };
    if county != a.county_code {
        return Err(AppError::field(
            "tag",
            "这是其他县的资产标签，不能用于本县资产",
        ));
    }
    if a.tag.as_deref().is_some_and(|t| !t.trim().is_empty()) {
        return Err(AppError::Conflict(format!(
            "该资产已有标签 {}",
            a.tag.clone().unwrap_or_default()
        )));
    }
    let t = scoped::one::<asset_tag::Entity>(app.store.reader(), &actor.scope(), tag)
        .await?
        .ok_or_else(|| AppError::field("tag", "没有这个标签：请先生成标签，或核对编号"))?;
    if t.enterprise_id.as_deref() != Some(a.enterprise_id.as_str()) {
        return Err(AppError::field("tag", "该标签发给了其他企业"));
    }
    if let Some(other) = &t.asset_id {
        return Err(AppError::Conflict(if other == &a.id {
            "该标签已贴在这件资产上".into()
        } else {
            "该标签已贴在另一件资产上，请换一个标签".into()
        }));
    }
    // A tag typed into an imported ledger line is the same label: never two assets.
    let taken = scoped::find::<asset::Entity>(&jianguan_store::Scope::county(&a.county_code))
        .filter(asset::Column::Tag.eq(t.id.as_str()))
        .one(app.store.reader())
        .await?;
    if taken.is_some() {
        return Err(AppError::Conflict(
            "该标签编号已登记在另一件资产上，请换一个标签".into(),
        ));
    }
    let now = app.now();
    let tag_after = asset_tag::Model {
        asset_id: Some(a.id.clone()),
        bound_on: Some(app.today()),
        updated_at: now,
        ..t.clone()
    };
    let after = asset::Model {
        tag: Some(t.id.clone()),
        updated_at: now,
        ..a.clone()
    };
    let mut tx = app.store.begin().await?;
    tx.replace(&t, tag_after).await?;
    tx.replace(&a, after.clone()).await?;
    tx.record(entry(
        app,
        actor,
        &a.county_code,
        ("asset", &a.id),
        "bind_tag",
        Some(&a),
        Some(&after),
    )?)
    .await?;
    tx.commit().await?;
    crate::docket::refresh_after_change(app, &a.county_code).await?;
    Ok(after)
}

/// Whether the actor keeps this ledger (a contractor, for its own assets).
pub fn keeps(actor: &Actor, a: &asset::Model) -> bool {
    actor.role == Role::Contractor
        && actor.enterprise_id.as_deref() == Some(a.enterprise_id.as_str())
}

/// The names of assets the actor may see, by id (for labels of bound tags).
pub async fn names(
    app: &App,
    actor: &Actor,
    ids: &[String],
) -> Result<std::collections::BTreeMap<String, String>, AppError> {
    Ok(scoped::find::<asset::Entity>(&actor.scope())
        .filter(asset::Column::Id.is_in(ids.to_vec()))
        .all(app.store.reader())
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect())
}

/// The label sheet's pages (SVG), drawn on the pool for heavy work.
pub async fn label_pages(
    app: &App,
    stock: Stock,
    labels: Vec<Label>,
) -> Result<Vec<String>, AppError> {
    app.heavy
        .run(move || jianguan_documents::labels::pages(stock, &labels))
        .await?
        .map_err(|e| AppError::internal("labels", e))
}

// ------------------------------------------------------------------ spreadsheets

/// The blank ledger to fill in Excel or WPS.
pub async fn ledger_template(app: &App) -> Result<Vec<u8>, AppError> {
    app.heavy
        .run(jianguan_documents::xlsx::asset_template)
        .await?
        .map_err(|e| AppError::internal("asset template", e))
}

/// The column of each field a row's checks may name.
fn column_of(field: &str) -> usize {
    match field {
        "name" => 1,
        "asset_kind" => 2,
        "category" => 3,
        "model_spec" => 4,
        "quantity" => 5,
        "unit" => 6,
        "value_fen" => 7,
        "purchase_date" => 8,
        "invoice" => 9,
        "central_funds" => 10,
        "project_id" => 11,
        "township" => 12,
        "village" => 13,
        "address" => 14,
        "custodian" => 15,
        "status" => 16,
        _ => 0,
    }
}

/// A code typed as its Chinese label or as the code itself.
fn code_of<'a>(typed: &str, choices: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let t = typed.trim();
    choices
        .into_iter()
        .find(|(code, label)| *code == t || *label == t)
        .map_or_else(|| t.to_string(), |(code, _)| code.to_string())
}

/// One row as the ledger's input, with what does not read as a number named.
fn row_input(
    app: &App,
    projects: &BTreeMap<String, String>,
    r: &AssetRow,
    errors: &mut Vec<CellError>,
) -> AssetInput {
    let c = |i: usize| r.cells.get(i).map(String::as_str).unwrap_or_default();
    let mut bad = |col: usize, m: &str| errors.push(asset_cell_error(r.row, col, m));
    let quantity = match c(5) {
        "" => None,
        q => q.parse::<i64>().ok().or_else(|| {
            bad(5, "数量应为正整数");
            Some(0)
        }),
    };
    let value_fen = match c(7).replace([',', '，'], "").as_str() {
        "" => None,
        v => match jianguan_domain::Money::parse_yuan(v) {
            Ok(m) => Some(m.fen()),
            Err(_) if v.starts_with('-') => Some(-1),
            Err(e) => {
                bad(7, &e.to_string());
                Some(0)
            }
        },
    };
    let central_funds = match c(10) {
        "" | "是" | "Y" | "y" | "1" => true,
        "否" | "N" | "n" | "0" => false,
        _ => {
            bad(10, "请填写“是”或“否”");
            false
        }
    };
    let project_id = match c(11) {
        "" => String::new(),
        name => projects.get(name).cloned().unwrap_or_else(|| {
            bad(11, "没有这个项目：请填写本企业项目的名称，与项目页面一致");
            String::new()
        }),
    };
    let cats = &app.profile.assets.categories;
    AssetInput {
        project_id,
        asset_kind: code_of(c(2), AssetKind::ALL.iter().map(|k| (k.code(), k.label()))),
        name: c(1).into(),
        category: code_of(
            c(3),
            cats.iter().map(|x| (x.code.as_str(), x.name.as_str())),
        ),
        model_spec: c(4).into(),
        quantity,
        unit: c(6).into(),
        value_fen,
        purchase_date: c(8).into(),
        invoice: c(9).into(),
        central_funds,
        township: c(12).into(),
        village: c(13).into(),
        address: c(14).into(),
        latitude: None,
        longitude: None,
        custodian: c(15).into(),
        status: match c(16) {
            "" => AssetStatus::InUse.code().into(),
            s => code_of(s, AssetStatus::ALL.iter().map(|x| (x.code(), x.label()))),
        },
    }
}

/// Imports the contractor's ledger from XLSX: every row checked as a line typed on the
/// form, every problem named by its cell, and nothing saved unless the whole file is right.
/// A tag of this deployment's pattern must be one issued to the enterprise and still free
/// (it is bound); an older label's number is kept as typed; no tag twice.
pub async fn import_ledger(
    app: &App,
    actor: &Actor,
    bytes: Vec<u8>,
) -> Result<Vec<asset::Model>, AppError> {
    require_keeper(actor)?;
    let county = actor.county_for_write(None)?;
    let rows = match app
        .heavy
        .run(move || jianguan_documents::xlsx::read_assets(&bytes))
        .await?
    {
        Ok(rows) => rows,
        Err(errors) => return Err(AppError::workbook("assets", "file", &errors)),
    };
    let own = crate::inspections::projects(app, actor).await?;
    let projects: BTreeMap<String, String> =
        own.iter().map(|p| (p.name.clone(), p.id.clone())).collect();
    let towns = townships(app, &county).await?;
    let settings = &app.profile.assets;
    let today = app.today();
    let used: BTreeSet<String> =
        scoped::find::<asset::Entity>(&jianguan_store::Scope::county(&county))
            .filter(asset::Column::Tag.is_not_null())
            .all(app.store.reader())
            .await?
            .into_iter()
            .filter_map(|a| a.tag)
            .collect();
    let free: BTreeMap<String, asset_tag::Model> = tags(app, actor, None, true, 100_000)
        .await?
        .into_iter()
        .map(|t| (t.id.clone(), t))
        .collect();
    let mut errors = Vec::new();
    let mut seen = BTreeSet::new();
    let mut lines = Vec::new();
    for r in &rows {
        let input = row_input(app, &projects, r, &mut errors);
        let mut e = FieldErrors::new();
        if let Some(m) = AssetStatus::parse(&input.status).and_then(|st| status_refusal(st, None)) {
            e.add("status", m);
        }
        let fields = input.check(settings, &towns, today, &mut e);
        for (field, message) in e.iter() {
            errors.push(asset_cell_error(r.row, column_of(field), message));
        }
        let tag = r.cells.first().cloned().unwrap_or_default();
        let mut bind = None;
        if !tag.is_empty() {
            let bad = |m: &str| asset_cell_error(r.row, 0, m);
            if !seen.insert(tag.clone()) {
                errors.push(bad("标签编号在本表中重复"));
            } else if used.contains(&tag) {
                errors.push(bad("标签编号已登记在另一件资产上"));
            } else if let Some((c, _)) = settings.parse_tag(&tag) {
                match free.get(&tag) {
                    _ if c != county => errors.push(bad("这是其他县的资产标签")),
                    Some(t) => bind = Some(t.clone()),
                    None => errors.push(bad("没有这个标签，或已贴在其他资产上：请先生成标签")),
                }
            }
        }
        if let Some(f) = fields {
            lines.push((
                input.project_id.clone(),
                f,
                (!tag.is_empty()).then_some(tag),
                bind,
            ));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::workbook("assets", "file", &errors));
    }
    let now = app.now();
    let mut out = Vec::with_capacity(lines.len());
    let mut tx = app.store.begin().await?;
    for (project_id, f, tag, bind) in lines {
        let Some(p) = own.iter().find(|p| p.id == project_id) else {
            return Err(AppError::NotFound);
        };
        let mut m = model(new_id(), p, f, None, now);
        m.tag = tag;
        tx.insert(m.clone()).await?;
        if let Some(t) = bind {
            let after = asset_tag::Model {
                asset_id: Some(m.id.clone()),
                bound_on: Some(today),
                updated_at: now,
                ..t.clone()
            };
            tx.replace(&t, after).await?;
        }
        let row = crate::reporting::review_row(app, actor, p, REVIEW_KIND, &m.id, 1);
        tx.insert(row).await?;
        tx.record(entry(
            app,
            actor,
            &county,
            ("asset", &m.id),
            "import",
            None,
            Some(&m),
        )?)
        .await?;
        out.push(m);
    }
    crate::notify::notify(
        app,
        &tx,
        &county,
        crate::notify::is_staff,
        format!("资产台账待审核：导入 {} 项", out.len()),
        format!(
            "{}从 Excel 导入了 {} 项资产，请核对。",
            actor.display_name,
            out.len()
        ),
        "/reviews".into(),
    )
    .await?;
    tx.commit().await?;
    crate::docket::refresh_after_change(app, &county).await?;
    Ok(out)
}

/// The ledger the actor may see as XLSX, in the template's columns with the value today.
pub async fn ledger_xlsx(app: &App, actor: &Actor) -> Result<Vec<u8>, AppError> {
    use jianguan_documents::xlsx::table::{Cell, MAX_ROWS, Table};
    let all = scoped::find::<asset::Entity>(&actor.scope())
        .order_by_asc(asset::Column::ProjectId)
        .order_by_asc(asset::Column::Name)
        .limit(MAX_ROWS as u64)
        .all(app.store.reader())
        .await?;
    let projects: BTreeMap<String, String> = crate::inspections::projects(app, actor)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let settings = &app.profile.assets;
    let today = app.today();
    let text = |s: Option<&str>| Cell::Text(s.unwrap_or_default().to_string());
    let rows = all
        .iter()
        .map(|a| {
            let cat = a.category.as_deref().and_then(|c| settings.category(c));
            let status = a
                .status
                .as_deref()
                .and_then(AssetStatus::parse)
                .unwrap_or(AssetStatus::InUse);
            vec![
                text(a.tag.as_deref()),
                Cell::Text(a.name.clone()),
                Cell::Text(
                    AssetKind::parse(&a.asset_kind)
                        .map_or("", AssetKind::label)
                        .into(),
                ),
                Cell::Text(cat.map_or_else(
                    || a.category.clone().unwrap_or_default(),
                    |c| c.name.clone(),
                )),
                text(a.model_spec.as_deref()),
                Cell::Count(a.quantity.unwrap_or(1)),
                text(a.unit.as_deref()),
                Cell::Fen(a.value_fen),
                Cell::Date(a.purchase_date),
                text(a.invoice.as_deref()),
                Cell::Text(if a.central_funds { "是" } else { "否" }.into()),
                Cell::Text(projects.get(&a.project_id).cloned().unwrap_or_default()),
                text(a.township.as_deref()),
                text(a.village.as_deref()),
                text(a.location.as_deref()),
                text(a.custodian.as_deref()),
                Cell::Text(status.label().into()),
                cat.map_or(Cell::Empty, |c| {
                    Cell::Fen(jianguan_domain::asset::net_value_fen(
                        a.value_fen,
                        a.purchase_date,
                        c.life_years,
                        today,
                    ))
                }),
                Cell::Text(
                    if a.central_funds {
                        "政府所有"
                    } else {
                        "企业自有"
                    }
                    .into(),
                ),
            ]
        })
        .collect();
    let mut headers: Vec<&'static str> = ASSET_HEADERS.to_vec();
    headers.extend(["账面净值（元）", "所有权"]);
    let t = Table {
        sheet: jianguan_documents::xlsx::ASSET_SHEET.into(),
        headers,
        rows,
    };
    app.heavy
        .run(move || jianguan_documents::xlsx::table::write(&t))
        .await?
        .map_err(|e| AppError::internal("asset ledger", e))
}
