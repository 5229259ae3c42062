//! Inspections over JSON: plan, record, finalise, correct, photos. The same use cases as
//! the pages, the same checks.

use super::dto::ErrorBody;
use super::extract::{ApiJson, ApiQuery};
use crate::AppState;
use crate::auth::Auth;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jianguan_app::evidence::{self, Device};
use jianguan_app::inspections::{self as ins, InspectionFilter};
use jianguan_domain::FieldErrors;
use jianguan_domain::inspection::InspectionStatus;
use jianguan_domain::inspection::{InspectionInput, StandardResult};
use jianguan_store::entity::{inspection, photo};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

use super::ApiResult;
use crate::routes::Routes;
use jianguan_app::Permission::*;

pub(crate) fn routes(r: Routes) -> Routes {
    r.api(ReadRecords, __path_list_inspections, list_inspections)
        .api(Supervise, __path_create_inspection, create_inspection)
        .api(ReadRecords, __path_get_inspection, get_inspection)
        .api(Supervise, __path_update_inspection, update_inspection)
        .api(Supervise, __path_finalise_inspection, finalise_inspection)
        .api(Supervise, __path_correct_inspection, correct_inspection)
        .api_large(
            Supervise,
            super::PHOTO_LIMIT,
            __path_upload_photo,
            upload_photo,
        )
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct StandardDto {
    /// pass, fail or na
    pub result: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionIn {
    /// `plan` (a visit to come) or `record` (one that took place; the default).
    #[serde(default)]
    #[schema(value_type = Option<super::codes::ModeCode>)]
    pub mode: Option<String>,
    pub project_id: String,
    /// construction, operations, training, funds, ad_hoc
    #[schema(value_type = Vec<super::codes::InspectionKindCode>, min_items = 1)]
    pub kinds: Vec<String>,
    /// YYYY-MM-DD
    #[schema(format = Date)]
    pub date: String,
    #[serde(default)]
    pub training_class_id: Option<String>,
    #[serde(default)]
    pub disbursement_id: Option<String>,
    /// on_site, hearing, materials, other
    #[serde(default)]
    #[schema(value_type = Vec<super::codes::MethodCode>)]
    pub methods: Vec<String>,
    /// qualification, construction, operation, funds → result; an operations inspection
    /// also answers the profile's checks of 一（二） as `operation.<code>` (in Jiaocheng
    /// `operation.organisation`, `operation.personnel`, `operation.safety`) before it is
    /// finalised.
    #[serde(default)]
    pub standards: BTreeMap<String, StandardDto>,
    #[serde(default)]
    pub inspectors: Vec<String>,
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub minutes: Option<String>,
    #[serde(default)]
    pub problems: Option<String>,
    /// Whether the contractor is told beforehand; absent: a funds inspection is announced
    /// (三（一）4), any other is not — and an edit keeps what the record says.
    #[serde(default)]
    pub announced: Option<bool>,
    /// Corrections of a finalised record only: why.
    #[serde(default)]
    pub reason: Option<String>,
}

impl InspectionIn {
    fn input(&self) -> InspectionInput {
        InspectionInput {
            project_id: self.project_id.clone(),
            kinds: self.kinds.clone(),
            date: self.date.clone(),
            training_class_id: self.training_class_id.clone(),
            disbursement_id: self.disbursement_id.clone(),
            methods: self.methods.clone(),
            standards: self
                .standards
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        StandardResult {
                            result: v.result.clone(),
                            note: v.note.clone(),
                        },
                    )
                })
                .collect(),
            inspectors: self.inspectors.clone(),
            minutes: self.minutes.clone(),
            problems: self.problems.clone(),
            announced: self.announced,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PhotoDto {
    pub id: String,
    pub name: String,
    pub content_type: String,
    pub bytes: i64,
    pub width: i64,
    pub height: i64,
    pub sha256: String,
    /// As the camera wrote it (local time, no zone).
    pub exif_taken_at: Option<String>,
    pub exif_latitude: Option<f64>,
    pub exif_longitude: Option<f64>,
    pub device_time: Option<chrono::DateTime<chrono::Utc>>,
    pub device_latitude: Option<f64>,
    pub device_longitude: Option<f64>,
    /// Why a reviewer should look twice (far from the project, another day).
    pub flags: Vec<String>,
    /// `/photos/{id}/thumb`, `…/display`, `…/original`.
    pub url: String,
}

impl TryFrom<photo::Model> for PhotoDto {
    type Error = jianguan_app::AppError;

    fn try_from(p: photo::Model) -> Result<Self, Self::Error> {
        Ok(PhotoDto {
            url: format!("/photos/{}", p.id),
            flags: p.flags_parsed()?,
            id: p.id,
            name: p.original_name,
            content_type: p.content_type,
            bytes: p.bytes,
            width: p.width,
            height: p.height,
            sha256: p.sha256,
            exif_taken_at: p.exif_taken_at,
            exif_latitude: p.exif_latitude,
            exif_longitude: p.exif_longitude,
            device_time: p.device_time,
            device_latitude: p.device_latitude,
            device_longitude: p.device_longitude,
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InspectionDto {
    pub id: String,
    pub project_id: String,
    pub kinds: Vec<String>,
    pub date: chrono::NaiveDate,
    /// planned, recorded, finalised
    pub status: String,
    pub training_class_id: Option<String>,
    pub disbursement_id: Option<String>,
    pub methods: Vec<String>,
    pub standards: BTreeMap<String, StandardDto>,
    pub inspectors: Vec<String>,
    pub minutes: Option<String>,
    pub problems: Option<String>,
    /// Announced to the contractor beforehand (事先通知), or not (不打招呼).
    pub announced: bool,
    pub photo_count: i64,
    /// On a single inspection: its photos and how many earlier versions it has.
    pub photos: Option<Vec<PhotoDto>>,
    pub versions: Option<usize>,
}

impl TryFrom<inspection::Model> for InspectionDto {
    type Error = jianguan_app::AppError;

    fn try_from(i: inspection::Model) -> Result<Self, Self::Error> {
        let standards = i.standards_parsed()?;
        Ok(InspectionDto {
            kinds: i.kinds_parsed()?,
            methods: i.methods_parsed()?,
            inspectors: i.inspectors_parsed()?,
            standards: standards
                .into_iter()
                .map(|(k, v)| {
                    (
                        k,
                        StandardDto {
                            result: v.result,
                            note: v.note,
                        },
                    )
                })
                .collect(),
            id: i.id,
            project_id: i.project_id,
            date: i.date,
            status: i.status,
            training_class_id: i.training_class_id,
            disbursement_id: i.disbursement_id,
            minutes: i.minutes,
            problems: i.problems,
            announced: i.announced,
            photo_count: i.photo_count,
            photos: None,
            versions: None,
        })
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InspectionQuery {
    /// planned, recorded, finalised
    pub status: Option<String>,
    pub project_id: Option<String>,
    /// An inspector's name as written on the record.
    pub inspector: Option<String>,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
}

/// The county's inspections (a contractor: their projects'), newest first, at most 500.
#[utoipa::path(get, path = "/api/v1/inspections", params(InspectionQuery), responses((status = 200, body = Vec<InspectionDto>)))]
pub async fn list_inspections(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiQuery(q): ApiQuery<InspectionQuery>,
) -> ApiResult<Json<Vec<InspectionDto>>> {
    let f = InspectionFilter {
        status: q.status,
        project_id: q.project_id,
        inspector: q.inspector,
        from: q.from,
        to: q.to,
    };
    Ok(Json(
        ins::list(&s.app, &a, &f)
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect::<Result<_, jianguan_app::AppError>>()?,
    ))
}

async fn full(s: &AppState, i: inspection::Model) -> ApiResult<InspectionDto> {
    let photos = jianguan_app::evidence::photos(&s.app, "inspection", &i.id).await?;
    let versions = ins::versions(&s.app, &i).await?.len();
    let mut dto = InspectionDto::try_from(i)?;
    dto.photos = Some(
        photos
            .into_iter()
            .map(TryInto::try_into)
            .collect::<Result<_, _>>()?,
    );
    dto.versions = Some(versions);
    Ok(dto)
}

/// Plans (`mode: plan`) or records an inspection.
#[utoipa::path(post, path = "/api/v1/inspections", request_body = InspectionIn, responses((status = 201, body = InspectionDto), (status = 422, body = ErrorBody)))]
pub async fn create_inspection(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiJson(b): ApiJson<InspectionIn>,
) -> ApiResult<(StatusCode, Json<InspectionDto>)> {
    let m = match b.mode.as_deref().unwrap_or("record") {
        "plan" => ins::plan(&s.app, &a, &b.input(), FieldErrors::new()).await?,
        "record" => ins::record(&s.app, &a, &b.input(), FieldErrors::new()).await?,
        _ => return Err(jianguan_app::AppError::field("mode", "mode 应为 plan 或 record").into()),
    };
    Ok((StatusCode::CREATED, Json(full(&s, m).await?)))
}

/// One inspection with its photos (a contractor: once finalised).
#[utoipa::path(get, path = "/api/v1/inspections/{id}", params(("id" = String, Path)), responses((status = 200, body = InspectionDto), (status = 404, body = ErrorBody)))]
pub async fn get_inspection(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<InspectionDto>> {
    let (i, _) = ins::get(&s.app, &a, &id).await?;
    let hide =
        a.role == jianguan_app::Role::Contractor && !InspectionStatus::Finalised.is(&i.status);
    let mut dto = full(&s, i).await?;
    if hide {
        dto.photos = Some(vec![]);
    }
    Ok(Json(dto))
}

/// Edits a planned or recorded inspection (a finalised one needs a correction).
#[utoipa::path(put, path = "/api/v1/inspections/{id}", params(("id" = String, Path)), request_body = InspectionIn, responses((status = 200, body = InspectionDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_inspection(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<InspectionIn>,
) -> ApiResult<Json<InspectionDto>> {
    let m = ins::update(&s.app, &a, &id, &b.input(), FieldErrors::new()).await?;
    Ok(Json(full(&s, m).await?))
}

/// Locks the record: it needs minutes and at least one photo.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/finalise", params(("id" = String, Path)), responses((status = 200, body = InspectionDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn finalise_inspection(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<InspectionDto>> {
    let m = ins::finalise(&s.app, &a, &id).await?;
    Ok(Json(full(&s, m).await?))
}

/// Corrects a finalised record (`reason` required); the version before is kept.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/correct", params(("id" = String, Path)), request_body = InspectionIn, responses((status = 200, body = InspectionDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn correct_inspection(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<InspectionIn>,
) -> ApiResult<Json<InspectionDto>> {
    let reason = b.reason.clone().unwrap_or_default();
    let m = ins::correct(&s.app, &a, &id, &b.input(), &reason, FieldErrors::new()).await?;
    Ok(Json(full(&s, m).await?))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PhotoQuery {
    /// The file's name on the phone.
    pub name: Option<String>,
    pub device_latitude: Option<f64>,
    pub device_longitude: Option<f64>,
    /// RFC 3339, as the device's clock had it.
    pub device_time: Option<chrono::DateTime<chrono::Utc>>,
}

/// Adds a photo: the body is the image itself (JPEG, PNG or WebP, at most 15 MB).
#[utoipa::path(post, path = "/api/v1/inspections/{id}/photos", params(("id" = String, Path), PhotoQuery), request_body(content = Vec<u8>, content_type = "image/jpeg"), responses((status = 201, body = PhotoDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn upload_photo(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PhotoQuery>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<PhotoDto>)> {
    ins::get(&s.app, &a, &id).await?;
    let p = save_photo(&s, &a, "inspection", &id, q, body).await?;
    Ok((StatusCode::CREATED, Json(p.try_into()?)))
}

/// Puts a photo sent as the request body through the evidence pipeline for its record.
pub(super) async fn save_photo(
    s: &AppState,
    a: &jianguan_app::Actor,
    owner: &str,
    id: &str,
    q: PhotoQuery,
    body: Bytes,
) -> Result<photo::Model, jianguan_app::AppError> {
    let device = Device {
        time: q.device_time,
        latitude: q.device_latitude.zip(q.device_longitude).map(|x| x.0),
        longitude: q.device_latitude.zip(q.device_longitude).map(|x| x.1),
    };
    let name = q.name.unwrap_or_else(|| "照片".into());
    evidence::upload(&s.app, a, owner, id, &name, body.to_vec(), device).await
}
