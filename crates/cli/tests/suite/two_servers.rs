//! Two app servers on one PostgreSQL database and one S3-compatible bucket, as a province
//! runs them behind a load balancer: the daily docket runs on one of them only, a session
//! made on one works on the other, a photo uploaded through one is served by the other.

use super::http1::Browser;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

struct Server {
    child: Child,
    addr: String,
    log: std::path::PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

// The child is killed and waited for by `Server`'s Drop.
#[allow(clippy::zombie_processes)]
fn start(command: &str, db: &str, files: &str, dir: &std::path::Path) -> Server {
    std::fs::create_dir_all(dir).unwrap();
    let log = dir.join("server.log");
    let mut child = super::bin()
        .args([
            command,
            "--listen",
            "127.0.0.1:0",
            "--docket-at",
            "00:00",
            "--database-url",
            db,
            "--files-url",
            files,
            "--data-dir",
        ])
        .arg(dir)
        .env("JIANGUAN_LOG", "info,sqlx=warn,sea_orm=warn")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("start");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "{command} exited early"
        );
        if let Some(url) = line.trim().strip_prefix("jianguan 已启动：") {
            let addr = url
                .trim_start_matches("http://")
                .trim_end_matches('/')
                .to_string();
            return Server { child, addr, log };
        }
    }
}

/// How many of the servers have run the daily docket (it logs each run).
fn daily_runs(servers: &[&Server]) -> usize {
    servers
        .iter()
        .filter(|s| {
            std::fs::read_to_string(&s.log)
                .unwrap_or_default()
                .contains("daily docket")
        })
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn two_servers_on_one_database_and_bucket_act_as_one() {
    let (Ok(_), Ok(bucket)) = (
        std::env::var(jianguan_testkit::PG_ENV),
        std::env::var(jianguan_testkit::FILES_ENV),
    ) else {
        if std::env::var("CI").is_ok() {
            panic!("CI must run the two-server test: PostgreSQL and the S3 bucket are both needed");
        }
        eprintln!(
            "note: two-server test needs {} and {}; not run",
            jianguan_testkit::PG_ENV,
            jianguan_testkit::FILES_ENV
        );
        return;
    };
    let db = jianguan_testkit::TestDb::new(jianguan_testkit::Backend::Postgres).await;
    let files = format!(
        "{}/two-servers-{}",
        bucket.trim_end_matches('/'),
        std::process::id()
    );
    let base = std::env::temp_dir().join(format!("jianguan-two-{}", std::process::id()));
    let a = start("demo", &db.url, &files, &base.join("a"));
    let b = start("serve", &db.url, &files, &base.join("b"));

    // A session made on A is a session on B.
    let on_a = Browser::login(&a.addr, "inspector", jianguan_testkit::DEMO_PASSWORD);
    let on_b = Browser {
        addr: b.addr.clone(),
        ..on_a.clone()
    };
    assert_eq!(
        on_b.get("/account").status,
        200,
        "B does not know A's session"
    );

    // An inspection made through B, its photo uploaded through A, served by B.
    let project = {
        let v: serde_json::Value =
            serde_json::from_slice(&on_b.get("/api/v1/projects?limit=1").body).unwrap();
        v["items"][0]["id"].as_str().unwrap().to_string()
    };
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .date_naive()
        .to_string();
    let r = on_b.send(
        "POST",
        "/api/v1/inspections",
        "application/json",
        serde_json::json!({"project_id": project, "kinds": ["construction"], "date": today,
                           "inspectors": ["李检查", "周组员"], "methods": ["on_site"]})
        .to_string()
        .as_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let id = serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let photo = jianguan_testkit::sample_png(64, 48);
    let r = on_a.send(
        "POST",
        &format!("/api/v1/inspections/{id}/photos?name=a.png"),
        "image/png",
        &photo,
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let photo_id = serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let served = on_b.get(&format!("/photos/{photo_id}/original"));
    assert_eq!(served.status, 200);
    assert_eq!(served.body, photo, "B serves what A stored");
    assert_eq!(on_b.get(&format!("/photos/{photo_id}/thumb")).status, 200);

    // The daily docket (due at 00:00, so due now) ran on exactly one of them.
    let mut runs = 0;
    for _ in 0..50 {
        runs = daily_runs(&[&a, &b]);
        if runs > 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    // Give the other server its chance to (wrongly) run it too.
    std::thread::sleep(std::time::Duration::from_secs(2));
    let runs_now = daily_runs(&[&a, &b]);
    assert_eq!(
        (runs, runs_now),
        (1, 1),
        "the daily docket must run on one server"
    );
    drop(a);
    drop(b);
    let _ = std::fs::remove_dir_all(&base);
}
