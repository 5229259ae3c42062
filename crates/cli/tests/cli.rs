//! The binary as an operator uses it.

#![allow(clippy::unwrap_used)]

use jianguan_store::{Store, execute_raw};
use jianguan_testkit::{Backend, TestDb, backends};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};

#[path = "suite/http1.rs"]
mod http1;
#[path = "suite/resources.rs"]
mod resources;
#[path = "suite/two_servers.rs"]
mod two_servers;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jianguan"));
    c.env_remove("JIANGUAN_DATA_DIR")
        .env_remove("JIANGUAN_DATABASE_URL")
        .env("JIANGUAN_LOG", "warn");
    c
}

// The caller kills and waits for the child; on a panic here the test fails anyway.
#[allow(clippy::zombie_processes)]
/// Starts `demo` on a free port, returns what it printed up to "已启动" and the address.
fn start_demo(dir: &Path) -> (std::process::Child, String, String) {
    let mut child = bin()
        .args(["demo", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start demo");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut printed = String::new();
    loop {
        let mut line = String::new();
        if out.read_line(&mut line).expect("read") == 0 {
            let status = child.wait();
            panic!("demo exited early ({status:?}): {printed}");
        }
        printed.push_str(&line);
        if let Some(url) = line.trim().strip_prefix("jianguan 已启动：") {
            let addr = url
                .trim_start_matches("http://")
                .trim_end_matches('/')
                .to_string();
            return (child, printed, addr);
        }
    }
}

fn http_get(addr: &str, path: &str) -> String {
    let mut s = TcpStream::connect(addr).expect("connect");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = String::new();
    s.read_to_string(&mut buf).unwrap();
    buf
}

#[test]
fn demo_seeds_once_prints_logins_and_serves() {
    let dir = std::env::temp_dir().join(format!("jianguan-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (mut child, printed, addr) = start_demo(&dir);
    assert!(printed.contains("已生成交城县演示数据"), "{printed}");
    for account in [
        "admin",
        "chief",
        "inspector",
        "viewer",
        "contractor",
        "contractor2",
        "jianguan-demo",
    ] {
        assert!(
            printed.contains(account),
            "{account} not printed: {printed}"
        );
    }
    let page = http_get(&addr, "/login");
    assert!(
        page.starts_with("HTTP/1.1 200") && page.contains("日常监管系统"),
        "{page}"
    );
    child.kill().ok();
    child.wait().ok();

    let (mut child, printed, _) = start_demo(&dir);
    assert!(
        printed.contains("演示数据已存在"),
        "second start must reuse the data: {printed}"
    );
    child.kill().ok();
    child.wait().ok();

    let out = bin()
        .args(["audit", "verify", "--data-dir"])
        .arg(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("校验通过"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

fn verify(url: &str) -> (Option<i32>, String) {
    let out = bin()
        .args(["audit", "verify", "--database-url", url])
        .output()
        .unwrap();
    (
        out.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn audit_verify_passes_on_the_demo_and_fails_on_a_tampered_copy() {
    for backend in backends() {
        let db = TestDb::new(backend).await;
        let store = db.store().await;
        jianguan_app::demo::seed(&jianguan_app::App::new(store.clone()))
            .await
            .unwrap();
        let url = db.url.replace("?mode=rwc", "");
        let (code, text) = verify(&url);
        assert_eq!(code, Some(0), "{backend:?}: {text}");

        let tampered = match backend {
            // A copy of the file, tampered with; the original stays intact.
            Backend::Sqlite => {
                execute_raw(store.housekeeping(), "PRAGMA wal_checkpoint(TRUNCATE)")
                    .await
                    .unwrap();
                let src = db.sqlite_path().unwrap();
                let copy = src.with_file_name("copy.db");
                std::fs::copy(&src, &copy).unwrap();
                format!("sqlite://{}", copy.display())
            }
            Backend::Postgres => url.clone(),
        };
        let target = Store::open(&tampered).await.unwrap();
        execute_raw(
            target.housekeeping(),
            "UPDATE audit_log SET actor_name = '冒名' WHERE seq = 7",
        )
        .await
        .unwrap();
        target.close().await;
        let (code, text) = verify(&tampered);
        assert_eq!(code, Some(1), "{backend:?}: {text}");
        assert!(text.contains("第 7 条"), "{text}");
        if backend == Backend::Sqlite {
            assert_eq!(verify(&url).0, Some(0), "the original is untouched");
        }
    }
}

#[test]
fn database_urls_that_would_lose_data_are_refused() {
    let out = bin()
        .args([
            "audit",
            "verify",
            "--database-url",
            "/tmp/jianguan-no-scheme.db",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sqlite://"));
    let missing = format!("sqlite:///tmp/jianguan-missing-{}.db", std::process::id());
    let out = bin()
        .args(["serve", "--database-url", &missing])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("不存在"));
}

#[test]
fn users_are_added_from_the_command_line_with_the_password_on_stdin() {
    let dir = std::env::temp_dir().join(format!("jianguan-cli-user-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let add = |pw: &str| {
        let mut child = bin()
            .args([
                "user",
                "add",
                "--username",
                "root",
                "--name",
                "管理员",
                "--role",
                "admin",
                "--data-dir",
            ])
            .arg(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(pw.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let short = add("short\n");
    assert_eq!(short.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&short.stderr).contains("密码至少 8 位"));
    let ok = add("a-long-password\n");
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let again = add("a-long-password\n");
    assert!(String::from_utf8_lossy(&again.stderr).contains("已被使用"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A county-year (fixtures/scenario-2026.json) imported through the CLI, and the docket
/// checked at five dates. The expectations were worked out by hand from regulation.md's
/// precise definitions; the reasoning is beside each line.
#[test]
fn scenario_county_year_docket_at_five_dates() {
    let dir = std::env::temp_dir().join(format!("jianguan-scenario-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scenario-2026.json");
    let import = |file: &Path| {
        bin()
            .args(["import", "--file"])
            .arg(file)
            .arg("--data-dir")
            .arg(&dir)
            .output()
            .unwrap()
    };
    let out = import(&fixture);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("新增 40 条"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The same file again: nothing new.
    let again = import(&fixture);
    assert!(String::from_utf8_lossy(&again.stdout).contains("新增 0 条，更新 0 条，未变 40 条"));

    let check = |date: &str| -> Vec<(String, String, String, String)> {
        let out = bin()
            .args([
                "check",
                "--as-of",
                date,
                "--format",
                "json",
                "--county",
                "141122",
                "--data-dir",
            ])
            .arg(&dir)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        let rows: Vec<_> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["subject"]["id"].as_str().unwrap().to_string(),
                    f["period"].as_str().unwrap_or("").to_string(),
                    f["severity"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(out.status.code(), Some(if rows.is_empty() { 0 } else { 1 }));
        rows
    };
    let expect = |date: &str, mut want: Vec<(&str, &str, &str, &str)>| {
        let mut got = check(date);
        got.sort();
        want.sort();
        let want: Vec<(String, String, String, String)> = want
            .into_iter()
            .map(|(a, b, c, d)| (a.into(), b.into(), c.into(), d.into()))
            .collect();
        assert_eq!(got, want, "docket on {date}");
    };

    // 31 Mar: PA planned 50 % (milestone), known report is February's 35 % (March's comes
    // 3 Apr): 15 behind → deviation. Q1 has its two construction inspections. PB not started.
    expect(
        "2026-03-31",
        vec![("progress.deviation", "sc-pa", "", "warning")],
    );

    // 1 Apr: still 35 % known, planned 50.5 %. Q2 begins for both projects with nothing done.
    expect(
        "2026-04-01",
        vec![
            ("progress.deviation", "sc-pa", "", "warning"),
            (
                "inspection.construction_quota",
                "sc-pa",
                "2026-Q2",
                "warning",
            ),
            (
                "inspection.construction_quota",
                "sc-pb",
                "2026-Q2",
                "warning",
            ),
        ],
    );

    // 16 May: PA planned 75.3 %, April's report 60 % → 15.3 behind. PB planned 15 %, April's
    // report 8 % → 7 behind, nothing. PA has one Q2 inspection of two. The food licence of E2
    // ends 10 Jun: 25 days left.
    expect(
        "2026-05-16",
        vec![
            ("progress.deviation", "sc-pa", "", "warning"),
            (
                "inspection.construction_quota",
                "sc-pa",
                "2026-Q2",
                "warning",
            ),
            (
                "inspection.construction_quota",
                "sc-pb",
                "2026-Q2",
                "warning",
            ),
            (
                "qualification.expiring",
                "sc-e2",
                "food_business",
                "warning",
            ),
        ],
    );

    // 2 Jul: PA's construction ended 30 Jun with May's report never sent (due 5 Jun) and one
    // Q2 inspection of two; it operates from 1 Jul (July needs 2) and awaits evaluation. PB:
    // planned 30.9 %, May's 18 % is the latest known → 12.9 behind; its Q2 is complete, Q3 has
    // begun. E2's food licence has expired. The order due 31 May is 32 days late: overdue and
    // escalated.
    expect(
        "2026-07-02",
        vec![
            ("progress.report_missing", "sc-pa", "2026-05", "warning"),
            (
                "inspection.construction_quota",
                "sc-pa",
                "2026-Q2",
                "serious",
            ),
            ("inspection.operation_quota", "sc-pa", "2026-07", "warning"),
            ("performance.evaluation_due", "sc-pa", "", "warning"),
            ("progress.deviation", "sc-pb", "", "warning"),
            (
                "inspection.construction_quota",
                "sc-pb",
                "2026-Q3",
                "warning",
            ),
            (
                "qualification.invalid",
                "sc-e2",
                "food_business|hygiene",
                "serious",
            ),
            ("rectification.overdue", "sc-order-1", "", "serious"),
            ("rectification.escalate", "sc-order-1", "", "critical"),
        ],
    );

    // 12 Oct: PA evaluated on 20 Jul; August had one operations inspection, October has one
    // so far; the 15 Jul payment had no funds inspection by 14 Aug. E1's data: August 2 days
    // late, September missing (due 10 Oct) → two in six months: uncooperative; August's orders
    // are 6 × July's. PB: planned 73.9 %, September's 38 % → 35.9 behind and under 40 %:
    // severe lag (not deviation); one Q3 inspection of two; Q4 has begun. The tip-off of
    // 20 Sep was due a reply by 5 Oct.
    expect(
        "2026-10-12",
        vec![
            ("progress.report_missing", "sc-pa", "2026-05", "warning"),
            (
                "inspection.construction_quota",
                "sc-pa",
                "2026-Q2",
                "serious",
            ),
            ("inspection.operation_quota", "sc-pa", "2026-08", "serious"),
            ("inspection.operation_quota", "sc-pa", "2026-10", "warning"),
            ("inspection.funds_followup", "sc-disb-2", "", "serious"),
            ("data.report_late", "sc-e1", "2026-08", "warning"),
            ("data.report_late", "sc-e1", "2026-09", "warning"),
            ("data.uncooperative", "sc-e1", "", "serious"),
            (
                "data.report_suspicious",
                "sc-e1",
                "2026-08:orders",
                "warning",
            ),
            ("progress.severe_lag", "sc-pb", "", "serious"),
            (
                "inspection.construction_quota",
                "sc-pb",
                "2026-Q3",
                "serious",
            ),
            (
                "inspection.construction_quota",
                "sc-pb",
                "2026-Q4",
                "warning",
            ),
            (
                "qualification.invalid",
                "sc-e2",
                "food_business|hygiene",
                "serious",
            ),
            ("rectification.overdue", "sc-order-1", "", "serious"),
            ("rectification.escalate", "sc-order-1", "", "critical"),
            ("tipoff.unanswered", "sc-tip-1", "", "warning"),
        ],
    );

    // Export and re-import: the same records, nothing changes.
    let exported = dir.join("export.json");
    let out = bin()
        .args(["export", "--county", "141122", "--output"])
        .arg(&exported)
        .arg("--data-dir")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let back = import(&exported);
    assert!(
        String::from_utf8_lossy(&back.stdout).contains("新增 0 条，更新 0 条"),
        "{}",
        String::from_utf8_lossy(&back.stdout)
    );
    let a: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&fixture).unwrap()).unwrap();
    let b: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&exported).unwrap()).unwrap();
    for table in [
        "enterprises",
        "projects",
        "inspections",
        "progress_reports",
        "data_reports",
        "licences",
    ] {
        let ids = |v: &serde_json::Value| -> Vec<String> {
            let mut x: Vec<String> = v[table]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_string())
                .collect();
            x.sort();
            x
        };
        assert_eq!(ids(&a), ids(&b), "{table}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A bundle with errors in several places: every one is listed with its path, and nothing
/// at all is written.
#[test]
fn an_invalid_bundle_lists_every_error_and_writes_nothing() {
    let dir = std::env::temp_dir().join(format!("jianguan-badimport-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scenario-2026.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture).unwrap()).unwrap();
    v["enterprises"][1]["uscc"] = serde_json::json!("91141100MA0L1F6G34");
    v["projects"][0]["construction_end"] = serde_json::json!("2025-12-31");
    v["inspections"][3]["kinds"] = serde_json::json!(["sightseeing"]);
    v["progress_reports"][0]["project_id"] = serde_json::json!("no-such-project");
    v["tipoffs"][0]["mood"] = serde_json::json!("angry");
    v["disbursements"][0]["amount_fen"] = serde_json::json!("五十万");
    let bad = dir.with_extension("json");
    std::fs::write(&bad, v.to_string()).unwrap();
    let out = bin()
        .args(["import", "--file"])
        .arg(&bad)
        .arg("--data-dir")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    for path in [
        "$.enterprises[1].uscc",
        "$.projects[0].construction_end",
        "$.inspections[3].kinds",
        "$.progress_reports[0].project_id",
        "$.tipoffs[0].mood",
        "$.disbursements[0].amount_fen",
    ] {
        assert!(err.contains(path), "{path} not reported:\n{err}");
    }
    assert!(err.contains("未导入任何记录"));
    let out = bin()
        .args(["export", "--data-dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("没有任何县"),
        "something was written"
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(bad);
}

/// A checkpoint exported to a file catches a history rewritten with every hash after the
/// change recomputed, which the chain alone cannot.
#[tokio::test(flavor = "multi_thread")]
async fn a_checkpoint_kept_elsewhere_catches_a_rewritten_history() {
    let dir = std::env::temp_dir().join(format!("jianguan-cp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("jianguan.db").display());
    let store = Store::open(&url).await.unwrap();
    jianguan_app::demo::seed(&jianguan_app::App::new(store.clone()))
        .await
        .unwrap();
    store.close().await;
    let file = dir.join("checkpoint.json");
    let out = bin()
        .args(["audit", "checkpoint", "--data-dir"])
        .arg(&dir)
        .arg("--output")
        .arg(&file)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("已签署检查点") && file.exists(), "{text}");
    assert!(dir.join("audit-signing.key").exists());
    let run = |extra: &[&std::ffi::OsStr]| {
        let out = bin()
            .args(["audit", "verify", "--data-dir"])
            .arg(&dir)
            .args(extra)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, text) = run(&[]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("1 个检查点"), "{text}");

    // Row 5 rewritten, every hash after it recomputed, the checkpoints in the database
    // removed: the chain alone passes…
    let store = Store::open(&url).await.unwrap();
    jianguan_testkit::rewrite_history_from(&store, 5).await;
    let c = store.housekeeping();
    execute_raw(c, "DELETE FROM audit_checkpoints")
        .await
        .unwrap();
    store.close().await;
    let (code, text) = run(&[]);
    assert_eq!(code, Some(0), "a bare chain cannot tell: {text}");
    // … and the checkpoint file does not.
    let (code, text) = run(&[std::ffi::OsStr::new("--checkpoint"), file.as_os_str()]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("历史被改写"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A backup taken while the server runs and writers keep writing restores into a fresh
/// directory with its audit chain whole, its records counted as at the backup, and the
/// photos its rows refer to.
#[test]
fn a_backup_taken_while_serving_restores_whole() {
    use http1::Browser;
    let base = std::env::temp_dir().join(format!("jianguan-bak-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let (a, b) = (base.join("a"), base.join("b"));
    let (child, _, addr) = start_demo(&a);
    let mut child = child;
    let inspector = Browser::login(&addr, "inspector", jianguan_testkit::DEMO_PASSWORD);
    let project = {
        let v: serde_json::Value =
            serde_json::from_slice(&inspector.get("/api/v1/projects?limit=1").body).unwrap();
        v["items"][0]["id"].as_str().unwrap().to_string()
    };
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .date_naive()
        .to_string();
    let make = |kinds: &str| {
        let r = inspector.send(
            "POST",
            "/api/v1/inspections",
            "application/json",
            serde_json::json!({"project_id": project, "kinds": [kinds], "date": today,
                               "inspectors": ["李检查", "周组员"], "methods": ["on_site"]})
            .to_string()
            .as_bytes(),
        );
        assert_eq!(r.status, 201, "{}", r.text());
        serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let id = make("construction");
    let photo = jianguan_testkit::sample_png(40, 30);
    let r = inspector.send(
        "POST",
        &format!("/api/v1/inspections/{id}/photos?name=a.png"),
        "image/png",
        &photo,
    );
    assert_eq!(r.status, 201, "{}", r.text());
    // Writers go on while the backup is taken.
    let stop = std::sync::atomic::AtomicBool::new(false);
    let out = std::thread::scope(|s| {
        s.spawn(|| {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                make("operations");
            }
        });
        let out = bin()
            .args(["backup", "--data-dir"])
            .arg(&a)
            .arg("--output")
            .arg(base.join("backup.zip"))
            .output()
            .unwrap();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        out
    });
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("证据文件 3 个"), "{text}");
    child.kill().ok();
    child.wait().ok();

    let restore = |dir: &Path| {
        bin()
            .args(["restore", "--input"])
            .arg(base.join("backup.zip"))
            .arg("--data-dir")
            .arg(dir)
            .output()
            .unwrap()
    };
    let out = restore(&b);
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("校验通过") && text.contains("与备份一致"),
        "{text}"
    );
    let sha = jianguan_files::photo::sha256_hex(&photo);
    let original = b.join("files/originals").join(&sha[..2]).join(&sha);
    assert_eq!(std::fs::read(original).unwrap(), photo);
    let verify = bin()
        .args(["audit", "verify", "--data-dir"])
        .arg(&b)
        .output()
        .unwrap();
    assert_eq!(
        verify.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
    // A restore never overwrites a database.
    let out = restore(&b);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("不会覆盖"));
    let _ = std::fs::remove_dir_all(&base);
}

/// `dossier build` on the demo's data directory, `dossier verify` with no database: it
/// passes, and a changed byte in the file makes it fail naming what does not match.
#[tokio::test(flavor = "multi_thread")]
async fn a_dossier_built_from_the_command_line_verifies_without_the_database() {
    let dir = std::env::temp_dir().join(format!("jianguan-dossier-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open(&format!(
        "sqlite://{}?mode=rwc",
        dir.join("jianguan.db").display()
    ))
    .await
    .unwrap();
    let app = jianguan_app::App::new(store.clone())
        .with_files(jianguan_files::FileStore::local(dir.join("files")));
    jianguan_app::demo::seed(&app).await.unwrap();
    // A demo project.
    let admin = jianguan_app::Actor {
        user_id: "t".into(),
        username: "t".into(),
        display_name: "t".into(),
        role: jianguan_app::Role::Admin,
        county_code: None,
        enterprise_id: None,
    };
    let filter = jianguan_store::queries::ListFilter {
        limit: 1,
        ..Default::default()
    };
    let found = jianguan_app::records::projects(&app, &admin, &filter)
        .await
        .unwrap();
    let project = found.items[0].id.clone();
    store.close().await;

    let zip = dir.join("档案.zip");
    // Neither a project nor a programme: refused before anything is written.
    let out = bin()
        .args(["dossier", "build", "--data-dir"])
        .arg(&dir)
        .arg("--output")
        .arg(&zip)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!zip.exists());
    let out = bin()
        .args(["dossier", "build", "--data-dir"])
        .arg(&dir)
        .args(["--project", &project, "--output"])
        .arg(&zip)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("已生成"), "{text}");

    let check = |path: &Path| {
        let out = bin()
            .args(["dossier", "verify"])
            .arg(path)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, text) = check(&zip);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("校验通过"), "{text}");

    // One byte changed in the middle of the file (inside some entry's data).
    let mut bytes = std::fs::read(&zip).unwrap();
    let mid = bytes.len() / 3;
    bytes[mid] ^= 0x55;
    let bad = dir.join("changed.zip");
    std::fs::write(&bad, &bytes).unwrap();
    let (code, text) = check(&bad);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("校验未通过"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
