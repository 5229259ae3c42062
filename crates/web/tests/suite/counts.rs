//! 清查盘点 through the API and the pages, on both backends: two phones scanning one count
//! make one entry per label; closing turns the unscanned into missing, once however many
//! click; every kind of discrepancy is settled the way it may be, each once, and leaves the
//! docket; a later count finds what an earlier one missed; the asset's life after its
//! service period (hand-over, renewal) and its custodians.

use crate::common::{Client, TestRouter, seeded_router};
use axum::http::{Method, StatusCode};
use jianguan_store::entity::inventory_scan;
use jianguan_store::sea::{EntityTrait, PaginatorTrait};
use jianguan_testkit::backends;
use serde_json::{Value, json};

/// The village the tests' assets stand in: no demo asset is there.
const VILLAGE: &str = "盘点测试村";

async fn scan_rows(t: &TestRouter) -> u64 {
    inventory_scan::Entity::find()
        .count(t.app.store.reader())
        .await
        .unwrap()
}

/// Ledger lines in the test village, each with a fresh tag bound: (id, tag) each.
async fn tagged_assets(c: &Client, project: &str, names: &[&str]) -> Vec<(String, String)> {
    let (status, issued) = c
        .json(
            Method::POST,
            "/api/v1/assets/tags",
            json!({"count": names.len()}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    let mut out = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let (status, a) = c
            .json(
                Method::POST,
                "/api/v1/assets",
                json!({
                    "project_id": project, "asset_kind": "fixed", "name": name, "category": "electronic",
                    "quantity": 1, "value_fen": 720_000, "purchase_date": "2026-01-15", "central_funds": true,
                    "township": "天宁镇", "village": VILLAGE, "custodian": "王建国", "status": "in_use"
                }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{a}");
        let id = a["id"].as_str().unwrap().to_string();
        let tag = issued[i]["tag"].as_str().unwrap().to_string();
        let (status, b) = c
            .json(
                Method::POST,
                &format!("/api/v1/assets/{id}/tag"),
                json!({"tag": tag}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{b}");
        out.push((id, tag));
    }
    out
}

/// The open `assets.discrepancy_open` findings about this count.
async fn open_findings(c: &Client, count: &str) -> Vec<Value> {
    let (_, all) = c.get_json("/api/v1/docket").await;
    all.as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["rule"] == "assets.discrepancy_open"
                && f["resolved_on"].is_null()
                && f["period"]
                    .as_str()
                    .is_some_and(|p| p.split('#').next() == Some(count))
        })
        .cloned()
        .collect()
}

fn item(count: &Value, n: usize) -> Value {
    count["items"][n].clone()
}

/// The index of the item about this asset (with this result, for a label found besides).
fn index_of(count: &Value, asset: &str, result: &str) -> usize {
    count["items"]
        .as_array()
        .unwrap()
        .iter()
        .position(|i| i["asset_id"] == asset && i["result"] == result)
        .unwrap_or_else(|| panic!("no {result} item for {asset}: {count}"))
}

#[tokio::test]
async fn two_phones_count_one_station_and_every_discrepancy_is_settled_once() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        let contractor = Client::login(&t, "contractor").await;
        let inspector = Client::login(&t, "inspector").await;
        let chief = Client::login(&t, "chief").await;
        let names = ["冷藏展示柜", "电子秤", "货架", "收银电脑"];
        let assets = tagged_assets(&contractor, &w.project_a, &names).await;
        // Enterprise B's labelled asset turns up in A's station.
        let other = Client::login(&t, "contractor2").await;
        let (_, b_tags) = other
            .json(Method::POST, "/api/v1/assets/tags", json!({"count": 1}))
            .await;
        let b_tag = b_tags[0]["tag"].as_str().unwrap().to_string();
        let (status, _) = other
            .json(
                Method::POST,
                &format!("/api/v1/assets/{}/tag", w.asset_b),
                json!({"tag": b_tag}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);

        // The inspector begins a count of the station; a second click joins it.
        let scope =
            json!({"enterprise_id": w.enterprise_a, "township": "天宁镇", "village": VILLAGE});
        let (status, count) = inspector
            .json(Method::POST, "/api/v1/asset-counts", scope.clone())
            .await;
        assert_eq!(status, StatusCode::CREATED, "{backend:?}: {count}");
        assert_eq!(count["state"], "open");
        assert_eq!(count["progress"]["expected"], 4);
        let id = count["id"].as_str().unwrap().to_string();
        let (status, again) = inspector
            .json(Method::POST, "/api/v1/asset-counts", scope)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(again["id"], id.as_str(), "the same scope is one count");
        // A scope that holds nothing, or is not the county's, is said so.
        let (status, err) = inspector
            .json(
                Method::POST,
                "/api/v1/asset-counts",
                json!({"enterprise_id": w.enterprise_a, "township": "月球镇"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        assert!(err["fields"]["township"].is_string());
        let (status, err) = inspector
            .json(
                Method::POST,
                "/api/v1/asset-counts",
                json!({"enterprise_id": w.enterprise_a, "village": "没有资产的村"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");

        // Two phones (the contractor's and the inspector's) scan the first label at once,
        // three times each: one entry, the rest are told it was scanned.
        let url = format!("/api/v1/asset-counts/{id}/scans");
        let first = assets[0].1.clone();
        let before = scan_rows(&t).await;
        let calls = (0..6).map(|i| {
            let c = if i % 2 == 0 { &contractor } else { &inspector };
            c.json(Method::POST, &url, json!({"code": first.to_lowercase()}))
        });
        let outcomes = futures_util::future::join_all(calls).await;
        let created = outcomes
            .iter()
            .filter(|o| o.0 == StatusCode::CREATED)
            .count();
        assert_eq!(created, 1, "{backend:?}: {outcomes:?}");
        assert!(
            outcomes
                .iter()
                .all(|o| o.0 == StatusCode::CREATED
                    || (o.0 == StatusCode::OK && o.1["again"] == true))
        );
        assert_eq!(scan_rows(&t).await, before + 1);

        // Damaged needs a note; with it, it counts.
        let (status, err) = inspector
            .json(
                Method::POST,
                &url,
                json!({"code": assets[1].1, "result": "damaged"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(err["fields"]["note"].is_string());
        let (status, damaged) = inspector
            .json(
                Method::POST,
                &url,
                json!({"code": assets[1].1, "result": "damaged", "note": "秤盘变形"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{damaged}");
        assert_eq!(damaged["scan"]["result"], "damaged");
        assert_eq!(damaged["asset_name"], "电子秤");
        // B's asset: found here, belongs elsewhere; the contractor is not told its name.
        let (status, foreign) = contractor
            .json(Method::POST, &url, json!({"code": b_tag}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{foreign}");
        assert_eq!(foreign["scan"]["result"], "unexpected");
        assert!(foreign["asset_name"].is_null(), "{foreign}");
        assert!(foreign["message"].as_str().unwrap().contains("其他企业"));
        // A label nobody carries: unknown, and why.
        let unknown_code = format!("JG-{}-99998", w.county_x);
        let (status, unknown) = inspector
            .json(Method::POST, &url, json!({"code": unknown_code}))
            .await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(unknown["scan"]["result"], "unknown");
        assert!(
            unknown["message"].as_str().unwrap().contains("没有生成过"),
            "{unknown}"
        );
        assert_eq!(unknown["progress"]["done"], 2);
        assert_eq!(unknown["progress"]["besides"], 2);
        // With a photo of it.
        let (status, photo) = inspector
            .raw(
                Method::POST,
                &format!(
                    "/api/v1/asset-scans/{}/photos",
                    unknown["scan"]["id"].as_str().unwrap()
                ),
                "image/jpeg",
                jianguan_testkit::hostile::jpeg(64, 48),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{photo}");

        // Bad codes as people type them; another enterprise, a viewer: nothing written.
        let rows = scan_rows(&t).await;
        for bad in [json!({"code": "  "}), json!({"code": "x".repeat(300)})] {
            let (status, err) = inspector.json(Method::POST, &url, bad).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
            assert!(err["fields"]["code"].is_string());
        }
        let (status, _) = inspector
            .json(
                Method::POST,
                &url,
                json!({"code": assets[2].1, "result": "lost"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = other
            .json(Method::POST, &url, json!({"code": assets[2].1}))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "another enterprise's count");
        let viewer = Client::login(&t, "viewer").await;
        let (status, _) = viewer
            .json(Method::POST, &url, json!({"code": assets[2].1}))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(scan_rows(&t).await, rows, "{backend:?}: nothing written");

        // Closed three times at once: once.
        let close = format!("/api/v1/asset-counts/{id}/close");
        let calls =
            [&contractor, &inspector, &inspector].map(|c| c.json(Method::POST, &close, json!({})));
        let outcomes = futures_util::future::join_all(calls).await;
        let closed: Vec<_> = outcomes.iter().filter(|o| o.0 == StatusCode::OK).collect();
        assert_eq!(closed.len(), 1, "{backend:?}: {outcomes:?}");
        assert!(
            outcomes
                .iter()
                .all(|o| o.0 == StatusCode::OK || o.0 == StatusCode::CONFLICT)
        );
        let count = closed[0].1.clone();
        assert_eq!(count["state"], "closed");
        // The covered assets in the ledger's order, then what was found besides.
        let mut results: Vec<&str> = count["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["result"].as_str().unwrap())
            .collect();
        assert_eq!(&results[4..], ["unexpected", "unknown"], "{backend:?}");
        results[..4].sort();
        assert_eq!(&results[..4], ["damaged", "missing", "missing", "present"]);
        let present = index_of(&count, &assets[0].0, "present");
        let damaged = index_of(&count, &assets[1].0, "damaged");
        let found_later = index_of(&count, &assets[2].0, "missing");
        let stolen = index_of(&count, &assets[3].0, "missing");
        let (foreign, unknown) = (4, 5);
        assert!(item(&count, unknown)["asset_id"].is_null());
        assert_eq!(count["open_discrepancies"], 5);
        let (status, _) = inspector
            .json(Method::POST, &url, json!({"code": assets[2].1}))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "closed: no more scans");
        assert_eq!(open_findings(&inspector, &id).await.len(), 5, "{backend:?}");
        // The contractor's docket shows its own discrepancies too (it acts on them).
        assert_eq!(open_findings(&contractor, &id).await.len(), 5);

        let resolve = format!("/api/v1/asset-counts/{id}/resolve");
        // Found: only with this asset's label in hand; twice at once, once.
        let (status, err) = contractor
            .json(
                Method::POST,
                &resolve,
                json!({"item": found_later, "kind": "found", "code": assets[3].1}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        assert!(err["fields"]["code"].is_string());
        let (status, err) = contractor
            .json(
                Method::POST,
                &resolve,
                json!({"item": found_later, "kind": "repaired", "note": "x"}),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "a missing asset is not repaired: {err}"
        );
        let body =
            json!({"item": found_later, "kind": "found", "code": assets[2].1, "note": "在仓库里"});
        let calls = [&contractor, &inspector].map(|c| c.json(Method::POST, &resolve, body.clone()));
        let outcomes = futures_util::future::join_all(calls).await;
        assert_eq!(
            outcomes.iter().filter(|o| o.0 == StatusCode::OK).count(),
            1,
            "{backend:?}: {outcomes:?}"
        );
        // The unknown label explained by the contractor, the foreign one by the inspector.
        let (status, c1) = contractor
            .json(
                Method::POST,
                &resolve,
                json!({"item": unknown, "kind": "explained", "note": "旧标签，已撕下作废"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{c1}");
        let (status, _) = inspector
            .json(
                Method::POST,
                &resolve,
                json!({"item": foreign, "kind": "explained", "note": "顺通物流借用，已归还"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        // Out of range, or not a discrepancy.
        let (status, _) = inspector
            .json(
                Method::POST,
                &resolve,
                json!({"item": 99, "kind": "explained", "note": "x"}),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = inspector
            .json(
                Method::POST,
                &resolve,
                json!({"item": present, "kind": "explained", "note": "x"}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);

        // Write-off: asked by the contractor, decided by the chief only.
        let (status, _) = contractor
            .json(
                Method::POST,
                &resolve,
                json!({"item": stolen, "kind": "written_off"}),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a reason is needed"
        );
        let (status, asked) = contractor
            .json(
                Method::POST,
                &resolve,
                json!({"item": stolen, "kind": "written_off", "note": "电脑被盗，已报警"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{asked}");
        assert!(item(&asked, stolen)["pending"].is_object());
        assert!(
            item(&asked, stolen)["open"].as_bool().unwrap(),
            "still open until decided"
        );
        let decide = format!("/api/v1/asset-counts/{id}/write-off");
        let (status, _) = inspector
            .json(
                Method::POST,
                &decide,
                json!({"item": stolen, "approve": true}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let calls = [&chief, &chief].map(|c| {
            c.json(
                Method::POST,
                &decide,
                json!({"item": stolen, "approve": true, "note": "同意核销"}),
            )
        });
        let outcomes = futures_util::future::join_all(calls).await;
        assert_eq!(
            outcomes.iter().filter(|o| o.0 == StatusCode::OK).count(),
            1,
            "{backend:?}: {outcomes:?}"
        );
        let (_, gone) = inspector
            .get_json(&format!("/api/v1/assets/{}", assets[3].0))
            .await;
        assert_eq!(gone["status"], "disposed", "{gone}");
        assert_eq!(gone["owner"], "政府所有");

        // Damaged: the inspector proposes recovering its value; the chief's decision settles it.
        let (status, proposal) = inspector
            .json(
                Method::POST,
                &format!("/api/v1/asset-counts/{id}/recover"),
                json!({"item": damaged, "amount": "-5", "deadline": "2099-01-01"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{proposal}");
        let (status, proposal) = contractor
            .json(
                Method::POST,
                &format!("/api/v1/asset-counts/{id}/recover"),
                json!({"item": damaged, "amount": "6000", "deadline": "2099-01-01"}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{proposal}");
        let (status, proposal) = inspector
            .json(
                Method::POST,
                &format!("/api/v1/asset-counts/{id}/recover"),
                json!({"item": damaged, "amount": "6000", "deadline": "2099-01-01"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{proposal}");
        let sanction = proposal["sanction_id"].as_str().unwrap().to_string();
        let (_, pending) = inspector
            .get_json(&format!("/api/v1/asset-counts/{id}"))
            .await;
        assert_eq!(
            item(&pending, damaged)["pending"]["sanction_id"],
            sanction.as_str()
        );
        assert_eq!(
            open_findings(&inspector, &id).await.len(),
            1,
            "only the damaged one"
        );
        let (status, decided) = chief
            .json(
                Method::POST,
                &format!("/api/v1/sanctions/{sanction}/act"),
                json!({"action": "decide", "note": "责令赔偿"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{decided}");
        let (_, done) = inspector
            .get_json(&format!("/api/v1/asset-counts/{id}"))
            .await;
        assert_eq!(item(&done, damaged)["resolution"]["kind"], "recovered");
        assert_eq!(done["open_discrepancies"], 0, "{done}");
        assert!(
            open_findings(&inspector, &id).await.is_empty(),
            "{backend:?}"
        );
        // The page shows it all, to the inspector and to the contractor.
        for c in [&inspector, &contractor] {
            let (status, html) = c.get(&format!("/assets/counts/{id}")).await;
            assert_eq!(status, StatusCode::OK);
            assert!(
                html.contains("经批准核销") && html.contains("追回资金") && html.contains("已找到")
            );
        }
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

#[tokio::test]
async fn a_later_count_finds_what_an_earlier_one_missed_and_a_declined_recovery_reopens() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        let contractor = Client::login(&t, "contractor").await;
        let inspector = Client::login(&t, "inspector").await;
        let chief = Client::login(&t, "chief").await;
        let assets = tagged_assets(&contractor, &w.project_a, &["打包机", "叉车"]).await;
        let scope = json!({"village": VILLAGE});
        // First count: nothing scanned, both missing.
        let (_, first) = contractor
            .json(Method::POST, "/api/v1/asset-counts", scope.clone())
            .await;
        let first_id = first["id"].as_str().unwrap().to_string();
        let (status, closed) = contractor
            .json(
                Method::POST,
                &format!("/api/v1/asset-counts/{first_id}/close"),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{closed}");
        assert_eq!(closed["open_discrepancies"], 2);
        let packer = index_of(&closed, &assets[0].0, "missing");
        let forklift = index_of(&closed, &assets[1].0, "missing");
        // A recovery proposed, then declined: the discrepancy is open again.
        let (status, p) = inspector
            .json(
                Method::POST,
                &format!("/api/v1/asset-counts/{first_id}/recover"),
                json!({"item": forklift, "amount": "1000", "deadline": "2099-01-01"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{p}");
        let (status, _) = chief
            .json(
                Method::POST,
                &format!(
                    "/api/v1/sanctions/{}/act",
                    p["sanction_id"].as_str().unwrap()
                ),
                json!({"action": "decline", "note": "先查明去向"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (_, after) = inspector
            .get_json(&format!("/api/v1/asset-counts/{first_id}"))
            .await;
        assert!(item(&after, forklift)["pending"].is_null(), "{after}");
        assert!(item(&after, forklift)["open"].as_bool().unwrap());
        // Second count scans the first asset: closing it settles the first count's item.
        let (status, second) = contractor
            .json(Method::POST, "/api/v1/asset-counts", scope)
            .await;
        assert_eq!(status, StatusCode::CREATED, "{second}");
        let second_id = second["id"].as_str().unwrap().to_string();
        let (status, _) = contractor
            .json(
                Method::POST,
                &format!("/api/v1/asset-counts/{second_id}/scans"),
                json!({"code": assets[0].1}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, _) = contractor
            .json(
                Method::POST,
                &format!("/api/v1/asset-counts/{second_id}/close"),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (_, first_now) = inspector
            .get_json(&format!("/api/v1/asset-counts/{first_id}"))
            .await;
        assert_eq!(
            item(&first_now, packer)["resolution"]["kind"],
            "found",
            "{first_now}"
        );
        assert!(
            item(&first_now, forklift)["open"].as_bool().unwrap(),
            "the other still missing"
        );
        // The discrepancy list shows what is open, the contractor only its own.
        let (_, open) = contractor.get_json("/api/v1/asset-discrepancies").await;
        assert!(
            open.as_array()
                .unwrap()
                .iter()
                .all(|d| d["enterprise_id"] == w.enterprise_a.as_str())
        );
        assert_eq!(
            open.as_array()
                .unwrap()
                .iter()
                .filter(|d| d["count_id"] == first_id.as_str())
                .count(),
            1
        );
        let (status, html) = inspector.get("/assets/discrepancies").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("叉车") && html.contains("缺失"));
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

#[tokio::test]
async fn the_service_period_ends_with_a_hand_over_or_a_renewal_and_custody_is_recorded() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        let contractor = Client::login(&t, "contractor").await;
        let inspector = Client::login(&t, "inspector").await;
        let chief = Client::login(&t, "chief").await;
        let assets = tagged_assets(&contractor, &w.project_a, &["冷藏车", "监控设备"]).await;
        let (car, cam) = (assets[0].0.clone(), assets[1].0.clone());

        // A custodian transfer: both parties, the ledger line changes and goes for review.
        let url = format!("/api/v1/assets/{car}/transfers");
        for (bad, field) in [
            (
                json!({"date": "2099-01-01", "to_custodian": "李春梅"}),
                "date",
            ),
            (
                json!({"date": "2025-12-31", "to_custodian": "李春梅"}),
                "date",
            ),
            (
                json!({"date": "2026-02-01", "to_custodian": " "}),
                "to_custodian",
            ),
            (
                json!({"date": "2026-02-01", "to_custodian": "王建国"}),
                "to_custodian",
            ),
        ] {
            let (status, err) = contractor.json(Method::POST, &url, bad.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {err}");
            assert!(err["fields"][field].is_string(), "{bad}: {err}");
        }
        let (status, moved) = contractor
            .json(
                Method::POST,
                &url,
                json!({"date": "2026-02-01", "to_custodian": "李春梅", "to_place": "夏家营镇物流中心"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{moved}");
        assert_eq!(moved["from_custodian"], "王建国");
        let (_, car_now) = contractor.get_json(&format!("/api/v1/assets/{car}")).await;
        assert_eq!(car_now["custodian"], "李春梅");
        assert_eq!(car_now["address"], "夏家营镇物流中心");
        let (status, _) = inspector
            .json(
                Method::POST,
                &url,
                json!({"date": "2026-02-01", "to_custodian": "x"}),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "the ledger is the contractor's"
        );
        let (_, list) = inspector.get_json(&url).await;
        assert_eq!(list.as_array().unwrap().len(), 1);
        // The change waits for the bureau's review, on the asset's page.
        let (_, html) = inspector.get(&format!("/assets/{car}")).await;
        assert!(
            html.contains("待审核") && html.contains("审核台账变更"),
            "review form for staff"
        );
        let (_, html) = contractor.get(&format!("/assets/{car}")).await;
        assert!(html.contains("待审核") && !html.contains("审核台账变更"));

        // The service period ends yesterday: both central-funds assets are due.
        let yesterday = (t.app.today() - chrono::Days::new(1)).to_string();
        jianguan_testkit::set_service_period_end(&t.app, &w.project_a, &yesterday).await;
        let due = |c: Value, id: &str| {
            c.as_array().unwrap().iter().any(|f| {
                f["rule"] == "assets.handover_due"
                    && f["subject"]["id"] == id
                    && f["resolved_on"].is_null()
            })
        };
        let (_, docket) = inspector.get_json("/api/v1/docket").await;
        assert!(
            due(docket.clone(), &car) && due(docket, &cam),
            "{backend:?}"
        );

        // The contractor cannot record its own hand-over; the inspector can, once.
        let hand = format!("/api/v1/assets/{car}/handover");
        let body = json!({"date": t.app.today().to_string(), "to": "交城县工业和信息化（商务）局"});
        let (status, _) = contractor.json(Method::POST, &hand, body.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, err) = inspector
            .json(Method::POST, &hand, json!({"date": "2099-01-01", "to": ""}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(err["fields"]["date"].is_string() && err["fields"]["to"].is_string());
        let calls = [&inspector, &inspector].map(|c| c.json(Method::POST, &hand, body.clone()));
        let outcomes = futures_util::future::join_all(calls).await;
        assert_eq!(
            outcomes.iter().filter(|o| o.0 == StatusCode::OK).count(),
            1,
            "{backend:?}: {outcomes:?}"
        );
        let (_, car_now) = inspector.get_json(&format!("/api/v1/assets/{car}")).await;
        assert_eq!(car_now["status"], "handed_over");
        assert_eq!(car_now["handed_over_to"], "交城县工业和信息化（商务）局");
        // A renewal is the chief's decision, not in the past, with its basis.
        let renew = format!("/api/v1/assets/{cam}/renewal");
        let until = (t.app.today() + chrono::Days::new(365)).to_string();
        let (status, _) = inspector
            .json(Method::POST, &renew, json!({"until": until, "basis": "x"}))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, err) = chief
            .json(
                Method::POST,
                &renew,
                json!({"until": yesterday, "basis": ""}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(err["fields"]["until"].is_string() && err["fields"]["basis"].is_string());
        let (status, cam_now) = chief
            .json(
                Method::POST,
                &renew,
                json!({"until": until, "basis": "局长办公会议纪要〔2026〕5号"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{cam_now}");
        let (_, docket) = inspector.get_json("/api/v1/docket").await;
        assert!(
            !due(docket.clone(), &car) && !due(docket, &cam),
            "{backend:?}: settled"
        );
        // The ledger form no longer lets the contractor choose those statuses.
        let (status, err) = contractor
            .json(
                Method::PUT,
                &format!("/api/v1/assets/{cam}"),
                json!({
                    "project_id": w.project_a, "asset_kind": "fixed", "name": "监控设备", "category": "electronic",
                    "quantity": 1, "value_fen": 720_000, "purchase_date": "2026-01-15", "central_funds": true,
                    "status": "disposed"
                }),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        assert!(err["fields"]["status"].is_string());
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

#[tokio::test]
async fn the_counting_screen_works_without_its_script() {
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let w = t.world.clone();
    let contractor = Client::login(&t, "contractor").await;
    let assets = tagged_assets(&contractor, &w.project_a, &["展示柜"]).await;
    let (status, html) = contractor.get("/assets/counts").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("开始盘点"));
    let (status, _) = contractor
        .form("/assets/counts", &[("village", VILLAGE)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, list) = contractor.get_json("/api/v1/asset-counts?open=true").await;
    let id = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["village"] == VILLAGE)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, html) = contractor.get(&format!("/assets/counts/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("0</span> / <span data-testid=\"count-expected\">1</span>"),
        "{html}"
    );
    assert!(html.contains("展示柜"), "waiting to be scanned");
    // A typed tag, then the same again, then nothing.
    let scans = format!("/assets/counts/{id}/scans");
    let (status, _) = contractor
        .form(&scans, &[("code", &assets[0].1), ("result", "present")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = contractor.form(&scans, &[("code", &assets[0].1)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, html) = contractor.form(&scans, &[("code", "")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("请扫描标签上的二维码"));
    let (_, html) = contractor.get(&format!("/assets/counts/{id}")).await;
    assert!(html.contains("范围内的资产都已盘点"));
    let (status, _) = contractor
        .form(&format!("/assets/counts/{id}/close"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = contractor.get(&format!("/assets/counts/{id}")).await;
    assert!(
        html.contains("已结束") && html.contains("在位 1 项"),
        "{html}"
    );
}

#[tokio::test]
async fn a_count_closed_on_the_screens_is_what_the_six_month_rule_counts_from() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        let contractor = Client::login(&t, "contractor").await;
        tagged_assets(&contractor, &w.project_a, &["快递柜"]).await;
        let due = |as_of: chrono::NaiveDate| {
            let app = t.app.clone();
            let (county, enterprise) = (w.county_x.clone(), w.enterprise_a.clone());
            async move {
                jianguan_app::docket::evaluate(&app, &county, as_of)
                    .await
                    .unwrap()
                    .iter()
                    .any(|f| f.rule == "assets.inventory_due" && f.subject.id == enterprise)
            }
        };
        // Six months and a day from today, the count before today's is overdue …
        let later = t.app.today() + chrono::Months::new(6) + chrono::Days::new(1);
        assert!(due(later).await, "{backend:?}: due without a count today");
        // … an open count changes nothing until it is closed …
        let (_, c) = contractor
            .json(
                Method::POST,
                "/api/v1/asset-counts",
                json!({"village": VILLAGE}),
            )
            .await;
        let id = c["id"].as_str().unwrap();
        assert!(
            due(later).await,
            "{backend:?}: an open count is not a count yet"
        );
        let (status, _) = contractor
            .json(
                Method::POST,
                &format!("/api/v1/asset-counts/{id}/close"),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        // … and once closed today it is due six months on, not before.
        assert!(!due(later - chrono::Days::new(1)).await, "{backend:?}");
        assert!(
            due(later).await,
            "{backend:?}: due again from the day after"
        );
    }
}
