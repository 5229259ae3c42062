//! The county's core records: counties, programmes, enterprises, projects. Reads are
//! scoped to what the actor may see; writes are validated, audited, and never delete.

use crate::audit::{entry, insert_audited, update_audited};
use crate::secrets::new_id;
use crate::{Actor, App, AppError, Permission};
use jianguan_domain::enterprise::{EnterpriseFields, EnterpriseInput};
use jianguan_domain::project::{ProjectFields, ProjectInput, ProjectStatus};
use jianguan_domain::{CountyCode, DateRange, FieldErrors, Money};
use jianguan_store::AuditEntry;
use jianguan_store::entity::{county, enterprise, programme, project};
use jianguan_store::queries::{self, ListFilter, Paged};

pub(crate) fn void_reason(reason: &str) -> Result<String, AppError> {
    let mut e = FieldErrors::new();
    let r = e.required_text("reason", "作废原因", reason, 500);
    if r.chars().count() < 2 && e.is_empty() {
        e.add("reason", "请写明作废原因（至少 2 个字）");
    }
    e.into_result(r).map_err(AppError::from)
}

// ---------------------------------------------------------------- counties

pub async fn counties(app: &App, actor: &Actor) -> Result<Vec<county::Model>, AppError> {
    Ok(queries::counties(app.store.reader(), &actor.scope()).await?)
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct CountyInput {
    pub code: String,
    pub name: String,
    pub prefecture: String,
    pub province: String,
    pub townships: Vec<String>,
}

/// Adds a county to the deployment. `actor` None is the command line.
pub async fn create_county(
    app: &App,
    actor: Option<&Actor>,
    input: &CountyInput,
) -> Result<county::Model, AppError> {
    if let Some(a) = actor {
        a.require(Permission::Administer)?;
        if a.county_code.is_some() {
            return Err(AppError::Forbidden);
        }
    }
    let mut e = FieldErrors::new();
    let code = CountyCode::parse(&input.code)
        .map_err(|err| e.add("code", err.to_string()))
        .ok();
    let name = e.required_text("name", "县名", &input.name, 30);
    let prefecture = e.required_text("prefecture", "所属市", &input.prefecture, 30);
    let province = e.required_text("province", "所属省", &input.province, 30);
    let townships: Vec<String> = input
        .townships
        .iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    if townships.is_empty() {
        e.add("townships", "请至少填写一个乡镇");
    }
    if let Some(c) = &code
        && queries::county(app.store.reader(), c.as_str())
            .await?
            .is_some()
    {
        e.add("code", "该县已存在");
    }
    let code = match code {
        Some(c) if e.is_empty() => c,
        _ => return Err(e.into()),
    };
    let model = county::Model {
        code: code.to_string(),
        name,
        prefecture,
        province,
        townships: serde_json::to_string(&townships)?,
        created_at: app.now(),
        document_office: None,
        public_fields: None,
    };
    let audit = AuditEntry {
        at: app.now(),
        actor_id: actor.map(|a| a.user_id.clone()),
        actor_name: actor
            .map(Actor::audit_name)
            .unwrap_or_else(|| "系统（命令行）".into()),
        county_code: Some(model.code.clone()),
        entity: "county".into(),
        entity_id: model.code.clone(),
        action: "create".into(),
        before: None,
        after: Some(serde_json::to_value(&model)?),
    };
    insert_audited(app, audit, model.clone()).await?;
    Ok(model)
}

/// The most townships a county lists, and the longest name one may have.
const TOWNSHIPS_MAX: usize = 100;
const TOWNSHIP_NAME_MAX: usize = 20;

/// Replaces the county's township list (one per line, in the county's official order). A
/// township that live projects lie in cannot be removed: they would point at nothing.
pub async fn update_townships(
    app: &App,
    actor: &Actor,
    code: &str,
    lines: &str,
) -> Result<county::Model, AppError> {
    actor.require(Permission::Administer)?;
    let before = counties(app, actor)
        .await?
        .into_iter()
        .find(|c| c.code == code)
        .ok_or(AppError::NotFound)?;
    // Every problem is named, in the order of the lines.
    let mut problems: Vec<String> = Vec::new();
    let mut townships: Vec<String> = Vec::new();
    for (n, line) in lines.lines().enumerate() {
        let name = line.trim();
        if name.is_empty() {
            continue;
        }
        if townships.len() == TOWNSHIPS_MAX {
            problems.push(format!("乡镇最多 {TOWNSHIPS_MAX} 个"));
            break;
        }
        let mut one = FieldErrors::new();
        let label = format!("第 {} 行的乡镇", n + 1);
        let name = one.required_text("t", &label, name, TOWNSHIP_NAME_MAX);
        if let Some(m) = one.get("t") {
            problems.push(m.to_string());
        } else if townships.contains(&name) {
            problems.push(format!("“{name}”重复填写了"));
        } else {
            townships.push(name);
        }
    }
    if townships.is_empty() && problems.is_empty() {
        problems.push("请至少填写一个乡镇".into());
    }
    let removed: Vec<String> = before
        .township_list()
        .into_iter()
        .filter(|t| !townships.contains(t))
        .collect();
    for (t, n) in queries::projects_in_townships(app.store.reader(), code, &removed).await? {
        problems.push(format!("“{t}”还有 {n} 个项目，不能删除"));
    }
    if !problems.is_empty() {
        return Err(AppError::field("townships", problems.join("；")));
    }
    let after = county::Model {
        townships: serde_json::to_string(&townships)?,
        ..before.clone()
    };
    if after == before {
        return Ok(before);
    }
    let audit = entry(
        app,
        actor,
        code,
        ("county", code),
        "update",
        Some(&before),
        Some(&after),
    )?;
    update_audited(app, audit, &before, after.clone()).await?;
    Ok(after)
}

// ---------------------------------------------------------------- programmes

pub async fn programmes(app: &App, actor: &Actor) -> Result<Vec<programme::Model>, AppError> {
    Ok(queries::programmes(app.store.reader(), &actor.scope()).await?)
}

pub async fn programme(app: &App, actor: &Actor, id: &str) -> Result<programme::Model, AppError> {
    queries::programme(app.store.reader(), &actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ProgrammeInput {
    pub county_code: Option<String>,
    pub name: String,
    pub plan_document: Option<String>,
    pub period_start: String,
    pub period_end: String,
    pub budget_fen: Option<i64>,
    pub responsible_person: String,
}

struct ProgrammeFields {
    name: String,
    plan_document: Option<String>,
    period: DateRange,
    budget: Money,
    responsible_person: String,
}

/// `pre` holds what the form could not even read (a budget that is not an amount).
fn validate_programme(
    input: &ProgrammeInput,
    pre: FieldErrors,
) -> Result<ProgrammeFields, AppError> {
    use jianguan_domain::dates::parse_date;
    let mut e = pre;
    let name = e.required_text("name", "项目名称", &input.name, 100);
    let plan_document = e.optional_text(
        "plan_document",
        "实施方案文号",
        input.plan_document.as_deref(),
        100,
    );
    let start = parse_date(&input.period_start)
        .map_err(|m| e.add("period_start", m))
        .ok();
    let end = parse_date(&input.period_end)
        .map_err(|m| e.add("period_end", m))
        .ok();
    let period = match (start, end) {
        (Some(s), Some(en)) => DateRange::new(s, en)
            .map_err(|err| e.add("period_end", err.to_string()))
            .ok(),
        _ => None,
    };
    let budget = match input.budget_fen.map(Money::from_fen) {
        Some(Ok(m)) => Some(m),
        Some(Err(err)) => {
            e.add("budget", err.to_string());
            None
        }
        None => {
            e.add("budget", "请填写中央财政资金预算（元）");
            None
        }
    };
    let responsible_person = e.required_text(
        "responsible_person",
        "日常监管责任人",
        &input.responsible_person,
        50,
    );
    match (period, budget) {
        (Some(period), Some(budget)) if e.is_empty() => Ok(ProgrammeFields {
            name,
            plan_document,
            period,
            budget,
            responsible_person,
        }),
        _ => Err(e.into()),
    }
}

pub async fn create_programme(
    app: &App,
    actor: &Actor,
    input: &ProgrammeInput,
    pre: FieldErrors,
) -> Result<programme::Model, AppError> {
    actor.require(Permission::Administer)?;
    let county = actor.county_for_write(input.county_code.as_deref())?;
    let f = validate_programme(input, pre)?;
    if queries::county(app.store.reader(), &county)
        .await?
        .is_none()
    {
        return Err(AppError::field("county_code", "所属县不存在"));
    }
    let now = app.now();
    let model = programme::Model {
        id: new_id(),
        county_code: county.clone(),
        name: f.name,
        plan_document: f.plan_document,
        period_start: f.period.start,
        period_end: f.period.end,
        budget_fen: f.budget.fen(),
        responsible_person: f.responsible_person,
        profile: "jiaocheng-2022".into(),
        created_at: now,
        updated_at: now,
        voided_at: None,
        void_reason: None,
    };
    let audit = entry(
        app,
        actor,
        &county,
        ("programme", &model.id),
        "create",
        None,
        Some(&model),
    )?;
    insert_audited(app, audit, model.clone()).await?;
    Ok(model)
}

pub async fn update_programme(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &ProgrammeInput,
    pre: FieldErrors,
) -> Result<programme::Model, AppError> {
    actor.require(Permission::Administer)?;
    let before = programme(app, actor, id).await?;
    if before.voided_at.is_some() {
        return Err(AppError::Conflict("该综合示范项目已作废，不能修改".into()));
    }
    let f = validate_programme(input, pre)?;
    let after = programme::Model {
        name: f.name,
        plan_document: f.plan_document,
        period_start: f.period.start,
        period_end: f.period.end,
        budget_fen: f.budget.fen(),
        responsible_person: f.responsible_person,
        updated_at: app.now(),
        ..before.clone()
    };
    let audit = entry(
        app,
        actor,
        &before.county_code,
        ("programme", id),
        "update",
        Some(&before),
        Some(&after),
    )?;
    let mut tx = app.store.begin().await?;
    crate::funds::check_budget(&tx, &after).await?;
    tx.replace(&before, after.clone()).await?;
    tx.record(audit).await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn void_programme(
    app: &App,
    actor: &Actor,
    id: &str,
    reason: &str,
) -> Result<programme::Model, AppError> {
    actor.require(Permission::Administer)?;
    let before = programme(app, actor, id).await?;
    if before.voided_at.is_some() {
        return Err(AppError::Conflict("该综合示范项目已经作废".into()));
    }
    let reason = void_reason(reason)?;
    // Counted by the database, so a county of any size is judged right.
    let scope = jianguan_store::Scope::county(&before.county_code);
    let filter = ListFilter {
        programme_id: Some(id.to_string()),
        limit: 1,
        ..Default::default()
    };
    let live = queries::projects(app.store.reader(), &scope, &filter)
        .await?
        .total;
    if live > 0 {
        return Err(AppError::Conflict(format!(
            "该综合示范项目下还有 {live} 个未作废的承办项目，请先处理这些项目"
        )));
    }
    let now = app.now();
    let after = programme::Model {
        voided_at: Some(now),
        void_reason: Some(reason),
        updated_at: now,
        ..before.clone()
    };
    let audit = entry(
        app,
        actor,
        &before.county_code,
        ("programme", id),
        "void",
        Some(&before),
        Some(&after),
    )?;
    update_audited(app, audit, &before, after.clone()).await?;
    Ok(after)
}

// ---------------------------------------------------------------- enterprises

/// Rows a list answers at once, at most.
pub const MAX_PAGE: u64 = 500;
/// How far a list may page; far beyond any county's records.
pub const MAX_OFFSET: u64 = 10_000_000;

/// Refuses a page the caller sized beyond what a list answers.
pub fn check_page(offset: u64, limit: u64) -> Result<(), AppError> {
    let mut e = FieldErrors::new();
    if limit > MAX_PAGE {
        e.add("limit", format!("每页最多 {MAX_PAGE} 条，请分页查询"));
    }
    if offset > MAX_OFFSET {
        e.add("offset", format!("起始位置不能超过 {MAX_OFFSET}"));
    }
    e.into_result(()).map_err(AppError::from)
}

pub async fn enterprises(
    app: &App,
    actor: &Actor,
    f: &ListFilter,
) -> Result<Paged<enterprise::Model>, AppError> {
    check_page(f.offset, f.limit)?;
    Ok(queries::enterprises(app.store.reader(), &actor.scope(), f).await?)
}

pub async fn enterprise(app: &App, actor: &Actor, id: &str) -> Result<enterprise::Model, AppError> {
    queries::enterprise(app.store.reader(), &actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn check_uscc_unique(
    app: &App,
    county: &str,
    f: &EnterpriseFields,
    except: Option<&str>,
) -> Result<(), AppError> {
    let same = queries::enterprises_with_uscc(app.store.reader(), county, f.uscc.as_str()).await?;
    if let Some(other) = same.iter().find(|e| Some(e.id.as_str()) != except) {
        return Err(AppError::field(
            "uscc",
            format!("本县已有使用该统一社会信用代码的企业：{}", other.name),
        ));
    }
    Ok(())
}

pub async fn create_enterprise(
    app: &App,
    actor: &Actor,
    county: Option<&str>,
    input: &EnterpriseInput,
) -> Result<enterprise::Model, AppError> {
    actor.require(Permission::EditRecords)?;
    let county = actor.county_for_write(county)?;
    let f = input.validate()?;
    check_uscc_unique(app, &county, &f, None).await?;
    let now = app.now();
    let model = enterprise::Model {
        id: new_id(),
        county_code: county.clone(),
        name: f.name,
        uscc: f.uscc.to_string(),
        legal_representative: f.legal_representative,
        contact_person: f.contact_person,
        contact_phone: f.contact_phone,
        address: f.address,
        handles_food: f.handles_food,
        created_at: now,
        updated_at: now,
        voided_at: None,
        void_reason: None,
    };
    let audit = entry(
        app,
        actor,
        &county,
        ("enterprise", &model.id),
        "create",
        None,
        Some(&model),
    )?;
    insert_audited(app, audit, model.clone()).await?;
    Ok(model)
}

pub async fn update_enterprise(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &EnterpriseInput,
) -> Result<enterprise::Model, AppError> {
    actor.require(Permission::EditRecords)?;
    let before = enterprise(app, actor, id).await?;
    if before.voided_at.is_some() {
        return Err(AppError::Conflict("该企业已作废，不能修改".into()));
    }
    let f = input.validate()?;
    check_uscc_unique(app, &before.county_code, &f, Some(id)).await?;
    let after = enterprise::Model {
        name: f.name,
        uscc: f.uscc.to_string(),
        legal_representative: f.legal_representative,
        contact_person: f.contact_person,
        contact_phone: f.contact_phone,
        address: f.address,
        handles_food: f.handles_food,
        updated_at: app.now(),
        ..before.clone()
    };
    let audit = entry(
        app,
        actor,
        &before.county_code,
        ("enterprise", id),
        "update",
        Some(&before),
        Some(&after),
    )?;
    update_audited(app, audit, &before, after.clone()).await?;
    Ok(after)
}

pub async fn void_enterprise(
    app: &App,
    actor: &Actor,
    id: &str,
    reason: &str,
) -> Result<enterprise::Model, AppError> {
    actor.require(Permission::EditRecords)?;
    let before = enterprise(app, actor, id).await?;
    if before.voided_at.is_some() {
        return Err(AppError::Conflict("该企业已经作废".into()));
    }
    let reason = void_reason(reason)?;
    let live = queries::projects(
        app.store.reader(),
        &actor.scope(),
        &ListFilter {
            enterprise_id: Some(id.to_string()),
            limit: 1,
            ..Default::default()
        },
    )
    .await?;
    if live.total > 0 {
        return Err(AppError::Conflict(format!(
            "该企业还有 {} 个未作废的承办项目，请先处理这些项目再作废企业",
            live.total
        )));
    }
    let now = app.now();
    let after = enterprise::Model {
        voided_at: Some(now),
        void_reason: Some(reason),
        updated_at: now,
        ..before.clone()
    };
    let audit = entry(
        app,
        actor,
        &before.county_code,
        ("enterprise", id),
        "void",
        Some(&before),
        Some(&after),
    )?;
    update_audited(app, audit, &before, after.clone()).await?;
    Ok(after)
}

// ---------------------------------------------------------------- projects

pub async fn projects(
    app: &App,
    actor: &Actor,
    f: &ListFilter,
) -> Result<Paged<project::Model>, AppError> {
    check_page(f.offset, f.limit)?;
    Ok(queries::projects(app.store.reader(), &actor.scope(), f).await?)
}

pub async fn project(app: &App, actor: &Actor, id: &str) -> Result<project::Model, AppError> {
    queries::project(app.store.reader(), &actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Checks what needs the database: programme, enterprise and township in the county.
async fn project_fields(
    app: &App,
    actor: &Actor,
    county: &str,
    input: &ProjectInput,
    pre: FieldErrors,
) -> Result<ProjectFields, AppError> {
    let mut e = pre;
    let scope = jianguan_store::Scope::county(county);
    let db = app.store.reader();
    if !input.programme_id.trim().is_empty()
        && queries::programme(db, &scope, input.programme_id.trim())
            .await?
            .is_none_or(|p| p.voided_at.is_some())
    {
        e.add("programme_id", "所选综合示范项目不存在");
    }
    if !input.enterprise_id.trim().is_empty() {
        match queries::enterprise(db, &actor.scope(), input.enterprise_id.trim()).await? {
            Some(ent) if ent.county_code == county && ent.voided_at.is_none() => {}
            _ => e.add("enterprise_id", "所选承办企业不存在或已作废"),
        }
    }
    if let Some(c) = queries::county(db, county).await? {
        let t = input.township.trim();
        if !t.is_empty() && !c.township_list().iter().any(|x| x == t) {
            e.add(
                "township",
                format!("“{t}”不是{}的乡镇，请从列表中选择", c.name),
            );
        }
    }
    Ok(input.validate(e)?)
}

fn project_model(
    id: String,
    county: String,
    f: ProjectFields,
    base: Option<&project::Model>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<project::Model, AppError> {
    Ok(project::Model {
        id,
        county_code: county,
        programme_id: f.programme_id,
        enterprise_id: f.enterprise_id,
        name: f.name,
        system: f.system.code().into(),
        township: f.township,
        village: f.village,
        latitude: f.latitude,
        longitude: f.longitude,
        central_funds_fen: f.central_funds.fen(),
        construction_start: f.construction.start,
        construction_end: f.construction.end,
        operation_start: f.operation_start,
        service_period_end: f.service_period_end,
        status: f.status.code().into(),
        targets: serde_json::to_string(&f.targets)?,
        created_at: base.map_or(now, |b| b.created_at),
        updated_at: now,
        voided_at: None,
        void_reason: None,
        closed_on: base.and_then(|b| b.closed_on),
    })
}

pub async fn create_project(
    app: &App,
    actor: &Actor,
    county: Option<&str>,
    input: &ProjectInput,
    pre: FieldErrors,
) -> Result<project::Model, AppError> {
    actor.require(Permission::EditRecords)?;
    let county = actor.county_for_write(county)?;
    let f = project_fields(app, actor, &county, input, pre).await?;
    let model = project_model(new_id(), county.clone(), f, None, app.now())?;
    let audit = entry(
        app,
        actor,
        &county,
        ("project", &model.id),
        "create",
        None,
        Some(&model),
    )?;
    let mut tx = app.store.begin().await?;
    crate::funds::check_allocation(&tx, &model).await?;
    tx.insert(model.clone()).await?;
    crate::funds::ledger::post_for(app, &mut tx, actor, &county, &model.id).await?;
    tx.record(audit).await?;
    tx.commit().await?;
    Ok(model)
}

pub async fn update_project(
    app: &App,
    actor: &Actor,
    id: &str,
    input: &ProjectInput,
    pre: FieldErrors,
) -> Result<project::Model, AppError> {
    actor.require(Permission::EditRecords)?;
    let before = project(app, actor, id).await?;
    if before.voided_at.is_some() {
        return Err(AppError::Conflict("该项目已作废，不能修改".into()));
    }
    let mut input = input.clone();
    if input.status.as_deref().is_none_or(|s| s.trim().is_empty()) {
        input.status = Some(before.status.clone());
    }
    let f = project_fields(app, actor, &before.county_code, &input, pre).await?;
    let from = ProjectStatus::parse(&before.status).unwrap_or(ProjectStatus::Planned);
    if !from.may_become(f.status) {
        return Err(AppError::field(
            "status",
            format!("项目状态不能从“{}”改为“{}”", from.label(), f.status.label()),
        ));
    }
    let after = project_model(
        id.to_string(),
        before.county_code.clone(),
        f,
        Some(&before),
        app.now(),
    )?;
    let audit = entry(
        app,
        actor,
        &before.county_code,
        ("project", id),
        "update",
        Some(&before),
        Some(&after),
    )?;
    let mut tx = app.store.begin().await?;
    crate::funds::check_allocation(&tx, &after).await?;
    tx.replace(&before, after.clone()).await?;
    crate::funds::ledger::post_for(app, &mut tx, actor, &before.county_code, id).await?;
    tx.record(audit).await?;
    tx.commit().await?;
    // Dates the rules read may have moved (construction, operation, service period).
    crate::docket::refresh_after_change(app, &before.county_code).await?;
    Ok(after)
}

pub async fn void_project(
    app: &App,
    actor: &Actor,
    id: &str,
    reason: &str,
) -> Result<project::Model, AppError> {
    actor.require(Permission::EditRecords)?;
    let before = project(app, actor, id).await?;
    if before.voided_at.is_some() {
        return Err(AppError::Conflict("该项目已经作废".into()));
    }
    let reason = void_reason(reason)?;
    let now = app.now();
    let after = project::Model {
        voided_at: Some(now),
        void_reason: Some(reason),
        updated_at: now,
        ..before.clone()
    };
    let audit = entry(
        app,
        actor,
        &before.county_code,
        ("project", id),
        "void",
        Some(&before),
        Some(&after),
    )?;
    // Its central funds go back to the programme: the allocation is reversed.
    crate::funds::ledger::replace_and_post(app, actor, audit, &before, after.clone(), id).await?;
    Ok(after)
}

/// The live project a form chose, read in the actor's scope: none chosen is `missing`
/// under `project_id`, one that is not there (or voided) says so; both leave None.
pub(crate) async fn chosen_project(
    app: &App,
    actor: &Actor,
    id: &str,
    missing: &str,
    e: &mut FieldErrors,
) -> Result<Option<project::Model>, AppError> {
    let id = id.trim();
    if id.is_empty() {
        e.add("project_id", missing);
        return Ok(None);
    }
    let p = queries::project(app.store.reader(), &actor.scope(), id)
        .await?
        .filter(|p| p.voided_at.is_none());
    if p.is_none() {
        e.add("project_id", "所选项目不存在或已作废");
    }
    Ok(p)
}
