//! The docket per caller: what each may see, in which order, with which filters, and who
//! must act on each finding.

use crate::common::{Client, seeded_router};
use axum::http::{Method, StatusCode};
use jianguan_testkit::backends;
use serde_json::json;

#[tokio::test]
async fn the_docket_shows_each_caller_what_they_may_see() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let inspector = Client::login(&t, "inspector").await;
        let (status, all) = inspector.get_json("/api/v1/docket").await;
        assert_eq!(status, StatusCode::OK);
        let all = all.as_array().unwrap().clone();
        let rules: std::collections::BTreeSet<&str> =
            all.iter().map(|f| f["rule"].as_str().unwrap()).collect();
        // The demo is built so that every rule of the regulation has something to show.
        for code in jianguan_domain::rules::RULE_CODES {
            assert!(
                rules.contains(code),
                "{backend:?}: demo docket lacks {code}"
            );
        }
        assert!(
            all.iter()
                .all(|f| f["subject"]["name"] != "文水县物流配送中心"),
            "county Y leaked into X"
        );
        // Ordered by severity, critical first.
        let ranks: Vec<u8> = all
            .iter()
            .map(|f| jianguan_app::docket::severity_rank(f["severity"].as_str().unwrap()))
            .collect();
        assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");

        let contractor = Client::login(&t, "contractor").await;
        let (_, own) = contractor.get_json("/api/v1/docket").await;
        let own = own.as_array().unwrap();
        assert!(!own.is_empty() && own.len() < all.len());
        assert!(
            own.iter()
                .all(|f| f["subject"]["enterprise_id"] == t.world.enterprise_a.as_str()),
            "{own:?}"
        );
        let (_, html) = contractor.get("/docket").await;
        assert!(html.contains("本企业待办") && !html.contains("顺通物流"));
        let (_, live) = contractor.get_json("/api/v1/check?as_of=2026-12-31").await;
        assert!(
            live.as_array()
                .unwrap()
                .iter()
                .all(|f| f["subject"]["enterprise_id"] == t.world.enterprise_a.as_str())
        );
        let (status, v) = contractor.get_json("/api/v1/check?as_of=2026-02-30").await;
        assert_eq!(
            (status, v["error"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("validation_failed"))
        );

        // Filters and the finding page with its clause quoted.
        let (_, serious) = inspector.get_json("/api/v1/docket?severity=critical").await;
        assert!(
            serious
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["severity"] == "critical")
        );
        // Filter values that match nothing by construction are errors, not empty dockets.
        let (status, v) = inspector
            .get_json("/api/v1/docket?severity=urgent&area=weather")
            .await;
        assert_eq!(
            (status, v["error"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("validation_failed")),
            "{v}"
        );
        assert!(
            v["fields"]["severity"].as_str().unwrap().contains("urgent")
                && v["fields"]["area"].is_string()
        );
        let (status, v) = inspector.get_json("/api/v1/docket?colour=red").await;
        assert_eq!(
            (status, v["error"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_query")),
            "{v}"
        );
        let (_, funds) = inspector.get_json("/api/v1/docket?area=funds").await;
        assert!(
            funds
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["rule"].as_str().unwrap().starts_with("funds."))
        );
        let dup = all
            .iter()
            .find(|f| f["rule"] == "funds.duplicate_claim")
            .unwrap();
        let (status, html) = inspector
            .get(&format!("/docket/{}", dup["id"].as_str().unwrap()))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("一（四）") && html.contains("即刻追回资金并在政府网站上通报批评"),
            "clause not quoted"
        );
        // Notifications reached the inspector; marking them read empties the bell.
        let (_, notes) = inspector.get_json("/api/v1/notifications").await;
        assert!(
            !notes.as_array().unwrap().is_empty(),
            "{backend:?}: no notification"
        );
        let (status, _) = inspector
            .json(Method::POST, "/api/v1/notifications/read", json!({}))
            .await;
        assert_eq!(status, StatusCode::OK);
        let (_, html) = inspector.get("/docket").await;
        assert!(!html.contains("条未读"));
    }
}

/// regulation.md, "Who acts": a contractor's docket, finding pages, live check and
/// notifications hold only what the contractor must do — never the bureau's quotas or
/// follow-ups about its projects — and the staff docket shows and filters by who acts.
#[tokio::test]
async fn a_contractor_sees_only_its_own_duties_and_staff_see_who_acts() {
    use jianguan_domain::rules::Party;
    for backend in backends() {
        let t = seeded_router(backend).await;
        let profile = &t.app.profile;
        let inspector = Client::login(&t, "inspector").await;
        let (_, all) = inspector.get_json("/api/v1/docket").await;
        let all = all.as_array().unwrap().clone();
        // The bureau's own duties about enterprise A's projects exist …
        let bureau_on_a: Vec<&serde_json::Value> = all
            .iter()
            .filter(|f| {
                f["subject"]["enterprise_id"] == t.world.enterprise_a.as_str()
                    && f["acts"] != "contractor"
            })
            .collect();
        assert!(
            bureau_on_a
                .iter()
                .any(|f| f["rule"].as_str().unwrap().starts_with("inspection.")),
            "{backend:?}: the demo should hold an inspection duty on A's projects"
        );
        for f in &all {
            assert_eq!(
                f["acts"].as_str(),
                Some(profile.acts(f["rule"].as_str().unwrap()).code()),
                "{f}"
            );
        }
        // … and the contractor sees none of them, anywhere.
        let contractor = Client::login(&t, "contractor").await;
        let (_, own) = contractor.get_json("/api/v1/docket").await;
        let own = own.as_array().unwrap();
        assert!(!own.is_empty());
        assert!(own.iter().all(|f| f["acts"] == "contractor"), "{own:?}");
        let (_, html) = contractor.get("/docket").await;
        assert!(
            !html.contains("data-rule=\"inspection."),
            "bureau duty on the contractor's page"
        );
        assert!(
            !html.contains("办理方"),
            "the contractor's docket has no one else to filter by"
        );
        for f in &bureau_on_a {
            let id = f["id"].as_str().unwrap();
            let (status, _) = contractor.get_json(&format!("/api/v1/docket/{id}")).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{}", f["rule"]);
            let (status, _) = contractor.get(&format!("/docket/{id}")).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{}", f["rule"]);
        }
        let (_, live) = contractor.get_json("/api/v1/check?as_of=2026-12-31").await;
        assert!(
            live.as_array()
                .unwrap()
                .iter()
                .all(|f| f["acts"] == "contractor")
        );
        let (_, notes) = contractor.get_json("/api/v1/notifications").await;
        for n in notes.as_array().unwrap() {
            let text = format!("{}{}", n["title"], n["body"]);
            assert!(
                !text.contains("检查次数不足") && !text.contains("资金使用情况检查"),
                "{text}"
            );
        }
        // Staff: the column, and the filter per party.
        let (_, html) = inspector.get("/docket").await;
        assert!(html.contains("<th>办理方</th>") && html.contains("data-acts=\"承办企业\""));
        for party in Party::ALL {
            let (status, got) = inspector
                .get_json(&format!("/api/v1/docket?acts={}", party.code()))
                .await;
            assert_eq!(status, StatusCode::OK);
            let got = got.as_array().unwrap();
            assert_eq!(
                got.len(),
                all.iter().filter(|f| f["acts"] == party.code()).count(),
                "{party:?}"
            );
        }
        let (status, v) = inspector.get_json("/api/v1/docket?acts=mayor").await;
        assert_eq!(
            (status, v["fields"]["acts"].is_string()),
            (StatusCode::UNPROCESSABLE_ENTITY, true),
            "{v}"
        );
    }
}

/// Every finding offers the step its rule asks for (tip-offs wait for their area), each
/// step opens, the right ones for the rules where a wrong one is easy (an inspection's
/// missing evidence leads to that inspection, an escalation to a disqualification proposal),
/// and a contractor's duty can be sent to it as a reminder it can open.
#[tokio::test]
async fn each_finding_offers_the_action_its_rule_asks_for() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let inspector = Client::login(&t, "inspector").await;
        let (_, all) = inspector.get_json("/api/v1/docket").await;
        let all = all.as_array().unwrap().clone();
        let mut seen_rules = std::collections::BTreeSet::new();
        for f in &all {
            let rule = f["rule"].as_str().unwrap();
            if !seen_rules.insert(rule.to_string()) {
                continue;
            }
            let id = f["id"].as_str().unwrap();
            let (status, html) = inspector.get(&format!("/docket/{id}")).await;
            assert_eq!(status, StatusCode::OK, "{rule}");
            let steps = html
                .split("data-testid=\"next-steps\"")
                .nth(1)
                .and_then(|x| x.split("</div>").next())
                .unwrap_or_default()
                .to_string();
            if rule == "tipoff.unanswered" {
                continue;
            }
            assert!(!steps.is_empty(), "{backend:?}: {rule} offers no next step");
            for href in steps
                .split("href=\"")
                .skip(1)
                .map(|x| x.split('"').next().unwrap())
            {
                let href = href.replace("&amp;", "&");
                let path = href.split('#').next().unwrap();
                let (status, _) = inspector.get(path).await;
                assert_eq!(status, StatusCode::OK, "{rule}: {href}");
            }
            match rule {
                "inspection.evidence_missing" => assert!(
                    steps.contains(&format!(
                        "/inspections/{}",
                        f["subject"]["id"].as_str().unwrap()
                    )),
                    "{steps}"
                ),
                "rectification.escalate" => {
                    assert!(steps.contains("kind=disqualification"), "{steps}")
                }
                "inspection.construction_quota" => assert!(steps.contains("kind=construction")),
                // The order names the problem (its acceptance closes it); the problem opens.
                "market.violation_open" => {
                    let id = f["subject"]["id"].as_str().unwrap();
                    assert!(steps.contains(&format!("source=market%3A{id}")), "{steps}");
                    assert!(steps.contains(&format!("/market/{id}")), "{steps}");
                }
                _ => {}
            }
            // A remind button exactly on the contractor's duties.
            assert_eq!(
                steps.contains("data-testid=\"remind\""),
                f["acts"] == "contractor",
                "{rule}"
            );
        }
        // Remind: the contractor is told, and the link opens for it.
        let duty = all
            .iter()
            .find(|f| {
                f["acts"] == "contractor"
                    && f["subject"]["enterprise_id"] == t.world.enterprise_a.as_str()
            })
            .expect("a duty of enterprise A");
        let id = duty["id"].as_str().unwrap();
        let (status, _) = inspector.form(&format!("/docket/{id}/remind"), &[]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let contractor = Client::login(&t, "contractor").await;
        let (_, notes) = contractor.get_json("/api/v1/notifications").await;
        let link = format!("/docket/{id}");
        assert!(
            notes
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n["link"] == link.as_str()),
            "{backend:?}: {notes}"
        );
        let (status, _) = contractor.get(&link).await;
        assert_eq!(status, StatusCode::OK);
        // Not for the bureau's own duties, and not by a contractor: refused, nothing written.
        let bureau = all.iter().find(|f| f["acts"] == "bureau").unwrap();
        let before = crate::common::counts(&t).await;
        let (status, _) = inspector
            .form(
                &format!("/docket/{}/remind", bureau["id"].as_str().unwrap()),
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, _) = contractor.form(&format!("/docket/{id}/remind"), &[]).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(crate::common::counts(&t).await, before, "{backend:?}");
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

/// The docket page reads one page at a time, from the docket held in memory or, when it
/// cannot be held (a county whose docket has no version yet, a filter that reads other
/// tables), in the database's order: page after page, it is the docket the API lists
/// whole, in the same order, on both backends; the area tabs count the open findings
/// whatever the filter.
#[tokio::test]
async fn the_docket_page_by_page_is_the_whole_docket_in_order() {
    use jianguan_app::docket::{self, DocketFilter};
    for b in jianguan_testkit::backends() {
        let t = crate::common::seeded_router(b).await;
        let inspector = jianguan_testkit::actor_of(&t.app, "inspector").await;
        // The system most of the county's projects are in: a filter that reads projects.
        let projects = jianguan_store::queries::projects(
            t.app.store.reader(),
            &jianguan_store::Scope::county(jianguan_app::demo::COUNTY),
            &jianguan_store::queries::ListFilter {
                limit: 500,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items;
        let mut systems = std::collections::BTreeMap::<String, usize>::new();
        for p in &projects {
            *systems.entry(p.system.clone()).or_default() += 1;
        }
        let system = systems
            .into_iter()
            .max_by_key(|(_, n)| *n)
            .map(|(s, _)| s)
            .unwrap();
        // Held (the seeded county's docket was stored), then not: as a database migrated
        // before the versions were kept, until its next refresh.
        for held in [true, false] {
            if !held {
                jianguan_store::execute_raw(
                    t.app.store.housekeeping(),
                    "DELETE FROM docket_versions",
                )
                .await
                .unwrap();
            }
            for filter in [
                DocketFilter::default(),
                DocketFilter {
                    include_resolved: true,
                    ..Default::default()
                },
                DocketFilter {
                    severity: Some("warning".into()),
                    ..Default::default()
                },
                DocketFilter {
                    system: Some(system.clone()),
                    include_resolved: true,
                    ..Default::default()
                },
            ] {
                let whole = docket::list(&t.app, &inspector, &filter).await.unwrap();
                // Longer than a page (the system's findings: some at least).
                let least = if filter.system.is_some() { 1 } else { 8 };
                assert!(whole.rows.len() >= least, "{b:?} {filter:?}");
                let mut paged = Vec::new();
                let mut offset = 0;
                loop {
                    let p = docket::page(&t.app, &inspector, &filter, offset, 7)
                        .await
                        .unwrap();
                    assert_eq!(p.total as usize, whole.rows.len(), "{b:?}");
                    if p.rows.is_empty() {
                        break;
                    }
                    offset += p.rows.len() as u64;
                    paged.extend(p.rows);
                }
                assert_eq!(keys(&paged), keys(&whole.rows), "{b:?} {held} {filter:?}");
            }
            let open = docket::list(&t.app, &inspector, &DocketFilter::default())
                .await
                .unwrap();
            let narrow = DocketFilter {
                severity: Some("critical".into()),
                ..Default::default()
            };
            let p = docket::page(&t.app, &inspector, &narrow, 0, 5)
                .await
                .unwrap();
            assert_eq!(
                p.open_by_area.values().sum::<u64>() as usize,
                open.rows.len()
            );
            for (area, n) in &p.open_by_area {
                let here = open
                    .rows
                    .iter()
                    .filter(|f| f.rule.starts_with(&format!("{area}.")))
                    .count();
                assert_eq!(*n as usize, here, "{b:?} {held} {area}");
            }
        }
    }
}

fn keys(v: &[jianguan_store::entity::finding::Model]) -> Vec<String> {
    v.iter().map(|f| f.key.clone()).collect()
}

/// A server keeps a county's docket in memory only while it is the stored one: once
/// another server on the same database stores a refresh, this server's docket — its
/// list, its pages and the API's whole answer with its tag — is the new one; and what
/// one reader holds is never another's (a contractor's held docket stays its own).
#[tokio::test]
async fn a_held_docket_gives_way_to_a_refresh_stored_by_another_server() {
    use jianguan_app::docket::{self, DocketFilter};
    use std::sync::Arc;
    for b in backends() {
        let t = seeded_router(b).await;
        let all = DocketFilter::default();
        let inspector = jianguan_testkit::actor_of(&t.app, "inspector").await;
        let contractor = jianguan_testkit::actor_of(&t.app, "contractor").await;
        let api = Client::login(&t, "inspector").await;
        let (s, before, h) = api.get_with_headers("/api/v1/docket").await;
        assert_eq!(s, StatusCode::OK, "{b:?}");
        let tag = h["etag"].clone();
        let held = docket::list(&t.app, &inspector, &all).await.unwrap();
        let again = docket::list(&t.app, &inspector, &all).await.unwrap();
        assert!(Arc::ptr_eq(&held, &again), "{b:?}: held, not read again");
        let theirs = docket::list(&t.app, &contractor, &all).await.unwrap();
        assert!(!theirs.rows.is_empty(), "{b:?}");
        assert!(theirs.rows.len() < held.rows.len(), "{b:?}");

        let other = t.another_server().await;
        let later = t.app.today() + chrono::Days::new(400);
        docket::refresh(&other, jianguan_app::demo::COUNTY, later)
            .await
            .unwrap();
        let stored = docket::list(&other, &inspector, &all).await.unwrap();
        assert_ne!(
            keys(&stored.rows),
            keys(&held.rows),
            "{b:?}: the refresh changed it"
        );

        let now = docket::list(&t.app, &inspector, &all).await.unwrap();
        assert_eq!(keys(&now.rows), keys(&stored.rows), "{b:?}");
        let (s, after, h) = api.get_with_headers("/api/v1/docket").await;
        assert_eq!(s, StatusCode::OK, "{b:?}");
        assert_ne!(after, before, "{b:?}");
        assert_ne!(h["etag"], tag, "{b:?}");
        let listed: Vec<serde_json::Value> = serde_json::from_str(&after).unwrap();
        let listed: Vec<&str> = listed.iter().map(|f| f["key"].as_str().unwrap()).collect();
        assert_eq!(listed, keys(&now.rows), "{b:?}");
        let page = docket::page(&t.app, &inspector, &all, 0, 5).await.unwrap();
        assert_eq!(keys(&page.rows), keys(&now.rows[..5]), "{b:?}");
        assert_eq!(page.total as usize, now.rows.len(), "{b:?}");

        let theirs_now = docket::list(&t.app, &contractor, &all).await.unwrap();
        let theirs_stored = docket::list(&other, &contractor, &all).await.unwrap();
        assert_eq!(keys(&theirs_now.rows), keys(&theirs_stored.rows), "{b:?}");
        for f in &theirs_now.rows {
            assert_eq!(
                f.enterprise_id, contractor.enterprise_id,
                "{b:?}: {}",
                f.key
            );
        }
    }
}

/// `GET /api/v1/docket` pages with `offset`/`limit` (a big county's 5,000 findings need not
/// cross at once): the pages are the whole docket in its order, `X-Total-Count` says how
/// many there are, a contractor's pages hold only their own duties, and a page beyond the
/// bounds is refused with the field named.
#[tokio::test]
async fn the_docket_api_pages_through_the_whole_docket() {
    for b in backends() {
        let t = seeded_router(b).await;
        for user in ["inspector", "contractor"] {
            let c = Client::login(&t, user).await;
            for filter in ["", "&include_resolved=true", "&severity=warning"] {
                let (s, whole, h) = c
                    .get_with_headers(&format!("/api/v1/docket?{filter}"))
                    .await;
                assert_eq!(s, StatusCode::OK, "{b:?} {user}");
                let whole: Vec<serde_json::Value> = serde_json::from_str(&whole).unwrap();
                assert_eq!(h["x-total-count"], whole.len().to_string().as_str());
                let mut paged = Vec::new();
                let mut offset = 0;
                loop {
                    let (s, page, h) = c
                        .get_with_headers(&format!(
                            "/api/v1/docket?limit=3&offset={offset}{filter}"
                        ))
                        .await;
                    assert_eq!(s, StatusCode::OK, "{b:?} {user} {filter}: {page}");
                    assert_eq!(h["x-total-count"], whole.len().to_string().as_str());
                    let page: Vec<serde_json::Value> = serde_json::from_str(&page).unwrap();
                    assert!(page.len() <= 3);
                    if page.is_empty() {
                        break;
                    }
                    offset += page.len();
                    paged.extend(page);
                }
                assert_eq!(paged, whole, "{b:?} {user} {filter}");
            }
        }
        // A contractor's pages are their own duties only, as the whole docket is.
        let contractor = Client::login(&t, "contractor").await;
        let (_, mine) = contractor.get_json("/api/v1/docket?limit=500").await;
        for f in mine.as_array().unwrap() {
            assert_eq!(f["acts"], "contractor", "{b:?}: {f}");
        }
        let inspector = Client::login(&t, "inspector").await;
        for bad in ["limit=501", "offset=10000001&limit=5"] {
            let (s, body) = inspector.get_json(&format!("/api/v1/docket?{bad}")).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b:?} {bad}: {body}");
            let field = bad.split('=').next().unwrap();
            assert!(
                body.to_string().contains(&format!("\"{field}\"")),
                "{b:?} {bad}: {body}"
            );
        }
    }
}
