//! 资产: the ledger kept by the contractor (bad lines named, nothing saved; another
//! enterprise's never reached), tags issued without gaps or repeats under concurrency and
//! bound once, and the label sheet at its true size. On both backends.

use crate::common::{Client, TestRouter, seeded_router};
use axum::http::{Method, StatusCode};
use jianguan_store::entity::{asset, asset_tag};
use jianguan_store::sea::{EntityTrait, PaginatorTrait};
use jianguan_testkit::backends;
use serde_json::{Value, json};

fn line(project: &str, name: &str) -> Value {
    json!({
        "project_id": project, "asset_kind": "fixed", "name": name, "category": "electronic",
        "model_spec": "DZ-2000", "quantity": 2, "unit": "台", "value_fen": 1_200_000,
        "purchase_date": "2026-03-15", "central_funds": true, "township": "天宁镇",
        "village": "东关村", "custodian": "王建国", "status": "in_use"
    })
}

async fn asset_count(t: &TestRouter) -> u64 {
    asset::Entity::find()
        .count(t.app.store.reader())
        .await
        .unwrap()
}

async fn tag_count(t: &TestRouter) -> u64 {
    asset_tag::Entity::find()
        .count(t.app.store.reader())
        .await
        .unwrap()
}

#[tokio::test]
async fn the_contractor_keeps_its_ledger_and_the_bureau_reads_it() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        let contractor = Client::login(&t, "contractor").await;
        let (status, a) = contractor
            .json(
                Method::POST,
                "/api/v1/assets",
                line(&w.project_a, "电商服务终端"),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{backend:?}: {a}");
        assert_eq!(a["owner"], "政府所有");
        assert!(
            a["net_value_fen"].as_i64().unwrap() < 1_200_000,
            "depreciated: {a}"
        );
        let id = a["id"].as_str().unwrap().to_string();

        // Bad lines as a new user types them: each field named, nothing saved.
        let before = asset_count(&t).await;
        let mut bad = line(&w.project_a, "展示柜");
        bad["value_fen"] = json!(-1);
        bad["purchase_date"] = json!("2099-01-01");
        bad["category"] = json!("设备");
        bad["quantity"] = json!(0);
        bad["township"] = json!("不存在镇");
        let (status, err) = contractor.json(Method::POST, "/api/v1/assets", bad).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend:?}: {err}"
        );
        for f in [
            "value_fen",
            "purchase_date",
            "category",
            "quantity",
            "township",
        ] {
            assert!(err["fields"][f].is_string(), "{f}: {err}");
        }
        // Another enterprise's project is not there for this contractor.
        let (status, err) = contractor
            .json(Method::POST, "/api/v1/assets", line(&w.project_b, "展示柜"))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        assert!(err["fields"]["project_id"].is_string());
        assert_eq!(asset_count(&t).await, before, "{backend:?}: nothing saved");

        // Another enterprise's contractor never reads or changes it, whatever the URL.
        let other = Client::login(&t, "contractor2").await;
        let (status, _) = other.get_json(&format!("/api/v1/assets/{id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = other
            .json(
                Method::PUT,
                &format!("/api/v1/assets/{id}"),
                line(&w.project_b, "改名"),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = other.get(&format!("/assets/{id}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, theirs) = other.get_json("/api/v1/assets").await;
        assert!(
            theirs["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|x| x["enterprise_id"] == w.enterprise_b.as_str())
        );

        // A change is a new version; the old one stays in the history.
        let mut changed = line(&w.project_a, "电商服务终端");
        changed["status"] = json!("under_repair");
        changed["custodian"] = json!("李春梅");
        let (status, a2) = contractor
            .json(Method::PUT, &format!("/api/v1/assets/{id}"), changed)
            .await;
        assert_eq!(status, StatusCode::OK, "{a2}");
        assert_eq!(a2["status"], "under_repair");
        let inspector = Client::login(&t, "inspector").await;
        let (status, page) = inspector.get(&format!("/assets/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("政府所有") && page.contains("维修中") && page.contains("李春梅"));
        assert!(page.contains("王建国"), "the old version in the history");
        // The bureau reads and filters the county's ledger, and does not write it.
        let (status, list) = inspector
            .get_json("/api/v1/assets?untagged=true&limit=500")
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            list["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["id"] == id.as_str())
        );
        assert!(
            list["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|x| x["tag"].is_null())
        );
        let (status, _) = inspector
            .json(Method::POST, "/api/v1/assets", line(&w.project_a, "x"))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, html) = inspector.get("/assets?status=under_repair").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("电商服务终端") && html.contains("资产台账"));
        let (status, _) = inspector.get("/assets?status=lost").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

#[tokio::test]
async fn tags_are_issued_without_gaps_or_repeats_however_many_at_once() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let a = Client::login(&t, "contractor").await;
        let b = Client::login(&t, "contractor2").await;
        // Absurd counts are refused before anything is counted out.
        for n in [0, -5, 501, 100_000] {
            let (status, err) = a
                .json(Method::POST, "/api/v1/assets/tags", json!({"count": n}))
                .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{n}: {err}");
            assert!(err["fields"]["count"].is_string());
        }
        assert_eq!(tag_count(&t).await, 0);
        // Eight requests at once, from two enterprises of the county: 200 tags.
        let calls = (0..8).map(|i| {
            let c = if i % 2 == 0 { &a } else { &b };
            c.json(Method::POST, "/api/v1/assets/tags", json!({"count": 25}))
        });
        let outcomes = futures_util::future::join_all(calls).await;
        let mut seqs = Vec::new();
        let mut tags = std::collections::BTreeSet::new();
        for (status, body) in &outcomes {
            assert_eq!(*status, StatusCode::CREATED, "{backend:?}: {body}");
            for x in body.as_array().unwrap() {
                seqs.push(x["seq"].as_i64().unwrap());
                tags.insert(x["tag"].as_str().unwrap().to_string());
            }
        }
        seqs.sort_unstable();
        assert_eq!(
            seqs,
            (1..=200).collect::<Vec<i64>>(),
            "{backend:?}: gapless"
        );
        assert_eq!(tags.len(), 200, "{backend:?}: distinct");
        assert!(tags.contains(&format!("JG-{}-00200", t.world.county_x)));
        assert_eq!(tag_count(&t).await, 200);
        // Each contractor sees its own batches only.
        let (_, mine) = b.get_json("/api/v1/assets/tags").await;
        assert_eq!(mine.as_array().unwrap().len(), 100);
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

#[tokio::test]
async fn a_printed_tag_binds_to_one_asset_once() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        let c = Client::login(&t, "contractor").await;
        let (_, x) = c
            .json(
                Method::POST,
                "/api/v1/assets",
                line(&w.project_a, "冷藏展示柜"),
            )
            .await;
        let (_, y) = c
            .json(Method::POST, "/api/v1/assets", line(&w.project_a, "电子秤"))
            .await;
        let (_, z) = c
            .json(Method::POST, "/api/v1/assets", line(&w.project_a, "货架"))
            .await;
        let (x, y, z) = (
            x["id"].as_str().unwrap(),
            y["id"].as_str().unwrap(),
            z["id"].as_str().unwrap(),
        );
        let (status, issued) = c
            .json(Method::POST, "/api/v1/assets/tags", json!({"count": 2}))
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let first = issued[0]["tag"].as_str().unwrap().to_string();
        let second = issued[1]["tag"].as_str().unwrap().to_string();

        for (tag, why) in [
            ("JG-141121-00001", "其他县"),
            ("XYZ", "格式不对"),
            ("JG-141122-99999", "没有这个标签"),
        ] {
            let tag = tag.replace("141122", &w.county_x);
            let (status, err) = c
                .json(
                    Method::POST,
                    &format!("/api/v1/assets/{x}/tag"),
                    json!({"tag": tag}),
                )
                .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{tag}: {err}");
            assert!(
                err["fields"]["tag"].as_str().unwrap().contains(why),
                "{err}"
            );
        }
        // Another enterprise's contractor cannot bind its tags to this asset.
        let other = Client::login(&t, "contractor2").await;
        let (status, _) = other
            .json(
                Method::POST,
                &format!("/api/v1/assets/{x}/tag"),
                json!({"tag": first}),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        let (status, bound) = c
            .json(
                Method::POST,
                &format!("/api/v1/assets/{x}/tag"),
                json!({"tag": first}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{bound}");
        assert_eq!(bound["tag"], first.as_str());
        let (status, _) = c
            .json(
                Method::POST,
                &format!("/api/v1/assets/{y}/tag"),
                json!({"tag": first}),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "{backend:?}: a tag on one asset only"
        );
        // Two phones binding the second tag to two assets at once: it lands on one.
        let urls = [y, z].map(|id| format!("/api/v1/assets/{id}/tag"));
        let calls = urls
            .iter()
            .map(|u| c.json(Method::POST, u, json!({"tag": second})));
        let outcomes = futures_util::future::join_all(calls).await;
        let ok: Vec<_> = outcomes.iter().filter(|o| o.0 == StatusCode::OK).collect();
        assert_eq!(ok.len(), 1, "{backend:?}: {outcomes:?}");
        let bound_to = ok[0].1["id"].as_str().unwrap();
        let (_, tags) = c.get_json("/api/v1/assets/tags").await;
        let row = tags
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["tag"] == second.as_str())
            .unwrap()
            .clone();
        assert_eq!(row["asset_id"], bound_to);
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

/// The numbers of an attribute `name="…mm"` or a translate in the SVG, as f64s.
fn attr(svg: &str, name: &str) -> Vec<f64> {
    svg.split(&format!(" {name}=\""))
        .skip(1)
        .filter_map(|r| r.split('"').next())
        .filter_map(|v| v.trim_end_matches("mm").parse().ok())
        .collect()
}

fn translates(svg: &str) -> Vec<(f64, f64)> {
    svg.split("transform=\"translate(")
        .skip(1)
        .filter_map(|r| r.split(')').next())
        .map(|v| {
            let mut it = v.split(' ').map(|n| n.parse::<f64>().unwrap());
            (it.next().unwrap(), it.next().unwrap())
        })
        .collect()
}

#[tokio::test]
async fn the_label_sheet_prints_at_its_true_size() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let c = Client::login(&t, "contractor").await;
        let (_, issued) = c
            .json(Method::POST, "/api/v1/assets/tags", json!({"count": 30}))
            .await;
        let batch = issued[0]["batch"].as_str().unwrap().to_string();
        let (status, html) = c
            .get(&format!("/assets/labels?batch={batch}&stock=a4-3x8"))
            .await;
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        let sheets: Vec<&str> = html.split("<svg ").skip(1).collect();
        assert_eq!(sheets.len(), 2, "24 on the first A4 sheet, 6 on the second");
        assert_eq!(attr(sheets[0], "width")[0], 210.0);
        assert_eq!(attr(sheets[0], "height")[0], 297.0);
        let at = translates(sheets[0]);
        assert_eq!(at.len(), 24);
        for (slot, (x, y)) in at.iter().enumerate() {
            let (col, row) = ((slot % 3) as f64, (slot / 3) as f64);
            assert!((x - col * 70.0).abs() <= 0.5, "label {slot} x {x}");
            assert!((y - (0.5 + row * 37.0)).abs() <= 0.5, "label {slot} y {y}");
        }
        // Each label is 70 × 37 mm, inside the page, and carries its tag and the marking.
        let widths = attr(sheets[0], "width");
        assert!(widths[1..].iter().all(|w| (*w - 70.0).abs() < 1e-9));
        assert!(
            at.iter()
                .all(|(x, y)| x + 70.0 <= 210.0 + 1e-9 && y + 37.0 <= 297.0 + 1e-9)
        );
        assert_eq!(html.matches("电子商务进农村综合示范项目").count(), 30);
        assert_eq!(html.matches("政府所有").count(), 30);
        for x in issued.as_array().unwrap() {
            assert!(html.contains(&format!("data-tag=\"{}\"", x["tag"].as_str().unwrap())));
        }
        // The sticker roll: one 50 × 30 mm label per page.
        let (_, html) = c
            .get(&format!("/assets/labels?batch={batch}&stock=50x30"))
            .await;
        let sheets: Vec<&str> = html.split("<svg ").skip(1).collect();
        assert_eq!(sheets.len(), 30);
        assert_eq!(
            (attr(sheets[0], "width")[0], attr(sheets[0], "height")[0]),
            (50.0, 30.0)
        );
        // A stock that does not exist, or nothing chosen, is named; another enterprise's
        // batch prints nothing of it.
        let (status, _) = c
            .get(&format!("/assets/labels?batch={batch}&stock=a3"))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = c.get("/assets/labels").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let other = Client::login(&t, "contractor2").await;
        let (status, _) = other.get(&format!("/assets/labels?batch={batch}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

/// A ledger workbook in the template's columns, one row per line of cells.
fn ledger_file(rows: &[Vec<&str>]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("资产台账").unwrap();
    for (c, h) in jianguan_documents::xlsx::ASSET_HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

#[tokio::test]
async fn the_ledger_comes_in_from_excel_only_when_every_cell_is_right() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let c = Client::login(&t, "contractor").await;
        let (_, p) = c
            .get_json(&format!("/api/v1/projects/{}", t.world.project_a))
            .await;
        let project = p["name"].as_str().unwrap().to_string();
        let (_, issued) = c
            .json(Method::POST, "/api/v1/assets/tags", json!({"count": 1}))
            .await;
        let tag = issued[0]["tag"].as_str().unwrap().to_string();
        let other_county = format!("JG-141121-{}", &tag[tag.len() - 5..]);
        let row = |tag: &'static str, value: &'static str, date: &'static str| -> Vec<String> {
            vec![
                tag.into(),
                "冷藏展示柜".into(),
                "固定资产".into(),
                "通用设备".into(),
                "LC-1200".into(),
                "2".into(),
                "台".into(),
                value.into(),
                date.into(),
                String::new(),
                "是".into(),
                project.clone(),
                "天宁镇".into(),
                "东关村".into(),
                "服务站仓库".into(),
                "王建国".into(),
                "在用".into(),
            ]
        };
        let as_str = |rows: &[Vec<String>]| -> Vec<u8> {
            let v: Vec<Vec<&str>> = rows
                .iter()
                .map(|r| r.iter().map(String::as_str).collect())
                .collect();
            ledger_file(&v)
        };
        let before = asset_count(&t).await;
        let tags_before = c.get_json("/api/v1/assets/tags?unbound=true").await.1;

        // The blank template says it holds nothing.
        let (status, template, _) = c.get_bytes("/assets/template.xlsx").await;
        assert_eq!(status, StatusCode::OK);
        let (status, html) = c
            .upload_as(
                "/assets/import",
                "file",
                &[("资产台账.xlsx", &template)],
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("没有资产"));

        // As a new user fills it: a tag twice, a negative value, a date in the future,
        // another county's tag, a project that is not theirs. Each named by its cell.
        let mut foreign = row("", "100", "2026-01-05");
        foreign[0] = other_county.clone();
        let mut stranger = row("", "100", "2026-01-05");
        stranger[11] = "别人的项目".into();
        let bad = as_str(&[
            row("JC-OLD-1", "12000", "2026-03-15"),
            row("JC-OLD-1", "12000", "2026-03-15"),
            row("", "-5", "2026-03-15"),
            row("", "100", "2099-01-01"),
            foreign,
            stranger,
        ]);
        let (status, html) = c
            .upload_as("/assets/import", "file", &[("资产台账.xlsx", &bad)], &[])
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        for says in [
            "A3 单元格：标签编号在本表中重复",
            "H4 单元格：资产原值不能为负数",
            "I5 单元格：购置日期不能晚于今天",
            "A6 单元格：这是其他县的资产标签",
            "L7 单元格：没有这个项目",
        ] {
            assert!(html.contains(says), "{backend:?}: {says}");
        }
        // Ten thousand rows are refused before they are read.
        let many: Vec<Vec<String>> = (0..10_000).map(|_| row("", "1", "2026-01-05")).collect();
        let (status, html) = c
            .upload_as(
                "/assets/import",
                "file",
                &[("资产台账.xlsx", &as_str(&many))],
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("行"), "the row limit named");
        assert_eq!(asset_count(&t).await, before, "{backend:?}: nothing saved");
        assert_eq!(
            c.get_json("/api/v1/assets/tags?unbound=true").await.1,
            tags_before
        );

        // Right: three lines, one wearing a pre-printed tag, which is bound.
        let mut tagged = row("", "800", "2026-02-01");
        tagged[0] = tag.clone();
        let good = as_str(&[
            row("JC-OLD-1", "12000", "2026-03-15"),
            row("", "300.50", "2026-01-05"),
            tagged,
        ]);
        let (status, _) = c
            .upload_as("/assets/import", "file", &[("资产台账.xlsx", &good)], &[])
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        assert_eq!(asset_count(&t).await, before + 3);
        let (_, free) = c.get_json("/api/v1/assets/tags?unbound=true").await;
        assert!(
            free.as_array()
                .unwrap()
                .iter()
                .all(|x| x["tag"] != tag.as_str())
        );
        let (_, list) = c.get_json("/api/v1/assets?limit=500").await;
        let with_tag = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["tag"] == tag.as_str())
            .unwrap();
        assert_eq!(with_tag["value_fen"], 80_000);
        // And out again, with real numbers and dates.
        let (status, bytes, _) = c.get_bytes("/assets/ledger.xlsx").await;
        assert_eq!(status, StatusCode::OK);
        let out = jianguan_documents::xlsx::grid::read(
            &bytes,
            &jianguan_documents::xlsx::grid::Limits::small(5_000, 30),
            |_, _| true,
        )
        .unwrap();
        let sheet = &out.sheets[0];
        assert!(
            sheet
                .cells
                .iter()
                .any(|x| x.value == jianguan_documents::xlsx::grid::Value::Text("JC-OLD-1".into()))
        );
        assert!(
            sheet
                .cells
                .iter()
                .any(|x| matches!(x.value, jianguan_documents::xlsx::grid::Value::Date(_)))
        );
        assert!(sheet.cells.iter().any(|x| matches!(x.value, jianguan_documents::xlsx::grid::Value::Number(n) if (n - 300.5).abs() < 1e-9)));
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

#[tokio::test]
async fn the_project_page_and_the_findings_lead_to_the_assets() {
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let w = t.world.clone();
    let c = Client::login(&t, "contractor").await;
    let (_, a) = c
        .json(
            Method::POST,
            "/api/v1/assets",
            line(&w.project_a, "称重设备"),
        )
        .await;
    let id = a["id"].as_str().unwrap();
    let (status, page) = c.get(&format!("/projects/{}", w.project_a)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("称重设备") && page.contains("未贴标签"));
    // The untagged central-funds asset is on the docket, and its finding leads to it.
    let inspector = Client::login(&t, "inspector").await;
    let (_, docket) = inspector.get_json("/api/v1/docket").await;
    let f = docket
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "assets.unlabelled" && f["subject"]["id"] == id)
        .cloned()
        .expect("the untagged asset is on the docket");
    let (_, html) = inspector
        .get(&format!("/docket/{}", f["id"].as_str().unwrap()))
        .await;
    assert!(
        html.contains(&format!("/assets/{id}")),
        "the finding leads to the asset"
    );
}

#[tokio::test]
async fn an_asset_s_invoice_leads_to_the_claim_that_cites_it() {
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let w = t.world.clone();
    let c = Client::login(&t, "contractor").await;
    let today = t.app.today().to_string();
    let (status, claim) = c
        .json(
            Method::POST,
            "/api/v1/funds/claims",
            json!({"project_id": w.project_a, "amount_fen": 120_000, "purpose": "冷藏展示柜",
                   "invoices": [{"code": "1400221130", "number": "07731234", "date": today,
                                 "seller": "太原市晋通设备有限公司", "amount_fen": 120_000}],
                   "declared": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{claim}");
    let mut with_invoice = line(&w.project_a, "冷藏展示柜");
    with_invoice["invoice"] = json!("1400221130 7731234");
    let (_, a) = c.json(Method::POST, "/api/v1/assets", with_invoice).await;
    let (_, page) = c
        .get(&format!("/assets/{}", a["id"].as_str().unwrap()))
        .await;
    assert!(
        page.contains(&format!("/funds/claims/{}", claim["id"].as_str().unwrap())),
        "the claim is linked"
    );
    // Another number cites nothing.
    let mut other = line(&w.project_a, "货架");
    other["invoice"] = json!("1400221130 07731235");
    let (_, b) = c.json(Method::POST, "/api/v1/assets", other).await;
    let (_, page) = c
        .get(&format!("/assets/{}", b["id"].as_str().unwrap()))
        .await;
    assert!(!page.contains("data-testid=\"asset-claim\""));
}
