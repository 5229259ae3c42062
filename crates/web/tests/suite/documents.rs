//! 公文 through the API and the pages, on both backends: a 限期整改通知书 issued from an
//! order, numbered, kept as PDF and DOCX under their SHA-256, read by the enterprise it is
//! addressed to and no other; issued once however many click; spoiled with a reason and
//! corrected by a document that cites it; eight issued at once numbered without a gap; a
//! decision issued only once decided; minutes with their photos; the issuing office from
//! the county's settings.

use crate::common::{Client, seeded_router};
use axum::http::{Method, StatusCode};
use jianguan_testkit::{backends, sample_jpeg};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

async fn order(c: &Client, project: &str, title: &str, deadline: &str) -> String {
    let (status, o) = c
        .json(
            Method::POST,
            "/api/v1/orders",
            json!({"project_id": project, "title": title, "requirements": "补齐服务站运营台账，配齐运营人员。", "deadline": deadline}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{o}");
    o["id"].as_str().unwrap().to_string()
}

async fn issue(c: &Client, kind: &str, source: &str) -> (StatusCode, Value) {
    c.json(
        Method::POST,
        "/api/v1/documents",
        json!({"kind": kind, "source_id": source}),
    )
    .await
}

#[tokio::test]
async fn a_notice_is_issued_once_kept_as_issued_and_read_only_by_whom_it_concerns() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        let inspector = Client::login(&t, "inspector").await;
        let deadline = (t.app.today() + chrono::Days::new(30)).to_string();
        let year = chrono::Datelike::year(&t.app.today());
        let o = order(&inspector, &w.project_a, "服务站运营台账缺失", &deadline).await;

        // Two clicks at once: one document.
        let calls = [&inspector, &inspector].map(|c| issue(c, "rectification_notice", &o));
        let outcomes = futures_util::future::join_all(calls).await;
        let made: Vec<_> = outcomes
            .iter()
            .filter(|x| x.0 == StatusCode::CREATED)
            .collect();
        assert_eq!(made.len(), 1, "{backend:?}: {outcomes:?}");
        assert!(outcomes.iter().any(|x| x.0 == StatusCode::CONFLICT));
        let d = made[0].1.clone();
        assert_eq!(d["number"], format!("交电商办〔{year}〕1号"), "{d}");
        let id = d["id"].as_str().unwrap().to_string();

        // The PDF and DOCX as issued, their hashes what the register says.
        let (status, pdf, _) = inspector
            .get_bytes(&format!("/api/v1/documents/{id}/pdf"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(pdf.starts_with(b"%PDF"));
        assert_eq!(
            hex::encode(Sha256::digest(&pdf)),
            d["pdf_sha256"].as_str().unwrap()
        );
        let (status, docx, _) = inspector.get_bytes(&format!("/documents/{id}/docx")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(docx.starts_with(b"PK"));
        assert_eq!(
            hex::encode(Sha256::digest(&docx)),
            d["docx_sha256"].as_str().unwrap()
        );

        // Its page, with the two files and the trail.
        let (status, html) = inspector.get(&format!("/documents/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(html.contains(&format!("交电商办〔{year}〕1号")) && html.contains("印发文书"));

        // The enterprise it is addressed to reads it; another does not; a viewer reads and
        // cannot issue.
        let contractor = Client::login(&t, "contractor").await;
        let (status, _) = contractor
            .get_json(&format!("/api/v1/documents/{id}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        let other = Client::login(&t, "contractor2").await;
        let (status, _) = other.get_json(&format!("/api/v1/documents/{id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _, _) = other.get_bytes(&format!("/documents/{id}/pdf")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let viewer = Client::login(&t, "viewer").await;
        let (status, _) = viewer.get_json(&format!("/api/v1/documents/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = issue(&viewer, "rectification_notice", &o).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // Nonsense asked for: named, nothing issued.
        let (status, err) = issue(&inspector, "love_letter", &o).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        let (status, _) = issue(&inspector, "rectification_notice", "no-such-order").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = issue(&inspector, "rectification_notice", &w.order_y).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "another county's order");

        // Spoiled with a reason (it stays, marked), then issued again, citing nothing;
        // a correction of that one cites it and spoils it in the same write.
        let spoil = format!("/api/v1/documents/{id}/spoil");
        let (status, _) = inspector
            .json(Method::POST, &spoil, json!({"reason": " "}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, spoiled) = inspector
            .json(Method::POST, &spoil, json!({"reason": "整改期限写错"}))
            .await;
        assert_eq!(status, StatusCode::OK, "{spoiled}");
        assert_eq!(spoiled["state"], "spoiled");
        let (status, _) = inspector
            .json(Method::POST, &spoil, json!({"reason": "再作废一次"}))
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, second) = issue(&inspector, "rectification_notice", &o).await;
        assert_eq!(status, StatusCode::CREATED, "{second}");
        assert_eq!(second["number"], format!("交电商办〔{year}〕2号"));
        let (status, third) = inspector
            .json(
                Method::POST,
                "/api/v1/documents",
                json!({"kind": "rectification_notice", "source_id": o, "replaces": second["id"]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{third}");
        assert_eq!(third["replaces"], second["id"]);
        let (_, old) = inspector
            .get_json(&format!(
                "/api/v1/documents/{}",
                second["id"].as_str().unwrap()
            ))
            .await;
        assert_eq!(old["state"], "spoiled");
        assert!(
            old["spoil_reason"]
                .as_str()
                .unwrap()
                .contains(third["number"].as_str().unwrap())
        );
        // The register lists all three, the spoiled ones marked; the order's page links them.
        let (_, register) = inspector.get_json("/api/v1/documents").await;
        let ours = register["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["source_id"] == o.as_str())
            .count();
        assert_eq!(ours, 3, "{register}");
        let (_, html) = inspector.get("/documents").await;
        assert!(html.contains("作废") && html.contains(&format!("交电商办〔{year}〕3号")));
        let (_, html) = inspector.get(&format!("/orders/{o}")).await;
        assert!(html.contains(&format!("交电商办〔{year}〕3号")));
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

#[tokio::test]
async fn eight_issued_at_once_are_numbered_without_a_gap() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        let inspector = Client::login(&t, "inspector").await;
        let chief = Client::login(&t, "chief").await;
        let deadline = (t.app.today() + chrono::Days::new(30)).to_string();
        let mut orders = Vec::new();
        for n in 0..8 {
            orders.push(order(&inspector, &w.project_a, &format!("问题{n}"), &deadline).await);
        }
        let calls = orders.iter().enumerate().map(|(n, o)| {
            let c = if n % 2 == 0 { &inspector } else { &chief };
            issue(c, "rectification_notice", o)
        });
        let outcomes = futures_util::future::join_all(calls).await;
        let mut seqs: Vec<i64> = outcomes
            .iter()
            .map(|(status, d)| {
                assert_eq!(*status, StatusCode::CREATED, "{backend:?}: {d}");
                d["seq"].as_i64().unwrap()
            })
            .collect();
        seqs.sort_unstable();
        assert_eq!(seqs, (1..=8).collect::<Vec<i64>>(), "{backend:?}: gapless");
    }
}

#[tokio::test]
async fn a_decision_and_minutes_are_issued_from_their_records() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        let inspector = Client::login(&t, "inspector").await;
        let chief = Client::login(&t, "chief").await;
        let (status, s) = inspector
            .json(
                Method::POST,
                "/api/v1/sanctions",
                json!({"enterprise_id": w.enterprise_a, "kind": "public_criticism", "facts": "多次迟报生产经营数据，经提醒仍未改正。", "clause": "一（四）"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{s}");
        let sid = s["id"].as_str().unwrap().to_string();
        let (status, err) = issue(&inspector, "criticism", &sid).await;
        assert_eq!(status, StatusCode::CONFLICT, "not yet decided: {err}");
        let (status, _) = chief
            .json(
                Method::POST,
                &format!("/api/v1/sanctions/{sid}/act"),
                json!({"action": "decide", "note": "予以通报批评"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, err) = issue(&inspector, "disqualification", &sid).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "not this decision's document: {err}"
        );
        let (status, d) = issue(&chief, "criticism", &sid).await;
        assert_eq!(status, StatusCode::CREATED, "{d}");
        assert!(d["title"].as_str().unwrap().contains("通报批评"));

        // Minutes of a finalised inspection, its photo on a page of its own.
        let (status, rec) = inspector
            .json(
                Method::POST,
                "/api/v1/inspections",
                json!({"project_id": w.project_a, "kinds": ["construction"], "date": t.app.today().to_string(),
                       "methods": ["on_site"], "inspectors": ["李检查", "王检查"], "minutes": "听取汇报，查看站点。",
                       "problems": "两个站点设备未安装。"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{rec}");
        let iid = rec["id"].as_str().unwrap().to_string();
        let (status, _) = issue(&inspector, "minutes", &iid).await;
        assert_eq!(status, StatusCode::CONFLICT, "not yet finalised");
        let (status, _) = inspector
            .raw(
                Method::POST,
                &format!("/api/v1/inspections/{iid}/photos?name=a.jpg"),
                "image/jpeg",
                sample_jpeg(400, 300),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, _) = inspector
            .json(
                Method::POST,
                &format!("/api/v1/inspections/{iid}/finalise"),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, m) = issue(&inspector, "minutes", &iid).await;
        assert_eq!(status, StatusCode::CREATED, "{m}");
        assert!(m["number"].as_str().unwrap().ends_with("第1期"), "{m}");
        assert!(m["pages"].as_i64().unwrap() >= 2, "the photo page: {m}");
        let (status, op) = issue(&inspector, "rectification_opinion", &iid).await;
        assert_eq!(status, StatusCode::CREATED, "{op}");
        assert!(op["number"].as_str().unwrap().starts_with("交电商办"));
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

#[tokio::test]
async fn the_issuing_office_comes_from_the_county_s_settings() {
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let w = t.world.clone();
    let admin = Client::login(&t, "admin").await;
    let url = format!("/settings/counties/{}/office", w.county_x);
    let (status, html) = admin
        .form(
            &url,
            &[
                ("name", ""),
                ("code", "交电商办〔2026〕"),
                ("mark", "交城县电子商务领导组办公室文件"),
                ("cc", ""),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("请填写发文机关名称") && html.contains("机关代字只写代字本身"));
    let (status, _) = admin
        .form(
            &url,
            &[
                ("name", "交城县工业和信息化（商务）局"),
                ("code", "交工信商"),
                ("mark", "交城县工业和信息化（商务）局文件"),
                ("cc", "县财政局\n县审计局"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let inspector = Client::login(&t, "inspector").await;
    let deadline = (t.app.today() + chrono::Days::new(30)).to_string();
    let o = order(&inspector, &w.project_a, "台账不全", &deadline).await;
    let (status, d) = issue(&inspector, "rectification_notice", &o).await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    assert!(
        d["number"].as_str().unwrap().starts_with("交工信商〔"),
        "{d}"
    );
    // Not the inspector's to set.
    let (status, _) = inspector.form(&url, &[("name", "x")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// 一（三）: an evaluation that defers acceptance is issued as a 延期验收通知 and one that
/// accepts as a 验收意见, each from the evaluation's page and only as its own kind; the
/// enterprise reads it, another enterprise does not.
#[tokio::test]
async fn an_evaluation_is_issued_as_its_acceptance_opinion_or_deferral_notice() {
    use jianguan_app::oversight::{EvaluationInput, TargetResult, evaluate};
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        let chief = jianguan_testkit::actor_of(&t.app, "chief").await;
        let p = jianguan_app::records::project(&t.app, &chief, &w.project_a)
            .await
            .unwrap();
        let targets = p.targets_parsed().unwrap();
        let judged = |result: &str| -> Vec<TargetResult> {
            targets
                .iter()
                .map(|x| TargetResult {
                    name: x.name.clone(),
                    result: result.into(),
                    evidence: "现场核验".into(),
                })
                .collect()
        };
        let input = |outcome: &str, result: &str| EvaluationInput {
            project_id: w.project_a.clone(),
            date: t.app.today().to_string(),
            targets: judged(result),
            outcome: outcome.into(),
            deadline: None,
            note: Some("请于三个月内完成剩余建设内容。".into()),
        };
        let deferred = evaluate(&t.app, &chief, &input("defer", "partly"))
            .await
            .unwrap();
        let inspector = Client::login(&t, "inspector").await;
        let (_, page) = inspector
            .get(&format!("/projects/{}/oversight", w.project_a))
            .await;
        assert!(page.contains("印发延期验收通知"), "{backend:?}");
        assert!(!page.contains("印发验收意见"));
        let (status, _) = issue(&inspector, "acceptance_opinion", &deferred.id).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "not its kind");
        let (status, d) = issue(&inspector, "deferral_notice", &deferred.id).await;
        assert_eq!(status, StatusCode::CREATED, "{d}");
        assert_eq!(d["source_kind"], "evaluation");
        assert_eq!(d["project_id"], w.project_a.as_str());
        let id = d["id"].as_str().unwrap();
        let (status, pdf, _) = inspector
            .get_bytes(&format!("/api/v1/documents/{id}/pdf"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(pdf.starts_with(b"%PDF"));
        // The document's page leads back to the evaluation.
        let (_, page) = inspector.get(&format!("/documents/{id}")).await;
        assert!(
            page.contains(&format!("/projects/{}/oversight#evaluations", w.project_a)),
            "{backend:?}"
        );

        let accepted = evaluate(&t.app, &chief, &input("accept", "met"))
            .await
            .unwrap();
        let (status, d) = issue(&inspector, "acceptance_opinion", &accepted.id).await;
        assert_eq!(status, StatusCode::CREATED, "{d}");
        let accepted_doc = d["id"].as_str().unwrap().to_string();
        let (_, page) = inspector
            .get(&format!("/projects/{}/oversight", w.project_a))
            .await;
        assert!(page.contains(d["number"].as_str().unwrap()));

        // The enterprise it is addressed to reads it; another does not.
        let own = Client::login(&t, "contractor").await;
        let (status, _) = own
            .get_json(&format!("/api/v1/documents/{accepted_doc}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        let other = Client::login(&t, "contractor2").await;
        let (status, _) = other
            .get_json(&format!("/api/v1/documents/{accepted_doc}"))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // Nobody issues from another county's evaluation, or from one that is not there.
        let (status, _) = issue(&inspector, "acceptance_opinion", "no-such-evaluation").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}
