//! What every page with evidence shares: reading a multipart upload (files refused as
//! they pass the limit, the device's time and place beside them), photos as shown on a
//! record's page, and a photo's bytes for whoever may see its record.

use crate::AppState;
use crate::auth::Auth;
use crate::routes::Routes;
use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jianguan_app::AppError;
use jianguan_app::Permission::*;
use jianguan_app::evidence::{self, Device};
use jianguan_store::entity::photo;

/// This area's pages, with who may use each.
pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/photos/{id}/{variant}", ReadRecords, photo_file)
}

pub struct PhotoView {
    pub id: String,
    /// A PDF attachment: linked, not shown as an image.
    pub is_pdf: bool,
    pub name: String,
    pub taken: String,
    pub flags: Vec<String>,
}

pub fn photo_views(rows: Vec<photo::Model>) -> Result<Vec<PhotoView>, AppError> {
    rows.into_iter()
        .map(|p| {
            Ok(PhotoView {
                taken: match (&p.exif_taken_at, p.exif_latitude.zip(p.exif_longitude)) {
                    (Some(t), Some((la, lo))) => format!("拍摄于 {t}，位置 {la:.5}, {lo:.5}"),
                    (Some(t), None) => format!("拍摄于 {t}"),
                    (None, Some((la, lo))) => format!("位置 {la:.5}, {lo:.5}"),
                    (None, None) => "照片无拍摄时间和位置信息".into(),
                },
                flags: p.flags_parsed()?,
                is_pdf: p.content_type == "application/pdf",
                name: p.original_name,
                id: p.id,
            })
        })
        .collect()
}

/// Reads a multipart upload: the files under `photo`, the page's device fields beside.
/// Reads the posted files and keeps each as evidence of the record `kind`/`id` (the app
/// checks the actor may add to it, and that it is still open for evidence).
pub async fn save_uploads(
    s: &AppState,
    actor: &jianguan_app::Actor,
    kind: &str,
    id: &str,
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(), AppError> {
    let (files, device) = read_upload(s, m).await?;
    for (name, bytes) in files {
        jianguan_app::evidence::upload(&s.app, actor, kind, id, &name, bytes, device.clone())
            .await?;
    }
    Ok(())
}

pub async fn read_upload(
    s: &AppState,
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(Vec<(String, Vec<u8>)>, Device), AppError> {
    // A photo larger than the photo limit is refused as it arrives, not once buffered.
    let max_file = s.app.photos.limits.max_bytes + 1;
    let mut m =
        m.map_err(|_| AppError::field("photo", "请通过页面上的“上传照片”选择文件后提交。"))?;
    let mut files = Vec::new();
    let mut device = Device::default();
    let bad = |e| super::upload_failed("photo", &e, super::UPLOAD_LIMIT);
    while let Some(field) = m.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "photo" => {
                let file_name = field.file_name().unwrap_or_default().to_string();
                let mut field = field;
                let bytes = match super::read_capped(&mut field, max_file, "photo").await {
                    Ok(b) => b,
                    Err(_) if !file_name.is_empty() => {
                        return Err(AppError::field(
                            "photo",
                            format!(
                                "“{}”：文件太大，单张照片不能超过 {} MB。",
                                evidence::safe_name(&file_name),
                                s.app.photos.limits.max_bytes / 1024 / 1024
                            ),
                        ));
                    }
                    Err(e) => return Err(e),
                };
                if file_name.is_empty() && bytes.is_empty() {
                    continue; // the file input left empty
                }
                if files.len() == super::MAX_FILES_PER_UPLOAD {
                    return Err(AppError::field(
                        "photo",
                        format!(
                            "一次最多上传 {} 个文件，请分几次上传。",
                            super::MAX_FILES_PER_UPLOAD
                        ),
                    ));
                }
                files.push((file_name, bytes));
            }
            "device_latitude" | "device_longitude" | "device_time" => {
                let v = field.text().await.map_err(bad)?;
                let v = v.trim();
                match name.as_str() {
                    "device_latitude" => {
                        device.latitude =
                            v.parse().ok().filter(|x: &f64| (-90.0..=90.0).contains(x))
                    }
                    "device_longitude" => {
                        device.longitude = v
                            .parse()
                            .ok()
                            .filter(|x: &f64| (-180.0..=180.0).contains(x))
                    }
                    _ => {
                        device.time = chrono::DateTime::parse_from_rfc3339(v)
                            .ok()
                            .map(|t| t.with_timezone(&chrono::Utc))
                    }
                }
            }
            _ => {}
        }
    }
    if device.latitude.is_none() || device.longitude.is_none() {
        device.latitude = None;
        device.longitude = None;
    }
    if files.is_empty() {
        return Err(AppError::field("photo", "请选择要上传的照片"));
    }
    Ok((files, device))
}

/// A photo's bytes, only for someone who may see its record. Never addressed by hash.
pub async fn photo_file(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path((id, variant)): Path<(String, String)>,
) -> Result<Response, super::PageError> {
    let (bytes, ct, row) = evidence::file(&s.app, &a, &id, &variant).await?;
    let disposition = if variant == "original" {
        format!(
            "attachment; filename*=UTF-8''{}",
            super::percent(&row.original_name)
        )
    } else {
        "inline".into()
    };
    Ok((
        [
            (header::CONTENT_TYPE, ct),
            (header::CACHE_CONTROL, "private, max-age=86400".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}
