//! 图片资料: photos handed in as evidence for an inspection or a rectification submission.
//! The original is kept byte for byte under its SHA-256; a display copy and a thumbnail
//! are derived; EXIF and the device's own time and position are recorded, and a photo far
//! from the project or not taken on the inspection's day is flagged for the reviewer.
//! A refused file leaves nothing behind, in the database or the file store.

use crate::audit::entry;
use crate::secrets::new_id;
use crate::{Actor, App, AppError, Role};
use chrono::{DateTime, Utc};
use jianguan_domain::inspection::InspectionStatus;
use jianguan_domain::rectification::MaterialReview;
use jianguan_files::photo::{self, Limits};
use jianguan_store::entity::{
    licence, market_finding, order_submission, photo as photo_row, progress_report,
    rectification_order,
};
use jianguan_store::sea::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use jianguan_store::{Scope, scoped};

/// Where and when the phone says the photo was taken, from the page (Geolocation API).
#[derive(Debug, Clone, Default)]
pub struct Device {
    pub time: Option<DateTime<Utc>>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

/// Photo policy: file size and decode limits, and how far from the project is too far.
#[derive(Debug, Clone)]
pub struct PhotoSettings {
    pub limits: Limits,
    pub max_distance_m: f64,
}

impl Default for PhotoSettings {
    fn default() -> Self {
        PhotoSettings {
            limits: Limits::default(),
            max_distance_m: 2_000.0,
        }
    }
}

/// What a photo is evidence for, and the facts its flags are judged against.
struct Owner {
    kind: &'static str,
    id: String,
    county: String,
    enterprise_id: Option<String>,
    /// The project's position.
    place: Option<(f64, f64)>,
    /// The day the photo should be from (an inspection's date).
    day: Option<chrono::NaiveDate>,
}

/// Checks that the actor may add evidence to the record now.
async fn owner(app: &App, actor: &Actor, kind: &str, id: &str) -> Result<Owner, AppError> {
    match kind {
        "inspection" => {
            let (i, p) = crate::inspections::get(app, actor, id).await?;
            if !actor.role.supervises() {
                return Err(AppError::Forbidden);
            }
            if InspectionStatus::Finalised.is(&i.status) {
                return Err(AppError::Conflict(
                    "该检查记录已定稿锁定，不能再添加图片；如需更正请使用“更正”。".into(),
                ));
            }
            Ok(Owner {
                kind: "inspection",
                id: i.id,
                county: i.county_code,
                enterprise_id: Some(p.enterprise_id),
                place: p.latitude.zip(p.longitude),
                day: Some(i.date),
            })
        }
        "submission" => {
            let db = app.store.reader();
            let s = scoped::one::<order_submission::Entity>(db, &actor.scope(), id)
                .await?
                .ok_or(AppError::NotFound)?;
            // Rectification material is the contractor's own hand-in.
            if actor.role != Role::Contractor {
                return Err(AppError::NotFound);
            }
            let order = scoped::one::<rectification_order::Entity>(db, &actor.scope(), &s.order_id)
                .await?
                .ok_or(AppError::NotFound)?;
            if !MaterialReview::Pending.is(&s.review) {
                return Err(AppError::Conflict(
                    "该整改材料已审核，不能再添加附件".into(),
                ));
            }
            let p = jianguan_store::queries::project(
                app.store.reader(),
                &actor.scope(),
                &order.project_id,
            )
            .await?;
            Ok(Owner {
                kind: "submission",
                id: s.id,
                county: s.county_code,
                enterprise_id: Some(s.enterprise_id),
                place: p.and_then(|p| p.latitude.zip(p.longitude)),
                day: None,
            })
        }
        "progress_report" => {
            let r = scoped::one::<progress_report::Entity>(app.store.reader(), &actor.scope(), id)
                .await?
                .ok_or(AppError::NotFound)?;
            let p =
                jianguan_store::queries::project(app.store.reader(), &actor.scope(), &r.project_id)
                    .await?
                    .ok_or(AppError::NotFound)?;
            if actor.role != Role::Contractor {
                return Err(AppError::Forbidden);
            }
            if crate::reporting::state_of(app, &r.id).await?
                == jianguan_domain::reporting::Review::Approved
            {
                return Err(AppError::Conflict(
                    "该进度报告已审核通过，不能再添加附件".into(),
                ));
            }
            Ok(Owner {
                kind: "progress_report",
                id: r.id,
                county: r.county_code,
                enterprise_id: Some(p.enterprise_id.clone()),
                place: p.latitude.zip(p.longitude),
                day: None,
            })
        }
        "licence" => {
            let l = scoped::one::<licence::Entity>(app.store.reader(), &actor.scope(), id)
                .await?
                .ok_or(AppError::NotFound)?;
            // The enterprise keeps its own licences current (scans included).
            if actor.role != Role::Contractor {
                return Err(AppError::Forbidden);
            }
            Ok(Owner {
                kind: "licence",
                id: l.id,
                county: l.county_code,
                enterprise_id: Some(l.enterprise_id),
                place: None,
                day: None,
            })
        }
        "market_finding" => {
            let m = crate::market::get(app, actor, id).await?;
            // The supervision group keeps the evidence of what it found.
            if !actor.role.supervises() {
                return Err(AppError::Forbidden);
            }
            if m.closed_on.is_some() {
                return Err(AppError::Conflict(
                    "该问题已处理完毕，不能再添加图片".into(),
                ));
            }
            let p = match &m.project_id {
                Some(pid) => {
                    jianguan_store::queries::project(app.store.reader(), &actor.scope(), pid)
                        .await?
                }
                None => None,
            };
            Ok(Owner {
                kind: "market_finding",
                id: m.id,
                county: m.county_code,
                enterprise_id: Some(m.enterprise_id),
                place: p.and_then(|p| p.latitude.zip(p.longitude)),
                day: Some(m.raised_on),
            })
        }
        "subsidy_claim" => {
            let c = crate::funds::claim(app, actor, id).await?;
            let p = crate::records::project(app, actor, &c.project_id).await?;
            // Invoice scans come with the claim: from the contractor, or the staff member
            // who entered it for the contractor.
            let recorder = c.recorded_by.as_deref() == Some(actor.user_id.as_str());
            if actor.role != Role::Contractor && !recorder {
                return Err(AppError::Forbidden);
            }
            if claim_reviewed(app, &c).await? {
                return Err(AppError::Conflict(
                    "该申请已审核，不能再添加发票扫描件".into(),
                ));
            }
            Ok(Owner {
                kind: "subsidy_claim",
                id: c.id,
                county: c.county_code,
                enterprise_id: Some(p.enterprise_id),
                place: None,
                day: None,
            })
        }
        "asset" => {
            let a = crate::assets::get(app, actor, id).await?;
            // Photos of an asset come from the contractor who keeps the ledger.
            if !crate::assets::keeps(actor, &a) {
                return Err(AppError::Forbidden);
            }
            Ok(Owner {
                kind: "asset",
                id: a.id,
                county: a.county_code,
                enterprise_id: Some(a.enterprise_id),
                place: a.latitude.zip(a.longitude),
                day: None,
            })
        }
        "inventory_scan" => {
            let sc = crate::inventory::scan_of(app, actor, id).await?;
            let c = crate::inventory::get(app, actor, &sc.count_id).await?;
            // What a count found is shown by whoever counted: the enterprise's own people
            // or the supervision group.
            if !crate::inventory::may_count(actor, &c) {
                return Err(AppError::Forbidden);
            }
            Ok(Owner {
                kind: "inventory_scan",
                id: sc.id,
                county: sc.county_code,
                enterprise_id: Some(sc.enterprise_id),
                place: None,
                day: Some(c.started_on.unwrap_or(c.date)),
            })
        }
        "disbursement" => {
            let d = crate::funds::disbursement(app, actor, id).await?;
            let p = crate::records::project(app, actor, &d.project_id).await?;
            // The document a payment rests on is the bureau's own record.
            actor.require_staff()?;
            Ok(Owner {
                kind: "disbursement",
                id: d.id,
                county: d.county_code,
                enterprise_id: Some(p.enterprise_id),
                place: None,
                day: None,
            })
        }
        _ => Err(AppError::NotFound),
    }
}

/// Whether a claim's review is done (or it was imported, with no review to wait for).
async fn claim_reviewed(
    app: &App,
    c: &jianguan_store::entity::subsidy_claim::Model,
) -> Result<bool, AppError> {
    Ok(crate::funds::claim_review(app, c)
        .await?
        .is_none_or(|r| r.state != jianguan_domain::reporting::Review::Submitted.code()))
}

/// The owner read again inside the write: evidence is added only to a record that is still
/// open for it (an inspection finalised, or material reviewed, a moment ago is not).
async fn still_open(
    conn: &impl jianguan_store::sea::ConnectionTrait,
    o: &Owner,
) -> Result<(), AppError> {
    use jianguan_store::entity::inspection;
    // The caller was checked against the owner already; this asks only whether it is open.
    let all = Scope::everything();
    let id = o.id.as_str();
    let open = match o.kind {
        "inspection" => scoped::one::<inspection::Entity>(conn, &all, id)
            .await?
            .is_some_and(|i| !InspectionStatus::Finalised.is(&i.status)),
        "submission" => scoped::one::<order_submission::Entity>(conn, &all, id)
            .await?
            .is_some_and(|s| MaterialReview::Pending.is(&s.review)),
        "progress_report" => scoped::one::<progress_report::Entity>(conn, &all, id)
            .await?
            .is_some(),
        "licence" => scoped::one::<licence::Entity>(conn, &all, id)
            .await?
            .is_some(),
        "market_finding" => scoped::one::<market_finding::Entity>(conn, &all, id)
            .await?
            .is_some_and(|m| m.closed_on.is_none()),
        "asset" => {
            use jianguan_store::entity::asset;
            scoped::one::<asset::Entity>(conn, &all, id)
                .await?
                .is_some()
        }
        "disbursement" => {
            use jianguan_store::entity::disbursement;
            scoped::one::<disbursement::Entity>(conn, &all, id)
                .await?
                .is_some()
        }
        "inventory_scan" => {
            use jianguan_store::entity::inventory_scan;
            scoped::one::<inventory_scan::Entity>(conn, &all, id)
                .await?
                .is_some()
        }
        "subsidy_claim" => {
            use jianguan_store::entity::subsidy_claim;
            scoped::one::<subsidy_claim::Entity>(conn, &all, id)
                .await?
                .is_some()
        }
        "tipoff" => {
            use jianguan_store::entity::tipoff;
            scoped::one::<tipoff::Entity>(conn, &all, id)
                .await?
                .is_some()
        }
        _ => false,
    };
    if open {
        Ok(())
    } else {
        Err(AppError::Conflict(crate::error::TAKEN_BY_OTHERS.into()))
    }
}

/// Great-circle distance in metres (haversine; plenty for "is it within 2 km").
pub fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let r = 6_371_000.0;
    let (la1, la2) = (a.0.to_radians(), b.0.to_radians());
    let dla = (b.0 - a.0).to_radians();
    let dlo = (b.1 - a.1).to_radians();
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * r * h.sqrt().asin()
}

/// A file name safe to show and to offer in a download: no path, no control characters.
pub fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | ':' | '|' | '?' | '*'))
        .take(120)
        .collect();
    let clean = clean.trim().trim_start_matches('.').to_string();
    if clean.is_empty() {
        "照片".into()
    } else {
        clean
    }
}

/// Checks, derives, stores and records one photo. Returns its row.
pub async fn upload(
    app: &App,
    actor: &Actor,
    owner_kind: &str,
    owner_id: &str,
    file_name: &str,
    bytes: Vec<u8>,
    device: Device,
) -> Result<photo_row::Model, AppError> {
    let o = owner(app, actor, owner_kind, owner_id).await?;
    // Written material may be a PDF where the record takes documents (a progress report,
    // an invoice scan, a payment's document); it is kept as it is, with nothing derived.
    let takes_documents = matches!(o.kind, "progress_report" | "subsidy_claim" | "disbursement");
    if takes_documents && bytes.starts_with(b"%PDF") {
        return upload_document(app, actor, o, file_name, bytes).await;
    }
    let processed = process(app, file_name, bytes).await?;
    let p = &processed.photo;

    let mut flags = Vec::new();
    let exif_place = p.exif.latitude.zip(p.exif.longitude);
    let device_place = device.latitude.zip(device.longitude);
    if let Some(place) = o.place {
        for (what, at) in [("exif", exif_place), ("device", device_place)] {
            if let Some(at) = at {
                let d = distance_m(place, at);
                if d > app.photos.max_distance_m {
                    flags.push(format!(
                        "{}位置距项目地点 {:.1} 公里，超过 {:.0} 公里",
                        if what == "exif" {
                            "照片记录的"
                        } else {
                            "上传设备的"
                        },
                        d / 1000.0,
                        app.photos.max_distance_m / 1000.0
                    ));
                }
            }
        }
    }
    if let Some(day) = o.day {
        let fmt = jianguan_domain::format_cn_date;
        if let Some(t) = p.exif.taken_at
            && t.date() != day
        {
            flags.push(format!(
                "拍摄时间为{}，不是检查当天（{}）",
                fmt(t.date()),
                fmt(day)
            ));
        }
        if let Some(t) = device.time {
            let local = jianguan_domain::china_today(t);
            if local != day {
                flags.push(format!(
                    "上传设备时间为{}，不是检查当天（{}）",
                    fmt(local),
                    fmt(day)
                ));
            }
        }
    }

    store_photo(app, actor, &o, processed, device, flags).await
}

/// A photo checked and derived, not yet stored: what a form holding several photos checks
/// all of before it writes anything.
pub struct Processed {
    name: String,
    original: Vec<u8>,
    photo: photo::Processed,
}

/// Checks and derives one photo (on the pool for heavy work); a refusal names the field.
pub async fn process(app: &App, name: &str, bytes: Vec<u8>) -> Result<Processed, AppError> {
    let limits = app.photos.limits;
    let (p, original) = app
        .heavy
        .run(move || photo::process(&bytes, &limits).map(|p| (p, bytes)))
        .await?
        .map_err(|e| {
            crate::metrics::global().rejected("photo", e.code());
            AppError::field("photo", e.to_string())
        })?;
    Ok(Processed {
        name: name.to_string(),
        original,
        photo: p,
    })
}

/// Keeps a processed photo as evidence of a tip-off just written. The display copy staff
/// see is re-encoded without EXIF; the original is kept byte for byte for the record.
pub(crate) async fn store_processed(
    app: &App,
    actor: &Actor,
    kind: &'static str,
    t: &jianguan_store::entity::tipoff::Model,
    p: Processed,
) -> Result<photo_row::Model, AppError> {
    let o = Owner {
        kind,
        id: t.id.clone(),
        county: t.county_code.clone(),
        enterprise_id: None,
        place: None,
        day: None,
    };
    store_photo(app, actor, &o, p, Device::default(), Vec::new()).await
}

/// The row of a processed photo of `o`, with its flags, stored with its three files.
async fn store_photo(
    app: &App,
    actor: &Actor,
    o: &Owner,
    p: Processed,
    device: Device,
    flags: Vec<String>,
) -> Result<photo_row::Model, AppError> {
    let ph = p.photo;
    let row = photo_row::Model {
        id: new_id(),
        county_code: o.county.clone(),
        owner_kind: o.kind.into(),
        owner_id: o.id.clone(),
        enterprise_id: o.enterprise_id.clone(),
        sha256: ph.sha256.clone(),
        original_name: safe_name(&p.name),
        content_type: ph.format.content_type().into(),
        bytes: p.original.len() as i64,
        width: i64::from(ph.width),
        height: i64::from(ph.height),
        exif_taken_at: ph
            .exif
            .taken_at
            .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()),
        exif_latitude: ph.exif.latitude,
        exif_longitude: ph.exif.longitude,
        device_time: device.time,
        device_latitude: device.latitude,
        device_longitude: device.longitude,
        flags: serde_json::to_string(&flags)?,
        uploaded_by: actor.user_id.clone(),
        created_at: app.now(),
        voided_at: None,
        void_reason: None,
    };
    let files = vec![
        (format!("originals/{}", ph.sha256), p.original),
        (format!("display/{}.jpg", ph.sha256), ph.display),
        (format!("thumbs/{}.jpg", ph.sha256), ph.thumbnail),
    ];
    store_then_record(app, actor, o, files, row).await
}

/// Stores a record's files, then its row. The files come first (content-addressed, so a
/// retry or the same photo twice is harmless), so that a row never lacks its file; an
/// intent noted in the database beforehand names them, so that if the row is never
/// written (it is refused, or the server dies in between) they are taken back — at once,
/// or by this server when it starts again ([`recover_uploads`]).
async fn store_then_record(
    app: &App,
    actor: &Actor,
    o: &Owner,
    files: Vec<(String, Vec<u8>)>,
    row: photo_row::Model,
) -> Result<photo_row::Model, AppError> {
    use jianguan_store::entity::upload_intent;
    let intent = upload_intent::Model {
        id: new_id(),
        server: app.instance.clone(),
        keys: serde_json::to_string(&files.iter().map(|(k, _)| k).collect::<Vec<_>>())?,
        created_at: app.now(),
    };
    jianguan_store::rows::insert(app.store.housekeeping(), intent.clone()).await?;
    let stored = async {
        for (k, b) in &files {
            app.files
                .put(k, b)
                .await
                .map_err(|e| AppError::internal("storing evidence", e))?;
        }
        let audit = entry(
            app,
            actor,
            &o.county,
            ("photo", &row.id),
            "upload",
            None,
            Some(&row),
        )?;
        let mut tx = app.store.begin().await?;
        still_open(tx.conn(), o).await?;
        tx.insert(row.clone()).await?;
        tx.record(audit).await?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    }
    .await;
    if stored.is_err() {
        take_back(app, &intent).await?;
    }
    upload_intent::Entity::delete_by_id(intent.id)
        .exec(app.store.housekeeping())
        .await?;
    stored.map(|()| row)
}

/// Removes the files an upload intent names that no photo row refers to (another upload
/// of the same bytes may have recorded them since).
async fn take_back(
    app: &App,
    intent: &jianguan_store::entity::upload_intent::Model,
) -> Result<usize, AppError> {
    use jianguan_store::sea::{ColumnTrait, PaginatorTrait, QueryFilter};
    let keys: Vec<String> = serde_json::from_str(&intent.keys).map_err(|e| {
        AppError::internal("reading an upload intent", format!("{}: {e}", intent.id))
    })?;
    let mut removed = 0;
    for key in keys {
        let Some(sha) = sha_of_key(&key) else {
            continue;
        };
        let referenced = photo_row::Entity::find()
            .filter(photo_row::Column::Sha256.eq(sha))
            .count(app.store.reader())
            .await?
            > 0;
        // Gone already (the server died before writing it) is as good as removed.
        if !referenced && app.files.remove(&key).await.is_ok() {
            removed += 1;
        }
    }
    Ok(removed)
}

/// Takes back what uploads left half-done: this server's intents (it died between the
/// files and the row), and any server's that are older than `stale` (a server that is
/// gone). Run at start and daily. Returns how many files were removed.
pub async fn recover_uploads(app: &App, stale: chrono::Duration) -> Result<usize, AppError> {
    use jianguan_store::entity::upload_intent;
    use jianguan_store::sea::{ColumnTrait, Condition, QueryFilter};
    let left = upload_intent::Entity::find()
        .filter(
            Condition::any()
                .add(upload_intent::Column::Server.eq(app.instance.as_str()))
                .add(upload_intent::Column::CreatedAt.lt(app.now() - stale)),
        )
        .all(app.store.housekeeping())
        .await?;
    let mut removed = 0;
    for intent in left {
        removed += take_back(app, &intent).await?;
        upload_intent::Entity::delete_by_id(intent.id)
            .exec(app.store.housekeeping())
            .await?;
    }
    if removed > 0 {
        tracing::info!(removed, "files of uploads left half-done were removed");
    }
    Ok(removed)
}

/// The SHA-256 an evidence file's key names (`originals/<sha>`, `thumbs/<sha>.jpg`).
fn sha_of_key(key: &str) -> Option<String> {
    let (area, name) = key.split_once('/')?;
    matches!(area, "originals" | "display" | "thumbs")
        .then(|| name.trim_end_matches(".jpg").to_string())
        .filter(|s| s.len() == 64)
}

/// A photo's bytes for someone allowed to see its record: `original`, `display`, `thumb`.
pub async fn file(
    app: &App,
    actor: &Actor,
    id: &str,
    variant: &str,
) -> Result<(Vec<u8>, String, photo_row::Model), AppError> {
    let row = scoped::one::<photo_row::Entity>(app.store.reader(), &actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    // A contractor sees the photos of their own records only once they are final: an
    // inspection's evidence when it is finalised, their own submissions' always.
    if actor.role == Role::Contractor && row.owner_kind == "inspection" {
        let (i, _) = crate::inspections::get(app, actor, &row.owner_id).await?;
        if !InspectionStatus::Finalised.is(&i.status) {
            return Err(AppError::NotFound);
        }
    }
    // A tip-off's photos are the county staff's alone: never a contractor's, never public.
    if row.owner_kind == "tipoff" && !actor.role.sees_whole_county() {
        return Err(AppError::NotFound);
    }
    if row.content_type == "application/pdf" && variant != "original" {
        return Err(AppError::NotFound);
    }
    let (key, ct) = match variant {
        "original" => (
            format!("originals/{}", row.sha256),
            row.content_type.clone(),
        ),
        "display" => (format!("display/{}.jpg", row.sha256), "image/jpeg".into()),
        "thumb" => (format!("thumbs/{}.jpg", row.sha256), "image/jpeg".into()),
        _ => return Err(AppError::NotFound),
    };
    let bytes = app
        .files
        .get(&key)
        .await
        .map_err(|e| AppError::caused(format!("reading file {key}"), e))?;
    Ok((bytes, ct, row))
}

/// A PDF attachment: checked, stored under its SHA-256, recorded; nothing derived from it.
async fn upload_document(
    app: &App,
    actor: &Actor,
    o: Owner,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<photo_row::Model, AppError> {
    let limits = app.photos.limits;
    let (checked, bytes) = app
        .heavy
        .run(move || (photo::check_pdf(&bytes, &limits), bytes))
        .await?;
    let sha = checked
        .inspect_err(|e| crate::metrics::global().rejected("pdf", e.code()))
        .map_err(|e| match e {
            photo::PhotoError::Corrupt => {
                AppError::field("photo", "PDF 文件不完整（可能上传中断），请重新上传。")
            }
            other => AppError::field("photo", other.to_string()),
        })?;
    let row = photo_row::Model {
        id: new_id(),
        county_code: o.county.clone(),
        owner_kind: o.kind.into(),
        owner_id: o.id.clone(),
        enterprise_id: o.enterprise_id.clone(),
        sha256: sha.clone(),
        original_name: safe_name(file_name),
        content_type: "application/pdf".into(),
        bytes: bytes.len() as i64,
        width: 0,
        height: 0,
        exif_taken_at: None,
        exif_latitude: None,
        exif_longitude: None,
        device_time: None,
        device_latitude: None,
        device_longitude: None,
        flags: "[]".into(),
        uploaded_by: actor.user_id.clone(),
        created_at: app.now(),
        voided_at: None,
        void_reason: None,
    };
    let files = vec![(format!("originals/{sha}"), bytes)];
    store_then_record(app, actor, &o, files, row).await
}

/// The live photos of a record.
pub async fn photos(
    app: &App,
    owner_kind: &str,
    owner_id: &str,
) -> Result<Vec<photo_row::Model>, AppError> {
    Ok(photo_row::Entity::find()
        .filter(photo_row::Column::OwnerKind.eq(owner_kind))
        .filter(photo_row::Column::OwnerId.eq(owner_id))
        .filter(photo_row::Column::VoidedAt.is_null())
        .order_by_asc(photo_row::Column::CreatedAt)
        .order_by_asc(photo_row::Column::Id)
        .all(app.store.reader())
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_their_paths_and_control_characters() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("C:\\照片\\现场 1.jpg"), "现场 1.jpg");
        assert_eq!(safe_name("..\u{0}"), "照片");
        assert_eq!(safe_name("a\"<b>.jpg"), "ab.jpg");
    }

    #[test]
    fn distances_are_about_right() {
        // 交城县城 to 夏家营 is about 6 km.
        let d = distance_m((37.555, 112.156), (37.5, 112.19));
        assert!((6_000.0..7_500.0).contains(&d), "{d}");
        assert!(distance_m((37.5, 112.1), (37.5, 112.1)) < 0.001);
    }
}
