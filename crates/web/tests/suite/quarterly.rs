//! 季度报告 on both backends: the quarter's figures move with the records written in it
//! (an order, a decided sanction), a bad or future quarter is named, a contractor has no
//! such page or tab, and a quarter is issued as a 公文 once it has ended, once.

use crate::common::{Client, seeded_router};
use axum::http::{Method, StatusCode};
use jianguan_app::quarterly::{Quarter, report};
use jianguan_testkit::{actor_of, backends};
use serde_json::json;

#[tokio::test]
async fn a_quarter_s_figures_follow_its_records_and_issue_once_it_has_ended() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        let today = t.app.today();
        let now = Quarter::of(today);
        let chief_actor = actor_of(&t.app, "chief").await;
        let before = report(&t.app, &chief_actor, now).await.unwrap();

        // An order issued today, and a sanction decided today.
        let inspector = Client::login(&t, "inspector").await;
        let chief = Client::login(&t, "chief").await;
        let deadline = (today + chrono::Days::new(10)).to_string();
        let (status, o) = inspector
            .json(
                Method::POST,
                "/api/v1/orders",
                json!({"project_id": w.project_a, "title": "站点台账不全", "requirements": "补齐", "deadline": deadline}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{o}");
        let s = jianguan_app::sanctions::propose(
            &t.app,
            &actor_of(&t.app, "inspector").await,
            &jianguan_app::sanctions::SanctionInput {
                enterprise_id: w.enterprise_a.clone(),
                project_id: Some(w.project_a.clone()),
                kind: "public_criticism".into(),
                facts: "未按期报送数据。".into(),
                clause: "一（四）".into(),
                amount: None,
                deadline: None,
            },
        )
        .await
        .unwrap();
        chief
            .form(&format!("/sanctions/{}/act", s.id), &[("action", "decide")])
            .await;
        let after = report(&t.app, &chief_actor, now).await.unwrap();
        assert_eq!(after.orders.issued, before.orders.issued + 1, "{backend:?}");
        assert_eq!(after.orders.open_in_time, before.orders.open_in_time + 1);
        let criticised = |r: &jianguan_app::quarterly::Report| {
            r.sanctions
                .iter()
                .find(|(k, _)| k.starts_with("通报批评"))
                .map_or(0, |x| x.1)
        };
        assert_eq!(criticised(&after), criticised(&before) + 1);
        // The inspections' lines are the quota rules' own numbers: a shortfall the page
        // shows is a quota finding on the docket, and none is shown where none is owed.
        for l in &after.inspections {
            assert!(l.projects > 0 || l.required == 0, "{l:?}");
        }

        // The page shows them; the tab is under 报表.
        let (status, page) = inspector.get("/reports/quarterly").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(&format!("下达限期整改通知 {} 件", after.orders.issued)));
        assert!(page.contains("<svg"), "the charts are drawn on the page");
        assert!(
            !page.contains("印发季度监督检查情况报告"),
            "the quarter runs on"
        );
        for (query, field) in [
            ("year=abc&quarter=1", "年份"),
            ("year=2026&quarter=5", "季度"),
            ("year=2100&quarter=1", "还没有开始"),
        ] {
            let (status, page) = inspector.get(&format!("/reports/quarterly?{query}")).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
            assert!(page.contains(field), "{query}: {page}");
        }

        // The API gives the same figures; a bad quarter is named there too.
        let (status, j) = inspector
            .get_json(&format!(
                "/api/v1/reports/quarterly?year={}&quarter={}",
                now.year, now.q
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{j}");
        assert_eq!(j["orders_issued"], after.orders.issued);
        assert_eq!(j["quarter"], now.key());
        let (status, j) = inspector
            .get_json("/api/v1/reports/quarterly?year=2026&quarter=0")
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{j}");
        assert!(j["fields"]["quarter"].is_string(), "{j}");

        // A contractor: no page, no tab, no figures.
        let (status, _) = Client::login(&t, "contractor")
            .await
            .get_json("/api/v1/reports/quarterly?year=2026&quarter=1")
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let contractor = Client::login(&t, "contractor").await;
        let (status, _) = contractor.get("/reports/quarterly").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (_, page) = contractor.get("/documents").await;
        assert!(!page.contains("季度报告"));

        // Issued only once the quarter has ended, and once.
        let issue = |key: String| {
            let c = &inspector;
            async move {
                c.json(
                    Method::POST,
                    "/api/v1/documents",
                    json!({"kind": "quarterly_report", "source_id": key}),
                )
                .await
            }
        };
        let (status, body) = issue(now.key()).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        let last = Quarter::of(now.start() - chrono::Days::new(1));
        let (status, d) = issue(last.key()).await;
        assert_eq!(status, StatusCode::CREATED, "{backend:?}: {d}");
        assert_eq!(d["source_kind"], "quarter");
        assert!(d["title"].as_str().unwrap().contains(&last.label()), "{d}");
        let (status, pdf, _) = inspector
            .get_bytes(&format!(
                "/api/v1/documents/{}/pdf",
                d["id"].as_str().unwrap()
            ))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(pdf.starts_with(b"%PDF"));
        assert_eq!(issue(last.key()).await.0, StatusCode::CONFLICT);
        let (status, _) = issue("2026-Q9".into()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (_, page) = inspector
            .get(&format!(
                "/reports/quarterly?year={}&quarter={}",
                last.year, last.q
            ))
            .await;
        assert!(
            page.contains(d["number"].as_str().unwrap()),
            "listed on its quarter"
        );
        // A contractor never reads the county's report.
        let (status, _) = contractor
            .get_json(&format!("/api/v1/documents/{}", d["id"].as_str().unwrap()))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}
