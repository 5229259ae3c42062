//! The chain anchored: records changed behind the application's back are named, and a
//! history rewritten with every hash recomputed is caught by a signed checkpoint.

use jianguan_store::{Anchors, SigningKey, execute_raw};
use jianguan_testkit::backends;

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

#[tokio::test]
async fn every_table_is_a_record_table_or_bookkeeping() {
    for b in backends() {
        let db = jianguan_testkit::TestDb::new(b).await;
        let store = db.store().await;
        let tables: std::collections::BTreeSet<String> = super::columns(&store)
            .await
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        // Kept by triggers from the inspections, and read only by the docket's loader and
        // the inspections list's total.
        let derived = [
            "inspection_tallies",
            "inspection_singles",
            "inspection_tally_basis",
            "inspection_counts",
        ];
        for t in &tables {
            assert!(
                jianguan_store::seal::is_sealed(t)
                    || jianguan_store::seal::BOOKKEEPING.contains(&t.as_str())
                    || derived.contains(&t.as_str()),
                "{b:?}: table {t} is neither a record table nor bookkeeping"
            );
        }
    }
}

/// What someone holding the database file might change by hand, each of it named.
#[tokio::test]
async fn records_changed_behind_the_chain_are_named() {
    for b in backends() {
        let t = jianguan_testkit::seeded(b).await;
        let store = &t.app.store;
        jianguan_testkit::assert_audit_intact(store).await;
        let w = &t.world;
        let c = store.housekeeping();
        for sql in [
            format!(
                "UPDATE inspections SET minutes = '改过的会议记录' WHERE id = '{}'",
                w.inspection_b
            ),
            "UPDATE users SET role = 'admin' WHERE username = 'viewer'".to_string(),
            format!(
                "UPDATE rectification_orders SET state = 'accepted' WHERE id = '{}'",
                w.order_b
            ),
            "UPDATE fund_recoveries SET amount_fen = 1 WHERE id = 'demo-recovery-1'".to_string(),
            format!("DELETE FROM photos WHERE id = '{}'", w.photo_b),
            format!(
                "INSERT INTO tipoffs (id, county_code, channel, content, summary, receipt_code, received_on, created_at, updated_at) \
                 VALUES ('sql-tip', '{}', 'web', 'x', 'x', 'JB-X', '2026-01-01', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
                w.county_x
            ),
        ] {
            execute_raw(c, &sql)
                .await
                .unwrap_or_else(|e| panic!("{b:?}: {sql}: {e}"));
        }
        let r = store.verify_audit().await.unwrap();
        assert!(
            r.first_broken.is_none(),
            "{b:?}: the chain itself is intact: {r:?}"
        );
        assert!(!r.ok());
        let named: std::collections::BTreeSet<(String, String)> = r
            .mismatches
            .iter()
            .map(|m| (m.table.clone(), m.id.clone()))
            .collect();
        let viewer = jianguan_store::queries::user_by_username(store.reader(), "viewer")
            .await
            .unwrap()
            .unwrap()
            .id;
        for expected in [
            ("inspections", w.inspection_b.as_str()),
            ("users", viewer.as_str()),
            ("rectification_orders", w.order_b.as_str()),
            ("fund_recoveries", "demo-recovery-1"),
            ("photos", w.photo_b.as_str()),
            ("tipoffs", "sql-tip"),
        ] {
            assert!(
                named.contains(&(expected.0.to_string(), expected.1.to_string())),
                "{b:?}: {expected:?} not named in {:?}",
                r.mismatches
            );
        }
        assert_eq!(r.mismatches.len(), 6, "{b:?}: {:?}", r.mismatches);
        let deleted = r.mismatches.iter().find(|m| m.table == "photos").unwrap();
        assert!(deleted.why.contains("删除"), "{deleted:?}");
        let inserted = r.mismatches.iter().find(|m| m.table == "tipoffs").unwrap();
        assert!(inserted.why.contains("直接写入"), "{inserted:?}");
    }
}

#[tokio::test]
async fn a_rewritten_history_is_caught_by_a_checkpoint_kept_elsewhere() {
    for b in backends() {
        let (_db, store) = super::chain(b, 6).await;
        let k = key(7);
        let cp = store.checkpoint(&k, chrono::Utc::now()).await.unwrap();
        assert_eq!(cp.seq, 6);
        assert!(cp.signature_valid());
        let own = Anchors {
            external: vec![],
            own_key: Some(hex::encode(k.verifying_key().to_bytes())),
        };
        assert!(store.verify_audit_with(&own).await.unwrap().ok(), "{b:?}");

        // Rewritten from row 3, all hashes recomputed: the checkpoint in the database says
        // otherwise.
        jianguan_testkit::rewrite_history_from(&store, 3).await;
        let r = store.verify_audit().await.unwrap();
        assert_eq!(
            r.first_broken.as_ref().map(|x| x.0),
            Some(6),
            "{b:?}: {r:?}"
        );
        assert!(r.first_broken.unwrap().1.contains("改写"));
        // The intruder removes the checkpoints from the database too: the chain alone now
        // looks whole, but not against the checkpoint exported before.
        execute_raw(store.housekeeping(), "DELETE FROM audit_checkpoints")
            .await
            .unwrap();
        assert!(
            store.verify_audit().await.unwrap().ok(),
            "{b:?}: a bare chain cannot tell"
        );
        let held = Anchors {
            external: vec![cp.clone()],
            own_key: None,
        };
        let r = store.verify_audit_with(&held).await.unwrap();
        assert_eq!(
            r.first_broken.as_ref().map(|x| x.0),
            Some(6),
            "{b:?}: {r:?}"
        );

        // Deleting the rows after a checkpoint and moving the head back is caught too.
        let (_db2, store2) = super::chain(b, 6).await;
        let cp2 = store2.checkpoint(&k, chrono::Utc::now()).await.unwrap();
        let c = store2.housekeeping();
        execute_raw(c, "DELETE FROM audit_log WHERE seq > 4")
            .await
            .unwrap();
        execute_raw(c, "DELETE FROM audit_checkpoints")
            .await
            .unwrap();
        let four = jianguan_store::queries::audit_from(store2.reader(), 4)
            .await
            .unwrap();
        execute_raw(
            c,
            &format!(
                "UPDATE audit_head SET seq = 4, hash = '{}' WHERE id = 1",
                four[0].hash
            ),
        )
        .await
        .unwrap();
        assert!(store2.verify_audit().await.unwrap().ok(), "{b:?}");
        let r = store2
            .verify_audit_with(&Anchors {
                external: vec![cp2],
                own_key: None,
            })
            .await
            .unwrap();
        let (seq, why) = r.first_broken.unwrap();
        assert_eq!(seq, 5, "{b:?}");
        assert!(why.contains("末尾记录被删除"), "{why}");

        // A checkpoint signed with another key is refused when the deployment's key is
        // known; a checkpoint file with a broken signature is refused outright.
        let (_db3, store3) = super::chain(b, 2).await;
        store3
            .checkpoint(&key(9), chrono::Utc::now())
            .await
            .unwrap();
        let r = store3.verify_audit_with(&own).await.unwrap();
        assert!(r.first_broken.unwrap().1.contains("签名无效"), "{b:?}");
        let mut bad = cp.clone();
        bad.hash = "0".repeat(64);
        let r = store3
            .verify_audit_with(&Anchors {
                external: vec![bad],
                own_key: None,
            })
            .await
            .unwrap();
        assert!(r.first_broken.unwrap().1.contains("签名无效"), "{b:?}");
    }
}

/// Any single change to any column of any audit row, seal or checkpoint — as someone with
/// the database file would make it — is found, and verification never fails to run.
#[tokio::test]
async fn every_single_change_to_the_trail_is_found() {
    // Each value is an expression that always differs from what is there.
    let columns = [
        ("audit_log", "actor_name", "actor_name || 'x'"),
        (
            "audit_log",
            "actor_id",
            "CASE WHEN actor_id IS NULL THEN 'u' ELSE NULL END",
        ),
        ("audit_log", "entity_id", "entity_id || 'x'"),
        ("audit_log", "action", "action || 'x'"),
        (
            "audit_log",
            "before",
            "CASE WHEN before IS NULL THEN '{}' ELSE NULL END",
        ),
        (
            "audit_log",
            "after",
            "CASE WHEN after IS NULL THEN '{}' ELSE NULL END",
        ),
        (
            "audit_log",
            "county_code",
            "CASE WHEN county_code = '141199' THEN '141198' ELSE '141199' END",
        ),
        ("audit_log", "prev_hash", "prev_hash || '0'"),
        ("audit_log", "hash", "hash || 'f'"),
        ("audit_log", "seal", "NULL"),
        ("audit_log", "seal", "seal || 'a'"),
        (
            "audit_seals",
            "digest",
            "CASE WHEN digest IS NULL THEN '00' ELSE digest || '0' END",
        ),
        ("audit_seals", "record_id", "record_id || 'x'"),
        ("audit_checkpoints", "hash", "hash || 'e'"),
        ("audit_checkpoints", "signature", "signature || '0'"),
    ];
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    for (table, column, value) in columns {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let t = jianguan_testkit::seeded(jianguan_testkit::Backend::Sqlite).await;
        let store = &t.app.store;
        store.checkpoint(&key(3), chrono::Utc::now()).await.unwrap();
        let head: i64 = jianguan_store::queries::audit_from(store.reader(), 1)
            .await
            .unwrap()
            .len() as i64;
        // A row that has a seal, for the seal columns; any row otherwise.
        let target = match table {
            "audit_seals" => format!(
                "seq = (SELECT seq FROM audit_seals ORDER BY seq LIMIT 1 OFFSET {})",
                rng % 50
            ),
            "audit_log" if column == "seal" => {
                "seq = (SELECT MIN(seq) FROM audit_log WHERE seal IS NOT NULL)".into()
            }
            "audit_log" => format!("seq = {}", 1 + (rng % head as u64) as i64),
            _ => "1 = 1".into(),
        };
        let sql = format!("UPDATE {table} SET {column} = {value} WHERE {target}");
        let changed = execute_raw(store.housekeeping(), &sql).await.unwrap();
        assert!(changed >= 1, "{sql} changed nothing");
        let r = store
            .verify_audit()
            .await
            .unwrap_or_else(|e| panic!("{sql}: verification failed to run: {e}"));
        assert!(!r.ok(), "{sql} went unnoticed");
    }
}

/// A database written before records were sealed is sealed when it is first opened after
/// the upgrade (and not again after that), so `audit verify` holds from then on.
#[tokio::test]
async fn records_from_before_seals_are_sealed_once_at_upgrade() {
    for b in backends() {
        let db = jianguan_testkit::TestDb::new(b).await;
        let store = db.store().await;
        let c = store.housekeeping();
        // As an older version left it: records with their audit rows but no seals.
        execute_raw(
            c,
            "INSERT INTO counties (code, name, prefecture, province, townships, created_at) \
             VALUES ('141199', '旧县', '吕梁市', '山西省', '[]', '2025-01-01T00:00:00Z')",
        )
        .await
        .unwrap();
        let mut tx = store.begin().await.unwrap();
        tx.record(super::entry(1)).await.unwrap();
        tx.commit().await.unwrap();
        assert!(
            !store.verify_audit().await.unwrap().ok(),
            "{b:?}: unsealed before"
        );
        execute_raw(c, "UPDATE audit_head SET backfill_seals = TRUE")
            .await
            .unwrap();
        store.close().await;
        let store = db.store().await;
        let r = store.verify_audit().await.unwrap();
        assert!(r.ok(), "{b:?}: {r:?}");
        let sealing = |s: &jianguan_store::Store| {
            let s = s.clone();
            async move {
                jianguan_store::queries::audit_from(s.reader(), 1)
                    .await
                    .unwrap()
                    .iter()
                    .filter(|r| r.action == "seal_existing")
                    .count()
            }
        };
        assert_eq!(sealing(&store).await, 1, "{b:?}");
        store.close().await;
        let store = db.store().await;
        assert_eq!(sealing(&store).await, 1, "{b:?}: sealed once");
    }
}

/// The funds ledger's one catch-up (m0018): a database upgraded with history waits for it,
/// one upgraded empty does not, and clearing the flag is kept across a reopen.
#[tokio::test]
async fn an_upgraded_database_with_history_waits_for_the_ledger_catch_up_once() {
    for b in backends() {
        for history in [false, true] {
            let db = jianguan_testkit::TestDb::new(b).await;
            let store = db.store().await;
            if history {
                let mut tx = store.begin().await.unwrap();
                tx.record(super::entry(1)).await.unwrap();
                tx.commit().await.unwrap();
            }
            assert!(!store.ledger_catch_up_pending().await.unwrap(), "{b:?}");
            // As m0017 left it: no flag, and m0018 not yet run.
            let c = store.housekeeping();
            execute_raw(c, "ALTER TABLE audit_head DROP COLUMN post_ledger")
                .await
                .unwrap();
            execute_raw(
                c,
                "DELETE FROM seaql_migrations WHERE version = 'm0018_ledger_catch_up'",
            )
            .await
            .unwrap();
            store.close().await;
            let store = db.store().await;
            assert_eq!(
                store.ledger_catch_up_pending().await.unwrap(),
                history,
                "{b:?}: history {history}"
            );
            store.ledger_caught_up().await.unwrap();
            store.close().await;
            let store = db.store().await;
            assert!(!store.ledger_catch_up_pending().await.unwrap(), "{b:?}");
            store.close().await;
        }
    }
}
