//! What each role finds on screen: its home and menu, the public notice board, history in
//! Chinese.

use crate::common::{Client, counts, seeded_router};
use axum::http::StatusCode;
use jianguan_testkit::backends;

/// Each role lands on its own home and finds a menu in ui.md's order and words, holding only
/// pages it may open; the responsible person's home opens with what waits for his decision.
#[tokio::test]
async fn each_role_has_its_home_and_a_menu_of_what_it_may_use() {
    const ORDER: [&str; 13] = [
        "待办",
        "项目",
        "企业",
        "监督检查",
        "整改",
        "处理决定",
        "资金",
        "资产",
        "数据报送",
        "举报",
        "公示",
        "报表",
        "设置",
    ];
    for backend in backends() {
        let t = seeded_router(backend).await;
        for (user, home) in [
            ("inspector", "/docket"),
            ("chief", "/"),
            ("viewer", "/"),
            ("contractor", "/"),
            ("admin", "/"),
        ] {
            let (status, headers) = Client::anonymous(&t).login_to(user, "").await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{user}");
            assert_eq!(headers.get("location").unwrap(), home, "{backend:?} {user}");
            let c = Client::login(&t, user).await;
            let (status, html) = c.get(home).await;
            assert_eq!(status, StatusCode::OK, "{user}");
            let nav = html
                .split("aria-label=\"主菜单\"")
                .nth(1)
                .and_then(|x| x.split("</nav>").next())
                .unwrap_or_default()
                .to_string();
            let items: Vec<(String, String)> = nav
                .split("<a href=\"")
                .skip(1)
                .map(|x| {
                    let href = x.split('"').next().unwrap().to_string();
                    let label = x
                        .split('>')
                        .nth(1)
                        .unwrap()
                        .split('<')
                        .next()
                        .unwrap()
                        .to_string();
                    (href, label)
                })
                .collect();
            let labels: Vec<&str> = items.iter().map(|(_, l)| l.as_str()).collect();
            let positions: Vec<usize> = labels
                .iter()
                .map(|l| {
                    ORDER
                        .iter()
                        .position(|o| o == l)
                        .unwrap_or_else(|| panic!("{user}: {l} is not a menu word"))
                })
                .collect();
            assert!(
                positions.windows(2).all(|w| w[0] < w[1]),
                "{user}: {labels:?}"
            );
            assert!(
                labels.contains(&"待办") && labels.contains(&"设置") && labels.contains(&"公示"),
                "{user}: {labels:?}"
            );
            for (href, label) in &items {
                let (status, _) = c.get(href).await;
                assert_eq!(status, StatusCode::OK, "{user}: {label} {href}");
            }
        }
        // The responsible person is shown the proposals awaiting him first.
        let chief = Client::login(&t, "chief").await;
        let (_, sanctions) = chief.get_json("/api/v1/sanctions").await;
        let proposed: Vec<&serde_json::Value> = sanctions
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["state"] == "proposed")
            .collect();
        let (_, html) = chief.get("/").await;
        let decisions = html
            .find("data-testid=\"decisions\"")
            .expect("a decisions section");
        assert!(
            decisions < html.find("docket-summary").unwrap(),
            "decisions first"
        );
        for x in proposed {
            assert!(html.contains(&format!("/sanctions/{}", x["id"].as_str().unwrap())));
        }
        let inspector = Client::login(&t, "inspector").await;
        let (_, html) = inspector.get("/").await;
        assert!(!html.contains("data-testid=\"decisions\""));
    }
}

/// The public notice board names the bureau and cites the county's own regulation by its
/// title and document number, from the profile; the login page links to it.
#[tokio::test]
async fn the_notice_board_names_the_bureau_and_the_regulation() {
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let public = Client::anonymous(&t);
    let (status, html) = public.get("/notices").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("交城县工业和信息化（商务）局"), "no bureau");
    assert!(
        html.contains("《交城县电子商务进农村综合示范项目日常监管制度》")
            && html.contains("交电商办〔2022〕9号"),
        "the regulation is not cited by title and number"
    );
    assert!(html.contains("0358-3520080"));
    assert!(
        !html.contains("日常监管办法"),
        "a regulation that does not exist"
    );
    let (_, login) = public.get("/login").await;
    assert!(login.contains("href=\"/notices\""));
    // The login page's line comes from the profile too.
    assert!(login.contains("监督举报电话：交城县工业和信息化（商务）局 0358-3520080"));
}

/// A record's history names each step in Chinese: an imported record says 导入创建, never
/// the trail's code.
#[tokio::test]
async fn history_reads_in_chinese() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let inspector = Client::login(&t, "inspector").await;
        // The demo's inspections come in as an import.
        let (_, list) = inspector
            .get_json(&format!(
                "/api/v1/inspections?project_id={}",
                t.world.project_a
            ))
            .await;
        let id = list[0]["id"].as_str().unwrap();
        let (status, html) = inspector.get(&format!("/inspections/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("导入创建"),
            "{backend:?}: no import step in the history"
        );
        for code in ["import_create", "import_update", "seal_existing"] {
            assert!(!html.contains(code), "{backend:?}: {code} on the page");
        }
    }
}

/// The demo tells a consistent story on the day it is seeded: a planned inspection has no
/// results yet, an order's state matches its material, a report covers a month that has
/// begun and is handed in after the month starts.
#[tokio::test]
async fn the_demo_tells_a_consistent_story() {
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let inspector = Client::login(&t, "inspector").await;
    let today = t.app.today();
    let (_, planned) = inspector
        .get_json("/api/v1/inspections?status=planned")
        .await;
    let planned = planned.as_array().unwrap();
    assert!(!planned.is_empty(), "the demo plans visits");
    for i in planned {
        assert!(
            i["minutes"].is_null()
                && i["standards"] == serde_json::json!({})
                && i["methods"] == serde_json::json!([])
                && i["photo_count"] == 0,
            "a planned visit with results: {i}"
        );
        assert!(i["date"].as_str().unwrap() > today.to_string().as_str());
    }
    let (_, orders) = inspector.get_json("/api/v1/orders").await;
    for o in orders.as_array().unwrap() {
        let (_, full) = inspector
            .get_json(&format!("/api/v1/orders/{}", o["id"].as_str().unwrap()))
            .await;
        let handed_in = full["submissions"].as_array().map_or(0, Vec::len);
        let state = full["state"].as_str().unwrap();
        assert_eq!(
            handed_in > 0,
            state != "issued",
            "order {} is {state} with {handed_in} submissions",
            o["id"]
        );
    }
    let (_, projects) = inspector.get_json("/api/v1/projects").await;
    for p in projects["items"].as_array().into_iter().flatten() {
        let (_, reports) = inspector
            .get_json(&format!(
                "/api/v1/projects/{}/reports",
                p["id"].as_str().unwrap()
            ))
            .await;
        for r in reports.as_array().into_iter().flatten() {
            let month = r["month"].as_str().unwrap();
            let submitted = r["submitted_on"].as_str().unwrap();
            assert!(
                submitted >= month && submitted <= today.to_string().as_str(),
                "{r}"
            );
        }
    }
}

/// Whoever may read a finalised inspection, an order or a decision can print it: the
/// auditor and the contractor concerned as well as the bureau.
#[tokio::test]
async fn every_reader_can_print_what_they_may_read() {
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let inspector = Client::login(&t, "inspector").await;
    let (_, list) = inspector
        .get_json(&format!(
            "/api/v1/inspections?status=finalised&project_id={}",
            t.world.project_a
        ))
        .await;
    let id = list[0]["id"].as_str().unwrap();
    for user in ["viewer", "contractor", "inspector"] {
        let c = Client::login(&t, user).await;
        let (status, html) = c.get(&format!("/inspections/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{user}");
        assert!(
            html.contains(&format!("/inspections/{id}?print=1")),
            "{user}: no print"
        );
        let (status, html) = c.get(&format!("/inspections/{id}?print=1")).await;
        assert_eq!(status, StatusCode::OK, "{user}");
        assert!(html.contains("检查人员"));
    }
    let (_, orders) = Client::login(&t, "contractor")
        .await
        .get_json("/api/v1/orders")
        .await;
    let order = orders[0]["id"]
        .as_str()
        .expect("the contractor has an order");
    for user in ["viewer", "contractor"] {
        let (_, html) = Client::login(&t, user)
            .await
            .get(&format!("/orders/{order}"))
            .await;
        assert!(html.contains("data-print"), "{user}: no print on the order");
    }
}

/// Before deciding, the responsible person sees what a proposal rests on (the enterprise's
/// open findings, its orders, inspections that found problems) and the text the public
/// board will carry; once decided, the page is the decision.
#[tokio::test]
async fn a_proposal_shows_its_evidence_and_the_public_text_before_the_decision() {
    use axum::http::Method;
    use serde_json::json;
    let t = seeded_router(jianguan_testkit::Backend::Sqlite).await;
    let inspector = Client::login(&t, "inspector").await;
    let (status, sn) = inspector
        .json(
            Method::POST,
            "/api/v1/sanctions",
            json!({"enterprise_id": t.world.enterprise_a, "kind": "public_criticism",
                   "facts": "多次迟报生产经营数据，经提醒仍未改正。", "clause": "一（四）"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{sn}");
    let id = sn["id"].as_str().unwrap();
    let chief = Client::login(&t, "chief").await;
    let (_, html) = chief.get(&format!("/sanctions/{id}")).await;
    let evidence = html
        .split("data-testid=\"evidence\"")
        .nth(1)
        .expect("the evidence section")
        .split("</section>")
        .next()
        .unwrap()
        .to_string();
    let (_, own) = Client::login(&t, "contractor")
        .await
        .get_json("/api/v1/docket")
        .await;
    let some_finding = own[0]["id"].as_str().expect("A has an open finding");
    assert!(
        evidence.contains(&format!("/docket/{some_finding}")),
        "{evidence}"
    );
    assert!(
        html.contains("data-testid=\"public-preview\"") && html.contains("多次迟报生产经营数据")
    );
    let (status, _) = chief
        .json(
            Method::POST,
            &format!("/api/v1/sanctions/{id}/act"),
            json!({"action": "decide"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, html) = chief.get(&format!("/sanctions/{id}")).await;
    assert!(!html.contains("data-testid=\"evidence\"") && !html.contains("公示内容预览"));
}

/// 设置: the administrator creates a contractor user for an enterprise, who then sees only
/// that enterprise; disables and enables it; the rules in force are readable by the county's
/// readers; no one else manages users.
#[tokio::test]
async fn the_administrator_manages_users_and_readers_see_the_rules() {
    for backend in jianguan_testkit::backends() {
        let t = seeded_router(backend).await;
        let admin = Client::login(&t, "admin").await;
        let (status, html) = admin.get("/settings/users").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("data-username=\"contractor\""));
        // A contractor without its enterprise is refused, naming the field.
        let (status, html) = admin
            .form(
                "/settings/users",
                &[
                    ("username", "station_a"),
                    ("display_name", "站点管理员"),
                    ("role", "contractor"),
                    ("password", "station-pass-1"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(
            html.contains("data-field-error=\"enterprise_id\""),
            "{html}"
        );
        let (status, _) = admin
            .form(
                "/settings/users",
                &[
                    ("username", "station_a"),
                    ("display_name", "站点管理员"),
                    ("role", "contractor"),
                    ("enterprise_id", &t.world.enterprise_a),
                    ("password", "station-pass-1"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        let new = Client::try_login(&t, "station_a", "station-pass-1")
            .await
            .expect("the new user logs in");
        let (_, own) = new.get_json("/api/v1/docket").await;
        assert!(
            own.as_array()
                .unwrap()
                .iter()
                .all(|f| f["subject"]["enterprise_id"] == t.world.enterprise_a.as_str())
        );
        let (status, _) = new.get("/settings/users").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // Disabled, the user cannot log in; enabled again, it can.
        let (_, html) = admin.get("/settings/users").await;
        let row = html.split("data-username=\"station_a\"").nth(1).unwrap();
        let id = row
            .split("/settings/users/")
            .nth(1)
            .unwrap()
            .split(['/', '"'])
            .next()
            .unwrap()
            .to_string();
        let (status, _) = admin
            .form(&format!("/settings/users/{id}/disable"), &[])
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(
            Client::try_login(&t, "station_a", "station-pass-1")
                .await
                .is_err()
        );
        let (status, _) = admin
            .form(&format!("/settings/users/{id}/enable"), &[])
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let new = Client::try_login(&t, "station_a", "station-pass-1")
            .await
            .expect("enabled again");
        // The user makes an API token; the administrator sees it on the user's page and
        // revokes it, and it stops working.
        let (status, html) = new
            .form("/account/tokens", &[("name", "站点对接"), ("days", "30")])
            .await;
        assert_eq!(status, StatusCode::OK, "{html}");
        let secret = html
            .split("<code class=\"token\" translate=\"no\">")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .to_string();
        let machine = Client::bearer(&t, &secret);
        assert_eq!(machine.get_json("/api/v1/docket").await.0, StatusCode::OK);
        let (status, html) = admin.get(&format!("/settings/users/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("站点对接") && html.contains("晋商"), "{html}");
        let token_id = html
            .split(&format!("/settings/users/{id}/tokens/"))
            .nth(1)
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .to_string();
        // Another user's token through this user's URL is not found, and nothing changes.
        let before = counts(&t).await;
        let (status, _) = admin
            .form(
                &format!(
                    "/settings/users/{}/tokens/{token_id}/revoke",
                    t.world.user_y
                ),
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let me = admin.get_json("/api/v1/me").await.1["user_id"]
            .as_str()
            .unwrap()
            .to_string();
        let (status, _) = admin
            .form(
                &format!("/settings/users/{me}/tokens/{token_id}/revoke"),
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(counts(&t).await, before);
        let (status, _) = admin
            .form(
                &format!("/settings/users/{id}/tokens/{token_id}/revoke"),
                &[],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(
            machine.get_json("/api/v1/docket").await.0,
            StatusCode::UNAUTHORIZED
        );
        let (_, html) = admin.get(&format!("/settings/users/{id}")).await;
        assert!(html.contains("已撤销"));
        // A forgotten password: a short one is refused and nothing changes; then reset,
        // the old one no longer works, the new one does, and the old session is ended.
        let before = counts(&t).await;
        let (status, html) = admin
            .form(
                &format!("/settings/users/{id}/password"),
                &[("password", "short")],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("data-field-error=\"password\""), "{html}");
        assert_eq!(counts(&t).await, before);
        let (status, _) = admin
            .form(
                &format!("/settings/users/{id}/password"),
                &[("password", "station-pass-2")],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_ne!(
            new.get("/docket").await.0,
            StatusCode::OK,
            "old session ended"
        );
        assert!(
            Client::try_login(&t, "station_a", "station-pass-1")
                .await
                .is_err()
        );
        let new = Client::try_login(&t, "station_a", "station-pass-2")
            .await
            .expect("the new password works");
        // The rules in force: every rule, for a reader; not for a contractor.
        let viewer = Client::login(&t, "viewer").await;
        let (status, html) = viewer.get("/settings/profile").await;
        assert_eq!(status, StatusCode::OK);
        for code in jianguan_domain::rules::RULE_CODES {
            let title = &t.app.profile.rule(code).unwrap().title;
            assert!(html.contains(title.as_str()), "{code}");
        }
        assert!(
            !html.contains("<code>progress.deviation</code>"),
            "codes only for the administrator"
        );
        let (status, _) = new.get("/settings/profile").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let inspector = Client::login(&t, "inspector").await;
        let (status, _) = inspector.get("/settings/users").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

/// 设置: the county's townships and its programmes, edited by the administrator with every
/// problem named and nothing saved until all is right.
#[tokio::test]
async fn the_administrator_keeps_townships_and_programmes() {
    for backend in jianguan_testkit::backends() {
        let t = seeded_router(backend).await;
        let admin = Client::login(&t, "admin").await;
        let county = t.world.county_x.clone();
        let (status, html) = admin.get("/settings/counties").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&format!("/settings/counties/{county}")));
        let (status, html) = admin.get(&format!("/settings/counties/{county}")).await;
        assert_eq!(status, StatusCode::OK);
        let current: String = html
            .split("<textarea id=\"townships\"")
            .nth(1)
            .unwrap()
            .split_once('>')
            .unwrap()
            .1
            .split("</textarea>")
            .next()
            .unwrap()
            .to_string();
        assert!(current.contains("天宁镇"), "{current}");
        // A duplicate, a name too long and a township still holding projects, at once.
        let before = counts(&t).await;
        let kept: Vec<&str> = current.lines().filter(|l| *l != "天宁镇").collect();
        let bad = format!(
            "{}\n夏家营镇\n夏家营镇\n这个乡镇的名字实在是写得太长了超过了二十个字",
            kept.join("\n")
        );
        let (status, html) = admin
            .form(
                &format!("/settings/counties/{county}"),
                &[("townships", &bad)],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        for said in ["“夏家营镇”重复填写了", "“天宁镇”还有", "不能删除", "20"]
        {
            assert!(html.contains(said), "{backend:?}: {said} in {html}");
        }
        assert!(
            html.contains("夏家营镇\n夏家营镇"),
            "what was typed comes back"
        );
        assert_eq!(counts(&t).await, before, "{backend:?}: nothing saved");
        // A new township, added at the end, is offered on the project form.
        let good = format!("{current}\n新设乡");
        let (status, _) = admin
            .form(
                &format!("/settings/counties/{county}"),
                &[("townships", &good)],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}");
        let inspector = Client::login(&t, "inspector").await;
        let (_, form) = inspector.get("/projects/new").await;
        assert!(form.contains(">新设乡<"), "{backend:?}");
        assert_eq!(
            inspector
                .get(&format!("/settings/counties/{county}"))
                .await
                .0,
            StatusCode::FORBIDDEN
        );

        // Programmes: an unreadable budget and a period that ends before it starts.
        let before = counts(&t).await;
        let (status, html) = admin
            .form(
                "/settings/programmes",
                &[
                    ("name", "第二期示范"),
                    ("period_start", "2027-06-01"),
                    ("period_end", "2027-01-01"),
                    ("budget", "两千万"),
                    ("responsible_person", "县商务局局长"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(html.contains("data-field-error=\"budget\""), "{html}");
        assert!(html.contains("data-field-error=\"period_end\""), "{html}");
        assert!(
            html.contains("value=\"两千万\""),
            "what was typed comes back"
        );
        assert_eq!(counts(&t).await, before, "{backend:?}: nothing saved");
        let (status, html) = admin
            .form(
                "/settings/programmes",
                &[
                    ("name", "第二期示范"),
                    ("period_start", "2027-01-01"),
                    ("period_end", "2028-12-31"),
                    ("budget", "15,000,000"),
                    ("responsible_person", "县商务局局长"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{backend:?}: {html}");
        let (_, list) = admin.get("/settings/programmes").await;
        assert!(
            list.contains("第二期示范") && list.contains("¥15,000,000.00"),
            "{list}"
        );
        let id = list
            .split("/settings/programmes/")
            .skip(1)
            .find(|x| x.split("</a>").next().unwrap().contains("第二期示范"))
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        let (status, _) = admin
            .form(
                &format!("/settings/programmes/{id}"),
                &[
                    ("name", "第二期示范"),
                    ("period_start", "2027-01-01"),
                    ("period_end", "2028-12-31"),
                    ("budget", "16,000,000.50"),
                    ("responsible_person", "县商务局局长"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, html) = admin.get(&format!("/settings/programmes/{id}")).await;
        assert!(html.contains("value=\"16000000.50\""), "{html}");
        assert_eq!(
            inspector.get("/settings/programmes").await.0,
            StatusCode::FORBIDDEN
        );
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}
