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
