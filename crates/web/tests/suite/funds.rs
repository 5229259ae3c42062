//! 资金: the budget split by project and never over-allocated, claims handed in and
//! compared with every other claim of the deployment, suspected duplicates decided once,
//! reviews and disbursements under the two-person rule, and the figures that follow.

use crate::common::{Client, TestRouter, seeded_router};
use axum::http::{Method, StatusCode};
use jianguan_app::{Actor, Role};
use jianguan_store::entity::subsidy_claim;
use jianguan_store::sea::{EntityTrait, PaginatorTrait};
use jianguan_testkit::{actor_of, backends, sample_jpeg};
use serde_json::{Value, json};

async fn claim_count(t: &TestRouter) -> u64 {
    subsidy_claim::Entity::find()
        .count(t.app.store.reader())
        .await
        .unwrap()
}

fn invoice(code: &str, number: &str, date: &str, seller: &str, fen: i64) -> Value {
    json!({"code": code, "number": number, "date": date, "seller": seller, "buyer": "交城县某电商公司",
           "amount_fen": fen, "tax_fen": fen / 20})
}

/// The project's figures from the funds API.
async fn figures(c: &Client, project: &str) -> Value {
    let (status, all) = c.get_json("/api/v1/funds").await;
    assert_eq!(status, StatusCode::OK, "{all}");
    all.as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["projects"].as_array().unwrap().clone())
        .find(|p| p["project_id"] == project)
        .map(|p| p["figures"].clone())
        .unwrap_or(Value::Null)
}

#[tokio::test]
async fn the_budget_is_split_by_project_and_never_over_allocated() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        let inspector = Client::login(&t, "inspector").await;
        let (status, all) = inspector.get_json("/api/v1/funds").await;
        assert_eq!(status, StatusCode::OK);
        let prog = all
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["programme_id"] == w.programme_x.as_str())
            .unwrap()
            .clone();
        let budget = prog["budget_fen"].as_i64().unwrap();
        let unallocated = prog["unallocated_fen"].as_i64().unwrap();
        assert_eq!(
            budget,
            prog["totals"]["allocated_fen"].as_i64().unwrap() + unallocated,
            "{backend:?}: budget = allocated + unallocated"
        );
        // The demo's second batch paid beyond a project's central funds shows as overspent.
        assert!(
            prog["projects"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["figures"]["balance_fen"].as_i64().unwrap() < 0)
        );
        let project = |fen: i64| {
            json!({
                "name": "新增冷链仓储项目", "programme_id": w.programme_x, "enterprise_id": w.enterprise_a,
                "system": "logistics", "township": "天宁镇", "central_funds_fen": fen,
                "construction_start": "2026-01-01", "construction_end": "2026-06-30"
            })
        };
        // One 分 more than what is left is refused, naming the room; exactly the rest fits.
        let (status, err) = inspector
            .json(Method::POST, "/api/v1/projects", project(unallocated + 1))
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend:?}: {err}"
        );
        assert!(
            err["fields"]["central_funds"]
                .as_str()
                .unwrap()
                .contains("不能超过"),
            "{err}"
        );
        let (status, created) = inspector
            .json(Method::POST, "/api/v1/projects", project(unallocated))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{backend:?}: {created}");
        let (_, after) = inspector.get_json("/api/v1/funds").await;
        let prog = after
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["programme_id"] == w.programme_x.as_str())
            .unwrap()
            .clone();
        assert_eq!(prog["unallocated_fen"], 0);
        // Lowering the budget below what is allocated is refused.
        let admin = Client::login(&t, "admin").await;
        let (status, err) = admin
            .json(
                Method::PUT,
                &format!("/api/v1/programmes/{}", w.programme_x),
                json!({
                    "name": "交城县电子商务进农村综合示范", "period_start": "2026-01-01", "period_end": "2027-12-31",
                    "budget_fen": budget - 1, "responsible_person": "县工信局局长", "plan_document": null, "county_code": null
                }),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend:?}: {err}"
        );
        assert!(
            err["fields"]["budget"]
                .as_str()
                .unwrap()
                .contains("不能低于")
        );

        // The demo's recovery: ¥50,000 ordered, ¥20,000 repaid, the rest owed and overdue.
        let (_, recoveries) = inspector.get_json("/api/v1/funds/recoveries").await;
        let demo = recoveries
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == "demo-recovery-1")
            .unwrap()
            .clone();
        assert_eq!(
            (demo["repaid_fen"].as_i64(), demo["owed_fen"].as_i64()),
            (Some(2_000_000), Some(3_000_000))
        );
        let (status, page) = inspector.get("/funds/recoveries").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("已逾期") && page.contains("¥30,000.00"));
        // The page shows the figures and the two charts, drawn on the server.
        let (status, html) = inspector.get("/funds").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("资金概况") && html.matches("<svg").count() >= 2);
        assert!(html.contains("各项目资金情况"));
        // A contractor sees its own projects' money only, and no programme budget.
        let contractor = Client::login(&t, "contractor").await;
        let (_, mine) = contractor.get_json("/api/v1/funds").await;
        let (_, theirs) = contractor.get_json("/api/v1/funds/recoveries").await;
        assert!(
            theirs
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["enterprise_id"] == w.enterprise_a.as_str()),
            "{backend:?}: only its own recoveries"
        );
        for p in mine.as_array().unwrap() {
            assert!(p["budget_fen"].is_null());
            for x in p["projects"].as_array().unwrap() {
                assert_ne!(x["project_id"], w.project_b.as_str());
            }
        }
    }
}

#[tokio::test]
async fn a_claim_is_handed_in_compared_decided_reviewed_and_counted() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        let contractor = Client::login(&t, "contractor").await;
        let inspector = Client::login(&t, "inspector").await;
        let today = t.app.today();
        let tomorrow = (today + chrono::Days::new(1)).to_string();
        let before = claim_count(&t).await;

        // Bad input is named field by field and changes nothing: a negative amount, an
        // invoice dated tomorrow, a project of another enterprise, no declaration.
        let (status, err) = contractor
            .json(
                Method::POST,
                "/api/v1/funds/claims",
                json!({"project_id": w.project_b, "amount_fen": -1, "purpose": "",
                       "invoices": [invoice("1400221130", "88001", &tomorrow, "某公司", 100)],
                       "declared": false}),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend:?}: {err}"
        );
        for field in [
            "project_id",
            "amount",
            "purpose",
            "declared",
            "invoices[0].date",
        ] {
            assert!(
                err["fields"][field].is_string(),
                "{backend:?}: {field} {err}"
            );
        }
        let (status, _) = contractor
            .json(
                Method::POST,
                "/api/v1/funds/claims",
                json!({"project_id": w.project_a, "amount_fen": 1, "purpose": "x", "invoices": [],
                       "declared": true, "extra": 1}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "unknown field refused");
        assert_eq!(claim_count(&t).await, before, "{backend:?}: nothing saved");

        // Two invoices: one new, one the demo's invoice 04512876 typed under another code
        // without its leading zero — a suspected duplicate the moment it is handed in.
        let (status, c) = contractor
            .json(
                Method::POST,
                "/api/v1/funds/claims",
                json!({"project_id": w.project_a, "amount_fen": 945_000, "purpose": "服务站货架与电脑",
                       "invoices": [
                           invoice("1400221130", "07770001", &today.to_string(), "交城县鑫源办公用品有限公司", 400_000),
                           invoice("1400221131", "4512876", &today.to_string(), "太原市晋通设备有限公司", 500_000)
                       ],
                       "declared": true}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{backend:?}: {c}");
        let id = c["id"].as_str().unwrap().to_string();
        assert_eq!(c["review_state"], "submitted");
        assert_eq!(
            c["flags"],
            json!([]),
            "the contractor is not shown the comparison"
        );
        let (status, _) = contractor
            .raw(
                Method::POST,
                &format!("/api/v1/funds/claims/{id}/scans?name=发票.jpg"),
                "image/jpeg",
                sample_jpeg(40, 30),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let (_, seen) = inspector
            .get_json(&format!("/api/v1/funds/claims/{id}"))
            .await;
        // The invoice matches both demo claims that carry 04512876: one finding per pair.
        let suspected: Vec<String> = seen["flags"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "funds.suspected_duplicate")
            .map(|f| f["finding_id"].as_str().unwrap().to_string())
            .collect();
        assert!(!suspected.is_empty(), "{backend:?}: not flagged: {seen}");
        let finding = suspected[0].clone();
        // Another enterprise's contractor cannot read it, whatever the URL.
        let other = Client::login(&t, "contractor2").await;
        assert_eq!(
            other
                .get_json(&format!("/api/v1/funds/claims/{id}"))
                .await
                .0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            other.get(&format!("/funds/claims/{id}")).await.0,
            StatusCode::NOT_FOUND
        );
        // The claim page shows both invoices side by side, what matched marked.
        let (status, page) = inspector.get(&format!("/funds/claims/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("发票号码相同、发票代码不同"), "{backend:?}");
        assert!(page.contains("class=\"same\"") && page.contains("data-testid=\"decide-form\""));
        let (_, mine) = contractor.get(&format!("/funds/claims/{id}")).await;
        assert!(
            !mine.contains("重复申请比对"),
            "no comparison for the contractor"
        );

        // Not approved while the pair is undecided.
        let review = format!("/api/v1/funds/claims/{id}/review");
        let (status, err) = inspector
            .json(
                Method::POST,
                &review,
                json!({"verdict": "approved", "approved_fen": 900_000, "note": "核减不符部分"}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}: {err}");
        // Decided once, however many clicks arrive at once; the reason is required.
        let decide = format!("/api/v1/funds/duplicates/{finding}/decide");
        let (status, _) = inspector
            .json(
                Method::POST,
                &decide,
                json!({"confirmed": false, "reason": " "}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let body = json!({"confirmed": false, "reason": "核对发票原件：代码不同，为两张不同发票"});
        let outcomes = futures_util::future::join_all(
            (0..4).map(|_| inspector.json(Method::POST, &decide, body.clone())),
        )
        .await;
        let statuses: Vec<_> = outcomes.iter().map(|o| o.0).collect();
        assert_eq!(
            statuses
                .iter()
                .filter(|s| **s == StatusCode::CREATED)
                .count(),
            1,
            "{backend:?}: {statuses:?}"
        );
        assert!(
            statuses
                .iter()
                .all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT)
        );
        for other in &suspected[1..] {
            let (status, _) = inspector
                .json(
                    Method::POST,
                    &format!("/api/v1/funds/duplicates/{other}/decide"),
                    body.clone(),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED);
        }
        let (_, seen) = inspector
            .get_json(&format!("/api/v1/funds/claims/{id}"))
            .await;
        assert_eq!(
            seen["flags"],
            json!([]),
            "{backend:?}: the pair is not raised again"
        );
        // The decisions are records of the county: in the bundle, read back per kind.
        let (status, kept) = inspector
            .get_json("/api/v1/records/duplicate_decisions")
            .await;
        assert_eq!(status, StatusCode::OK);
        let kept = kept["records"].as_array().unwrap().clone();
        assert_eq!(kept.len(), suspected.len(), "{backend:?}");
        assert!(kept.iter().all(|d| d["confirmed"] == false
            && d["reason"].as_str().unwrap().contains("核对发票原件")
            && (d["claim_a"] == id.as_str() || d["claim_b"] == id.as_str())));

        // Approved for less than claimed, with the reason; more than claimed is refused.
        let (status, err) = inspector
            .json(
                Method::POST,
                &review,
                json!({"verdict": "approved", "approved_fen": 945_001}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            err["fields"]["approved"]
                .as_str()
                .unwrap()
                .contains("不能超过")
        );
        let (status, err) = inspector
            .json(
                Method::POST,
                &review,
                json!({"verdict": "approved", "approved_fen": 900_000}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(err["fields"]["note"].is_string());
        let before_figures = figures(&inspector, &w.project_a).await;
        let (status, done) = inspector
            .json(Method::POST, &review, json!({"verdict": "approved", "approved_fen": 900_000, "note": "货架发票金额核减 1,000 元"}))
            .await;
        assert_eq!(status, StatusCode::OK, "{backend:?}: {done}");
        assert_eq!(done["approved_fen"], 900_000);
        let after_figures = figures(&inspector, &w.project_a).await;
        assert_eq!(
            after_figures["approved_fen"].as_i64().unwrap()
                - before_figures["approved_fen"].as_i64().unwrap(),
            900_000,
            "{backend:?}"
        );
        let (status, _) = inspector
            .json(
                Method::POST,
                &review,
                json!({"verdict": "approved", "approved_fen": 900_000}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "reviewed once");
        // The project page shows its money.
        let (_, page) = inspector.get(&format!("/projects/{}", w.project_a)).await;
        assert!(page.contains("data-testid=\"project-money\"") && page.contains("¥9,000.00"));
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

#[tokio::test]
async fn the_recorder_never_confirms_or_reviews_their_own_entry() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        let inspector = Client::login(&t, "inspector").await;
        let chief = Client::login(&t, "chief").await;
        let (status, d) = inspector
            .json(
                Method::POST,
                "/api/v1/funds/disbursements",
                json!({"project_id": w.project_a, "date": t.app.today().to_string(), "amount_fen": 5_000_000, "batch": "第三批"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{backend:?}: {d}");
        assert_eq!(d["confirmed"], false);
        let id = d["id"].as_str().unwrap().to_string();
        let (_, waiting) = inspector
            .get_json("/api/v1/funds/disbursements?pending=true&limit=5")
            .await;
        assert!(
            waiting["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["id"] == id.as_str())
        );
        for bad in ["limit=501", "pending=maybe", "colour=red"] {
            let (status, _) = inspector
                .get_json(&format!("/api/v1/funds/disbursements?{bad}"))
                .await;
            assert!(status.is_client_error(), "{bad}: {status}");
        }
        let before = figures(&inspector, &w.project_a).await["disbursed_fen"]
            .as_i64()
            .unwrap();
        let confirm = format!("/api/v1/funds/disbursements/{id}/confirm");
        let (status, err) = inspector.json(Method::POST, &confirm, json!({})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}: {err}");
        assert!(err["message"].as_str().unwrap().contains("录入人不能"));
        // On the page too: no button for the recorder, and the post is refused.
        let (_, page) = inspector.get("/funds/disbursements?state=pending").await;
        assert!(page.contains("待另一名工作人员确认") && page.contains(&id));
        let (_, counted) = inspector.get("/funds/disbursements?state=confirmed").await;
        assert!(!counted.contains(&id), "{backend:?}: not yet counted");
        let (status, _) = inspector.get("/funds/disbursements?state=maybe").await;
        assert!(status.is_client_error());
        let (status, _) = inspector
            .form(&format!("/funds/disbursements/{id}/confirm"), &[])
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(
            figures(&inspector, &w.project_a).await["disbursed_fen"],
            before,
            "an unconfirmed payment does not count"
        );
        let outcomes = futures_util::future::join_all(
            (0..3).map(|_| chief.json(Method::POST, &confirm, json!({}))),
        )
        .await;
        let ok = outcomes.iter().filter(|o| o.0 == StatusCode::OK).count();
        assert_eq!(ok, 1, "{backend:?}: confirmed once");
        // The document the payment rests on, kept as evidence on its page with its history.
        let pdf = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec();
        let (status, _) = inspector
            .upload(
                &format!("/funds/disbursements/{id}/documents"),
                &[("拨付通知.pdf", &pdf)],
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        let (status, page) = inspector.get(&format!("/funds/disbursements/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("拨付通知.pdf") && page.contains("已确认"));
        assert!(page.contains("安排资金使用检查"));
        let contractor2 = Client::login(&t, "contractor2").await;
        assert_eq!(
            contractor2
                .get(&format!("/funds/disbursements/{id}"))
                .await
                .0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            figures(&inspector, &w.project_a).await["disbursed_fen"]
                .as_i64()
                .unwrap(),
            before + 5_000_000
        );
        // A payment recorded in error is voided with its reason; the ledger keeps the
        // payment and reverses it, so the figure is back where it was.
        let void = format!("/api/v1/funds/disbursements/{id}/void");
        let (status, _) = chief
            .json(Method::POST, &void, json!({"reason": " "}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let outcomes = futures_util::future::join_all(
            (0..3).map(|_| chief.json(Method::POST, &void, json!({"reason": "金额录入错误"}))),
        )
        .await;
        assert_eq!(
            outcomes.iter().filter(|o| o.0 == StatusCode::OK).count(),
            1,
            "{backend:?}: voided once"
        );
        assert_eq!(
            figures(&inspector, &w.project_a).await["disbursed_fen"],
            before,
            "{backend:?}: reversed"
        );
        let (status, page) = inspector.get(&format!("/funds/disbursements/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("已作废") && page.contains("金额录入错误"));
        let (_, bytes, _) = inspector.get_bytes("/funds/ledger.xlsx").await;
        let ledger = jianguan_documents::xlsx::grid::read(
            &bytes,
            &jianguan_documents::xlsx::grid::Limits::small(5_000, 12),
            |_, _| true,
        )
        .unwrap();
        let texts: Vec<String> = ledger.sheets[0]
            .cells
            .iter()
            .filter_map(|c| match &c.value {
                jianguan_documents::xlsx::grid::Value::Text(t) => Some(t.clone()),
                _ => None,
            })
            .collect();
        assert!(texts.iter().any(|t| t == "冲正") && texts.iter().any(|t| t == "已冲正"));
        // Bad disbursements are named and not saved.
        let (status, err) = inspector
            .json(
                Method::POST,
                "/api/v1/funds/disbursements",
                json!({"project_id": w.project_y, "date": "2099-01-01", "amount_fen": 0, "batch": ""}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        for f in ["project_id", "date", "amount", "batch"] {
            assert!(err["fields"][f].is_string(), "{f}: {err}");
        }

        // A claim staff enter for the contractor is reviewed by someone else.
        let (status, c) = inspector
            .json(
                Method::POST,
                "/api/v1/funds/claims/entered",
                json!({"project_id": w.project_a, "amount_fen": 200_000, "purpose": "纸质申请代录",
                       "invoices": [invoice("", "24142000000012345678", &t.app.today().to_string(), "交城县新星物流有限公司", 200_000)],
                       "declared": true}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{backend:?}: {c}");
        assert_eq!(c["entered_by_staff"], true);
        let review = format!("/api/v1/funds/claims/{}/review", c["id"].as_str().unwrap());
        let body = json!({"verdict": "approved", "approved_fen": 200_000});
        let (status, err) = inspector.json(Method::POST, &review, body.clone()).await;
        assert_eq!(status, StatusCode::CONFLICT, "{err}");
        assert!(err["message"].as_str().unwrap().contains("录入人不能审核"));
        let (status, _) = chief.json(Method::POST, &review, body).await;
        assert_eq!(status, StatusCode::OK);
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

#[tokio::test]
async fn an_invoice_claimed_in_two_counties_is_caught_without_showing_the_other_claim() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        // County Y's contractor claims the demo county's invoice 04512877 again.
        let y = Actor {
            user_id: "contractor-y".into(),
            username: "contractor-y".into(),
            display_name: "文水企业填报人".into(),
            role: Role::Contractor,
            county_code: Some(w.county_y.clone()),
            enterprise_id: Some(w.enterprise_y.clone()),
        };
        let input = jianguan_domain::claim::ClaimInput {
            project_id: w.project_y.clone(),
            amount_fen: Some(3_400_000),
            purpose: "设备购置".into(),
            invoices: vec![jianguan_domain::claim::InvoiceInput {
                code: "1400221130".into(),
                number: "04512877".into(),
                date: "2026-01-05".into(),
                seller: "太原市晋通设备有限公司".into(),
                buyer: String::new(),
                amount_fen: Some(3_400_000),
                tax_fen: None,
            }],
            declared: true,
        };
        let theirs = jianguan_app::funds::submit_claim(
            &t.app,
            &y,
            &input,
            jianguan_domain::FieldErrors::new(),
        )
        .await
        .unwrap();
        jianguan_app::docket::refresh_all(&t.app, t.app.today())
            .await
            .unwrap();
        let inspector = Client::login(&t, "inspector").await;
        let (_, docket) = inspector.get_json("/api/v1/docket").await;
        let across: Vec<&Value> = docket
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| {
                f["rule"] == "funds.duplicate_claim"
                    && f["period"]
                        .as_str()
                        .is_some_and(|p| p.starts_with("elsewhere:"))
            })
            .collect();
        assert!(!across.is_empty(), "{backend:?}: county X is told");
        let ours = across[0]["subject"]["id"].as_str().unwrap().to_string();
        let text = across[0].to_string();
        assert!(text.contains("文水县"), "{backend:?}: {text}");
        assert!(
            !text.contains(&theirs.id),
            "the other claim's id stays in Y"
        );
        // X's claim page names the county and nothing of Y's claim.
        let (status, page) = inspector.get(&format!("/funds/claims/{ours}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("data-testid=\"elsewhere\"") && page.contains("文水县"));
        assert!(!page.contains(&theirs.id) && !page.contains("文水县农特产品电商有限公司"));
        // And X cannot open Y's claim, on the API or the page.
        assert_eq!(
            inspector
                .get_json(&format!("/api/v1/funds/claims/{}", theirs.id))
                .await
                .0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            inspector
                .get(&format!("/funds/claims/{}", theirs.id))
                .await
                .0,
            StatusCode::NOT_FOUND
        );
        // County Y learns of X the same way.
        let y_inspector = actor_of(&t.app, "inspector_y").await;
        let y_findings = jianguan_app::docket::list(
            &t.app,
            &y_inspector,
            &jianguan_app::docket::DocketFilter::default(),
        )
        .await
        .unwrap();
        assert!(
            y_findings.rows.iter().any(|f| {
                f.rule == "funds.duplicate_claim"
                    && f.subject_id == theirs.id
                    && f.period.as_deref().is_some_and(|p| p.contains("交城县"))
            }),
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn the_ledger_and_the_claims_register_come_out_as_spreadsheets() {
    use jianguan_documents::xlsx::grid::{self, Limits, Value};
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let inspector = Client::login(&t, "inspector").await;
    let read = |bytes: &[u8]| {
        grid::read(bytes, &Limits::small(5_000, 12), |_, _| true)
            .unwrap()
            .sheets
            .remove(0)
    };
    let (status, bytes, headers) = inspector.get_bytes("/funds/ledger.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[axum::http::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    let ledger = read(&bytes);
    assert_eq!(ledger.get(0, 3), Some(&Value::Text("类型".into())));
    // Real dates and amounts, one row per movement; the demo's recovery and repayment are there.
    assert!(matches!(ledger.get(1, 1), Some(Value::Date(_))));
    assert!(matches!(ledger.get(1, 4), Some(Value::Number(_))));
    let kinds: Vec<String> = (1..ledger.height())
        .filter_map(|r| match ledger.get(r, 3) {
            Some(Value::Text(k)) => Some(k.clone()),
            _ => None,
        })
        .collect();
    for k in ["预算分配", "资金拨付", "决定追回", "退回资金"] {
        assert!(kinds.iter().any(|x| x == k), "{k} in {kinds:?}");
    }
    assert!(ledger.cells.iter().all(|c| c.formula.is_none()));

    // A purpose typed as a formula stays text in the register.
    let contractor = Client::login(&t, "contractor").await;
    let (status, _) = contractor
        .json(
            Method::POST,
            "/api/v1/funds/claims",
            json!({"project_id": t.world.project_a, "amount_fen": 10_000, "purpose": "=HYPERLINK(\"http://x\")",
                   "invoices": [invoice("1400221130", "66600001", &t.app.today().to_string(), "交城县某商店", 10_000)],
                   "declared": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, bytes, _) = inspector.get_bytes("/funds/claims.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    let register = read(&bytes);
    assert!(
        register.cells.iter().all(|c| c.formula.is_none()),
        "no formulas"
    );
    assert!(
        register
            .cells
            .iter()
            .any(|c| c.value == Value::Text("=HYPERLINK(\"http://x\")".into()))
    );
    // The contractor gets its own claims only; the ledger is the county's.
    let (_, mine, _) = contractor.get_bytes("/funds/claims.xlsx").await;
    let mine = read(&mine);
    assert!(mine.height() >= 2);
    assert_eq!(
        contractor.get_bytes("/funds/ledger.xlsx").await.0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn invoices_come_in_from_a_list_with_every_cell_problem_named() {
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let contractor = Client::login(&t, "contractor").await;
    let (status, template, _) = contractor.get_bytes("/funds/claims/invoices.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    let list = |rows: &[(&str, &str, &str, f64)]| {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("发票清单").unwrap();
        for (c, h) in [
            "发票代码",
            "发票号码",
            "开票日期",
            "销售方",
            "购买方",
            "金额（元）",
            "税额（元）",
        ]
        .iter()
        .enumerate()
        {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for (r, (number, date, seller, yuan)) in rows.iter().enumerate() {
            let r = r as u32 + 1;
            ws.write_string(r, 0, "1400221130").unwrap();
            ws.write_string(r, 1, *number).unwrap();
            ws.write_string(r, 2, *date).unwrap();
            ws.write_string(r, 3, *seller).unwrap();
            ws.write_number(r, 5, *yuan).unwrap();
        }
        wb.save_to_buffer().unwrap()
    };
    let before = claim_count(&t).await;
    // The blank template says it holds no invoice.
    let (status, html) = contractor
        .upload_as(
            "/funds/claims/new/invoices",
            "file",
            &[("发票清单.xlsx", &template)],
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("没有发票"));
    let bad = list(&[("07000001", "2026-05-01", "", 12.345)]);
    let (status, html) = contractor
        .upload_as(
            "/funds/claims/new/invoices",
            "file",
            &[("发票清单.xlsx", &bad)],
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("D2 单元格：缺少销售方名称") && html.contains("F2 单元格"),
        "{html}"
    );
    // Seven invoices fill seven rows of the form, for the contractor to check and hand in.
    let rows: Vec<(String, &str, &str, f64)> = (1..=7)
        .map(|i| (format!("0700000{i}"), "2026-05-01", "交城县某商店", 100.5))
        .collect();
    let good = list(
        &rows
            .iter()
            .map(|(n, d, s, y)| (n.as_str(), *d, *s, *y))
            .collect::<Vec<_>>(),
    );
    let (status, html) = contractor
        .upload_as(
            "/funds/claims/new/invoices",
            "file",
            &[("发票清单.xlsx", &good)],
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("value=\"07000007\"") && html.contains("name=\"inv6_number\""));
    assert!(html.contains("value=\"100.50\""));
    assert_eq!(
        claim_count(&t).await,
        before,
        "nothing saved by reading a list"
    );
    // Staff do not hand in for themselves.
    let inspector = Client::login(&t, "inspector").await;
    let (status, _) = inspector
        .upload_as(
            "/funds/claims/new/invoices",
            "file",
            &[("发票清单.xlsx", &good)],
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// A small deterministic generator, so that a failing sequence can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// The figures from the records themselves, summed here without the ledger.
async fn sums_from_records(t: &jianguan_testkit::TestApp, programme: &str) -> [i64; 5] {
    use jianguan_store::entity::{disbursement, fund_recovery, project};
    use jianguan_store::sea::{ColumnTrait, QueryFilter};
    let db = t.app.store.reader();
    let projects: Vec<project::Model> = project::Entity::find()
        .filter(project::Column::ProgrammeId.eq(programme))
        .filter(project::Column::VoidedAt.is_null())
        .all(db)
        .await
        .unwrap();
    let ids: Vec<String> = projects.iter().map(|p| p.id.clone()).collect();
    let allocated = projects.iter().map(|p| p.central_funds_fen).sum();
    let disbursed = disbursement::Entity::find()
        .filter(disbursement::Column::ProjectId.is_in(ids.clone()))
        .filter(disbursement::Column::VoidedAt.is_null())
        .all(db)
        .await
        .unwrap()
        .iter()
        .filter(|d| d.confirmed())
        .map(|d| d.amount_fen)
        .sum();
    let approved = subsidy_claim::Entity::find()
        .filter(subsidy_claim::Column::ProjectId.is_in(ids.clone()))
        .filter(subsidy_claim::Column::VoidedAt.is_null())
        .all(db)
        .await
        .unwrap()
        .iter()
        .filter_map(|c| c.approved_fen)
        .sum();
    let recoveries = fund_recovery::Entity::find()
        .filter(fund_recovery::Column::ProjectId.is_in(ids))
        .filter(fund_recovery::Column::VoidedAt.is_null())
        .all(db)
        .await
        .unwrap();
    let ordered = recoveries.iter().map(|r| r.amount_fen).sum();
    let repaid = recoveries
        .iter()
        .flat_map(|r| r.repayments_parsed().unwrap())
        .map(|y| y.amount_fen)
        .sum();
    [allocated, disbursed, approved, ordered, repaid]
}

/// Random sequences of payments recorded and confirmed (or wrongly confirmed by their
/// recorder), claims handed in and approved, recoveries decided and repaid (or over-repaid),
/// and corrections — a payment or an approved claim voided, a recovery withdrawn (refused
/// once repaid), a project's central funds changed: after every step the funds figures from
/// the stored ledger equal the records' own sums, the budget splits into allocated and
/// unallocated, and nothing owed is below zero. On both backends.
#[tokio::test]
async fn the_figures_reconcile_after_any_sequence_of_movements() {
    use jianguan_app::funds as f;
    use jianguan_domain::FieldErrors;
    for backend in backends() {
        let t = jianguan_testkit::seeded(backend).await;
        let w = t.world.clone();
        let inspector = actor_of(&t.app, "inspector").await;
        let chief = actor_of(&t.app, "chief").await;
        let contractor = actor_of(&t.app, "contractor").await;
        let today = t.app.today().to_string();
        let mut rng = Lcg(0x5eed_0013);
        let mut pending: Vec<(String, bool)> = Vec::new();
        let mut claims: Vec<String> = Vec::new();
        let mut recoveries: Vec<String> = Vec::new();
        let mut confirmed: Vec<String> = Vec::new();
        let mut approved: Vec<String> = Vec::new();
        // How many of each kind of step ran: every kind, corrections included, must.
        let mut ran = [0usize; 10];
        for step in 0..60 {
            let staff = if rng.next(2) == 0 { &inspector } else { &chief };
            let kind = rng.next(10);
            match kind {
                0 => {
                    let d = f::record_disbursement(
                        &t.app,
                        staff,
                        &f::DisbursementInput {
                            project_id: w.project_a.clone(),
                            date: today.clone(),
                            amount_fen: Some(1 + rng.next(5_000_000) as i64),
                            batch: format!("第{step}批"),
                        },
                        FieldErrors::new(),
                    )
                    .await
                    .unwrap();
                    pending.push((d.id, staff.username == "inspector"));
                }
                1 if !pending.is_empty() => {
                    let (id, by_inspector) =
                        pending.remove(rng.next(pending.len() as u64) as usize);
                    // The recorder is refused; the other one confirms.
                    let (same, other) = if by_inspector {
                        (&inspector, &chief)
                    } else {
                        (&chief, &inspector)
                    };
                    assert!(f::confirm_disbursement(&t.app, same, &id).await.is_err());
                    f::confirm_disbursement(&t.app, other, &id).await.unwrap();
                    confirmed.push(id);
                }
                2 => {
                    let fen = 1 + rng.next(2_000_000) as i64;
                    let c = f::submit_claim(
                        &t.app,
                        &contractor,
                        &jianguan_domain::claim::ClaimInput {
                            project_id: w.project_a.clone(),
                            amount_fen: Some(fen),
                            purpose: "设备".into(),
                            invoices: vec![jianguan_domain::claim::InvoiceInput {
                                code: "1400221199".into(),
                                number: format!("8{step:06}"),
                                date: today.clone(),
                                seller: format!("第{step}号供应商有限公司"),
                                buyer: String::new(),
                                amount_fen: Some(fen),
                                tax_fen: None,
                            }],
                            declared: true,
                        },
                        FieldErrors::new(),
                    )
                    .await
                    .unwrap();
                    claims.push(c.id);
                }
                3 if !claims.is_empty() => {
                    let id = claims.remove(rng.next(claims.len() as u64) as usize);
                    approved.push(id.clone());
                    let c = f::claim(&t.app, &inspector, &id).await.unwrap();
                    let approve = 1 + rng.next(c.amount_fen as u64) as i64;
                    let note = if approve < c.amount_fen { "核减" } else { "" };
                    f::review_claim(
                        &t.app,
                        &inspector,
                        &id,
                        &f::ClaimVerdict {
                            verdict: "approved".into(),
                            note: note.into(),
                            approved_fen: Some(approve),
                        },
                        FieldErrors::new(),
                    )
                    .await
                    .unwrap();
                }
                4 => {
                    let yuan = 1 + rng.next(20_000);
                    let s = jianguan_app::sanctions::propose(
                        &t.app,
                        &inspector,
                        &jianguan_app::sanctions::SanctionInput {
                            enterprise_id: w.enterprise_a.clone(),
                            project_id: Some(w.project_a.clone()),
                            kind: "fund_recovery".into(),
                            facts: "重复申请补助资金".into(),
                            clause: "一（四）".into(),
                            amount: Some(format!("{yuan}")),
                            deadline: Some(today.clone()),
                        },
                    )
                    .await
                    .unwrap();
                    jianguan_app::sanctions::act(
                        &t.app,
                        &chief,
                        &s.id,
                        jianguan_domain::sanction::SanctionAction::Decide,
                        "同意",
                    )
                    .await
                    .unwrap();
                    recoveries.push(s.id);
                }
                5 if !recoveries.is_empty() => {
                    let id = &recoveries[rng.next(recoveries.len() as u64) as usize];
                    let r = jianguan_app::sanctions::recovery(&t.app, &inspector, id)
                        .await
                        .unwrap()
                        .unwrap();
                    let paid: i64 = r
                        .repayments_parsed()
                        .unwrap()
                        .iter()
                        .map(|y| y.amount_fen)
                        .sum();
                    let owed = r.amount_fen - paid;
                    // More than is owed is refused and changes nothing.
                    let over = format!("{}.{:02}", (owed + 1) / 100, (owed + 1) % 100);
                    assert!(
                        jianguan_app::sanctions::record_repayment(
                            &t.app, &inspector, id, &today, &over
                        )
                        .await
                        .is_err()
                    );
                    if owed > 0 {
                        let pay = 1 + rng.next(owed as u64) as i64;
                        let text = format!("{}.{:02}", pay / 100, pay % 100);
                        jianguan_app::sanctions::record_repayment(
                            &t.app, &inspector, id, &today, &text,
                        )
                        .await
                        .unwrap();
                    }
                }
                6 if !confirmed.is_empty() => {
                    let id = confirmed.remove(rng.next(confirmed.len() as u64) as usize);
                    f::void_disbursement(&t.app, staff, &id, "金额录入错误")
                        .await
                        .unwrap();
                }
                7 if !approved.is_empty() => {
                    let id = approved.remove(rng.next(approved.len() as u64) as usize);
                    f::void_claim(&t.app, staff, &id, "核定金额录入错误")
                        .await
                        .unwrap();
                }
                8 if !recoveries.is_empty() => {
                    let at = rng.next(recoveries.len() as u64) as usize;
                    let r = jianguan_app::sanctions::recovery(&t.app, &inspector, &recoveries[at])
                        .await
                        .unwrap()
                        .unwrap();
                    let withdrawn = jianguan_app::sanctions::act(
                        &t.app,
                        &chief,
                        &recoveries[at],
                        jianguan_domain::sanction::SanctionAction::Withdraw,
                        "经复核撤销",
                    )
                    .await;
                    // Withdrawn unless money already came back against it.
                    let repaid = !r.repayments_parsed().unwrap().is_empty();
                    assert_eq!(withdrawn.is_err(), repaid, "{backend:?} step {step}");
                    if !repaid {
                        recoveries.remove(at);
                    }
                }
                9 => {
                    // The project's central funds changed within what the programme has.
                    let p = jianguan_app::records::project(&t.app, &inspector, &w.project_a)
                        .await
                        .unwrap();
                    let room = f::overview(&t.app, &inspector)
                        .await
                        .unwrap()
                        .into_iter()
                        .find(|x| x.programme.id == w.programme_x)
                        .unwrap()
                        .ledger
                        .unallocated_fen();
                    let fen = 1 + rng.next((p.central_funds_fen + room).max(1) as u64) as i64;
                    let input = jianguan_domain::project::ProjectInput {
                        name: p.name.clone(),
                        programme_id: p.programme_id.clone(),
                        enterprise_id: p.enterprise_id.clone(),
                        system: p.system.clone(),
                        township: p.township.clone(),
                        village: p.village.clone(),
                        latitude: p.latitude,
                        longitude: p.longitude,
                        central_funds_fen: Some(fen),
                        construction_start: p.construction_start.to_string(),
                        construction_end: p.construction_end.to_string(),
                        operation_start: p.operation_start.map(|d| d.to_string()),
                        service_period_end: p.service_period_end.map(|d| d.to_string()),
                        status: Some(p.status.clone()),
                        targets: p.targets_parsed().unwrap(),
                    };
                    jianguan_app::records::update_project(
                        &t.app,
                        &inspector,
                        &w.project_a,
                        &input,
                        FieldErrors::new(),
                    )
                    .await
                    .unwrap();
                }
                _ => continue,
            }
            ran[kind as usize] += 1;
            let all = f::overview(&t.app, &inspector).await.unwrap();
            let p = all
                .iter()
                .find(|p| p.programme.id == w.programme_x)
                .unwrap();
            let totals = p.ledger.totals();
            assert!(
                p.problems.is_empty(),
                "{backend:?} step {step}: {:?}",
                p.problems
            );
            assert_eq!(
                [
                    totals.allocated_fen,
                    totals.disbursed_fen,
                    totals.approved_fen,
                    totals.recovery_ordered_fen,
                    totals.repaid_fen
                ],
                sums_from_records(&t, &w.programme_x).await,
                "{backend:?} step {step}"
            );
            assert_eq!(
                p.ledger.budget_fen(),
                totals.allocated_fen + p.ledger.unallocated_fen()
            );
            assert!(p.ledger.unallocated_fen() >= 0);
            assert_eq!(
                totals.net_paid_fen(),
                totals.disbursed_fen - totals.repaid_fen
            );
            for f in &p.projects {
                assert!(
                    f.balances.outstanding_recovery_fen() >= 0,
                    "{backend:?} step {step}"
                );
            }
        }
        assert!(
            ran.iter().all(|n| *n > 0),
            "{backend:?}: every kind of step ran: {ran:?}"
        );
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}
