//! What the programme publishes: the OCDS 1.1 release package of a programme, and Open311
//! over the tip-off intake — each carrying only what may be published.

use crate::common::{Client, seeded_router};
use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use jianguan_store::entity::{disbursement, enterprise, project};
use jianguan_store::sea::{ColumnTrait, EntityTrait, QueryFilter};
use jianguan_testkit::backends;
use serde_json::Value;

#[tokio::test]
async fn a_programme_is_exported_as_an_ocds_release_package_one_process_per_project() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = &t.world;
        let chief = Client::login(&t, "chief").await;
        let (s, pkg) = chief
            .get_json(&format!("/api/v1/ocds/{}", w.programme_x))
            .await;
        assert_eq!(s, StatusCode::OK, "{backend:?}: {pkg}");
        assert_eq!(pkg["version"], "1.1");
        let db = t.app.store.reader();
        let projects = project::Entity::find()
            .filter(project::Column::ProgrammeId.eq(w.programme_x.as_str()))
            .filter(project::Column::VoidedAt.is_null())
            .all(db)
            .await
            .unwrap();
        let releases = pkg["releases"].as_array().unwrap();
        assert_eq!(releases.len(), projects.len());
        for p in &projects {
            let ocid = format!("{}-{}", t.app.public.ocid_prefix, p.id);
            let r = releases
                .iter()
                .find(|r| r["ocid"] == ocid.as_str())
                .expect("one process per project");
            assert_eq!(r["tag"][0], "implementation");
            let e = enterprise::Entity::find_by_id(p.enterprise_id.clone())
                .one(db)
                .await
                .unwrap()
                .unwrap();
            let supplier = r["parties"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| {
                    x["roles"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|y| y == "supplier")
                })
                .unwrap();
            assert_eq!(supplier["identifier"]["scheme"], "CN-SAIC");
            assert_eq!(supplier["identifier"]["id"], e.uscc.as_str());
            assert_eq!(
                r["awards"][0]["value"]["amount"].as_f64().unwrap(),
                p.central_funds_fen as f64 / 100.0
            );
            assert_eq!(r["awards"][0]["value"]["currency"], "CNY");
            // The transactions are the confirmed disbursements, no more.
            let paid: i64 = disbursement::Entity::find()
                .filter(disbursement::Column::ProjectId.eq(p.id.as_str()))
                .filter(disbursement::Column::VoidedAt.is_null())
                .all(db)
                .await
                .unwrap()
                .iter()
                .filter(|d| d.confirmed())
                .map(|d| d.amount_fen)
                .sum();
            let listed: f64 = r["contracts"][0]["implementation"]["transactions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x["value"]["amount"].as_f64().unwrap())
                .sum();
            assert!(
                (listed - paid as f64 / 100.0).abs() < 0.005,
                "{} {listed} {paid}",
                p.name
            );
            for m in r["contracts"][0]["implementation"]["milestones"]
                .as_array()
                .unwrap()
            {
                let st = m["status"].as_str().unwrap();
                assert!(["met", "notMet", "scheduled"].contains(&st));
                assert_eq!(st == "met", !m["dateMet"].is_null());
            }
        }
        // The unconfirmed disbursement of the world is not there.
        assert!(!pkg.to_string().contains(&w.disbursement_b));
        // Nothing of another county; contractors may not export.
        assert!(!pkg.to_string().contains(&w.project_y));
        let (s, _) = chief
            .get_json(&format!("/api/v1/ocds/{}", w.programme_y))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let contractor = Client::login(&t, "contractor").await;
        let (s, _) = contractor
            .get_json(&format!("/api/v1/ocds/{}", w.programme_x))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
}

async fn open311(
    c: &Client,
    method: Method,
    path: &str,
    form: &[(&str, &str)],
) -> (StatusCode, Value) {
    let body = form
        .iter()
        .map(|(k, v)| format!("{k}={}", crate::common::urlencode(v)))
        .collect::<Vec<_>>()
        .join("&");
    // A partner's server sends no Origin and no cookie.
    let req = c
        .builder_from(method, path, None)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let (s, _, b) = c.send(req).await;
    (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
}

/// Every field an Open311 request answers with: nothing else may appear.
const REQUEST_FIELDS: [&str; 10] = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "agency_responsible",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
];

#[tokio::test]
async fn open311_files_a_tip_off_with_a_county_key_and_follows_it_with_public_fields_only() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let x = t.world.county_x.clone();
        let anon = Client::anonymous(&t);
        let (s, services) = open311(
            &anon,
            Method::GET,
            &format!("/open311/v2/services.json?jurisdiction_id={x}"),
            &[],
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let codes: Vec<&str> = services
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["service_code"].as_str().unwrap())
            .collect();
        assert!(
            codes.contains(&"station") && codes.contains(&"funds"),
            "{codes:?}"
        );
        // Two counties here: the jurisdiction must be named.
        let (s, e) = open311(&anon, Method::GET, "/open311/v2/services.json", &[]).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert_eq!(e[0]["code"], 400);

        let (key, _) = jianguan_app::open311::issue_key(&t.app, None, &x, "吕梁市12345热线")
            .await
            .unwrap();
        let content = "平台转来：某村电商服务站收取快递代收费，每件两元。";
        let form = |k: &str| -> Vec<(&'static str, String)> {
            vec![
                ("api_key", k.to_string()),
                ("jurisdiction_id", x.clone()),
                ("service_code", "station".into()),
                ("description", content.into()),
                ("first_name", "先生".into()),
                ("last_name", "李".into()),
                ("phone", "13900000000".into()),
            ]
        };
        let send = |f: Vec<(&'static str, String)>| {
            let c = &anon;
            async move {
                let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
                open311(c, Method::POST, "/open311/v2/requests.json", &pairs).await
            }
        };
        let (s, e) = send(form("o311_wrong")).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert_eq!(e[0]["code"], 403);
        let mut other = form(&key);
        other[1].1 = t.world.county_y.clone();
        let (s, _) = send(other).await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "a key works for its own county only"
        );
        let (s, created) = send(form(&key)).await;
        assert_eq!(s, StatusCode::CREATED, "{created}");
        let id = created[0]["service_request_id"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            created[0]["service_notice"]
                .as_str()
                .unwrap()
                .contains("回执码")
        );

        // Anyone may follow it: the public fields, never the content or the caller.
        for path in [
            format!("/open311/v2/requests/{id}.json?jurisdiction_id={x}"),
            format!("/open311/v2/requests.json?jurisdiction_id={x}"),
        ] {
            let (s, list) = open311(&anon, Method::GET, &path, &[]).await;
            assert_eq!(s, StatusCode::OK, "{path}");
            let mine = list
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["service_request_id"] == id.as_str())
                .unwrap()
                .clone();
            let mut keys: Vec<&str> = mine
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            keys.sort();
            let mut want = REQUEST_FIELDS.to_vec();
            want.sort();
            assert_eq!(keys, want, "exactly the published fields");
            assert_eq!(mine["status"], "open");
            let text = list.to_string();
            assert!(
                !text.contains("快递代收费")
                    && !text.contains("13900000000")
                    && !text.contains("李"),
                "{text}"
            );
        }
        // The staff see it, with the partner as its source.
        let inspector = Client::login(&t, "inspector").await;
        let (s, html) = inspector.get(&format!("/tipoffs/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains("其他平台转来") && html.contains(content));
        // Another county's requests are not this county's.
        let (_, list) = open311(
            &anon,
            Method::GET,
            &format!(
                "/open311/v2/requests.json?jurisdiction_id={}",
                t.world.county_y
            ),
            &[],
        )
        .await;
        assert!(!list.to_string().contains(&id));
        assert!(t.app.store.verify_audit().await.unwrap().ok());
    }
}

#[tokio::test]
async fn the_public_page_shows_the_published_fields_and_nothing_that_is_not_published() {
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let x = t.world.county_x.clone();
    let anon = Client::anonymous(&t);
    let (s, html) = anon.get("/login").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("href=\"/public\"") && html.contains("href=\"/report\""));
    let (s, html) = anon.get(&format!("/public/{x}")).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    // By default every publishable field: one heading each, and the five charts.
    for (_, heading) in jianguan_app::publicity::FIELDS {
        assert!(html.contains(&format!("<th>{heading}</th>")), "{heading}");
    }
    assert_eq!(html.matches("data-testid=\"public-chart\"").count(), 5);
    assert!(html.matches("<svg").count() >= 5);
    let db = t.app.store.reader();
    let p = project::Entity::find_by_id(t.world.project_a.clone())
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let e = enterprise::Entity::find_by_id(p.enterprise_id.clone())
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert!(html.contains(&p.name) && html.contains(&e.name));
    // Never: contacts, a USCC, an inspection's problems, tip-off content.
    let inspections = jianguan_store::entity::inspection::Entity::find()
        .all(db)
        .await
        .unwrap();
    for i in inspections
        .iter()
        .filter_map(|i| i.problems.as_deref())
        .filter(|p| p.chars().count() > 8)
    {
        assert!(!html.contains(i), "an inspection's problems leaked");
    }
    for tip in jianguan_store::entity::tipoff::Entity::find()
        .all(db)
        .await
        .unwrap()
    {
        assert!(!html.contains(&tip.content) && !html.contains(&tip.summary));
    }
    assert!(!html.contains(&e.uscc));
    if let Some(phone) = e.contact_phone.as_deref() {
        assert!(!html.contains(phone));
    }
    // Another county's projects are not on this county's page.
    let py = project::Entity::find_by_id(t.world.project_y.clone())
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert!(!html.contains(&py.name));

    // The county publishes fewer fields: the others go.
    let admin = Client::login(&t, "admin").await;
    let (s, _) = admin
        .form(
            &format!("/settings/counties/{x}/public"),
            &[("fields", "township")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, html) = anon.get(&format!("/public/{x}")).await;
    assert!(html.contains("<th>项目名称</th>") && html.contains("<th>乡镇</th>"));
    assert!(
        !html.contains("<th>承办企业</th>") && !html.contains(&e.name),
        "the enterprise is no longer published"
    );
    // Only an administrator chooses; an unknown field is refused.
    let inspector = Client::login(&t, "inspector").await;
    let (s, _) = inspector
        .form(
            &format!("/settings/counties/{x}/public"),
            &[("fields", "enterprise")],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = admin
        .form(
            &format!("/settings/counties/{x}/public"),
            &[("fields", "uscc")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = anon.get("/public/999999").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = anon.get("/public/..%2f").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
