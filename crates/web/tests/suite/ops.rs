//! What the operator relies on: a request id that joins what the user saw to the log,
//! health for the load balancer, metrics for Prometheus.

use crate::common::{Client, seeded_router};
use axum::http::{Method, StatusCode};
use serde_json::json;
use std::sync::{Arc, Mutex, OnceLock};

/// Every log line of this test binary, for the tests that look for one.
pub(crate) fn log() -> Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let writer = buf.clone();
        let _ = tracing_subscriber::fmt()
            .with_env_filter("info")
            .with_ansi(false)
            .with_writer(move || Writer(writer.clone()))
            .try_init();
        buf
    })
    .clone()
}

struct Writer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Writer {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_failing_request_shows_the_id_that_its_log_lines_carry() {
    let log = log();
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let inspector = Client::login(&t, "inspector").await;
    // The database loses a table under the running server.
    jianguan_store::execute_raw(t.app.store.housekeeping(), "DROP TABLE notifications")
        .await
        .unwrap();
    let (status, html, headers) = inspector.get_with_headers("/notifications").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    let id = headers["x-request-id"].to_str().unwrap().to_string();
    assert_eq!(id.len(), 16);
    assert!(
        html.contains(&format!("请求编号：<code>{id}</code>")),
        "{html}"
    );
    let text = String::from_utf8_lossy(&log.lock().unwrap()).into_owned();
    let line = text
        .lines()
        .find(|l| l.contains("internal error") && l.contains(&id))
        .unwrap_or_else(|| panic!("no log line of {id} names the cause"));
    assert!(
        line.contains("notifications"),
        "the cause is logged: {line}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains(&id) && l.contains("status=500"))
    );
    // The API's errors carry the id too.
    let (_, v) = inspector.get_json("/api/v1/notifications").await;
    assert_eq!(v["request_id"].as_str().map(str::len), Some(16), "{v}");
}

#[tokio::test]
async fn health_and_metrics_answer_those_who_may_ask() {
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let (status, v) = Client::anonymous(&t).get_json("/healthz").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v, json!({"status": "ok", "database": "ok", "files": "ok"}));
    let admin = Client::login(&t, "admin").await;
    let (_, tok) = admin
        .json(
            Method::POST,
            "/api/v1/tokens",
            json!({"name": "Prometheus"}),
        )
        .await;
    let scraper = Client::bearer(&t, tok["token"].as_str().unwrap());
    let (status, text) = scraper.get("/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        text.contains(
            "jianguan_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"}"
        ),
        "{text}"
    );
    assert!(text.contains("jianguan_heavy_jobs_capacity"));
    for who in ["inspector", "viewer", "contractor"] {
        let (status, _) = Client::login(&t, who).await.get("/metrics").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
    }
    // Files that cannot be written make the server unhealthy, and say which part failed.
    let mut t = t;
    let broken = jianguan_files::FileStore::local("/proc/jianguan-cannot-write-here");
    t.set_app(t.app.clone().with_files(broken));
    let (status, v) = Client::anonymous(&t).get_json("/healthz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(v["files"], "failed");
    assert_eq!(v["database"], "ok");
}

/// A server killed between storing an upload's files and writing its row finds the files
/// again when it starts and takes them back; files a record refers to stay.
#[tokio::test]
async fn files_of_an_upload_left_half_done_are_taken_back_at_start() {
    use jianguan_store::entity::{photo, upload_intent};
    use jianguan_store::sea::EntityTrait;
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let app = &t.app;
    let kept = photo::Entity::find_by_id(t.world.photo_b.clone())
        .one(app.store.reader())
        .await
        .unwrap()
        .unwrap();
    let orphan = jianguan_files::photo::sha256_hex(b"half-done upload");
    let keys = vec![
        format!("originals/{orphan}"),
        format!("thumbs/{orphan}.jpg"),
        format!("originals/{}", kept.sha256),
    ];
    for k in &keys[..2] {
        app.files.put(k, b"x").await.unwrap();
    }
    jianguan_store::rows::insert(
        app.store.housekeeping(),
        upload_intent::Model {
            id: "crashed-upload".into(),
            server: app.instance.clone(),
            keys: serde_json::to_string(&keys).unwrap(),
            created_at: app.now(),
        },
    )
    .await
    .unwrap();
    // Another server's intent of a minute ago: it may still be uploading.
    jianguan_store::rows::insert(
        app.store.housekeeping(),
        upload_intent::Model {
            id: "elsewhere".into(),
            server: "another-server".into(),
            keys: serde_json::to_string(&keys[..1]).unwrap(),
            created_at: app.now() - chrono::Duration::minutes(1),
        },
    )
    .await
    .unwrap();
    let removed = jianguan_app::evidence::recover_uploads(app, chrono::Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(removed, 2);
    let left = app.files.keys().await.unwrap();
    assert!(!left.iter().any(|k| k.contains(&orphan)), "{left:?}");
    assert!(left.contains(&keys[2]), "the recorded photo's file stays");
    let intents = upload_intent::Entity::find()
        .all(app.store.reader())
        .await
        .unwrap();
    assert_eq!(
        intents.len(),
        1,
        "another server's recent intent is left to it"
    );
    jianguan_testkit::assert_audit_intact(&app.store).await;
}

/// A JSON column edited outside the product is an error naming the row, on the page and in
/// the API, never a record shown with its lists empty.
#[tokio::test]
async fn a_corrupt_json_column_is_reported_with_its_row_never_shown_as_empty() {
    use jianguan_store::sea::EntityTrait;
    for backend in jianguan_testkit::backends() {
        let t = seeded_router(backend).await;
        let inspector = Client::login(&t, "inspector").await;
        let i = jianguan_store::entity::inspection::Entity::find()
            .one(t.app.store.reader())
            .await
            .unwrap()
            .unwrap();
        let (status, page) = inspector.get(&format!("/inspections/{}", i.id)).await;
        assert_eq!(status, StatusCode::OK, "{backend:?}");
        assert!(page.contains("检查人员"), "{backend:?}");
        jianguan_store::execute_raw(
            t.app.store.housekeeping(),
            &format!(
                "UPDATE inspections SET inspectors = '[\"王检查\"' WHERE id = '{}'",
                i.id
            ),
        )
        .await
        .unwrap();
        let (status, page) = inspector.get(&format!("/inspections/{}", i.id)).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{backend:?}");
        let named = format!("inspections {} 的 inspectors", i.id);
        assert!(
            page.contains("记录已损坏") && page.contains(&named),
            "{backend:?}: {page}"
        );
        let (status, v) = inspector
            .get_json(&format!("/api/v1/inspections/{}", i.id))
            .await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(v["error"], "corrupt_record", "{v}");
        assert!(v["message"].as_str().unwrap().contains(&named), "{v}");
        // The list that shows the row says so too, rather than a blank inspector column.
        let (status, _) = inspector
            .get(&format!(
                "/inspections?project_id={}&from={d}&to={d}",
                i.project_id,
                d = i.date
            ))
            .await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    }
}

/// An error page for a logged-in person sits inside the layout: the menu, a way back to
/// the page they came from, and the request id; for a visitor it stays a bare page.
#[tokio::test]
async fn error_pages_keep_the_menu_and_a_way_back() {
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let inspector = Client::login(&t, "inspector").await;
    let req = inspector
        .builder(axum::http::Method::GET, "/inspections/no-such-inspection")
        .header(axum::http::header::HOST, "localhost")
        .header(
            axum::http::header::REFERER,
            "http://localhost/docket?area=inspection",
        )
        .body(axum::body::Body::empty())
        .unwrap();
    let (status, _, body) = inspector.send(req).await;
    let html = String::from_utf8_lossy(&body);
    assert_eq!(status, axum::http::StatusCode::NOT_FOUND);
    assert!(
        html.contains("aria-label=\"主菜单\""),
        "no menu on the error page"
    );
    assert!(
        html.contains("href=\"/docket?area=inspection\">返回上一页"),
        "no way back"
    );
    assert!(html.contains("data-testid=\"request-id\""));
    let (status, html) = inspector.get("/no/such/page").await;
    assert_eq!(status, axum::http::StatusCode::NOT_FOUND);
    assert!(html.contains("aria-label=\"主菜单\""));
    let (_, html) = Client::anonymous(&t).get("/no/such/page").await;
    assert!(!html.contains("aria-label=\"主菜单\""));
}
