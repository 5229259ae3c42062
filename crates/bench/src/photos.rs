//! Photos' rows for a synthetic county (the bundle format carries none): a few distinct
//! pictures, each derived once as an upload derives it and stored under its SHA-256, then
//! one row per photo on the newest finalised inspections, round robin, written in one
//! sealed transaction with its audit row — what a county's years of uploads leave behind,
//! without decoding 20,000 JPEGs.

use jianguan_app::App;
use jianguan_domain::inspection::InspectionStatus;
use jianguan_files::FileStore;
use jianguan_files::photo::{self, Limits};
use jianguan_store::AuditEntry;
use jianguan_store::entity::{inspection, photo as photo_row, project};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

/// Distinct pictures; the rows share them.
const PICTURES: u32 = 8;

/// Attaches `n` photos to the newest finalised inspections (one each while there are
/// enough, then round again). Returns how many rows were written.
pub async fn attach(app: &App, files: &FileStore, n: usize) -> Result<usize, String> {
    let db = app.store.reader();
    let inspections = inspection::Entity::find()
        .filter(inspection::Column::Status.eq(InspectionStatus::Finalised.code()))
        .filter(inspection::Column::VoidedAt.is_null())
        .order_by_desc(inspection::Column::Date)
        .order_by_desc(inspection::Column::Id)
        .all(db)
        .await
        .map_err(|e| e.to_string())?;
    if inspections.is_empty() || n == 0 {
        return Ok(0);
    }
    let enterprise_of: HashMap<String, String> = project::Entity::find()
        .all(db)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|p| (p.id, p.enterprise_id))
        .collect();
    let mut pictures = Vec::new();
    for k in 0..PICTURES {
        let original = picture(k);
        let p = photo::process(&original, &Limits::default()).map_err(|e| e.to_string())?;
        for (key, bytes) in [
            (format!("originals/{}", p.sha256), &original),
            (format!("display/{}.jpg", p.sha256), &p.display),
            (format!("thumbs/{}.jpg", p.sha256), &p.thumbnail),
        ] {
            files.put(&key, bytes).await.map_err(|e| e.to_string())?;
        }
        pictures.push((p, original.len()));
    }
    let now = app.now();
    let rows: Vec<photo_row::Model> = (0..n)
        .map(|k| {
            let i = &inspections[k % inspections.len()];
            let (p, bytes) = &pictures[k % pictures.len()];
            photo_row::Model {
                id: format!("world-photo-{k:06}"),
                county_code: i.county_code.clone(),
                owner_kind: "inspection".into(),
                owner_id: i.id.clone(),
                enterprise_id: enterprise_of.get(&i.project_id).cloned(),
                sha256: p.sha256.clone(),
                original_name: format!("现场照片{}.jpg", k + 1),
                content_type: p.format.content_type().into(),
                bytes: *bytes as i64,
                width: i64::from(p.width),
                height: i64::from(p.height),
                exif_taken_at: None,
                exif_latitude: None,
                exif_longitude: None,
                device_time: None,
                device_latitude: None,
                device_longitude: None,
                flags: "[]".into(),
                uploaded_by: "world".into(),
                created_at: now,
                voided_at: None,
                void_reason: None,
            }
        })
        .collect();
    let county = rows[0].county_code.clone();
    let mut tx = app.store.begin().await.map_err(|e| e.to_string())?;
    tx.insert_all(rows).await.map_err(|e| e.to_string())?;
    tx.record(AuditEntry {
        at: now,
        actor_id: None,
        actor_name: "world photos".into(),
        county_code: Some(county.clone()),
        entity: "photo".into(),
        entity_id: county,
        action: "import_create".into(),
        before: None,
        after: Some(serde_json::json!({ "photos": n })),
    })
    .await
    .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(n)
}

/// A phone-sized JPEG (1600 × 1200) with a gradient, so that it compresses as a photo
/// does rather than as a flat colour; `k` shifts the colours.
fn picture(k: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(1600, 1200, |x, y| {
        image::Rgb([
            ((x / 7 + k * 31) % 256) as u8,
            ((y / 5 + k * 17) % 256) as u8,
            (((x + y) / 11 + k * 53) % 256) as u8,
        ])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(
            &mut std::io::Cursor::new(&mut out),
            image::ImageFormat::Jpeg,
        )
        .map(|()| out)
        .unwrap_or_default()
}
