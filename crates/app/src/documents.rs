//! 公文 issued from the records (GB/T 9704): a 限期整改通知书 from a rectification order, a
//! 整改意见书 or a 监督检查会议纪要 from a finalised inspection, a decision from a decided
//! sanction. Each is numbered in its office's run for the year inside its write (two
//! people issuing at once get two numbers, never one, never a gap), rendered once as PDF
//! and DOCX, kept under their SHA-256 (which the audit trail records), and never changed:
//! a wrong one is spoiled with its reason (作废, it stays in the register), a correction is
//! a new document that cites the one it replaces.

use crate::audit::entry;
use crate::secrets::new_id;
use crate::{Actor, App, AppError, Permission};
use chrono::Datelike;
use jianguan_documents::official::{self, Block, Figure, Fonts, Layout, Official, cn_date};
use jianguan_domain::document::{self as doc, DocumentKind, DocumentState, Office, Source};
use jianguan_domain::{FieldErrors, Money};
use jianguan_store::entity::{county, document, enterprise, inspection, project};
use jianguan_store::sea::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use jianguan_store::{Scope, queries, scoped};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// The Chinese faces of this machine, found once (on the pool for heavy work) and kept.
#[derive(Debug, Default)]
pub struct FontIndex {
    pub dir: Option<PathBuf>,
    found: OnceLock<Arc<Fonts>>,
}

impl FontIndex {
    pub fn new(dir: Option<PathBuf>) -> Self {
        FontIndex {
            dir,
            found: OnceLock::new(),
        }
    }
}

async fn fonts(app: &App) -> Result<Arc<Fonts>, AppError> {
    if let Some(f) = app.fonts.found.get() {
        return Ok(f.clone());
    }
    let dir = app.fonts.dir.clone();
    let found = app
        .heavy
        .run(move || Arc::new(Fonts::discover(dir.as_deref())))
        .await?;
    Ok(app.fonts.found.get_or_init(|| found).clone())
}

// ------------------------------------------------------------------ the issuing office

/// The county's issuing office: its settings, or the regulation's own office.
pub async fn office(app: &App, county_code: &str) -> Result<Office, AppError> {
    let c = queries::county(app.store.reader(), county_code)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(office_of(&c))
}

fn office_of(c: &county::Model) -> Office {
    c.document_office
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_else(|| Office::default_for(&c.name))
}

/// The administrator sets the county's issuing office.
pub async fn set_office(
    app: &App,
    actor: &Actor,
    county_code: &str,
    input: &Office,
) -> Result<Office, AppError> {
    actor.require(Permission::Administer)?;
    actor.check_county(county_code)?;
    let before = queries::county(app.store.reader(), county_code)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut e = FieldErrors::new();
    let checked = input.check(&mut e).ok_or(AppError::Validation(e))?;
    let after = county::Model {
        document_office: Some(serde_json::to_string(&checked)?),
        ..before.clone()
    };
    if after == before {
        return Ok(checked);
    }
    let mut tx = app.store.begin().await?;
    tx.replace(&before, after.clone()).await?;
    tx.record(entry(
        app,
        actor,
        county_code,
        ("county", county_code),
        "update",
        Some(&before),
        Some(&after),
    )?)
    .await?;
    tx.commit().await?;
    Ok(checked)
}

// ------------------------------------------------------------------ reading

pub async fn get(app: &App, actor: &Actor, id: &str) -> Result<document::Model, AppError> {
    scoped::one::<document::Entity>(app.store.reader(), &actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The register: the documents the actor may see, newest first; of one year if given.
pub async fn register(
    app: &App,
    actor: &Actor,
    year: Option<i32>,
    offset: u64,
    limit: u64,
) -> Result<queries::Paged<document::Model>, AppError> {
    crate::records::check_page(offset, limit)?;
    let mut q = scoped::find::<document::Entity>(&actor.scope());
    if let Some(y) = year {
        q = q.filter(document::Column::Year.eq(y));
    }
    let q = q
        .order_by_desc(document::Column::Year)
        .order_by_desc(document::Column::IssuedOn)
        .order_by_desc(document::Column::Seq)
        .order_by_asc(document::Column::Id);
    Ok(queries::page(app.store.reader(), q, offset, limit).await?)
}

/// The documents issued from a record, newest first.
pub async fn of_source(
    app: &App,
    actor: &Actor,
    source_id: &str,
) -> Result<Vec<document::Model>, AppError> {
    Ok(scoped::find::<document::Entity>(&actor.scope())
        .filter(document::Column::SourceId.eq(source_id))
        .order_by_desc(document::Column::CreatedAt)
        .limit(100)
        .all(app.store.reader())
        .await?)
}

/// A document's PDF or DOCX as issued: (bytes, content type, file name).
pub async fn file(
    app: &App,
    actor: &Actor,
    id: &str,
    format: &str,
) -> Result<(Vec<u8>, &'static str, String), AppError> {
    let d = get(app, actor, id).await?;
    let (sha, ext, ct) = match format {
        "pdf" => (&d.pdf_sha256, "pdf", "application/pdf"),
        "docx" => (
            &d.docx_sha256,
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        _ => return Err(AppError::NotFound),
    };
    let bytes = app
        .files
        .get(&format!("documents/{sha}.{ext}"))
        .await
        .map_err(|e| AppError::caused("reading a document", e))?;
    // What was issued is what is served: a file changed behind the register is refused.
    if hex::encode(Sha256::digest(&bytes)) != *sha {
        return Err(AppError::internal(
            "document file",
            format!("{} does not match its SHA-256", d.number),
        ));
    }
    Ok((bytes, ct, format!("{}（{}）.{ext}", d.title, d.number)))
}

// ------------------------------------------------------------------ drafting

/// A document as drafted from its record, before it has a number.
struct Draft {
    official: Official,
    source: &'static str,
    enterprise_id: Option<String>,
    project_id: Option<String>,
    /// Photos for the DOCX: (caption, bytes, width, height).
    photos: Vec<(String, Vec<u8>, u32, u32)>,
}

/// The regulation as the documents cite it: 《name》（number）.
fn regulation(app: &App) -> String {
    let number = app
        .profile
        .source
        .split(['（', '('])
        .next()
        .unwrap_or_default()
        .trim();
    format!("《{}》（{number}）", app.profile.name)
}

fn paras(text: &str) -> Vec<Block> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| Block::Para(l.to_string()))
        .collect()
}

async fn names(
    app: &App,
    enterprise_id: &str,
    project_id: Option<&str>,
) -> Result<(enterprise::Model, Option<project::Model>), AppError> {
    let all = Scope::everything();
    let e = queries::enterprise(app.store.reader(), &all, enterprise_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let p = match project_id {
        Some(id) => queries::project(app.store.reader(), &all, id).await?,
        None => None,
    };
    Ok((e, p))
}

fn blank(layout: Layout, office: &Office, title: String, to: Option<String>) -> Official {
    let today = chrono::NaiveDate::MIN;
    Official {
        layout,
        mark: office.mark.clone(),
        number: String::new(),
        title,
        to,
        body: Vec::new(),
        attachments: Vec::new(),
        attendance: Vec::new(),
        signer: office.name.clone(),
        date: today,
        cc: office.cc.clone(),
        printed_by: office.name.clone(),
        printed_on: today,
        figures: Vec::new(),
        photo_pages: Vec::new(),
    }
}

async fn draft_order(
    app: &App,
    actor: &Actor,
    id: &str,
    office: &Office,
) -> Result<Draft, AppError> {
    let o = crate::rectification::get(app, actor, id).await?;
    let (e, p) = names(app, &o.enterprise_id, Some(&o.project_id)).await?;
    let project = p.map(|p| p.name).unwrap_or_default();
    let mut d = blank(
        Layout::File,
        office,
        format!("关于对{}下达限期整改通知书的通知", e.name),
        Some(e.name.clone()),
    );
    let why = if o.progress_notice {
        "项目建设进度严重滞后、总体进度不足40%".to_string()
    } else {
        o.title.clone()
    };
    d.body.push(Block::Para(format!(
        "根据{}有关规定，县监督检查小组对你单位承办的“{project}”项目进行了监督检查。经查，存在{why}的问题。现下达限期整改通知。",
        regulation(app)
    )));
    d.body.push(Block::Heading1("一、存在的问题".into()));
    d.body.push(Block::Para(o.title.clone()));
    d.body.push(Block::Heading1("二、整改要求".into()));
    d.body.extend(paras(&o.requirements));
    d.body.push(Block::Heading1("三、整改期限".into()));
    d.body.push(Block::Para(format!(
        "请于{}前完成整改，并将书面整改材料（含整改前后的图片资料）报县监督检查小组。{}",
        cn_date(o.deadline),
        if o.progress_notice {
            "逾期未能整改的，取消承办资格。"
        } else {
            "逾期未整改或整改不到位的，将依照有关规定严肃处理。"
        }
    )));
    if let Some(r) = &o.responsible_person {
        d.body.push(Block::Para(format!("整改责任人：{r}。")));
    }
    Ok(Draft {
        official: d,
        source: "order",
        enterprise_id: Some(o.enterprise_id),
        project_id: Some(o.project_id),
        photos: Vec::new(),
    })
}

async fn draft_inspection(
    app: &App,
    actor: &Actor,
    id: &str,
    kind: DocumentKind,
    office: &Office,
) -> Result<Draft, AppError> {
    let (i, p) = crate::inspections::get(app, actor, id).await?;
    if !jianguan_domain::inspection::InspectionStatus::Finalised.is(&i.status) {
        return Err(AppError::Conflict(
            "检查记录定稿后才能生成纪要或整改意见书".into(),
        ));
    }
    let (e, _) = names(app, &p.enterprise_id, None).await?;
    let kinds: Vec<String> = i
        .kinds_parsed()?
        .iter()
        .filter_map(|k| jianguan_domain::inspection::parse_kind(k))
        .map(|k| jianguan_domain::inspection::kind_label(k).to_string())
        .collect();
    let inspectors = i.inspectors_parsed()?.join("、");
    let mut draft = Draft {
        official: blank(Layout::File, office, String::new(), None),
        source: "inspection",
        enterprise_id: Some(p.enterprise_id.clone()),
        project_id: Some(p.id.clone()),
        photos: Vec::new(),
    };
    let d = &mut draft.official;
    let problems = i.problems.clone().unwrap_or_default();
    if kind == DocumentKind::RectificationOpinion {
        if problems.trim().is_empty() {
            return Err(AppError::Conflict(
                "该检查记录没有发现问题，无需出具整改意见书".into(),
            ));
        }
        d.title = format!("关于{}监督检查发现问题的整改意见书", p.name);
        d.to = Some(e.name.clone());
        d.body.push(Block::Para(format!(
            "根据{}，县监督检查小组于{}对你单位承办的“{}”项目进行了{}监督检查，发现以下问题，提出整改意见如下。",
            regulation(app),
            cn_date(i.date),
            p.name,
            kinds.join("、")
        )));
        d.body.push(Block::Heading1("一、发现的问题".into()));
        d.body.extend(paras(&problems));
        d.body.push(Block::Heading1("二、整改意见".into()));
        d.body.push(Block::Para(
            "请你单位对上述问题逐项整改，并在收到本意见书之日起15日内将书面整改材料报县监督检查小组。".into(),
        ));
        return Ok(draft);
    }
    // 纪要: the minutes as recorded, who attended, and the photos after the text.
    d.layout = Layout::Minutes;
    d.mark = format!("{}纪要", office.name.trim_end_matches("办公室"));
    d.title = format!("{}{}监督检查会议纪要", p.name, kinds.join("、"));
    d.body.push(Block::Para(format!(
        "{}，县监督检查小组依据{}对“{}”（{}）进行了{}监督检查。现将有关情况纪要如下。",
        cn_date(i.date),
        regulation(app),
        p.name,
        e.name,
        kinds.join("、")
    )));
    d.body.push(Block::Heading1("一、检查情况".into()));
    d.body
        .extend(paras(i.minutes.as_deref().unwrap_or("（无会议记录）")));
    if !problems.trim().is_empty() {
        d.body.push(Block::Heading1("二、发现的问题".into()));
        d.body.extend(paras(&problems));
    }
    d.attendance.push(("出席".into(), inspectors));
    d.attendance.push(("列席".into(), e.name.clone()));
    let photos = crate::evidence::photos(app, "inspection", &i.id).await?;
    for (n, ph) in photos
        .iter()
        .filter(|ph| ph.content_type != "application/pdf")
        .enumerate()
    {
        let bytes = app
            .files
            .get(&format!("display/{}.jpg", ph.sha256))
            .await
            .map_err(|e| AppError::caused("reading a photo", e))?;
        let caption = format!(
            "图{}　{}",
            n + 1,
            ph.exif_taken_at
                .clone()
                .map(|t| format!("拍摄于 {t}"))
                .unwrap_or_else(|| ph.original_name.clone())
        );
        d.figures.push(Figure {
            caption: caption.clone(),
            format: "jpg".into(),
            bytes: bytes.clone(),
        });
        d.photo_pages.push(d.figures.len() - 1);
        let scale = (1600.0 / ph.width.max(ph.height).max(1) as f64).min(1.0);
        draft.photos.push((
            caption,
            bytes,
            (ph.width as f64 * scale) as u32,
            (ph.height as f64 * scale) as u32,
        ));
    }
    if !d.photo_pages.is_empty() {
        d.attachments.push("现场图片".into());
    }
    Ok(draft)
}

async fn draft_sanction(
    app: &App,
    actor: &Actor,
    id: &str,
    kind: DocumentKind,
    office: &Office,
) -> Result<Draft, AppError> {
    use jianguan_domain::sanction::SanctionState;
    let s = crate::sanctions::get(app, actor, id).await?;
    if SanctionState::parse(&s.state) != Some(SanctionState::Decided) {
        return Err(AppError::Conflict("处理决定作出后才能印发文书".into()));
    }
    if DocumentKind::of_sanction(&s.kind) != Some(kind) {
        return Err(AppError::field("kind", "这一处理决定不能印发为该文书"));
    }
    let (e, p) = names(app, &s.enterprise_id, s.project_id.as_deref()).await?;
    let project = p.as_ref().map(|p| p.name.clone()).unwrap_or_default();
    let decided = s.decided_on.map(cn_date).unwrap_or_default();
    let (title, to) = match kind {
        DocumentKind::Criticism => (
            format!("关于对{}予以通报批评的通报", e.name),
            "各承办企业、各相关单位".to_string(),
        ),
        DocumentKind::Disqualification => (
            format!("关于取消{}“{project}”承办资格的决定", e.name),
            e.name.clone(),
        ),
        DocumentKind::RecoveryNotice => (
            format!("关于追回{}“{project}”中央财政资金的通知", e.name),
            e.name.clone(),
        ),
        DocumentKind::Accountability => (format!("关于对{}追究责任的决定", e.name), e.name.clone()),
        _ => (format!("关于{}的通知", e.name), e.name.clone()),
    };
    let mut d = blank(Layout::File, office, title, Some(to));
    d.body.push(Block::Heading1("一、基本事实".into()));
    d.body.extend(paras(&s.facts));
    d.body.push(Block::Heading1("二、处理依据".into()));
    d.body.push(Block::Para(format!(
        "依据{}{}的规定。",
        regulation(app),
        s.clause
    )));
    d.body.push(Block::Heading1("三、处理决定".into()));
    let decision = match kind {
        DocumentKind::Criticism => {
            format!("经研究，决定对{}予以通报批评，并在政府网站公示。", e.name)
        }
        DocumentKind::Disqualification => format!(
            "经研究，决定自{decided}起取消{}“{project}”的承办资格。",
            e.name
        ),
        DocumentKind::RecoveryNotice => format!(
            "经研究，决定追回中央财政资金{}，请于{}前全额退回。",
            s.amount_fen
                .and_then(|f| Money::from_fen(f).ok())
                .map(|m| m.to_string())
                .unwrap_or_default(),
            s.deadline.map(cn_date).unwrap_or_default()
        ),
        _ => format!("经研究，决定对{}追究相应责任。", e.name),
    };
    d.body.push(Block::Para(decision));
    if let Some(n) = s.decision_note.as_deref().filter(|n| !n.trim().is_empty()) {
        d.body.extend(paras(n));
    }
    Ok(Draft {
        official: d,
        source: "sanction",
        enterprise_id: Some(s.enterprise_id),
        project_id: s.project_id,
        photos: Vec::new(),
    })
}

/// 验收意见 or 延期验收通知 from a performance evaluation (一（三）): the project, each
/// requirement as judged, and the conclusion.
async fn draft_evaluation(
    app: &App,
    actor: &Actor,
    id: &str,
    kind: DocumentKind,
    office: &Office,
) -> Result<Draft, AppError> {
    use crate::oversight::{EvaluationDetails, TARGET_RESULTS};
    let ev = crate::oversight::evaluation(app, actor, id).await?;
    if DocumentKind::of_evaluation(&ev.outcome) != Some(kind) {
        return Err(AppError::field(
            "kind",
            "这一评价结论不能印发为该文书：通过验收印发验收意见，延期验收印发延期验收通知",
        ));
    }
    let details = EvaluationDetails::of(&ev)?;
    let p = crate::records::project(app, actor, &ev.project_id).await?;
    let (e, _) = names(app, &p.enterprise_id, None).await?;
    let title = match kind {
        DocumentKind::AcceptanceOpinion => format!("关于“{}”项目验收的意见", p.name),
        _ => format!("关于“{}”项目延期验收的通知", p.name),
    };
    let mut d = blank(Layout::File, office, title, Some(e.name.clone()));
    d.body.push(Block::Para(format!(
        "根据{}，县电子商务进农村综合示范工作领导组于{}对你单位承办的“{}”项目按建设要求进行了绩效评价。现将评价情况{}如下。",
        regulation(app),
        cn_date(ev.date),
        p.name,
        if kind == DocumentKind::AcceptanceOpinion {
            "和验收意见"
        } else {
            "通知"
        }
    )));
    d.body.push(Block::Heading1("一、项目基本情况".into()));
    let funds = Money::from_fen(p.central_funds_fen)
        .map(|m| m.to_string())
        .unwrap_or_default();
    d.body.push(Block::Para(format!(
        "项目承办企业为{}，中央财政资金{funds}，建设期{}至{}。",
        e.name,
        cn_date(p.construction_start),
        cn_date(p.construction_end)
    )));
    d.body.push(Block::Heading1("二、建设要求完成情况".into()));
    d.body
        .push(Block::Table(jianguan_documents::official::Table {
            headers: vec!["建设要求".into(), "完成情况".into(), "依据".into()],
            rows: details
                .targets
                .iter()
                .map(|t| {
                    vec![
                        t.name.clone(),
                        jianguan_domain::inspection::label_of(&TARGET_RESULTS, &t.result).into(),
                        t.evidence.clone(),
                    ]
                })
                .collect(),
        }));
    if kind == DocumentKind::AcceptanceOpinion {
        d.body.push(Block::Heading1("三、验收意见".into()));
        d.body.push(Block::Para(
            "经评价，该项目各项建设要求均已完成，同意通过验收，按规定拨付中央财政资金。项目进入服务期后，请你单位继续做好运营和资产管理工作。".into(),
        ));
    } else {
        d.body.push(Block::Heading1("三、延期验收".into()));
        d.body.push(Block::Para(
            "经评价，该项目尚有建设要求未完成，暂不具备验收条件，决定延期验收。请你单位抓紧完成上述未完成的建设内容，完成后书面申请再次验收。".into(),
        ));
    }
    if let Some(n) = details.note.as_deref().filter(|n| !n.trim().is_empty()) {
        d.body.extend(paras(n));
    }
    Ok(Draft {
        official: d,
        source: "evaluation",
        enterprise_id: Some(p.enterprise_id),
        project_id: Some(p.id),
        photos: Vec::new(),
    })
}

fn cell(n: u32) -> String {
    n.to_string()
}

fn yuan(fen: i64) -> String {
    Money::from_fen(fen)
        .map(|m| m.to_string())
        .unwrap_or_default()
}

/// 季度监督检查情况报告 for the leading group, from the quarter's figures and with the
/// page's two charts.
async fn draft_quarterly(
    app: &App,
    actor: &Actor,
    key: &str,
    office: &Office,
) -> Result<Draft, AppError> {
    use crate::quarterly::{self, Quarter};
    let q = Quarter::parse_key(key, app.today())?;
    if q.end() >= app.today() {
        return Err(AppError::Conflict(format!(
            "{}尚未结束，季度结束后才能印发报告（本页可随时查看当前数字）",
            q.label()
        )));
    }
    let r = quarterly::report(app, actor, q).await?;
    let mut d = blank(
        Layout::File,
        office,
        format!(
            "关于{}{}电子商务进农村综合示范项目监督检查情况的报告",
            r.county,
            q.label()
        ),
        Some(format!("{}电子商务进农村综合示范工作领导组", r.county)),
    );
    d.body.push(Block::Para(format!(
        "根据{}，现将{}监督检查情况报告如下。",
        regulation(app),
        q.label()
    )));
    for (caption, svg) in quarterly::charts(&r) {
        d.figures.push(Figure {
            caption,
            format: "svg".into(),
            bytes: svg.into_bytes(),
        });
    }
    d.body.push(Block::Heading1("一、监督检查开展情况".into()));
    let required: u32 = r.inspections.iter().map(|l| l.required).sum();
    let done: u32 = r.inspections.iter().map(|l| l.done).sum();
    d.body.push(Block::Para(format!(
        "本季度按规定频次应开展监督检查 {required} 次，实际开展 {done} 次。分项情况如下。"
    )));
    d.body.push(Block::Table(official::Table {
        headers: ["期间", "检查类别", "涉及项目", "应检查", "已检查"]
            .map(String::from)
            .to_vec(),
        rows: r
            .inspections
            .iter()
            .map(|l| {
                vec![
                    l.period.clone(),
                    jianguan_domain::inspection::kind_label(l.kind).into(),
                    cell(l.projects),
                    cell(l.required),
                    cell(l.done),
                ]
            })
            .collect(),
    }));
    d.body.push(Block::Figure(0));
    d.body
        .push(Block::Heading1("二、发现问题及处理情况".into()));
    if r.findings.is_empty() {
        d.body.push(Block::Para("本季度未发现问题。".into()));
    } else {
        d.body.push(Block::Table(official::Table {
            headers: ["领域", "新发现", "已解决", "期末未解决"]
                .map(String::from)
                .to_vec(),
            rows: r
                .findings
                .iter()
                .map(|l| {
                    vec![
                        l.area.to_string(),
                        cell(l.new),
                        cell(l.resolved),
                        cell(l.open_at_end),
                    ]
                })
                .collect(),
        }));
        d.body.push(Block::Figure(1));
    }
    let o = &r.orders;
    d.body.push(Block::Heading1("三、整改情况".into()));
    d.body.push(Block::Para(format!(
        "本季度下达限期整改通知 {} 件，按期整改完成 {} 件，逾期整改完成 {} 件，逾期未完成 {} 件，尚在整改期限内 {} 件。",
        o.issued, o.done_on_time, o.done_late, o.open_overdue, o.open_in_time
    )));
    d.body.push(Block::Heading1("四、处理决定".into()));
    d.body.push(Block::Para(if r.sanctions.is_empty() {
        "本季度未作出处理决定。".into()
    } else {
        format!(
            "本季度作出处理决定：{}。",
            r.sanctions
                .iter()
                .map(|(k, n)| format!("{k} {n} 件"))
                .collect::<Vec<_>>()
                .join("，")
        )
    }));
    d.body.push(Block::Heading1("五、资金和资产".into()));
    d.body.push(Block::Para(format!(
        "项目中央财政资金合计{}，本季度拨付{}，截至{}累计拨付{}。中央财政资金购置资产 {} 项，原值合计{}，其中尚未贴标签 {} 项。",
        yuan(r.budget_fen),
        yuan(r.disbursed_in_quarter_fen),
        cn_date(r.as_of),
        yuan(r.disbursed_to_end_fen),
        r.assets,
        yuan(r.asset_value_fen),
        r.assets_unlabelled
    )));
    d.body.push(Block::Heading1("六、生产经营数据报送".into()));
    if r.data.is_empty() {
        d.body
            .push(Block::Para("本季度没有应报送生产经营数据的企业。".into()));
    } else {
        d.body.push(Block::Table(official::Table {
            headers: ["承办企业", "应报", "按时", "逾期", "未报"]
                .map(String::from)
                .to_vec(),
            rows: r
                .data
                .iter()
                .map(|l| {
                    vec![
                        l.enterprise.clone(),
                        cell(l.owed),
                        cell(l.on_time),
                        cell(l.late),
                        cell(l.missing),
                    ]
                })
                .collect(),
        }));
    }
    Ok(Draft {
        official: d,
        source: "quarter",
        enterprise_id: None,
        project_id: None,
        photos: Vec::new(),
    })
}

async fn draft(
    app: &App,
    actor: &Actor,
    kind: DocumentKind,
    source_id: &str,
    office: &Office,
) -> Result<Draft, AppError> {
    match kind.source() {
        Source::Order => draft_order(app, actor, source_id, office).await,
        Source::Inspection => draft_inspection(app, actor, source_id, kind, office).await,
        Source::Sanction => draft_sanction(app, actor, source_id, kind, office).await,
        Source::Evaluation => draft_evaluation(app, actor, source_id, kind, office).await,
        Source::Quarter => draft_quarterly(app, actor, source_id, office).await,
    }
}

// ------------------------------------------------------------------ issuing

/// What a person asks to issue.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueInput {
    pub kind: String,
    pub source_id: String,
    /// A correction: the document it replaces (spoiled in the same write).
    #[serde(default)]
    pub replaces: Option<String>,
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Issues a document: drafted from its record, numbered inside the write, rendered,
/// kept, registered and audited in one transaction.
pub async fn issue(
    app: &App,
    actor: &Actor,
    input: &IssueInput,
) -> Result<document::Model, AppError> {
    actor.require_staff()?;
    let kind = DocumentKind::parse(&input.kind)
        .ok_or_else(|| AppError::field("kind", "请选择要印发的文书"))?;
    let county_code = actor.county_for_write(None)?;
    let office = office(app, &county_code).await?;
    let mut draft = draft(app, actor, kind, input.source_id.trim(), &office).await?;
    let replaced = match input
        .replaces
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        Some(r) => {
            let old = get(app, actor, r).await?;
            if old.source_id != input.source_id.trim() || old.kind != kind.code() {
                return Err(AppError::field(
                    "replaces",
                    "更正只能替代同一记录的同类文书",
                ));
            }
            Some(old)
        }
        None => None,
    };
    if let Some(old) = &replaced {
        draft.official.body.push(Block::Para(format!(
            "本文件替代{}（{}），原文件作废。",
            old.number, old.title
        )));
    }
    let fonts = fonts(app).await?;
    let today = app.today();
    let year = today.year();
    let run = if kind.is_minutes() {
        "纪要".to_string()
    } else {
        office.code.clone()
    };
    let now = app.now();
    let mut tx = app.store.begin().await?;
    // The next number of the run, counted under the write lock: no gap, no repeat.
    let last: Option<i64> = document::Entity::find()
        .select_only()
        .column(document::Column::Seq)
        .filter(document::Column::CountyCode.eq(county_code.as_str()))
        .filter(document::Column::OfficeCode.eq(run.as_str()))
        .filter(document::Column::Year.eq(year))
        .order_by_desc(document::Column::Seq)
        .limit(1)
        .into_tuple()
        .one(tx.conn())
        .await?;
    let seq = last.unwrap_or(0) + 1;
    // One document of a kind per record: a second click finds the first (a correction
    // says which document it replaces).
    let already = document::Entity::find()
        .filter(document::Column::CountyCode.eq(county_code.as_str()))
        .filter(document::Column::SourceId.eq(input.source_id.trim()))
        .filter(document::Column::Kind.eq(kind.code()))
        .filter(document::Column::State.eq(DocumentState::Issued.code()))
        .filter(document::Column::VoidedAt.is_null())
        .one(tx.conn())
        .await?;
    if let Some(d) = already.filter(|d| replaced.as_ref().is_none_or(|r| r.id != d.id)) {
        return Err(AppError::Conflict(format!(
            "该记录已印发{}（{}）；如需更正，请在该文书页面选择“更正”",
            d.number,
            kind.label()
        )));
    }
    let number = if kind.is_minutes() {
        doc::minutes_number(year, seq)
    } else {
        doc::number(&office.code, year, seq)
    };
    let mut o = draft.official;
    o.number = number.clone();
    o.date = today;
    o.printed_on = today;
    let photos = std::mem::take(&mut draft.photos);
    let rendered = app
        .heavy
        .run(move || {
            let pdf = official::pdf(&o, &fonts).map_err(|e| e.to_string())?;
            let docx = official::docx::docx(&o, &photos)?;
            Ok::<_, String>((pdf, docx, o.title))
        })
        .await?
        .map_err(|e| AppError::Conflict(format!("文书生成失败：{e}")))?;
    let (pdf, docx, title) = rendered;
    let (pdf_sha, docx_sha) = (sha(&pdf.pdf), sha(&docx));
    // Content-addressed: a retry or a rolled-back write leaves at most an unused copy.
    for (key, bytes) in [
        (format!("documents/{pdf_sha}.pdf"), &pdf.pdf),
        (format!("documents/{docx_sha}.docx"), &docx),
    ] {
        app.files
            .put(&key, bytes)
            .await
            .map_err(|e| AppError::internal("storing a document", e))?;
    }
    let m = document::Model {
        id: new_id(),
        county_code: county_code.clone(),
        kind: kind.code().into(),
        source_kind: draft.source.into(),
        source_id: input.source_id.trim().to_string(),
        enterprise_id: draft.enterprise_id,
        project_id: draft.project_id,
        office_code: run,
        year,
        seq,
        number,
        title,
        issued_on: today,
        issued_by: actor.audit_name(),
        state: DocumentState::Issued.code().into(),
        spoil_reason: None,
        spoiled_on: None,
        replaces: replaced.as_ref().map(|r| r.id.clone()),
        pdf_sha256: pdf_sha,
        pdf_bytes: pdf.pdf.len() as i64,
        docx_sha256: docx_sha,
        docx_bytes: docx.len() as i64,
        pages: pdf.pages as i32,
        fonts: serde_json::to_string(&pdf.substitutions)?,
        created_at: now,
        updated_at: now,
        voided_at: None,
        void_reason: None,
    };
    tx.insert(m.clone()).await?;
    tx.record(entry(
        app,
        actor,
        &county_code,
        ("document", &m.id),
        "issue",
        None,
        Some(&m),
    )?)
    .await?;
    // The replaced document is spoiled in the same write (unless it already was).
    if let Some(old) = replaced.filter(|o| o.state == DocumentState::Issued.code()) {
        spoil_in(
            app,
            actor,
            &mut tx,
            &old,
            &format!("已由{}更正替代", m.number),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(m)
}

async fn spoil_in(
    app: &App,
    actor: &Actor,
    tx: &mut jianguan_store::WriteTx,
    before: &document::Model,
    reason: &str,
) -> Result<document::Model, AppError> {
    let current = scoped::one::<document::Entity>(tx.conn(), &Scope::everything(), &before.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if DocumentState::parse(&current.state) == Some(DocumentState::Spoiled) {
        return Err(AppError::Conflict(format!("{}已经作废", current.number)));
    }
    let after = document::Model {
        state: DocumentState::Spoiled.code().into(),
        spoil_reason: Some(reason.to_string()),
        spoiled_on: Some(app.today()),
        updated_at: app.now(),
        ..current.clone()
    };
    tx.replace(&current, after.clone()).await?;
    tx.record(entry(
        app,
        actor,
        &current.county_code,
        ("document", &current.id),
        "spoil",
        Some(&current),
        Some(&after),
    )?)
    .await?;
    Ok(after)
}

/// Spoils a document (作废) with its reason: it stays in the register, marked.
pub async fn spoil(
    app: &App,
    actor: &Actor,
    id: &str,
    reason: &str,
) -> Result<document::Model, AppError> {
    actor.require_staff()?;
    let before = get(app, actor, id).await?;
    let mut e = FieldErrors::new();
    let reason = e.required_text("reason", "作废原因", reason, 500);
    if !e.is_empty() {
        return Err(AppError::Validation(e));
    }
    let mut tx = app.store.begin().await?;
    let after = spoil_in(app, actor, &mut tx, &before, &reason).await?;
    tx.commit().await?;
    Ok(after)
}

/// The kinds of document a record may be issued as, for its page.
pub fn kinds_for_order() -> Vec<DocumentKind> {
    vec![DocumentKind::RectificationNotice]
}

/// A finalised inspection: its minutes, and an opinion when it found problems.
pub fn kinds_for_inspection(i: &inspection::Model) -> Vec<DocumentKind> {
    if !jianguan_domain::inspection::InspectionStatus::Finalised.is(&i.status) {
        return Vec::new();
    }
    let mut k = vec![DocumentKind::Minutes];
    if i.problems.as_deref().is_some_and(|p| !p.trim().is_empty()) {
        k.push(DocumentKind::RectificationOpinion);
    }
    k
}

/// A decided sanction: the decision's own document.
pub fn kinds_for_sanction(kind: &str, state: &str) -> Vec<DocumentKind> {
    if state != jianguan_domain::sanction::SanctionState::Decided.code() {
        return Vec::new();
    }
    DocumentKind::of_sanction(kind).into_iter().collect()
}

/// An evaluation that accepts or defers: its 验收意见 or 延期验收通知.
pub fn kinds_for_evaluation(outcome: &str) -> Vec<DocumentKind> {
    DocumentKind::of_evaluation(outcome).into_iter().collect()
}

/// Which faces stood in for the official ones when a document was set: (what for, the
/// face wanted, the face used). Its page says so, so that nobody takes a stand-in for
/// 仿宋_GB2312 unawares.
pub fn font_notes(d: &document::Model) -> Vec<(&'static str, String, String)> {
    let recorded: Vec<serde_json::Value> = serde_json::from_str(&d.fonts).unwrap_or_default();
    recorded
        .iter()
        .map(|f| {
            let s = |k: &str| f.get(k).and_then(|v| v.as_str()).unwrap_or_default();
            let role = match s("role") {
                "body" => "正文",
                "title" => "标题和发文机关标志",
                "heading1" => "一级标题",
                "heading2" => "二级标题",
                "number" => "页码",
                _ => "文字",
            };
            (role, s("wanted").to_string(), s("used").to_string())
        })
        .collect()
}
