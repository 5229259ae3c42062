//! 验收/审计档案 through the API and the pages, on both backends: built in the background
//! for a project with its records, photo originals, issued documents and audit excerpt; the
//! ZIP verifies without a database; one changed byte of a photo, a record or the manifest
//! is named by `verify`; a contractor cannot build one, and a build is its starter's alone.

use crate::common::{Client, seeded_router};
use axum::http::{Method, StatusCode, header};
use jianguan_app::dossier::{Manifest, verify};
use jianguan_testkit::backends;
use serde_json::{Value, json};
use std::io::{Read, Write};

/// Waits for a build to end and answers its last status.
async fn finished(c: &Client, id: &str) -> Value {
    for _ in 0..600 {
        let (status, j) = c.get_json(&format!("/api/v1/dossier-jobs/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{j}");
        if j["state"] != "running" {
            return j;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the dossier was not built within a minute");
}

/// The ZIP with one entry's bytes changed by `change`, every other entry as it was.
fn rezip(zip: &[u8], name: &str, change: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut a = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut change = Some(change);
    for i in 0..a.len() {
        let mut f = a.by_index(i).unwrap();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        if f.name() == name {
            (change.take().unwrap())(&mut bytes);
        }
        w.start_file(f.name(), zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(&bytes).unwrap();
    }
    assert!(change.is_none(), "{name} is in the dossier");
    w.finish().unwrap().into_inner()
}

/// A file of its own for one ZIP, removed when dropped.
struct Saved(std::path::PathBuf);

impl Saved {
    fn new(zip: &[u8]) -> Self {
        let path = std::env::temp_dir().join(format!("dossier-test-{}.zip", uuid::Uuid::now_v7()));
        std::fs::write(&path, zip).unwrap();
        Saved(path)
    }
}

impl Drop for Saved {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn problems_of(zip: &[u8]) -> Vec<String> {
    verify(&Saved::new(zip).0).unwrap().problems
}

async fn build(c: &Client, project: &str) -> Vec<u8> {
    let (status, j) = c
        .json(
            Method::POST,
            &format!("/api/v1/projects/{project}/dossier"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{j}");
    let id = j["id"].as_str().unwrap().to_string();
    let j = finished(c, &id).await;
    assert_eq!(j["state"], "done", "{j}");
    assert_eq!(j["percent"], 100);
    let (status, zip, headers) = c
        .get_bytes(&format!("/api/v1/dossier-jobs/{id}/file"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/zip");
    assert_eq!(j["bytes"].as_u64().unwrap(), zip.len() as u64);
    zip
}

#[tokio::test]
async fn a_dossier_verifies_and_a_changed_byte_is_named() {
    for backend in backends() {
        let mut t = seeded_router(backend).await;
        let key = jianguan_store::SigningKey::from_bytes(&[7; 32]);
        let app = t.app.clone().with_audit_key(key.clone());
        t.set_app(app);
        let w = t.world.clone();
        t.app.store.checkpoint(&key, t.app.now()).await.unwrap();
        let inspector = Client::login(&t, "inspector").await;
        // A record written after the checkpoint: the chain runs on past it.
        let deadline = (t.app.today() + chrono::Days::new(30)).to_string();
        let (status, o) = inspector
            .json(
                Method::POST,
                "/api/v1/orders",
                json!({"project_id": w.project_b, "title": "补齐站点台账", "requirements": "整改", "deadline": deadline}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{o}");
        let order = o["id"].as_str().unwrap().to_string();
        let (status, d) = inspector
            .json(
                Method::POST,
                "/api/v1/documents",
                json!({"kind": "rectification_notice", "source_id": order}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{d}");

        let zip = build(&inspector, &w.project_b).await;
        let v = verify(&Saved::new(&zip).0).unwrap();
        assert!(v.ok(), "{backend:?}: {:?}", v.problems);
        let m: Manifest = v.manifest.clone().unwrap();
        assert_eq!(
            (m.scope.as_str(), m.subject_id.as_str()),
            ("project", w.project_b.as_str())
        );
        let paths: Vec<&str> = m.files.iter().map(|f| f.path.as_str()).collect();
        for wanted in [
            "records/projects.json",
            "records/projects.xlsx",
            "records/inspections.json",
            "records/rectification_orders.json",
            "records/sanctions.json",
            "records/documents.json",
            "audit/excerpt.jsonl",
            "audit/chain.jsonl",
        ] {
            assert!(paths.contains(&wanted), "{wanted} in {paths:?}");
        }
        let photo = paths
            .iter()
            .find(|p| p.starts_with("files/") && p.contains(&w.photo_b))
            .unwrap_or_else(|| panic!("the inspection's photo original in {paths:?}"))
            .to_string();
        assert!(
            paths
                .iter()
                .any(|p| p.starts_with("documents/") && p.ends_with(".pdf")),
            "the issued notice in {paths:?}"
        );
        assert!(read_entry(&zip, "records/rectification_orders.json").contains(&order));
        assert!(m.checkpoint.is_some(), "the latest checkpoint is carried");
        assert!(v.chain_links > 0 && m.audit.excerpt_rows > 0);
        assert!(
            v.notes.iter().any(|n| n.contains("清单签名有效")),
            "{:?}",
            v.notes
        );
        assert!(
            v.notes.iter().any(|n| n.contains("检查点")),
            "{:?}",
            v.notes
        );
        // Nothing of another project's records.
        let projects = read_entry(&zip, "records/projects.json");
        assert!(!projects.contains(&w.project_a) && projects.contains(&w.project_b));

        // One byte of the photo, a record or the manifest: each named.
        let p = problems_of(&rezip(&zip, &photo, |b| {
            let mid = b.len() / 2;
            b[mid] ^= 1;
        }));
        assert!(p.iter().any(|x| x.starts_with(&photo)), "{p:?}");
        let p = problems_of(&rezip(&zip, "records/inspections.json", |b| b[1] ^= 1));
        assert!(
            p.iter().any(|x| x.starts_with("records/inspections.json")),
            "{p:?}"
        );
        let p = problems_of(&rezip(&zip, "manifest.json", |b| {
            let s = String::from_utf8(b.clone()).unwrap();
            *b = s.replacen(&w.project_b, &w.project_a, 1).into_bytes();
        }));
        assert!(p.iter().any(|x| x.starts_with("manifest.sig")), "{p:?}");
        // An audit row changed in the excerpt, its hash kept: the row and the file named.
        let p = problems_of(&rezip(&zip, "audit/excerpt.jsonl", |b| {
            let s = String::from_utf8(b.clone()).unwrap();
            *b = s
                .replacen("\"action\":\"", "\"action\":\"x", 1)
                .into_bytes();
        }));
        assert!(p.iter().any(|x| x.contains("内容与其哈希不符")), "{p:?}");
        assert!(
            p.iter().any(|x| x.starts_with("audit/excerpt.jsonl")),
            "{p:?}"
        );
    }
}

fn read_entry(zip: &[u8], name: &str) -> String {
    let mut a = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut s = String::new();
    a.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[tokio::test]
async fn a_dossier_is_the_bureau_s_and_a_build_its_starter_s() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        let inspector = Client::login(&t, "inspector").await;
        let chief = Client::login(&t, "chief").await;
        for who in ["contractor", "contractor2"] {
            let c = Client::login(&t, who).await;
            let (status, _) = c
                .json(
                    Method::POST,
                    &format!("/api/v1/projects/{}/dossier", w.project_b),
                    json!({}),
                )
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
            let (status, body) = c.get(&format!("/projects/{}", w.project_b)).await;
            assert!(!body.contains("生成验收档案"), "{who}: {status}");
        }
        // Another county's project, or none: not found.
        for p in [w.project_y.as_str(), "no-such-project"] {
            let (status, _) = inspector
                .json(
                    Method::POST,
                    &format!("/api/v1/projects/{p}/dossier"),
                    json!({}),
                )
                .await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{p}");
        }

        // The page: the button, the build, its progress, the download.
        let (_, page) = inspector.get(&format!("/projects/{}", w.project_b)).await;
        assert!(page.contains("生成验收档案"));
        let req = inspector
            .builder(Method::POST, &format!("/projects/{}/dossier", w.project_b))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(format!(
                "_csrf={}",
                inspector.csrf().unwrap()
            )))
            .unwrap();
        let (status, headers, _) = inspector.send(req).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let at = headers[header::LOCATION].to_str().unwrap().to_string();
        let id = at.trim_start_matches("/dossiers/").to_string();
        let (status, page) = inspector.get(&at).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("验收档案"), "{page}");
        let j = finished(&inspector, &id).await;
        assert_eq!(j["state"], "done");
        let (status, page) = inspector.get(&at).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("档案已生成"), "{page}");
        let (status, status_json) = inspector.get_json(&format!("{at}/status")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(status_json["state"], "done");
        let (status, zip, headers) = inspector.get_bytes(&format!("{at}/download")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .contains("filename*=UTF-8''")
        );
        assert!(problems_of(&zip).is_empty());

        // Someone else's build is not theirs to see or download.
        for path in [
            format!("/api/v1/dossier-jobs/{id}"),
            format!("/api/v1/dossier-jobs/{id}/file"),
            format!("/dossiers/{id}/download"),
        ] {
            let (status, _, _) = chief.get_bytes(&path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        }
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

/// A whole programme: each of its projects in a folder of its own, the programme's record
/// at the top, nothing of another county, and it verifies.
#[tokio::test]
async fn a_programme_s_dossier_holds_each_of_its_projects() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        let viewer = Client::login(&t, "viewer").await;
        let (status, j) = viewer
            .json(
                Method::POST,
                &format!("/api/v1/programmes/{}/dossier", w.programme_x),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{j}");
        assert_eq!(j["scope"], "programme");
        let id = j["id"].as_str().unwrap().to_string();
        let j = finished(&viewer, &id).await;
        assert_eq!(j["state"], "done", "{j}");
        let (_, zip, _) = viewer
            .get_bytes(&format!("/api/v1/dossier-jobs/{id}/file"))
            .await;
        let v = verify(&Saved::new(&zip).0).unwrap();
        assert!(v.ok(), "{backend:?}: {:?}", v.problems);
        let m = v.manifest.unwrap();
        assert_eq!(m.scope, "programme");
        assert!(read_entry(&zip, "records/programmes.json").contains(&w.programme_x));
        let folders: std::collections::BTreeSet<&str> = m
            .files
            .iter()
            .filter_map(|f| f.path.strip_prefix("projects/"))
            .filter_map(|p| p.split_once('/').map(|x| x.0))
            .collect();
        assert!(folders.len() >= 2, "{folders:?}");
        for p in [&w.project_a, &w.project_b] {
            let holder = m
                .files
                .iter()
                .filter(|f| f.path.ends_with("/records/projects.json"))
                .find(|f| read_entry(&zip, &f.path).contains(p.as_str()));
            assert!(holder.is_some(), "{p} has its folder");
        }
        assert!(
            m.files
                .iter()
                .filter(|f| f.path.ends_with(".json"))
                .all(|f| !read_entry(&zip, &f.path).contains(&w.project_y)),
            "nothing of county Y"
        );
        // A contractor cannot; another county's programme is not found.
        let (status, _) = Client::login(&t, "contractor")
            .await
            .json(
                Method::POST,
                &format!("/api/v1/programmes/{}/dossier", w.programme_x),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = viewer
            .json(
                Method::POST,
                &format!("/api/v1/programmes/{}/dossier", w.programme_y),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}
