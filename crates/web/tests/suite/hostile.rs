//! Hostile input through the router, as a contractor or a stranger would send it: files
//! whose cost the file decides, parameters whose cost the caller decides, text that hides
//! or reorders characters, imports that would rewrite locked records. Each is a clear
//! error, and nothing changes.

use crate::common::{Client, counts, seeded_router};
use axum::http::{Method, StatusCode};
use jianguan_testkit::backends;
use serde_json::json;

#[tokio::test]
async fn hostile_spreadsheets_are_refused_naming_the_limit_and_nothing_is_saved() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let contractor = Client::login(&t, "contractor").await;
        let contractor2 = Client::login(&t, "contractor2").await;
        let before = counts(&t).await;
        let roster = format!("/training/{}/roster", t.world.class_b);
        for (name, bytes, says) in
            jianguan_testkit::hostile::workbooks(jianguan_documents::xlsx::SHEET)
        {
            let (status, html) = contractor
                .upload_as("/data-reports/upload", "file", &[(name, &bytes)], &[])
                .await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{backend:?} {name}"
            );
            assert!(
                html.contains(says),
                "{backend:?} {name}: {says} not in the page: {}",
                html.split("error-summary")
                    .nth(2)
                    .unwrap_or(&html)
                    .chars()
                    .take(400)
                    .collect::<String>()
            );
            let (status, html) = contractor2
                .upload_as(&roster, "roster", &[(name, &bytes)], &[])
                .await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{backend:?} {name}"
            );
            assert!(html.contains(says), "{backend:?} roster {name}");
            let (status, html) = contractor
                .upload_as("/funds/claims/new/invoices", "file", &[(name, &bytes)], &[])
                .await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{backend:?} invoices {name}"
            );
            assert!(html.contains(says), "{backend:?} invoices {name}");
            let (status, html) = contractor
                .upload_as("/assets/import", "file", &[(name, &bytes)], &[])
                .await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{backend:?} assets {name}"
            );
            assert!(html.contains(says), "{backend:?} assets {name}");
        }
        assert_eq!(counts(&t).await, before, "{backend:?}: nothing saved");
    }
}

#[tokio::test]
async fn a_tiny_photo_claiming_a_huge_canvas_is_refused_from_its_header() {
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let inspector = Client::login(&t, "inspector").await;
    let (_, created) = inspector
        .json(
            Method::POST,
            "/api/v1/inspections",
            json!({"project_id": t.world.project_a, "kinds": ["construction"], "date": t.app.today().to_string(),
                   "inspectors": ["李检查", "周组员"], "methods": ["on_site"]}),
        )
        .await;
    let id = created["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{created}"))
        .to_string();
    let before = counts(&t).await;
    // A lossless WebP header for 10,000 × 10,000 pixels with an alpha channel: 34 bytes
    // that would decode to 400 MB.
    let webp = jianguan_testkit::hostile::webp_claiming(10_000, 10_000);
    let (status, v) = inspector
        .raw(
            Method::POST,
            &format!("/api/v1/inspections/{id}/photos?name=a.webp"),
            "image/webp",
            webp,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v.to_string().contains("10000 × 10000"), "{v}");
    assert_eq!(counts(&t).await, before);
}

#[tokio::test]
async fn what_a_caller_asks_for_is_bounded() {
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let inspector = Client::login(&t, "inspector").await;
    let (status, v) = inspector.get_json("/api/v1/check?as_of=9999-12-31").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(
        v["fields"]["as_of"].as_str().unwrap().contains("年份"),
        "{v}"
    );
    let (status, v) = inspector.get_json("/api/v1/check?as_of=2060-01-01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(
        v["fields"]["as_of"]
            .as_str()
            .unwrap()
            .contains("查询日期应在"),
        "{v}"
    );
    let (status, _) = inspector
        .get_json(&format!("/api/v1/check?as_of={}", t.app.today()))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, v) = inspector.get_json("/api/v1/projects?limit=100000").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(
        v["fields"]["limit"].as_str().unwrap().contains("500"),
        "{v}"
    );
    let (status, v) = inspector
        .get_json("/api/v1/records/inspections?limit=501")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (status, v) = inspector
        .get_json("/api/v1/records/inspections?limit=3&offset=2")
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["records"].as_array().unwrap().len(), 3);
    assert!(v["total"].as_u64().unwrap() > 5, "{v}");
    assert_eq!(v["offset"], 2);
}

#[tokio::test]
async fn hidden_and_reordering_characters_are_refused_on_every_way_in() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let inspector = Client::login(&t, "inspector").await;
        let admin = Client::login(&t, "admin").await;
        let contractor2 = Client::login(&t, "contractor2").await;
        let before = counts(&t).await;
        for name in [
            "晋丰\u{202E}材建有限公司",
            "晋丰\u{0}建材",
            "\u{200B}晋丰建材",
        ] {
            let (status, v) = inspector
                .json(
                    Method::POST,
                    "/api/v1/enterprises",
                    json!({"name": name, "uscc": "91350100M000100Y43"}),
                )
                .await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{backend:?} {name:?}: {v}"
            );
            assert!(v["message"].as_str().unwrap().contains("字符"), "{v}");
        }
        let (status, html) = inspector
            .form(
                "/enterprises",
                &[("name", "晋丰\u{202E}建材"), ("uscc", "91350100M000100Y43")],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("U+202E"), "{backend:?}");
        let (status, _) = inspector.get("/projects?q=%E2%80%AE").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, v) = inspector
            .json(
                Method::POST,
                "/api/v1/enterprises",
                json!({"name": "长".repeat(20_001), "uscc": "91350100M000100Y43"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        // The import names where the character is.
        let bundle = json!({"format": "jianguan-bundle", "version": 1,
            "county": {"code": "141122", "name": "交城县", "prefecture": "吕梁市", "province": "山西省", "townships": ["天宁镇"]},
            "enterprises": [{"id": "e-bidi", "name": "晋丰\u{202E}建材", "uscc": "91350100M000100Y43"}]});
        let (status, v) = admin
            .raw(
                Method::POST,
                "/api/v1/import",
                "application/json",
                bundle.to_string().into_bytes(),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v.to_string().contains("$.enterprises[0].name"), "{v}");
        // A roster whose phone column is not a phone.
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in ["姓名", "所在村", "联系电话"].iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        ws.write_string(1, 0, "张三").unwrap();
        ws.write_string(1, 2, "请拨打我家座机").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let (status, html) = contractor2
            .upload_as(
                &format!("/training/{}/roster", t.world.class_b),
                "roster",
                &[("名单.xlsx", &bytes)],
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("C2") && html.contains("联系电话格式不正确"),
            "{backend:?}"
        );
        assert_eq!(counts(&t).await, before, "{backend:?}: nothing saved");
    }
}

#[tokio::test]
async fn an_import_cannot_rewrite_a_finalised_inspection() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let admin = Client::login(&t, "admin").await;
        let (status, mut bundle) = admin.get_json("/api/v1/export").await;
        assert_eq!(status, StatusCode::OK);
        let list = bundle["inspections"].as_array_mut().unwrap();
        let (i, _) = list
            .iter()
            .enumerate()
            .find(|(_, x)| x["status"] == "finalised")
            .expect("a finalised inspection");
        list[i]["minutes"] = json!("导入时改写的会议记录");
        let before = counts(&t).await;
        let (status, v) = admin
            .raw(
                Method::POST,
                "/api/v1/import",
                "application/json",
                bundle.to_string().into_bytes(),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}: {v}");
        let text = v.to_string();
        assert!(
            text.contains(&format!("$.inspections[{i}]")) && text.contains("定稿"),
            "{text}"
        );
        assert_eq!(counts(&t).await, before, "{backend:?}");
    }
}

#[tokio::test]
async fn a_submitted_order_without_material_answers_a_clear_error() {
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let inspector = Client::login(&t, "inspector").await;
    // The demo's handed-in order has its material: it can be accepted.
    let (status, v) = inspector
        .json(
            Method::POST,
            "/api/v1/orders/demo-order-2/review",
            json!({"accept": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    // An order an old import left "submitted" with nothing handed in.
    jianguan_store::execute_raw(
        t.app.store.housekeeping(),
        &format!(
            "UPDATE rectification_orders SET state = 'submitted' WHERE id = '{}'",
            t.world.order_b
        ),
    )
    .await
    .unwrap();
    let (status, v) = inspector
        .json(
            Method::POST,
            &format!("/api/v1/orders/{}/review", t.world.order_b),
            json!({"accept": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("没有待验收的整改材料"),
        "{v}"
    );
}

/// An offset in a page's URL, however large, gives an empty page with the count and a way
/// back, not a database error or an overflow; one that is not a number is named.
#[tokio::test]
async fn a_huge_offset_is_an_empty_page_and_a_negative_one_is_named() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let inspector = Client::login(&t, "inspector").await;
        for list in ["/inspections", "/orders", "/sanctions"] {
            let (status, html) = inspector
                .get(&format!("{list}?offset=18446744073709551615"))
                .await;
            assert_eq!(status, StatusCode::OK, "{backend:?} {list}: {html}");
            assert!(
                html.contains("共 ") && !html.contains("<tr data-id="),
                "{list}"
            );
            let (status, html) = inspector.get(&format!("{list}?offset=-1")).await;
            assert_eq!(
                status,
                StatusCode::BAD_REQUEST,
                "{backend:?} {list}: {html}"
            );
            assert!(html.contains("offset"), "{list}: the parameter is named");
        }
        // The API names its bound instead.
        let (status, v) = inspector
            .get_json("/api/v1/records/inspections?offset=18446744073709551615")
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}: {v}");
        assert!(
            v["fields"]["offset"].as_str().unwrap().contains("起始位置"),
            "{v}"
        );
    }
}
