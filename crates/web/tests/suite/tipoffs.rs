//! 举报: the public form with its guard, the receipt code (100 bits, kept as a hash only,
//! never in a URL or the log), looking a tip-off up under a limit per address, the staff's
//! handling loop through the pages, who sees the tipster's contact, and `tipoff.unanswered`
//! from records made on the screens.

use crate::common::{Client, TestRouter, moving_clock, seeded_router};
use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use jianguan_app::tipoffs::{self as tp, guard};
use jianguan_store::entity::tipoff;
use jianguan_store::sea::EntityTrait;
use jianguan_testkit::{actor_of, backends, sample_jpeg};
use std::sync::atomic::Ordering;

/// The router with a clock tests move (to pass the form's minimum time) and a small
/// proof-of-work, so debug builds find one quickly.
async fn router(
    backend: jianguan_testkit::Backend,
) -> (TestRouter, std::sync::Arc<std::sync::atomic::AtomicI64>) {
    let mut t = seeded_router(backend).await;
    let (app, clock) = moving_clock(&t.app);
    t.set_app(app.with_public_limits(jianguan_app::tipoffs::PublicLimits {
        proof_bits: 8,
        ..Default::default()
    }));
    (t, clock)
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = html.find(start)? + start.len();
    let j = html[i..].find(end)? + i;
    Some(&html[i..j])
}

/// Opens the public form and returns its token (and moves the clock past the minimum).
async fn open_form(t: &TestRouter, clock: &std::sync::atomic::AtomicI64, c: &Client) -> String {
    let (s, html) = c.get(&format!("/report?county={}", t.world.county_x)).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(
        html.contains("默认匿名举报"),
        "the form says who sees a contact"
    );
    let token = between(&html, "name=\"form_token\" value=\"", "\"")
        .expect("the form's token")
        .to_string();
    clock.fetch_add(10, Ordering::SeqCst);
    token
}

fn proof(t: &TestRouter, token: &str) -> String {
    (0u64..)
        .map(|n| n.to_string())
        .find(|n| guard::proof_ok(token, n, t.app.public.limits.proof_bits))
        .unwrap()
}

const CONTENT: &str = "夏家营镇王村的电商服务站这个月经常不开门，没有人管。";

async fn send(
    t: &TestRouter,
    c: &Client,
    extra: &[(&str, &str)],
    photos: &[(&str, &[u8])],
) -> (StatusCode, String) {
    let mut fields = vec![
        ("service", "station"),
        ("content", CONTENT),
        ("township", "夏家营镇"),
        ("village", "王村"),
    ];
    fields.extend_from_slice(extra);
    c.upload(
        &format!("/report?county={}", t.world.county_x),
        photos,
        &fields,
    )
    .await
}

fn receipt_of(html: &str) -> String {
    between(html, "data-testid=\"receipt-code\" translate=\"no\">", "<")
        .expect("the receipt code on the page")
        .to_string()
}

async fn all_tipoffs(t: &TestRouter) -> Vec<tipoff::Model> {
    tipoff::Entity::find()
        .all(t.app.store.reader())
        .await
        .unwrap()
}

async fn lookup(c: &Client, code: &str) -> (StatusCode, String) {
    c.form("/report/lookup", &[("code", code)]).await
}

#[tokio::test]
async fn a_tip_off_from_the_public_is_handled_to_its_reply_and_followed_with_its_receipt() {
    for backend in backends() {
        let (t, clock) = router(backend).await;
        let public = Client::anonymous(&t);
        let token = open_form(&t, &clock, &public).await;
        let jpeg = sample_jpeg(64, 48);
        let pw = proof(&t, &token);
        let (s, html) = send(
            &t,
            &public,
            &[("form_token", &token), ("proof", &pw), ("website", "")],
            &[("现场.jpg", &jpeg)],
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{backend:?}: {html}");
        let code = receipt_of(&html);
        // 20 letters of a 32-letter alphabet in groups of four: 100 bits.
        assert_eq!(code.len(), 24, "{code}");
        assert!(jianguan_domain::tipoff::normalise_receipt(&code).is_some());
        let stored = all_tipoffs(&t).await;
        let mine = stored
            .iter()
            .find(|x| x.content == CONTENT)
            .unwrap()
            .clone();
        // Kept only as its hash.
        assert!(mine.receipt_code.starts_with("sha256:"));
        assert!(!mine.receipt_code.contains(&code.replace('-', "")));
        assert_eq!(mine.contact, None, "anonymous is the default");
        assert_eq!(mine.channel, "web");
        let photos = jianguan_app::evidence::photos(&t.app, "tipoff", &mine.id)
            .await
            .unwrap();
        assert_eq!(photos.len(), 1);
        assert_eq!(photos[0].enterprise_id, None);

        // The public sees the state and dates, nothing else; read loosely.
        let (s, html) = lookup(&public, &code.to_lowercase().replace('-', " ")).await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(html.contains("已收到，待受理"), "{html}");
        assert!(!html.contains(CONTENT), "the content is not shown back");

        // Staff: accept, assign, link an inspection, reply; the chief approves.
        let inspector = Client::login(&t, "inspector").await;
        let chief = Client::login(&t, "chief").await;
        let (s, list) = inspector.get("/tipoffs").await;
        assert_eq!(s, StatusCode::OK);
        assert!(list.contains(&mine.summary), "{list}");
        let page = format!("/tipoffs/{}", mine.id);
        let (s, _) = inspector.form(&format!("{page}/accept"), &[]).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        // The same click again is refused, nothing changed.
        let (s, html) = inspector.form(&format!("{page}/accept"), &[]).await;
        assert_eq!(s, StatusCode::CONFLICT, "{html}");
        let (_, html) = lookup(&public, &code).await;
        assert!(html.contains("已受理"), "{html}");

        let me = actor_of(&t.app, "inspector").await;
        let (s, html) = inspector
            .form(
                &format!("{page}/assign"),
                &[("assignee_id", "nobody"), ("due_on", "")],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("请选择本县的检查组成员"));
        let (s, _) = inspector
            .form(
                &format!("{page}/assign"),
                &[("assignee_id", &me.user_id), ("due_on", "")],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let planned = jianguan_app::inspections::plan(
            &t.app,
            &me,
            &jianguan_domain::inspection::InspectionInput {
                project_id: t.world.project_a.clone(),
                kinds: vec!["operations".into()],
                date: (t.app.today() + chrono::Days::new(1)).to_string(),
                inspectors: vec!["王检查".into(), "李检查".into()],
                ..Default::default()
            },
            jianguan_domain::FieldErrors::new(),
        )
        .await
        .unwrap();
        // The reply waits for the handling.
        let (s, _) = inspector
            .form(&format!("{page}/reply"), &[("reply", "已处理")])
            .await;
        assert_eq!(s, StatusCode::CONFLICT);
        let link = format!("inspection:{}", planned.id);
        let (_, html) = inspector.get(&page).await;
        assert!(html.contains(&link), "the inspection is offered to link");
        let (s, html) = inspector
            .form(
                &format!("{page}/handle"),
                &[("handling", "已安排现场检查。"), ("links", &link)],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
        let reply = "经现场检查，该服务站已恢复正常营业，并公示了营业时间。";
        let (s, _) = inspector
            .form(&format!("{page}/reply"), &[("reply", reply)])
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        // An inspector cannot approve; the tipster does not see an unapproved reply.
        let (s, _) = inspector.form(&format!("{page}/approve"), &[]).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (_, html) = lookup(&public, &code).await;
        assert!(!html.contains(reply) && html.contains("正在办理"), "{html}");
        let (s, _) = chief.form(&format!("{page}/approve"), &[]).await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (_, html) = lookup(&public, &code).await;
        assert!(html.contains(reply) && html.contains("已办结"), "{html}");
        let (_, html) = inspector.get(&page).await;
        assert!(
            html.contains("/inspections/"),
            "the linked inspection is shown"
        );

        // The trail holds every step and still verifies.
        let tipoff = jianguan_app::tipoffs::get(&t.app, &me, &mine.id)
            .await
            .unwrap();
        let rows = jianguan_app::history::of(&t.app, &tipoff).await.unwrap();
        for action in ["create", "accept", "assign", "handle", "reply", "approve"] {
            assert!(rows.iter().any(|r| r.action == action), "{action}");
        }
        assert!(
            t.app.store.verify_audit().await.unwrap().ok(),
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn the_receipt_code_never_reaches_a_url_or_the_log() {
    let log = crate::ops::log();
    let (t, clock) = router(jianguan_testkit::Backend::Sqlite).await;
    let public = Client::anonymous(&t);
    let token = open_form(&t, &clock, &public).await;
    let pw = proof(&t, &token);
    let (s, html) = send(&t, &public, &[("form_token", &token), ("proof", &pw)], &[]).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    let code = receipt_of(&html);
    let (s, html) = lookup(&public, &code).await;
    assert_eq!(s, StatusCode::OK);
    // Neither page links or redirects anywhere carrying it.
    assert!(!html.contains(&format!("?code={code}")));
    let text = String::from_utf8_lossy(&log.lock().unwrap()).into_owned();
    let bare = code.replace('-', "");
    assert!(
        !text.contains(&code) && !text.contains(&bare),
        "the log holds the code"
    );
    // Not in the audit trail either: the rows hold its hash.
    let trail = jianguan_store::entity::audit_log::Entity::find()
        .all(t.app.store.reader())
        .await
        .unwrap();
    assert!(trail.iter().all(|r| {
        let s = format!("{:?}", r);
        !s.contains(&code) && !s.contains(&bare)
    }));
}

#[tokio::test]
async fn lookups_beyond_the_limit_are_refused_and_a_wrong_code_says_nothing() {
    let (t, _) = router(jianguan_testkit::Backend::Sqlite).await;
    let public = Client::anonymous(&t);
    let limit = t.app.public.limits.lookups;
    let (s1, wrong) = lookup(&public, "2222-2222-2222-2222-2222").await;
    let (s2, malformed) = lookup(&public, "hello").await;
    assert_eq!((s1, s2), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    let strip = |h: &str| {
        h.replace("2222-2222-2222-2222-2222", "")
            .replace("hello", "")
    };
    assert_eq!(
        strip(&wrong),
        strip(&malformed),
        "a wrong code and a malformed one look alike"
    );
    for _ in 2..limit {
        let (s, _) = lookup(&public, "2222-2222-2222-2222-2223").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
    let (s, html) = lookup(&public, "2222-2222-2222-2222-2224").await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{html}");
    // Another address is not held up by this one.
    assert!(
        tp::lookup(&t.app, "198.51.100.7", "2222-2222-2222-2222-2225")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn robots_are_refused_and_a_person_without_javascript_can_still_report() {
    let (t, clock) = router(jianguan_testkit::Backend::Sqlite).await;
    let public = Client::anonymous(&t);
    let count = || async { all_tipoffs(&t).await.len() };
    let before = count().await;
    // The honeypot filled.
    let token = open_form(&t, &clock, &public).await;
    let pw = proof(&t, &token);
    let (s, _) = send(
        &t,
        &public,
        &[
            ("form_token", &token),
            ("proof", &pw),
            ("website", "http://spam"),
        ],
        &[],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // Too fast: sent the moment the form was opened.
    let (_, html) = public
        .get(&format!("/report?county={}", t.world.county_x))
        .await;
    let fresh = between(&html, "name=\"form_token\" value=\"", "\"")
        .unwrap()
        .to_string();
    let (s, html) = send(
        &t,
        &public,
        &[("form_token", &fresh), ("proof", &proof(&t, &fresh))],
        &[],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("提交太快了"), "{html}");
    // A forged token, and a wrong proof.
    // The signature's last digit changed (to another digit whatever it was).
    let last = if token.ends_with('0') { '1' } else { '0' };
    let forged = format!("{}{last}", &token[..token.len() - 1]);
    let (s, html) = send(&t, &public, &[("form_token", &forged), ("proof", &pw)], &[]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("页面已过期"), "{html}");
    let bad = (0u64..)
        .map(|n| n.to_string())
        .find(|n| !guard::proof_ok(&token, n, 8))
        .unwrap();
    let (s, html) = send(&t, &public, &[("form_token", &token), ("proof", &bad)], &[]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("页面校验未通过"), "{html}");
    assert_eq!(count().await, before, "nothing written by a robot");

    // A 50 MB body is refused before it is read.
    let big = vec![b'x'; 50 * 1024 * 1024];
    let req = public
        .builder(
            Method::POST,
            &format!("/report?county={}", t.world.county_x),
        )
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
        .header(header::CONTENT_LENGTH, big.len())
        .body(Body::from(big))
        .unwrap();
    let (s, _, _) = public.send(req).await;
    assert!(
        s == StatusCode::PAYLOAD_TOO_LARGE || s == StatusCode::UNPROCESSABLE_ENTITY,
        "{s}"
    );
    assert_eq!(count().await, before);

    // Four tries from this address so far; the limit with the proof is five. Past it,
    // refused even with a good proof.
    for expected in [StatusCode::OK, StatusCode::TOO_MANY_REQUESTS] {
        let token = open_form(&t, &clock, &public).await;
        let (s, _) = send(
            &t,
            &public,
            &[("form_token", &token), ("proof", &proof(&t, &token))],
            &[],
        )
        .await;
        assert_eq!(s, expected);
    }

    // A person without JavaScript, from another address, sends no proof: accepted, at the
    // stricter limit.
    let token = tp::guard::issue(&t.app).unwrap();
    clock.fetch_add(10, Ordering::SeqCst);
    let intake = tp::Intake {
        service: "station".into(),
        content: CONTENT.into(),
        ..Default::default()
    };
    let sent = |tk: &str| tp::Sent {
        token: tk.into(),
        proof: None,
        honeypot: String::new(),
    };
    let ip = "203.0.113.50";
    let r = tp::submit_public(
        &t.app,
        ip,
        &t.world.county_x,
        &intake,
        &sent(&token),
        vec![],
    )
    .await;
    assert!(r.is_ok(), "{r:?}");
    // The same form twice is one tip-off.
    let again = tp::submit_public(
        &t.app,
        ip,
        &t.world.county_x,
        &intake,
        &sent(&token),
        vec![],
    )
    .await;
    assert!(
        matches!(again, Err(jianguan_app::AppError::Conflict(_))),
        "{again:?}"
    );
    let third = tp::guard::issue(&t.app).unwrap();
    clock.fetch_add(10, Ordering::SeqCst);
    let over = tp::submit_public(
        &t.app,
        ip,
        &t.world.county_x,
        &intake,
        &sent(&third),
        vec![],
    )
    .await;
    assert!(
        matches!(over, Err(jianguan_app::AppError::Throttled { .. })),
        "{over:?}"
    );
}

#[tokio::test]
async fn the_tipster_s_contact_is_for_the_chief_and_the_assignee_and_contractors_see_nothing() {
    for backend in backends() {
        let (t, _) = router(backend).await;
        let inspector = Client::login(&t, "inspector").await;
        // A hotline call typed in, with the caller's phone.
        let (s, html) = inspector
            .upload(
                "/tipoffs/new",
                &[],
                &[
                    ("channel", "hotline"),
                    ("service", "funds"),
                    ("content", "有人反映某企业用同一批发票重复申请补助资金。"),
                    ("project_id", &t.world.project_a),
                    ("contact_name", "张先生"),
                    ("contact_phone", "13800000000"),
                    ("contact_wish", "reply"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(!receipt_of(&html).is_empty());
        let t0 = all_tipoffs(&t)
            .await
            .into_iter()
            .find(|x| x.content.contains("重复申请补助资金"))
            .unwrap();
        let page = format!("/tipoffs/{}", t0.id);
        let chief = Client::login(&t, "chief").await;
        let (_, html) = chief.get(&page).await;
        assert!(html.contains("13800000000"), "the chief sees the contact");
        let (_, html) = inspector.get(&page).await;
        assert!(!html.contains("13800000000") && html.contains("仅监管责任人和承办人可见"));
        // Contractors: the project is theirs, and still nothing.
        for who in ["contractor", "contractor2"] {
            let c = Client::login(&t, who).await;
            let (s, html) = c.get(&page).await;
            assert!(
                s == StatusCode::NOT_FOUND || s == StatusCode::FORBIDDEN,
                "{who}: {s}"
            );
            assert!(!html.contains("13800000000") && !html.contains("重复申请"));
            let (s, _) = c.get("/tipoffs").await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{who}");
        }
        // Another county's inspector finds nothing.
        let y = Client::login(&t, "inspector_y").await;
        let (s, _) = y.get(&page).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
}

async fn on_docket(c: &Client, id: &str) -> bool {
    let (_, all) = c.get_json("/api/v1/docket").await;
    all.as_array().unwrap().iter().any(|f| {
        f["rule"] == "tipoff.unanswered" && f["subject"]["id"] == id && f["resolved_on"].is_null()
    })
}

#[tokio::test]
async fn an_unanswered_tip_off_reaches_the_docket_and_leaves_it_when_answered() {
    for backend in backends() {
        let (t, clock) = router(backend).await;
        let inspector = Client::login(&t, "inspector").await;
        let received = (t.app.today() - chrono::Days::new(16))
            .format("%Y-%m-%dT09:00")
            .to_string();
        let (s, html) = inspector
            .upload(
                "/tipoffs/new",
                &[],
                &[
                    ("channel", "letter"),
                    ("received_at", &received),
                    ("service", "station"),
                    ("content", "来信反映：某村电商服务站长期关门，设备闲置。"),
                ],
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{html}");
        let tip = all_tipoffs(&t)
            .await
            .into_iter()
            .find(|x| x.channel == "letter")
            .unwrap();
        assert!(
            on_docket(&inspector, &tip.id).await,
            "{backend:?}: 16 days without a reply"
        );
        let page = format!("/tipoffs/{}", tip.id);
        let (s, html) = inspector
            .form(&format!("{page}/decline"), &[("reason", "")])
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        let (s, _) = inspector
            .form(
                &format!("{page}/decline"),
                &[("reason", "该服务站不属于示范项目，已转乡镇政府处理。")],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        assert!(
            !on_docket(&inspector, &tip.id).await,
            "{backend:?}: answered by the decline"
        );
        clock.fetch_add(0, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn overdue_handling_reminds_the_assignee_then_the_chief_once_and_duplicates_are_offered() {
    use jianguan_store::entity::notification;
    use jianguan_store::sea::{ColumnTrait, QueryFilter};
    let (t, clock) = router(jianguan_testkit::Backend::Sqlite).await;
    let inspector = actor_of(&t.app, "inspector").await;
    let chief = actor_of(&t.app, "chief").await;
    let call = |content: &str| tp::Intake {
        channel: "hotline".into(),
        service: "station".into(),
        content: content.into(),
        township: "夏家营镇".into(),
        village: "王村".into(),
        ..Default::default()
    };
    let first = tp::record_by_staff(&t.app, &inspector, &call(CONTENT), vec![])
        .await
        .unwrap()
        .tipoff;
    let second = tp::record_by_staff(
        &t.app,
        &inspector,
        &call("王村的服务站又关门了，好几天没人。"),
        vec![],
    )
    .await
    .unwrap()
    .tipoff;
    // The same village within 30 days: offered as a possible duplicate, both ways.
    let offered = tp::duplicates(&t.app, &inspector, &second).await.unwrap();
    assert!(offered.iter().any(|o| o.id == first.id));
    assert!(matches!(
        tp::mark_duplicate(&t.app, &inspector, &second.id, &second.id).await,
        Err(jianguan_app::AppError::Conflict(_))
    ));
    tp::mark_duplicate(&t.app, &inspector, &second.id, &first.id)
        .await
        .unwrap();
    assert!(
        tp::mark_duplicate(&t.app, &inspector, &first.id, &second.id)
            .await
            .is_err(),
        "not both ways"
    );
    assert_eq!(
        tp::get(&t.app, &inspector, &first.id)
            .await
            .unwrap()
            .voided_at,
        None,
        "both kept"
    );

    tp::accept(&t.app, &inspector, &first.id).await.unwrap();
    tp::assign(&t.app, &inspector, &first.id, &inspector.user_id, "")
        .await
        .unwrap();
    let due = tp::get(&t.app, &inspector, &first.id)
        .await
        .unwrap()
        .due_on
        .unwrap();
    assert_eq!(
        due,
        t.app.today() + chrono::Days::new(10),
        "the profile's handling days"
    );
    let notices = |user: String| {
        let app = t.app.clone();
        let key = format!("tipoff-overdue:{}", first.id);
        async move {
            notification::Entity::find()
                .filter(notification::Column::UserId.eq(user))
                .filter(notification::Column::FindingKey.starts_with(key))
                .all(app.store.reader())
                .await
                .unwrap()
                .len()
        }
    };
    let county = t.world.county_x.clone();
    // On the due day nothing; the day after, the assignee; again, nothing more.
    clock.store(10 * 86_400, Ordering::SeqCst);
    assert_eq!(tp::remind(&t.app, &county).await.unwrap(), 0);
    clock.store(11 * 86_400, Ordering::SeqCst);
    assert_eq!(tp::remind(&t.app, &county).await.unwrap(), 1);
    assert_eq!(tp::remind(&t.app, &county).await.unwrap(), 0);
    assert_eq!(notices(inspector.user_id.clone()).await, 1);
    assert_eq!(notices(chief.user_id.clone()).await, 0);
    // Past the 15 days to reply: the responsible person too, once.
    clock.store(16 * 86_400, Ordering::SeqCst);
    assert!(tp::remind(&t.app, &county).await.unwrap() >= 1);
    assert_eq!(tp::remind(&t.app, &county).await.unwrap(), 0);
    assert_eq!(notices(chief.user_id.clone()).await, 1);
    assert_eq!(notices(inspector.user_id.clone()).await, 1);
}

/// Eight identical clicks at once, and one form sent four times at once: each happens once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn identical_steps_and_forms_sent_at_once_happen_once() {
    use jianguan_store::entity::audit_log;
    use jianguan_store::sea::{ColumnTrait, PaginatorTrait, QueryFilter};
    for backend in backends() {
        let (t, clock) = router(backend).await;
        let id = t.world.tipoff_b.clone();
        let inspector = Client::login(&t, "inspector").await;
        let rows = |action: &'static str| {
            let (app, id) = (t.app.clone(), id.clone());
            async move {
                audit_log::Entity::find()
                    .filter(audit_log::Column::EntityId.eq(id))
                    .filter(audit_log::Column::Action.eq(action))
                    .count(app.store.reader())
                    .await
                    .unwrap()
            }
        };
        let path = format!("/tipoffs/{id}/accept");
        let outcomes =
            futures_util::future::join_all((0..8).map(|_| inspector.form(&path, &[]))).await;
        let ok = outcomes
            .iter()
            .filter(|(s, _)| *s == StatusCode::SEE_OTHER)
            .count();
        assert_eq!(
            ok,
            1,
            "{backend:?}: {:?}",
            outcomes.iter().map(|o| o.0).collect::<Vec<_>>()
        );
        assert!(
            outcomes
                .iter()
                .all(|(s, _)| *s == StatusCode::SEE_OTHER || *s == StatusCode::CONFLICT)
        );
        assert_eq!(rows("accept").await, 1, "{backend:?}");

        // A bad step is named and changes nothing.
        let before = crate::common::counts(&t).await;
        let (s, html) = inspector
            .form(
                &format!("/tipoffs/{id}/assign"),
                &[("assignee_id", ""), ("due_on", "2001-01-01")],
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("请选择本县的检查组成员") && html.contains("办理期限不能早于今天"),
            "{html}"
        );
        assert_eq!(
            crate::common::counts(&t).await,
            before,
            "{backend:?}: nothing changed"
        );

        // One public form sent four times at once: one tip-off.
        let token = tp::guard::issue(&t.app).unwrap();
        clock.fetch_add(10, Ordering::SeqCst);
        let intake = tp::Intake {
            service: "station".into(),
            content: CONTENT.into(),
            ..Default::default()
        };
        let sent = tp::Sent {
            token,
            proof: None,
            honeypot: String::new(),
        };
        let county = t.world.county_x.clone();
        let results = futures_util::future::join_all((0..4).map(|k| {
            let (app, intake, sent, county) =
                (t.app.clone(), intake.clone(), sent.clone(), county.clone());
            async move {
                tp::submit_public(
                    &app,
                    &format!("198.51.100.{k}"),
                    &county,
                    &intake,
                    &sent,
                    vec![],
                )
                .await
            }
        }))
        .await;
        assert_eq!(
            results.iter().filter(|r| r.is_ok()).count(),
            1,
            "{backend:?}: {results:?}"
        );
        assert!(
            results
                .iter()
                .filter_map(|r| r.as_ref().err())
                .all(|e| matches!(e, jianguan_app::AppError::Conflict(_)))
        );
        assert_eq!(
            all_tipoffs(&t)
                .await
                .iter()
                .filter(|x| x.content == CONTENT)
                .count(),
            1
        );
    }
}
