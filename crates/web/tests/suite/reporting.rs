//! The contractor's reporting: plans, progress reports, operating data, licences and training classes, reviewed by the bureau; pages and API.

use crate::common::{Client, counts, seeded_router};
use crate::flows::fresh_project;
use crate::flows::post;
use axum::http::StatusCode;
use jianguan_app::rectification;
use jianguan_domain::FieldErrors;
use jianguan_testkit::{actor_of, backends, sample_jpeg};

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
        let pdf_row = jianguan_app::evidence::photos(&t.app, "progress_report", &v2.id)
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
        let row = q.split("新建冷链仓储项目").next().unwrap();
        let row = &row[row.rfind("<tr>").unwrap()..];
        assert!(
            row.contains("data-label=\"企业\">") && !row.contains("data-label=\"企业\"></td>"),
            "whose material it is: {row}"
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
                && page.contains("长期有效")
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
        // A table on a desk: the enterprise in its own column, the review inline in its row.
        let row = staff
            .split(&format!("<tr data-testid=\"licence\" data-id=\"{}\"", l.id))
            .nth(1)
            .and_then(|r| r.split("</tr>").next())
            .expect("the licence's row");
        assert!(row.contains("data-label=\"承办企业\"") && row.contains("审核通过"));
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

/// 数据报送: the enterprise × month table agrees with the docket — every month
/// `data.report_late` names is 未报 or 迟报 in the table — and a contractor sees its own row only.
#[tokio::test]
async fn the_reporting_table_marks_what_the_docket_calls_late() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let inspector = Client::login(&t, "inspector").await;
        let (_, docket) = inspector.get_json("/api/v1/docket").await;
        let late: Vec<(String, String)> = docket
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "data.report_late")
            .map(|f| {
                (
                    f["subject"]["enterprise_id"].as_str().unwrap().to_string(),
                    f["period"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert!(!late.is_empty(), "{backend:?}: the world has late data");
        let (status, html) = inspector.get("/data-reports").await;
        assert_eq!(status, StatusCode::OK);
        let table = html
            .split("data-testid=\"reporting-matrix\"")
            .nth(1)
            .expect("the table")
            .split("</table>")
            .next()
            .unwrap();
        let head: Vec<String> = table
            .split("<thead>")
            .nth(1)
            .unwrap()
            .split("</thead>")
            .next()
            .unwrap()
            .split("<th scope=\"col\">")
            .skip(2)
            .map(|c| c.split('<').next().unwrap().to_string())
            .collect();
        assert_eq!(head.len(), 12, "{head:?}");
        // The records below the table show money as people read it, never 分 or bare 元.
        let records = html.split("报送记录").nth(1).unwrap();
        assert!(records.contains("零售额 ¥"), "{backend:?}: {records}");
        assert!(!records.contains(".00 元"), "{backend:?}");
        let enterprises = jianguan_store::queries::enterprise_names(
            t.app.store.reader(),
            &late.iter().map(|(e, _)| e.clone()).collect::<Vec<_>>(),
        )
        .await
        .unwrap();
        for (enterprise, period) in &late {
            let (y, m) = period.split_once('-').unwrap();
            let label = format!("{}年{}月", y, m.trim_start_matches('0'));
            let Some(col) = head.iter().position(|h| *h == label) else {
                continue; // older than the table's twelve months
            };
            let name = &enterprises[enterprise];
            let row = table
                .split("<tr><th scope=\"row\">")
                .find(|r| r.starts_with(name.as_str()))
                .unwrap_or_else(|| panic!("{backend:?}: no row for {name}"));
            let cell = row
                .split("<td")
                .nth(col + 1)
                .unwrap()
                .split_once('>')
                .unwrap()
                .1
                .split('<')
                .next()
                .unwrap();
            assert!(
                cell == "未报" || cell.starts_with("迟报"),
                "{backend:?}: {name} {label} is {cell}"
            );
        }
        // The contractor: one row, its own.
        let contractor = Client::login(&t, "contractor").await;
        let (_, html) = contractor.get("/data-reports").await;
        let table = html
            .split("data-testid=\"reporting-matrix\"")
            .nth(1)
            .map(|x| x.split("</table>").next().unwrap().to_string())
            .unwrap_or_default();
        let rows = table.matches("<tr><th scope=\"row\">").count();
        assert!(rows <= 1, "{backend:?}: {rows} rows for a contractor");
        assert!(
            !table.contains("顺通物流"),
            "{backend:?}: another enterprise's row"
        );
    }
}
