//! The JSON API, `/api/v1`. Errors are `{"error": "<code>", "message": "<中文>",
//! "fields": {...}}`; bodies are size-limited and unknown fields are refused.

mod accounts;
mod assets;
mod codes;
mod docket;
mod documents;
pub(crate) mod dossiers;
mod dto;
mod extract;
mod funds;
mod inspections;
mod inventory;
mod market;
mod ocds;
mod orders;
mod quarterly;
mod records;
mod registers;
mod reporting;
mod sanctions;

/// What every API handler answers.
pub(crate) type ApiResult<T> = Result<T, crate::error::ApiError>;

pub use dto::*;

use crate::routes::Routes;
use utoipa::OpenApi;

/// A county-year of records fits easily; far larger files go through `jianguan import`.
const IMPORT_LIMIT: usize = 32 * 1024 * 1024;
/// One photo; the pipeline itself refuses anything over its own limit (15 MB) by name.
const PHOTO_LIMIT: usize = 20 * 1024 * 1024;

#[derive(OpenApi)]
#[openapi(info(
    title = "jianguan 监管 API",
    description = "电子商务进农村综合示范项目日常监管系统的接口。认证：浏览器会话（需 X-CSRF-Token）或 Authorization: Bearer 访问令牌。"
))]
pub struct ApiDoc;

/// The OpenAPI document as served: what utoipa derives from the handlers, completed with
/// what only the route table knows (who may call each route: its security and permission)
/// and what the derivation leaves out (a description for every response, the errors every
/// route can answer, raw bodies as binary).
pub fn document(routes: &[crate::RouteInfo], api: crate::routes::ApiPaths) -> serde_json::Value {
    use serde_json::{Value, json};
    // Two types of one name would silently share one schema (a notification count once
    // answered as an inventory count): the tests, in debug builds, stop on it.
    let mut named: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
    for (name, schema) in &api.schemas {
        let json = serde_json::to_string(schema).unwrap_or_default();
        if named
            .insert(name, json.clone())
            .is_some_and(|before| before != json)
        {
            tracing::error!(schema = %name, "two API types share one schema name");
            debug_assert!(false, "two API types share the schema name {name}");
        }
    }
    let mut openapi = ApiDoc::openapi();
    openapi.paths = api.paths;
    let mut components = openapi.components.take().unwrap_or_default();
    components.schemas.extend(api.schemas);
    openapi.components = Some(components);
    let mut doc = serde_json::to_value(openapi).unwrap_or_else(|_| json!({}));
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
                .find(|r| &r.path == path && r.method.as_str().eq_ignore_ascii_case(method));
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

/// The API's routes, each area's declared beside its handlers.
pub(crate) fn add_routes(r: Routes) -> Routes {
    let r = accounts::routes(r);
    let r = records::routes(r);
    let r = docket::routes(r);
    let r = inspections::routes(r);
    let r = orders::routes(r);
    let r = sanctions::routes(r);
    let r = market::routes(r);
    let r = funds::routes(r);
    let r = assets::routes(r);
    let r = inventory::routes(r);
    let r = documents::routes(r);
    let r = registers::routes(r);
    let r = dossiers::routes(r);
    let r = quarterly::routes(r);
    let r = ocds::routes(r);
    reporting::routes(r)
}
