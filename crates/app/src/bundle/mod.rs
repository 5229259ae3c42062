//! The import bundle: one documented, versioned JSON format (docs/import-format.md) for a
//! whole county's records. Import is all or nothing: every error is listed with its JSON
//! path and nothing is written unless the whole file is valid. Records carry their own ids,
//! so importing the same file twice changes nothing the second time.

mod checks;
mod convert;
mod hygiene;
mod locks;

use crate::{Actor, App, AppError};
use checks::{Checker, Refs};
use convert::{Shape, to_record, to_row};
use jianguan_domain::CountyCode;
use jianguan_store::entity::*;
use jianguan_store::sea::{
    Alias, ColumnTrait, EntityTrait, Expr, ExprTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use jianguan_store::{AuditEntry, queries};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashSet};

pub const FORMAT: &str = "jianguan-bundle";
pub const VERSION: u64 = 1;

/// One problem in a bundle: where (a JSON path such as `$.enterprises[3].uscc`) and what.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PathError {
    pub path: String,
    pub message: String,
}

impl PathError {
    pub fn new(path: &str, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("导入文件有 {} 处错误，未导入任何记录", .0.len())]
    Invalid(Vec<PathError>),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<jianguan_store::DbErr> for ImportError {
    fn from(e: jianguan_store::DbErr) -> Self {
        ImportError::App(e.into())
    }
}

impl From<jianguan_store::StoreError> for ImportError {
    fn from(e: jianguan_store::StoreError) -> Self {
        ImportError::App(e.into())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub county: String,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Per table: (created, updated, unchanged).
    pub tables: BTreeMap<String, (usize, usize, usize)>,
    /// What the funds ledger could not take from the bundle, in words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ledger_problems: Vec<String>,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CountyRecord {
    code: String,
    name: String,
    prefecture: String,
    province: String,
    townships: Vec<String>,
}

/// Calls `$m!` with every table of a bundle, in the order they are imported (records
/// before the records that refer to them).
macro_rules! each_table {
    ($m:ident) => {
        $m! {
            programmes: programme,
            enterprises: enterprise,
            projects: project,
            progress_plans: progress_plan,
            progress_reports: progress_report,
            training_classes: training_class,
            disbursements: disbursement,
            inspections: inspection,
            subsidy_claims: subsidy_claim,
            duplicate_decisions: duplicate_decision,
            data_reports: data_report,
            licences: licence,
            rectification_orders: rectification_order,
            fund_recoveries: fund_recovery,
            incidents: incident,
            performance_evaluations: performance_evaluation,
            market_findings: market_finding,
            assets: asset,
            asset_transfers: asset_transfer,
            inventory_counts: inventory_count,
            inventory_scans: inventory_scan,
            tipoffs: tipoff
        }
    };
}

const HEAD_KEYS: [&str; 3] = ["format", "version", "county"];

macro_rules! table_names {
    ($($key:ident: $module:ident),*) => {
        /// The table keys a bundle may hold.
        pub const TABLES: &[&str] = &[$(stringify!($key)),*];
    };
}
each_table!(table_names);

fn shape(
    fields: &'static [&'static str],
    json: &'static [&'static str],
    months: &'static [&'static str],
) -> Shape {
    Shape {
        fields,
        json,
        months,
    }
}

macro_rules! parsed_struct {
    ($($key:ident: $module:ident),*) => {
        #[derive(Default)]
        struct Parsed {
            $($key: Vec<(String, $module::Model)>,)*
        }
    };
}
each_table!(parsed_struct);

/// A bundle's text as JSON whose every string is one a record may hold (the checks that
/// need no database), or every problem with its path. The fuzz targets run this.
pub fn parse(text: &str) -> Result<Value, ImportError> {
    let root: Value = serde_json::from_str(text).map_err(|e| {
        ImportError::Invalid(vec![PathError::new(
            "$",
            format!(
                "不是有效的 JSON（第 {} 行第 {} 列）：{e}",
                e.line(),
                e.column()
            ),
        )])
    })?;
    let mut errors = Vec::new();
    hygiene::check(&root, &mut "$".to_string(), &mut errors);
    if errors.is_empty() {
        Ok(root)
    } else {
        Err(ImportError::Invalid(errors))
    }
}

/// Parses, checks and imports a bundle. `actor` None is the command line (an operator of
/// the machine); an actor may only import into their own county.
pub async fn import(
    app: &App,
    actor: Option<&Actor>,
    text: &str,
) -> Result<ImportReport, ImportError> {
    import_with(app, actor, text, &|_| {}).await
}

/// Where an import is, for a progress bar: records written of all the bundle holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Read and parsed; each record's rules are being checked.
    Checking { records: usize },
    /// `done` of `total` records written (the last table written named).
    Writing {
        table: &'static str,
        done: usize,
        total: usize,
    },
    /// Everything written; sealing into the audit chain and committing.
    Sealing,
}

/// [`import`], telling `progress` where it is.
pub async fn import_with(
    app: &App,
    actor: Option<&Actor>,
    text: &str,
    progress: &(dyn Fn(Step) + Send + Sync),
) -> Result<ImportReport, ImportError> {
    let mut errors = Vec::new();
    let owned = text.to_string();
    let root = app.heavy.run(move || parse(&owned)).await??;
    let Some(obj) = root.as_object() else {
        return Err(ImportError::Invalid(vec![PathError::new(
            "$",
            "应为一个对象（{…}）",
        )]));
    };
    if obj.get("format").and_then(Value::as_str) != Some(FORMAT) {
        errors.push(PathError::new("$.format", format!("应为“{FORMAT}”")));
    }
    if obj.get("version").and_then(Value::as_u64) != Some(VERSION) {
        errors.push(PathError::new(
            "$.version",
            format!("本程序只读取第 {VERSION} 版"),
        ));
    }
    for k in obj.keys() {
        if !HEAD_KEYS.contains(&k.as_str()) && !TABLES.contains(&k.as_str()) {
            errors.push(PathError::new(
                &format!("$.{k}"),
                format!("未知的部分“{k}”"),
            ));
        }
    }
    let county: Option<CountyRecord> = match obj.get("county") {
        None => {
            errors.push(PathError::new(
                "$.county",
                "缺少县的信息（code、name、prefecture、province、townships）",
            ));
            None
        }
        Some(v) => serde_path_to_error::deserialize(v.clone())
            .map_err(|e| {
                errors.push(PathError::new(
                    &format!("$.county.{}", e.path()),
                    e.inner().to_string(),
                ))
            })
            .ok(),
    };
    let Some(county) = county else {
        return Err(ImportError::Invalid(errors));
    };
    if CountyCode::parse(&county.code).is_err() {
        errors.push(PathError::new(
            "$.county.code",
            "县级行政区划代码应为 6 位数字",
        ));
        return Err(ImportError::Invalid(errors));
    }
    if let Some(a) = actor
        && a.county_code.as_deref().is_some_and(|c| c != county.code)
    {
        return Err(ImportError::App(AppError::NotFound));
    }
    let code = county.code.clone();
    let db = app.store.reader();
    let stored_county = queries::county(db, &code).await?;
    let now = app.now();

    let mut p = Parsed::default();
    macro_rules! parse_tables {
        ($($key:ident: $module:ident),*) => {$(
            if let Some(list) = obj.get(stringify!($key)) {
                match list.as_array() {
                    None => errors.push(PathError::new(concat!("$.", stringify!($key)), "应为一个数组（[…]）")),
                    Some(items) => {
                        let mut seen = HashSet::new();
                        for (i, item) in items.iter().enumerate() {
                            let path = format!("$.{}[{i}]", stringify!($key));
                            let mut item = item.clone();
                            if stringify!($key) == "programmes" {
                                if let Some(o) = item.as_object_mut() {
                                    o.entry("profile").or_insert_with(|| Value::String(app.profile.id.clone()));
                                }
                            }
                            let s = shape($module::FIELDS, $module::JSON_FIELDS, $module::MONTH_FIELDS);
                            if let Some(m) = to_row::<$module::Model>(&item, &path, &s, &code, now, &mut errors) {
                                if !seen.insert(m.id.clone()) {
                                    errors.push(PathError::new(&format!("{path}.id"), format!("编号“{}”在本部分重复", m.id)));
                                }
                                p.$key.push((path, m));
                            }
                        }
                    }
                }
            }
        )*};
    }
    each_table!(parse_tables);
    // A receipt code from another system is kept, like ours, only as its hash.
    for (_, t) in p.tipoffs.iter_mut() {
        if !t.receipt_code.starts_with("sha256:") {
            let code = jianguan_domain::tipoff::normalise_receipt(&t.receipt_code)
                .unwrap_or_else(|| t.receipt_code.trim().to_uppercase());
            t.receipt_code = crate::tipoffs::receipt_hash(&code);
        }
    }

    // What records may refer to: stored in the county, or in this bundle.
    let scope = jianguan_store::Scope::county(&code);
    let mut refs = Refs {
        townships: stored_county
            .as_ref()
            .map(|c| c.township_list())
            .unwrap_or_else(|| county.townships.clone()),
        ..Default::default()
    };
    refs.programmes = queries::programmes(db, &scope)
        .await?
        .into_iter()
        .map(|x| x.id)
        .collect();
    macro_rules! stored_ids {
        ($set:ident, $module:ident) => {
            refs.$set = $module::Entity::find()
                .filter($module::Column::CountyCode.eq(code.as_str()))
                .filter($module::Column::VoidedAt.is_null())
                .all(db)
                .await?
                .into_iter()
                .map(|x| x.id)
                .collect();
        };
    }
    stored_ids!(enterprises, enterprise);
    stored_ids!(projects, project);
    stored_ids!(training_classes, training_class);
    stored_ids!(disbursements, disbursement);
    stored_ids!(subsidy_claims, subsidy_claim);
    stored_ids!(assets, asset);
    stored_ids!(inventory_counts, inventory_count);
    refs.programmes
        .extend(p.programmes.iter().map(|x| x.1.id.clone()));
    refs.enterprises
        .extend(p.enterprises.iter().map(|x| x.1.id.clone()));
    refs.projects
        .extend(p.projects.iter().map(|x| x.1.id.clone()));
    refs.training_classes
        .extend(p.training_classes.iter().map(|x| x.1.id.clone()));
    refs.disbursements
        .extend(p.disbursements.iter().map(|x| x.1.id.clone()));
    refs.subsidy_claims
        .extend(p.subsidy_claims.iter().map(|x| x.1.id.clone()));
    refs.assets.extend(p.assets.iter().map(|x| x.1.id.clone()));
    refs.inventory_counts
        .extend(p.inventory_counts.iter().map(|x| x.1.id.clone()));

    // Each record's own rules, and what is stored under its id already.
    let total = {
        let mut n = 0;
        macro_rules! count_tables {
            ($($key:ident: $module:ident),*) => {$( n += p.$key.len(); )*};
        }
        each_table!(count_tables);
        n
    };
    progress(Step::Checking { records: total });
    let mut existing_by_table: BTreeMap<&'static str, BTreeMap<String, Value>> = BTreeMap::new();
    {
        let mut checker = Checker {
            refs: &refs,
            profile: &app.profile,
            errors: &mut errors,
        };
        macro_rules! check_tables {
            ($($key:ident: $module:ident),*) => {$(
                for (path, m) in &p.$key {
                    checker.$module(path, m);
                }
            )*};
        }
        each_table!(check_tables);
    }
    macro_rules! load_existing {
        ($($key:ident: $module:ident),*) => {$(
            let ids: Vec<String> = p.$key.iter().map(|x| x.1.id.clone()).collect();
            let mut found = BTreeMap::new();
            for chunk in ids.chunks(500) {
                for row in $module::Entity::find().filter($module::Column::Id.is_in(chunk.iter().map(String::as_str))).all(db).await? {
                    found.insert(row.id.clone(), serde_json::to_value(&row).unwrap_or(Value::Null));
                }
            }
            for (path, m) in &p.$key {
                if let Some(old) = found.get(&m.id) {
                    if old.get("county_code").and_then(Value::as_str) != Some(code.as_str()) {
                        errors.push(PathError::new(&format!("{path}.id"), "该编号已被其他县的记录使用"));
                    } else if !old.get("voided_at").is_none_or(Value::is_null) {
                        errors.push(PathError::new(&format!("{path}.id"), "该记录已作废，不能通过导入恢复"));
                    } else if let Some(why) = locks::refusal(stringify!($key), old, &serde_json::to_value(m).unwrap_or(Value::Null)) {
                        errors.push(PathError::new(path, why));
                    }
                }
            }
            existing_by_table.insert(stringify!($key), found);
        )*};
    }
    each_table!(load_existing);
    if !errors.is_empty() {
        return Err(ImportError::Invalid(errors));
    }

    // Everything is valid: write it all in one transaction, each change with its audit row.
    let mut done = 0;
    let mut report = ImportReport {
        county: code.clone(),
        ..Default::default()
    };
    let actor_name = actor
        .map(Actor::audit_name)
        .unwrap_or_else(|| "系统（命令行导入）".into());
    let audit =
        |entity: &str, id: &str, action: &str, before: Option<Value>, after: Value| AuditEntry {
            at: now,
            actor_id: actor.map(|a| a.user_id.clone()),
            actor_name: actor_name.clone(),
            county_code: Some(code.clone()),
            entity: entity.into(),
            entity_id: id.into(),
            action: action.into(),
            before,
            after: Some(after),
        };
    let mut tx = app.store.begin().await?;
    if stored_county.is_none() {
        let c = county::Model {
            code: code.clone(),
            name: county.name.trim().into(),
            prefecture: county.prefecture.trim().into(),
            province: county.province.trim().into(),
            townships: serde_json::to_string(&county.townships).map_err(AppError::from)?,
            created_at: now,
            document_office: None,
            public_fields: None,
        };
        let after = serde_json::to_value(&c).map_err(AppError::from)?;
        tx.insert(c).await?;
        tx.record(audit("county", &code, "import_create", None, after))
            .await?;
    }
    macro_rules! write_tables {
        ($($key:ident: $module:ident),*) => {$(
            let found = existing_by_table.remove(stringify!($key)).unwrap_or_default();
            let mut counts = (0usize, 0usize, 0usize);
            let mut new = Vec::new();
            for (_, mut m) in std::mem::take(&mut p.$key) {
                match found.get(&m.id) {
                    Some(old_value) => {
                        let old: $module::Model = serde_json::from_value(old_value.clone()).map_err(AppError::from)?;
                        m.created_at = old.created_at;
                        m.updated_at = old.updated_at;
                        if m == old {
                            counts.2 += 1;
                            continue;
                        }
                        m.updated_at = now;
                        let after = serde_json::to_value(&m).map_err(AppError::from)?;
                        let id = m.id.clone();
                        tx.replace(&old, m).await?;
                        tx.record(audit(stringify!($module), &id, "import_update", Some(old_value.clone()), after)).await?;
                        counts.1 += 1;
                    }
                    None => {
                        let after = serde_json::to_value(&m).map_err(AppError::from)?;
                        tx.record(audit(stringify!($module), &m.id, "import_create", None, after)).await?;
                        new.push(m);
                        counts.0 += 1;
                    }
                }
            }
            tx.insert_all(new).await?;
            done += counts.0 + counts.1 + counts.2;
            progress(Step::Writing { table: stringify!($key), done, total });
            report.created += counts.0;
            report.updated += counts.1;
            report.unchanged += counts.2;
            if counts != (0, 0, 0) {
                report.tables.insert(stringify!($key).to_string(), counts);
            }
        )*};
    }
    each_table!(write_tables);
    progress(Step::Sealing);
    // The money the bundle moved goes into the ledger with it; what the ledger refuses
    // (beyond the budget, repaid beyond what was owed) is named in the report and on the
    // funds pages.
    let posted = crate::funds::ledger::post(app, &mut tx, &code, None, &actor_name, false).await?;
    report.ledger_problems = posted.problems;
    if report.created + report.updated == 0 && stored_county.is_some() && posted.written == 0 {
        // Nothing changed: no transaction to keep, and no audit row for nothing.
        tx.rollback().await?;
        return Ok(report);
    }
    if report.created + report.updated == 0 {
        // Only the ledger caught up with records already here.
        let after = json!({ "entries": posted.written });
        tx.record(audit("ledger_entry", &code, "post", None, after))
            .await?;
    }
    tx.commit().await?;
    Ok(report)
}

/// The county's live records in the bundle format (voided records are not exported).
pub async fn export(app: &App, county: &str) -> Result<Value, AppError> {
    let db = app.store.reader();
    let c = queries::county(db, county)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut out = Map::new();
    out.insert("format".into(), json!(FORMAT));
    out.insert("version".into(), json!(VERSION));
    out.insert(
        "county".into(),
        json!({ "code": c.code, "name": c.name, "prefecture": c.prefecture, "province": c.province, "townships": c.township_list() }),
    );
    macro_rules! export_tables {
        ($($key:ident: $module:ident),*) => {$(
            let rows = $module::Entity::find()
                .filter($module::Column::CountyCode.eq(county))
                .filter($module::Column::VoidedAt.is_null())
                .order_by_asc($module::Column::Id)
                .all(db)
                .await?;
            let s = shape($module::FIELDS, $module::JSON_FIELDS, $module::MONTH_FIELDS);
            out.insert(stringify!($key).into(), Value::Array(rows.iter().map(|r| to_record(r, &s)).collect()));
        )*};
    }
    each_table!(export_tables);
    Ok(Value::Object(out))
}

/// One kind of the county's live records (a bundle table key, e.g. `training_classes`) in
/// the bundle format, optionally of one project or one id: the per-kind read API for the
/// records the import writes.
/// Which records of a kind, and which page of them.
#[derive(Debug, Clone, Default)]
pub struct KindFilter<'a> {
    pub project_id: Option<&'a str>,
    pub id: Option<&'a str>,
    pub offset: u64,
    pub limit: u64,
}

pub async fn export_kind(
    app: &App,
    county: &str,
    kind: &str,
    filter: &KindFilter<'_>,
) -> Result<queries::Paged<Value>, AppError> {
    crate::records::check_page(filter.offset, filter.limit)?;
    let (project_id, id) = (filter.project_id, filter.id);
    let db = app.store.reader();
    macro_rules! find_kind {
        ($($key:ident: $module:ident),*) => {
            match kind {
                $(stringify!($key) => {
                    if project_id.is_some() && !$module::FIELDS.contains(&"project_id") {
                        return Err(AppError::field(
                            "project_id",
                            format!("“{kind}”类记录不按项目区分，请去掉项目条件"),
                        ));
                    }
                    let mut q = $module::Entity::find()
                        .filter($module::Column::CountyCode.eq(county))
                        .filter($module::Column::VoidedAt.is_null());
                    if let Some(id) = id {
                        q = q.filter($module::Column::Id.eq(id));
                    }
                    if let Some(p) = project_id {
                        q = q.filter(Expr::col(Alias::new("project_id")).eq(p));
                    }
                    let total = q.clone().count(db).await?;
                    let rows = q
                        .order_by_asc($module::Column::Id)
                        .offset(filter.offset)
                        .limit(std::cmp::max(filter.limit, 1))
                        .all(db)
                        .await?;
                    let s = shape($module::FIELDS, $module::JSON_FIELDS, $module::MONTH_FIELDS);
                    queries::Paged { items: rows.iter().map(|r| to_record(r, &s)).collect::<Vec<Value>>(), total }
                })*
                _ => {
                    return Err(AppError::field(
                        "kind",
                        format!("没有“{kind}”这类记录；可查：{}", TABLES.join("、")),
                    ))
                }
            }
        };
    }
    Ok(each_table!(find_kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/import-bundle.schema.json must name exactly the fields the importer reads.
    #[test]
    fn the_published_schema_matches_the_importer() {
        let schema: Value =
            serde_json::from_str(include_str!("../../../../docs/import-bundle.schema.json"))
                .unwrap();
        macro_rules! compare {
            ($($key:ident: $module:ident),*) => {$(
                let props = &schema["properties"][stringify!($key)]["items"]["properties"];
                let mut documented: Vec<&str> = props.as_object().unwrap_or_else(|| panic!("{} undocumented", stringify!($key))).keys().map(String::as_str).collect();
                let mut read: Vec<&str> = $module::FIELDS.to_vec();
                documented.sort();
                read.sort();
                assert_eq!(documented, read, "{}", stringify!($key));
            )*};
        }
        each_table!(compare);
        let documented: Vec<&str> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        for t in TABLES.iter().chain(HEAD_KEYS.iter()) {
            assert!(documented.contains(t), "{t}");
        }
    }
}
