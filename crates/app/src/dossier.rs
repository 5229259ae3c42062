//! 验收/审计档案: everything the county holds about one project (or every project of a
//! programme, each in a folder of its own), in one ZIP that checks
//! itself — every record as JSON and XLSX, every issued document as PDF and DOCX, every
//! photo and attachment original, the rows of the audit chain about those records with the
//! chain's links from them to the head, the latest signed checkpoint of the chain, and a
//! manifest of every file's SHA-256 and size, signed with the deployment's key.
//!
//! Memory: the project's records are read once (what its pages show); each photo and
//! document is read, written and let go one at a time; the audit rows and the chain's
//! links are read and written in pages. [`verify`] needs no database: it reads the ZIP
//! through its hashes and the chain a line at a time.

use crate::{Actor, App, AppError, Permission};
use chrono::{DateTime, Utc};
use jianguan_documents::dossier::{self as zipfile, Entry, Writer};
use jianguan_documents::xlsx::table::{Cell, MAX_ROWS, Table};
use jianguan_store::entity::*;
use jianguan_store::sea::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use jianguan_store::{Checkpoint, Signed};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

pub const FORMAT: &str = "jianguan-dossier";
pub const VERSION: u32 = 1;
const EXCERPT: &str = "audit/excerpt.jsonl";
const CHAIN: &str = "audit/chain.jsonl";
/// Chain links read and written at a time.
const CHAIN_PAGE: u64 = 5_000;
/// Ids per `IN (…)` list.
const ID_CHUNK: usize = 500;
/// Longest line of the excerpt (an audit row with its record before and after).
const MAX_EXCERPT_LINE: usize = 16 * 1024 * 1024;
/// Problems listed one by one before the rest are counted.
const MAX_PROBLEMS: usize = 200;

/// What `manifest.json` says.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    pub county: String,
    /// "project", or "programme" (each of its projects under `projects/NAME-ID/`).
    pub scope: String,
    pub subject_id: String,
    pub subject_name: String,
    /// The project's enterprise (empty for a programme).
    #[serde(default)]
    pub enterprise_name: String,
    pub built_at: DateTime<Utc>,
    pub built_by: String,
    pub audit: AuditExtent,
    /// The latest signed checkpoint of the chain head when the dossier was built.
    pub checkpoint: Option<Checkpoint>,
    pub files: Vec<Entry>,
}

/// Which part of the audit chain the dossier carries.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AuditExtent {
    /// Rows about this dossier's records, whole (`audit/excerpt.jsonl`).
    pub excerpt_rows: u64,
    /// The chain's links (`audit/chain.jsonl`: seq, prev_hash, hash) from this row…
    pub chain_from: i64,
    /// …to the head when the dossier was built.
    pub chain_to: i64,
    pub head_hash: String,
}

/// What a dossier is of: one project, or a whole programme with all its projects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Project(String),
    Programme(String),
}

impl Subject {
    pub fn scope(&self) -> &'static str {
        match self {
            Subject::Project(_) => "project",
            Subject::Programme(_) => "programme",
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Subject::Project(id) | Subject::Programme(id) => id,
        }
    }
}

/// How far a build has gone: files written of files planned, and what it is doing.
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicU64,
    total: AtomicU64,
    stage: Mutex<String>,
}

impl Progress {
    /// (done, total, stage).
    pub fn snapshot(&self) -> (u64, u64, String) {
        let stage = self.stage.lock().map(|s| s.clone()).unwrap_or_default();
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
            stage,
        )
    }

    pub fn percent(&self) -> u64 {
        let (done, total, _) = self.snapshot();
        (done * 100).checked_div(total).unwrap_or(0).min(100)
    }

    fn plan(&self, more: u64) {
        self.total.fetch_add(more, Ordering::Relaxed);
    }

    fn step(&self, stage: &str) {
        self.done.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut s) = self.stage.lock() {
            stage.clone_into(&mut s);
        }
    }
}

/// The ZIP being written, on the blocking pool one file at a time.
struct Sink(Option<Writer<File>>);

impl Sink {
    async fn run<T: Send + 'static>(
        &mut self,
        f: impl FnOnce(&mut Writer<File>) -> Result<T, String> + Send + 'static,
    ) -> Result<T, AppError> {
        let mut w = self
            .0
            .take()
            .ok_or_else(|| AppError::Conflict("档案写入已中断".into()))?;
        let (w, r) = tokio::task::spawn_blocking(move || {
            let r = f(&mut w);
            (w, r)
        })
        .await
        .map_err(|e| AppError::internal("writing a dossier", e))?;
        self.0 = Some(w);
        r.map_err(|e| AppError::Conflict(format!("档案写入失败：{e}")))
    }

    async fn add(&mut self, path: String, bytes: Vec<u8>) -> Result<(), AppError> {
        self.run(move |w| w.add(&path, &bytes)).await
    }
}

/// Who may build a dossier: whoever reads the whole county (the bureau and auditors),
/// not a contractor: the audit excerpt carries the bureau's own working.
pub fn may_build(actor: &Actor) -> bool {
    actor.may(Permission::ReadCounty)
}

/// One table of the project's records, as JSON objects.
struct Records {
    name: &'static str,
    rows: Vec<Value>,
}

fn as_json<M: serde::Serialize>(mut ms: Vec<M>, name: &'static str) -> Result<Records, AppError> {
    let mut rows = ms
        .drain(..)
        .map(|m| serde_json::to_value(&m))
        .collect::<Result<Vec<_>, _>>()?;
    rows.sort_by(|a, b| id_of(a).cmp(&id_of(b)));
    Ok(Records { name, rows })
}

fn id_of(v: &Value) -> Option<&str> {
    v.get("id").and_then(Value::as_str)
}

fn ids(r: &Records) -> Vec<String> {
    r.rows
        .iter()
        .filter_map(id_of)
        .map(str::to_string)
        .collect()
}

/// The tables that name the project.
macro_rules! by_project {
    ($db:expr, $pid:expr, $out:expr, $($m:ident => $name:literal),* $(,)?) => {
        $(
            $out.push(as_json(
                $m::Entity::find().filter($m::Column::ProjectId.eq($pid)).all($db).await?,
                $name,
            )?);
        )*
    };
}

/// The tables under those, by their parents' ids, a chunk of ids at a time.
macro_rules! by_parent {
    ($db:expr, $parents:expr, $out:expr, $m:ident, $col:ident, $name:literal) => {{
        let mut all = Vec::new();
        for chunk in $parents.chunks(ID_CHUNK) {
            all.extend(
                $m::Entity::find()
                    .filter($m::Column::$col.is_in(chunk.iter().cloned()))
                    .all($db)
                    .await?,
            );
        }
        $out.push(as_json(all, $name)?);
    }};
}

fn table_ids(tables: &[Records], name: &str) -> Vec<String> {
    tables
        .iter()
        .find(|t| t.name == name)
        .map(ids)
        .unwrap_or_default()
}

async fn project_records(app: &App, project: &project::Model) -> Result<Vec<Records>, AppError> {
    let db = app.store.reader();
    let pid = project.id.as_str();
    let mut out = vec![as_json(vec![project.clone()], "projects")?];
    let enterprise = enterprise::Entity::find_by_id(project.enterprise_id.clone())
        .all(db)
        .await?;
    out.push(as_json(enterprise, "enterprises")?);
    by_project!(db, pid, out,
        progress_plan => "progress_plans",
        progress_report => "progress_reports",
        inspection => "inspections",
        finding => "findings",
        rectification_order => "rectification_orders",
        submission_review => "submission_reviews",
        sanction => "sanctions",
        fund_recovery => "fund_recoveries",
        incident => "incidents",
        performance_evaluation => "performance_evaluations",
        market_finding => "market_findings",
        training_class => "training_classes",
        subsidy_claim => "subsidy_claims",
        disbursement => "disbursements",
        ledger_entry => "ledger_entries",
        asset => "assets",
        inventory_count => "inventory_counts",
        document => "documents",
    );
    let inspections = table_ids(&out, "inspections");
    let orders = table_ids(&out, "rectification_orders");
    let classes = table_ids(&out, "training_classes");
    let assets = table_ids(&out, "assets");
    let counts = table_ids(&out, "inventory_counts");
    by_parent!(
        db,
        inspections,
        out,
        inspection_version,
        InspectionId,
        "inspection_versions"
    );
    by_parent!(
        db,
        orders,
        out,
        order_submission,
        OrderId,
        "order_submissions"
    );
    by_parent!(
        db,
        classes,
        out,
        training_roster,
        ClassId,
        "training_rosters"
    );
    by_parent!(db, assets, out, asset_transfer, AssetId, "asset_transfers");
    by_parent!(db, counts, out, inventory_scan, CountId, "inventory_scans");
    let owners: Vec<String> = out.iter().flat_map(ids).collect();
    by_parent!(db, owners, out, photo, OwnerId, "photos");
    Ok(out)
}

/// A record table as a sheet: its columns as they are named in the JSON.
fn sheet_of(t: &Records) -> Table<'_> {
    let headers: Vec<&str> = t
        .rows
        .first()
        .and_then(Value::as_object)
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let rows = t
        .rows
        .iter()
        .take(MAX_ROWS)
        .map(|r| {
            headers
                .iter()
                .map(|h| match r.get(*h) {
                    None | Some(Value::Null) => Cell::Empty,
                    Some(Value::String(s)) => Cell::Text(s.clone()),
                    Some(Value::Bool(b)) => Cell::Text(if *b { "是" } else { "否" }.into()),
                    Some(Value::Number(n)) => n
                        .as_i64()
                        .map_or_else(|| Cell::Text(n.to_string()), Cell::Count),
                    Some(v) => Cell::Text(v.to_string()),
                })
                .collect()
        })
        .collect();
    Table {
        sheet: t.name.chars().take(31).collect(),
        headers,
        rows,
    }
}

/// A name safe as one part of a path in the ZIP.
fn part(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .take(80)
        .collect();
    match cleaned.trim() {
        "" | "." | ".." => "_".into(),
        t => t.to_string(),
    }
}

/// The projects a dossier holds, each with the folder its files go under.
struct Resolved {
    county: String,
    name: String,
    enterprise_name: String,
    programme: Option<programme::Model>,
    parts: Vec<(String, project::Model)>,
}

async fn resolve(app: &App, actor: &Actor, subject: &Subject) -> Result<Resolved, AppError> {
    let db = app.store.reader();
    match subject {
        Subject::Project(id) => {
            let p = crate::records::project(app, actor, id).await?;
            let enterprise_name = enterprise::Entity::find_by_id(p.enterprise_id.clone())
                .one(db)
                .await?
                .map(|e| e.name)
                .unwrap_or_default();
            Ok(Resolved {
                county: p.county_code.clone(),
                name: p.name.clone(),
                enterprise_name,
                programme: None,
                parts: vec![(String::new(), p)],
            })
        }
        Subject::Programme(id) => {
            let g = crate::records::programme(app, actor, id).await?;
            // Every project of the programme, voided ones included: an audit sees all.
            let projects = jianguan_store::scoped::find::<project::Entity>(&actor.scope())
                .filter(project::Column::ProgrammeId.eq(g.id.as_str()))
                .order_by_asc(project::Column::Name)
                .order_by_asc(project::Column::Id)
                .all(db)
                .await?;
            let parts = projects
                .into_iter()
                .map(|p| {
                    let short: String =
                        p.id.chars()
                            .rev()
                            .take(8)
                            .collect::<Vec<_>>()
                            .into_iter()
                            .rev()
                            .collect();
                    (format!("projects/{}-{short}/", part(&p.name)), p)
                })
                .collect();
            Ok(Resolved {
                county: g.county_code.clone(),
                name: g.name.clone(),
                enterprise_name: String::new(),
                programme: Some(g),
                parts,
            })
        }
    }
}

/// One table of records as models of their entity.
fn models<M: serde::de::DeserializeOwned>(
    tables: &[Records],
    name: &str,
) -> Result<Vec<M>, AppError> {
    Ok(tables
        .iter()
        .find(|t| t.name == name)
        .map(|t| {
            t.rows
                .iter()
                .map(|r| serde_json::from_value(r.clone()))
                .collect::<Result<_, _>>()
        })
        .transpose()?
        .unwrap_or_default())
}

/// Writes one table as JSON and XLSX under `folder`.
async fn write_table(zip: &mut Sink, folder: &str, t: Records) -> Result<(), AppError> {
    let folder = folder.to_string();
    zip.run(move |w| {
        let json = serde_json::to_vec_pretty(&t.rows).map_err(|e| e.to_string())?;
        w.add(&format!("{folder}records/{}.json", t.name), &json)?;
        let xlsx = jianguan_documents::xlsx::table::write(&sheet_of(&t))
            .map_err(|e| format!("{} 无法导出为 Excel：{e}", t.name))?;
        w.add(&format!("{folder}records/{}.xlsx", t.name), &xlsx)
    })
    .await
}

/// Builds the dossier of a project or a programme into `out`, reporting as it goes. A
/// programme's projects are read and written one after another, so memory holds one
/// project's records at a time.
pub async fn build(
    app: &App,
    actor: &Actor,
    subject: &Subject,
    out: File,
    progress: &Progress,
) -> Result<Manifest, AppError> {
    if !may_build(actor) {
        return Err(AppError::Forbidden);
    }
    let resolved = resolve(app, actor, subject).await?;
    let db = app.store.reader();
    // The chain as far as it goes now: what is written during the build is left out.
    let head = audit_log::head::Entity::find_by_id(1)
        .one(db)
        .await?
        .ok_or_else(|| AppError::bug("the audit chain has no head row"))?;
    let checkpoint = app
        .store
        .checkpoints()
        .await?
        .into_iter()
        .rfind(|c| c.seq <= head.seq);
    let mut zip = Sink(Some(Writer::new(out)));
    let mut record_ids: BTreeSet<String> = BTreeSet::new();

    if let Some(g) = &resolved.programme {
        progress.plan(2);
        record_ids.insert(g.id.clone());
        write_table(&mut zip, "", as_json(vec![g.clone()], "programmes")?).await?;
        progress.step("记录");
        progress.step("记录");
    }
    for (folder, project) in &resolved.parts {
        let tables = project_records(app, project).await?;
        let photos: Vec<photo::Model> = models(&tables, "photos")?;
        let documents: Vec<document::Model> = models(&tables, "documents")?;
        record_ids.extend(tables.iter().flat_map(ids));
        progress.plan(2 * tables.len() as u64 + photos.len() as u64 + 2 * documents.len() as u64);
        for t in tables {
            write_table(&mut zip, folder, t).await?;
            progress.step("记录");
            progress.step("记录");
        }
        for p in &photos {
            let bytes = app
                .files
                .get(&format!("originals/{}", p.sha256))
                .await
                .map_err(|e| AppError::Conflict(format!("图片 {} 的原件无法读取：{e}", p.id)))?;
            let path = format!(
                "{folder}files/{}/{}-{}",
                part(&p.owner_kind),
                p.id,
                part(&p.original_name)
            );
            zip.add(path, bytes).await?;
            progress.step("图片和附件");
        }
        for d in &documents {
            let name = format!("{}-{}", part(&d.number), d.id);
            for (key, ext) in [
                (format!("documents/{}.pdf", d.pdf_sha256), "pdf"),
                (format!("documents/{}.docx", d.docx_sha256), "docx"),
            ] {
                let bytes = app.files.get(&key).await.map_err(|e| {
                    AppError::Conflict(format!("公文 {} 的文件无法读取：{e}", d.number))
                })?;
                zip.add(format!("{folder}documents/{name}.{ext}"), bytes)
                    .await?;
                progress.step("公文");
            }
        }
    }
    let record_ids: Vec<String> = record_ids.into_iter().collect();
    progress.plan(record_ids.len().div_ceil(ID_CHUNK) as u64 + 1);

    // The audit rows about these records, a chunk of ids at a time.
    zip.run(|w| w.begin(EXCERPT)).await?;
    let mut excerpt_rows = 0u64;
    let mut first_seq = head.seq;
    for chunk in record_ids.chunks(ID_CHUNK) {
        let rows = audit_log::Entity::find()
            .filter(audit_log::Column::EntityId.is_in(chunk.iter().cloned()))
            .filter(audit_log::Column::Seq.lte(head.seq))
            .order_by_asc(audit_log::Column::Seq)
            .all(db)
            .await?;
        let mut text = Vec::new();
        for r in &rows {
            first_seq = first_seq.min(r.seq);
            serde_json::to_writer(&mut text, r)?;
            text.push(b'\n');
        }
        excerpt_rows += rows.len() as u64;
        zip.run(move |w| w.append(&text)).await?;
        progress.step("审计记录");
    }

    // The chain's links from the first of those rows (or the checkpoint, when older) to
    // the head, so that each excerpt row is tied to the head and the head to the checkpoint.
    let chain_from = checkpoint
        .as_ref()
        .map_or(first_seq, |c| c.seq.min(first_seq))
        .max(1);
    zip.run(|w| w.begin(CHAIN)).await?;
    let mut next = chain_from;
    while next <= head.seq {
        let links: Vec<(i64, String, String)> = audit_log::Entity::find()
            .select_only()
            .column(audit_log::Column::Seq)
            .column(audit_log::Column::PrevHash)
            .column(audit_log::Column::Hash)
            .filter(audit_log::Column::Seq.gte(next))
            .filter(audit_log::Column::Seq.lte(head.seq))
            .order_by_asc(audit_log::Column::Seq)
            .limit(CHAIN_PAGE)
            .into_tuple()
            .all(db)
            .await?;
        let Some(last) = links.last() else { break };
        next = last.0 + 1;
        let mut text = Vec::new();
        for (seq, prev_hash, hash) in &links {
            serde_json::to_writer(
                &mut text,
                &serde_json::json!({"seq": seq, "prev_hash": prev_hash, "hash": hash}),
            )?;
            text.push(b'\n');
        }
        zip.run(move |w| w.append(&text)).await?;
    }
    zip.run(|w| w.end()).await?;
    progress.step("审计链");

    let files = zip.run(|w| Ok(w.entries().to_vec())).await?;
    let manifest = Manifest {
        format: FORMAT.into(),
        version: VERSION,
        county: resolved.county,
        scope: subject.scope().into(),
        subject_id: subject.id().into(),
        subject_name: resolved.name,
        enterprise_name: resolved.enterprise_name,
        built_at: app.now(),
        built_by: actor.audit_name(),
        audit: AuditExtent {
            excerpt_rows,
            chain_from,
            chain_to: head.seq,
            head_hash: head.hash.clone(),
        },
        checkpoint,
        files,
    };
    let bytes = serde_json::to_vec_pretty(&manifest)?;
    let signature = app
        .audit_key
        .as_ref()
        .map(|k| serde_json::to_vec_pretty(&jianguan_store::audit::sign(k, &bytes)))
        .transpose()?;
    let w = zip
        .0
        .take()
        .ok_or_else(|| AppError::Conflict("档案写入已中断".into()))?;
    let file = tokio::task::spawn_blocking(move || {
        w.finish(&bytes, signature.as_deref())
            .and_then(|f| f.sync_all().map_err(|e| e.to_string()))
    })
    .await
    .map_err(|e| AppError::internal("finishing a dossier", e))?;
    file.map_err(|e| AppError::Conflict(format!("档案写入失败：{e}")))?;
    Ok(manifest)
}

/// What `dossier verify` found.
#[derive(Debug, Default, serde::Serialize)]
pub struct Verdict {
    pub manifest: Option<Manifest>,
    pub files_checked: usize,
    pub chain_links: u64,
    /// What does not match, each naming the file or row.
    pub problems: Vec<String>,
    /// What was checked and holds, and what could not be checked.
    pub notes: Vec<String>,
}

impl Verdict {
    fn problem(&mut self, p: String) {
        self.problems.push(p);
    }

    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

#[derive(serde::Deserialize)]
struct Link {
    seq: i64,
    prev_hash: String,
    hash: String,
}

/// Checks a dossier file without a database: every file against the manifest, the
/// manifest against its signature, each audit row against its own hash and the chain's
/// links, and the chain against the checkpoint.
pub fn verify(path: &Path) -> Result<Verdict, String> {
    let open = || File::open(path).map_err(|e| format!("无法打开 {}：{e}", path.display()));
    let back = zipfile::read_back(open()?)?;
    let mut v = Verdict {
        files_checked: back.files.len(),
        ..Verdict::default()
    };
    let manifest: Manifest = match serde_json::from_slice(&back.manifest) {
        Ok(m) => m,
        Err(e) => {
            v.problem(format!("manifest.json：无法读取（{e}）"));
            return Ok(v);
        }
    };
    if manifest.format != FORMAT {
        v.problem(format!(
            "manifest.json：不是本系统的档案（format 应为 {FORMAT}）"
        ));
        return Ok(v);
    }
    for p in zipfile::compare(&manifest.files, &back.files) {
        v.problem(p);
    }
    match back
        .signature
        .as_deref()
        .map(serde_json::from_slice::<Signed>)
    {
        None => v
            .notes
            .push("档案未签名（部署没有配置审计链签名密钥）：清单本身无法印证".into()),
        Some(Err(e)) => v.problem(format!("manifest.sig：无法读取（{e}）")),
        Some(Ok(s)) => {
            if jianguan_store::audit::signature_valid(&s.public_key, &s.signature, &back.manifest) {
                v.notes.push(format!(
                    "清单签名有效；签名公钥 {}（请与本县公布的公钥核对）",
                    s.public_key
                ));
            } else {
                v.problem(
                    "manifest.sig：签名与清单不符（清单在签名后被改动过，或签名不是这把密钥的）"
                        .into(),
                );
            }
        }
    }

    // The excerpt: each row's hash from its own content.
    let mut excerpt: HashMap<i64, String> = HashMap::new();
    let found = zipfile::each_line(open()?, EXCERPT, MAX_EXCERPT_LINE, |n, line| {
        match serde_json::from_str::<audit_log::Model>(line) {
            Ok(r) => {
                if jianguan_store::audit::row_hash(&r) != r.hash {
                    v.problems.push(format!(
                        "{EXCERPT} 第 {n} 行（审计第 {} 条，{} {}）：内容与其哈希不符",
                        r.seq, r.entity, r.entity_id
                    ));
                }
                excerpt.insert(r.seq, r.hash);
            }
            Err(e) => v.problems.push(format!("{EXCERPT} 第 {n} 行无法读取：{e}")),
        }
        Ok(())
    })?;
    if !found {
        v.problem(format!("{EXCERPT}：档案中没有审计摘录"));
    } else if excerpt.len() as u64 != manifest.audit.excerpt_rows {
        v.problem(format!(
            "{EXCERPT}：清单记有 {} 条审计记录，档案中有 {} 条",
            manifest.audit.excerpt_rows,
            excerpt.len()
        ));
    }

    // The chain: unbroken from its first link to the head, through every excerpt row.
    let mut prev: Option<Link> = None;
    let mut at_checkpoint: Option<String> = None;
    let mut linked = 0usize;
    let cp_seq = manifest.checkpoint.as_ref().map(|c| c.seq);
    let mut links = 0u64;
    let found = zipfile::each_line(open()?, CHAIN, 1024, |n, line| {
        let l: Link = match serde_json::from_str(line) {
            Ok(l) => l,
            Err(e) => return Err(format!("{CHAIN} 第 {n} 行无法读取：{e}")),
        };
        links += 1;
        match &prev {
            None if l.seq != manifest.audit.chain_from => v.problems.push(format!(
                "{CHAIN}：应从审计第 {} 条开始，实际从第 {} 条",
                manifest.audit.chain_from, l.seq
            )),
            Some(p) if l.seq != p.seq + 1 => v.problems.push(format!(
                "{CHAIN} 第 {n} 行：审计第 {} 条之后是第 {} 条，中间缺失",
                p.seq, l.seq
            )),
            Some(p) if l.prev_hash != p.hash => v.problems.push(format!(
                "{CHAIN} 第 {n} 行：审计链在第 {} 条断开（前一条的哈希对不上）",
                l.seq
            )),
            _ => {}
        }
        if let Some(h) = excerpt.get(&l.seq) {
            linked += 1;
            if *h != l.hash {
                v.problems
                    .push(format!("{EXCERPT}：审计第 {} 条的哈希与审计链不符", l.seq));
            }
        }
        if cp_seq == Some(l.seq) {
            at_checkpoint = Some(l.hash.clone());
        }
        prev = Some(l);
        Ok(())
    })?;
    v.chain_links = links;
    if !found {
        v.problem(format!("{CHAIN}：档案中没有审计链"));
    } else {
        match &prev {
            Some(last) if last.seq == manifest.audit.chain_to => {
                if last.hash != manifest.audit.head_hash {
                    v.problem(format!(
                        "{CHAIN}：链尾（第 {} 条）的哈希与清单记载的不符",
                        last.seq
                    ));
                }
            }
            Some(last) => v.problem(format!(
                "{CHAIN}：应到审计第 {} 条为止，实际到第 {} 条",
                manifest.audit.chain_to, last.seq
            )),
            None => v.problem(format!("{CHAIN}：审计链是空的")),
        }
        if linked < excerpt.len() {
            v.problem(format!(
                "{EXCERPT}：有 {} 条审计记录不在所附审计链的范围内",
                excerpt.len() - linked
            ));
        }
    }
    match &manifest.checkpoint {
        None => v
            .notes
            .push("档案生成时还没有签名检查点：审计链只能自证连续，无法与外部印证".into()),
        Some(c) => {
            if !c.signature_valid() {
                v.problem(format!("检查点（审计第 {} 条）的签名无效", c.seq));
            } else if at_checkpoint.as_deref() != Some(c.hash.as_str()) {
                v.problem(format!(
                    "检查点（审计第 {} 条）的哈希与所附审计链不符",
                    c.seq
                ));
            } else {
                v.notes.push(format!(
                    "审计链与 {} 签署的检查点（第 {} 条）一致；检查点公钥 {}",
                    c.at.with_timezone(&jianguan_domain::dates::china_offset())
                        .format("%Y-%m-%d %H:%M"),
                    c.seq,
                    c.public_key
                ));
            }
        }
    }
    if v.problems.len() > MAX_PROBLEMS {
        let more = v.problems.len() - MAX_PROBLEMS;
        v.problems.truncate(MAX_PROBLEMS);
        v.problems.push(format!("……另有 {more} 处不符"));
    }
    v.manifest = Some(manifest);
    Ok(v)
}

/// The state of one background build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    Running,
    Done { bytes: u64, files: usize },
    Failed(String),
}

#[derive(Debug, Clone)]
pub struct Job {
    pub id: String,
    pub user_id: String,
    pub subject: Subject,
    /// The project's or the programme's name.
    pub name: String,
    pub started_at: DateTime<Utc>,
    pub progress: Arc<Progress>,
    pub state: JobState,
    pub path: PathBuf,
}

/// The builds of this server. A build and its file stay an hour after it ends (behind
/// several app servers, the page and the download go to the server that built it: the
/// load balancer keeps a session on one server).
#[derive(Clone, Default)]
pub struct Jobs(Arc<Mutex<HashMap<String, Job>>>);

/// Builds running on one server at once.
const MAX_RUNNING: usize = 2;
const KEEP: chrono::Duration = chrono::Duration::hours(1);

impl Jobs {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Job>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn set(&self, id: &str, state: JobState) {
        if let Some(j) = self.lock().get_mut(id) {
            j.state = state;
        }
    }
}

/// Removes dossier files no build of this server knows that are older than [`KEEP`]: those
/// left by a server that stopped before their hour was up.
fn remove_leftovers(dir: &Path, jobs: &HashMap<String, Job>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let known: std::collections::HashSet<&Path> = jobs.values().map(|j| j.path.as_path()).collect();
    for e in entries.flatten() {
        let path = e.path();
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > KEEP.to_std().unwrap_or_default());
        if old && !known.contains(path.as_path()) {
            let _ = std::fs::remove_file(&path);
        }
    }
}

fn job_dir() -> PathBuf {
    std::env::temp_dir().join("jianguan-dossiers")
}

/// Starts building a dossier in the background, or hands back the build of the same
/// subject this user has running already (two clicks start one build).
pub async fn start(app: &App, actor: &Actor, subject: Subject) -> Result<Job, AppError> {
    if !may_build(actor) {
        return Err(AppError::Forbidden);
    }
    let name = match &subject {
        Subject::Project(id) => crate::records::project(app, actor, id).await?.name,
        Subject::Programme(id) => crate::records::programme(app, actor, id).await?.name,
    };
    let dir = job_dir();
    std::fs::create_dir_all(&dir)
        .map_err(|e| AppError::internal("creating the dossier folder", e))?;
    let now = app.now();
    let job = {
        let mut jobs = app.dossiers.lock();
        jobs.retain(|_, j| {
            let keep = j.state == JobState::Running || now - j.started_at < KEEP;
            if !keep {
                let _ = std::fs::remove_file(&j.path);
            }
            keep
        });
        remove_leftovers(&dir, &jobs);
        if let Some(j) = jobs.values().find(|j| {
            j.user_id == actor.user_id && j.subject == subject && j.state == JobState::Running
        }) {
            return Ok(j.clone());
        }
        if jobs
            .values()
            .filter(|j| j.state == JobState::Running)
            .count()
            >= MAX_RUNNING
        {
            return Err(AppError::Conflict("正在生成的档案较多，请稍候再试".into()));
        }
        let id = crate::secrets::new_id();
        let job = Job {
            path: dir.join(format!("{id}.zip")),
            id: id.clone(),
            user_id: actor.user_id.clone(),
            subject,
            name,
            started_at: now,
            progress: Arc::new(Progress::default()),
            state: JobState::Running,
        };
        jobs.insert(id, job.clone());
        job
    };
    let (app2, actor2, j) = (app.clone(), actor.clone(), job.clone());
    tokio::spawn(async move {
        let state = match File::create(&j.path) {
            Err(e) => JobState::Failed(format!("无法创建档案文件：{e}")),
            Ok(f) => match build(&app2, &actor2, &j.subject, f, &j.progress).await {
                Ok(m) => JobState::Done {
                    bytes: std::fs::metadata(&j.path).map_or(0, |m| m.len()),
                    files: m.files.len() + 1,
                },
                Err(e) => {
                    tracing::warn!(error = %e, subject = %j.subject.id(), "dossier build failed");
                    let _ = std::fs::remove_file(&j.path);
                    JobState::Failed(e.message())
                }
            },
        };
        app2.dossiers.set(&j.id, state);
    });
    Ok(job)
}

/// One of this user's builds.
pub fn job(app: &App, actor: &Actor, id: &str) -> Result<Job, AppError> {
    app.dossiers
        .lock()
        .get(id)
        .filter(|j| j.user_id == actor.user_id)
        .cloned()
        .ok_or(AppError::NotFound)
}

/// The file name a dossier is downloaded as.
pub fn file_name(job: &Job) -> String {
    format!("验收档案-{}.zip", part(&job.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job_at(path: PathBuf) -> Job {
        Job {
            id: "j".into(),
            user_id: "u".into(),
            subject: Subject::Project("p".into()),
            name: "项目".into(),
            started_at: Utc::now(),
            progress: Arc::new(Progress::default()),
            state: JobState::Done { bytes: 0, files: 0 },
            path,
        }
    }

    #[test]
    fn files_left_by_a_stopped_server_go_after_their_hour_and_known_ones_stay() {
        let dir = std::env::temp_dir().join(format!("jianguan-leftovers-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 3600);
        let make = |name: &str, at: std::time::SystemTime| {
            let p = dir.join(name);
            let f = File::create(&p).unwrap();
            f.set_modified(at).unwrap();
            p
        };
        let stale = make("stale.zip", old);
        let fresh = make("fresh.zip", std::time::SystemTime::now());
        let known = make("known.zip", old);
        let jobs = HashMap::from([("j".to_string(), job_at(known.clone()))]);
        remove_leftovers(&dir, &jobs);
        assert!(!stale.exists(), "an unknown file over an hour old goes");
        assert!(fresh.exists(), "a recent one may be another server's build");
        assert!(known.exists(), "a build this server knows keeps its file");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn names_in_the_zip_cannot_leave_their_folder() {
        assert_eq!(part("../../etc/passwd"), ".._.._etc_passwd");
        assert_eq!(part(".."), "_");
        assert_eq!(part("  "), "_");
        assert_eq!(part("现场照片.jpg"), "现场照片.jpg");
        assert_eq!(part(&"长".repeat(100)).chars().count(), 80);
    }
}
