//! 监督检查: planning visits, recording them, finalising (minutes and photos required), and
//! correcting a finalised record as a new version with a reason. Every change is audited
//! and the county's docket is refreshed at once, so a quota warning drops the moment the
//! inspection that meets it is recorded.

use crate::audit::{entry, insert_audited, update_audited};
use crate::secrets::new_id;
use crate::{Actor, App, AppError, Permission};
use chrono::NaiveDate;
use jianguan_domain::FieldErrors;
use jianguan_domain::inspection::InspectionStatus;
use jianguan_domain::inspection::{InspectionFields, InspectionInput, Stage, finalise_errors};
use jianguan_store::entity::{
    disbursement, inspection, inspection_version, project, training_class,
};
use jianguan_store::paging::{self, Cursor};
use jianguan_store::sea::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};
use jianguan_store::{queries, scoped};

/// Inspectors for each visit, planned or recorded: the profile's number (two in Jiaocheng).
fn min_inspectors(app: &App) -> usize {
    app.profile.thresholds.inspectors_per_inspection as usize
}

fn planning(app: &App) -> Stage {
    Stage::Plan {
        min_inspectors: min_inspectors(app),
    }
}

fn recording(app: &App) -> Stage {
    Stage::Record {
        min_inspectors: min_inspectors(app),
    }
}

/// Only the supervision group plans and records inspections.
fn require_inspector(actor: &Actor) -> Result<(), AppError> {
    actor.require(Permission::EditRecords)?;
    if actor.role.supervises() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Whether a contractor may know of the inspection at all: not of a planned visit that is
/// unannounced (不打招呼).
fn known_to_contractor(i: &inspection::Model) -> bool {
    i.announced || !InspectionStatus::Planned.is(&i.status)
}

/// The inspection as the actor may read it: a contractor reads the minutes, problems and
/// standards' notes only once the record is finalised.
fn as_read_by(actor: &Actor, mut i: inspection::Model) -> inspection::Model {
    if actor.role == crate::Role::Contractor && !InspectionStatus::Finalised.is(&i.status) {
        i.minutes = None;
        i.problems = None;
        i.standards = "{}".into();
    }
    i
}

/// An inspection the actor may see: in their county and, for a contractor, of one of
/// their enterprise's projects and known to it (an unannounced planned visit is not);
/// anything else is "not found". A contractor gets it as [`as_read_by`] says.
pub async fn get(
    app: &App,
    actor: &Actor,
    id: &str,
) -> Result<(inspection::Model, project::Model), AppError> {
    let db = app.store.reader();
    let row = scoped::one::<inspection::Entity>(db, &actor.scope(), id)
        .await?
        .filter(|i| actor.role != crate::Role::Contractor || known_to_contractor(i))
        .map(|i| as_read_by(actor, i))
        .ok_or(AppError::NotFound)?;
    let p = queries::project(db, &actor.scope(), &row.project_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((row, p))
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct InspectionFilter {
    /// planned, recorded, finalised
    pub status: Option<String>,
    pub project_id: Option<String>,
    /// An inspector's name as written on the record.
    pub inspector: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// How a list of inspections is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum InspectionSort {
    /// Newest first.
    #[default]
    DateDesc,
    DateAsc,
    Project,
    Status,
}

impl InspectionSort {
    /// The columns the list is ordered by, each descending or not; the id last, so that
    /// the order is total and a page can start next to any row.
    fn order(self) -> &'static [(inspection::Column, bool)] {
        use inspection::Column as C;
        match self {
            InspectionSort::DateDesc => &[(C::Date, true), (C::Id, true)],
            InspectionSort::DateAsc => &[(C::Date, false), (C::Id, true)],
            InspectionSort::Project => &[(C::ProjectId, false), (C::Date, true), (C::Id, true)],
            InspectionSort::Status => &[(C::Status, false), (C::Date, true), (C::Id, true)],
        }
    }
}

impl crate::sorting::ListSort for InspectionSort {
    const ALL: &'static [(Self, &'static str, &'static str)] = &[
        (InspectionSort::DateDesc, "date_desc", "日期（新的在前）"),
        (InspectionSort::DateAsc, "date_asc", "日期（早的在前）"),
        (InspectionSort::Project, "project", "项目"),
        (InspectionSort::Status, "status", "状态"),
    ];
}

/// The filtered inspections the actor may see, before ordering and paging.
fn filtered(
    actor: &Actor,
    f: &InspectionFilter,
) -> jianguan_store::sea::Select<inspection::Entity> {
    let mut q = scoped::find::<inspection::Entity>(&actor.scope());
    if actor.role == crate::Role::Contractor {
        q = q.filter(
            Condition::any()
                .add(inspection::Column::Announced.eq(true))
                .add(inspection::Column::Status.ne(InspectionStatus::Planned.code())),
        );
    }
    if let Some(s) = f.status.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(inspection::Column::Status.eq(s));
    }
    if let Some(p) = f.project_id.as_deref().filter(|s| !s.is_empty()) {
        q = q.filter(inspection::Column::ProjectId.eq(p));
    }
    if let Some(d) = f.from {
        q = q.filter(inspection::Column::Date.gte(d));
    }
    if let Some(d) = f.to {
        q = q.filter(inspection::Column::Date.lte(d));
    }
    if let Some(name) = f
        .inspector
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        // Names are stored as a JSON array of strings.
        q = q.filter(inspection::Column::Inspectors.contains(format!("\"{name}\"")));
    }
    q
}

/// The county's inspections (a contractor: their projects'), newest first, at most 500.
pub async fn list(
    app: &App,
    actor: &Actor,
    f: &InspectionFilter,
) -> Result<Vec<inspection::Model>, AppError> {
    Ok(
        page(app, actor, f, InspectionSort::DateDesc, (0, None), 500)
            .await?
            .items,
    )
}

/// The projects the actor may see with a live inspection naming `name` dated `from..=to`,
/// each once, however many inspections name it (a list of them stops at 500).
pub async fn projects_inspected_by(
    app: &App,
    actor: &Actor,
    name: &str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<Vec<String>, AppError> {
    use jianguan_store::sea::QuerySelect;
    let f = InspectionFilter {
        inspector: Some(name.to_string()),
        from: Some(from),
        to: Some(to),
        ..Default::default()
    };
    let mut ids: Vec<String> = filtered(actor, &f)
        .select_only()
        .column(inspection::Column::ProjectId)
        .distinct()
        .into_tuple()
        .all(app.store.reader())
        .await?;
    ids.sort();
    Ok(ids)
}

/// One page of the inspections the actor may see, in `sort` order, with how many there
/// are in all: `limit` at most 500 (0: 50), next to `cursor` (an inspection of the list
/// the caller saw: see [`paging::page_by_key`]) or else at `offset`.
pub async fn page(
    app: &App,
    actor: &Actor,
    f: &InspectionFilter,
    sort: InspectionSort,
    (offset, cursor): (u64, Option<&Cursor>),
    limit: u64,
) -> Result<queries::Paged<inspection::Model>, AppError> {
    let q = filtered(actor, f);
    let db = app.store.reader();
    // The counts the database keeps hold status and project; dates and names are counted.
    // Every field named, so that a new filter must say which way it counts.
    let InspectionFilter {
        status,
        project_id,
        inspector,
        from,
        to,
    } = f;
    let named = inspector.as_deref().is_some_and(|s| !s.trim().is_empty());
    let total = if from.is_none() && to.is_none() && !named {
        queries::inspection_total(
            db,
            &actor.scope(),
            status.as_deref().filter(|s| !s.is_empty()),
            project_id.as_deref().filter(|s| !s.is_empty()),
            actor.role == crate::Role::Contractor,
        )
        .await?
    } else {
        use jianguan_store::sea::PaginatorTrait;
        q.clone().count(db).await?
    };
    let found = paging::page_by_key(
        db,
        q,
        sort.order(),
        inspection::Column::Id,
        (offset, limit),
        cursor,
        total,
    )
    .await?;
    Ok(queries::Paged {
        items: found
            .items
            .into_iter()
            .map(|i| as_read_by(actor, i))
            .collect(),
        total: found.total,
    })
}

/// Checks what needs the database: the project, class and disbursement in the county.
async fn fields(
    app: &App,
    actor: &Actor,
    input: &InspectionInput,
    stage: Stage,
    pre: FieldErrors,
) -> Result<(InspectionFields, project::Model), AppError> {
    let db = app.store.reader();
    let mut e = pre;
    let project = match input.project_id.trim() {
        "" => None,
        id => queries::project(db, &actor.scope(), id)
            .await?
            .filter(|p| p.voided_at.is_none()),
    };
    if project.is_none() && !input.project_id.trim().is_empty() {
        e.add("project_id", "所选项目不存在或已作废");
    }
    if let (Some(p), Some(c)) = (
        &project,
        input
            .training_class_id
            .as_deref()
            .filter(|c| !c.trim().is_empty()),
    ) {
        let ok = scoped::one::<training_class::Entity>(db, &actor.scope(), c.trim())
            .await?
            .is_some_and(|t| t.project_id == p.id);
        if !ok {
            e.add("training_class_id", "所选培训班不属于该项目");
        }
    }
    if let (Some(p), Some(b)) = (
        &project,
        input
            .disbursement_id
            .as_deref()
            .filter(|c| !c.trim().is_empty()),
    ) {
        let ok = scoped::one::<disbursement::Entity>(db, &actor.scope(), b.trim())
            .await?
            .is_some_and(|t| t.project_id == p.id);
        if !ok {
            e.add("disbursement_id", "所选资金拨付不属于该项目");
        }
    }
    let f = input.validate(stage, app.today(), &app.profile.operations_checks, e)?;
    let project = project.ok_or_else(|| AppError::field("project_id", "请选择被检查的项目"))?;
    Ok((f, project))
}

fn model(
    id: String,
    county: String,
    status: &str,
    f: InspectionFields,
    base: Option<&inspection::Model>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<inspection::Model, AppError> {
    let announced = f.announced(base.map(|b| b.announced));
    let kinds: Vec<&str> = f
        .kinds
        .iter()
        .map(|k| jianguan_domain::inspection::kind_code(*k))
        .collect();
    Ok(inspection::Model {
        id,
        county_code: county,
        project_id: f.project_id,
        kinds: serde_json::to_string(&kinds)?,
        date: f.date,
        status: status.into(),
        training_class_id: f.training_class_id,
        disbursement_id: f.disbursement_id,
        methods: serde_json::to_string(&f.methods)?,
        standards: serde_json::to_string(&f.standards)?,
        inspectors: serde_json::to_string(&f.inspectors)?,
        minutes: f.minutes,
        photo_count: base.map_or(0, |b| b.photo_count),
        announced,
        problems: f.problems,
        created_at: base.map_or(now, |b| b.created_at),
        updated_at: now,
        voided_at: None,
        void_reason: None,
    })
}

/// Plans a visit (status planned): a date today or later and enough inspectors.
pub async fn plan(
    app: &App,
    actor: &Actor,
    input: &InspectionInput,
    pre: FieldErrors,
) -> Result<inspection::Model, AppError> {
    require_inspector(actor)?;
    let (f, p) = fields(app, actor, input, planning(app), pre).await?;
    let m = model(
        new_id(),
        p.county_code.clone(),
        InspectionStatus::Planned.code(),
        f,
        None,
        app.now(),
    )?;
    let audit = entry(
        app,
        actor,
        &p.county_code,
        ("inspection", &m.id),
        "plan",
        None,
        Some(&m),
    )?;
    let mut tx = app.store.begin().await?;
    tx.insert(m.clone()).await?;
    // An announced visit is made known to the enterprise; an unannounced one to no one
    // outside the bureau.
    if m.announced {
        let enterprise = p.enterprise_id.clone();
        crate::notify::notify(
            app,
            &tx,
            &p.county_code,
            |u| {
                u.role == crate::Role::Contractor.code()
                    && u.enterprise_id.as_deref() == Some(enterprise.as_str())
            },
            format!("检查通知：{}", jianguan_domain::format_cn_date(m.date)),
            format!(
                "监管工作组将于{}对“{}”进行监督检查，请做好准备。",
                jianguan_domain::format_cn_date(m.date),
                p.name
            ),
            format!("/inspections/{}", m.id),
        )
        .await?;
    }
    tx.record(audit).await?;
    tx.commit().await?;
    Ok(m)
}

/// Records a visit that took place (status recorded; photos and finalising follow).
pub async fn record(
    app: &App,
    actor: &Actor,
    input: &InspectionInput,
    pre: FieldErrors,
) -> Result<inspection::Model, AppError> {
    require_inspector(actor)?;
    let (f, p) = fields(app, actor, input, recording(app), pre).await?;
    let m = model(
        new_id(),
        p.county_code.clone(),
        InspectionStatus::Recorded.code(),
        f,
        None,
        app.now(),
    )?;
    let audit = entry(
        app,
        actor,
        &p.county_code,
        ("inspection", &m.id),
        "record",
        None,
        Some(&m),
    )?;
    insert_audited(app, audit, m.clone()).await?;
    crate::docket::refresh_after_change(app, &p.county_code).await?;
    Ok(m)
}

/// Edits a planned or recorded (not finalised) inspection. Editing a planned one with a
/// date that has come records it.
pub async fn update(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &InspectionInput,
    pre: FieldErrors,
) -> Result<inspection::Model, AppError> {
    // The record first: someone else's is "not found", whoever asks.
    let (before, _) = get(app, actor, id).await?;
    require_inspector(actor)?;
    if InspectionStatus::Finalised.is(&before.status) {
        return Err(AppError::Conflict(
            "该检查记录已定稿锁定；如需更正，请使用“更正”，并写明更正原因。".into(),
        ));
    }
    let took_place = InspectionStatus::Recorded.is(&before.status)
        || input.date.trim() <= app.today().to_string().as_str();
    let stage = if took_place {
        recording(app)
    } else {
        planning(app)
    };
    let (f, p) = fields(app, actor, input, stage, pre).await?;
    let status = if took_place {
        InspectionStatus::Recorded
    } else {
        InspectionStatus::Planned
    }
    .code();
    let after = model(
        id.into(),
        p.county_code.clone(),
        status,
        f,
        Some(&before),
        app.now(),
    )?;
    let audit = entry(
        app,
        actor,
        &p.county_code,
        ("inspection", id),
        "update",
        Some(&before),
        Some(&after),
    )?;
    update_audited(app, audit, &before, after.clone()).await?;
    crate::docket::refresh_after_change(app, &p.county_code).await?;
    Ok(after)
}

/// What a record lacks to be final: minutes and photos (三（二）5) and, for an operations
/// inspection, an answer to each check of 一（二）.
fn final_errors(app: &App, i: &inspection::Model, photos: u32) -> Result<FieldErrors, AppError> {
    let mut e = finalise_errors(
        i.minutes.as_deref(),
        photos,
        app.profile.thresholds.evidence_min_photos,
    );
    let kinds: Vec<_> = i
        .kinds_parsed()?
        .iter()
        .filter_map(|k| jianguan_domain::inspection::parse_kind(k))
        .collect();
    let checks = jianguan_domain::inspection::checklist_errors(
        &kinds,
        &i.standards_parsed()?,
        &app.profile.operations_checks,
    );
    for (k, m) in checks.iter() {
        e.add(k, m);
    }
    Ok(e)
}

/// Locks a recorded inspection: it needs minutes and at least one photo (三（二）5).
pub async fn finalise(app: &App, actor: &Actor, id: &str) -> Result<inspection::Model, AppError> {
    // The record first: someone else's is "not found", whoever asks.
    let (before, _) = get(app, actor, id).await?;
    require_inspector(actor)?;
    let status = InspectionStatus::parse(&before.status)
        .ok_or_else(|| AppError::corrupt("inspections", &before.id, "status", &before.status))?;
    match status {
        InspectionStatus::Finalised => {
            return Err(AppError::Conflict("该检查记录已经定稿".into()));
        }
        InspectionStatus::Planned if before.date > app.today() => {
            return Err(AppError::Conflict("计划中的检查尚未进行，不能定稿".into()));
        }
        _ => {}
    }
    let n = crate::evidence::photos(app, "inspection", id).await?.len() as u32;
    let e = final_errors(app, &before, n)?;
    if !e.is_empty() {
        return Err(AppError::Validation(e));
    }
    let after = inspection::Model {
        status: InspectionStatus::Finalised.code().into(),
        photo_count: i64::from(n),
        updated_at: app.now(),
        ..before.clone()
    };
    let audit = entry(
        app,
        actor,
        &before.county_code,
        ("inspection", id),
        "finalise",
        Some(&before),
        Some(&after),
    )?;
    update_audited(app, audit, &before, after.clone()).await?;
    crate::docket::refresh_after_change(app, &before.county_code).await?;
    Ok(after)
}

/// Corrects a finalised record: the version before is kept whole with the reason, and
/// the corrected record stays finalised (so it must still have minutes and photos).
pub async fn correct(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &InspectionInput,
    reason: &str,
    pre: FieldErrors,
) -> Result<inspection::Model, AppError> {
    // The record first: someone else's is "not found", whoever asks.
    let (before, _) = get(app, actor, id).await?;
    require_inspector(actor)?;
    if !InspectionStatus::Finalised.is(&before.status) {
        return Err(AppError::Conflict(
            "只有已定稿的检查记录需要更正；未定稿的可直接修改。".into(),
        ));
    }
    let mut e = pre;
    let reason = e.required_text("reason", "更正原因", reason, 500);
    let (f, p) = fields(app, actor, input, recording(app), e).await?;
    if f.project_id != before.project_id {
        return Err(AppError::field(
            "project_id",
            "更正不能改变被检查的项目；请作废后重新记录",
        ));
    }
    let mut after = model(
        id.into(),
        p.county_code.clone(),
        InspectionStatus::Finalised.code(),
        f,
        Some(&before),
        app.now(),
    )?;
    let n = crate::evidence::photos(app, "inspection", id).await?.len() as u32;
    let fe = final_errors(app, &after, n)?;
    if !fe.is_empty() {
        return Err(AppError::Validation(fe));
    }
    after.photo_count = i64::from(n);
    let version = versions(app, &before).await?.len() as i64 + 1;
    let kept = inspection_version::Model {
        id: new_id(),
        county_code: before.county_code.clone(),
        inspection_id: id.into(),
        version,
        snapshot: serde_json::to_string(&before)?,
        reason,
        actor_name: actor.audit_name(),
        created_at: app.now(),
    };
    let audit = entry(
        app,
        actor,
        &before.county_code,
        ("inspection", id),
        "correct",
        Some(&before),
        Some(&after),
    )?;
    let mut tx = app.store.begin().await?;
    tx.insert(kept).await?;
    tx.replace(&before, after.clone()).await?;
    tx.record(audit).await?;
    tx.commit().await?;
    crate::docket::refresh_after_change(app, &before.county_code).await?;
    Ok(after)
}

/// Earlier versions of a corrected record, oldest first: of an inspection already loaded
/// in the caller's scope (by [`get`]), so the versions need no scope of their own.
pub async fn versions(
    app: &App,
    of: &inspection::Model,
) -> Result<Vec<inspection_version::Model>, AppError> {
    Ok(inspection_version::Entity::find()
        .filter(inspection_version::Column::InspectionId.eq(of.id.as_str()))
        .order_by_asc(inspection_version::Column::Version)
        .all(app.store.reader())
        .await?)
}

/// The ids and names of the projects the actor may see (not voided), for menus and for
/// naming a list's rows.
pub async fn project_names(app: &App, actor: &Actor) -> Result<Vec<(String, String)>, AppError> {
    Ok(queries::project_names(app.store.reader(), &actor.scope()).await?)
}

/// Projects the actor may choose for an inspection.
pub async fn projects(app: &App, actor: &Actor) -> Result<Vec<project::Model>, AppError> {
    Ok(queries::projects(
        app.store.reader(),
        &actor.scope(),
        &queries::ListFilter {
            limit: 500,
            ..Default::default()
        },
    )
    .await?
    .items)
}
