//! 资金台账 as stored: every movement an entry written with the change that made it,
//! sealed into the audit chain; the database refuses an edit or a deletion; a changed or
//! withdrawn amount is a reversing entry; a database from before the stored ledger is
//! posted once at start. On both backends.

use crate::common::{Client, seeded_router};
use axum::http::{Method, StatusCode};
use jianguan_app::funds;
use jianguan_store::entity::{disbursement, ledger_entry};
use jianguan_store::sea::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use jianguan_testkit::backends;
use serde_json::{Value, json};

async fn entries_of(t: &crate::common::TestRouter, source: &str) -> Vec<ledger_entry::Model> {
    ledger_entry::Entity::find()
        .filter(ledger_entry::Column::Source.eq(source))
        .order_by_asc(ledger_entry::Column::Seq)
        .all(t.app.store.reader())
        .await
        .unwrap()
}

async fn all_entries(t: &crate::common::TestRouter) -> Vec<ledger_entry::Model> {
    ledger_entry::Entity::find()
        .order_by_asc(ledger_entry::Column::Seq)
        .all(t.app.store.reader())
        .await
        .unwrap()
}

/// The programme's figures and the funds API's problems for it.
async fn programme(c: &Client, id: &str) -> Value {
    let (status, all) = c.get_json("/api/v1/funds").await;
    assert_eq!(status, StatusCode::OK, "{all}");
    all.as_array()
        .unwrap()
        .iter()
        .find(|p| p["programme_id"] == id)
        .cloned()
        .unwrap()
}

#[tokio::test]
async fn the_ledger_is_stored_append_only_and_sealed() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let entries = all_entries(&t).await;
        assert!(
            entries.iter().any(|e| e.movement == "allocation")
                && entries.iter().any(|e| e.movement == "repayment"),
            "{backend:?}: the seeded money is in the ledger"
        );
        let inspector = Client::login(&t, "inspector").await;
        let prog = programme(&inspector, &t.world.programme_x).await;
        assert_eq!(prog["problems"], json!([]), "{backend:?}");
        // The database itself refuses to change or remove an entry.
        let db = t.app.store.reader();
        for sql in [
            "UPDATE ledger_entries SET amount_fen = 1",
            "DELETE FROM ledger_entries",
        ] {
            let r = jianguan_store::execute_raw(db, sql).await;
            assert!(r.is_err(), "{backend:?}: {sql} must be refused");
        }
        assert_eq!(all_entries(&t).await, entries, "{backend:?}: unchanged");
        // Every entry is sealed into the audit chain with the change that wrote it.
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

#[tokio::test]
async fn a_changed_or_withdrawn_allocation_is_reversed_never_edited() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        let inspector = Client::login(&t, "inspector").await;
        let before = programme(&inspector, &w.programme_x).await;
        let unallocated = before["unallocated_fen"].as_i64().unwrap();
        assert!(unallocated >= 300_000, "{backend:?}: room for the test");
        let body = |fen: i64| {
            json!({
                "name": "新增冷链仓储项目", "programme_id": w.programme_x, "enterprise_id": w.enterprise_a,
                "system": "logistics", "township": "天宁镇", "central_funds_fen": fen,
                "construction_start": "2026-01-01", "construction_end": "2026-06-30"
            })
        };
        let (status, created) = inspector
            .json(Method::POST, "/api/v1/projects", body(300_000))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{backend:?}: {created}");
        let id = created["id"].as_str().unwrap().to_string();
        let source = format!("project:{id}");
        let first = entries_of(&t, &source).await;
        assert_eq!(first.len(), 1, "{backend:?}");
        assert_eq!(
            (first[0].amount_fen, first[0].movement.as_str()),
            (300_000, "allocation")
        );
        assert!(first[0].recorded_by.contains("inspector"), "who posted it");

        // Lowered: the first entry stays as it was; a reversal and a new entry follow.
        let (status, _) = inspector
            .json(
                Method::PUT,
                &format!("/api/v1/projects/{id}"),
                body(120_000),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let lines = entries_of(&t, &source).await;
        assert_eq!(lines[0], first[0], "{backend:?}: never edited");
        let shape: Vec<(i64, Option<&str>)> = lines
            .iter()
            .map(|e| (e.amount_fen, e.reverses.as_deref()))
            .collect();
        assert_eq!(
            shape,
            [
                (300_000, None),
                (300_000, Some(first[0].id.as_str())),
                (120_000, None)
            ]
        );
        let after = programme(&inspector, &w.programme_x).await;
        assert_eq!(
            after["unallocated_fen"].as_i64().unwrap(),
            unallocated - 120_000,
            "{backend:?}"
        );
        // Saving the same again posts nothing.
        let (status, _) = inspector
            .json(
                Method::PUT,
                &format!("/api/v1/projects/{id}"),
                body(120_000),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(entries_of(&t, &source).await.len(), 3);

        // Voided: the allocation goes back to the programme, by a reversal.
        let (status, _) = inspector
            .json(
                Method::POST,
                &format!("/api/v1/projects/{id}/void"),
                json!({"reason": "重复立项"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let lines = entries_of(&t, &source).await;
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[3].reverses.as_deref(), Some(lines[2].id.as_str()));
        let after = programme(&inspector, &w.programme_x).await;
        assert_eq!(after["unallocated_fen"].as_i64().unwrap(), unallocated);
        assert_eq!(after["problems"], json!([]), "{backend:?}");
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

#[tokio::test]
async fn money_written_before_the_ledger_was_stored_is_posted_at_the_first_start_only() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        // A payment written the way a database from before the stored ledger holds it:
        // the record and its audit row, no entry.
        let now = t.app.now();
        let row = disbursement::Model {
            id: "old-payment".into(),
            county_code: w.county_x.clone(),
            project_id: w.project_a.clone(),
            date: t.app.today(),
            amount_fen: 777_700,
            batch: "旧系统第一批".into(),
            state: None,
            recorded_by: None,
            confirmed_by: None,
            confirmed_on: None,
            created_at: now,
            updated_at: now,
            voided_at: None,
            void_reason: None,
        };
        let mut tx = t.app.store.begin().await.unwrap();
        tx.insert(row.clone()).await.unwrap();
        tx.record(jianguan_store::AuditEntry {
            at: now,
            actor_id: None,
            actor_name: "测试（旧数据）".into(),
            county_code: Some(w.county_x.clone()),
            entity: "disbursement".into(),
            entity_id: row.id.clone(),
            action: "import_create".into(),
            before: None,
            after: Some(serde_json::to_value(&row).unwrap()),
        })
        .await
        .unwrap();
        tx.commit().await.unwrap();

        // Until it is posted, the funds pages say so rather than hide it.
        let inspector = Client::login(&t, "inspector").await;
        let prog = programme(&inspector, &w.programme_x).await;
        let problems = prog["problems"].as_array().unwrap();
        assert_eq!(problems.len(), 1, "{backend:?}: {problems:?}");
        assert!(problems[0].as_str().unwrap().contains("尚未记入台账"));
        let paid_before = prog["totals"]["disbursed_fen"].as_i64().unwrap();

        // A database created at this version has nothing waiting: a start reads the flag
        // and nothing else.
        assert_eq!(funds::catch_up_once(&t.app).await.unwrap(), None);
        assert!(entries_of(&t, "disbursement:old-payment").await.is_empty());
        // As m0018 leaves a database with history: the first start catches up.
        jianguan_store::execute_raw(
            t.app.store.housekeeping(),
            "UPDATE audit_head SET post_ledger = TRUE",
        )
        .await
        .unwrap();
        assert_eq!(funds::catch_up_once(&t.app).await.unwrap(), Some(1));
        let posted = entries_of(&t, "disbursement:old-payment").await;
        assert_eq!(posted.len(), 1, "{backend:?}");
        assert_eq!(posted[0].amount_fen, 777_700);
        let prog = programme(&inspector, &w.programme_x).await;
        assert_eq!(prog["problems"], json!([]));
        assert_eq!(
            prog["totals"]["disbursed_fen"].as_i64().unwrap(),
            paid_before + 777_700
        );
        // Caught up once: the next start does not read the money again, and posting
        // everything again would write nothing.
        assert!(!t.app.store.ledger_catch_up_pending().await.unwrap());
        assert_eq!(funds::catch_up_once(&t.app).await.unwrap(), None);
        let n = all_entries(&t).await.len();
        assert_eq!(funds::post_all(&t.app).await.unwrap(), 0);
        assert_eq!(all_entries(&t).await.len(), n);
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

#[tokio::test]
async fn an_approved_claim_voided_is_reversed_and_kept() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        let contractor = Client::login(&t, "contractor").await;
        let inspector = Client::login(&t, "inspector").await;
        let today = t.app.today().to_string();
        let (status, c) = contractor
            .json(
                Method::POST,
                "/api/v1/funds/claims",
                json!({"project_id": w.project_a, "amount_fen": 250_000, "purpose": "冷库设备",
                       "invoices": [{"code": "1400221130", "number": "90001234", "date": today,
                                     "seller": "吕梁市冷链设备有限公司", "buyer": "交城县某电商公司",
                                     "amount_fen": 240_000, "tax_fen": 10_000}],
                       "declared": true}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{backend:?}: {c}");
        let id = c["id"].as_str().unwrap().to_string();
        let approved_before = programme(&inspector, &w.programme_x).await["totals"]["approved_fen"]
            .as_i64()
            .unwrap();
        let (status, r) = inspector
            .json(
                Method::POST,
                &format!("/api/v1/funds/claims/{id}/review"),
                json!({"verdict": "approved", "approved_fen": 250_000}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{backend:?}: {r}");
        let approved = |p: Value| p["totals"]["approved_fen"].as_i64().unwrap();
        assert_eq!(
            approved(programme(&inspector, &w.programme_x).await),
            approved_before + 250_000
        );

        let void = format!("/api/v1/funds/claims/{id}/void");
        // Not by the contractor, and not without a reason.
        let (status, _) = contractor
            .json(Method::POST, &void, json!({"reason": "企业撤回"}))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{backend:?}");
        let (status, _) = inspector
            .json(Method::POST, &void, json!({"reason": ""}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        // Three clicks at once void it once, and the ledger reverses the approval once.
        let outcomes =
            futures_util::future::join_all((0..3).map(|_| {
                inspector.json(Method::POST, &void, json!({"reason": "核定金额录入错误"}))
            }))
            .await;
        assert_eq!(
            outcomes.iter().filter(|o| o.0 == StatusCode::OK).count(),
            1,
            "{backend:?}: voided once"
        );
        let lines = entries_of(&t, &format!("claim:{id}")).await;
        let shape: Vec<(i64, bool)> = lines
            .iter()
            .map(|e| (e.amount_fen, e.reverses.is_some()))
            .collect();
        assert_eq!(shape, [(250_000, false), (250_000, true)], "{backend:?}");
        let after = programme(&inspector, &w.programme_x).await;
        assert_eq!(approved(after.clone()), approved_before);
        assert_eq!(after["problems"], json!([]));
        // The claim's page stays, marked voided with the reason, with nothing left to do.
        let (status, page) = inspector.get(&format!("/funds/claims/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("已作废") && page.contains("核定金额录入错误"));
        assert!(!page.contains("data-testid=\"void-claim\""));
        assert!(!page.contains("data-testid=\"review-form\""));
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}

#[tokio::test]
async fn a_withdrawn_recovery_is_reversed_unless_money_came_back() {
    for backend in backends() {
        let t = seeded_router(backend).await;
        let w = t.world.clone();
        let inspector = Client::login(&t, "inspector").await;
        let chief = Client::login(&t, "chief").await;
        let deadline = (t.app.today() + chrono::Days::new(30)).to_string();
        let propose = || {
            json!({"enterprise_id": w.enterprise_a, "project_id": w.project_a,
                   "kind": "fund_recovery", "facts": "重复申请补助资金。", "clause": "一（四）",
                   "amount": "3000.00", "deadline": deadline})
        };
        let decide = |id: &str| {
            let path = format!("/api/v1/sanctions/{id}/act");
            let c = &chief;
            async move {
                c.json(Method::POST, &path, json!({"action": "decide"}))
                    .await
            }
        };
        let (_, r) = inspector
            .json(Method::POST, "/api/v1/sanctions", propose())
            .await;
        let id = r["id"].as_str().unwrap().to_string();
        assert_eq!(decide(&id).await.0, StatusCode::OK);
        let source = format!("recovery:{id}");
        assert_eq!(entries_of(&t, &source).await.len(), 1, "{backend:?}");
        let owed = |p: Value| p["totals"]["recovery_ordered_fen"].as_i64().unwrap();
        let before = owed(programme(&inspector, &w.programme_x).await);

        // Withdrawn: no longer owed; the ledger reverses it; it leaves the recoveries.
        let (status, body) = chief
            .json(
                Method::POST,
                &format!("/api/v1/sanctions/{id}/act"),
                json!({"action": "withdraw", "note": "经复核，发票不重复"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{backend:?}: {body}");
        let lines = entries_of(&t, &source).await;
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].reverses.as_deref(), Some(lines[0].id.as_str()));
        let after = programme(&inspector, &w.programme_x).await;
        assert_eq!(owed(after.clone()), before - 300_000);
        assert_eq!(after["problems"], json!([]));
        let (_, list) = inspector.get_json("/api/v1/funds/recoveries").await;
        assert!(
            list.as_array()
                .unwrap()
                .iter()
                .all(|x| x["id"] != id.as_str())
        );

        // Once money came back, the decision cannot be withdrawn, and nothing changes.
        let (_, r) = inspector
            .json(Method::POST, "/api/v1/sanctions", propose())
            .await;
        let id = r["id"].as_str().unwrap().to_string();
        assert_eq!(decide(&id).await.0, StatusCode::OK);
        let today = t.app.today().to_string();
        let (status, _) = inspector
            .form(
                &format!("/sanctions/{id}/repayments"),
                &[("date", today.as_str()), ("amount", "1000")],
            )
            .await;
        assert!(status.is_redirection(), "{status}");
        let (status, err) = chief
            .json(
                Method::POST,
                &format!("/api/v1/sanctions/{id}/act"),
                json!({"action": "withdraw", "note": "撤销"}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{backend:?}: {err}");
        assert!(err["message"].as_str().unwrap().contains("退回款项"));
        let (_, s) = chief.get_json(&format!("/api/v1/sanctions/{id}")).await;
        assert_eq!(s["state"], "decided", "{backend:?}: nothing changed");
        assert_eq!(entries_of(&t, &format!("recovery:{id}")).await.len(), 1);
        jianguan_testkit::assert_audit_intact(&t.app.store).await;
    }
}
