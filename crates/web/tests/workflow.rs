//! Inspections with photo evidence, rectification orders and sanctions, through the pages
//! as county users and contractors use them, on every backend.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::{Client, counts, seeded_router};
use jianguan_app::{inspections, rectification, sanctions};
use jianguan_domain::FieldErrors;
use jianguan_domain::inspection::InspectionInput;
use jianguan_testkit::{actor_of, backends, sample_jpeg, sample_png};

async fn post(c: &Client, path: &str, f: &[(String, String)]) -> (StatusCode, String) {
    let refs: Vec<(&str, &str)> = f.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    c.form(path, &refs).await
}

/// A small, valid PNG that declares 20,000 × 20,000 pixels.
fn bomb() -> Vec<u8> {
    jianguan_testkit::hostile::png_claiming(20_000, 20_000)
}

async fn recorded(t: &common::TestRouter, project: &str, minutes: Option<&str>) -> String {
    let inspector = actor_of(&t.app, "inspector").await;
    inspections::record(
        &t.app,
        &inspector,
        &InspectionInput {
            project_id: project.into(),
            kinds: vec!["construction".into()],
            date: t.app.today().to_string(),
            methods: vec!["on_site".into()],
            inspectors: vec!["王检查".into(), "李检查".into()],
            minutes: minutes.map(str::to_string),
            ..Default::default()
        },
        FieldErrors::new(),
    )
    .await
    .unwrap()
    .id
}

#[tokio::test]
async fn bad_photos_are_refused_clearly_and_leave_nothing_behind() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let id = recorded(&t, &t.world.project_a, Some("记录")).await;
        let inspector = Client::login(&t, "inspector").await;
        let path = format!("/inspections/{id}/photos");
        let mut truncated = sample_jpeg(800, 600);
        truncated.truncate(truncated.len() / 3);
        let mut too_big = vec![0xFF, 0xD8, 0xFF, 0xE0];
        too_big.resize(16 * 1024 * 1024, 0);
        let svg =
            br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>"#.to_vec();
        let cases: [(&str, Vec<u8>, &str); 6] = [
            (
                "现场照片.jpg",
                b"%PDF-1.7\n1 0 obj <<>> endobj\n".to_vec(),
                "PDF",
            ),
            ("大图.png", bomb(), "20000 × 20000"),
            ("半张.jpg", truncated, "损坏或不完整"),
            ("图.svg", svg, "SVG"),
            ("空.jpg", Vec::new(), "0 字节"),
            ("太大.jpg", too_big, "不能超过 15 MB"),
        ];
        let before = counts(&t).await;
        let files_before = t.app.files.keys().await.unwrap();
        for (name, bytes, says) in cases {
            let (status, html) = inspector.upload(&path, &[(name, &bytes)], &[]).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{backend:?} {name}"
            );
            assert!(
                html.contains(says),
                "{backend:?} {name}: message should say {says}"
            );
            assert!(
                html.contains(name),
                "{backend:?}: the message names the file {name}"
            );
            assert_eq!(
                counts(&t).await,
                before,
                "{backend:?} {name}: a row was written"
            );
            assert_eq!(
                t.app.files.keys().await.unwrap(),
                files_before,
                "{backend:?} {name}: a file was written"
            );
        }

        // A path in the name and Chinese characters: kept safely, under its own name only.
        let good = sample_jpeg(1200, 900);
        let (status, _) = inspector
            .upload(
                &path,
                &[("../../etc/现场 1.jpg", &good)],
                &[
                    ("device_latitude", "30.0"),
                    ("device_longitude", "120.0"),
                    ("device_time", "2020-01-01T02:00:00Z"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        let photos = inspections::photos(&t.app, "inspection", &id)
            .await
            .unwrap();
        assert_eq!(photos.len(), 1);
        let p = &photos[0];
        assert_eq!(p.original_name, "现场 1.jpg");
        assert_eq!(p.sha256, jianguan_files::photo::sha256_hex(&good));
        // Kept byte for byte, and a display copy and thumbnail beside it.
        assert_eq!(
            t.app
                .files
                .get(&format!("originals/{}", p.sha256))
                .await
                .unwrap(),
            good
        );
        assert_eq!(
            t.app.files.keys().await.unwrap().len(),
            files_before.len() + 3
        );
        // Far from the project (whose position the demo knows) and not taken that day.
        let flags: Vec<String> = serde_json::from_str(&p.flags).unwrap();
        assert!(flags.iter().any(|f| f.contains("距项目地点")), "{flags:?}");
        assert!(
            flags.iter().any(|f| f.contains("不是检查当天")),
            "{flags:?}"
        );
        let (status, html) = inspector.get(&format!("/inspections/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("距项目地点") && !html.contains("etc/"));
        let (status, _) = inspector.get(&format!("/photos/{}/thumb", p.id)).await;
        assert_eq!(status, StatusCode::OK);
    }
}

#[tokio::test]
async fn an_inspection_is_final_only_with_minutes_and_a_photo_and_then_locked() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let id = recorded(&t, &t.world.project_a, None).await;
        let inspector = Client::login(&t, "inspector").await;
        let (status, html) = inspector
            .form(&format!("/inspections/{id}/finalise"), &[])
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(html.contains("定稿前请填写会议记录") && html.contains("至少上传 1 张"));

        let fields = |minutes: &'static str| {
            vec![
                ("mode", "record"),
                ("project_id", t.world.project_a.as_str()),
                ("kind_construction", "on"),
                ("method_on_site", "on"),
                ("inspectors", "王检查，李检查"),
                ("minutes", minutes),
            ]
        };
        let today = t.app.today().to_string();
        let mut f = fields("听取汇报，查看现场，进度与计划一致。");
        f.push(("date", &today));
        let (status, _) = inspector.form(&format!("/inspections/{id}/edit"), &f).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _) = inspector
            .upload(
                &format!("/inspections/{id}/photos"),
                &[("a.jpg", &sample_jpeg(320, 240))],
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _) = inspector
            .form(&format!("/inspections/{id}/finalise"), &[])
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);

        // Locked: no edit, no more photos; a correction needs a reason and keeps the old one.
        let (status, _) = inspector.form(&format!("/inspections/{id}/edit"), &f).await;
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}");
        let (status, _) = inspector
            .upload(
                &format!("/inspections/{id}/photos"),
                &[("b.jpg", &sample_jpeg(320, 240))],
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        let mut c = fields("听取汇报，查看现场，进度与计划一致。补记：仓库消防设施待完善。");
        c.push(("date", &today));
        let (status, html) = inspector
            .form(&format!("/inspections/{id}/correct"), &c)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("请填写更正原因"));
        c.push(("reason", "漏记一项问题"));
        let (status, _) = inspector
            .form(&format!("/inspections/{id}/correct"), &c)
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let versions = inspections::versions(&t.app, &id).await.unwrap();
        assert_eq!(versions.len(), 1);
        assert!(
            versions[0].snapshot.contains("进度与计划一致。\"")
                && versions[0].reason == "漏记一项问题"
        );
        let (i, _) = inspections::get(&t.app, &actor_of(&t.app, "inspector").await, &id)
            .await
            .unwrap();
        assert!(
            i.minutes.unwrap().contains("补记") && i.status == "finalised" && i.photo_count == 1
        );
        // A viewer reads but cannot finalise; the trail verifies.
        let viewer = Client::login(&t, "viewer").await;
        assert_eq!(
            viewer.get(&format!("/inspections/{id}")).await.0,
            StatusCode::OK
        );
        assert_eq!(
            viewer
                .form(&format!("/inspections/{id}/finalise"), &[])
                .await
                .0,
            StatusCode::FORBIDDEN
        );
        let (_, history) = inspector.get(&format!("/inspections/{id}")).await;
        for step in ["记录检查", "修改", "定稿", "更正"] {
            assert!(history.contains(step), "{backend:?}: history lacks {step}");
        }
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

#[tokio::test]
async fn recording_the_inspections_due_drops_the_quota_warning() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let inspector = Client::login(&t, "inspector").await;
        let (_, docket) = inspector.get_json("/api/v1/docket?area=inspection").await;
        let warning = docket
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "inspection.construction_quota" && f["severity"] == "warning")
            .expect("the demo has a current construction quota warning")
            .clone();
        let project = warning["subject"]["project_id"]
            .as_str()
            .unwrap()
            .to_string();
        let key = warning["key"].as_str().unwrap().to_string();
        let today = t.app.today().to_string();
        let mut gone = false;
        for _ in 0..3 {
            let (status, _) = inspector
                .form(
                    "/inspections",
                    &[
                        ("mode", "record"),
                        ("project_id", &project),
                        ("date", &today),
                        ("kind_construction", "on"),
                        ("inspectors", "王检查，李检查"),
                        ("minutes", "检查建设进度。"),
                    ],
                )
                .await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
            let (_, now) = inspector.get_json("/api/v1/docket?area=inspection").await;
            if !now
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["key"] == key.as_str())
            {
                gone = true;
                break;
            }
        }
        assert!(
            gone,
            "{backend:?}: the warning {key} stayed after three inspections"
        );
    }
}

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
        let subs = rectification::submissions(&t.app, &order.id).await.unwrap();
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

#[tokio::test]
async fn only_the_responsible_person_decides_and_the_board_shows_only_public_decisions() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let inspector = actor_of(&t.app, "inspector").await;
        let propose = |kind: &str, project: Option<&str>| sanctions::SanctionInput {
            enterprise_id: t.world.enterprise_a.clone(),
            project_id: project.map(str::to_string),
            kind: kind.into(),
            facts: format!("测试事实：{kind}"),
            clause: "一（二）".into(),
            amount: (kind == "fund_recovery").then(|| "12000.50".into()),
            deadline: (kind == "fund_recovery")
                .then(|| (t.app.today() + chrono::Days::new(30)).to_string()),
        };
        let criticism = sanctions::propose(&t.app, &inspector, &propose("public_criticism", None))
            .await
            .unwrap();
        let notice = sanctions::propose(&t.app, &inspector, &propose("notice", None))
            .await
            .unwrap();
        let e = sanctions::propose(&t.app, &inspector, &propose("fund_recovery", None))
            .await
            .unwrap_err();
        assert!(
            matches!(e, jianguan_app::AppError::Validation(ref f) if f.get("project_id").is_some())
        );
        let recovery = sanctions::propose(
            &t.app,
            &inspector,
            &propose("fund_recovery", Some(&t.world.project_a)),
        )
        .await
        .unwrap();
        let anonymous = Client::anonymous(&t);
        let board = || async { anonymous.get("/notices").await.1 };
        assert!(
            !board().await.contains("测试事实"),
            "{backend:?}: a proposal is not public"
        );

        let ins = Client::login(&t, "inspector").await;
        let chief = Client::login(&t, "chief").await;
        let path = format!("/sanctions/{}/act", criticism.id);
        assert_eq!(
            ins.form(&path, &[("action", "decide")]).await.0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            chief.form(&path, &[("action", "decide")]).await.0,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            chief
                .form(
                    &format!("/sanctions/{}/act", notice.id),
                    &[("action", "decide")]
                )
                .await
                .0,
            StatusCode::SEE_OTHER
        );
        let b = board().await;
        assert!(b.contains("测试事实：public_criticism"), "{backend:?}");
        assert!(!b.contains("测试事实：notice"), "a notice is not published");
        // Withdrawn: still there, marked.
        assert_eq!(
            chief
                .form(&path, &[("action", "withdraw"), ("note", "")])
                .await
                .0,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            chief
                .form(&path, &[("action", "withdraw"), ("note", "复核后撤销")])
                .await
                .0,
            StatusCode::SEE_OTHER
        );
        let b = board().await;
        assert!(
            b.contains("测试事实：public_criticism")
                && b.contains("已撤销")
                && b.contains("复核后撤销")
        );
        assert_eq!(
            chief.form(&path, &[("action", "decide")]).await.0,
            StatusCode::CONFLICT
        );
        // A decided recovery becomes the recovery the rules follow.
        chief
            .form(
                &format!("/sanctions/{}/act", recovery.id),
                &[("action", "decide")],
            )
            .await;
        let r = jianguan_store::entity::fund_recovery::Entity::find()
            .all(t.app.store.reader())
            .await
            .unwrap();
        assert!(
            r.iter()
                .any(|r| r.amount_fen == 1_200_050 && r.project_id == t.world.project_a),
            "{backend:?}"
        );
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

#[tokio::test]
async fn contractors_see_only_their_own_final_evidence() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let contractor = Client::login(&t, "contractor").await;
        for v in ["thumb", "display", "original"] {
            assert_eq!(
                contractor
                    .get(&format!("/photos/{}/{v}", t.world.photo_b))
                    .await
                    .0,
                StatusCode::NOT_FOUND
            );
        }
        // Their own project's inspection: the photo shows once the record is final.
        let id = recorded(&t, &t.world.project_a, Some("记录")).await;
        let inspector = actor_of(&t.app, "inspector").await;
        let p = jianguan_app::evidence::upload(
            &t.app,
            &inspector,
            "inspection",
            &id,
            "a.png",
            sample_png(80, 60),
            Default::default(),
        )
        .await
        .unwrap();
        assert_eq!(
            contractor.get(&format!("/photos/{}/thumb", p.id)).await.0,
            StatusCode::NOT_FOUND
        );
        inspections::finalise(&t.app, &inspector, &id)
            .await
            .unwrap();
        let (status, _, headers) = contractor
            .get_with_headers(&format!("/photos/{}/original", p.id))
            .await;
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert_eq!(headers["content-type"], "image/png");
        assert!(
            headers["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment")
        );
        let (status, _) = Client::anonymous(&t)
            .get(&format!("/photos/{}/thumb", p.id))
            .await;
        assert_ne!(status, StatusCode::OK);
    }
}

use jianguan_store::sea::EntityTrait;

#[tokio::test]
async fn an_accident_stays_open_until_accountability_and_evaluations_move_the_project() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let inspector = Client::login(&t, "inspector").await;
        let chief = Client::login(&t, "chief").await;
        let project = &t.world.project_a;
        let base = format!("/projects/{project}");
        let today = t.app.today().to_string();
        let tomorrow = (t.app.today() + chrono::Days::new(1)).to_string();
        let (status, html) = inspector
            .form(
                &format!("{base}/incidents"),
                &[("date", &tomorrow), ("summary", "")],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(html.contains("事故日期不能晚于今天") && html.contains("请填写事故经过"));
        let (status, _) = inspector
            .form(
                &format!("{base}/incidents"),
                &[
                    ("date", &today),
                    ("summary", "冷库制冷故障，一批鲜果变质。"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let open = |list: &serde_json::Value| {
            list.as_array().unwrap().iter().any(|f| {
                f["rule"] == "operations.incident_open"
                    && f["subject"]["name"] == "冷库制冷故障，一批鲜果变质。"
            })
        };
        // Open from the day after (a grace of one day is the rule's own).
        let inspector_actor = actor_of(&t.app, "inspector").await;
        let later =
            jianguan_app::docket::evaluate(&t.app, "141122", t.app.today() + chrono::Days::new(2))
                .await
                .unwrap();
        assert!(
            later.iter().any(|f| f.rule == "operations.incident_open"
                && f.subject.name == "冷库制冷故障，一批鲜果变质。"),
            "{backend:?}"
        );
        let incident = jianguan_app::oversight::incidents(&t.app, &inspector_actor, project)
            .await
            .unwrap()
            .into_iter()
            .find(|i| i.summary == "冷库制冷故障，一批鲜果变质。")
            .unwrap();
        assert_eq!(
            inspector
                .form(
                    &format!("/incidents/{}/decide", incident.id),
                    &[("decision", "x")]
                )
                .await
                .0,
            StatusCode::FORBIDDEN
        );
        let (status, _) = chief
            .form(
                &format!("/incidents/{}/decide", incident.id),
                &[("decision", "对企业负责人约谈并通报。")],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let after =
            jianguan_app::docket::evaluate(&t.app, "141122", t.app.today() + chrono::Days::new(2))
                .await
                .unwrap();
        assert!(!after.iter().any(|f| f.rule == "operations.incident_open"
            && f.subject.name == "冷库制冷故障，一批鲜果变质。"));
        let (_, list) = inspector.get_json("/api/v1/docket").await;
        assert!(!open(&list));

        // Evaluation: only the responsible person; "accept" needs every requirement met.
        let p = jianguan_app::records::project(&t.app, &inspector_actor, project)
            .await
            .unwrap();
        let n = serde_json::from_str::<Vec<serde_json::Value>>(&p.targets)
            .unwrap()
            .len();
        assert!(n >= 1, "the demo project has construction requirements");
        let mut fields: Vec<(String, String)> = vec![
            ("date".into(), today.clone()),
            ("outcome".into(), "accept".into()),
        ];
        for k in 0..n {
            fields.push((
                format!("target_{k}"),
                if k == 0 {
                    "partly".into()
                } else {
                    "met".into()
                },
            ));
        }
        let as_refs = |f: &Vec<(String, String)>| {
            f.iter()
                .map(|(a, b)| (a.clone(), b.clone()))
                .collect::<Vec<_>>()
        };
        let path = format!("{base}/evaluations");
        assert_eq!(
            post(&inspector, &path, &as_refs(&fields)).await.0,
            StatusCode::FORBIDDEN
        );
        let (status, html) = post(&chief, &path, &as_refs(&fields)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("尚有建设要求未完成"), "{backend:?}");
        // Rectify with a deadline: an order goes to the contractor; the project stays.
        fields[1].1 = "rectify".into();
        let (status, html) = post(&chief, &path, &as_refs(&fields)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("限期整改请填写整改期限"));
        let mut with_deadline = as_refs(&fields);
        with_deadline.push(("deadline".into(), tomorrow.clone()));
        assert_eq!(
            post(&chief, &path, &with_deadline).await.0,
            StatusCode::SEE_OTHER
        );
        let orders =
            jianguan_app::rectification::list(&t.app, &actor_of(&t.app, "contractor").await, true)
                .await
                .unwrap();
        assert!(
            orders
                .iter()
                .any(|o| o.title == "绩效评价限期整改" && o.requirements.contains("部分完成")),
            "{backend:?}"
        );
        // All met and accepted: the project is accepted and its supervision closes.
        for f in fields.iter_mut().filter(|f| f.0.starts_with("target_")) {
            f.1 = "met".into();
        }
        fields[1].1 = "accept".into();
        assert_eq!(
            post(&chief, &path, &as_refs(&fields)).await.0,
            StatusCode::SEE_OTHER
        );
        let p = jianguan_app::records::project(&t.app, &inspector_actor, project)
            .await
            .unwrap();
        assert_eq!(
            (p.status.as_str(), p.closed_on),
            ("accepted", Some(t.app.today())),
            "{backend:?}"
        );
        let (_, page) = inspector.get(&format!("{base}/oversight")).await;
        assert!(page.contains("通过验收，拨付资金") && page.contains("限期整改"));
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

/// How many inspectors a visit needs is the profile's (two in Jiaocheng), not the code's.
#[tokio::test]
async fn planning_asks_for_the_profiles_number_of_inspectors() {
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let inspector = actor_of(&t.app, "inspector").await;
    let tomorrow = (t.app.today() + chrono::Days::new(1)).to_string();
    let plan = |names: &[&str]| InspectionInput {
        project_id: t.world.project_a.clone(),
        kinds: vec!["construction".into()],
        date: tomorrow.clone(),
        inspectors: names.iter().map(|n| n.to_string()).collect(),
        ..Default::default()
    };
    let e = inspections::plan(&t.app, &inspector, &plan(&["王检查"]), FieldErrors::new())
        .await
        .unwrap_err();
    assert!(
        matches!(e, jianguan_app::AppError::Validation(ref f) if f.get("inspectors").unwrap().contains("2 名"))
    );
    inspections::plan(
        &t.app,
        &inspector,
        &plan(&["王检查", "李检查"]),
        FieldErrors::new(),
    )
    .await
    .unwrap();
    let mut profile = (*t.app.profile).clone();
    profile.thresholds.inspectors_per_inspection = 3;
    let strict = t.app.clone().with_profile(profile);
    let e = inspections::plan(
        &strict,
        &inspector,
        &plan(&["王检查", "李检查"]),
        FieldErrors::new(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(e, jianguan_app::AppError::Validation(ref f) if f.get("inspectors").unwrap().contains("3 名"))
    );
}

/// The docket filtered by an inspector shows the findings of the projects they inspect.
#[tokio::test]
async fn the_docket_filters_by_inspector() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let inspector = actor_of(&t.app, "inspector").await;
        let tomorrow = (t.app.today() + chrono::Days::new(1)).to_string();
        inspections::plan(
            &t.app,
            &inspector,
            &InspectionInput {
                project_id: t.world.project_a.clone(),
                kinds: vec!["operations".into()],
                date: tomorrow,
                inspectors: vec!["赵新人".into(), "钱新人".into()],
                ..Default::default()
            },
            FieldErrors::new(),
        )
        .await
        .unwrap();
        let c = Client::login(&t, "inspector").await;
        let (status, mine) = c
            .get_json(&format!(
                "/api/v1/docket?inspector={}",
                common::urlencode("赵新人")
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        let mine = mine.as_array().unwrap();
        assert!(!mine.is_empty(), "{backend:?}: project A has findings");
        assert!(
            mine.iter()
                .all(|f| f["subject"]["project_id"] == t.world.project_a.as_str())
        );
        let (status, err) = c
            .get_json(&format!(
                "/api/v1/docket?inspector={}",
                common::urlencode("无此人")
            ))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            err["fields"]["inspector"]
                .as_str()
                .unwrap()
                .contains("无此人")
        );
        let (_, html) = c.get("/docket").await;
        assert!(
            html.contains("<option value=\"赵新人\">赵新人</option>"),
            "{backend:?}: the page offers the name"
        );
    }
}

/// The same workflow over the JSON API: structured errors, nothing changed on bad input.
#[tokio::test]
async fn the_workflow_over_the_api() {
    use axum::http::Method;
    use serde_json::json;
    for backend in backends() {
        let t = seeded_router(backend).await;
        let inspector = Client::login(&t, "inspector").await;
        let today = t.app.today().to_string();
        let (status, i) = inspector
            .json(
                Method::POST,
                "/api/v1/inspections",
                json!({"project_id": t.world.project_a, "kinds": ["operations"], "date": today,
                       "methods": ["on_site"], "inspectors": ["甲", "乙"], "minutes": "查看运营台账。",
                       "standards": {"operation": {"result": "fail", "note": "台账不全"}}}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{backend:?} {i}");
        let id = i["id"].as_str().unwrap().to_string();
        assert_eq!(i["standards"]["operation"]["note"], "台账不全");
        let (status, e) = inspector
            .json(
                Method::POST,
                &format!("/api/v1/inspections/{id}/finalise"),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            e["fields"]["photos"].as_str().unwrap().contains("至少上传"),
            "{e}"
        );
        let before = counts(&t).await;
        let (status, e) = inspector
            .raw(
                Method::POST,
                &format!("/api/v1/inspections/{id}/photos?name=a.svg"),
                "image/svg+xml",
                b"<svg/>".to_vec(),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"], "validation_failed", "{e}");
        assert!(
            e["fields"]["photo"].as_str().unwrap().contains("JPEG"),
            "{e}"
        );
        assert_eq!(counts(&t).await, before, "{backend:?}: nothing written");
        let (status, p) = inspector
            .raw(
                Method::POST,
                &format!("/api/v1/inspections/{id}/photos?name={}&device_latitude=37.5&device_longitude=112.1", common::urlencode("台账.jpg")),
                "image/jpeg",
                sample_jpeg(400, 300),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{p}");
        assert_eq!(
            (p["name"].as_str(), p["width"].as_i64()),
            (Some("台账.jpg"), Some(400))
        );
        let (status, done) = inspector
            .json(
                Method::POST,
                &format!("/api/v1/inspections/{id}/finalise"),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            (
                done["status"].as_str(),
                done["photos"].as_array().unwrap().len()
            ),
            (Some("finalised"), 1)
        );
        let (status, _) = inspector
            .json(
                Method::PUT,
                &format!("/api/v1/inspections/{id}"),
                json!({"project_id": t.world.project_a, "kinds": ["operations"], "date": today}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);

        // An order over the API, answered and reviewed.
        let contractor = Client::login(&t, "contractor").await;
        let (status, o) = inspector
            .json(Method::POST, "/api/v1/orders", json!({"project_id": t.world.project_a, "title": "补齐运营台账", "requirements": "补齐台账。", "deadline": today, "source": format!("inspection:{id}")}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{o}");
        let oid = o["id"].as_str().unwrap().to_string();
        let (status, o) = contractor
            .json(
                Method::POST,
                &format!("/api/v1/orders/{oid}/submit"),
                json!({"text": "已补齐。"}),
            )
            .await;
        assert_eq!(
            (status, o["state"].as_str()),
            (StatusCode::OK, Some("submitted"))
        );
        let (status, e) = inspector
            .json(
                Method::POST,
                &format!("/api/v1/orders/{oid}/review"),
                json!({"accept": false}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(e["fields"]["note"].is_string());
        let (status, o) = inspector
            .json(
                Method::POST,
                &format!("/api/v1/orders/{oid}/review"),
                json!({"accept": true}),
            )
            .await;
        assert_eq!(
            (status, o["state"].as_str()),
            (StatusCode::OK, Some("accepted"))
        );
        assert_eq!(o["submissions"].as_array().unwrap().len(), 1);

        // A sanction: proposed by the inspector, decided by the chief, on the public API.
        let chief = Client::login(&t, "chief").await;
        let (status, sn) = inspector
            .json(Method::POST, "/api/v1/sanctions", json!({"enterprise_id": t.world.enterprise_a, "kind": "public_criticism", "facts": "API 测试：未按期整改。", "clause": "一（二）"}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{sn}");
        let sid = sn["id"].as_str().unwrap().to_string();
        let (status, _) = inspector
            .json(
                Method::POST,
                &format!("/api/v1/sanctions/{sid}/act"),
                json!({"action": "decide"}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (_, board) = Client::anonymous(&t).get_json("/api/v1/notices").await;
        assert!(!board.to_string().contains("API 测试"));
        let (status, sn) = chief
            .json(
                Method::POST,
                &format!("/api/v1/sanctions/{sid}/act"),
                json!({"action": "decide"}),
            )
            .await;
        assert_eq!(
            (status, sn["state"].as_str()),
            (StatusCode::OK, Some("decided"))
        );
        let (status, board) = Client::anonymous(&t).get_json("/api/v1/notices").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            board.to_string().contains("API 测试：未按期整改。"),
            "{backend:?}"
        );
        // Contractors see their own decided sanctions, never another's.
        let (_, mine) = contractor.get_json("/api/v1/sanctions").await;
        assert!(mine.as_array().unwrap().iter().all(|x| x["enterprise_id"]
            == t.world.enterprise_a.as_str()
            && x["state"] != "proposed"));
    }
}

/// A fresh project of enterprise A, under construction this year, with no reports yet.
async fn fresh_project(t: &common::TestRouter) -> String {
    let admin = actor_of(&t.app, "admin").await;
    let today = t.app.today();
    jianguan_app::records::create_project(
        &t.app,
        &admin,
        None,
        &jianguan_domain::project::ProjectInput {
            name: "新建冷链仓储项目".into(),
            programme_id: t.world.programme_x.clone(),
            enterprise_id: t.world.enterprise_a.clone(),
            system: "logistics".into(),
            township: "天宁镇".into(),
            central_funds_fen: Some(50_000_000),
            construction_start: (today - chrono::Days::new(120)).to_string(),
            construction_end: (today + chrono::Days::new(120)).to_string(),
            targets: vec![jianguan_domain::project::Target {
                name: "冷库".into(),
                quantity: 1,
                unit: "座".into(),
            }],
            ..Default::default()
        },
        FieldErrors::new(),
    )
    .await
    .unwrap()
    .id
}

#[tokio::test]
async fn plans_and_reports_are_handed_in_reviewed_and_corrected() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let project = fresh_project(&t).await;
        let base = format!("/projects/{project}");
        let contractor = Client::login(&t, "contractor").await;
        let other = Client::login(&t, "contractor2").await;
        let inspector = Client::login(&t, "inspector").await;
        let today = t.app.today();
        let start = (today - chrono::Days::new(120)).to_string();
        let mid = (today - chrono::Days::new(30)).to_string();
        let end = (today + chrono::Days::new(120)).to_string();

        // The plan: bad lines named, then a good one awaiting review.
        let (status, html) = contractor
            .form(
                &format!("{base}/plans"),
                &[("effective_from", &start), ("milestones", "三月底 30\n")],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(html.contains("第 1 行"));
        let lines = format!("{mid} 40 主体完工\n{end} 100 竣工");
        assert_eq!(
            other
                .form(
                    &format!("{base}/plans"),
                    &[("effective_from", &start), ("milestones", &lines)]
                )
                .await
                .0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            inspector
                .form(
                    &format!("{base}/plans"),
                    &[("effective_from", &start), ("milestones", &lines)]
                )
                .await
                .0,
            StatusCode::FORBIDDEN
        );
        let (status, _) = contractor
            .form(
                &format!("{base}/plans"),
                &[("effective_from", &start), ("milestones", &lines)],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _) = contractor
            .form(
                &format!("{base}/plans"),
                &[("effective_from", &start), ("milestones", &lines)],
            )
            .await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "one version at a time under review"
        );
        let queue = jianguan_app::reporting::queue(&t.app, &actor_of(&t.app, "inspector").await)
            .await
            .unwrap();
        let plan_review = queue
            .iter()
            .find(|r| r.project_id == project && r.kind == "progress_plan")
            .unwrap()
            .id
            .clone();
        // The contractor cannot approve its own plan.
        assert_eq!(
            contractor
                .form(
                    &format!("/reviews/{plan_review}"),
                    &[("verdict", "approved")]
                )
                .await
                .0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            inspector
                .form(
                    &format!("/reviews/{plan_review}"),
                    &[("verdict", "approved")]
                )
                .await
                .0,
            StatusCode::SEE_OTHER
        );
        let plans =
            jianguan_app::reporting::plans(&t.app, &actor_of(&t.app, "contractor").await, &project)
                .await
                .unwrap();
        assert_eq!(plans.last().unwrap().status, "approved", "{backend:?}");

        // Reports: a future month, a percent over 100 or going down without a reason, refused.
        let this_month = today.format("%Y-%m").to_string();
        let last_month = (today - chrono::Months::new(1)).format("%Y-%m").to_string();
        let next_month = (today + chrono::Months::new(1)).format("%Y-%m").to_string();
        let report = |month: &str, pc: &str, why: &str| {
            vec![
                ("month".to_string(), month.to_string()),
                ("cumulative_percent".into(), pc.into()),
                ("narrative".into(), "完成冷库主体。".into()),
                ("explanation".into(), why.into()),
            ]
        };
        let path = format!("{base}/reports");
        let (status, html) = post(&contractor, &path, &report(&next_month, "30", "")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("将来的月份"));
        let (status, html) = post(&contractor, &path, &report(&last_month, "120", "")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("0 到 100"));
        assert_eq!(
            post(&contractor, &path, &report(&last_month, "35", ""))
                .await
                .0,
            StatusCode::SEE_OTHER
        );
        let (status, html) = post(&contractor, &path, &report(&this_month, "30", "")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("比上次报告（35%）低"), "{backend:?}");
        assert_eq!(
            post(
                &contractor,
                &path,
                &report(&this_month, "30", "上月多报，已核减")
            )
            .await
            .0,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            post(&contractor, &path, &report(&this_month, "40", ""))
                .await
                .0,
            StatusCode::CONFLICT,
            "already reported"
        );

        // The inspector marks this month's "has issues"; the contractor corrects; approved.
        let queue = jianguan_app::reporting::queue(&t.app, &actor_of(&t.app, "inspector").await)
            .await
            .unwrap();
        let this_review = queue
            .iter()
            .filter(|r| r.project_id == project && r.kind == "progress_report")
            .max_by_key(|r| r.submitted_at)
            .unwrap()
            .id
            .clone();
        assert_eq!(
            inspector
                .form(
                    &format!("/reviews/{this_review}"),
                    &[("verdict", "has_issues"), ("note", "")]
                )
                .await
                .0,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            inspector
                .form(
                    &format!("/reviews/{this_review}"),
                    &[("verdict", "has_issues"), ("note", "请附上冷库照片")]
                )
                .await
                .0,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            inspector
                .form(
                    &format!("/reviews/{this_review}"),
                    &[("verdict", "approved")]
                )
                .await
                .0,
            StatusCode::CONFLICT
        );
        let (_, notes) = contractor.get("/notifications").await;
        assert!(notes.contains("请附上冷库照片"));
        assert_eq!(
            post(
                &contractor,
                &path,
                &report(&this_month, "38", "上月多报，已核减")
            )
            .await
            .0,
            StatusCode::SEE_OTHER
        );
        let reports = jianguan_app::reporting::reports(
            &t.app,
            &actor_of(&t.app, "contractor").await,
            &project,
        )
        .await
        .unwrap();
        let this: Vec<_> = reports
            .iter()
            .filter(|r| r.month.format("%Y-%m").to_string() == this_month)
            .collect();
        assert_eq!(this.len(), 2, "both versions kept");
        assert!(
            this.iter()
                .any(|r| r.voided_at.is_some()
                    && r.void_reason.as_deref() == Some("已由第 2 版替代"))
        );
        // A photo attached to the corrected report, through the same pipeline.
        let v2 = reports
            .iter()
            .find(|r| r.voided_at.is_none() && r.month.format("%Y-%m").to_string() == this_month)
            .unwrap();
        let (status, _) = contractor
            .upload(
                &format!("/progress-reports/{}/photos", v2.id),
                &[("冷库.jpg", &sample_jpeg(320, 240))],
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(
            other
                .upload(
                    &format!("/progress-reports/{}/photos", v2.id),
                    &[("x.jpg", &sample_jpeg(8, 8))],
                    &[]
                )
                .await
                .0,
            StatusCode::NOT_FOUND
        );
        // Written material as PDF: kept as it is, offered as a download; a cut-off one refused.
        let pdf = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec();
        let before = counts(&t).await;
        let (status, html) = contractor
            .upload(
                &format!("/progress-reports/{}/photos", v2.id),
                &[("说明.pdf", &pdf[..20])],
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(html.contains("PDF 文件不完整"));
        assert_eq!(counts(&t).await, before);
        let (status, _) = contractor
            .upload(
                &format!("/progress-reports/{}/photos", v2.id),
                &[("说明.pdf", &pdf)],
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, page) = inspector.get(&format!("{base}/progress")).await;
        assert!(
            page.contains("/photos/"),
            "{backend:?}: the attachment shows"
        );
        assert!(page.contains("说明.pdf（PDF）"));
        let pdf_row = jianguan_app::inspections::photos(&t.app, "progress_report", &v2.id)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.content_type == "application/pdf")
            .unwrap();
        let (status, body, _) = inspector
            .get_bytes(&format!("/photos/{}/original", pdf_row.id))
            .await;
        assert_eq!((status, body), (StatusCode::OK, pdf.clone()));
        assert_eq!(
            inspector
                .get(&format!("/photos/{}/thumb", pdf_row.id))
                .await
                .0,
            StatusCode::NOT_FOUND
        );
        assert!(
            page.contains("data-series=\"planned\"") && page.contains("data-series=\"actual\""),
            "{backend:?}: the S-curve"
        );
        assert!(page.contains("第 2 版") && page.contains("请附上冷库照片"));
        assert_eq!(
            other.get(&format!("{base}/progress")).await.0,
            StatusCode::NOT_FOUND
        );
        let (_, q) = inspector.get("/reviews").await;
        assert!(
            q.contains("新建冷链仓储项目"),
            "the queue lists what awaits review"
        );
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

/// The contractor's home: its projects, overdue and due items, open orders, reviews.
#[tokio::test]
async fn the_contractor_home_shows_what_is_due_and_open() {
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let inspector = actor_of(&t.app, "inspector").await;
    rectification::issue(
        &t.app,
        &inspector,
        &rectification::OrderInput {
            project_id: t.world.project_a.clone(),
            title: "首页可见的整改".into(),
            requirements: "补充材料。".into(),
            deadline: (t.app.today() + chrono::Days::new(5)).to_string(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let contractor = Client::login(&t, "contractor").await;
    let (status, html) = contractor.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-testid=\"contractor-home\""));
    assert!(
        html.contains("首页可见的整改") && html.contains("已逾期（") && html.contains("本月应办（")
    );
    let a = actor_of(&t.app, "contractor").await;
    for p in jianguan_app::inspections::projects(&t.app, &a)
        .await
        .unwrap()
    {
        assert!(html.contains(&p.name), "own project {} listed", p.name);
    }
    assert!(
        !html.contains("交城县顺通物流有限公司"),
        "not another enterprise's"
    );
    let (_, staff) = Client::login(&t, "inspector").await.get("/").await;
    assert!(!staff.contains("data-testid=\"contractor-home\""));
}

/// The month's operating data: the XLSX template down and up again, every cell problem
/// named and nothing saved, unusual figures confirmed, then reviewed and corrected.
#[tokio::test]
async fn operating_data_through_the_template_reviewed_and_corrected() {
    use rust_xlsxwriter::Workbook;
    for backend in backends() {
        let t = seeded_router(backend).await;
        let contractor = Client::login(&t, "contractor").await;
        let inspector = Client::login(&t, "inspector").await;
        let a = actor_of(&t.app, "contractor").await;
        // The month after the latest one reported (this month, or last month early in a
        // month before its report is due), compared with that latest report's figures.
        let latest = jianguan_app::reporting::data_reports(&t.app, &a)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.voided_at.is_none())
            .max_by_key(|r| r.month)
            .expect("the demo has data reports");
        let month = (latest.month + chrono::Months::new(1))
            .format("%Y-%m")
            .to_string();
        let last: std::collections::BTreeMap<String, i64> =
            serde_json::from_str(&latest.figures).unwrap();
        let (status, bytes, headers) = contractor
            .get_bytes(&format!("/data-reports/template?month={month}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .contains("spreadsheetml")
        );
        let template = jianguan_documents::xlsx::read(&bytes).unwrap();
        assert_eq!(template.month, month);
        let metrics = jianguan_app::reporting::metrics_for(&t.app, &a)
            .await
            .unwrap();
        assert_eq!(template.values.len(), metrics.len());
        assert!(!metrics.is_empty());
        let fill = |times: i64, text_in: Option<usize>| {
            let mut wb = Workbook::new();
            let ws = wb.add_worksheet();
            ws.set_name(jianguan_documents::xlsx::SHEET).unwrap();
            ws.write_string(0, 0, "报送月份").unwrap();
            ws.write_string(0, 1, &month).unwrap();
            for (i, m) in metrics.iter().enumerate() {
                let r = i as u32 + 2;
                ws.write_string(r, 0, &m.code).unwrap();
                let base = last.get(&m.code).copied().unwrap_or(100).max(1) * times;
                let v = if m.is_money() {
                    base as f64 / 100.0
                } else {
                    base as f64
                };
                if text_in == Some(i) {
                    ws.write_string(r, 3, "约一千").unwrap();
                } else {
                    ws.write_number(r, 3, v).unwrap();
                }
            }
            wb.save_to_buffer().unwrap()
        };
        let before = counts(&t).await;
        let (status, html) = contractor
            .upload_as(
                "/data-reports/upload",
                "file",
                &[("数据.xlsx", &fill(1, Some(0)))],
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(
            html.contains("D3 单元格") && html.contains("“约一千”不是数字"),
            "{backend:?}"
        );
        let (status, html) = contractor
            .upload_as(
                "/data-reports/upload",
                "file",
                &[("数据.pdf", b"%PDF-1.4")],
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("不是 Excel 工作簿"));
        assert_eq!(counts(&t).await, before, "{backend:?}: nothing saved");

        // Ten times last month: shown back for confirmation, then confirmed with a reason.
        let (status, html) = contractor
            .upload_as(
                "/data-reports/upload",
                "file",
                &[("数据.xlsx", &fill(10, None))],
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("变化异常") && html.contains("确认数据无误"),
            "{backend:?}"
        );
        assert_eq!(counts(&t).await, before);
        let mut form: Vec<(String, String)> = vec![
            ("month".into(), month.clone()),
            ("confirm".into(), "on".into()),
            ("explanation".into(), "双十一促销".into()),
        ];
        for m in &metrics {
            let base = last.get(&m.code).copied().unwrap_or(100).max(1) * 10;
            let v = if m.is_money() {
                format!("{:.2}", base as f64 / 100.0)
            } else {
                base.to_string()
            };
            form.push((format!("fig_{}", m.code), v));
        }
        assert_eq!(
            post(&contractor, "/data-reports", &form).await.0,
            StatusCode::SEE_OTHER,
            "{backend:?}"
        );
        assert_eq!(
            post(&contractor, "/data-reports", &form).await.0,
            StatusCode::CONFLICT,
            "one report a month"
        );

        // Has issues → corrected → approved; both versions kept.
        let queue = jianguan_app::reporting::queue(&t.app, &actor_of(&t.app, "inspector").await)
            .await
            .unwrap();
        let r1 = queue
            .iter()
            .find(|r| r.kind == "data_report")
            .unwrap()
            .id
            .clone();
        let (status, _) = inspector
            .form(
                &format!("/reviews/{r1}"),
                &[
                    ("verdict", "has_issues"),
                    ("note", "零售额与平台后台不符"),
                    ("back", "/data-reports"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, page) = contractor.get("/data-reports").await;
        assert!(page.contains("零售额与平台后台不符"));
        assert_eq!(
            post(&contractor, "/data-reports", &form).await.0,
            StatusCode::SEE_OTHER,
            "a corrected version"
        );
        let queue = jianguan_app::reporting::queue(&t.app, &actor_of(&t.app, "inspector").await)
            .await
            .unwrap();
        let r2 = queue
            .iter()
            .find(|r| r.kind == "data_report")
            .unwrap()
            .clone();
        assert_eq!(r2.version, 2);
        assert_eq!(
            inspector
                .form(
                    &format!("/reviews/{}", r2.id),
                    &[("verdict", "approved"), ("back", "/data-reports")]
                )
                .await
                .0,
            StatusCode::SEE_OTHER
        );
        let mine = jianguan_app::reporting::data_reports(&t.app, &a)
            .await
            .unwrap();
        let this: Vec<_> = mine
            .iter()
            .filter(|r| r.month.format("%Y-%m").to_string() == month)
            .collect();
        assert_eq!(this.len(), 2, "{backend:?}: both versions kept");
        // Another enterprise's contractor sees none of it.
        let (_, other) = Client::login(&t, "contractor2")
            .await
            .get("/data-reports")
            .await;
        assert!(!other.contains("零售额与平台后台不符"));
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

/// A decided fund recovery takes repayments until nothing is owed, never more.
#[tokio::test]
async fn a_fund_recovery_records_repayments_up_to_what_is_owed() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let inspector = actor_of(&t.app, "inspector").await;
        let today = t.app.today();
        let r = sanctions::propose(
            &t.app,
            &inspector,
            &sanctions::SanctionInput {
                enterprise_id: t.world.enterprise_a.clone(),
                project_id: Some(t.world.project_a.clone()),
                kind: "fund_recovery".into(),
                facts: "虚报冒领补助资金。".into(),
                clause: "一（二）".into(),
                amount: Some("12000.50".into()),
                deadline: Some((today + chrono::Days::new(30)).to_string()),
            },
        )
        .await
        .unwrap();
        let ins = Client::login(&t, "inspector").await;
        let chief = Client::login(&t, "chief").await;
        let path = format!("/sanctions/{}/repayments", r.id);
        // Not decided yet: nothing to repay.
        assert_eq!(
            ins.form(&path, &[("date", &today.to_string()), ("amount", "1")])
                .await
                .0,
            StatusCode::CONFLICT
        );
        chief
            .form(&format!("/sanctions/{}/act", r.id), &[("action", "decide")])
            .await;
        let tomorrow = (today + chrono::Days::new(1)).to_string();
        let (status, html) = ins
            .form(&path, &[("date", &tomorrow), ("amount", "100")])
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(html.contains("不能晚于今天"));
        let (status, html) = ins
            .form(&path, &[("date", &today.to_string()), ("amount", "20000")])
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("超过尚未追回的"));
        assert_eq!(
            ins.form(&path, &[("date", &today.to_string()), ("amount", "5000")])
                .await
                .0,
            StatusCode::SEE_OTHER
        );
        let (_, page) = ins.get(&format!("/sanctions/{}", r.id)).await;
        assert!(
            page.contains("7,000.50") || page.contains("7000.50"),
            "{backend:?}: owed shown"
        );
        assert_eq!(
            ins.form(
                &path,
                &[("date", &today.to_string()), ("amount", "7000.50")]
            )
            .await
            .0,
            StatusCode::SEE_OTHER
        );
        let rec = sanctions::recovery(&t.app, &inspector, &r.id)
            .await
            .unwrap()
            .unwrap();
        let paid: Vec<jianguan_domain::rules::facts::Repayment> =
            serde_json::from_str(&rec.repayments).unwrap();
        assert_eq!(paid.iter().map(|p| p.amount_fen).sum::<i64>(), 1_200_050);
        assert_eq!(
            ins.form(&path, &[("date", &today.to_string()), ("amount", "0.01")])
                .await
                .0,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        let contractor = Client::login(&t, "contractor").await;
        assert_eq!(
            contractor
                .form(&path, &[("date", &today.to_string()), ("amount", "1")])
                .await
                .0,
            StatusCode::FORBIDDEN
        );
    }
}

/// The photo size limit and the distance that flags a photo are settings, not constants.
#[tokio::test]
async fn photo_limits_follow_the_settings() {
    let mut t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let mut photos = jianguan_app::evidence::PhotoSettings::default();
    photos.limits.max_bytes = 1024 * 1024;
    photos.max_distance_m = 50_000_000.0;
    let app = t.app.clone().with_photos(photos);
    t.set_app(app);
    let id = recorded(&t, &t.world.project_a, Some("记录")).await;
    let inspector = Client::login(&t, "inspector").await;
    let mut big = vec![0xFF, 0xD8, 0xFF, 0xE0];
    big.resize(2 * 1024 * 1024, 0);
    let (status, html) = inspector
        .upload(
            &format!("/inspections/{id}/photos"),
            &[("大.jpg", &big)],
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("不能超过 1 MB"),
        "the configured limit is named"
    );
    // 50,000 km: nothing on Earth is that far, so no distance flag.
    let (status, _) = inspector
        .upload(
            &format!("/inspections/{id}/photos"),
            &[("a.jpg", &sample_jpeg(64, 64))],
            &[("device_latitude", "30.0"), ("device_longitude", "120.0")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let p = inspections::photos(&t.app, "inspection", &id)
        .await
        .unwrap();
    let flags: Vec<String> = serde_json::from_str(&p[0].flags).unwrap();
    assert!(!flags.iter().any(|f| f.contains("距项目地点")), "{flags:?}");
}

/// The enterprise keeps its licences: validated, a blank end date meaning long-term, with
/// a scan through the photo pipeline; only the enterprise itself records them.
#[tokio::test]
async fn contractors_keep_their_licences_current() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let contractor = Client::login(&t, "contractor").await;
        let (status, html) = contractor
            .form(
                "/licences",
                &[
                    ("kind", "fishing"),
                    ("number", ""),
                    ("valid_from", "2026-05-01"),
                    ("valid_to", "2026-01-01"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(
            html.contains("请选择证照类型")
                && html.contains("请填写证照编号")
                && html.contains("不能早于有效期起")
        );
        let (status, _) = contractor
            .form(
                "/licences",
                &[
                    ("kind", "food_business"),
                    ("number", "JY11411220001"),
                    ("valid_from", "2025-01-01"),
                    ("valid_to", ""),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let a = actor_of(&t.app, "contractor").await;
        let l = jianguan_app::reporting::licences(&t.app, &a)
            .await
            .unwrap()
            .into_iter()
            .find(|l| l.number == "JY11411220001")
            .unwrap();
        assert_eq!(l.valid_to, None, "blank means valid without limit");
        let (status, _) = contractor
            .upload(
                &format!("/licences/{}/scans", l.id),
                &[("执照.jpg", &sample_jpeg(300, 200))],
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, page) = contractor.get("/licences").await;
        assert!(
            page.contains("食品经营许可证")
                && page.contains("起长期有效")
                && page.contains("/photos/")
        );
        // Another contractor cannot attach to it; an inspector only reads.
        let other = Client::login(&t, "contractor2").await;
        assert_eq!(
            other
                .upload(
                    &format!("/licences/{}/scans", l.id),
                    &[("x.jpg", &sample_jpeg(10, 10))],
                    &[]
                )
                .await
                .0,
            StatusCode::NOT_FOUND
        );
        let inspector = Client::login(&t, "inspector").await;
        let (_, staff) = inspector.get("/licences").await;
        assert!(staff.contains("JY11411220001"));
        // Reviewed like every submission: sent back with a note, which the contractor sees.
        let review = jianguan_app::reporting::latest_review(&t.app, &l.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(review.state, "submitted");
        let (_, queue) = inspector.get("/reviews").await;
        assert!(queue.contains("证照（第 1 版）"), "{backend:?}");
        assert_eq!(
            inspector
                .form(
                    &format!("/reviews/{}", review.id),
                    &[("verdict", "has_issues"), ("note", "")]
                )
                .await
                .0,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            inspector
                .form(
                    &format!("/reviews/{}", review.id),
                    &[("verdict", "has_issues"), ("note", "扫描件不清晰")]
                )
                .await
                .0,
            StatusCode::SEE_OTHER
        );
        let (_, mine) = contractor.get("/licences").await;
        assert!(
            mine.contains("有问题，待修改") && mine.contains("扫描件不清晰"),
            "{backend:?}"
        );
        assert_eq!(
            inspector
                .form(
                    "/licences",
                    &[
                        ("kind", "hygiene"),
                        ("number", "x"),
                        ("valid_from", "2025-01-01")
                    ]
                )
                .await
                .0,
            StatusCode::FORBIDDEN
        );
    }
}

/// Training classes of leader-training projects, entered by the contractor, with the
/// roster as XLSX: problems named and nothing saved; the roster sets who came.
#[tokio::test]
async fn training_classes_with_their_roster() {
    use rust_xlsxwriter::Workbook;
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let admin = actor_of(&t.app, "admin").await;
    let today = t.app.today();
    let project = jianguan_app::records::create_project(
        &t.app,
        &admin,
        None,
        &jianguan_domain::project::ProjectInput {
            name: "电商带头人培训".into(),
            programme_id: t.world.programme_x.clone(),
            enterprise_id: t.world.enterprise_a.clone(),
            system: "leader_training".into(),
            township: "天宁镇".into(),
            central_funds_fen: Some(1_000_000),
            construction_start: (today - chrono::Days::new(30)).to_string(),
            construction_end: (today + chrono::Days::new(200)).to_string(),
            targets: vec![jianguan_domain::project::Target {
                name: "培训".into(),
                quantity: 500,
                unit: "人次".into(),
            }],
            ..Default::default()
        },
        FieldErrors::new(),
    )
    .await
    .unwrap();
    let contractor = Client::login(&t, "contractor").await;
    let (status, html) = contractor
        .form(
            "/training",
            &[
                ("project_id", &t.world.project_a),
                ("name", ""),
                ("first_day", "2026-05-10"),
                ("last_day", "2026-05-01"),
                ("planned_trainees", "0"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("带头人培训")
            && html.contains("请填写培训班名称")
            && html.contains("不能早于开班日期")
            && html.contains("1 到 10000")
    );
    let day = today.to_string();
    let (status, _) = contractor
        .form(
            "/training",
            &[
                ("project_id", &project.id),
                ("name", "第一期电商带头人培训班"),
                ("first_day", &day),
                ("last_day", &day),
                ("place", "县电商中心"),
                ("planned_trainees", "50"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let a = actor_of(&t.app, "contractor").await;
    let class = jianguan_app::reporting::classes(&t.app, &a)
        .await
        .unwrap()
        .into_iter()
        .find(|k| k.name == "第一期电商带头人培训班")
        .unwrap();
    let roster = |rows: &[(&str, &str)]| {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("学员名单").unwrap();
        ws.write_string(0, 0, "姓名").unwrap();
        ws.write_string(0, 1, "所在村").unwrap();
        for (i, (n, v)) in rows.iter().enumerate() {
            ws.write_string(i as u32 + 1, 0, *n).unwrap();
            ws.write_string(i as u32 + 1, 1, *v).unwrap();
        }
        wb.save_to_buffer().unwrap()
    };
    let before = counts(&t).await;
    let path = format!("/training/{}/roster", class.id);
    let (status, html) = contractor
        .upload_as(
            &path,
            "roster",
            &[("名单.xlsx", &roster(&[("张三", "西社村"), ("", "岭底村")]))],
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("A3 单元格") && html.contains("缺少姓名"));
    assert_eq!(counts(&t).await, before, "nothing saved");
    let (status, _) = contractor
        .upload_as(
            &path,
            "roster",
            &[(
                "名单.xlsx",
                &roster(&[("张三", "西社村"), ("李四", "岭底村")]),
            )],
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let class = jianguan_app::reporting::classes(&t.app, &a)
        .await
        .unwrap()
        .into_iter()
        .find(|k| k.id == class.id)
        .unwrap();
    assert_eq!(class.actual_trainees, 2);
    let inspector = Client::login(&t, "inspector").await;
    let review = jianguan_app::reporting::latest_review(&t.app, &class.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        inspector
            .form(
                &format!("/reviews/{}", review.id),
                &[("verdict", "approved")]
            )
            .await
            .0,
        StatusCode::SEE_OTHER
    );
    let (_, mine) = contractor.get("/training").await;
    assert!(mine.contains("审核通过"), "the class's review shows");
    let (_, staff) = inspector.get("/training").await;
    assert!(
        staff.contains("第一期电商带头人培训班")
            && staff.contains(&format!("training_class_id={}", class.id))
    );
    assert_eq!(
        Client::login(&t, "contractor2")
            .await
            .upload_as(
                &path,
                "roster",
                &[("x.xlsx", &roster(&[("王五", "")]))],
                &[]
            )
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

/// Reporting over the API: structured errors, the same checks as the pages.
#[tokio::test]
async fn reporting_over_the_api() {
    use axum::http::Method;
    use serde_json::json;
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let project = fresh_project(&t).await;
    let contractor = Client::login(&t, "contractor").await;
    let inspector = Client::login(&t, "inspector").await;
    let today = t.app.today();
    let (status, e) = contractor
        .json(Method::POST, &format!("/api/v1/projects/{project}/plans"), json!({"effective_from": today.to_string(), "milestones": [{"date": today.to_string(), "percent": 50.0}]}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        e["fields"]["milestones"].as_str().unwrap().contains("100%"),
        "{e}"
    );
    let end = (today + chrono::Days::new(120)).to_string();
    let (status, plan) = contractor
        .json(Method::POST, &format!("/api/v1/projects/{project}/plans"), json!({"effective_from": today.to_string(), "milestones": [{"date": end, "percent": 100.0, "description": "竣工"}]}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    assert_eq!(plan["status"], "proposed");
    let (_, queue) = inspector.get_json("/api/v1/reviews").await;
    let r = queue
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["record_id"] == plan["id"])
        .unwrap()
        .clone();
    let (status, done) = inspector
        .json(
            Method::POST,
            &format!("/api/v1/reviews/{}", r["id"].as_str().unwrap()),
            json!({"verdict": "approved"}),
        )
        .await;
    assert_eq!(
        (status, done["state"].as_str()),
        (StatusCode::OK, Some("approved"))
    );
    let (_, plans) = contractor
        .get_json(&format!("/api/v1/projects/{project}/plans"))
        .await;
    assert_eq!(plans[0]["status"], "approved");
    let month = today.format("%Y-%m").to_string();
    let last = (today - chrono::Months::new(1)).format("%Y-%m").to_string();
    let (status, _) = contractor
        .json(
            Method::POST,
            &format!("/api/v1/projects/{project}/reports"),
            json!({"month": last, "cumulative_percent": 40.0, "narrative": "主体施工"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, e) = contractor
        .json(
            Method::POST,
            &format!("/api/v1/projects/{project}/reports"),
            json!({"month": month, "cumulative_percent": 30.0, "narrative": "核减"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        e["fields"]["explanation"].as_str().unwrap().contains("40%"),
        "{e}"
    );
    let (status, _) = inspector
        .json(
            Method::POST,
            &format!("/api/v1/projects/{project}/reports"),
            json!({"month": month, "cumulative_percent": 50.0, "narrative": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only the enterprise reports");
    let (status, e) = contractor
        .json(
            Method::POST,
            "/api/v1/data-reports",
            json!({"month": month, "figures": {"no_such_metric": "1"}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["fields"]["figures.no_such_metric"].is_string(), "{e}");
    let (_, mine) = contractor.get_json("/api/v1/data-reports").await;
    assert!(
        mine.as_array()
            .unwrap()
            .iter()
            .all(|r| r["enterprise_id"] == t.world.enterprise_a.as_str())
    );
}
