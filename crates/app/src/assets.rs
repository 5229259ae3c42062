//! 资产 (一（五）): the ledger of the government's assets in a contractor's hands, kept by
//! the contractor in its portal (every change a new version, the old one in the audit
//! trail) and read by the bureau; the county's tag numbers, issued in batches without gaps
//! or repeats and bound to one asset each; and what a label sheet prints.

use crate::audit::entry;
use crate::secrets::new_id;
use crate::{Actor, App, AppError, Permission, Role};
use jianguan_domain::FieldErrors;
use jianguan_domain::asset::{AssetFields, AssetInput, MAX_TAGS_PER_BATCH};
use jianguan_store::entity::{asset, asset_tag, county};
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
        created_at: base.map_or(now, |b| b.created_at),
        updated_at: now,
        voided_at: None,
        void_reason: None,
    }
}

async fn checked(
    app: &App,
    actor: &Actor,
    input: &AssetInput,
    pre: FieldErrors,
) -> Result<(jianguan_store::entity::project::Model, AssetFields), AppError> {
    let mut e = pre;
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
    let (p, f) = checked(app, actor, input, pre).await?;
    let m = model(new_id(), &p, f, None, app.now());
    let audit = entry(
        app,
        actor,
        &m.county_code,
        ("asset", &m.id),
        "create",
        None,
        Some(&m),
    )?;
    crate::audit::insert_audited(app, audit, m.clone()).await?;
    crate::docket::refresh_after_change(app, &m.county_code).await?;
    Ok(m)
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
    let (p, f) = checked(app, actor, input, pre).await?;
    let after = model(id.to_string(), &p, f, Some(&before), app.now());
    let unchanged = asset::Model {
        updated_at: before.updated_at,
        ..after.clone()
    };
    if unchanged == before {
        return Ok(before);
    }
    let audit = entry(
        app,
        actor,
        &before.county_code,
        ("asset", id),
        "update",
        Some(&before),
        Some(&after),
    )?;
    crate::audit::update_audited(app, audit, &before, after.clone()).await?;
    crate::docket::refresh_after_change(app, &before.county_code).await?;
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

pub use jianguan_documents::labels::{Label, Stock};

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
