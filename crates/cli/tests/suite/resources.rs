//! The real server under hostile and heavy uploads: its memory stays bounded while files
//! that claim enormous sizes arrive several at once, and the login page keeps answering
//! while photos are decoded (they run on the blocking pool, a core's worth at a time).

use super::http1::{Browser, send};
use std::time::{Duration, Instant};

/// Resident memory of a process, from /proc: `VmRSS` now or `VmHWM` (its peak), in MB.
fn memory_mb(pid: u32, field: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// What a hostile phase may take at its peak (the whole server, demo data loaded).
const HOSTILE_PEAK_MB: f64 = 300.0;

#[test]
fn hostile_uploads_leave_memory_bounded_and_the_login_page_answers_during_heavy_ones() {
    let dir = std::env::temp_dir().join(format!("jianguan-res-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (child, _, addr) = super::start_demo(&dir);
    let server = KillOnDrop(child);
    let pid = server.0.id();
    let contractor = Browser::login(&addr, "contractor", jianguan_testkit::DEMO_PASSWORD);
    let inspector = Browser::login(&addr, "inspector", jianguan_testkit::DEMO_PASSWORD);
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .date_naive();
    let project = {
        let r = inspector.get("/api/v1/projects?limit=1");
        let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        v["items"][0]["id"].as_str().unwrap().to_string()
    };
    let created = inspector.send(
        "POST",
        "/api/v1/inspections",
        "application/json",
        serde_json::json!({"project_id": project, "kinds": ["construction"], "date": today.to_string(),
                           "inspectors": ["李检查", "周组员"], "methods": ["on_site"]})
        .to_string()
        .as_bytes(),
    );
    assert_eq!(created.status, 201, "{}", created.text());
    let id = serde_json::from_slice::<serde_json::Value>(&created.body).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let photos = format!("/api/v1/inspections/{id}/photos?name=x.jpg");
    let before = memory_mb(pid, "VmRSS");

    // Several hostile files at once, each a few kilobytes that claim gigabytes.
    let sheets = jianguan_testkit::hostile::workbooks(jianguan_documents::xlsx::SHEET);
    let images = [
        jianguan_testkit::hostile::webp_claiming(10_000, 10_000),
        jianguan_testkit::hostile::png_claiming(20_000, 20_000),
        jianguan_testkit::hostile::png_claiming(60_000, 60_000),
    ];
    std::thread::scope(|s| {
        for round in 0..3 {
            for (name, bytes, _) in &sheets {
                let c = contractor.clone();
                s.spawn(move || {
                    let r = c.upload("/data-reports/upload", "file", name, bytes);
                    // Refused for what it is, or (more than the queue holds) told to wait.
                    assert!(
                        matches!(r.status, 422 | 503),
                        "round {round} {name}: {}",
                        r.status
                    );
                });
            }
            for img in &images {
                let (c, path) = (inspector.clone(), photos.clone());
                s.spawn(move || {
                    let r = c.send("POST", &path, "image/png", img);
                    assert!(matches!(r.status, 422 | 503), "{}", r.text());
                });
            }
        }
    });
    let hostile_peak = memory_mb(pid, "VmHWM");
    eprintln!("RSS before {before:.0} MB; peak through the hostile uploads {hostile_peak:.0} MB");
    assert!(
        hostile_peak < HOSTILE_PEAK_MB,
        "the server grew to {hostile_peak:.0} MB on hostile files"
    );

    // Real 24-megapixel photos decoded four at a time (two run, the rest wait their turn),
    // while someone opens the login page.
    let photo = jianguan_testkit::hostile::jpeg(6000, 4000);
    let mut latencies = Vec::new();
    std::thread::scope(|s| {
        let uploads: Vec<_> = (0..4)
            .map(|_| {
                let (c, path, bytes) = (inspector.clone(), photos.clone(), &photo);
                s.spawn(move || {
                    for _ in 0..2 {
                        let r = c.send("POST", &path, "image/jpeg", bytes);
                        assert!(
                            r.status == 201 || r.status == 503,
                            "{} {}",
                            r.status,
                            r.text()
                        );
                    }
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(300));
        while uploads.iter().any(|u| !u.is_finished()) && latencies.len() < 40 {
            let t = Instant::now();
            let r = send(&addr, "GET", "/login", &[], b"").unwrap();
            assert_eq!(r.status, 200);
            latencies.push(t.elapsed());
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    latencies.sort();
    assert!(
        !latencies.is_empty(),
        "the uploads ended before the login page was asked"
    );
    let median = latencies[latencies.len() / 2];
    let worst = *latencies.last().unwrap();
    let heavy_peak = memory_mb(pid, "VmHWM");
    eprintln!(
        "login page while photos decode: {} samples, median {:.1} ms, worst {:.1} ms; peak RSS {heavy_peak:.0} MB",
        latencies.len(),
        median.as_secs_f64() * 1000.0,
        worst.as_secs_f64() * 1000.0
    );
    assert!(median < Duration::from_millis(100), "median {median:?}");
    assert!(worst < Duration::from_millis(1000), "worst {worst:?}");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The server stops with the test, whether it passes or not.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}
