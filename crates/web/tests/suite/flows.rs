//! Helpers of the workflow suites: a form post, a hostile PNG, a recorded inspection, a
//! fresh project.

use crate::common::{self, Client};
use axum::http::StatusCode;
use jianguan_app::inspections;
use jianguan_domain::FieldErrors;
use jianguan_domain::inspection::InspectionInput;
use jianguan_testkit::actor_of;

pub async fn post(c: &Client, path: &str, f: &[(String, String)]) -> (StatusCode, String) {
    let refs: Vec<(&str, &str)> = f.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    c.form(path, &refs).await
}

/// A small, valid PNG that declares 20,000 × 20,000 pixels.
pub fn bomb() -> Vec<u8> {
    jianguan_testkit::hostile::png_claiming(20_000, 20_000)
}

pub async fn recorded(t: &common::TestRouter, project: &str, minutes: Option<&str>) -> String {
    let inspector = actor_of(&t.app, "inspector").await;
    inspections::record(
        &t.app,
        &inspector,
        &InspectionInput {
            project_id: project.into(),
            kinds: vec!["construction".into()],
            date: t.app.today().to_string(),
            methods: vec!["on_site".into()],
            inspectors: vec!["王检查".into(), "李检查".into()],
            minutes: minutes.map(str::to_string),
            ..Default::default()
        },
        FieldErrors::new(),
    )
    .await
    .unwrap()
    .id
}

/// A fresh project of enterprise A, planned within this year's construction period, with no
/// reports yet.
pub async fn fresh_project(t: &common::TestRouter) -> String {
    project_of(t, None).await
}

/// A fresh project as above, in `status` when given.
pub async fn project_of(t: &common::TestRouter, status: Option<&str>) -> String {
    let admin = actor_of(&t.app, "admin").await;
    let today = t.app.today();
    jianguan_app::records::create_project(
        &t.app,
        &admin,
        None,
        &jianguan_domain::project::ProjectInput {
            name: "新建冷链仓储项目".into(),
            programme_id: t.world.programme_x.clone(),
            enterprise_id: t.world.enterprise_a.clone(),
            system: "logistics".into(),
            township: "天宁镇".into(),
            central_funds_fen: Some(50_000_000),
            construction_start: (today - chrono::Days::new(120)).to_string(),
            construction_end: (today + chrono::Days::new(120)).to_string(),
            targets: vec![jianguan_domain::project::Target {
                name: "冷库".into(),
                quantity: 1,
                unit: "座".into(),
            }],
            status: status.map(str::to_string),
            ..Default::default()
        },
        FieldErrors::new(),
    )
    .await
    .unwrap()
    .id
}
