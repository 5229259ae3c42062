//! A rectification order through its states, as county users and contractors use it.

use crate::common::{Client, seeded_router};
use axum::http::StatusCode;
use jianguan_app::rectification;
use jianguan_testkit::{actor_of, backends, sample_jpeg};

#[tokio::test]
async fn a_rectification_order_is_sent_back_once_then_accepted() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let inspector = Client::login(&t, "inspector").await;
        let contractor = Client::login(&t, "contractor").await;
        let other = Client::login(&t, "contractor2").await;
        let deadline = (t.app.today() + chrono::Days::new(10)).to_string();
        let (status, html) = inspector
            .form(
                "/orders",
                &[
                    ("project_id", &t.world.project_a),
                    ("title", ""),
                    ("requirements", "补齐台账"),
                    ("deadline", "2020-01-01"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("请填写整改事项") && html.contains("不能早于今天"));
        let (status, _) = inspector
            .form(
                "/orders",
                &[
                    ("project_id", &t.world.project_a),
                    ("title", "服务站未挂牌"),
                    ("requirements", "十日内挂牌并报送照片"),
                    ("deadline", &deadline),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        let contractor_actor = actor_of(&t.app, "contractor").await;
        let order = rectification::list(&t.app, &contractor_actor, true)
            .await
            .unwrap()
            .into_iter()
            .find(|o| o.title == "服务站未挂牌")
            .expect("the contractor sees the order");
        let path = format!("/orders/{}", order.id);
        let (_, notes) = contractor.get("/notifications").await;
        assert!(notes.contains("收到整改通知：服务站未挂牌"), "{backend:?}");
        assert_eq!(
            other.get(&path).await.0,
            StatusCode::NOT_FOUND,
            "another enterprise"
        );
        assert_eq!(
            other
                .form(&format!("{path}/submit"), &[("text", "x")])
                .await
                .0,
            StatusCode::NOT_FOUND
        );

        // Review before anything is handed in: refused by the state machine.
        let (status, _) = inspector
            .form(&format!("{path}/review"), &[("decision", "accept")])
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, _) = contractor
            .form(&format!("{path}/submit"), &[("text", " ")])
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = contractor
            .form(&format!("{path}/submit"), &[("text", "已挂牌。")])
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _) = contractor
            .upload(
                &format!("{path}/photos"),
                &[("挂牌.jpg", &sample_jpeg(640, 480))],
                &[],
            )
            .await;
        assert_eq!(
            status,
            StatusCode::SEE_OTHER,
            "{backend:?}: the contractor attaches a photo"
        );
        assert_eq!(
            contractor
                .form(&format!("{path}/submit"), &[("text", "再交一次")])
                .await
                .0,
            StatusCode::CONFLICT
        );
        assert_eq!(
            contractor
                .form(&format!("{path}/review"), &[("decision", "accept")])
                .await
                .0,
            StatusCode::FORBIDDEN
        );
        let (status, html) = inspector
            .form(
                &format!("{path}/review"),
                &[("decision", "reject"), ("note", "")],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("请填写退回原因"));
        let (status, _) = inspector
            .form(
                &format!("{path}/review"),
                &[("decision", "reject"), ("note", "照片看不清门牌")],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, page) = contractor.get(&path).await;
        assert!(page.contains("被退回，待重新整改") && page.contains("照片看不清门牌"));
        let (status, _) = contractor
            .form(&format!("{path}/submit"), &[("text", "已重新拍摄门牌。")])
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _) = inspector
            .form(&format!("{path}/review"), &[("decision", "accept")])
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let done = rectification::get(&t.app, &contractor_actor, &order.id)
            .await
            .unwrap();
        assert_eq!(
            (done.state.as_str(), done.accepted_on),
            ("accepted", Some(t.app.today()))
        );
        let subs = rectification::submissions(&t.app, &order).await.unwrap();
        assert_eq!(
            subs.iter().map(|s| s.review.as_str()).collect::<Vec<_>>(),
            ["rejected", "accepted"]
        );
        let (_, page) = inspector.get(&path).await;
        for step in ["开具整改通知", "提交整改材料", "退回重新整改", "验收通过"]
        {
            assert!(page.contains(step), "{backend:?}: history lacks {step}");
        }
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

/// The order list pages 50 at a time with its count, every order once in deadline order,
/// filters by state (open or not) and project, and sorts by the column asked for.
#[tokio::test]
async fn the_order_list_pages_and_filters() {
    use jianguan_store::entity::rectification_order as order;
    use jianguan_store::sea::{EntityTrait, IntoActiveModel};
    for backend in backends() {
        let t = seeded_router(backend).await;
        let now = t.app.now();
        let start = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let rows: Vec<order::ActiveModel> = (0..120u64)
            .map(|n| {
                order::Model {
                    id: format!("bulk-order-{n:03}"),
                    county_code: t.world.county_x.clone(),
                    project_id: t.world.project_a.clone(),
                    enterprise_id: t.world.enterprise_a.clone(),
                    title: format!("批量整改{n}"),
                    requirements: "补齐台账".into(),
                    issued_on: start,
                    deadline: start + chrono::Days::new(n),
                    state: if n % 2 == 0 { "accepted" } else { "issued" }.into(),
                    accepted_on: (n % 2 == 0).then_some(start),
                    progress_notice: false,
                    responsible_person: None,
                    source: None,
                    created_at: now,
                    updated_at: now,
                    voided_at: None,
                    void_reason: None,
                }
                .into_active_model()
            })
            .collect();
        order::Entity::insert_many(rows)
            .exec(t.app.store.housekeeping())
            .await
            .unwrap();
        let inspector = Client::login(&t, "inspector").await;
        let ids = |html: &str| -> Vec<String> {
            html.split("<tr data-id=\"")
                .skip(1)
                .map(|x| x.split('"').next().unwrap().to_string())
                .filter(|id| id.starts_with("bulk-order-"))
                .collect()
        };
        // Accepted ones, by state: 60, in two pages of 50 and 10, in deadline order.
        let mut seen = Vec::new();
        for offset in [0, 50] {
            let (status, html) = inspector
                .get(&format!(
                    "/orders?state=accepted&project_id={}&offset={offset}",
                    t.world.project_a
                ))
                .await;
            assert_eq!(status, StatusCode::OK);
            seen.extend(ids(&html));
        }
        let expected: Vec<String> = (0..120)
            .step_by(2)
            .map(|n| format!("bulk-order-{n:03}"))
            .collect();
        assert_eq!(seen, expected, "{backend:?}");
        // Open only by default: none of the accepted.
        let (_, html) = inspector.get("/orders").await;
        assert!(html.contains("共 "));
        assert!(ids(&html).iter().all(|id| {
            let n: u64 = id.trim_start_matches("bulk-order-").parse().unwrap();
            n % 2 == 1
        }));
        // Sorted the other way, by deadline: the latest first (after any seeded order due
        // later), and the choice kept in the select and the pager.
        let n_of = |id: &String| -> u64 { id.trim_start_matches("bulk-order-").parse().unwrap() };
        let (_, html) = inspector
            .get("/orders?state=issued&sort=deadline_desc")
            .await;
        let latest: Vec<u64> = ids(&html).iter().map(n_of).collect();
        assert_eq!(latest.first(), Some(&119), "{backend:?}");
        assert!(latest.len() >= 40 && latest.windows(2).all(|w| w[1] + 2 == w[0]));
        assert!(html.contains("<option value=\"deadline_desc\" selected>"));
        assert!(html.contains("sort=deadline_desc&offset=50"));
        // By state: every accepted one ("accepted" < "issued") before any issued one.
        let (_, html) = inspector.get("/orders?all=1&sort=state").await;
        let by_state: Vec<u64> = ids(&html).iter().map(n_of).collect();
        assert!(
            by_state.len() >= 40 && by_state.iter().all(|n| n % 2 == 0),
            "{by_state:?}"
        );
        let (status, html) = inspector.get("/orders?state=done").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("没有这种整改状态"));
        let (status, html) = inspector.get("/orders?sort=price").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("没有这种排序方式"));
    }
}
