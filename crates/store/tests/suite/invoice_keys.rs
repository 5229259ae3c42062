//! An invoice claimed in another county is found through the keys every write keeps
//! (`claim_invoice_keys`), however the claim changes; an upgraded database gets the keys
//! of the claims it already holds.

use chrono::{NaiveDate, Utc};
use jianguan_domain::rules::facts::{Invoice, InvoiceElsewhere};
use jianguan_store::entity::subsidy_claim;
use jianguan_store::{Store, execute_raw, facts};
use jianguan_testkit::backends;

async fn elsewhere(store: &Store, county: &str) -> Vec<InvoiceElsewhere> {
    facts::load(store.reader(), county, None)
        .await
        .unwrap()
        .invoices_elsewhere
}

async fn keys(store: &Store) -> i64 {
    let row = store
        .reader()
        .query_one_raw(sea_orm::Statement::from_string(
            store.reader().get_database_backend(),
            "SELECT count(*) AS n FROM claim_invoice_keys",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "n").unwrap()
}

/// Writes `after` (over `before`) and returns the claim as stored, which the next
/// replacement must name.
async fn write(
    store: &Store,
    before: Option<&subsidy_claim::Model>,
    after: &subsidy_claim::Model,
) -> subsidy_claim::Model {
    use sea_orm::EntityTrait;
    let mut tx = store.begin().await.unwrap();
    match before {
        Some(b) => tx.replace(b, after.clone()).await.unwrap(),
        None => tx.insert(after.clone()).await.unwrap(),
    }
    tx.record(super::entry(1)).await.unwrap();
    tx.commit().await.unwrap();
    subsidy_claim::Entity::find_by_id(after.id.clone())
        .one(store.reader())
        .await
        .unwrap()
        .unwrap()
}

use sea_orm::ConnectionTrait;

#[tokio::test]
async fn a_claim_elsewhere_is_found_through_the_keys_each_write_keeps() {
    for b in backends() {
        let t = jianguan_testkit::seeded(b).await;
        let (w, store) = (&t.world, &t.app.store);
        assert!(elsewhere(store, &w.county_x).await.is_empty(), "{b:?}");
        let x = facts::load(store.reader(), &w.county_x, None)
            .await
            .unwrap();
        let theirs: Invoice = x.subsidy_claims[0].invoices[0].clone();

        // County Y claims X's invoice, its number written another way.
        let spaced = Invoice {
            number: format!(" {} ", theirs.number.trim_start_matches('0')),
            seller: "另一家公司".into(),
            ..theirs.clone()
        };
        let now = Utc::now();
        let invoices = |i: &[Invoice]| serde_json::to_string(i).unwrap();
        let claim = subsidy_claim::Model {
            id: "claim-in-y".into(),
            county_code: w.county_y.clone(),
            project_id: w.project_y.clone(),
            submitted_on: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            amount_fen: theirs.amount_fen,
            invoices: invoices(std::slice::from_ref(&spaced)),
            purpose: None,
            declaration: None,
            recorded_by: None,
            approved_fen: None,
            approved_on: None,
            created_at: now,
            updated_at: now,
            voided_at: None,
            void_reason: None,
        };
        let claim = write(store, None, &claim).await;
        let found = elsewhere(store, &w.county_x).await;
        assert!(
            found
                .iter()
                .any(|e| e.invoice == spaced && e.county == "文水县"),
            "{b:?}: {found:?}"
        );
        // Y learns of X's claim the same way.
        assert!(!elsewhere(store, &w.county_y).await.is_empty(), "{b:?}");

        // Changed to an invoice of its own: X no longer sees it.
        let own = Invoice {
            code: "9900000000".into(),
            number: "77777777".into(),
            seller: "别的供应商".into(),
            ..theirs.clone()
        };
        let changed = subsidy_claim::Model {
            invoices: invoices(std::slice::from_ref(&own)),
            ..claim.clone()
        };
        let changed = write(store, Some(&claim), &changed).await;
        let now_found = elsewhere(store, &w.county_x).await;
        assert!(
            now_found
                .iter()
                .all(|e| e.invoice != own && e.invoice != spaced),
            "{b:?}"
        );

        // The same seller, amount and date under another number: found by its content.
        let content = Invoice {
            number: "88888888".into(),
            seller: format!(" {} ", theirs.seller.replace("有限公司", "有限责任公司")),
            ..theirs.clone()
        };
        let by_content = subsidy_claim::Model {
            invoices: invoices(&[own.clone(), content.clone()]),
            ..claim.clone()
        };
        let by_content = write(store, Some(&changed), &by_content).await;
        assert!(
            elsewhere(store, &w.county_x)
                .await
                .iter()
                .any(|e| e.invoice == content),
            "{b:?}"
        );

        // Voided: gone, keys and all.
        let voided = subsidy_claim::Model {
            voided_at: Some(Utc::now()),
            void_reason: Some("录错".into()),
            ..by_content.clone()
        };
        let before = keys(store).await;
        let voided = write(store, Some(&by_content), &voided).await;
        assert_eq!(
            keys(store).await,
            before - 4,
            "{b:?}: two invoices' two keys"
        );
        assert!(
            elsewhere(store, &w.county_x)
                .await
                .iter()
                .all(|e| e.invoice != content),
            "{b:?}"
        );

        // Restored, then the database taken back to before m0019: the upgrade writes the
        // keys of the claims already there, and the claim is found again.
        let restored = subsidy_claim::Model {
            voided_at: None,
            void_reason: None,
            ..voided.clone()
        };
        write(store, Some(&voided), &restored).await;
        let expected = elsewhere(store, &w.county_x).await;
        let all_keys = keys(store).await;
        assert!(expected.iter().any(|e| e.invoice == content), "{b:?}");
        let c = store.housekeeping();
        execute_raw(c, "DROP TABLE claim_invoice_keys")
            .await
            .unwrap();
        execute_raw(
            c,
            "DELETE FROM seaql_migrations WHERE version = 'm0019_claim_invoice_keys'",
        )
        .await
        .unwrap();
        let upgraded = t.db.store().await;
        assert_eq!(keys(&upgraded).await, all_keys, "{b:?}");
        assert_eq!(elsewhere(&upgraded, &w.county_x).await, expected, "{b:?}");
        upgraded.close().await;
    }
}
