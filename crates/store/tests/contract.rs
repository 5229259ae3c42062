//! The storage contract: every backend must pass these. SQLite always; PostgreSQL when
//! JIANGUAN_TEST_POSTGRES_URL is set.

#![allow(clippy::unwrap_used)]

use chrono::Utc;
use jianguan_store::{AuditEntry, ConnectError, Store, StoreError, execute_raw};
use jianguan_testkit::{Backend, TestDb, backends};
use sea_orm::{ConnectionTrait, Statement};
use std::collections::BTreeSet;

#[path = "suite/facts_load.rs"]
mod facts_load;
#[path = "suite/inspector_teams.rs"]
mod inspector_teams;
#[path = "suite/invoice_keys.rs"]
mod invoice_keys;
#[path = "suite/kept_totals.rs"]
mod kept_totals;
#[path = "suite/packed.rs"]
mod packed;
#[path = "suite/scoped.rs"]
mod scoped;
#[path = "suite/seals.rs"]
mod seals;

fn entry(n: usize) -> AuditEntry {
    AuditEntry {
        at: Utc::now(),
        actor_id: Some(format!("user-{n}")),
        actor_name: format!("测试用户 {n}"),
        county_code: Some("141122".into()),
        entity: "enterprise".into(),
        entity_id: format!("e-{n}"),
        action: "create".into(),
        before: None,
        after: Some(serde_json::json!({ "name": format!("企业{n}"), "n": n })),
    }
}

async fn chain(backend: Backend, rows: usize) -> (TestDb, Store) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    for n in 1..=rows {
        let mut tx = store.begin().await.unwrap();
        tx.record(entry(n)).await.unwrap();
        tx.commit().await.unwrap();
    }
    (db, store)
}

async fn broken_at(store: &Store) -> Option<i64> {
    store
        .verify_audit()
        .await
        .unwrap()
        .first_broken
        .map(|(seq, _)| seq)
}

#[tokio::test]
async fn migrations_are_idempotent_and_reopen() {
    for b in backends() {
        let db = TestDb::new(b).await;
        let s1 = db.store().await;
        s1.migrate().await.unwrap();
        let s2 = db.store().await;
        assert!(s2.verify_audit().await.unwrap().ok(), "{b:?}");
    }
}

async fn columns(store: &Store) -> BTreeSet<(String, String)> {
    let conn = store.reader();
    let sql = match store.backend() {
        jianguan_store::Backend::Sqlite => {
            "SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
        }
        jianguan_store::Backend::Postgres => {
            "SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = 'public'"
        }
    };
    let rows = conn
        .query_all_raw(Statement::from_string(conn.get_database_backend(), sql))
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            (
                r.try_get::<String>("", "t").unwrap(),
                r.try_get::<String>("", "c").unwrap(),
            )
        })
        .filter(|(t, _)| t != "seaql_migrations")
        .collect()
}

#[tokio::test]
async fn both_backends_get_the_same_tables_and_columns() {
    let bs = backends();
    let mut seen = Vec::new();
    for b in &bs {
        let db = TestDb::new(*b).await;
        let cols = columns(&db.store().await).await;
        assert!(
            cols.contains(&("audit_log".into(), "prev_hash".into())),
            "{b:?}: {cols:?}"
        );
        assert!(cols.contains(&("projects".into(), "central_funds_fen".into())));
        seen.push(cols);
    }
    if let [a, b] = seen.as_slice() {
        assert_eq!(a, b, "SQLite and PostgreSQL schemas differ");
    }
}

#[tokio::test]
async fn an_intact_chain_verifies() {
    for b in backends() {
        let (_db, store) = chain(b, 5).await;
        let r = store.verify_audit().await.unwrap();
        assert!(r.ok(), "{b:?}: {r:?}");
        assert_eq!(r.rows_checked, 5);
    }
}

#[tokio::test]
async fn an_altered_row_is_detected() {
    for b in backends() {
        let (_db, store) = chain(b, 5).await;
        execute_raw(
            store.housekeeping(),
            "UPDATE audit_log SET after = '{\"name\":\"改过\"}' WHERE seq = 3",
        )
        .await
        .unwrap();
        assert_eq!(broken_at(&store).await, Some(3), "{b:?}");
    }
}

#[tokio::test]
async fn an_altered_row_with_recomputed_hash_breaks_the_next_link() {
    for b in backends() {
        let (_db, store) = chain(b, 5).await;
        // The forger rewrites row 3 and its hash; row 4 still names the old hash.
        execute_raw(
            store.housekeeping(),
            "UPDATE audit_log SET actor_name = '伪造' WHERE seq = 3",
        )
        .await
        .unwrap();
        let rows = jianguan_store::queries::audit_for(store.reader(), "enterprise", "e-3")
            .await
            .unwrap();
        let forged = jianguan_store::audit::row_hash(&rows[0]);
        execute_raw(
            store.housekeeping(),
            &format!("UPDATE audit_log SET hash = '{forged}' WHERE seq = 3"),
        )
        .await
        .unwrap();
        assert_eq!(broken_at(&store).await, Some(4), "{b:?}");
    }
}

#[tokio::test]
async fn a_deleted_row_is_detected() {
    for b in backends() {
        let (_db, store) = chain(b, 5).await;
        execute_raw(store.housekeeping(), "DELETE FROM audit_log WHERE seq = 3")
            .await
            .unwrap();
        assert_eq!(broken_at(&store).await, Some(3), "{b:?}");
    }
}

#[tokio::test]
async fn a_deleted_last_row_is_detected() {
    for b in backends() {
        let (_db, store) = chain(b, 5).await;
        execute_raw(store.housekeeping(), "DELETE FROM audit_log WHERE seq = 5")
            .await
            .unwrap();
        let r = store.verify_audit().await.unwrap();
        assert_eq!(
            r.first_broken.as_ref().map(|x| x.0),
            Some(5),
            "{b:?}: {r:?}"
        );
        assert!(r.first_broken.unwrap().1.contains("末尾"));
    }
}

#[tokio::test]
async fn reordered_rows_are_detected() {
    for b in backends() {
        let (_db, store) = chain(b, 5).await;
        let c = store.housekeeping();
        execute_raw(c, "UPDATE audit_log SET seq = -1 WHERE seq = 2")
            .await
            .unwrap();
        execute_raw(c, "UPDATE audit_log SET seq = 2 WHERE seq = 3")
            .await
            .unwrap();
        execute_raw(c, "UPDATE audit_log SET seq = 3 WHERE seq = -1")
            .await
            .unwrap();
        assert_eq!(broken_at(&store).await, Some(2), "{b:?}");
    }
}

#[tokio::test]
async fn a_write_without_an_audit_row_is_refused_and_rolled_back() {
    for b in backends() {
        let db = TestDb::new(b).await;
        let store = db.store().await;
        let tx = store.begin().await.unwrap();
        execute_raw(
            tx.conn(),
            "INSERT INTO counties (code, name, prefecture, province, townships, created_at) \
             VALUES ('141199', '测试县', '吕梁市', '山西省', '[]', '2026-01-01T00:00:00Z')",
        )
        .await
        .unwrap();
        assert!(
            matches!(tx.commit().await, Err(StoreError::Unaudited)),
            "{b:?}"
        );
        let counts = jianguan_store::queries::table_counts(store.reader())
            .await
            .unwrap();
        assert!(counts.iter().all(|(_, n)| *n == 0), "{b:?}: {counts:?}");
    }
}

/// Many writers at once, through two independent pools on the same database (as a server
/// and a command-line run beside it would be): every acknowledged write is there, none
/// failed with "database is locked", and the chain is intact.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_lose_nothing() {
    for b in backends() {
        let db = TestDb::new(b).await;
        let first = db.store().await;
        let second = db.store().await;
        let mut tasks = Vec::new();
        for n in 0..60 {
            let store = if n % 2 == 0 {
                first.clone()
            } else {
                second.clone()
            };
            tasks.push(tokio::spawn(async move {
                let mut tx = store.begin().await?;
                tx.record(entry(n)).await?;
                tx.commit().await?;
                Ok::<_, StoreError>(())
            }));
        }
        for t in tasks {
            t.await
                .unwrap()
                .unwrap_or_else(|e| panic!("{b:?}: a write failed: {e}"));
        }
        let r = first.verify_audit().await.unwrap();
        assert!(r.ok(), "{b:?}: {r:?}");
        assert_eq!(r.rows_checked, 60, "{b:?}");
    }
}

#[tokio::test]
async fn database_urls_are_checked() {
    let err = Store::open("/tmp/some/bare/path.db").await.unwrap_err();
    assert!(matches!(err, ConnectError::Scheme(_)), "{err}");
    assert!(err.to_string().contains("sqlite://"));
    let missing =
        std::env::temp_dir().join(format!("jianguan-missing-{}.db", uuid::Uuid::now_v7()));
    let err = Store::open(&format!("sqlite://{}", missing.display()))
        .await
        .unwrap_err();
    assert!(matches!(err, ConnectError::NotFound(_)), "{err}");
    assert!(
        !missing.exists(),
        "a mistyped path must not create an empty database"
    );
    assert!(matches!(
        Store::open("mysql://x").await.unwrap_err(),
        ConnectError::Scheme(_)
    ));
}

#[tokio::test]
async fn sqlite_runs_in_wal_with_full_sync() {
    let db = TestDb::new(Backend::Sqlite).await;
    let store = db.store().await;
    let conn = store.housekeeping();
    let q = |sql: &'static str| Statement::from_string(conn.get_database_backend(), sql);
    let mode = conn
        .query_one_raw(q("PRAGMA journal_mode"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        mode.try_get_by_index::<String>(0).unwrap().to_lowercase(),
        "wal"
    );
    let sync = conn
        .query_one_raw(q("PRAGMA synchronous"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        sync.try_get_by_index::<i32>(0).unwrap(),
        2,
        "synchronous=FULL"
    );
    let busy = conn
        .query_one_raw(q("PRAGMA busy_timeout"))
        .await
        .unwrap()
        .unwrap();
    assert!(busy.try_get_by_index::<i32>(0).unwrap() >= 5000);
}

/// The bundled SQLite is built without STAT4 (.cargo/config.toml): with it, a database
/// that has been ANALYZEd has every cached statement prepared again whenever a parameter
/// is bound, and each query pays its parse and plan again.
#[tokio::test]
async fn sqlite_is_built_without_stat4() {
    let db = TestDb::new(Backend::Sqlite).await;
    let store = db.store().await;
    let conn = store.housekeeping();
    let rows = conn
        .query_all_raw(Statement::from_string(
            conn.get_database_backend(),
            "PRAGMA compile_options",
        ))
        .await
        .unwrap();
    let options: Vec<String> = rows
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .collect();
    assert!(
        options.iter().any(|o| o.starts_with("THREADSAFE")),
        "the options are read: {options:?}"
    );
    assert!(!options.iter().any(|o| o.contains("STAT4")), "{options:?}");
}

/// The packed inspection loading gives exactly what reading the rows one by one gives.
#[tokio::test]
async fn inspections_load_the_same_packed_or_row_by_row() {
    use jianguan_store::entity::inspection;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    for b in backends() {
        let t = jianguan_testkit::seeded(b).await;
        let store = &t.app.store;
        let facts = jianguan_store::facts::load(store.reader(), "141122", None)
            .await
            .unwrap();
        let rows = inspection::Entity::find()
            .filter(inspection::Column::CountyCode.eq("141122"))
            .filter(inspection::Column::VoidedAt.is_null())
            .order_by_asc(inspection::Column::Id)
            .all(store.reader())
            .await
            .unwrap();
        assert!(rows.len() > 100, "{b:?}: the demo has inspections");
        assert!(
            rows.iter().any(|r| r.status == "planned") && rows.iter().any(|r| r.photo_count == 0)
        );
        assert!(
            rows.iter().any(|r| r.training_class_id.is_some())
                && rows.iter().any(|r| r.disbursement_id.is_some())
        );
        let expected: Vec<jianguan_domain::rules::facts::Inspection> = rows
            .into_iter()
            .map(|r| jianguan_domain::rules::facts::Inspection {
                kinds: serde_json::from_str(&r.kinds).unwrap(),
                done: r.status != "planned",
                has_minutes: r.minutes.as_deref().is_some_and(|m| !m.trim().is_empty()),
                photo_count: r.photo_count as u32,
                id: r.id,
                project_id: r.project_id,
                date: r.date,
                training_class_id: r.training_class_id,
                disbursement_id: r.disbursement_id,
            })
            .collect();
        assert_eq!(facts.inspections, expected, "{b:?}");
        // Several counties at once give each county its own.
        let many = jianguan_store::facts::load_many(
            store.reader(),
            &["141122".into(), "141121".into()],
            None,
        )
        .await
        .unwrap();
        assert_eq!(many["141122"].inspections.len(), expected.len());
        // County Y has the one inspection the test world records there.
        let y = &many["141121"].inspections;
        assert_eq!(y.len(), 1, "{b:?}");
        assert!(y[0].id == t.world.inspection_y);

        // Counted in the database: the same as the domain's reference counting, on dates
        // inside the demo's year (a month half done) and before any inspection.
        let (profile, today) = (&t.app.profile, t.app.today());
        for as_of in [
            today,
            today - chrono::Days::new(45),
            today - chrono::Days::new(400),
        ] {
            let tally = jianguan_domain::rules::facts::Tally::new(profile, as_of);
            let counted = jianguan_store::facts::load(store.reader(), "141122", Some(tally))
                .await
                .unwrap();
            let mut reference = facts.clone();
            tally.apply(&mut reference);
            assert_eq!(
                counted.inspection_tallies, reference.inspection_tallies,
                "{b:?} {as_of}"
            );
            assert_eq!(counted.inspections, reference.inspections, "{b:?} {as_of}");
            if as_of == today {
                assert!(
                    reference.inspection_tallies.len() > 10,
                    "{b:?}: something is counted"
                );
                assert!(
                    reference.inspections.len() > 10,
                    "{b:?}: something stays listed"
                );
            }
        }
    }
}

/// A record changed by someone else between reading it and writing it is not
/// overwritten: the write is refused as stale; a second insert of the same key likewise.
#[tokio::test]
async fn a_write_over_a_changed_record_is_refused_as_stale() {
    use jianguan_store::entity::county;
    for b in backends() {
        let db = TestDb::new(b).await;
        let store = db.store().await;
        let c = county::Model {
            code: "141199".into(),
            name: "测试县".into(),
            prefecture: "吕梁市".into(),
            province: "山西省".into(),
            townships: "[\"天宁镇\"]".into(),
            created_at: Utc::now(),
            document_office: None,
            public_fields: None,
        };
        let mut tx = store.begin().await.unwrap();
        tx.insert(c.clone()).await.unwrap();
        tx.record(entry(1)).await.unwrap();
        tx.commit().await.unwrap();
        let read = jianguan_store::queries::county(store.reader(), "141199")
            .await
            .unwrap()
            .unwrap();
        // Someone else renames it first.
        let mut tx = store.begin().await.unwrap();
        tx.replace(
            &read,
            county::Model {
                name: "甲县".into(),
                ..read.clone()
            },
        )
        .await
        .unwrap();
        tx.record(entry(2)).await.unwrap();
        tx.commit().await.unwrap();
        // Our rename, from what we read before theirs, is refused and changes nothing.
        let mut tx = store.begin().await.unwrap();
        let r = tx
            .replace(
                &read,
                county::Model {
                    name: "乙县".into(),
                    ..read.clone()
                },
            )
            .await;
        assert!(matches!(r, Err(StoreError::Stale)), "{b:?}: {r:?}");
        tx.rollback().await.unwrap();
        let now = jianguan_store::queries::county(store.reader(), "141199")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(now.name, "甲县", "{b:?}");
        let mut tx = store.begin().await.unwrap();
        assert!(
            matches!(tx.insert(c.clone()).await, Err(StoreError::Stale)),
            "{b:?}"
        );
        tx.rollback().await.unwrap();
        // A bookkeeping writer cannot write a record table past the seals.
        assert!(
            jianguan_store::rows::insert(store.housekeeping(), c)
                .await
                .is_err()
        );
        assert!(store.verify_audit().await.unwrap().ok(), "{b:?}");
    }
}
