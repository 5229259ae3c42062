//! 公开 (no login): the counties of the deployment, and a county's page — its programme's
//! projects with the fields it publishes, the statistics with server-drawn charts, and how
//! to report. Only what `jianguan_app::publicity` builds is shown.

use super::{Layout, PageResult, render};
use crate::AppState;
use crate::auth::MaybeAuth;
use crate::routes::Routes;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jianguan_app::AppError;
use jianguan_app::Permission::*;
use jianguan_app::publicity::{self, FIELDS, PublicProject};

pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/public", Public, index)
        .get("/public/{county}", Public, county)
}

#[derive(Template)]
#[template(path = "public_index.html")]
struct IndexPage {
    layout: Layout,
    counties: Vec<(String, String)>,
    hotline: String,
}

pub async fn index(State(s): State<AppState>, MaybeAuth(_): MaybeAuth) -> PageResult {
    chooser(&s).await
}

/// The deployment's counties, for a person to choose theirs.
pub(crate) async fn chooser(s: &AppState) -> PageResult {
    let all = jianguan_store::queries::counties(
        s.app.store.reader(),
        &jianguan_store::Scope::everything(),
    )
    .await
    .map_err(AppError::from)?;
    Ok(render(
        StatusCode::OK,
        &IndexPage {
            layout: Layout::anonymous("项目公开"),
            counties: all.into_iter().map(|c| (c.code, c.name)).collect(),
            hotline: s.app.profile.hotline.clone(),
        },
    ))
}

pub struct Row {
    pub cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "public_county.html")]
struct CountyPage {
    layout: Layout,
    code: String,
    county: String,
    programmes: Vec<String>,
    authority: String,
    hotline: String,
    headings: Vec<&'static str>,
    rows: Vec<Row>,
    charts: Vec<(String, String)>,
    as_of: String,
}

fn cell(p: &PublicProject, field: &str) -> String {
    match field {
        "name" => p.name.clone(),
        "enterprise" => p.enterprise.clone(),
        "system" => p.system.clone(),
        "township" => p.township.clone(),
        "central_funds" => p.central_funds_fen.map(super::money),
        "progress" => Some(p.progress.map_or("未报告".into(), |x| format!("{x:.0}%"))),
        "state" => p.state.clone(),
        _ => None,
    }
    .unwrap_or_default()
}

pub async fn county(
    State(s): State<AppState>,
    MaybeAuth(_): MaybeAuth,
    Path(code): Path<String>,
) -> PageResult {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::NotFound.into());
    }
    let p = publicity::county_page(&s.app, &code).await?;
    let shown: Vec<&(&str, &str)> = FIELDS
        .iter()
        .filter(|(c, _)| p.fields.iter().any(|x| x == c))
        .collect();
    Ok(render(
        StatusCode::OK,
        &CountyPage {
            layout: Layout::anonymous(&format!("{}电子商务进农村综合示范项目公开", p.county)),
            code: p.code.clone(),
            county: p.county.clone(),
            programmes: p.programmes.clone(),
            authority: s.app.profile.authority.clone(),
            hotline: s.app.profile.hotline.clone(),
            headings: shown.iter().map(|(_, h)| *h).collect(),
            rows: p
                .projects
                .iter()
                .map(|x| Row {
                    cells: shown.iter().map(|(c, _)| cell(x, c)).collect(),
                })
                .collect(),
            charts: publicity::charts(&p),
            as_of: super::cn_time(p.as_of),
        },
    ))
}
