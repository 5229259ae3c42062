//! 报表 → 季度报告: a quarter's supervision figures with their charts, and issuing them
//! as the 季度监督检查情况报告 once the quarter has ended.

use super::{Layout, PageResult, layout, money, render};
use crate::AppState;
use crate::auth::Auth;
use crate::routes::Routes;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use jianguan_app::Permission::*;
use jianguan_app::quarterly::{self, Quarter, Report};
use jianguan_domain::document::DocumentKind;
use jianguan_domain::format_cn_date;
use serde::Deserialize;

pub const HREF: &str = "/reports/quarterly";

pub(crate) fn routes(r: Routes) -> Routes {
    r.get(HREF, ReadCounty, show)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct QuarterQuery {
    year: String,
    quarter: String,
}

#[derive(Template)]
#[template(path = "quarterly.html")]
struct Page {
    layout: Layout,
    r: Report,
    label: String,
    as_of: String,
    year: i32,
    quarter: u32,
    /// (period, kind, projects, required, done).
    inspections: Vec<(String, &'static str, u32, u32, u32)>,
    charts: Vec<(String, String)>,
    budget: String,
    disbursed_in_quarter: String,
    disbursed_to_end: String,
    asset_value: String,
    ended: bool,
    issued: super::documents::Issued,
    key: String,
}

pub async fn show(
    State(s): State<AppState>,
    Auth(a, c): Auth,
    Query(q): Query<QuarterQuery>,
) -> PageResult {
    let today = s.app.today();
    let quarter = if q.year.trim().is_empty() && q.quarter.trim().is_empty() {
        Quarter::of(today)
    } else {
        Quarter::parse(&q.year, &q.quarter, today)?
    };
    let r = quarterly::report(&s.app, &a, quarter).await?;
    let ended = quarter.end() < today;
    let key = quarter.key();
    let kinds = if ended {
        vec![DocumentKind::QuarterlyReport]
    } else {
        Vec::new()
    };
    let issued = super::documents::issued(&s, &a, &key, kinds).await?;
    Ok(render(
        StatusCode::OK,
        &Page {
            layout: layout(
                &s,
                &a,
                c.csrf.as_deref().unwrap_or_default(),
                "季度报告",
                HREF,
            )
            .await,
            label: quarter.label(),
            as_of: format_cn_date(r.as_of),
            year: quarter.year,
            quarter: quarter.q,
            inspections: r
                .inspections
                .iter()
                .map(|l| {
                    (
                        l.period.clone(),
                        jianguan_domain::inspection::kind_label(l.kind),
                        l.projects,
                        l.required,
                        l.done,
                    )
                })
                .collect(),
            charts: quarterly::charts(&r),
            budget: money(r.budget_fen),
            disbursed_in_quarter: money(r.disbursed_in_quarter_fen),
            disbursed_to_end: money(r.disbursed_to_end_fen),
            asset_value: money(r.asset_value_fen),
            ended,
            issued,
            key,
            r,
        },
    ))
}
