//! 台账 as XLSX: a register read back (calamine) holds the rows of the list it came from,
//! with its filters; a text that looks like a formula comes back as text; a contractor's
//! export holds its own records only.

use crate::common::{Client, seeded_router};
use axum::http::{Method, StatusCode};
use calamine::{Data, Reader, Xlsx};
use jianguan_testkit::backends;
use serde_json::json;

pub(crate) fn sheet(bytes: Vec<u8>) -> (Vec<String>, Vec<Vec<Data>>) {
    let mut x: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let name = x.sheet_names()[0].clone();
    let range = x.worksheet_range(&name).unwrap();
    let mut rows = range.rows();
    let headers = rows.next().unwrap().iter().map(|c| c.to_string()).collect();
    (headers, rows.map(|r| r.to_vec()).collect())
}

#[tokio::test]
async fn a_register_reads_back_as_the_list_it_came_from() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let inspector = Client::login(&t, "inspector").await;
        // The projects of one system: the same names as the list.
        let (_, list) = inspector
            .get_json("/api/v1/projects?system=logistics&limit=500")
            .await;
        let mut listed: Vec<String> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect();
        let (status, bytes, headers) = inspector
            .get_bytes("/projects/ledger.xlsx?system=logistics")
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            headers[axum::http::header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .contains("filename*=UTF-8''")
        );
        let (head, rows) = sheet(bytes);
        assert_eq!(head[0], "项目名称");
        let mut exported: Vec<String> = rows.iter().map(|r| r[0].to_string()).collect();
        listed.sort();
        exported.sort();
        assert!(!listed.is_empty());
        assert_eq!(exported, listed);
        // Amounts and dates are numbers and dates, not text.
        assert!(rows.iter().all(|r| matches!(r[5], Data::Float(_))));
        assert!(rows.iter().all(|r| matches!(r[6], Data::DateTime(_))));

        // A title that looks like a formula stays text.
        let deadline = (t.app.today() + chrono::Days::new(30)).to_string();
        let (status, _) = inspector
            .json(
                Method::POST,
                "/api/v1/orders",
                json!({"project_id": t.world.project_a, "title": "=HYPERLINK(\"http://x\",\"点我\")", "requirements": "整改", "deadline": deadline}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, bytes, _) = inspector.get_bytes("/api/v1/registers/orders").await;
        assert_eq!(status, StatusCode::OK);
        let (_, rows) = sheet(bytes);
        assert!(
            rows.iter()
                .any(|r| r[0] == Data::String("=HYPERLINK(\"http://x\",\"点我\")".into())),
            "the title comes back as text"
        );
        // Every register answers; an unknown one is named.
        for kind in [
            "inspections",
            "sanctions",
            "licences",
            "training-classes",
            "data-reports",
        ] {
            let (status, bytes, _) = inspector
                .get_bytes(&format!("/api/v1/registers/{kind}"))
                .await;
            assert_eq!(status, StatusCode::OK, "{kind}");
            assert!(bytes.starts_with(b"PK"), "{kind}");
        }
        let (status, _) = inspector.get_json("/api/v1/registers/secrets").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        // A bad filter on the page's export is named, as on the list.
        let (status, _, _) = inspector
            .get_bytes("/inspections/ledger.xlsx?from=昨天")
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        // A contractor's export holds its own enterprise's only.
        let contractor = Client::login(&t, "contractor").await;
        let (status, bytes, _) = contractor.get_bytes("/orders/ledger.xlsx?all=1").await;
        assert_eq!(status, StatusCode::OK);
        let (_, rows) = sheet(bytes);
        assert!(!rows.is_empty());
        assert!(
            rows.iter()
                .all(|r| r[2] == Data::String("交城县晋商电子商务服务有限公司".into())),
            "{rows:?}"
        );
    }
}
