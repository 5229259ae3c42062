//! The JSON API, `/api/v1`. Errors are `{"error": "<code>", "message": "<中文>",
//! "fields": {...}}`; bodies are size-limited and unknown fields are refused.

mod codes;
mod docket;
mod dto;
mod extract;
mod handlers;
mod reporting;
mod workflow;

pub use dto::*;

use crate::routes::Routes;
use jianguan_app::Permission::*;
use utoipa::OpenApi;

/// A county-year of records fits easily; far larger files go through `jianguan import`.
const IMPORT_LIMIT: usize = 32 * 1024 * 1024;
/// One photo; the pipeline itself refuses anything over its own limit (15 MB) by name.
const PHOTO_LIMIT: usize = 20 * 1024 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "jianguan 监管 API",
        description = "电子商务进农村综合示范项目日常监管系统的接口。认证：浏览器会话（需 X-CSRF-Token）或 Authorization: Bearer 访问令牌。"
    ),
    paths(
        handlers::me,
        handlers::create_token,
        handlers::list_counties,
        handlers::list_programmes,
        handlers::get_programme,
        handlers::create_programme,
        handlers::update_programme,
        handlers::void_programme,
        handlers::list_enterprises,
        handlers::get_enterprise,
        handlers::create_enterprise,
        handlers::update_enterprise,
        handlers::void_enterprise,
        handlers::list_projects,
        handlers::get_project,
        handlers::create_project,
        handlers::update_project,
        handlers::void_project,
        handlers::list_users,
        handlers::create_user,
        handlers::disable_user,
        handlers::enable_user,
        handlers::list_tokens,
        handlers::revoke_token,
        handlers::user_tokens,
        handlers::unlock_user,
        docket::list,
        docket::get,
        docket::refresh,
        docket::check,
        docket::notifications,
        docket::mark_read,
        docket::import,
        docket::export,
        docket::records,
        workflow::list_inspections,
        workflow::create_inspection,
        workflow::get_inspection,
        workflow::update_inspection,
        workflow::finalise_inspection,
        workflow::correct_inspection,
        workflow::upload_photo,
        workflow::list_orders,
        workflow::create_order,
        workflow::get_order,
        workflow::submit_order,
        workflow::review_order,
        workflow::list_sanctions,
        workflow::create_sanction,
        workflow::get_sanction,
        workflow::act_sanction,
        workflow::notices,
        reporting::list_plans,
        reporting::propose_plan,
        reporting::list_reports,
        reporting::submit_report,
        reporting::list_data,
        reporting::submit_data,
        reporting::queue,
        reporting::review,
    )
)]
pub struct ApiDoc;

/// The OpenAPI document as served: what utoipa derives from the handlers, completed with
/// what only the route table knows (who may call each route: its security and permission)
/// and what the derivation leaves out (a description for every response, the errors every
/// route can answer, raw bodies as binary).
pub fn document(routes: &[crate::RouteInfo]) -> serde_json::Value {
    use serde_json::{Value, json};
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_else(|_| json!({}));
    doc["components"]["securitySchemes"] = json!({
        "bearer": {"type": "http", "scheme": "bearer", "description": "访问令牌（POST /api/v1/tokens 创建，到期或撤销即失效）"},
        "session": {"type": "apiKey", "in": "cookie", "name": "jg_session", "description": "浏览器会话（HTTPS 下为 __Host-jg_session）"},
        "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token", "description": "会话的 CSRF 令牌：以会话调用非 GET 接口时必需"}
    });
    // The one list of error codes (crate::error::ErrorCode) is what the document promises.
    doc["components"]["schemas"]["ErrorBody"]["properties"]["error"]["enum"] =
        crate::error::ErrorCode::ALL
            .iter()
            .map(|c| json!(c.code()))
            .collect();
    let error = json!({"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}});
    let describe = |status: &str| match status {
        "200" => "成功",
        "201" => "已创建",
        "400" => "请求格式有误（不是 JSON、字段类型不符、查询参数有误）",
        "401" => "未登录，或访问令牌无效、已过期、已撤销",
        "403" => "您的角色无权进行此操作，或请求来源不符",
        "404" => "没有找到，或不在您的查看范围内",
        "409" => "与记录当前的状态冲突（例如已被他人处理）",
        "413" => "提交的内容过大",
        "415" => "提交的内容类型不受支持",
        "422" => "填写的内容有误：fields 中逐项说明",
        "429" => "请求过于频繁，请稍后再试",
        "503" => "系统正忙，请稍后再试",
        _ => "应答",
    };
    let Some(paths) = doc["paths"].as_object_mut() else {
        return doc;
    };
    for (path, ops) in paths.iter_mut() {
        let Some(ops) = ops.as_object_mut() else {
            continue;
        };
        for (method, op) in ops.iter_mut() {
            let info = routes
                .iter()
                .find(|r| r.path == path && r.method.as_str().eq_ignore_ascii_case(method));
            let public = info.is_some_and(|r| r.permission == jianguan_app::Permission::Public);
            let safe = method == "get";
            op["security"] = if public {
                json!([])
            } else if safe {
                json!([{"bearer": []}, {"session": []}])
            } else {
                json!([{"bearer": []}, {"session": [], "csrf": []}])
            };
            if let Some(r) = info {
                op["x-permission"] = json!(format!("{:?}", r.permission));
            }
            let has_input = op.get("requestBody").is_some()
                || op["parameters"].as_array().is_some_and(|p| !p.is_empty());
            if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                let mut add = |status: &str| {
                    responses.entry(status).or_insert_with(|| error.clone());
                };
                if !public {
                    add("401");
                    add("403");
                }
                if has_input {
                    add("400");
                    add("422");
                }
                if !safe {
                    add("413");
                }
                for (status, r) in responses.iter_mut() {
                    if r["description"].as_str().is_none_or(str::is_empty) {
                        r["description"] = Value::String(describe(status).into());
                    }
                }
            }
            // A photo or a file is sent as itself, not as an array of numbers.
            if let Some(content) = op
                .get_mut("requestBody")
                .and_then(|b| b.get_mut("content"))
                .and_then(Value::as_object_mut)
            {
                for (kind, media) in content.iter_mut() {
                    if !kind.contains("json") {
                        media["schema"] = json!({"type": "string", "contentMediaType": kind});
                    }
                }
            }
        }
    }
    doc
}

pub(crate) fn add_routes(r: Routes) -> Routes {
    r.get("/api/v1/openapi.json", Public, handlers::openapi)
        .get(
            "/api/v1/inspections",
            ReadRecords,
            workflow::list_inspections,
        )
        .post(
            "/api/v1/inspections",
            Supervise,
            workflow::create_inspection,
        )
        .get(
            "/api/v1/inspections/{id}",
            ReadRecords,
            workflow::get_inspection,
        )
        .put(
            "/api/v1/inspections/{id}",
            Supervise,
            workflow::update_inspection,
        )
        .post(
            "/api/v1/inspections/{id}/finalise",
            Supervise,
            workflow::finalise_inspection,
        )
        .post(
            "/api/v1/inspections/{id}/correct",
            Supervise,
            workflow::correct_inspection,
        )
        .post_large(
            "/api/v1/inspections/{id}/photos",
            Supervise,
            PHOTO_LIMIT,
            workflow::upload_photo,
        )
        .get("/api/v1/orders", ReadRecords, workflow::list_orders)
        .post("/api/v1/orders", Supervise, workflow::create_order)
        .get("/api/v1/orders/{id}", ReadRecords, workflow::get_order)
        .post("/api/v1/orders/{id}/submit", HandIn, workflow::submit_order)
        .post(
            "/api/v1/orders/{id}/review",
            Supervise,
            workflow::review_order,
        )
        .get("/api/v1/sanctions", ReadRecords, workflow::list_sanctions)
        .post("/api/v1/sanctions", Supervise, workflow::create_sanction)
        .get(
            "/api/v1/sanctions/{id}",
            ReadRecords,
            workflow::get_sanction,
        )
        .post("/api/v1/sanctions/{id}/act", Decide, workflow::act_sanction)
        .get("/api/v1/notices", Public, workflow::notices)
        .get(
            "/api/v1/projects/{id}/plans",
            ReadRecords,
            reporting::list_plans,
        )
        .post(
            "/api/v1/projects/{id}/plans",
            HandIn,
            reporting::propose_plan,
        )
        .get(
            "/api/v1/projects/{id}/reports",
            ReadRecords,
            reporting::list_reports,
        )
        .post(
            "/api/v1/projects/{id}/reports",
            HandIn,
            reporting::submit_report,
        )
        .get("/api/v1/data-reports", ReadRecords, reporting::list_data)
        .post("/api/v1/data-reports", HandIn, reporting::submit_data)
        .get("/api/v1/reviews", ReadRecords, reporting::queue)
        .post("/api/v1/reviews/{id}", Supervise, reporting::review)
        .get("/api/v1/docket", ReadRecords, docket::list)
        .post("/api/v1/docket/refresh", EditRecords, docket::refresh)
        .get("/api/v1/docket/{id}", ReadRecords, docket::get)
        .get("/api/v1/check", ReadRecords, docket::check)
        .get(
            "/api/v1/notifications",
            Authenticated,
            docket::notifications,
        )
        .post(
            "/api/v1/notifications/read",
            Authenticated,
            docket::mark_read,
        )
        .post_large("/api/v1/import", Administer, IMPORT_LIMIT, docket::import)
        .get("/api/v1/export", ReadCounty, docket::export)
        .get("/api/v1/records/{kind}", ReadCounty, docket::records)
        .get("/api/v1/me", Authenticated, handlers::me)
        .post("/api/v1/tokens", Authenticated, handlers::create_token)
        .get("/api/v1/tokens", Authenticated, handlers::list_tokens)
        .post(
            "/api/v1/tokens/{id}/revoke",
            Authenticated,
            handlers::revoke_token,
        )
        .get("/api/v1/counties", ReadRecords, handlers::list_counties)
        .get("/api/v1/programmes", ReadRecords, handlers::list_programmes)
        .post("/api/v1/programmes", Administer, handlers::create_programme)
        .get(
            "/api/v1/programmes/{id}",
            ReadRecords,
            handlers::get_programme,
        )
        .put(
            "/api/v1/programmes/{id}",
            Administer,
            handlers::update_programme,
        )
        .post(
            "/api/v1/programmes/{id}/void",
            Administer,
            handlers::void_programme,
        )
        .get(
            "/api/v1/enterprises",
            ReadRecords,
            handlers::list_enterprises,
        )
        .post(
            "/api/v1/enterprises",
            EditRecords,
            handlers::create_enterprise,
        )
        .get(
            "/api/v1/enterprises/{id}",
            ReadRecords,
            handlers::get_enterprise,
        )
        .put(
            "/api/v1/enterprises/{id}",
            EditRecords,
            handlers::update_enterprise,
        )
        .post(
            "/api/v1/enterprises/{id}/void",
            EditRecords,
            handlers::void_enterprise,
        )
        .get("/api/v1/projects", ReadRecords, handlers::list_projects)
        .post("/api/v1/projects", EditRecords, handlers::create_project)
        .get("/api/v1/projects/{id}", ReadRecords, handlers::get_project)
        .put(
            "/api/v1/projects/{id}",
            EditRecords,
            handlers::update_project,
        )
        .post(
            "/api/v1/projects/{id}/void",
            EditRecords,
            handlers::void_project,
        )
        .get("/api/v1/users", Administer, handlers::list_users)
        .post("/api/v1/users", Administer, handlers::create_user)
        .post(
            "/api/v1/users/{id}/disable",
            Administer,
            handlers::disable_user,
        )
        .post(
            "/api/v1/users/{id}/enable",
            Administer,
            handlers::enable_user,
        )
        .get(
            "/api/v1/users/{id}/tokens",
            Administer,
            handlers::user_tokens,
        )
        .post(
            "/api/v1/users/{id}/unlock",
            Administer,
            handlers::unlock_user,
        )
}
