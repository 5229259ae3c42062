//! The binary as an operator uses it.

#![allow(clippy::unwrap_used)]

use jianguan_store::{Store, execute_raw};
use jianguan_testkit::{Backend, TestDb, backends};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};

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
