//! The inspections list of a county with 500 more inspections: paged 50 at a time with
//! the count, by offset and by the pager's own links (keyset), in each of the four orders,
//! filtered by inspector, project and dates; a contractor's cursor never reaches another
//! enterprise's rows; the register (导出 Excel) holds the same rows in the same order.

use crate::common::{Client, seeded_router};
use axum::http::StatusCode;
use jianguan_testkit::backends;

/// A county with 500 more inspections: the list pages through them 50 at a time with the
/// count, every row once, sorted as asked and filtered by project and dates.
#[tokio::test]
async fn the_inspection_list_pages_sorts_and_filters_500_records() {
    use jianguan_store::entity::inspection;
    use jianguan_store::sea::{EntityTrait, IntoActiveModel};
    for backend in backends() {
        let t = seeded_router(backend).await;
        let inspector = Client::login(&t, "inspector").await;
        let (_, before) = inspector.get_json("/api/v1/inspections").await;
        let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let now = t.app.now();
        let rows: Vec<inspection::ActiveModel> = (0..500u64)
            .map(|n| {
                inspection::Model {
                    id: format!("bulk 批_{n:04}"),
                    county_code: t.world.county_x.clone(),
                    project_id: t.world.project_a.clone(),
                    kinds: "[\"construction\"]".into(),
                    date: start + chrono::Days::new(n),
                    status: "finalised".into(),
                    training_class_id: None,
                    disbursement_id: None,
                    methods: "[\"on_site\"]".into(),
                    standards: "{}".into(),
                    inspectors: "[\"批量甲\",\"批量乙\"]".into(),
                    minutes: Some("批量记录".into()),
                    photo_count: 1,
                    announced: false,
                    problems: None,
                    created_at: now,
                    updated_at: now,
                    voided_at: None,
                    void_reason: None,
                }
                .into_active_model()
            })
            .collect();
        for chunk in rows.chunks(100) {
            inspection::Entity::insert_many(chunk.to_vec())
                .exec(t.app.store.housekeeping())
                .await
                .unwrap();
        }
        let ids_on = |html: &str| -> Vec<String> {
            html.split("<tr data-id=\"")
                .skip(1)
                .map(|x| x.split('"').next().unwrap().to_string())
                .collect()
        };
        // Only the bulk rows: by their inspectors' names, oldest first, ten pages of 50.
        let mut seen = Vec::new();
        for page in 0..10 {
            let (status, html) = inspector
                .get(&format!(
                    "/inspections?inspector=%E6%89%B9%E9%87%8F%E7%94%B2&sort=date_asc&offset={}",
                    page * 50
                ))
                .await;
            assert_eq!(status, StatusCode::OK);
            assert!(html.contains("共 500 条"), "{backend:?} page {page}");
            let ids = ids_on(&html);
            assert_eq!(ids.len(), 50, "page {page}");
            seen.extend(ids);
        }
        let expected: Vec<String> = (0..500).map(|n| format!("bulk 批_{n:04}")).collect();
        assert_eq!(seen, expected, "{backend:?}: every row once, oldest first");
        let (_, html) = inspector
            .get("/inspections?inspector=%E6%89%B9%E9%87%8F%E7%94%B2&sort=date_desc")
            .await;
        assert_eq!(ids_on(&html)[0], "bulk 批_0499");
        assert!(html.contains("下一页") && !html.contains("上一页"));
        // Dates bound the list (both days included).
        let (_, html) = inspector
            .get("/inspections?inspector=%E6%89%B9%E9%87%8F%E7%94%B2&from=2024-01-11&to=2024-01-20")
            .await;
        assert!(html.contains("共 10 条"), "{backend:?}");
        let (_, html) = inspector
            .get(&format!("/inspections?project_id={}", t.world.project_a))
            .await;
        assert!(html.contains(&format!(
            "共 {} 条",
            500 + existing_of(&before, &t.world.project_a)
        )));
        // The whole county in each order, a page at a time (the total from the counts the
        // database keeps, the pages past the first found by key): every inspection once,
        // dates in order where the order is by date.
        use jianguan_store::sea::{ColumnTrait, QueryFilter};
        let models = inspection::Entity::find()
            .filter(inspection::Column::CountyCode.eq(t.world.county_x.as_str()))
            .filter(inspection::Column::VoidedAt.is_null())
            .all(t.app.store.reader())
            .await
            .unwrap();
        let live: std::collections::BTreeMap<String, chrono::NaiveDate> =
            models.iter().map(|i| (i.id.clone(), i.date)).collect();
        for sort in ["date_desc", "date_asc", "project", "status"] {
            let mut seen = Vec::new();
            for page in 0.. {
                let (status, html) = inspector
                    .get(&format!("/inspections?sort={sort}&offset={}", page * 50))
                    .await;
                assert_eq!(status, StatusCode::OK);
                assert!(
                    html.contains(&format!("共 {} 条", live.len())),
                    "{backend:?} {sort}"
                );
                let ids = ids_on(&html);
                if ids.is_empty() {
                    break;
                }
                seen.extend(ids);
            }
            let once: std::collections::BTreeSet<&String> = seen.iter().collect();
            assert_eq!(once.len(), seen.len(), "{backend:?} {sort}: a row twice");
            assert!(
                once.into_iter().eq(live.keys()),
                "{backend:?} {sort}: every row"
            );
            let dates: Vec<chrono::NaiveDate> = seen.iter().map(|id| live[id]).collect();
            match sort {
                "date_desc" => assert!(dates.is_sorted_by(|a, b| a >= b), "{backend:?}"),
                "date_asc" => assert!(dates.is_sorted(), "{backend:?}"),
                _ => {}
            }
            // Exactly the list's order, the pages past the middle (read from the end)
            // included: the sort's columns, then the newest id first.
            let mut expected: Vec<&inspection::Model> = models.iter().collect();
            expected.sort_by(|a, b| {
                let first = match sort {
                    "date_desc" => b.date.cmp(&a.date),
                    "date_asc" => a.date.cmp(&b.date),
                    "project" => a.project_id.cmp(&b.project_id).then(b.date.cmp(&a.date)),
                    _ => a.status.cmp(&b.status).then(b.date.cmp(&a.date)),
                };
                first.then(b.id.cmp(&a.id))
            });
            let expected: Vec<&String> = expected.iter().map(|i| &i.id).collect();
            assert_eq!(
                seen.iter().collect::<Vec<_>>(),
                expected,
                "{backend:?} {sort}: the list's order"
            );
            // Its register (导出 Excel) holds the same rows in the same order: more than one
            // of the export's pages of 500, each read next to the last row of the one before.
            assert!(live.len() > 500);
            let (status, bytes, _) = inspector
                .get_bytes(&format!("/inspections/ledger.xlsx?sort={sort}"))
                .await;
            assert_eq!(status, StatusCode::OK, "{backend:?} {sort}");
            let (_, rows) = crate::registers::sheet(bytes);
            let excel_day = |d: chrono::NaiveDate| {
                (d - chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()).num_days() as f64
            };
            let exported: Vec<f64> = rows
                .iter()
                .map(|r| match &r[0] {
                    calamine::Data::DateTime(d) => d.as_f64(),
                    other => panic!("{other:?}"),
                })
                .collect();
            let wanted: Vec<f64> = expected.iter().map(|id| excel_day(live[*id])).collect();
            assert_eq!(exported, wanted, "{backend:?} {sort}: the register's rows");
            // By the pager's own links, each page read next to the row before it (after
            // the last row shown, before the first): the same pages forwards, and back.
            let mut url = format!("/inspections?sort={sort}");
            let mut pages = Vec::new();
            loop {
                let (status, html) = inspector.get(&url).await;
                assert_eq!(status, StatusCode::OK, "{backend:?} {url}");
                assert!(html.contains(&format!("共 {} 条", live.len())), "{url}");
                pages.push(ids_on(&html));
                let Some(next) = link(&html, "下一页") else {
                    break;
                };
                assert!(next.contains("&after="), "{next}");
                url = next;
            }
            assert_eq!(pages.concat(), seen, "{backend:?} {sort}: forwards");
            let mut back = Vec::new();
            loop {
                let (_, html) = inspector.get(&url).await;
                back.push(ids_on(&html));
                match link(&html, "上一页") {
                    Some(previous) => url = previous,
                    None => break,
                }
            }
            back.reverse();
            assert_eq!(back, pages, "{backend:?} {sort}: backwards");
        }
        // A page next to a row: the rows after it (or before it) in the list's order.
        let bulk = "/inspections?inspector=%E6%89%B9%E9%87%8F%E7%94%B2&sort=date_asc";
        let (_, plain_inspector) = inspector.get(bulk).await;
        let (_, html) = inspector
            .get(&format!("{bulk}&offset=250&after=bulk%20%E6%89%B9_0249"))
            .await;
        assert_eq!(
            ids_on(&html).first().map(String::as_str),
            Some("bulk 批_0250")
        );
        assert!(html.contains("第 251–300 条"), "{backend:?}");
        let (_, html) = inspector
            .get(&format!("{bulk}&offset=200&before=bulk%20%E6%89%B9_0250"))
            .await;
        let ids = ids_on(&html);
        assert_eq!(
            (
                ids.first().map(String::as_str),
                ids.last().map(String::as_str)
            ),
            (Some("bulk 批_0200"), Some("bulk 批_0249"))
        );
        // A row the caller may not see (another enterprise's, another county's) places
        // nothing: the page is read by its offset, whichever side it is asked for.
        let contractor = Client::login(&t, "contractor").await;
        let (_, plain) = contractor.get(bulk).await;
        assert_eq!(
            ids_on(&plain).first().map(String::as_str),
            Some("bulk 批_0000")
        );
        for other in [&t.world.inspection_b, &t.world.inspection_y] {
            for side in ["after", "before"] {
                let (status, html) = contractor.get(&format!("{bulk}&{side}={other}")).await;
                assert_eq!(status, StatusCode::OK);
                assert_eq!(ids_on(&html), ids_on(&plain), "{backend:?} {side}={other}");
            }
        }
        // A position that can be no row's id, or two of them, is named; one that is no
        // row's pages by the offset.
        let (status, html) = inspector.get(&format!("{bulk}&after=..%2F..%2Fx")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(ids_on(&html), ids_on(&plain_inspector));
        let (status, _) = inspector.get("/inspections?after=a%01b").await;
        assert!(status.is_client_error(), "a control character: {status}");
        for bad in ["after=a&before=b", &format!("after={}", "a".repeat(65))] {
            let (status, html) = inspector.get(&format!("/inspections?{bad}")).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
            assert!(html.contains("分页位置"), "{bad}");
        }
        // Nonsense is named, not shown as an empty list.
        let (status, html) = inspector
            .get("/inspections?sort=colour&from=2024-02-30")
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("没有这种排序方式") && html.contains("起始日期"));
    }
}

/// The address of a pager's link labelled `label` (下一页, 上一页), if the page has one.
fn link(html: &str, label: &str) -> Option<String> {
    let end = html.find(&format!("\">{label}</a>"))?;
    let start = html[..end].rfind("href=\"")? + "href=\"".len();
    Some(html[start..end].replace("&amp;", "&"))
}

fn existing_of(list: &serde_json::Value, project: &str) -> u64 {
    list.as_array()
        .unwrap()
        .iter()
        .filter(|i| i["project_id"] == project)
        .count() as u64
}
