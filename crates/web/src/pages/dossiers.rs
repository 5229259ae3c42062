//! 验收/审计档案 pages: start a project's dossier from its page, watch it being built, and
//! download it. The build runs in the background (`jianguan_app::dossier`).

use super::{Layout, PageResult, layout, render};
use crate::AppState;
use crate::api::dossiers::{DossierJob, download};
use crate::auth::Auth;
use crate::routes::Routes;
use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jianguan_app::Permission::*;
use jianguan_app::dossier;

pub(crate) fn routes(r: Routes) -> Routes {
    // Starting a build writes no record: it reads the project into a file.
    r.post("/projects/{id}/dossier", ReadCounty, start)
        .post("/programmes/{id}/dossier", ReadCounty, start_programme)
        .get("/dossiers/{id}", ReadCounty, show)
        .get("/dossiers/{id}/status", ReadCounty, status)
        .get("/dossiers/{id}/download", ReadCounty, file)
}

pub async fn start(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> PageResult {
    let job = dossier::start(&s.app, &a, dossier::Subject::Project(id)).await?;
    Ok(Redirect::to(&format!("/dossiers/{}", job.id)).into_response())
}

pub async fn start_programme(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> PageResult {
    let job = dossier::start(&s.app, &a, dossier::Subject::Programme(id)).await?;
    Ok(Redirect::to(&format!("/dossiers/{}", job.id)).into_response())
}

#[derive(Template)]
#[template(path = "dossier.html")]
struct JobPage {
    layout: Layout,
    j: DossierJob,
    started_at: String,
    size: String,
    file_name: String,
}

/// A size as people read it.
fn size_text(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / f64::from(1 << 20)),
        b if b >= 1 << 10 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{b} 字节"),
    }
}

pub async fn show(
    State(s): State<AppState>,
    Auth(a, c): Auth,
    Path(id): Path<String>,
) -> PageResult {
    let job = dossier::job(&s.app, &a, &id)?;
    let j = DossierJob::from(&job);
    Ok(render(
        StatusCode::OK,
        &JobPage {
            layout: layout(
                &s,
                &a,
                c.csrf.as_deref().unwrap_or_default(),
                "验收档案",
                "/projects",
            )
            .await,
            started_at: super::cn_time(job.started_at),
            size: j.bytes.map(size_text).unwrap_or_default(),
            file_name: dossier::file_name(&job),
            j,
        },
    ))
}

/// The build's progress for the page's script.
pub async fn status(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> PageResult {
    let job = dossier::job(&s.app, &a, &id)?;
    Ok(Json(DossierJob::from(&job)).into_response())
}

pub async fn file(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Path(id): Path<String>,
) -> PageResult {
    let job = dossier::job(&s.app, &a, &id)?;
    Ok(download(&job)?)
}

#[cfg(test)]
mod tests {
    use super::size_text;

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size_text(900), "900 字节");
        assert_eq!(size_text(1536), "1.5 KB");
        assert_eq!(size_text(5 * 1024 * 1024 + 1024 * 1024 / 2), "5.5 MB");
    }
}
