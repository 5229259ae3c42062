//! Logging in and machine access, tried as an attacker would: redirects that leave the
//! site, a login planted from another site, tokens that outlive their trust, and lockouts
//! that one anonymous client could impose on a whole county behind its proxy.

use crate::common::{Client, TestRouter, moving_clock, seeded_router};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use jianguan_testkit::{Backend, DEMO_PASSWORD};
use jianguan_web::WebConfig;
use serde_json::json;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use tower::ServiceExt;

/// A login form posted through a proxy at `peer`, for the client `forwarded_for`.
async fn login_via(
    t: &TestRouter,
    username: &str,
    password: &str,
    peer: &str,
    forwarded_for: Option<&str>,
) -> (StatusCode, String) {
    let body = format!("username={username}&password={password}&next=%2F");
    let mut req = Request::post("/login")
        .header(header::HOST, "localhost")
        .header(header::ORIGIN, "http://localhost")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(f) = forwarded_for {
        req = req.header("x-forwarded-for", f);
    }
    let mut req = req.body(Body::from(body)).unwrap();
    let peer: SocketAddr = format!("{peer}:40000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(peer));
    let res = t.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn next_takes_only_a_strictly_parsed_path_of_this_site() {
    let t = seeded_router(Backend::Sqlite).await;
    let c = Client::anonymous(&t);
    for bad in [
        "/%09/evil.example",
        "/%0a",
        "/\\evil.example",
        "/%2F%2Fevil.example",
        "//evil.example",
    ] {
        let (status, headers) = c.login_to("inspector", bad).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{bad}");
        // Refused, it is as if none was given: the inspector's home.
        assert_eq!(headers.get("location").unwrap(), "/docket", "{bad}");
    }
    // The login page itself (a logged-in visitor is sent on) never answers 500.
    let inspector = Client::login(&t, "inspector").await;
    for bad in ["/login?next=/%0a", "/login?next=/%09/evil.example"] {
        let (status, _, headers) = inspector.get_with_headers(bad).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{bad}");
        assert_eq!(headers.get("location").unwrap(), "/");
    }
}

#[tokio::test]
async fn a_login_from_another_site_or_from_nowhere_is_refused() {
    let t = seeded_router(Backend::Sqlite).await;
    let c = Client::anonymous(&t);
    let form = format!("username=inspector&password={DEMO_PASSWORD}&next=%2F");
    for origin in [Some("null"), Some("http://evil.example"), None] {
        let req = c
            .builder_from(Method::POST, "/login", origin)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form.clone()))
            .unwrap();
        let (status, headers, _) = c.send(req).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{origin:?}");
        assert!(headers.get(header::SET_COOKIE).is_none(), "{origin:?}");
    }
    // A browser that leaves Origin out but sends a Referer of this site still logs in.
    let req = c
        .builder_from(Method::POST, "/login", None)
        .header(header::REFERER, "http://localhost/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap();
    assert_eq!(c.send(req).await.0, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn tokens_expire_are_revoked_and_end_with_the_trust_they_were_made_under() {
    for backend in jianguan_testkit::backends() {
        let mut t = seeded_router(backend).await;
        let (app, offset) = moving_clock(&t.app);
        t.set_app(app);
        let inspector = Client::login(&t, "inspector").await;
        let admin = Client::login(&t, "admin").await;
        let make = |days: Option<i64>| {
            let body = match days {
                Some(d) => json!({"name": "数据接口", "days": d}),
                None => json!({"name": "数据接口"}),
            };
            inspector.json(Method::POST, "/api/v1/tokens", body)
        };
        for bad in [0, 367, -1] {
            let (status, v) = make(Some(bad)).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{backend:?} {bad}: {v}"
            );
            assert!(v["fields"]["days"].as_str().unwrap().contains("有效期"));
        }
        let (status, short) = make(Some(1)).await;
        assert_eq!(status, StatusCode::CREATED, "{backend:?}: {short}");
        let short = Client::bearer(&t, short["token"].as_str().unwrap());
        assert_eq!(short.get_json("/api/v1/me").await.0, StatusCode::OK);
        // A day and a bit later it no longer opens anything.
        offset.store(25 * 3600, Ordering::SeqCst);
        assert_eq!(
            short.get_json("/api/v1/me").await.0,
            StatusCode::UNAUTHORIZED
        );
        offset.store(0, Ordering::SeqCst);

        // Revoked by its owner: gone at once, listed as revoked, with its last use.
        let (_, made) = make(None).await;
        let id = made["id"].as_str().unwrap().to_string();
        let tok = Client::bearer(&t, made["token"].as_str().unwrap());
        assert_eq!(tok.get_json("/api/v1/me").await.0, StatusCode::OK);
        let (_, list) = inspector.get_json("/api/v1/tokens").await;
        let listed = list
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == id.as_str())
            .unwrap();
        assert!(listed["last_used_at"].is_string(), "{listed}");
        assert!(!list.to_string().contains("token_hash"));
        let (status, _) = inspector
            .json(
                Method::POST,
                &format!("/api/v1/tokens/{id}/revoke"),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(tok.get_json("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
        let (status, _) = inspector
            .json(
                Method::POST,
                &format!("/api/v1/tokens/{id}/revoke"),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);

        // Disabling the user ends their tokens; enabling them again does not bring them back.
        let (_, made) = make(None).await;
        let tok = Client::bearer(&t, made["token"].as_str().unwrap());
        let me = inspector.get_json("/api/v1/me").await.1["user_id"]
            .as_str()
            .unwrap()
            .to_string();
        let (_, tokens) = admin.get_json(&format!("/api/v1/users/{me}/tokens")).await;
        assert!(tokens.as_array().unwrap().len() >= 3, "{tokens}");
        for step in ["disable", "enable"] {
            let (status, _) = admin
                .json(
                    Method::POST,
                    &format!("/api/v1/users/{me}/{step}"),
                    json!({}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{step}");
        }
        assert_eq!(tok.get_json("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);

        // A password change ends the tokens made before it.
        let viewer = Client::login(&t, "viewer").await;
        let (_, made) = viewer
            .json(Method::POST, "/api/v1/tokens", json!({"name": "报表"}))
            .await;
        let tok = Client::bearer(&t, made["token"].as_str().unwrap());
        assert_eq!(tok.get_json("/api/v1/me").await.0, StatusCode::OK);
        let (status, _) = viewer
            .form(
                "/account/password",
                &[
                    ("old_password", DEMO_PASSWORD),
                    ("new_password", "另一个足够长的密码"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(tok.get_json("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

#[tokio::test]
async fn one_client_behind_the_proxy_cannot_lock_out_the_county() {
    let mut t = seeded_router(Backend::Sqlite).await;
    let (app, _) = moving_clock(&t.app);
    // Without the proxy named as trusted, every client is the proxy's address: thirty
    // guesses at random names from one client slow everyone down.
    t.set(app.clone(), WebConfig::default());
    for n in 0..30 {
        login_via(
            &t,
            &format!("guess{n}"),
            "x",
            "127.0.0.1",
            Some("203.0.113.66"),
        )
        .await;
    }
    let (status, page) = login_via(
        &t,
        "inspector",
        DEMO_PASSWORD,
        "127.0.0.1",
        Some("198.51.100.7"),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{page}");
    assert!(page.contains("登录失败次数过多"));

    // Named as trusted, the proxy's X-Forwarded-For tells the clients apart: the guesser
    // is slowed, the inspector logs in.
    let mut fresh = seeded_router(Backend::Sqlite).await;
    let (app, offset) = moving_clock(&fresh.app);
    fresh.set(
        app,
        WebConfig {
            trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
            ..Default::default()
        },
    );
    let t = fresh;
    for n in 0..30 {
        login_via(
            &t,
            &format!("guess{n}"),
            "x",
            "127.0.0.1",
            Some("203.0.113.66"),
        )
        .await;
    }
    let (status, _) = login_via(&t, "guess99", "x", "127.0.0.1", Some("203.0.113.66")).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "the guesser is slowed"
    );
    let (status, page) = login_via(
        &t,
        "inspector",
        DEMO_PASSWORD,
        "127.0.0.1",
        Some("198.51.100.7"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
    // A client cannot pretend to be someone else by adding its own X-Forwarded-For.
    let (status, _) = login_via(
        &t,
        "guess98",
        "x",
        "127.0.0.1",
        Some("198.51.100.7, 203.0.113.66"),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);

    // Guessing one name from many addresses slows that name, but only by a minute at most,
    // and the administrator can lift it at once.
    for n in 0..55 {
        login_via(
            &t,
            "chief",
            "wrong",
            "127.0.0.1",
            Some(&format!("192.0.2.{n}")),
        )
        .await;
    }
    let (status, page) = login_via(
        &t,
        "chief",
        DEMO_PASSWORD,
        "127.0.0.1",
        Some("198.51.100.8"),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{page}");
    assert!(page.contains("秒后再试"), "{page}");
    offset.store(61, Ordering::SeqCst);
    let (status, _) = login_via(
        &t,
        "chief",
        DEMO_PASSWORD,
        "127.0.0.1",
        Some("198.51.100.8"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "at most a minute");
    for n in 0..55 {
        login_via(
            &t,
            "chief",
            "wrong",
            "127.0.0.1",
            Some(&format!("192.0.2.{n}")),
        )
        .await;
    }
    let admin = Client::login(&t, "admin").await;
    let chief_id = jianguan_store::queries::user_by_username(t.app.store.reader(), "chief")
        .await
        .unwrap()
        .unwrap()
        .id;
    let (status, v) = admin
        .json(
            Method::POST,
            &format!("/api/v1/users/{chief_id}/unlock"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert!(v["failures_cleared"].as_u64().unwrap() >= 50, "{v}");
    let (status, _) = login_via(
        &t,
        "chief",
        DEMO_PASSWORD,
        "127.0.0.1",
        Some("198.51.100.8"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "unlocked");

    // The delay doubles with each failure past the limit, and refused attempts do not
    // lengthen it.
    for _ in 0..7 {
        login_via(&t, "viewer", "wrong", "127.0.0.1", Some("198.51.100.9")).await;
        offset.fetch_add(10, Ordering::SeqCst);
    }
    // Seven failures: the seventh put a 4 s wait on the name from this address.
    let (status, page) = login_via(
        &t,
        "viewer",
        DEMO_PASSWORD,
        "127.0.0.1",
        Some("198.51.100.9"),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "ten seconds is past the wait: {page}"
    );
}

#[tokio::test]
async fn behind_https_the_session_cookie_is_host_bound_and_hsts_is_sent() {
    let mut t = seeded_router(Backend::Sqlite).await;
    let plain = Client::anonymous(&t).get_with_headers("/login").await.2;
    for h in [
        "permissions-policy",
        "cross-origin-opener-policy",
        "cross-origin-resource-policy",
    ] {
        assert!(plain.get(h).is_some(), "{h}");
    }
    assert!(
        plain["permissions-policy"]
            .to_str()
            .unwrap()
            .contains("camera=(self)")
            && plain["permissions-policy"]
                .to_str()
                .unwrap()
                .contains("geolocation=(self)")
    );
    assert!(
        plain.get("strict-transport-security").is_none(),
        "not over plain HTTP"
    );
    t.set(
        t.app.clone(),
        WebConfig {
            secure_cookies: true,
            public_url: Some("https://jg.example.gov.cn".into()),
            ..Default::default()
        },
    );
    // Behind the proxy the page's origin is the public address (the proxy may send another
    // Host).
    let c = Client::anonymous(&t);
    let req = c
        .builder_from(Method::POST, "/login", Some("https://jg.example.gov.cn"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "username=inspector&password={DEMO_PASSWORD}&next=%2F"
        )))
        .unwrap();
    let (status, headers, _) = c.send(req).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let cookie = headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("__Host-jg_session="), "{cookie}");
    assert!(
        cookie.contains("; Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"),
        "{cookie}"
    );
    assert_eq!(
        headers["strict-transport-security"].to_str().unwrap(),
        "max-age=31536000"
    );
}

/// A form sent after the session ended goes to the login page saying so, and from there
/// back to the page the form was on (this site's own only), not to where it was sent.
#[tokio::test]
async fn a_form_sent_after_the_session_ended_leads_back_to_its_page() {
    let t = seeded_router(Backend::Sqlite).await;
    let c = Client::anonymous(&t);
    let send = |referer: &'static str| {
        c.builder_from(Method::POST, "/inspections", Some("http://localhost"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "localhost")
            .header(header::REFERER, referer)
            .body(Body::from("minutes=x"))
            .unwrap()
    };
    let (status, headers, _) = c
        .send(send(
            "http://localhost/inspections/new?mode=record&kind=funds",
        ))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers.get("location").unwrap(),
        "/login?expired=1&next=/inspections/new%3Fmode%3Drecord%26kind%3Dfunds"
    );
    // Another site's page is not where anyone is sent.
    let (_, headers, _) = c.send(send("http://evil.example/inspections/new")).await;
    assert_eq!(
        headers.get("location").unwrap(),
        "/login?expired=1&next=/inspections"
    );
    let (_, html) = c.get("/login?expired=1&next=/inspections").await;
    assert!(html.contains("登录已超时，请重新登录"));
}
