//! 验收/审计档案 over JSON: start building a project's dossier, follow the build, and
//! download the ZIP. The same use cases as the `/dossiers` pages, which reuse the view
//! and the download below.

use super::ApiResult;
use super::dto::ErrorBody;
use crate::AppState;
use crate::auth::Auth;
use crate::routes::Routes;
use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jianguan_app::AppError;
use jianguan_app::Permission::*;
use jianguan_app::dossier::{self, Job, JobState};
use serde::Serialize;
use std::io::Read;
use utoipa::ToSchema;

pub(crate) fn routes(r: Routes) -> Routes {
    r.api(ReadCounty, __path_start_dossier, start_dossier)
        .api(
            ReadCounty,
            __path_start_programme_dossier,
            start_programme_dossier,
        )
        .api(ReadCounty, __path_get_dossier_job, get_dossier_job)
        .api(ReadCounty, __path_dossier_file, dossier_file)
}

/// A dossier build: how far it has gone and, when done, how large it is.
#[derive(Debug, Serialize, ToSchema)]
pub struct DossierJob {
    pub id: String,
    /// project or programme.
    pub scope: &'static str,
    /// The project's or the programme's id and name.
    pub subject_id: String,
    pub subject_name: String,
    pub started_at: chrono::DateTime<chrono::Utc>,
    /// running, done or failed.
    pub state: &'static str,
    /// Files written of files planned so far (the plan grows as the build reads records).
    pub done: u64,
    pub total: u64,
    pub percent: u64,
    /// What the build is doing now.
    pub stage: String,
    /// The ZIP's size in bytes, once done.
    pub bytes: Option<u64>,
    /// Files in the ZIP (the manifest and its signature included), once done.
    pub files: Option<usize>,
    /// Why the build failed.
    pub error: Option<String>,
}

impl From<&Job> for DossierJob {
    fn from(j: &Job) -> Self {
        let (done, total, stage) = j.progress.snapshot();
        let (state, bytes, files, error) = match &j.state {
            JobState::Running => ("running", None, None, None),
            JobState::Done { bytes, files } => ("done", Some(*bytes), Some(*files), None),
            JobState::Failed(e) => ("failed", None, None, Some(e.clone())),
        };
        DossierJob {
            id: j.id.clone(),
            scope: j.subject.scope(),
            subject_id: j.subject.id().to_string(),
            subject_name: j.name.clone(),
            started_at: j.started_at,
            state,
            done,
            total,
            percent: if state == "done" {
                100
            } else {
                j.progress.percent()
            },
            stage,
            bytes,
            files,
            error,
        }
    }
}

/// Bytes read from the ZIP per chunk sent.
const CHUNK: usize = 256 * 1024;

/// A finished dossier as a download, streamed from its file a chunk at a time (a dossier
/// may be far larger than the memory a server should give one answer).
pub(crate) fn download(job: &Job) -> Result<Response, AppError> {
    if !matches!(job.state, JobState::Done { .. }) {
        return Err(AppError::Conflict("档案尚未生成完毕".into()));
    }
    let file = std::fs::File::open(&job.path).map_err(|_| AppError::NotFound)?;
    let len = file.metadata().map(|m| m.len()).ok();
    let chunks = futures_util::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let read = tokio::task::spawn_blocking(move || {
            let mut buf = vec![0; CHUNK];
            let n = file.read(&mut buf)?;
            buf.truncate(n);
            Ok::<_, std::io::Error>((file, buf))
        })
        .await
        .map_err(std::io::Error::other)
        .and_then(|r| r);
        match read {
            Ok((_, buf)) if buf.is_empty() => None,
            Ok((file, buf)) => Some((Ok(Bytes::from(buf)), Some(file))),
            Err(e) => Some((Err(e), None)),
        }
    });
    let mut r = (
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename*=UTF-8''{}",
                    crate::pages::percent(&dossier::file_name(job))
                ),
            ),
        ],
        Body::from_stream(chunks),
    )
        .into_response();
    if let Some(len) = len {
        r.headers_mut().insert(header::CONTENT_LENGTH, len.into());
    }
    Ok(r)
}

/// Start building a project's dossier in the background (202), or get the caller's build
/// of it that is running already. Not for contractors.
#[utoipa::path(post, path = "/api/v1/projects/{id}/dossier", params(("id" = String, Path, description = "the project")), responses((status = 202, body = DossierJob), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn start_dossier(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let job = dossier::start(&s.app, &a, dossier::Subject::Project(id)).await?;
    Ok((StatusCode::ACCEPTED, Json(DossierJob::from(&job))).into_response())
}

/// Start building a whole programme's dossier (every project of it, each in a folder of
/// its own) in the background (202), or get the caller's build of it that is running.
#[utoipa::path(post, path = "/api/v1/programmes/{id}/dossier", params(("id" = String, Path, description = "the programme")), responses((status = 202, body = DossierJob), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn start_programme_dossier(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let job = dossier::start(&s.app, &a, dossier::Subject::Programme(id)).await?;
    Ok((StatusCode::ACCEPTED, Json(DossierJob::from(&job))).into_response())
}

/// One of the caller's dossier builds.
#[utoipa::path(get, path = "/api/v1/dossier-jobs/{id}", params(("id" = String, Path, description = "the build")), responses((status = 200, body = DossierJob), (status = 404, body = ErrorBody)))]
pub async fn get_dossier_job(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<DossierJob>> {
    let job = dossier::job(&s.app, &a, &id)?;
    Ok(Json(DossierJob::from(&job)))
}

/// A finished dossier: the ZIP (check it with `jianguan dossier verify FILE.zip`).
#[utoipa::path(get, path = "/api/v1/dossier-jobs/{id}/file", params(("id" = String, Path, description = "the build")), responses((status = 200, description = "the dossier", content_type = "application/zip", body = Vec<u8>), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn dossier_file(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let job = dossier::job(&s.app, &a, &id)?;
    Ok(download(&job)?)
}
