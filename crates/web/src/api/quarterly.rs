//! 季度报告 over JSON: a quarter's supervision figures, the same as the page's.

use super::ApiResult;
use super::dto::ErrorBody;
use super::extract::ApiQuery;
use crate::AppState;
use crate::auth::Auth;
use crate::routes::Routes;
use axum::Json;
use axum::extract::State;
use jianguan_app::Permission::*;
use jianguan_app::quarterly::{self, Quarter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub(crate) fn routes(r: Routes) -> Routes {
    r.api(ReadCounty, __path_quarterly_report, quarterly_report)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct QuarterParams {
    /// e.g. 2026.
    pub year: String,
    /// 1 to 4.
    pub quarter: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuotaLineDto {
    /// construction or operations.
    pub kind: &'static str,
    pub period: String,
    pub projects: u32,
    pub required: u32,
    pub done: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AreaLineDto {
    pub area: &'static str,
    pub new: u32,
    pub resolved: u32,
    pub open_at_end: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SanctionCountDto {
    pub kind: &'static str,
    pub count: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DataLineDto {
    pub enterprise: String,
    pub owed: u32,
    pub on_time: u32,
    pub late: u32,
    pub missing: u32,
}

/// A quarter's supervision figures (as of its end, or today while it runs).
#[derive(Debug, Serialize, ToSchema)]
pub struct QuarterlyReportDto {
    /// "2026-Q4".
    pub quarter: String,
    pub label: String,
    pub county: String,
    pub as_of: chrono::NaiveDate,
    pub inspections: Vec<QuotaLineDto>,
    pub findings: Vec<AreaLineDto>,
    pub orders_issued: u32,
    pub orders_done_on_time: u32,
    pub orders_done_late: u32,
    pub orders_open_overdue: u32,
    pub orders_open_in_time: u32,
    /// Sanctions decided in the quarter, by kind.
    pub sanctions: Vec<SanctionCountDto>,
    pub budget_fen: i64,
    pub disbursed_in_quarter_fen: i64,
    pub disbursed_to_end_fen: i64,
    pub assets: u32,
    pub asset_value_fen: i64,
    pub assets_unlabelled: u32,
    pub data_reports: Vec<DataLineDto>,
}

/// A quarter's supervision figures for the caller's county (not for contractors).
#[utoipa::path(get, path = "/api/v1/reports/quarterly", params(QuarterParams), responses((status = 200, body = QuarterlyReportDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn quarterly_report(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    ApiQuery(q): ApiQuery<QuarterParams>,
) -> ApiResult<Json<QuarterlyReportDto>> {
    let quarter = Quarter::parse(&q.year, &q.quarter, s.app.today())?;
    let r = quarterly::report(&s.app, &a, quarter).await?;
    Ok(Json(QuarterlyReportDto {
        quarter: quarter.key(),
        label: quarter.label(),
        county: r.county,
        as_of: r.as_of,
        inspections: r
            .inspections
            .into_iter()
            .map(|l| QuotaLineDto {
                kind: jianguan_domain::inspection::kind_code(l.kind),
                period: l.period,
                projects: l.projects,
                required: l.required,
                done: l.done,
            })
            .collect(),
        findings: r
            .findings
            .into_iter()
            .map(|l| AreaLineDto {
                area: l.area,
                new: l.new,
                resolved: l.resolved,
                open_at_end: l.open_at_end,
            })
            .collect(),
        orders_issued: r.orders.issued,
        orders_done_on_time: r.orders.done_on_time,
        orders_done_late: r.orders.done_late,
        orders_open_overdue: r.orders.open_overdue,
        orders_open_in_time: r.orders.open_in_time,
        sanctions: r
            .sanctions
            .into_iter()
            .map(|(kind, count)| SanctionCountDto { kind, count })
            .collect(),
        budget_fen: r.budget_fen,
        disbursed_in_quarter_fen: r.disbursed_in_quarter_fen,
        disbursed_to_end_fen: r.disbursed_to_end_fen,
        assets: r.assets,
        asset_value_fen: r.asset_value_fen,
        assets_unlabelled: r.assets_unlabelled,
        data_reports: r
            .data
            .into_iter()
            .map(|l| DataLineDto {
                enterprise: l.enterprise,
                owed: l.owed,
                on_time: l.on_time,
                late: l.late,
                missing: l.missing,
            })
            .collect(),
    }))
}
