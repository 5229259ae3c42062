//! 市场秩序问题 (一（四）): raised by hand or from a finalised inspection, with the products
//! and photos, seen by the enterprise concerned only, closed by the accepted rectification
//! or by the responsible person's decision.

use crate::common::{Client, TestRouter, seeded_router};
use axum::http::StatusCode;
use jianguan_app::market::{self, MarketFilter};
use jianguan_store::entity::market_finding;
use jianguan_testkit::{actor_of, backends, sample_jpeg};

async fn problems(t: &TestRouter) -> Vec<market_finding::Model> {
    let admin = actor_of(&t.app, "inspector").await;
    market::page(&t.app, &admin, &MarketFilter::default(), 0, 500)
        .await
        .unwrap()
        .items
}

async fn by_products(t: &TestRouter, products: &str) -> market_finding::Model {
    problems(t)
        .await
        .into_iter()
        .find(|m| m.products.as_deref() == Some(products))
        .expect("the problem raised")
}

/// Whether the docket holds an open `market.violation_open` finding for the problem.
async fn on_docket(c: &Client, id: &str) -> bool {
    let (_, all) = c.get_json("/api/v1/docket").await;
    all.as_array().unwrap().iter().any(|f| {
        f["rule"] == "market.violation_open"
            && f["subject"]["id"] == id
            && f["resolved_on"].is_null()
    })
}

#[tokio::test]
async fn a_market_problem_is_raised_by_hand_with_its_products_and_photos() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        let inspector = Client::login(&t, "inspector").await;
        let before = problems(&t).await.len();
        // Everything missing or wrong is named at once, and nothing is saved.
        let tomorrow = (t.app.today() + chrono::Days::new(1)).to_string();
        let (status, html) = inspector
            .form(
                "/market",
                &[
                    ("project_id", ""),
                    ("category", "weather"),
                    ("raised_on", &tomorrow),
                    ("products", " "),
                    ("description", ""),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        for msg in [
            "请选择发现问题的项目",
            "没有这种问题类别",
            "发现日期不能晚于今天",
            "请填写涉及商品",
            "请填写问题情况",
        ] {
            assert!(html.contains(msg), "{backend:?}: {msg}");
        }
        let (status, html) = inspector
            .form(
                "/market",
                &[
                    ("project_id", &w.project_y),
                    ("category", "expired"),
                    ("raised_on", "2026-02-30"),
                    ("products", "x"),
                    ("description", "x"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("所选项目不存在或已作废") && html.contains("发现日期："));
        assert_eq!(problems(&t).await.len(), before, "nothing saved");

        let (status, _) = inspector
            .form(
                "/market",
                &[
                    ("project_id", &w.project_a),
                    ("category", "counterfeit"),
                    ("raised_on", &t.app.today().to_string()),
                    ("products", "“晋丰”牌小米 5 千克装，无厂名厂址"),
                    ("description", "服务站货架上销售无厂名厂址的袋装小米。"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        let m = by_products(&t, "“晋丰”牌小米 5 千克装，无厂名厂址").await;
        assert_eq!(
            (m.category.as_str(), m.enterprise_id.as_str()),
            ("counterfeit", w.enterprise_a.as_str())
        );
        assert!(m.raised_by.as_deref().is_some_and(|x| !x.is_empty()));
        assert!(
            on_docket(&inspector, &m.id).await,
            "{backend:?}: on the docket"
        );
        let path = format!("/market/{}", m.id);
        let (status, _) = inspector
            .upload(
                &format!("{path}/photos"),
                &[("货架.jpg", &sample_jpeg(40, 30))],
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        let (_, page) = inspector.get(&path).await;
        assert!(
            page.contains("销售假冒伪劣产品")
                && page.contains("/photos/")
                && page.contains("开具整改通知")
        );
        let (_, list) = inspector
            .get("/market?state=open&category=counterfeit")
            .await;
        assert!(list.contains(&m.id) && list.contains("市场秩序问题"));
        let (status, html) = inspector.get("/market?state=maybe").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("没有这种处理状态"));

        // The enterprise concerned reads it; another does not, whatever the URL; neither
        // raises one or adds evidence.
        let contractor = Client::login(&t, "contractor").await;
        let other = Client::login(&t, "contractor2").await;
        let (status, page) = contractor.get(&path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("无厂名厂址") && !page.contains("上传现场照片"));
        assert_eq!(other.get(&path).await.0, StatusCode::NOT_FOUND);
        let (_, theirs) = other.get("/market").await;
        assert!(!theirs.contains(&m.id));
        let form = [
            ("project_id", w.project_a.as_str()),
            ("category", "expired"),
            ("raised_on", "2026-01-01"),
            ("products", "x"),
            ("description", "x"),
        ];
        assert_eq!(
            contractor.form("/market", &form).await.0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            contractor
                .upload(
                    &format!("{path}/photos"),
                    &[("x.jpg", &sample_jpeg(10, 10))],
                    &[]
                )
                .await
                .0,
            StatusCode::FORBIDDEN
        );
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

/// From an inspection only once it is final (before, its problems are not the group's word
/// and the contractor may not see them); the form comes filled from it.
#[tokio::test]
async fn a_market_problem_comes_from_a_finalised_inspection_only() {
    use jianguan_app::{evidence, inspections};
    use jianguan_domain::FieldErrors;
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        let actor = actor_of(&t.app, "inspector").await;
        let i = inspections::record(
            &t.app,
            &actor,
            &jianguan_domain::inspection::InspectionInput {
                project_id: w.project_a.clone(),
                kinds: vec!["ad_hoc".into()],
                date: t.app.today().to_string(),
                methods: vec!["on_site".into()],
                inspectors: vec!["甲".into(), "乙".into()],
                minutes: Some("抽查服务站在售商品。".into()),
                problems: Some("在售核桃仁 3 袋超过保质期。".into()),
                ..Default::default()
            },
            FieldErrors::new(),
        )
        .await
        .unwrap();
        let inspector = Client::login(&t, "inspector").await;
        let (status, html) = inspector
            .get(&format!("/market/new?inspection_id={}", i.id))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        assert!(html.contains("定稿后"));
        let source = format!("inspection:{}", i.id);
        let form = |project: &str| {
            vec![
                ("project_id", project.to_string()),
                ("category", "expired".to_string()),
                ("raised_on", t.app.today().to_string()),
                (
                    "products",
                    "核桃仁 250 克袋装，2025 年 6 月生产".to_string(),
                ),
                ("description", "在售核桃仁 3 袋超过保质期。".to_string()),
                ("source", source.clone()),
            ]
        };
        let send = |f: Vec<(&'static str, String)>| {
            let inspector = &inspector;
            async move {
                let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
                inspector.form("/market", &f).await
            }
        };
        let (status, html) = send(form(&w.project_a)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("检查记录定稿后才能据此登记"), "{backend:?}");
        evidence::upload(
            &t.app,
            &actor,
            "inspection",
            &i.id,
            "x.jpg",
            sample_jpeg(20, 20),
            Default::default(),
        )
        .await
        .unwrap();
        inspections::finalise(&t.app, &actor, &i.id).await.unwrap();
        let (status, html) = inspector
            .get(&format!("/market/new?inspection_id={}", i.id))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("在售核桃仁 3 袋超过保质期。") && html.contains(&source));
        // Its project, not another.
        let (status, html) = send(form(&w.project_b)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("与该次检查的项目不一致"));
        let (status, _) = send(form(&w.project_a)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        let m = by_products(&t, "核桃仁 250 克袋装，2025 年 6 月生产").await;
        assert_eq!(m.source.as_deref(), Some(source.as_str()));
        let (_, page) = inspector.get(&format!("/market/{}", m.id)).await;
        assert!(page.contains(&format!("/inspections/{}", i.id)));
        // The finalised inspection offers it.
        let (_, page) = inspector.get(&format!("/inspections/{}", i.id)).await;
        assert!(page.contains(&format!("/market/new?inspection_id={}", i.id)));
    }
}

#[tokio::test]
async fn a_market_problem_closes_when_its_rectification_is_accepted() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        let inspector = Client::login(&t, "inspector").await;
        let contractor = Client::login(&t, "contractor").await;
        let today = t.app.today().to_string();
        let raise = [
            ("project_id", w.project_a.as_str()),
            ("category", "quality_safety"),
            ("raised_on", today.as_str()),
            ("products", "散装蜂蜜，无检验报告"),
            ("description", "网店销售的散装蜂蜜无产品检验报告。"),
        ];
        assert_eq!(
            inspector.form("/market", &raise).await.0,
            StatusCode::SEE_OTHER
        );
        let m = by_products(&t, "散装蜂蜜，无检验报告").await;
        let source = format!("market:{}", m.id);
        let deadline = (t.app.today() + chrono::Days::new(10)).to_string();
        // The order must be for the enterprise concerned.
        let order = |project: &str| {
            vec![
                ("project_id", project.to_string()),
                ("title", "蜂蜜下架并补齐检验报告".to_string()),
                (
                    "requirements",
                    "立即下架，补齐检验报告后方可销售。".to_string(),
                ),
                ("deadline", deadline.clone()),
                ("source", source.clone()),
            ]
        };
        let as_fields =
            |f: &[(&'static str, String)]| -> Vec<(&'static str, String)> { f.to_vec() };
        let wrong = as_fields(&order(&w.project_b));
        let wrong: Vec<(&str, &str)> = wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, html) = inspector.form("/orders", &wrong).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(html.contains("所选项目不属于该问题涉及的企业"));
        let right = order(&w.project_a);
        let right: Vec<(&str, &str)> = right.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            inspector.form("/orders", &right).await.0,
            StatusCode::SEE_OTHER
        );
        let contractor_actor = actor_of(&t.app, "contractor").await;
        let o = jianguan_app::rectification::list(&t.app, &contractor_actor, true)
            .await
            .unwrap()
            .into_iter()
            .find(|o| o.source.as_deref() == Some(source.as_str()))
            .expect("the order");
        let (_, page) = inspector.get(&format!("/market/{}", m.id)).await;
        assert!(page.contains(&format!("/orders/{}", o.id)));
        let opath = format!("/orders/{}", o.id);
        assert_eq!(
            contractor
                .form(
                    &format!("{opath}/submit"),
                    &[("text", "已下架，检验报告已补齐。")]
                )
                .await
                .0,
            StatusCode::SEE_OTHER
        );
        assert!(on_docket(&inspector, &m.id).await, "open until accepted");
        assert_eq!(
            inspector
                .form(
                    &format!("{opath}/review"),
                    &[("decision", "accept"), ("note", "")]
                )
                .await
                .0,
            StatusCode::SEE_OTHER
        );
        let closed = by_products(&t, "散装蜂蜜，无检验报告").await;
        assert_eq!(closed.closed_on, Some(t.app.today()), "{backend:?}");
        assert!(closed.close_reason.as_deref().unwrap().contains("验收通过"));
        assert!(
            !on_docket(&inspector, &m.id).await,
            "{backend:?}: off the docket"
        );
        let (_, page) = contractor.get(&format!("/market/{}", m.id)).await;
        assert!(page.contains("已处理完毕") && page.contains("蜂蜜下架并补齐检验报告"));
        // No more evidence once closed, nor another order for it.
        let (status, _) = inspector
            .upload(
                &format!("/market/{}/photos", m.id),
                &[("x.jpg", &sample_jpeg(10, 10))],
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, html) = inspector.form("/orders", &right).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("该市场秩序问题已经处理完毕"));
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

/// The responsible person alone closes one by decision, with a reason; six clicks at once
/// close it once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_responsible_person_closes_a_market_problem_once() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        let inspector = Client::login(&t, "inspector").await;
        let chief = Client::login(&t, "chief").await;
        let path = format!("/market/{}/close", w.market_b);
        let reason = [("reason", "已移交县市场监督管理局立案查处")];
        assert_eq!(
            inspector.form(&path, &reason).await.0,
            StatusCode::FORBIDDEN
        );
        let (status, html) = chief.form(&path, &[("reason", " ")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("请填写处理决定"));
        let outcomes =
            futures_util::future::join_all((0..6).map(|_| chief.form(&path, &reason))).await;
        let ok = outcomes
            .iter()
            .filter(|(s, _)| *s == StatusCode::SEE_OTHER)
            .count();
        assert_eq!(
            ok,
            1,
            "{backend:?}: {:?}",
            outcomes.iter().map(|o| o.0).collect::<Vec<_>>()
        );
        assert!(
            outcomes
                .iter()
                .all(|(s, _)| *s == StatusCode::SEE_OTHER || *s == StatusCode::CONFLICT)
        );
        let finding =
            jianguan_app::market::get(&t.app, &actor_of(&t.app, "chief").await, &w.market_b)
                .await
                .unwrap();
        let closes = jianguan_app::history::of(&t.app, &finding)
            .await
            .unwrap()
            .into_iter()
            .filter(|h| h.action == "close")
            .count();
        assert_eq!(closes, 1);
        let (_, page) = chief.get(&format!("/market/{}", w.market_b)).await;
        assert!(
            page.contains("监管责任人决定：已移交县市场监督管理局立案查处")
                && page.contains("处理完毕")
        );
        assert!(!page.contains("决定处理完毕"), "no second decision offered");
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

/// The same use cases over JSON: bad input named field by field with nothing saved, a
/// photo as the body, the enterprise's own only, the close decided once and by the chief.
#[tokio::test]
async fn market_problems_over_the_api() {
    use axum::http::Method;
    use serde_json::json;
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        let inspector = Client::login(&t, "inspector").await;
        let before = problems(&t).await.len();
        let tomorrow = (t.app.today() + chrono::Days::new(1)).to_string();
        let (status, err) = inspector
            .json(
                Method::POST,
                "/api/v1/market",
                json!({"project_id": w.project_y, "category": "weather", "raised_on": tomorrow,
                       "products": "", "description": "x"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        for field in ["project_id", "category", "raised_on", "products"] {
            assert!(
                err["fields"][field].is_string(),
                "{backend:?}: {field} {err}"
            );
        }
        let (status, _) = inspector
            .json(
                Method::POST,
                "/api/v1/market",
                json!({"project_id": w.project_a, "category": "expired", "raised_on": "2026-01-01",
                       "products": "x", "description": "x", "colour": "red"}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "unknown field refused");
        assert_eq!(problems(&t).await.len(), before, "nothing saved");

        let (status, m) = inspector
            .json(
                Method::POST,
                "/api/v1/market",
                json!({"project_id": w.project_a, "category": "expired",
                       "raised_on": t.app.today().to_string(),
                       "products": "过期酸奶 12 盒", "description": "冷柜内有过期 5 天的酸奶。"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{backend:?}: {m}");
        let id = m["id"].as_str().unwrap().to_string();
        assert_eq!(m["enterprise_id"], w.enterprise_a.as_str());
        assert_eq!(m["photos"], json!([]));
        let (status, p) = inspector
            .raw(
                Method::POST,
                &format!("/api/v1/market/{id}/photos?name=冷柜.jpg"),
                "image/jpeg",
                sample_jpeg(40, 30),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{backend:?}: {p}");
        let (status, list) = inspector
            .get_json("/api/v1/market?open=true&category=expired&limit=5")
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            list["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["id"] == id.as_str())
        );
        for bad in ["category=weather", "limit=501", "open=maybe"] {
            let (status, _) = inspector.get_json(&format!("/api/v1/market?{bad}")).await;
            assert!(status.is_client_error(), "{bad}: {status}");
        }

        // The enterprise concerned reads it with its photo; another gets 404 and an empty list.
        let contractor = Client::login(&t, "contractor").await;
        let other = Client::login(&t, "contractor2").await;
        let (status, mine) = contractor.get_json(&format!("/api/v1/market/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(mine["photos"].as_array().unwrap().len(), 1);
        assert_eq!(
            other.get_json(&format!("/api/v1/market/{id}")).await.0,
            StatusCode::NOT_FOUND
        );
        let (_, theirs) = other.get_json("/api/v1/market").await;
        assert!(
            !theirs["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["id"] == id.as_str())
        );

        // Only the responsible person closes it, with a reason, once.
        let close = format!("/api/v1/market/{id}/close");
        let reason = json!({"reason": "已责令下架并移交市场监管部门"});
        assert_eq!(
            inspector.json(Method::POST, &close, reason.clone()).await.0,
            StatusCode::FORBIDDEN
        );
        let chief = Client::login(&t, "chief").await;
        let (status, err) = chief
            .json(Method::POST, &close, json!({"reason": " "}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(err["fields"]["reason"].is_string());
        let outcomes = futures_util::future::join_all(
            (0..4).map(|_| chief.json(Method::POST, &close, reason.clone())),
        )
        .await;
        let statuses: Vec<_> = outcomes.iter().map(|o| o.0).collect();
        assert_eq!(
            statuses.iter().filter(|s| **s == StatusCode::OK).count(),
            1,
            "{backend:?}: {statuses:?}"
        );
        assert!(
            statuses
                .iter()
                .all(|s| *s == StatusCode::OK || *s == StatusCode::CONFLICT)
        );
        let (_, closed) = contractor.get_json(&format!("/api/v1/market/{id}")).await;
        assert!(closed["closed_on"].is_string());
        assert!(
            !on_docket(&inspector, &id).await,
            "{backend:?}: off the docket"
        );
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}
