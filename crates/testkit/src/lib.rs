//! Test helpers: a fresh database of either backend for each test, and a seeded app with
//! two counties, so that tenancy and authorisation can be tested on real data.
//!
//! SQLite runs always; PostgreSQL when `JIANGUAN_TEST_POSTGRES_URL` is set (CI sets it),
//! each test in a database of its own that is dropped afterwards.

#![allow(clippy::unwrap_used)] // test-only code: a failed unwrap is a failed test

use jianguan_app::records::{self, CountyInput, ProgrammeInput};
use jianguan_app::{Actor, App, demo};
use jianguan_domain::enterprise::EnterpriseInput;
use jianguan_domain::project::{ProjectInput, Target};
use jianguan_domain::{FieldErrors, Role, Uscc};
use jianguan_store::Store;
use sea_orm::{ConnectionTrait, Database, EntityTrait};
use std::path::PathBuf;

pub use jianguan_app::demo::DEMO_PASSWORD;

pub mod hostile;

pub const PG_ENV: &str = "JIANGUAN_TEST_POSTGRES_URL";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The backends to test on here: SQLite always, PostgreSQL when configured. Under CI a
/// missing PostgreSQL is an error, not a silent skip.
pub fn backends() -> Vec<Backend> {
    let mut v = vec![Backend::Sqlite];
    if std::env::var(PG_ENV).is_ok_and(|u| !u.is_empty()) {
        v.push(Backend::Postgres);
    } else if std::env::var("CI").is_ok() {
        panic!("CI is set but {PG_ENV} is not: the PostgreSQL backend would go untested");
    } else {
        eprintln!("note: {PG_ENV} not set; testing SQLite only");
    }
    v
}

pub const FILES_ENV: &str = "JIANGUAN_TEST_FILES_URL";

/// The file store for one test: a corner of the S3-compatible bucket named by
/// `JIANGUAN_TEST_FILES_URL` (CI starts one and sets it), else a fresh local directory.
pub fn test_files() -> jianguan_files::FileStore {
    let corner = format!("t{}", unique());
    match std::env::var(FILES_ENV) {
        Ok(url) if !url.is_empty() => jianguan_files::FileStore::from_url(&url)
            .expect("JIANGUAN_TEST_FILES_URL")
            .with_prefix(&corner),
        _ if std::env::var("CI").is_ok() => {
            panic!("CI is set but {FILES_ENV} is not: the S3 file store would go untested")
        }
        _ => jianguan_files::FileStore::local(
            std::env::temp_dir().join(format!("jianguan-files-{corner}")),
        ),
    }
}

/// A database that exists for one test and is removed afterwards.
pub struct TestDb {
    pub url: String,
    pub backend: Backend,
    dir: Option<PathBuf>,
    pg: Option<(String, String)>,
}

fn unique() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

/// The same server URL with another database name: `postgres://u@h:5432/test?x` →
/// `postgres://u@h:5432/NAME?x`.
fn with_database(url: &str, name: &str) -> String {
    let (main, query) = url
        .split_once('?')
        .map_or((url, None), |(m, q)| (m, Some(q)));
    let host_start = main.find("://").map_or(0, |i| i + 3);
    let base = match main[host_start..].find('/') {
        Some(i) => &main[..host_start + i],
        None => main,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

impl TestDb {
    pub async fn new(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("jianguan-test-{}", unique()));
                std::fs::create_dir_all(&dir).expect("temp dir");
                let url = format!("sqlite://{}?mode=rwc", dir.join("test.db").display());
                Self {
                    url,
                    backend,
                    dir: Some(dir),
                    pg: None,
                }
            }
            Backend::Postgres => {
                let admin = std::env::var(PG_ENV).expect("postgres url");
                let name = format!("jgtest_{}", unique());
                let conn = Database::connect(&admin)
                    .await
                    .expect("connect to PostgreSQL");
                conn.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .expect("create database");
                conn.close().await.ok();
                let url = with_database(&admin, &name);
                Self {
                    url,
                    backend,
                    dir: None,
                    pg: Some((admin, name)),
                }
            }
        }
    }

    pub async fn store(&self) -> Store {
        Store::open(&self.url).await.expect("open store")
    }

    /// The SQLite file, for tests that copy or tamper with it.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        self.dir.as_ref().map(|d| d.join("test.db"))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some((admin, name)) = self.pg.take() {
            // Drop runs outside any async context we can await in: use a thread of its own.
            let _ = std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                rt.block_on(async move {
                    if let Ok(conn) = Database::connect(&admin).await {
                        let _ = conn
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                            ))
                            .await;
                        let _ = conn.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// The ids a test needs to address records of both counties.
#[derive(Debug, Clone)]
pub struct World {
    /// 交城县 (the demo county).
    pub county_x: String,
    /// 文水县, a second county whose data county X must never see.
    pub county_y: String,
    /// Enterprise of user `contractor` in county X.
    pub enterprise_a: String,
    /// Enterprise of user `contractor2` in county X.
    pub enterprise_b: String,
    pub enterprise_y: String,
    pub project_a: String,
    pub project_b: String,
    pub project_y: String,
    pub programme_x: String,
    pub programme_y: String,
    /// A user of county Y (inspector), so that records of Y have a user to check.
    pub user_y: String,
    /// A docket finding about enterprise B, and one of county Y.
    pub finding_b: String,
    pub finding_y: String,
    /// Inspections (recorded, with one photo each), rectification orders and proposed
    /// sanctions of enterprise B (county X) and of county Y.
    pub inspection_b: String,
    pub inspection_y: String,
    pub photo_b: String,
    pub photo_y: String,
    pub order_b: String,
    pub order_y: String,
    /// A market-order problem of enterprise B, and one of county Y.
    pub market_b: String,
    pub market_y: String,
    pub sanction_b: String,
    pub sanction_y: String,
    pub incident_b: String,
    pub incident_y: String,
    /// A progress report of enterprise B and one of county Y, awaiting review.
    pub review_b: String,
    pub review_y: String,
    /// The progress reports those reviews are of.
    pub report_b: String,
    pub report_y: String,
    /// A licence of enterprise B and one of county Y.
    pub licence_b: String,
    pub licence_y: String,
    /// A training class of enterprise B's project and one of county Y.
    pub class_b: String,
    pub class_y: String,
    /// An API token of enterprise B's contractor and one of county Y's inspector.
    pub token_b: String,
    pub token_y: String,
    /// A subsidy claim of enterprise B's project (handed in, awaiting review) and one of
    /// county Y.
    pub claim_b: String,
    pub claim_y: String,
    /// A disbursement to enterprise B's project and one of county Y, recorded by the
    /// county's inspector and awaiting the second person's confirmation.
    pub disbursement_b: String,
    pub disbursement_y: String,
    /// A ledger line of enterprise B and one of county Y, entered by their contractors.
    pub asset_b: String,
    pub asset_y: String,
    /// An open count of enterprise B's assets, and of county Y's enterprise; a scan of each.
    pub count_b: String,
    pub count_y: String,
    pub scan_b: String,
    pub scan_y: String,
    /// A document issued to enterprise B, and one of county Y.
    pub document_b: String,
    pub document_y: String,
    /// A tip-off of county X about enterprise B's project (taken on the hotline), and one
    /// of county Y.
    pub tipoff_b: String,
    pub tipoff_y: String,
}

/// A hotline call about `project`, typed in by `by`.
async fn tipoff_of(app: &App, by: &Actor, project: &str) -> String {
    jianguan_app::tipoffs::record_by_staff(
        app,
        by,
        &jianguan_app::tipoffs::Intake {
            channel: "hotline".into(),
            service: "station".into(),
            content: "来电反映：该项目的村级服务站经常不开门。".into(),
            project_id: project.into(),
            contact_phone: "13800000001".into(),
            ..Default::default()
        },
        Vec::new(),
    )
    .await
    .expect("tip-off")
    .tipoff
    .id
}

/// A PNG photo of `width` × `height` pixels in one colour.
pub fn sample_png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(width, height, image::Rgb([90, 140, 60]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// A JPEG photo, as a phone camera would send (without EXIF).
pub fn sample_jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(width, height, image::Rgb([160, 120, 60]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(
            &mut std::io::Cursor::new(&mut out),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    out
}

/// A training class on `project`, written as an import would (with its audit row).
async fn class_of(app: &App, county: &str, project: &str) -> String {
    use jianguan_store::entity::training_class;
    let now = app.now();
    let today = app.today();
    let m = training_class::Model {
        id: uuid::Uuid::now_v7().to_string(),
        county_code: county.into(),
        project_id: project.into(),
        name: "测试培训班".into(),
        first_day: today,
        last_day: today,
        place: None,
        planned_trainees: 10,
        actual_trainees: 0,
        created_at: now,
        updated_at: now,
        voided_at: None,
        void_reason: None,
    };
    let mut tx = app.store.begin().await.unwrap();
    tx.insert(m.clone()).await.unwrap();
    tx.record(jianguan_store::AuditEntry {
        at: now,
        actor_id: None,
        actor_name: "测试".into(),
        county_code: Some(county.into()),
        entity: "training_class".into(),
        entity_id: m.id.clone(),
        action: "create".into(),
        before: None,
        after: None,
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
    m.id
}

/// A register entry of a document issued to the enterprise from `order` (its files are not
/// rendered: what the authorisation walk asks is only whose it is).
async fn document_of(app: &App, county: &str, enterprise: &str, order: &str) -> String {
    use jianguan_store::entity::document;
    let now = app.now();
    let m = document::Model {
        id: uuid::Uuid::now_v7().to_string(),
        county_code: county.into(),
        kind: "rectification_notice".into(),
        source_kind: "order".into(),
        source_id: order.into(),
        enterprise_id: Some(enterprise.into()),
        project_id: None,
        office_code: "测试".into(),
        year: 2026,
        seq: 1,
        number: "测试〔2026〕1号".into(),
        title: "测试文书".into(),
        issued_on: app.today(),
        issued_by: "测试".into(),
        state: "issued".into(),
        spoil_reason: None,
        spoiled_on: None,
        replaces: None,
        pdf_sha256: "0".repeat(64),
        pdf_bytes: 0,
        docx_sha256: "0".repeat(64),
        docx_bytes: 0,
        pages: 1,
        fonts: "[]".into(),
        created_at: now,
        updated_at: now,
        voided_at: None,
        void_reason: None,
    };
    let mut tx = app.store.begin().await.unwrap();
    tx.insert(m.clone()).await.unwrap();
    tx.record(jianguan_store::AuditEntry {
        at: now,
        actor_id: None,
        actor_name: "测试".into(),
        county_code: Some(county.into()),
        entity: "document".into(),
        entity_id: m.id.clone(),
        action: "issue".into(),
        before: None,
        after: None,
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
    m.id
}

/// A licence recorded by the enterprise's contractor.
async fn licence_of(app: &App, enterprise: &str, county: &str) -> String {
    jianguan_app::reporting::add_licence(
        app,
        &contractor_of(enterprise, county),
        &jianguan_app::reporting::LicenceInput {
            kind: "business_licence".into(),
            number: format!("L-{enterprise}"),
            valid_from: "2020-01-01".into(),
            valid_to: String::new(),
        },
    )
    .await
    .expect("licence")
    .id
}

/// A contractor of `enterprise` (not a stored user: the use cases need only the actor).
fn contractor_of(enterprise: &str, county: &str) -> Actor {
    Actor {
        user_id: format!("contractor-of-{enterprise}"),
        username: "contractor-test".into(),
        display_name: "企业填报人".into(),
        role: Role::Contractor,
        county_code: Some(county.into()),
        enterprise_id: Some(enterprise.into()),
    }
}

/// A ledger line entered by the enterprise's contractor.
async fn asset_of(app: &App, enterprise: &str, county: &str, project: &str) -> String {
    jianguan_app::assets::create(
        app,
        &contractor_of(enterprise, county),
        &jianguan_domain::asset::AssetInput {
            project_id: project.into(),
            asset_kind: "fixed".into(),
            name: "电商服务终端".into(),
            category: "electronic".into(),
            quantity: Some(1),
            value_fen: Some(500_000),
            purchase_date: "2026-01-15".into(),
            central_funds: true,
            status: "in_use".into(),
            ..Default::default()
        },
        FieldErrors::new(),
    )
    .await
    .expect("asset")
    .id
}

/// An open count of the enterprise's assets begun by its contractor, with one label
/// scanned: (count, scan).
async fn count_of(app: &App, enterprise: &str, county: &str) -> (String, String) {
    let actor = contractor_of(enterprise, county);
    let started = jianguan_app::inventory::start(app, &actor, &Default::default())
        .await
        .expect("count");
    let scanned = jianguan_app::inventory::scan(
        app,
        &actor,
        &started.count.id,
        &jianguan_app::inventory::ScanInput {
            code: format!("JG-{county}-99999"),
            ..Default::default()
        },
    )
    .await
    .expect("scan");
    (started.count.id, scanned.scan.id)
}

/// A subsidy claim handed in by the enterprise's contractor, with one invoice whose
/// number no other claim uses.
async fn claim_of(app: &App, enterprise: &str, county: &str, project: &str) -> String {
    use jianguan_domain::claim::{ClaimInput, InvoiceInput};
    jianguan_app::funds::submit_claim(
        app,
        &contractor_of(enterprise, county),
        &ClaimInput {
            project_id: project.into(),
            amount_fen: Some(500_000),
            purpose: "服务站设备购置".into(),
            invoices: vec![InvoiceInput {
                code: "1400221130".into(),
                number: format!("9{}", &county[county.len() - 3..]),
                date: app.today().pred_opt().unwrap_or(app.today()).to_string(),
                seller: format!("{county}测试设备有限公司"),
                buyer: String::new(),
                amount_fen: Some(500_000),
                tax_fen: None,
            }],
            declared: true,
        },
        FieldErrors::new(),
    )
    .await
    .expect("claim")
    .id
}

/// A disbursement recorded by `by`, awaiting confirmation.
async fn disbursement_of(app: &App, by: &Actor, project: &str) -> String {
    jianguan_app::funds::record_disbursement(
        app,
        by,
        &jianguan_app::funds::DisbursementInput {
            project_id: project.into(),
            date: app.today().to_string(),
            amount_fen: Some(10_000),
            batch: "测试批次".into(),
        },
        FieldErrors::new(),
    )
    .await
    .expect("disbursement")
    .id
}

/// A progress report handed in by the enterprise's contractor, awaiting review: the id of
/// its review row.
async fn report_for_review(
    app: &App,
    enterprise: &str,
    county: &str,
    project: &str,
) -> (String, String) {
    let contractor = contractor_of(enterprise, county);
    let r = jianguan_app::reporting::submit_report(
        app,
        &contractor,
        &jianguan_domain::reporting::ReportInput {
            project_id: project.into(),
            month: app.today().format("%Y-%m").to_string(),
            cumulative_percent: "100".into(),
            narrative: "本月按计划推进。".into(),
            explanation: None,
        },
    )
    .await
    .expect("report");
    let review = jianguan_app::reporting::queue(app, &contractor)
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.record_id == r.id)
        .unwrap()
        .id;
    (review, r.id)
}

/// The actor of a stored user.
pub async fn actor_of(app: &App, username: &str) -> Actor {
    let u = jianguan_store::queries::user_by_username(app.store.reader(), username)
        .await
        .unwrap()
        .unwrap();
    Actor::from_user(&u).unwrap()
}

/// One recorded inspection with a photo, one rectification order and one proposed
/// sanction on `project`, by `inspector`.
async fn workflow_records(
    app: &App,
    inspector: &Actor,
    project: &str,
    enterprise: &str,
) -> [String; 6] {
    use jianguan_app::{evidence, inspections, rectification, sanctions};
    let today = app.today().to_string();
    let i = inspections::record(
        app,
        inspector,
        &jianguan_domain::inspection::InspectionInput {
            project_id: project.into(),
            kinds: vec!["ad_hoc".into()],
            date: today.clone(),
            methods: vec!["on_site".into()],
            inspectors: vec!["甲".into(), "乙".into()],
            minutes: Some("现场查看，情况正常。".into()),
            ..Default::default()
        },
        FieldErrors::new(),
    )
    .await
    .expect("inspection");
    let p = evidence::upload(
        app,
        inspector,
        "inspection",
        &i.id,
        "现场.png",
        sample_png(64, 48),
        Default::default(),
    )
    .await
    .expect("photo");
    let o = rectification::issue(
        app,
        inspector,
        &rectification::OrderInput {
            project_id: project.into(),
            title: "补齐台账".into(),
            requirements: "补齐资产台账。".into(),
            // A day ahead: seeding that straddles midnight (China time) stays valid.
            deadline: app.today().succ_opt().unwrap_or(app.today()).to_string(),
            ..Default::default()
        },
    )
    .await
    .expect("order");
    let s = sanctions::propose(
        app,
        inspector,
        &sanctions::SanctionInput {
            enterprise_id: enterprise.into(),
            kind: "notice".into(),
            facts: "进度滞后。".into(),
            clause: "一（一）".into(),
            ..Default::default()
        },
    )
    .await
    .expect("sanction");
    let today = app.today().to_string();
    let incident = jianguan_app::oversight::record_incident(
        app,
        inspector,
        project,
        &today,
        "仓库漏雨，部分货物受潮。",
    )
    .await
    .expect("incident");
    let market = jianguan_app::market::raise(
        app,
        inspector,
        &jianguan_app::market::MarketInput {
            project_id: project.into(),
            category: "expired".into(),
            raised_on: app.today().to_string(),
            products: "核桃仁 250 克装".into(),
            description: "货架上有超过保质期的核桃仁。".into(),
            source: None,
        },
        FieldErrors::new(),
    )
    .await
    .expect("market-order problem");
    [i.id, p.id, o.id, s.id, incident.id, market.id]
}

pub struct TestApp {
    pub app: App,
    pub db: TestDb,
    pub world: World,
}

pub fn admin_actor(app_user_id: &str, county: Option<&str>) -> Actor {
    Actor {
        user_id: app_user_id.into(),
        username: "admin".into(),
        display_name: "测试管理员".into(),
        role: Role::Admin,
        county_code: county.map(str::to_string),
        enterprise_id: None,
    }
}

/// A fresh app with the 交城县 demo and a second county (文水县, 141121) beside it.
pub async fn seeded(backend: Backend) -> TestApp {
    // Boxed: the seeding awaits most use cases in turn; inline, its future would sit in
    // every test's own, which already holds a workflow of its own on the test thread.
    Box::pin(seed_world(backend)).await
}

async fn seed_world(backend: Backend) -> TestApp {
    let db = TestDb::new(backend).await;
    let app = App::new(db.store().await).with_files(test_files());
    demo::seed(&app).await.expect("demo seed");
    let x_admin = jianguan_store::queries::user_by_username(app.store.reader(), "admin")
        .await
        .unwrap()
        .unwrap();
    let admin_x = admin_actor(&x_admin.id, Some(demo::COUNTY));
    let root = admin_actor(&x_admin.id, None);

    records::create_county(
        &app,
        None,
        &CountyInput {
            code: "141121".into(),
            name: "文水县".into(),
            prefecture: "吕梁市".into(),
            province: "山西省".into(),
            townships: vec!["凤城镇".into(), "开栅镇".into()],
        },
    )
    .await
    .expect("county y");
    let programme_y = records::create_programme(
        &app,
        &root,
        &ProgrammeInput {
            county_code: Some("141121".into()),
            name: "文水县电子商务进农村综合示范".into(),
            plan_document: None,
            period_start: "2026-01-01".into(),
            period_end: "2027-12-31".into(),
            budget_fen: Some(10_000_000),
            responsible_person: "文水县商务局局长".into(),
        },
        FieldErrors::new(),
    )
    .await
    .expect("programme y");
    let mut admin_y = root.clone();
    admin_y.county_code = Some("141121".into());
    let ent_y = records::create_enterprise(
        &app,
        &admin_y,
        None,
        &EnterpriseInput {
            name: "文水县农特产品电商有限公司".into(),
            uscc: Uscc::complete("91141121MA0X1Y2W3").unwrap().to_string(),
            ..Default::default()
        },
    )
    .await
    .expect("enterprise y");
    let project_y = records::create_project(
        &app,
        &admin_y,
        None,
        &ProjectInput {
            name: "文水县物流配送中心".into(),
            programme_id: programme_y.id.clone(),
            enterprise_id: ent_y.id.clone(),
            system: "logistics".into(),
            township: "凤城镇".into(),
            central_funds_fen: Some(100_000),
            construction_start: "2026-03-01".into(),
            construction_end: "2026-12-31".into(),
            targets: vec![Target {
                name: "仓库".into(),
                quantity: 1,
                unit: "个".into(),
            }],
            ..Default::default()
        },
        FieldErrors::new(),
    )
    .await
    .expect("project y");
    let user_y = jianguan_app::accounts::create_user(
        &app,
        None,
        &jianguan_app::accounts::NewUser {
            username: "inspector_y".into(),
            display_name: "文水检查员".into(),
            role: "inspector".into(),
            county_code: Some("141121".into()),
            enterprise_id: None,
            password: DEMO_PASSWORD.into(),
        },
    )
    .await
    .expect("user y");

    let reader = app.store.reader();
    let contractor = jianguan_store::queries::user_by_username(reader, "contractor")
        .await
        .unwrap()
        .unwrap();
    let contractor2 = jianguan_store::queries::user_by_username(reader, "contractor2")
        .await
        .unwrap()
        .unwrap();
    let enterprise_a = contractor.enterprise_id.unwrap();
    let enterprise_b = contractor2.enterprise_id.unwrap();
    let first_project = |e: &str| {
        let e = e.to_string();
        let app = app.clone();
        let actor = admin_x.clone();
        async move {
            let f = jianguan_store::queries::ListFilter {
                enterprise_id: Some(e),
                ..Default::default()
            };
            records::projects(&app, &actor, &f)
                .await
                .unwrap()
                .items
                .remove(0)
                .id
        }
    };
    let project_a = first_project(&enterprise_a).await;
    let project_b = first_project(&enterprise_b).await;
    let programme_x = records::programmes(&app, &admin_x)
        .await
        .unwrap()
        .remove(0)
        .id;
    jianguan_app::docket::refresh_all(&app, app.today())
        .await
        .expect("docket");
    let findings = jianguan_store::entity::finding::Entity::find()
        .all(app.store.reader())
        .await
        .unwrap();
    let finding_b = findings
        .iter()
        .find(|f| f.enterprise_id.as_deref() == Some(enterprise_b.as_str()))
        .expect("a finding of B")
        .id
        .clone();
    let finding_y = findings
        .iter()
        .find(|f| f.county_code == "141121")
        .expect("a finding of county Y")
        .id
        .clone();
    let inspector_x = actor_of(&app, "inspector").await;
    let inspector_y = actor_of(&app, "inspector_y").await;
    let [
        inspection_b,
        photo_b,
        order_b,
        sanction_b,
        incident_b,
        market_b,
    ] = workflow_records(&app, &inspector_x, &project_b, &enterprise_b).await;
    let [
        inspection_y,
        photo_y,
        order_y,
        sanction_y,
        incident_y,
        market_y,
    ] = workflow_records(&app, &inspector_y, &project_y.id, &ent_y.id).await;
    let (review_b, report_b) =
        report_for_review(&app, &enterprise_b, demo::COUNTY, &project_b).await;
    let (review_y, report_y) = report_for_review(&app, &ent_y.id, "141121", &project_y.id).await;
    let licence_b = licence_of(&app, &enterprise_b, demo::COUNTY).await;
    let licence_y = licence_of(&app, &ent_y.id, "141121").await;
    let class_b = class_of(&app, demo::COUNTY, &project_b).await;
    let class_y = class_of(&app, "141121", &project_y.id).await;
    let token_of = |actor: Actor| {
        let app = app.clone();
        async move {
            jianguan_app::accounts::create_api_token(&app, &actor, "测试接口", None)
                .await
                .unwrap()
                .token
                .id
        }
    };
    let token_b = token_of(actor_of(&app, "contractor2").await).await;
    let token_y = token_of(inspector_y.clone()).await;
    let claim_b = claim_of(&app, &enterprise_b, demo::COUNTY, &project_b).await;
    let claim_y = claim_of(&app, &ent_y.id, "141121", &project_y.id).await;
    let disbursement_b = disbursement_of(&app, &inspector_x, &project_b).await;
    let disbursement_y = disbursement_of(&app, &inspector_y, &project_y.id).await;
    let asset_b = asset_of(&app, &enterprise_b, demo::COUNTY, &project_b).await;
    let asset_y = asset_of(&app, &ent_y.id, "141121", &project_y.id).await;
    let document_b = document_of(&app, demo::COUNTY, &enterprise_b, &order_b).await;
    let document_y = document_of(&app, "141121", &ent_y.id, &order_y).await;
    let (count_b, scan_b) = count_of(&app, &enterprise_b, demo::COUNTY).await;
    let (count_y, scan_y) = count_of(&app, &ent_y.id, "141121").await;
    let tipoff_b = tipoff_of(&app, &inspector_x, &project_b).await;
    let tipoff_y = tipoff_of(&app, &inspector_y, &project_y.id).await;
    TestApp {
        world: World {
            tipoff_b,
            tipoff_y,
            document_b,
            document_y,
            count_b,
            count_y,
            scan_b,
            scan_y,
            token_b,
            token_y,
            claim_b,
            claim_y,
            disbursement_b,
            disbursement_y,
            asset_b,
            asset_y,
            review_b,
            review_y,
            report_b,
            report_y,
            licence_b,
            licence_y,
            class_b,
            class_y,
            inspection_b,
            inspection_y,
            photo_b,
            photo_y,
            order_b,
            order_y,
            sanction_b,
            sanction_y,
            incident_b,
            incident_y,
            market_b,
            market_y,
            county_x: demo::COUNTY.into(),
            county_y: "141121".into(),
            enterprise_a,
            enterprise_b,
            enterprise_y: ent_y.id,
            project_a,
            project_b,
            project_y: project_y.id,
            programme_x,
            programme_y: programme_y.id,
            user_y: user_y.id,
            finding_b,
            finding_y,
        },
        app,
        db,
    }
}

/// What an intruder holding the database file would do to hide a change: rewrite audit
/// row `from` and recompute every hash after it, moving the head along. Only a checkpoint
/// kept elsewhere can tell.
pub async fn rewrite_history_from(store: &Store, from: i64) {
    use jianguan_store::execute_raw;
    let c = store.housekeeping();
    execute_raw(
        c,
        &format!("UPDATE audit_log SET actor_name = '冒名' WHERE seq = {from}"),
    )
    .await
    .unwrap();
    let rows = jianguan_store::queries::audit_from(store.reader(), from)
        .await
        .unwrap();
    let mut prev = rows[0].prev_hash.clone();
    for mut r in rows {
        r.prev_hash = prev;
        r.hash = jianguan_store::audit::row_hash(&r);
        execute_raw(
            c,
            &format!(
                "UPDATE audit_log SET prev_hash = '{}', hash = '{}' WHERE seq = {}",
                r.prev_hash, r.hash, r.seq
            ),
        )
        .await
        .unwrap();
        execute_raw(
            c,
            &format!(
                "UPDATE audit_head SET seq = {}, hash = '{}' WHERE id = 1",
                r.seq, r.hash
            ),
        )
        .await
        .unwrap();
        prev = r.hash;
    }
}

/// The audit chain is whole and every record is what the chain last recorded of it.
/// Moves a project's service period end (as an inspector would on its form).
pub async fn set_service_period_end(app: &App, project_id: &str, day: &str) {
    let inspector = actor_of(app, "inspector").await;
    let p = jianguan_app::records::project(app, &inspector, project_id)
        .await
        .expect("project");
    let input = jianguan_domain::project::ProjectInput {
        name: p.name.clone(),
        programme_id: p.programme_id.clone(),
        enterprise_id: p.enterprise_id.clone(),
        system: p.system.clone(),
        township: p.township.clone(),
        village: p.village.clone(),
        latitude: p.latitude,
        longitude: p.longitude,
        central_funds_fen: Some(p.central_funds_fen),
        construction_start: p.construction_start.to_string(),
        construction_end: p.construction_end.to_string(),
        operation_start: p.operation_start.map(|d| d.to_string()),
        service_period_end: Some(day.to_string()),
        status: Some(p.status.clone()),
        targets: p.targets_parsed().expect("targets"),
    };
    jianguan_app::records::update_project(app, &inspector, project_id, &input, FieldErrors::new())
        .await
        .expect("service period end");
}

pub async fn assert_audit_intact(store: &Store) {
    let r = store.verify_audit().await.expect("audit verify");
    assert!(
        r.ok(),
        "audit: broken at {:?}; records not as recorded: {:?}",
        r.first_broken,
        r.mismatches
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            super::with_database("postgres://root@127.0.0.1:5432/test", "x"),
            "postgres://root@127.0.0.1:5432/x"
        );
        assert_eq!(
            super::with_database("postgres://h/test?sslmode=disable", "x"),
            "postgres://h/x?sslmode=disable"
        );
        assert_eq!(super::with_database("postgres://h", "x"), "postgres://h/x");
    }
}
