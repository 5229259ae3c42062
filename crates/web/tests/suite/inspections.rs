//! Inspections with photo evidence: bad photos refused, finalising and correcting, the quota, the contractor's view of evidence, planning, and the inspection workflow over the API.

use crate::common::{self, Client, counts, seeded_router};
use crate::flows::{bomb, recorded};
use axum::http::StatusCode;
use jianguan_app::inspections;
use jianguan_domain::FieldErrors;
use jianguan_domain::inspection::InspectionInput;
use jianguan_testkit::{actor_of, backends, sample_jpeg, sample_png};

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
        let photos = jianguan_app::evidence::photos(&t.app, "inspection", &id)
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
        let row = jianguan_store::scoped::one::<jianguan_store::entity::inspection::Entity>(
            t.app.store.reader(),
            &jianguan_store::Scope::everything(),
            &id,
        )
        .await
        .unwrap()
        .unwrap();
        let versions = inspections::versions(&t.app, &row).await.unwrap();
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

        // A busy inspector: 500 later visits to project B do not hide project A, visited
        // before them in the window (a list of inspections stops at 500).
        use jianguan_store::entity::inspection;
        use jianguan_store::sea::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter};
        let db = t.app.store.housekeeping();
        let planned = inspection::Entity::find()
            .filter(inspection::Column::Inspectors.contains("赵新人"))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        for n in 0..500u64 {
            let mut m = planned.clone();
            m.id = format!("{}-{n}", planned.id);
            m.project_id = t.world.project_b.clone();
            m.date = planned.date + chrono::Days::new(2 + n % 60);
            inspection::ActiveModel::from(m)
                .reset_all()
                .insert(db)
                .await
                .unwrap();
        }
        let (status, both) = c
            .get_json(&format!(
                "/api/v1/docket?inspector={}",
                common::urlencode("赵新人")
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        let projects: std::collections::BTreeSet<&str> = both
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["subject"]["project_id"].as_str())
            .collect();
        assert!(
            projects.contains(t.world.project_a.as_str()),
            "{backend:?}: project A still found: {projects:?}"
        );
        assert!(
            projects.contains(t.world.project_b.as_str()),
            "{backend:?}: and project B: {projects:?}"
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
    let p = jianguan_app::evidence::photos(&t.app, "inspection", &id)
        .await
        .unwrap();
    let flags: Vec<String> = serde_json::from_str(&p[0].flags).unwrap();
    assert!(!flags.iter().any(|f| f.contains("距项目地点")), "{flags:?}");
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
        // An operations inspection carries the checks of 一（二）; one left open is named
        // when it is finalised.
        let body = |safety: serde_json::Value| {
            json!({"project_id": t.world.project_a, "kinds": ["operations"], "date": today,
                   "methods": ["on_site"], "inspectors": ["甲", "乙"], "minutes": "查看运营台账。",
                   "standards": {"operation": {"result": "fail", "note": "台账不全"},
                                 "operation.organisation": {"result": "pass"}, "operation.personnel": {"result": "na"},
                                 "operation.safety": safety}})
        };
        let (status, i) = inspector
            .json(
                Method::POST,
                "/api/v1/inspections",
                body(json!({"result": ""})),
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
        assert!(
            e["fields"]["standards.operation.safety"]
                .as_str()
                .unwrap()
                .contains("安全生产责任制"),
            "{e}"
        );
        assert!(
            e["fields"]["standards.operation.organisation"].is_null(),
            "{e}"
        );
        let (status, v) = inspector
            .json(
                Method::PUT,
                &format!("/api/v1/inspections/{id}"),
                body(json!({"result": "fail", "note": ""})),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(
            v["fields"]["standards.operation.safety"]
                .as_str()
                .unwrap()
                .contains("写明问题")
        );
        let (status, v) = inspector
            .json(
                Method::PUT,
                &format!("/api/v1/inspections/{id}"),
                body(json!({"result": "fail", "note": "未与员工签订安全生产责任书"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(
            v["standards"]["operation.safety"]["note"],
            "未与员工签订安全生产责任书"
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
        // The responsible person is told a decision waits for him; the contractor is not.
        let link = format!("/sanctions/{sid}");
        let (_, notes) = chief.get_json("/api/v1/notifications").await;
        assert!(
            notes
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n["link"] == link.as_str()
                    && n["title"].as_str().unwrap().contains("待您决定")),
            "{backend:?}: {notes}"
        );
        let (_, notes) = contractor.get_json("/api/v1/notifications").await;
        assert!(!notes.to_string().contains(&link));
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

/// 不打招呼: a contractor never learns of a planned unannounced visit (list, record, page,
/// notifications), and reads a recorded inspection's minutes, problems and notes only once it
/// is finalised; an announced visit (by choice, or a funds inspection by default) is made known
/// to it.
#[tokio::test]
async fn unannounced_visits_and_unfinished_minutes_stay_with_the_bureau() {
    use axum::http::Method;
    use serde_json::json;
    for backend in backends() {
        let t = seeded_router(backend).await;
        let inspector = Client::login(&t, "inspector").await;
        let contractor = Client::login(&t, "contractor").await;
        let day = |n: u64| (t.app.today() + chrono::Days::new(n)).to_string();
        let plan = |kinds: serde_json::Value, date: String, announced: Option<bool>| {
            let mut body = json!({"mode": "plan", "project_id": t.world.project_a, "kinds": kinds,
                                  "date": date, "inspectors": ["甲", "乙"]});
            if let Some(a) = announced {
                body["announced"] = json!(a);
            }
            body
        };
        let (status, secret) = inspector
            .json(
                Method::POST,
                "/api/v1/inspections",
                plan(json!(["construction"]), day(4), None),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{secret}");
        assert_eq!(
            secret["announced"], false,
            "unannounced unless said otherwise"
        );
        let (_, funds) = inspector
            .json(
                Method::POST,
                "/api/v1/inspections",
                plan(json!(["funds"]), day(6), None),
            )
            .await;
        assert_eq!(
            funds["announced"], true,
            "三（一）4: a funds inspection is announced"
        );
        let (_, told) = inspector
            .json(
                Method::POST,
                "/api/v1/inspections",
                plan(json!(["operations"]), day(8), Some(true)),
            )
            .await;
        assert_eq!(told["announced"], true);
        let secret = secret["id"].as_str().unwrap().to_string();

        let (_, listed) = contractor
            .get_json("/api/v1/inspections?status=planned")
            .await;
        let ids: Vec<&str> = listed
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap())
            .collect();
        assert!(
            !ids.contains(&secret.as_str()),
            "{backend:?}: listed to the contractor"
        );
        assert!(
            ids.contains(&funds["id"].as_str().unwrap())
                && ids.contains(&told["id"].as_str().unwrap())
        );
        let (status, _) = contractor
            .get_json(&format!("/api/v1/inspections/{secret}"))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = contractor.get(&format!("/inspections/{secret}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, html) = contractor.get("/inspections").await;
        assert!(!html.contains(&secret));
        // Nor on the calendar of the month it falls in, where the bureau sees it.
        let month = |d: &str| d[..7].to_string();
        let cal = format!("/inspections/calendar?month={}", month(&day(4)));
        let (status, html) = contractor.get(&cal).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            !html.contains(&secret),
            "{backend:?}: on the contractor's calendar"
        );
        let (_, html) = inspector.get(&cal).await;
        assert!(
            html.contains(&format!("/inspections/{secret}")),
            "{backend:?}"
        );
        let (_, html) = contractor
            .get(&format!("/inspections/calendar?month={}", month(&day(6))))
            .await;
        assert!(
            html.contains(funds["id"].as_str().unwrap()),
            "announced: shown"
        );
        let (_, notes) = contractor.get_json("/api/v1/notifications").await;
        let links: Vec<&str> = notes
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|n| n["link"].as_str())
            .collect();
        assert!(!links.iter().any(|l| l.contains(&secret)), "{links:?}");
        for i in [&funds, &told] {
            let link = format!("/inspections/{}", i["id"].as_str().unwrap());
            assert!(
                links.contains(&link.as_str()),
                "{backend:?}: {link} not announced: {links:?}"
            );
        }
        // The bureau sees it, and the page says how it was planned.
        let (status, html) = inspector.get(&format!("/inspections/{secret}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("不打招呼"));

        // Recorded: the contractor may know of it, not what it says until it is final.
        let (status, rec) = inspector
            .json(
                Method::POST,
                "/api/v1/inspections",
                json!({"project_id": t.world.project_a, "kinds": ["operations"], "date": t.app.today().to_string(),
                       "methods": ["on_site"], "inspectors": ["甲", "乙"], "minutes": "暗访所见：台账缺失",
                       "problems": "库存商品过期", "standards": {"operation": {"result": "fail", "note": "安全制度未上墙"},
                       "operation.organisation": {"result": "pass"}, "operation.personnel": {"result": "pass"}, "operation.safety": {"result": "fail", "note": "未签责任书"}}}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{rec}");
        let id = rec["id"].as_str().unwrap().to_string();
        let (status, seen) = contractor
            .get_json(&format!("/api/v1/inspections/{id}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            seen["minutes"].is_null()
                && seen["problems"].is_null()
                && seen["standards"] == json!({}),
            "{seen}"
        );
        let (_, listed) = contractor.get_json("/api/v1/inspections").await;
        let text = listed.to_string();
        assert!(
            !text.contains("暗访所见")
                && !text.contains("库存商品过期")
                && !text.contains("安全制度未上墙")
        );
        let (_, html) = contractor.get(&format!("/inspections/{id}")).await;
        assert!(
            !html.contains("暗访所见")
                && !html.contains("库存商品过期")
                && !html.contains("安全制度未上墙")
        );
        let (status, _) = inspector
            .raw(
                Method::POST,
                &format!("/api/v1/inspections/{id}/photos?name=a.jpg"),
                "image/jpeg",
                sample_jpeg(400, 300),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, _) = inspector
            .json(
                Method::POST,
                &format!("/api/v1/inspections/{id}/finalise"),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (_, seen) = contractor
            .get_json(&format!("/api/v1/inspections/{id}"))
            .await;
        assert_eq!(seen["minutes"], "暗访所见：台账缺失");
        assert_eq!(seen["standards"]["operation"]["note"], "安全制度未上墙");
    }
}

/// 检查日历: a month's inspections by day, for the county or one inspector; a month that is
/// not one is named.
#[tokio::test]
async fn the_calendar_shows_a_month_by_day_and_by_inspector() {
    use axum::http::Method;
    use serde_json::json;
    for backend in backends() {
        let t = seeded_router(backend).await;
        let inspector = Client::login(&t, "inspector").await;
        let plan = |date: &str, who: [&str; 2]| {
            json!({"mode": "plan", "project_id": t.world.project_a, "kinds": ["construction"],
                   "date": date, "inspectors": who})
        };
        let (status, a) = inspector
            .json(
                Method::POST,
                "/api/v1/inspections",
                plan("2027-03-01", ["日历甲", "日历乙"]),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{a}");
        let (_, b) = inspector
            .json(
                Method::POST,
                "/api/v1/inspections",
                plan("2027-03-31", ["日历丙", "日历乙"]),
            )
            .await;
        let (_, other_month) = inspector
            .json(
                Method::POST,
                "/api/v1/inspections",
                plan("2027-04-01", ["日历甲", "日历乙"]),
            )
            .await;
        let id = |v: &serde_json::Value| v["id"].as_str().unwrap().to_string();
        let (status, html) = inspector.get("/inspections/calendar?month=2027-03").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("检查日历 · 2027年3月"));
        assert!(
            html.contains(&id(&a)) && html.contains(&id(&b)),
            "{backend:?}"
        );
        assert!(!html.contains(&id(&other_month)), "April is not in March");
        assert!(html.contains("本月已安排 2 次"), "{backend:?}");
        // 1 March 2027 is a Monday: the first cell of the first week holds it.
        let first_week = html
            .split("<tbody>")
            .nth(1)
            .unwrap()
            .split("</tr>")
            .next()
            .unwrap();
        let first_cell = first_week.split("<td").nth(1).unwrap();
        assert!(
            first_cell.contains("<span class=\"day\">1</span>") && first_cell.contains(&id(&a))
        );
        // One inspector's month.
        let (_, html) = inspector
            .get("/inspections/calendar?month=2027-03&inspector=%E6%97%A5%E5%8E%86%E7%94%B2")
            .await;
        assert!(
            html.contains(&id(&a)) && !html.contains(&id(&b)),
            "{backend:?}"
        );
        assert!(html.contains("month=2027-04&amp;inspector=%E6%97%A5%E5%8E%86%E7%94%B2"));
        for bad in ["2027-13", "三月", "99999-01"] {
            let (status, html) = inspector
                .get(&format!(
                    "/inspections/calendar?month={}",
                    crate::common::urlencode(bad)
                ))
                .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
            assert!(html.contains("月份请按"), "{bad}");
        }
    }
}
