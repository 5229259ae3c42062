//! The web layer through its router, on every backend: permissions, tenancy, bad input,
//! sessions and CSRF here; each area's workflow in a module of `suite/`. One test binary
//! (link time matters on two cores).

#![allow(clippy::unwrap_used)]

#[path = "suite/assets.rs"]
mod assets;
#[path = "suite/auth.rs"]
mod auth;
mod common;
#[path = "suite/counts.rs"]
mod counts;
#[path = "suite/docket.rs"]
mod docket;
#[path = "suite/documents.rs"]
mod documents;
#[path = "suite/dossier.rs"]
mod dossier;
#[path = "suite/flows.rs"]
mod flows;
#[path = "suite/funds.rs"]
mod funds;
#[path = "suite/fuzz.rs"]
mod fuzz;
#[path = "suite/hostile.rs"]
mod hostile;
#[path = "suite/inspection_paging.rs"]
mod inspection_paging;
#[path = "suite/inspections.rs"]
mod inspections;
#[path = "suite/ledger.rs"]
mod ledger;
#[path = "suite/market.rs"]
mod market;
#[path = "suite/ops.rs"]
mod ops;
#[path = "suite/pages.rs"]
mod pages;
#[path = "suite/public.rs"]
mod public;
#[path = "suite/quarterly.rs"]
mod quarterly;
#[path = "suite/races.rs"]
mod races;
#[path = "suite/rectification.rs"]
mod rectification;
#[path = "suite/registers.rs"]
mod registers;
#[path = "suite/reporting.rs"]
mod reporting;
#[path = "suite/sanctions.rs"]
mod sanctions;
#[path = "suite/tipoffs.rs"]
mod tipoffs;
#[path = "suite/transfer.rs"]
mod transfer;

use axum::http::{Method, StatusCode};
use common::{Client, counts, seeded_router};
use jianguan_app::Permission;
use jianguan_testkit::backends;
use serde_json::json;

fn fill(path: &str, id: &str) -> String {
    path.replace("{id}", id).replace("{variant}", "thumb")
}

/// Every route is in the table with a permission, and that permission is enforced:
/// anonymous callers reach only public routes; a viewer cannot edit; an inspector cannot
/// administer.
#[tokio::test]
async fn every_route_declares_and_enforces_its_permission() {
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    assert!(
        t.routes.len() > 30,
        "route table looks incomplete: {}",
        t.routes.len()
    );
    let anon = Client::anonymous(&t);
    let viewer = Client::login(&t, "viewer").await;
    let inspector = Client::login(&t, "inspector").await;
    let contractor = Client::login(&t, "contractor").await;
    for r in &t.routes {
        let path = fill(&r.path, &t.world.enterprise_a);
        let (status, body) = anon.request(r.method.clone(), &path, None).await;
        match r.permission {
            // Public routes answer for themselves (a login without credentials is a 401 of
            // the login page), never with the permission layer's refusal.
            Permission::Public => assert!(
                status != StatusCode::SEE_OTHER && !body.contains(r#""error":"unauthenticated""#),
                "{} {} is public",
                r.method,
                r.path
            ),
            _ if r.path.starts_with("/api/") => {
                assert_eq!(
                    status,
                    StatusCode::UNAUTHORIZED,
                    "anonymous {} {}",
                    r.method,
                    r.path
                )
            }
            // Pages send people to the login page; an unsafe request without a session
            // is refused before it reaches the handler.
            _ => assert!(
                status == StatusCode::SEE_OTHER || status == StatusCode::FORBIDDEN,
                "anonymous {} {} gave {status}",
                r.method,
                r.path
            ),
        }
        if matches!(
            r.permission,
            Permission::EditRecords
                | Permission::Administer
                | Permission::HandIn
                | Permission::Count
                | Permission::Supervise
                | Permission::Decide
        ) {
            let (status, _) = viewer.request(r.method.clone(), &path, None).await;
            assert_eq!(
                status,
                StatusCode::FORBIDDEN,
                "viewer {} {}",
                r.method,
                r.path
            );
        }
        if matches!(
            r.permission,
            Permission::ReadCounty
                | Permission::EditRecords
                | Permission::Supervise
                | Permission::Decide
        ) {
            let (status, _) = contractor.request(r.method.clone(), &path, None).await;
            assert_eq!(
                status,
                StatusCode::FORBIDDEN,
                "contractor {} {}",
                r.method,
                r.path
            );
        }
        if matches!(
            r.permission,
            Permission::Administer | Permission::HandIn | Permission::Decide
        ) {
            let (status, _) = inspector.request(r.method.clone(), &path, None).await;
            assert_eq!(
                status,
                StatusCode::FORBIDDEN,
                "inspector {} {}",
                r.method,
                r.path
            );
        }
    }
}

/// Every route that changes something names what it does: a contractor can change only
/// through hand-in routes (and its own account) and the count, the one write both sides
/// make; every hand-in route is one a contractor passes while staff do not; staff's own
/// writes are supervisory actions or decisions. Proved by walking the table as a
/// contractor and as an inspector.
/// POSTs that change nothing: they start a download being built.
const READING_POSTS: [&str; 4] = [
    "/projects/{id}/dossier",
    "/api/v1/projects/{id}/dossier",
    "/programmes/{id}/dossier",
    "/api/v1/programmes/{id}/dossier",
];

#[tokio::test]
async fn write_routes_name_the_hand_in_the_supervision_or_the_decision() {
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let contractor = Client::login(&t, "contractor").await;
    let inspector = Client::login(&t, "inspector").await;
    // Logging in or out would end the walk's sessions.
    let writes: Vec<_> = t
        .routes
        .iter()
        .filter(|r| r.method != Method::GET && !["/login", "/logout"].contains(&r.path.as_str()))
        .collect();
    let mut hand_ins = 0;
    let mut counting = 0;
    for r in &writes {
        // An id the contractor may not see: the permission layer answers before the
        // handler looks, so 403 means the layer refused and anything else means it let
        // the request through.
        let path = fill(&r.path, "no-such-record");
        let (by_contractor, _) = contractor.request(r.method.clone(), &path, None).await;
        let (by_inspector, _) = inspector.request(r.method.clone(), &path, None).await;
        let contractor_passes = by_contractor != StatusCode::FORBIDDEN;
        match r.permission {
            Permission::HandIn => {
                hand_ins += 1;
                assert!(
                    contractor_passes,
                    "hand-in {} {} refused a contractor",
                    r.method, r.path
                );
                assert_eq!(
                    by_inspector,
                    StatusCode::FORBIDDEN,
                    "hand-in {} {}",
                    r.method,
                    r.path
                );
            }
            Permission::Count => {
                counting += 1;
                assert!(
                    contractor_passes && by_inspector != StatusCode::FORBIDDEN,
                    "count {} {} refused a contractor or an inspector",
                    r.method,
                    r.path
                );
            }
            Permission::Public | Permission::Authenticated => {}
            _ => assert!(
                !contractor_passes,
                "{} {} lets a contractor change something without being a hand-in ({:?})",
                r.method, r.path, r.permission
            ),
        }
        if r.permission == Permission::Supervise {
            assert_ne!(
                by_inspector,
                StatusCode::FORBIDDEN,
                "{} {}",
                r.method,
                r.path
            );
        }
        // No write is left at a reading permission; the one POST that reads starts
        // building a dossier to download, changing no record.
        assert!(
            !matches!(
                r.permission,
                Permission::ReadRecords | Permission::ReadCounty
            ) || READING_POSTS.contains(&r.path.as_str()),
            "{} {} changes something under a reading permission",
            r.method,
            r.path
        );
    }
    assert_eq!(
        hand_ins, 33,
        "the contractor's hand-in routes (pages and API)"
    );
    assert_eq!(counting, 12, "the count's routes (pages and API)");
}

#[tokio::test]
async fn openapi_documents_every_api_route() {
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let (status, body) = Client::anonymous(&t).get_json("/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let paths = body["paths"].as_object().expect("paths");
    for r in t
        .routes
        .iter()
        .filter(|r| r.path.starts_with("/api/v1/") && r.path != "/api/v1/openapi.json")
    {
        let method = r.method.as_str().to_lowercase();
        assert!(
            paths.get(&r.path).and_then(|p| p.get(&method)).is_some(),
            "{} {} missing from OpenAPI",
            r.method,
            r.path
        );
    }
    // Every reference points at a schema the document has.
    fn refs(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(r) = m.get("$ref").and_then(|r| r.as_str()) {
                    out.push(r.to_string());
                }
                m.values().for_each(|x| refs(x, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&body, &mut all);
    for r in all {
        let name = r.trim_start_matches("#/components/schemas/");
        assert!(
            body["components"]["schemas"][name].is_object(),
            "{r} does not exist"
        );
    }
    // What openapi-spec-validator (CI) also checks: path parameters are in the path,
    // every response is described, every route that needs a caller says how to be one.
    assert!(body["components"]["securitySchemes"]["bearer"].is_object());
    for (path, ops) in paths {
        for (method, op) in ops.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                if p["in"] == "path" {
                    let name = p["name"].as_str().unwrap();
                    assert!(
                        path.contains(&format!("{{{name}}}")),
                        "{method} {path}: {name} is not in the path"
                    );
                }
            }
            for (status, r) in op["responses"].as_object().unwrap() {
                assert!(
                    r["description"].as_str().is_some_and(|d| !d.is_empty()),
                    "{method} {path} {status} has no description"
                );
            }
            let public = t.routes.iter().any(|r| {
                &r.path == path
                    && r.method.as_str().eq_ignore_ascii_case(method)
                    && r.permission == Permission::Public
            });
            assert_eq!(
                op["security"].as_array().unwrap().is_empty(),
                public,
                "{method} {path}: security"
            );
            for (kind, media) in op["requestBody"]["content"]
                .as_object()
                .into_iter()
                .flatten()
            {
                if !kind.contains("json") {
                    assert_eq!(
                        media["schema"]["type"], "string",
                        "{method} {path}: {kind} is a binary body"
                    );
                }
            }
        }
    }
}

/// Which record of the wrong tenant each id-taking route is asked about, and a body that
/// would be valid for it.
fn foreign_id(path: &str, w: &jianguan_testkit::World, county: bool) -> String {
    if path.contains("/enterprises/") {
        if county {
            w.enterprise_y.clone()
        } else {
            w.enterprise_b.clone()
        }
    } else if path.contains("/projects/") {
        if county {
            w.project_y.clone()
        } else {
            w.project_b.clone()
        }
    } else if path.contains("/programmes/") {
        w.programme_y.clone()
    } else if path.contains("/counties/") {
        w.county_y.clone()
    } else if path.contains("/users/") {
        w.user_y.clone()
    } else if path.contains("/docket/") {
        if county {
            w.finding_y.clone()
        } else {
            w.finding_b.clone()
        }
    } else if path.contains("/inspections/") {
        if county {
            w.inspection_y.clone()
        } else {
            w.inspection_b.clone()
        }
    } else if path.contains("/photos/") {
        if county {
            w.photo_y.clone()
        } else {
            w.photo_b.clone()
        }
    } else if path.contains("/orders/") {
        if county {
            w.order_y.clone()
        } else {
            w.order_b.clone()
        }
    } else if path.starts_with("/progress-reports/") {
        if county {
            w.report_y.clone()
        } else {
            w.report_b.clone()
        }
    } else if path.starts_with("/training/") {
        if county {
            w.class_y.clone()
        } else {
            w.class_b.clone()
        }
    } else if path.starts_with("/licences/") {
        if county {
            w.licence_y.clone()
        } else {
            w.licence_b.clone()
        }
    } else if path.starts_with("/reviews/") || path.starts_with("/api/v1/reviews/") {
        if county {
            w.review_y.clone()
        } else {
            w.review_b.clone()
        }
    } else if path.contains("/incidents/") {
        if county {
            w.incident_y.clone()
        } else {
            w.incident_b.clone()
        }
    } else if path.contains("/market/") {
        if county {
            w.market_y.clone()
        } else {
            w.market_b.clone()
        }
    } else if path.contains("/sanctions/") {
        if county {
            w.sanction_y.clone()
        } else {
            w.sanction_b.clone()
        }
    } else if path.contains("/claims/") {
        if county {
            w.claim_y.clone()
        } else {
            w.claim_b.clone()
        }
    } else if path.contains("/disbursements/") {
        if county {
            w.disbursement_y.clone()
        } else {
            w.disbursement_b.clone()
        }
    } else if path.contains("/documents/") {
        if county {
            w.document_y.clone()
        } else {
            w.document_b.clone()
        }
    } else if path.contains("/asset-counts/") || path.contains("/assets/counts/") {
        if county {
            w.count_y.clone()
        } else {
            w.count_b.clone()
        }
    } else if path.contains("/asset-scans/") || path.contains("/assets/scans/") {
        if county {
            w.scan_y.clone()
        } else {
            w.scan_b.clone()
        }
    } else if path.contains("/assets/") {
        if county {
            w.asset_y.clone()
        } else {
            w.asset_b.clone()
        }
    } else if path.contains("/duplicates/") {
        if county {
            w.finding_y.clone()
        } else {
            w.finding_b.clone()
        }
    } else if path.contains("/tokens/") {
        if county {
            w.token_y.clone()
        } else {
            w.token_b.clone()
        }
    } else if path.starts_with("/tipoffs/") || path.starts_with("/open311/") {
        if county {
            w.tipoff_y.clone()
        } else {
            w.tipoff_b.clone()
        }
    } else if path.starts_with("/dossiers/") || path.contains("/dossier-jobs/") {
        // Builds live in the server's memory, not in the seeded world: someone else's
        // build is addressed by an id this caller does not own (suite/dossier.rs starts
        // a real one and has another user ask for it).
        "a-build-of-someone-else".into()
    } else {
        panic!("authorisation matrix does not know how to address {path}: add it")
    }
}

fn body_for(path: &str, w: &jianguan_testkit::World) -> serde_json::Value {
    if path.ends_with("/void") {
        json!({ "reason": "测试作废" })
    } else if path.ends_with("/asset-handover") || path.ends_with("/handover") {
        json!({ "date": "2026-01-20", "to": "交城县工业和信息化（商务）局" })
    } else if path.ends_with("/transfers") || path.ends_with("/transfer") {
        json!({ "date": "2026-01-20", "to_custodian": "李春梅" })
    } else if path.ends_with("/renewal") {
        json!({ "until": "2027-12-31", "basis": "交电商办〔2026〕3号" })
    } else if path.starts_with("/api/v1/asset-counts/") && path.ends_with("/scans") {
        json!({ "code": "JG-141122-00001" })
    } else if path.ends_with("/spoil") {
        json!({ "reason": "测试作废" })
    } else if path.ends_with("/resolve") {
        json!({ "item": 0, "kind": "explained", "note": "测试" })
    } else if path.ends_with("/write-off") {
        json!({ "item": 0, "approve": true })
    } else if path.ends_with("/recover") {
        json!({ "item": 0, "amount": "100", "deadline": "2030-01-01" })
    } else if path.starts_with("/api/v1/asset-scans/") && !path.ends_with("/photos") {
        json!({ "result": "present" })
    } else if path.starts_with("/api/v1/projects/") && path.ends_with("/plans") {
        json!({ "effective_from": "2026-01-01", "milestones": [{"date": "2026-12-31", "percent": 100.0}] })
    } else if path.starts_with("/api/v1/projects/") && path.ends_with("/reports") {
        json!({ "month": "2026-01", "cumulative_percent": 10.0, "narrative": "进度" })
    } else if path.starts_with("/api/v1/reviews/") {
        json!({ "verdict": "approved" })
    } else if path.contains("/enterprises/") {
        json!({ "name": "改名企业", "uscc": "91350100M000100Y43" })
    } else if path.contains("/programmes/") {
        json!({
            "name": "改名", "period_start": "2026-01-01", "period_end": "2027-12-31", "budget_fen": 100,
            "responsible_person": "某局长", "plan_document": null, "county_code": null
        })
    } else if path.contains("/projects/") {
        json!({
            "name": "改名项目", "programme_id": w.programme_x, "enterprise_id": w.enterprise_a, "system": "logistics",
            "township": "天宁镇", "central_funds_fen": 100, "construction_start": "2026-01-01", "construction_end": "2026-06-30"
        })
    } else if path.starts_with("/api/v1/inspections/")
        && !path.ends_with("/finalise")
        && !path.ends_with("/photos")
    {
        json!({
            "project_id": w.project_a, "kinds": ["construction"], "date": "2026-01-05",
            "inspectors": ["甲", "乙"], "minutes": "记录", "reason": "更正"
        })
    } else if path.ends_with("/submit") {
        json!({ "text": "已整改" })
    } else if path.contains("/claims/") && path.ends_with("/review") {
        json!({ "verdict": "approved", "approved_fen": 500_000 })
    } else if path.contains("/duplicates/") {
        json!({ "confirmed": false, "reason": "经核实不是重复申请" })
    } else if path.ends_with("/review") {
        json!({ "accept": true })
    } else if path.ends_with("/act") {
        json!({ "action": "decide", "note": "同意" })
    } else if path.contains("/market/") && path.ends_with("/close") {
        json!({ "reason": "已移交市场监管部门" })
    } else if path.starts_with("/api/v1/assets/") && path.ends_with("/tag") {
        json!({ "tag": "JG-141122-00001" })
    } else if path.starts_with("/api/v1/assets/") {
        json!({
            "project_id": w.project_a, "asset_kind": "fixed", "name": "改名资产", "category": "electronic",
            "quantity": 1, "value_fen": 100, "purchase_date": "2026-01-05", "status": "in_use"
        })
    } else {
        json!({})
    }
}

/// For every route that takes an id: a contractor of enterprise A asking for B's record,
/// and users of county X asking for county Y's, get no data and change nothing.
#[tokio::test]
async fn authorisation_matrix_on_every_id_route() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        let callers = [
            ("contractor", false),
            ("inspector", true),
            ("chief", true),
            ("viewer", true),
            ("admin", true),
        ];
        let mut clients = Vec::new();
        for (username, cross_county) in callers {
            clients.push((username, cross_county, Client::login(&t, username).await));
        }
        // Logging in is itself audited; from here on nothing may change.
        let before = counts(&t).await;
        for (username, cross_county, c) in &clients {
            let (username, cross_county) = (*username, *cross_county);
            for r in t.routes.iter().filter(|r| r.path.contains("{id}")) {
                let id = foreign_id(&r.path, &w, cross_county);
                let path = fill(&r.path, &id);
                let body = (r.method != Method::GET).then(|| body_for(&r.path, &w));
                let (status, text) = c.request(r.method.clone(), &path, body).await;
                let allowed = c.actor_may(r.permission);
                if allowed {
                    assert_eq!(
                        status,
                        StatusCode::NOT_FOUND,
                        "{backend:?} {username} {} {path}: {text}",
                        r.method
                    );
                } else {
                    assert_eq!(
                        status,
                        StatusCode::FORBIDDEN,
                        "{backend:?} {username} {} {path}",
                        r.method
                    );
                }
                for secret in ["文水县农特产品电商有限公司", "文水县物流配送中心"]
                {
                    assert!(!text.contains(secret), "{username} saw {secret} at {path}");
                }
                if !cross_county {
                    let b_name = "交城县顺通物流有限公司";
                    assert!(
                        !text.contains(b_name),
                        "contractor saw enterprise B at {path}"
                    );
                }
            }
        }
        assert_eq!(counts(&t).await, before, "{backend:?}: something changed");
    }
}

#[tokio::test]
async fn lists_show_only_what_the_caller_may_see() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let contractor = Client::login(&t, "contractor").await;
        let (_, list) = contractor.get_json("/api/v1/enterprises").await;
        let items = list["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{backend:?}");
        assert_eq!(items[0]["id"], t.world.enterprise_a.as_str());
        let (_, projects) = contractor.get_json("/api/v1/projects?limit=500").await;
        let (_, in_programme) = contractor
            .get_json(&format!(
                "/api/v1/projects?programme_id={}",
                t.world.programme_x
            ))
            .await;
        assert_eq!(
            in_programme["total"], projects["total"],
            "the contractor's projects are all in the demo programme"
        );
        let (_, elsewhere) = contractor
            .get_json(&format!(
                "/api/v1/projects?programme_id={}",
                t.world.programme_y
            ))
            .await;
        assert_eq!(elsewhere["total"], 0);
        assert!(
            projects["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["enterprise_id"] == t.world.enterprise_a.as_str())
        );
        let (_, html) = contractor.get("/projects").await;
        assert!(!html.contains("顺通物流") && !html.contains("文水县"));

        let inspector = Client::login(&t, "inspector").await;
        let (_, list) = inspector.get_json("/api/v1/enterprises?limit=500").await;
        assert_eq!(list["total"], 12, "{backend:?}");
        let (_, html) = inspector.get("/enterprises").await;
        assert!(html.contains("交城县顺通物流有限公司") && !html.contains("文水县"));
        let (_, counties) = inspector.get_json("/api/v1/counties").await;
        assert_eq!(counties.as_array().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn bad_input_gets_a_clear_error_and_changes_nothing() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        let c = Client::login(&t, "inspector").await;
        let before = counts(&t).await;
        let good_project = json!({
            "name": "新项目", "programme_id": w.programme_x, "enterprise_id": w.enterprise_a, "system": "logistics",
            "township": "天宁镇", "central_funds_fen": 100000, "construction_start": "2026-01-01", "construction_end": "2026-06-30"
        });
        let with = |k: &str, v: serde_json::Value| {
            let mut b = good_project.clone();
            b[k] = v;
            b
        };
        let cases: Vec<(&str, serde_json::Value, &str, &str)> = vec![
            (
                "/api/v1/enterprises",
                json!({"name": "某企业", "uscc": "91350100M000100Y44"}),
                "uscc",
                "第 18 位",
            ),
            (
                "/api/v1/enterprises",
                json!({"name": "", "uscc": "91350100M000100Y43"}),
                "name",
                "请填写企业名称",
            ),
            (
                "/api/v1/enterprises",
                json!({"name": "某企业", "uscc": "91350100M000100Y43", "contact_phone": "电话"}),
                "contact_phone",
                "联系电话",
            ),
            (
                "/api/v1/projects",
                with("central_funds_fen", json!(-100)),
                "central_funds",
                "不能为负数",
            ),
            (
                "/api/v1/projects",
                with("construction_end", json!("2025-12-31")),
                "construction_end",
                "早于开始日期",
            ),
            (
                "/api/v1/projects",
                with("township", json!("北京市")),
                "township",
                "不是交城县的乡镇",
            ),
            (
                "/api/v1/projects",
                with("enterprise_id", json!(w.enterprise_y)),
                "enterprise_id",
                "不存在",
            ),
            (
                "/api/v1/projects",
                with("system", json!("none")),
                "system",
                "五大体系",
            ),
        ];
        for (path, body, field, words) in cases {
            let (status, v) = c.json(Method::POST, path, body.clone()).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{backend:?} {path} {body}: {v}"
            );
            assert_eq!(v["error"], "validation_failed");
            let msg = v["fields"][field]
                .as_str()
                .unwrap_or_else(|| panic!("no message for {field}: {v}"));
            assert!(msg.contains(words), "{field}: {msg}");
            assert!(!v["message"].as_str().unwrap().is_empty());
        }
        // Malformed JSON, unknown fields, wrong types, no JSON at all, a 10 MB body.
        let (status, v) = c
            .raw(
                Method::POST,
                "/api/v1/enterprises",
                "application/json",
                b"{\"name\": ".to_vec(),
            )
            .await;
        assert_eq!(
            (status, v["error"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_json"))
        );
        assert!(v["message"].as_str().unwrap().contains("不是有效的 JSON"));
        let (status, v) = c
            .json(
                Method::POST,
                "/api/v1/enterprises",
                json!({"name": "x", "uscc": "91350100M000100Y43", "owner": "x"}),
            )
            .await;
        assert_eq!(
            (status, v["error"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_body"))
        );
        assert!(v["message"].as_str().unwrap().contains("owner"));
        let (status, _) = c
            .json(
                Method::POST,
                "/api/v1/projects",
                with("central_funds_fen", json!("很多")),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, v) = c
            .raw(
                Method::POST,
                "/api/v1/enterprises",
                "text/plain",
                b"name=x".to_vec(),
            )
            .await;
        assert_eq!(
            (status, v["error"].as_str()),
            (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Some("unsupported_media_type")
            )
        );
        let mut big = b"{\"name\": \"".to_vec();
        big.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024));
        big.extend(b"\", \"uscc\": \"91350100M000100Y43\"}");
        let (status, v) = c
            .raw(
                Method::POST,
                "/api/v1/enterprises",
                "application/json",
                big.clone(),
            )
            .await;
        assert_eq!(
            (status, v["error"].as_str()),
            (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large"))
        );
        let (status, _) = c
            .raw(
                Method::POST,
                "/enterprises",
                "application/x-www-form-urlencoded",
                big,
            )
            .await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        // The same through the form: the error stands beside the field, the typed values stay.
        let (status, html) = c
            .form(
                "/enterprises",
                &[
                    ("name", "交城县测试企业"),
                    ("uscc", "91350100M000100Y44"),
                    ("contact_person", "张三"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("data-field-error=\"uscc\"") && html.contains("校验位错误"));
        assert!(
            html.contains("value=\"交城县测试企业\"") && html.contains("value=\"张三\""),
            "typed values lost"
        );
        let (status, html) = c
            .form(
                "/projects",
                &[
                    ("name", "测试"),
                    ("programme_id", &w.programme_x),
                    ("enterprise_id", &w.enterprise_a),
                    ("system", "logistics"),
                    ("township", "天宁镇"),
                    ("central_funds", "-5"),
                    ("construction_start", "2026-05-01"),
                    ("construction_end", "2026-04-01"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("金额不能为负数") && html.contains("早于开始日期"));
        // Voiding needs a reason; a project's status cannot jump backwards.
        let (status, v) = c
            .json(
                Method::POST,
                &format!("/api/v1/projects/{}/void", w.project_a),
                json!({"reason": " "}),
            )
            .await;
        assert_eq!(
            (status, v["fields"]["reason"].is_string()),
            (StatusCode::UNPROCESSABLE_ENTITY, true)
        );
        let (status, v) = c
            .json(
                Method::POST,
                &format!("/api/v1/enterprises/{}/void", w.enterprise_a),
                json!({"reason": "不再承办"}),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "enterprise with live projects: {v}"
        );
        assert!(v["message"].as_str().unwrap().contains("未作废的承办项目"));
        assert_eq!(
            counts(&t).await,
            before,
            "{backend:?}: bad input changed the database"
        );
    }
}

#[tokio::test]
async fn records_are_created_edited_and_voided_with_history() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let c = Client::login(&t, "inspector").await;
        let (status, e) = c
            .json(Method::POST, "/api/v1/enterprises", json!({"name": " 交城县新企业有限公司 ", "uscc": "9144030071526726xg", "handles_food": true}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{e}");
        assert_eq!(e["name"], "交城县新企业有限公司");
        assert_eq!(e["uscc"], "9144030071526726XG");
        let id = e["id"].as_str().unwrap().to_string();
        let (status, v) = c
            .json(
                Method::POST,
                "/api/v1/enterprises",
                json!({"name": "重复", "uscc": "9144030071526726XG"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            v["fields"]["uscc"]
                .as_str()
                .unwrap()
                .contains("交城县新企业有限公司")
        );
        let (status, e2) = c
            .json(
                Method::PUT,
                &format!("/api/v1/enterprises/{id}"),
                json!({"name": "交城县新企业有限公司（改）", "uscc": "9144030071526726XG"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{e2}");
        let (status, v) = c
            .json(
                Method::POST,
                &format!("/api/v1/enterprises/{id}/void"),
                json!({"reason": "重复录入"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(v["void_reason"], "重复录入");
        // Voided, not gone: still readable, listed only on request, and its history shows every step.
        let (status, _) = c.get_json(&format!("/api/v1/enterprises/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        let (_, list) = c.get_json("/api/v1/enterprises?q=新企业").await;
        assert_eq!(list["total"], 0);
        let (_, list) = c
            .get_json("/api/v1/enterprises?q=新企业&include_voided=true")
            .await;
        assert_eq!(list["total"], 1);
        let (_, html) = c.get(&format!("/enterprises/{id}")).await;
        assert!(html.contains("已作废") && html.contains("重复录入"));
        assert!(
            html.contains("新建")
                && html.contains("修改")
                && html.contains("作废")
                && html.contains("李检查")
        );
        let (status, _) = c
            .json(
                Method::PUT,
                &format!("/api/v1/enterprises/{id}"),
                json!({"name": "x", "uscc": "9144030071526726XG"}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

#[tokio::test]
async fn programmes_are_edited_by_administrators_and_voided_only_when_empty() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let admin = Client::login(&t, "admin").await;
        let path = format!("/api/v1/programmes/{}", t.world.programme_x);
        let body = json!({
            "name": "交城县电子商务进农村综合示范（调整）", "plan_document": "交电商办〔2022〕9号",
            "period_start": "2025-11-01", "period_end": "2027-10-31", "budget_fen": 2_100_000_000i64,
            "responsible_person": "县工业和信息化（商务）局局长"
        });
        let (status, v) = admin.json(Method::PUT, &path, body.clone()).await;
        assert_eq!(status, StatusCode::OK, "{backend:?}: {v}");
        assert_eq!(v["budget_fen"], 2_100_000_000i64);
        let mut bad = body.clone();
        bad["period_end"] = json!("2024-01-01");
        let (status, v) = admin.json(Method::PUT, &path, bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            v["fields"]["period_end"]
                .as_str()
                .unwrap()
                .contains("早于开始日期")
        );
        let (status, v) = admin
            .json(
                Method::POST,
                &format!("{path}/void"),
                json!({"reason": "重复"}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{v}");
        assert!(v["message"].as_str().unwrap().contains("未作废的承办项目"));
        let inspector = Client::login(&t, "inspector").await;
        assert_eq!(
            inspector.json(Method::PUT, &path, body).await.0,
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test]
async fn sessions_end_on_logout_password_change_and_disable() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let c = Client::login(&t, "inspector").await;
        assert!(
            c.cookie_header.contains("HttpOnly") && c.cookie_header.contains("SameSite=Lax"),
            "{}",
            c.cookie_header
        );
        let again = Client::login(&t, "inspector").await;
        assert_ne!(c.cookie, again.cookie, "a login must start a new session");
        let (status, _) = c.form("/logout", &[]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(
            c.get("/").await.0,
            StatusCode::SEE_OTHER,
            "{backend:?}: session survived logout"
        );
        assert_eq!(
            again.get("/").await.0,
            StatusCode::OK,
            "logging out one session ends only that one"
        );

        // A password change ends every session of the user, including other devices.
        let other = Client::login(&t, "chief").await;
        let this = Client::login(&t, "chief").await;
        let (status, html) = this
            .form(
                "/account/password",
                &[
                    ("old_password", "wrong"),
                    ("new_password", "new-password-1"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("原密码不正确"));
        let (status, _) = this
            .form(
                "/account/password",
                &[
                    ("old_password", jianguan_testkit::DEMO_PASSWORD),
                    ("new_password", "new-password-1"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(
            other.get("/").await.0,
            StatusCode::SEE_OTHER,
            "{backend:?}: other device still logged in"
        );
        assert_eq!(this.get("/").await.0, StatusCode::SEE_OTHER);
        assert!(
            Client::try_login(&t, "chief", jianguan_testkit::DEMO_PASSWORD)
                .await
                .is_err()
        );
        assert!(
            Client::try_login(&t, "chief", "new-password-1")
                .await
                .is_ok()
        );

        // Disabling a user ends their sessions and their API tokens.
        let victim = Client::login(&t, "viewer").await;
        let (status, tok) = victim
            .json(Method::POST, "/api/v1/tokens", json!({"name": "报表接口"}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{tok}");
        let token = tok["token"].as_str().unwrap().to_string();
        let bearer = Client::bearer(&t, &token);
        assert_eq!(bearer.get_json("/api/v1/me").await.1["username"], "viewer");
        let admin = Client::login(&t, "admin").await;
        let viewer_id = victim.get_json("/api/v1/me").await.1["user_id"]
            .as_str()
            .unwrap()
            .to_string();
        let (status, v) = admin
            .json(
                Method::POST,
                &format!("/api/v1/users/{viewer_id}/disable"),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(victim.get("/").await.0, StatusCode::SEE_OTHER);
        assert_eq!(
            bearer.get_json("/api/v1/me").await.0,
            StatusCode::UNAUTHORIZED
        );
        assert!(
            Client::try_login(&t, "viewer", jianguan_testkit::DEMO_PASSWORD)
                .await
                .is_err()
        );
    }
}

#[tokio::test]
async fn sessions_time_out_when_idle_and_after_a_working_day() {
    use std::sync::atomic::Ordering;
    let mut t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let (app, offset) = common::moving_clock(&t.app);
    t.set_app(app);
    let c = Client::login(&t, "inspector").await;
    offset.store(119 * 60, Ordering::SeqCst);
    assert_eq!(
        c.get("/").await.0,
        StatusCode::OK,
        "active within the idle limit"
    );
    offset.store(119 * 60 + 121 * 60, Ordering::SeqCst);
    assert_eq!(
        c.get("/").await.0,
        StatusCode::SEE_OTHER,
        "idle for over two hours"
    );

    offset.store(0, Ordering::SeqCst);
    let c = Client::login(&t, "inspector").await;
    for hour in 1..=11 {
        offset.store(hour * 3600, Ordering::SeqCst);
        assert_eq!(c.get("/").await.0, StatusCode::OK, "hour {hour}");
    }
    offset.store(12 * 3600 + 60, Ordering::SeqCst);
    assert_eq!(
        c.get("/").await.0,
        StatusCode::SEE_OTHER,
        "a session ends after 12 hours however active"
    );
}

#[tokio::test]
async fn csrf_is_required_for_every_cookie_write() {
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let c = Client::login(&t, "inspector").await;
    let before = counts(&t).await;
    let fields = [("name", "跨站伪造"), ("uscc", "91350100M000100Y43")];
    let (status, html) = c.form_with_csrf("/enterprises", &fields, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("页面已过期") && html.contains("返回上一页重新提交"));
    assert_eq!(
        c.form_with_csrf("/enterprises", &fields, Some("forged"))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let (status, v) = c
        .json_with_csrf(
            Method::POST,
            "/api/v1/enterprises",
            json!({"name": "x", "uscc": "91350100M000100Y43"}),
            None,
        )
        .await;
    assert_eq!(
        (status, v["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("csrf_failed"))
    );
    let (status, _) = c.cross_origin_form("/enterprises", &fields).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(counts(&t).await, before);
    // A bearer token is not a cookie: no CSRF token needed.
    let (_, tok) = c
        .json(Method::POST, "/api/v1/tokens", json!({"name": "接口"}))
        .await;
    let b = Client::bearer(&t, tok["token"].as_str().unwrap());
    let (status, v) = b
        .json_with_csrf(
            Method::POST,
            "/api/v1/enterprises",
            json!({"name": "令牌创建", "uscc": "91350100M000100Y43"}),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(
        Client::bearer(&t, "jg_wrong")
            .get_json("/api/v1/me")
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn repeated_failed_logins_are_throttled() {
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    for _ in 0..5 {
        let err = Client::try_login(&t, "inspector", "wrong-password")
            .await
            .unwrap_err();
        assert!(err.contains("用户名或密码不正确"), "{err}");
    }
    let err = Client::try_login(&t, "inspector", jianguan_testkit::DEMO_PASSWORD)
        .await
        .unwrap_err();
    assert!(err.contains("登录失败次数过多"), "{err}");
    assert!(
        Client::try_login(&t, "chief", jianguan_testkit::DEMO_PASSWORD)
            .await
            .is_ok(),
        "other users are not locked out"
    );
    assert!(
        Client::try_login(&t, "nobody", "x")
            .await
            .unwrap_err()
            .contains("用户名或密码不正确")
    );
}

#[tokio::test]
async fn pages_carry_security_headers_and_no_external_assets() {
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let c = Client::login(&t, "inspector").await;
    for path in [
        "/",
        "/enterprises",
        "/projects",
        &format!("/projects/{}", t.world.project_a),
        "/projects/new",
        "/enterprises/new",
    ] {
        let (status, html, headers) = c.get_with_headers(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(headers.get("x-content-type-options").unwrap(), "nosniff");
        assert!(
            headers
                .get("content-security-policy")
                .unwrap()
                .to_str()
                .unwrap()
                .contains("default-src 'self'")
        );
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "{path} refers to an outside address"
        );
        assert!(html.contains("lang=\"zh-CN\""));
    }
    let (status, html) = Client::anonymous(&t).get("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("没有找到"));
    let (status, v) = Client::anonymous(&t).get_json("/api/v1/nothing").await;
    assert_eq!(
        (status, v["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
}

#[tokio::test]
async fn login_redirects_only_within_the_site() {
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let c = Client::anonymous(&t);
    let (status, headers) = c.login_to("inspector", "//evil.example/x").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Refused, as if none were given: the inspector's home.
    assert_eq!(headers.get("location").unwrap(), "/docket");
    let (_, headers) = c.login_to("inspector", "/projects?system=logistics").await;
    assert_eq!(
        headers.get("location").unwrap(),
        "/projects?system=logistics"
    );
}

/// The national run (counties loaded together, inspections counted in the database,
/// evaluated on another thread) finds exactly what evaluating each county's full records
/// one by one finds.
#[tokio::test]
async fn evaluating_counties_together_finds_what_one_by_one_finds() {
    for backend in backends() {
        let world = jianguan_testkit::seeded(backend).await;
        let app = &world.app;
        let counties = ["141122".to_string(), "141121".to_string()];
        let today = app.today();
        for as_of in [
            today,
            today - chrono::Days::new(40),
            today + chrono::Days::new(75),
        ] {
            let together = jianguan_app::docket::evaluate_many(app, &counties, as_of)
                .await
                .unwrap();
            assert_eq!(together.len(), 2);
            for c in &counties {
                let full = jianguan_store::facts::load(app.store.reader(), c, None)
                    .await
                    .unwrap();
                let alone = jianguan_domain::rules::evaluate(&full, &app.profile, as_of);
                assert_eq!(together[c], alone, "{backend:?} {c} {as_of}");
            }
            assert!(!together["141122"].is_empty());
        }
    }
}

#[tokio::test]
async fn importing_over_the_api_is_all_or_nothing_and_idempotent() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let admin = Client::login(&t, "admin").await;
        let before = counts(&t).await;
        let good = json!({
            "format": "jianguan-bundle", "version": 1,
            "county": {"code": "141122", "name": "交城县", "prefecture": "吕梁市", "province": "山西省", "townships": []},
            "tipoffs": [{"id": "api-tip-1", "channel": "letter", "content": "来信反映站点收费", "summary": "站点违规收费", "receipt_code": "JB-API-1", "received_on": "2026-11-01"}],
            "licences": [{"id": "api-lic-1", "enterprise_id": t.world.enterprise_a, "kind": "commodity_circulation", "number": "LT-1", "valid_from": "2025-01-01"}]
        });
        let mut bad = good.clone();
        bad["tipoffs"][0]["channel"] = json!("pigeon");
        bad["licences"][0]["enterprise_id"] = json!(t.world.enterprise_y);
        bad["licences"][0]["colour"] = json!("red");
        let (status, v) = admin.json(Method::POST, "/api/v1/import", bad).await;
        assert_eq!(
            (status, v["error"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("import_invalid")),
            "{v}"
        );
        let fields = v["fields"].as_object().unwrap();
        assert!(fields.contains_key("$.tipoffs[0].channel"), "{fields:?}");
        assert!(fields.contains_key("$.licences[0].colour"), "{fields:?}");
        assert_eq!(
            counts(&t).await,
            before,
            "a rejected import wrote something"
        );

        let (status, v) = admin
            .json(Method::POST, "/api/v1/import", good.clone())
            .await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(v["created"], 2);
        let (_, v) = admin
            .json(Method::POST, "/api/v1/import", good.clone())
            .await;
        assert_eq!(
            (v["created"].as_u64(), v["unchanged"].as_u64()),
            (Some(0), Some(2)),
            "{v}"
        );
        // Into another county: not there for this admin.
        let mut other = good.clone();
        other["county"]["code"] = json!("141121");
        assert_eq!(
            admin.json(Method::POST, "/api/v1/import", other).await.0,
            StatusCode::NOT_FOUND
        );
        let inspector = Client::login(&t, "inspector").await;
        assert_eq!(
            inspector.json(Method::POST, "/api/v1/import", good).await.0,
            StatusCode::FORBIDDEN
        );
        let (status, exported) = inspector.get_json("/api/v1/export").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            exported["tipoffs"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["id"] == "api-tip-1")
        );
        assert!(
            exported["enterprises"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["name"] != "文水县农特产品电商有限公司")
        );
    }
}

#[tokio::test]
async fn the_daily_job_runs_once_a_day_whoever_asks() {
    use jianguan_app::jobs::{DAILY_DOCKET, finish, try_lease};
    use std::sync::atomic::Ordering;
    for backend in backends() {
        let mut t = seeded_router(backend).await;
        let (app, offset) = common::moving_clock(&t.app);
        t.set_app(app);
        let app = &t.app;
        assert!(
            try_lease(app, DAILY_DOCKET, "server-a").await.unwrap(),
            "{backend:?}"
        );
        assert!(
            !try_lease(app, DAILY_DOCKET, "server-b").await.unwrap(),
            "two servers ran the job at once"
        );
        finish(app, DAILY_DOCKET).await.unwrap();
        assert!(
            !try_lease(app, DAILY_DOCKET, "server-b").await.unwrap(),
            "the job ran twice in a day"
        );
        offset.store(24 * 3600, Ordering::SeqCst);
        assert!(
            try_lease(app, DAILY_DOCKET, "server-b").await.unwrap(),
            "the next day it runs again"
        );
        // A server that died holding the lease does not block the job for ever.
        offset.store(24 * 3600 + 31 * 60, Ordering::SeqCst);
        assert!(
            try_lease(app, DAILY_DOCKET, "server-a").await.unwrap(),
            "an expired lease is taken over"
        );
        // The daily pruning removes sessions past their lifetime, and nothing younger.
        let old = Client::login(&t, "inspector").await;
        offset.store(24 * 3600 + 31 * 60 + 13 * 3600, Ordering::SeqCst);
        let young = Client::login(&t, "chief").await;
        assert!(
            jianguan_app::accounts::prune(app).await.unwrap() >= 1,
            "{backend:?}: nothing pruned"
        );
        assert_eq!(
            young.get("/").await.0,
            StatusCode::OK,
            "a young session survives pruning"
        );
        assert_eq!(
            old.get("/").await.0,
            StatusCode::SEE_OTHER,
            "an old session is gone"
        );
    }
}

#[tokio::test]
async fn a_finding_has_a_life_new_notified_resolved() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let admin = Client::login(&t, "admin").await;
        let inspector = Client::login(&t, "inspector").await;
        let today = t.app.today();
        let (_, before) = inspector.get_json("/api/v1/docket?area=tipoff").await;
        let tip = before
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["subject"]["id"] == "demo-tip-2")
            .cloned()
            .expect("unanswered tip-off");
        assert_eq!(tip["first_seen"], today.to_string());
        // Answer the tip-off (through the same import a county uses), then refresh.
        let export = admin.get_json("/api/v1/export").await.1;
        let mut record = export["tipoffs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == "demo-tip-2")
            .cloned()
            .unwrap();
        record["replied_on"] = json!(today.to_string());
        record["reply"] = json!("已核实，网店已整改。");
        let bundle = json!({"format": "jianguan-bundle", "version": 1, "county": export["county"], "tipoffs": [record]});
        let (status, v) = admin.json(Method::POST, "/api/v1/import", bundle).await;
        assert_eq!(
            (status, v["updated"].as_u64()),
            (StatusCode::OK, Some(1)),
            "{v}"
        );
        // The import refreshed the docket at once: no waiting for tomorrow's run.
        let (_, open) = inspector.get_json("/api/v1/docket?area=tipoff").await;
        assert!(
            open.as_array()
                .unwrap()
                .iter()
                .all(|f| f["subject"]["id"] != "demo-tip-2")
        );
        let (_, all) = inspector
            .get_json("/api/v1/docket?area=tipoff&include_resolved=true")
            .await;
        let resolved = all
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["subject"]["id"] == "demo-tip-2")
            .unwrap();
        assert_eq!(resolved["resolved_on"], today.to_string());
        // A new finding notifies the inspector by name.
        let new_tip = json!({"format": "jianguan-bundle", "version": 1, "county": export["county"], "tipoffs": [{
            "id": "late-tip", "channel": "visit", "content": "来访反映", "summary": "来访反映站点乱收费", "receipt_code": "JB-LATE",
            "received_on": (today - chrono::Days::new(30)).to_string()}]});
        inspector
            .json(Method::POST, "/api/v1/notifications/read", json!({}))
            .await;
        assert_eq!(
            admin.json(Method::POST, "/api/v1/import", new_tip).await.0,
            StatusCode::OK
        );
        // The import already refreshed: a refresh now finds nothing new or resolved.
        let (status, v) = inspector
            .json(Method::POST, "/api/v1/docket/refresh", json!({}))
            .await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(
            (v[0]["new"].as_u64(), v[0]["resolved"].as_u64()),
            (Some(0), Some(0)),
            "{v}"
        );
        let (_, notes) = inspector.get_json("/api/v1/notifications").await;
        let unread: Vec<_> = notes
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["read_at"].is_null())
            .collect();
        assert_eq!(unread.len(), 1, "{unread:?}");
        assert!(
            unread[0]["body"]
                .as_str()
                .unwrap()
                .contains("来访反映站点乱收费")
        );
        // The contractor is not told about a tip-off that names no enterprise.
        let contractor = Client::login(&t, "contractor").await;
        let (_, theirs) = contractor.get_json("/api/v1/notifications").await;
        assert!(
            theirs
                .as_array()
                .unwrap()
                .iter()
                .all(|n| !n["body"].as_str().unwrap_or("").contains("乱收费"))
        );
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

/// Every kind of record the import writes can be read back per kind, within the caller's
/// county, by county staff only.
#[tokio::test]
async fn each_kind_of_record_is_read_within_the_county() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let inspector = Client::login(&t, "inspector").await;
        for kind in jianguan_app::bundle::TABLES {
            let (status, v) = inspector.get_json(&format!("/api/v1/records/{kind}")).await;
            assert_eq!(status, StatusCode::OK, "{backend:?} {kind}: {v}");
            assert_eq!(v["kind"], *kind);
            assert_eq!(v["county"], "141122");
        }
        // The same records the bundle export holds, kind by kind.
        let (_, bundle) = inspector.get_json("/api/v1/export").await;
        let (_, classes) = inspector.get_json("/api/v1/records/training_classes").await;
        assert!(
            !classes["records"].as_array().unwrap().is_empty(),
            "{backend:?}"
        );
        assert_eq!(
            classes["records"], bundle["training_classes"],
            "{backend:?}"
        );

        // By project, and by id.
        let project = classes["records"][0]["project_id"]
            .as_str()
            .unwrap()
            .to_string();
        let (_, mine) = inspector
            .get_json(&format!(
                "/api/v1/records/training_classes?project_id={project}"
            ))
            .await;
        let mine = mine["records"].as_array().unwrap();
        assert!(!mine.is_empty() && mine.iter().all(|r| r["project_id"] == project.as_str()));
        let (_, one) = inspector
            .get_json(&format!(
                "/api/v1/records/licences?id={}",
                t.world.licence_b
            ))
            .await;
        assert_eq!(
            one["records"].as_array().unwrap().len(),
            1,
            "{backend:?} {one}"
        );
        assert_eq!(one["records"][0]["id"], t.world.licence_b.as_str());

        // Another county's record is not there, whatever id is asked for.
        let (_, other) = inspector
            .get_json(&format!(
                "/api/v1/records/licences?id={}",
                t.world.licence_y
            ))
            .await;
        assert_eq!(other["records"], json!([]), "{backend:?}");

        // Clear errors: an unknown kind, a project filter on a kind without projects,
        // an unknown parameter.
        let (status, v) = inspector.get_json("/api/v1/records/pigeons").await;
        assert!(status.is_client_error(), "{backend:?} {status}");
        assert!(
            v["fields"]["kind"]
                .as_str()
                .unwrap()
                .contains("没有“pigeons”这类记录"),
            "{v}"
        );
        let (status, v) = inspector
            .get_json(&format!("/api/v1/records/licences?project_id={project}"))
            .await;
        assert!(status.is_client_error(), "{backend:?} {status}");
        assert!(v["fields"]["project_id"].is_string(), "{v}");
        let (status, _) = inspector
            .get_json("/api/v1/records/licences?colour=red")
            .await;
        assert!(status.is_client_error(), "{backend:?} {status}");

        // Contractors read their own records through the workflow endpoints, not here.
        let contractor = Client::login(&t, "contractor").await;
        let (status, _) = contractor.get_json("/api/v1/records/licences").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?}");

        // Every staff role, every kind, asked for county Y's ids: nothing of Y shows, and
        // reading changes nothing.
        let w = &t.world;
        let mut callers = Vec::new();
        for username in ["inspector", "chief", "viewer", "admin"] {
            callers.push((username, Client::login(&t, username).await));
        }
        let before = counts(&t).await;
        let foreign = [
            &w.project_y,
            &w.enterprise_y,
            &w.inspection_y,
            &w.licence_y,
            &w.incident_y,
            &w.report_y,
            &w.order_y,
        ];
        for (username, c) in &callers {
            for kind in jianguan_app::bundle::TABLES {
                let (status, text) = c.get(&format!("/api/v1/records/{kind}")).await;
                assert_eq!(status, StatusCode::OK, "{backend:?} {username} {kind}");
                for id in foreign {
                    assert!(!text.contains(id.as_str()), "{username} saw {id} in {kind}");
                }
                for secret in ["文水县农特产品电商有限公司", "文水县物流配送中心"]
                {
                    assert!(!text.contains(secret), "{username} saw {secret} in {kind}");
                }
                for id in foreign {
                    let (_, v) = c.get_json(&format!("/api/v1/records/{kind}?id={id}")).await;
                    assert_eq!(v["records"], json!([]), "{username} {kind} {id}");
                }
            }
        }
        assert_eq!(
            counts(&t).await,
            before,
            "{backend:?}: reading changed something"
        );
    }
}
