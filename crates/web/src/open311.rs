//! Open311 GeoReport v2 (docs/open311.md), JSON only. `jurisdiction_id` is the county's
//! code (it may be left out where the deployment holds one county). Errors are as the spec
//! writes them: `[{"code": 400, "description": "…"}]`.

use crate::AppState;
use crate::auth::MaybeAuth;
use crate::routes::Routes;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jianguan_app::AppError;
use jianguan_app::Permission::Public;
use jianguan_app::open311::{self, RequestFilter};
use jianguan_app::tipoffs::Intake;
use serde_json::json;
use std::collections::HashMap;

pub(crate) fn add_routes(r: Routes) -> Routes {
    r.get("/open311/v2/services.json", Public, services)
        .get("/open311/v2/requests.json", Public, list)
        .post("/open311/v2/requests.json", Public, create)
        .get("/open311/v2/requests/{id}", Public, one)
}

fn error(status: StatusCode, description: impl Into<String>) -> Response {
    (
        status,
        Json(json!([{ "code": status.as_u16(), "description": description.into() }])),
    )
        .into_response()
}

fn app_error(e: AppError) -> Response {
    match e {
        AppError::Validation(f) => error(
            StatusCode::BAD_REQUEST,
            f.iter()
                .map(|(k, m)| format!("{k}: {m}"))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        AppError::NotFound => error(StatusCode::NOT_FOUND, "没有找到"),
        AppError::Throttled { seconds } => error(
            StatusCode::TOO_MANY_REQUESTS,
            format!("请求过于频繁，请 {seconds} 秒后再试"),
        ),
        AppError::Forbidden => error(StatusCode::FORBIDDEN, "api_key 无效或已停用"),
        other => {
            tracing::error!(error = %other, "open311");
            error(StatusCode::INTERNAL_SERVER_ERROR, "系统出错，请稍后再试")
        }
    }
}

/// The county a request names (`jurisdiction_id`), or the deployment's only one.
async fn jurisdiction(s: &AppState, named: Option<&String>) -> Result<String, Response> {
    let all = jianguan_store::queries::counties(
        s.app.store.reader(),
        &jianguan_store::Scope::everything(),
    )
    .await
    .map_err(|e| app_error(e.into()))?;
    match named.map(|x| x.trim()).filter(|x| !x.is_empty()) {
        Some(c) if all.iter().any(|x| x.code == c) => Ok(c.to_string()),
        Some(_) => Err(error(
            StatusCode::NOT_FOUND,
            "jurisdiction_id 不是本系统的县级行政区划代码",
        )),
        None if all.len() == 1 => Ok(all[0].code.clone()),
        None => Err(error(
            StatusCode::BAD_REQUEST,
            "请给出 jurisdiction_id（县级行政区划代码）",
        )),
    }
}

/// The kinds of problem (the profile's `[tipoff]` services).
pub async fn services(
    State(s): State<AppState>,
    MaybeAuth(_): MaybeAuth,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(r) = jurisdiction(&s, q.get("jurisdiction_id")).await {
        return r;
    }
    let list: Vec<_> = s
        .app
        .profile
        .tipoff
        .services
        .iter()
        .map(|x| {
            json!({
                "service_code": x.code,
                "service_name": x.name,
                "description": x.description,
                "metadata": false,
                "type": "realtime",
                "keywords": "",
                "group": "电子商务进农村综合示范项目",
            })
        })
        .collect();
    Json(list).into_response()
}

/// A W3C time of the query; Err is the refusal's words.
fn parse_time(v: Option<&String>) -> Result<Option<chrono::DateTime<chrono::Utc>>, &'static str> {
    match v.map(|x| x.trim()).filter(|x| !x.is_empty()) {
        None => Ok(None),
        Some(t) => chrono::DateTime::parse_from_rfc3339(t)
            .map(|t| Some(t.with_timezone(&chrono::Utc)))
            .map_err(|_| "时间应为 W3C 格式，例如 2026-12-01T00:00:00+08:00"),
    }
}

/// Requests of the county: by id (comma-separated), or by kind, state and time.
pub async fn list(
    State(s): State<AppState>,
    MaybeAuth(_): MaybeAuth,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let county = match jurisdiction(&s, q.get("jurisdiction_id")).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let status = match q.get("status").map(|x| x.trim()).filter(|x| !x.is_empty()) {
        None => None,
        Some(x @ ("open" | "closed")) => Some(x.to_string()),
        Some(_) => return error(StatusCode::BAD_REQUEST, "status 只能是 open 或 closed"),
    };
    let (start, end) = match (
        parse_time(q.get("start_date")),
        parse_time(q.get("end_date")),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(m), _) | (_, Err(m)) => return error(StatusCode::BAD_REQUEST, m),
    };
    let ids: Vec<String> = q
        .get("service_request_id")
        .map(|x| {
            x.split(',')
                .map(|i| i.trim().to_string())
                .filter(|i| !i.is_empty())
                .take(100)
                .collect()
        })
        .unwrap_or_default();
    let f = RequestFilter {
        ids,
        service_code: q.get("service_code").cloned().filter(|x| !x.is_empty()),
        status,
        start,
        end,
    };
    match open311::requests(&s.app, &county, &f).await {
        Ok(list) => Json(list).into_response(),
        Err(e) => app_error(e),
    }
}

/// One request: `/open311/v2/requests/{id}.json`.
pub async fn one(
    State(s): State<AppState>,
    MaybeAuth(_): MaybeAuth,
    Path(file): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(id) = file.strip_suffix(".json") else {
        return error(StatusCode::NOT_FOUND, "只提供 JSON 格式（.json）");
    };
    let county = match jurisdiction(&s, q.get("jurisdiction_id")).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let f = RequestFilter {
        ids: vec![id.to_string()],
        ..Default::default()
    };
    match open311::requests(&s.app, &county, &f).await {
        Ok(list) if list.is_empty() => error(StatusCode::NOT_FOUND, "没有这个 service_request_id"),
        Ok(list) => Json(list).into_response(),
        Err(e) => app_error(e),
    }
}

/// Files a tip-off from a partner system (form-encoded, as the spec sends it).
pub async fn create(
    State(s): State<AppState>,
    MaybeAuth(_): MaybeAuth,
    body: axum::body::Bytes,
) -> Response {
    let mut f: HashMap<String, String> = HashMap::new();
    for (k, v) in crate::auth::form_pairs(&body) {
        f.insert(k, v);
    }
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let key = match open311::partner(&s.app, &get("api_key")).await {
        Ok(Some(k)) => k,
        Ok(None) => return error(StatusCode::FORBIDDEN, "api_key 无效或已停用"),
        Err(e) => return app_error(e),
    };
    match jurisdiction(&s, f.get("jurisdiction_id")).await {
        Ok(c) if c == key.county_code => {}
        Ok(_) => return error(StatusCode::FORBIDDEN, "该 api_key 不是这个县发放的"),
        Err(r) => return r,
    }
    let name = [get("last_name"), get("first_name")].concat();
    let mut content = get("description");
    if !get("address_string").trim().is_empty() {
        content = format!("{content}\n地点：{}", get("address_string").trim());
    }
    let input = Intake {
        service: get("service_code"),
        content,
        contact_name: name,
        contact_phone: get("phone"),
        contact_wish: if get("phone").trim().is_empty() {
            String::new()
        } else {
            "reply".into()
        },
        ..Default::default()
    };
    match open311::submit(&s.app, &key, &input).await {
        Ok(r) => (
            StatusCode::CREATED,
            Json(json!([{
                "service_request_id": r.tipoff.id,
                "service_notice": format!(
                    "已收到。回执码（只显示这一次，请转告举报人）：{}。凭回执码可在举报办理查询页面查看办理情况。",
                    r.code
                ),
                "account_id": null,
            }])),
        )
            .into_response(),
        Err(e) => app_error(e),
    }
}
