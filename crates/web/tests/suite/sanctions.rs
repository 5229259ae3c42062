//! Sanctions decided only by the responsible person, the public board, accidents and accountability, evaluations that move a project, fund recoveries.

use crate::common::{Client, seeded_router};
use crate::flows::post;
use axum::http::StatusCode;
use jianguan_app::AppError;
use jianguan_app::sanctions;
use jianguan_domain::sanction::SanctionAction;
use jianguan_store::sea::EntityTrait;
use jianguan_testkit::{actor_of, backends};

#[tokio::test]
async fn only_the_responsible_person_decides_and_the_board_shows_only_public_decisions() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let inspector = actor_of(&t.app, "inspector").await;
        let propose = |kind: &str, project: Option<&str>| sanctions::SanctionInput {
            enterprise_id: t.world.enterprise_a.clone(),
            project_id: project.map(str::to_string),
            kind: kind.into(),
            facts: format!("测试事实：{kind}"),
            clause: "一（二）".into(),
            amount: (kind == "fund_recovery").then(|| "12000.50".into()),
            deadline: (kind == "fund_recovery")
                .then(|| (t.app.today() + chrono::Days::new(30)).to_string()),
        };
        let criticism = sanctions::propose(&t.app, &inspector, &propose("public_criticism", None))
            .await
            .unwrap();
        let notice = sanctions::propose(&t.app, &inspector, &propose("notice", None))
            .await
            .unwrap();
        let e = sanctions::propose(&t.app, &inspector, &propose("fund_recovery", None))
            .await
            .unwrap_err();
        assert!(
            matches!(e, jianguan_app::AppError::Validation(ref f) if f.get("project_id").is_some())
        );
        let recovery = sanctions::propose(
            &t.app,
            &inspector,
            &propose("fund_recovery", Some(&t.world.project_a)),
        )
        .await
        .unwrap();
        let anonymous = Client::anonymous(&t);
        let board = || async { anonymous.get("/notices").await.1 };
        assert!(
            !board().await.contains("测试事实"),
            "{backend:?}: a proposal is not public"
        );

        let ins = Client::login(&t, "inspector").await;
        let chief = Client::login(&t, "chief").await;
        let path = format!("/sanctions/{}/act", criticism.id);
        assert_eq!(
            ins.form(&path, &[("action", "decide")]).await.0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            chief.form(&path, &[("action", "decide")]).await.0,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            chief
                .form(
                    &format!("/sanctions/{}/act", notice.id),
                    &[("action", "decide")]
                )
                .await
                .0,
            StatusCode::SEE_OTHER
        );
        let b = board().await;
        assert!(b.contains("测试事实：public_criticism"), "{backend:?}");
        assert!(!b.contains("测试事实：notice"), "a notice is not published");
        // Withdrawn: still there, marked.
        assert_eq!(
            chief
                .form(&path, &[("action", "withdraw"), ("note", "")])
                .await
                .0,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            chief
                .form(&path, &[("action", "withdraw"), ("note", "复核后撤销")])
                .await
                .0,
            StatusCode::SEE_OTHER
        );
        let b = board().await;
        assert!(
            b.contains("测试事实：public_criticism")
                && b.contains("已撤销")
                && b.contains("复核后撤销")
        );
        assert_eq!(
            chief.form(&path, &[("action", "decide")]).await.0,
            StatusCode::CONFLICT
        );
        // A decided recovery becomes the recovery the rules follow.
        chief
            .form(
                &format!("/sanctions/{}/act", recovery.id),
                &[("action", "decide")],
            )
            .await;
        let r = jianguan_store::entity::fund_recovery::Entity::find()
            .all(t.app.store.reader())
            .await
            .unwrap();
        assert!(
            r.iter()
                .any(|r| r.amount_fen == 1_200_050 && r.project_id == t.world.project_a),
            "{backend:?}"
        );
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

#[tokio::test]
async fn an_accident_stays_open_until_accountability_and_evaluations_move_the_project() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let inspector = Client::login(&t, "inspector").await;
        let chief = Client::login(&t, "chief").await;
        let project = &t.world.project_a;
        let base = format!("/projects/{project}");
        let today = t.app.today().to_string();
        let tomorrow = (t.app.today() + chrono::Days::new(1)).to_string();
        let (status, html) = inspector
            .form(
                &format!("{base}/incidents"),
                &[("date", &tomorrow), ("summary", "")],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(html.contains("事故日期不能晚于今天") && html.contains("请填写事故经过"));
        let (status, _) = inspector
            .form(
                &format!("{base}/incidents"),
                &[
                    ("date", &today),
                    ("summary", "冷库制冷故障，一批鲜果变质。"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let open = |list: &serde_json::Value| {
            list.as_array().unwrap().iter().any(|f| {
                f["rule"] == "operations.incident_open"
                    && f["subject"]["name"] == "冷库制冷故障，一批鲜果变质。"
            })
        };
        // Open from the day after (a grace of one day is the rule's own).
        let inspector_actor = actor_of(&t.app, "inspector").await;
        let later =
            jianguan_app::docket::evaluate(&t.app, "141122", t.app.today() + chrono::Days::new(2))
                .await
                .unwrap();
        assert!(
            later.iter().any(|f| f.rule == "operations.incident_open"
                && f.subject.name == "冷库制冷故障，一批鲜果变质。"),
            "{backend:?}"
        );
        let incident = jianguan_app::oversight::incidents(&t.app, &inspector_actor, project)
            .await
            .unwrap()
            .into_iter()
            .find(|i| i.summary == "冷库制冷故障，一批鲜果变质。")
            .unwrap();
        assert_eq!(
            inspector
                .form(
                    &format!("/incidents/{}/decide", incident.id),
                    &[("decision", "x")]
                )
                .await
                .0,
            StatusCode::FORBIDDEN
        );
        let (status, _) = chief
            .form(
                &format!("/incidents/{}/decide", incident.id),
                &[("decision", "对企业负责人约谈并通报。")],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let after =
            jianguan_app::docket::evaluate(&t.app, "141122", t.app.today() + chrono::Days::new(2))
                .await
                .unwrap();
        assert!(!after.iter().any(|f| f.rule == "operations.incident_open"
            && f.subject.name == "冷库制冷故障，一批鲜果变质。"));
        let (_, list) = inspector.get_json("/api/v1/docket").await;
        assert!(!open(&list));

        // Evaluation: only the responsible person; "accept" needs every requirement met.
        let p = jianguan_app::records::project(&t.app, &inspector_actor, project)
            .await
            .unwrap();
        let n = serde_json::from_str::<Vec<serde_json::Value>>(&p.targets)
            .unwrap()
            .len();
        assert!(n >= 1, "the demo project has construction requirements");
        let mut fields: Vec<(String, String)> = vec![
            ("date".into(), today.clone()),
            ("outcome".into(), "accept".into()),
        ];
        for k in 0..n {
            fields.push((
                format!("target_{k}"),
                if k == 0 {
                    "partly".into()
                } else {
                    "met".into()
                },
            ));
        }
        let as_refs = |f: &Vec<(String, String)>| {
            f.iter()
                .map(|(a, b)| (a.clone(), b.clone()))
                .collect::<Vec<_>>()
        };
        let path = format!("{base}/evaluations");
        assert_eq!(
            post(&inspector, &path, &as_refs(&fields)).await.0,
            StatusCode::FORBIDDEN
        );
        let (status, html) = post(&chief, &path, &as_refs(&fields)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("尚有建设要求未完成"), "{backend:?}");
        // Rectify with a deadline: an order goes to the contractor; the project stays.
        fields[1].1 = "rectify".into();
        let (status, html) = post(&chief, &path, &as_refs(&fields)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("限期整改请填写整改期限"));
        let mut with_deadline = as_refs(&fields);
        with_deadline.push(("deadline".into(), tomorrow.clone()));
        assert_eq!(
            post(&chief, &path, &with_deadline).await.0,
            StatusCode::SEE_OTHER
        );
        let orders =
            jianguan_app::rectification::list(&t.app, &actor_of(&t.app, "contractor").await, true)
                .await
                .unwrap();
        assert!(
            orders
                .iter()
                .any(|o| o.title == "绩效评价限期整改" && o.requirements.contains("部分完成")),
            "{backend:?}"
        );
        // All met and accepted: the project is accepted and its supervision closes.
        for f in fields.iter_mut().filter(|f| f.0.starts_with("target_")) {
            f.1 = "met".into();
        }
        fields[1].1 = "accept".into();
        assert_eq!(
            post(&chief, &path, &as_refs(&fields)).await.0,
            StatusCode::SEE_OTHER
        );
        let p = jianguan_app::records::project(&t.app, &inspector_actor, project)
            .await
            .unwrap();
        assert_eq!(
            (p.status.as_str(), p.closed_on),
            ("accepted", Some(t.app.today())),
            "{backend:?}"
        );
        let (_, page) = inspector.get(&format!("{base}/oversight")).await;
        assert!(page.contains("通过验收，拨付资金") && page.contains("限期整改"));
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

/// A decided fund recovery takes repayments until nothing is owed, never more.
#[tokio::test]
async fn a_fund_recovery_records_repayments_up_to_what_is_owed() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let inspector = actor_of(&t.app, "inspector").await;
        let today = t.app.today();
        let r = sanctions::propose(
            &t.app,
            &inspector,
            &sanctions::SanctionInput {
                enterprise_id: t.world.enterprise_a.clone(),
                project_id: Some(t.world.project_a.clone()),
                kind: "fund_recovery".into(),
                facts: "虚报冒领补助资金。".into(),
                clause: "一（二）".into(),
                amount: Some("12000.50".into()),
                deadline: Some((today + chrono::Days::new(30)).to_string()),
            },
        )
        .await
        .unwrap();
        let ins = Client::login(&t, "inspector").await;
        let chief = Client::login(&t, "chief").await;
        let path = format!("/sanctions/{}/repayments", r.id);
        // Not decided yet: nothing to repay.
        assert_eq!(
            ins.form(&path, &[("date", &today.to_string()), ("amount", "1")])
                .await
                .0,
            StatusCode::CONFLICT
        );
        chief
            .form(&format!("/sanctions/{}/act", r.id), &[("action", "decide")])
            .await;
        let tomorrow = (today + chrono::Days::new(1)).to_string();
        let (status, html) = ins
            .form(&path, &[("date", &tomorrow), ("amount", "100")])
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert!(html.contains("不能晚于今天"));
        let (status, html) = ins
            .form(&path, &[("date", &today.to_string()), ("amount", "20000")])
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("超过尚未追回的"));
        assert_eq!(
            ins.form(&path, &[("date", &today.to_string()), ("amount", "5000")])
                .await
                .0,
            StatusCode::SEE_OTHER
        );
        let (_, page) = ins.get(&format!("/sanctions/{}", r.id)).await;
        assert!(
            page.contains("7,000.50") || page.contains("7000.50"),
            "{backend:?}: owed shown"
        );
        assert_eq!(
            ins.form(
                &path,
                &[("date", &today.to_string()), ("amount", "7000.50")]
            )
            .await
            .0,
            StatusCode::SEE_OTHER
        );
        let rec = sanctions::recovery(&t.app, &inspector, &r.id)
            .await
            .unwrap()
            .unwrap();
        let paid: Vec<jianguan_domain::rules::facts::Repayment> =
            serde_json::from_str(&rec.repayments).unwrap();
        assert_eq!(paid.iter().map(|p| p.amount_fen).sum::<i64>(), 1_200_050);
        assert_eq!(
            ins.form(&path, &[("date", &today.to_string()), ("amount", "0.01")])
                .await
                .0,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        let contractor = Client::login(&t, "contractor").await;
        assert_eq!(
            contractor
                .form(&path, &[("date", &today.to_string()), ("amount", "1")])
                .await
                .0,
            StatusCode::FORBIDDEN
        );
    }
}

/// A project's course ends once: an accepted or an already disqualified project cannot be
/// disqualified, whether refused when proposed or, if the project moved after the
/// proposal, when decided (and then nothing changes).
#[tokio::test]
async fn an_accepted_or_disqualified_project_cannot_be_disqualified() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let inspector = actor_of(&t.app, "inspector").await;
        let chief = actor_of(&t.app, "chief").await;
        let disqualify = |project: &str| sanctions::SanctionInput {
            enterprise_id: t.world.enterprise_a.clone(),
            project_id: Some(project.into()),
            kind: "disqualification".into(),
            facts: "虚报补助资金".into(),
            clause: "一（四）".into(),
            amount: None,
            deadline: None,
        };
        let project = t.world.project_a.clone();
        let first = sanctions::propose(&t.app, &inspector, &disqualify(&project))
            .await
            .unwrap();
        let second = sanctions::propose(&t.app, &inspector, &disqualify(&project))
            .await
            .unwrap();
        sanctions::act(&t.app, &chief, &first.id, SanctionAction::Decide, "")
            .await
            .unwrap();
        let status = || async {
            jianguan_app::records::project(&t.app, &inspector, &project)
                .await
                .unwrap()
                .status
        };
        assert_eq!(status().await, "disqualified", "{backend:?}");
        // The second proposal, made while the project was open, is refused when decided.
        let e = sanctions::act(&t.app, &chief, &second.id, SanctionAction::Decide, "")
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Conflict(m) if m.contains("已取消承办资格")),
            "{backend:?}: {e:?}"
        );
        let still = sanctions::get(&t.app, &chief, &second.id).await.unwrap();
        assert_eq!(
            still.state, "proposed",
            "a refused decision changes nothing"
        );
        // A new proposal against it is refused at once, naming the status.
        let e = sanctions::propose(&t.app, &inspector, &disqualify(&project))
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Validation(f) if f.get("project_id").is_some_and(|m| m.contains("已取消承办资格"))),
            "{backend:?}: {e:?}"
        );

        // An accepted project: proposed while open, accepted, then the decision is refused.
        let other = crate::flows::project_of(&t, Some("under_construction")).await;
        let pending = sanctions::propose(&t.app, &inspector, &disqualify(&other))
            .await
            .unwrap();
        let p = jianguan_app::records::project(&t.app, &inspector, &other)
            .await
            .unwrap();
        let targets: Vec<serde_json::Value> = serde_json::from_str(&p.targets).unwrap();
        jianguan_app::oversight::evaluate(
            &t.app,
            &chief,
            &jianguan_app::oversight::EvaluationInput {
                project_id: other.clone(),
                date: t.app.today().to_string(),
                targets: targets
                    .iter()
                    .map(|x| jianguan_app::oversight::TargetResult {
                        name: x["name"].as_str().unwrap_or_default().into(),
                        result: "met".into(),
                        evidence: String::new(),
                    })
                    .collect(),
                outcome: "accept".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let e = sanctions::act(&t.app, &chief, &pending.id, SanctionAction::Decide, "")
            .await
            .unwrap_err();
        assert!(
            matches!(&e, AppError::Conflict(m) if m.contains("已验收")),
            "{backend:?}: {e:?}"
        );
        let p = jianguan_app::records::project(&t.app, &inspector, &other)
            .await
            .unwrap();
        assert_eq!(p.status, "accepted", "{backend:?}");
        let e = sanctions::propose(&t.app, &inspector, &disqualify(&other))
            .await
            .unwrap_err();
        assert!(matches!(&e, AppError::Validation(f) if f.get("project_id").is_some()));
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

/// The sanction list pages 50 at a time with its count and filters by state and kind; a
/// contractor's list never holds a proposal.
#[tokio::test]
async fn the_sanction_list_pages_and_filters() {
    use jianguan_store::entity::sanction;
    use jianguan_store::sea::{EntityTrait, IntoActiveModel};
    for backend in backends() {
        let t = seeded_router(backend).await;
        let now = t.app.now();
        let rows: Vec<sanction::ActiveModel> = (0..70i64)
            .map(|n| {
                sanction::Model {
                    id: format!("bulk-sanction-{n:03}"),
                    county_code: t.world.county_x.clone(),
                    enterprise_id: t.world.enterprise_a.clone(),
                    project_id: None,
                    kind: "notice".into(),
                    facts: format!("批量提醒{n}"),
                    clause: "二（四）".into(),
                    amount_fen: None,
                    deadline: None,
                    state: if n < 60 { "decided" } else { "proposed" }.into(),
                    proposed_by: "测试".into(),
                    proposed_at: now - chrono::Duration::minutes(n),
                    decided_by: (n < 60).then(|| "测试责任人".into()),
                    decided_on: (n < 60).then(|| t.app.today()),
                    decision_note: None,
                    withdrawn_on: None,
                    withdraw_reason: None,
                    updated_at: now,
                    source: None,
                }
                .into_active_model()
            })
            .collect();
        sanction::Entity::insert_many(rows)
            .exec(t.app.store.housekeeping())
            .await
            .unwrap();
        let chief = Client::login(&t, "chief").await;
        let bulk = |html: &str| -> Vec<String> {
            html.split("<tr data-id=\"")
                .skip(1)
                .map(|x| x.split('"').next().unwrap().to_string())
                .filter(|id| id.starts_with("bulk-sanction-"))
                .collect()
        };
        let (_, first) = chief.get("/sanctions?kind=notice&state=decided").await;
        let (_, second) = chief
            .get("/sanctions?kind=notice&state=decided&offset=50")
            .await;
        let mut seen = bulk(&first);
        assert_eq!(seen.len(), 50, "{backend:?}");
        seen.extend(bulk(&second));
        let expected: Vec<String> = (0..60).map(|n| format!("bulk-sanction-{n:03}")).collect();
        assert_eq!(seen, expected, "newest proposal first, each once");
        assert!(first.contains("下一页"));
        let (_, proposed) = chief.get("/sanctions?state=proposed&kind=notice").await;
        assert_eq!(bulk(&proposed).len(), 10);
        let contractor = Client::login(&t, "contractor").await;
        let (_, html) = contractor.get("/sanctions?state=proposed").await;
        assert!(bulk(&html).is_empty(), "a contractor sees no proposal");
        // Oldest proposal first when asked, the choice kept in the select: the bulk rows
        // run from the oldest (59) down, one after the other (the seeded ones may come
        // before them).
        let n_of =
            |id: &String| -> i64 { id.trim_start_matches("bulk-sanction-").parse().unwrap() };
        let (_, oldest) = chief
            .get("/sanctions?kind=notice&state=decided&sort=proposed_asc")
            .await;
        let oldest: Vec<i64> = bulk(&oldest).iter().map(n_of).collect();
        assert_eq!(oldest.first(), Some(&59), "{backend:?}");
        assert!(oldest.len() >= 40 && oldest.windows(2).all(|w| w[1] == w[0] - 1));
        // By state: every decided one ("decided" < "proposed") before any proposal.
        let (_, by_state) = chief.get("/sanctions?kind=notice&sort=state").await;
        assert!(by_state.contains("<option value=\"state\" selected>"));
        let by_state: Vec<i64> = bulk(&by_state).iter().map(n_of).collect();
        assert!(
            by_state.len() >= 40 && by_state.iter().all(|&n| n < 60),
            "{by_state:?}"
        );
        assert!(by_state.windows(2).all(|w| w[1] == w[0] + 1));
        let (status, html) = chief.get("/sanctions?sort=amount").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("没有这种排序方式"));
        let (status, html) = chief.get("/sanctions?kind=fine").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("没有这种处理方式"));
    }
}
