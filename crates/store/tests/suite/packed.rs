//! Packed reads give exactly what row-by-row reads give: every column of every row, in the
//! query's order, on both backends (booleans, floats to the last digit, dates, times,
//! nulls), for every record table (the audit seals read them packed) and the lists.

use jianguan_store::entity::*;
use jianguan_store::packed;
use jianguan_testkit::backends;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PrimaryKeyToColumn, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use serde::de::DeserializeOwned;
use std::fmt::Debug;

async fn same<E>(conn: &impl ConnectionTrait, q: Select<E>) -> usize
where
    E: EntityTrait,
    E::Model: DeserializeOwned + PartialEq + Debug + Send + Sync,
{
    let rows = q.clone().all(conn).await.unwrap();
    let packed = packed::all(conn, q).await.unwrap();
    assert_eq!(packed, rows, "{}", E::default().table_name());
    rows.len()
}

/// Every row of an entity, in its primary key's descending order (not the table's).
fn every<E: EntityTrait>() -> Select<E> {
    let mut q = E::find();
    for k in <E::PrimaryKey as sea_orm::Iterable>::iter() {
        q = q.order_by_desc(k.into_column());
    }
    q
}

#[tokio::test]
async fn packed_rows_are_the_rows_on_every_backend() {
    for b in backends() {
        let t = jianguan_testkit::seeded(b).await;
        let db = t.app.store.reader();
        // A float with more digits than SQLite's JSON keeps, and a boolean of each value.
        db.execute_unprepared(
            "UPDATE projects SET latitude = 37.55551234567891 WHERE id = (SELECT min(id) FROM projects)",
        )
        .await
        .unwrap();
        let mut n = 0;
        // Every record table (the audit seals read them packed) and the docket's rows.
        n += same(db, every::<county::Entity>()).await;
        n += same(db, every::<programme::Entity>()).await;
        n += same(db, every::<enterprise::Entity>()).await;
        n += same(db, every::<project::Entity>()).await;
        n += same(db, every::<user::Entity>()).await;
        n += same(db, every::<api_token::Entity>()).await;
        n += same(db, every::<inspection::Entity>()).await;
        n += same(db, every::<inspection_version::Entity>()).await;
        n += same(db, every::<photo::Entity>()).await;
        n += same(db, every::<rectification_order::Entity>()).await;
        n += same(db, every::<order_submission::Entity>()).await;
        n += same(db, every::<sanction::Entity>()).await;
        n += same(db, every::<fund_recovery::Entity>()).await;
        n += same(db, every::<incident::Entity>()).await;
        n += same(db, every::<performance_evaluation::Entity>()).await;
        n += same(db, every::<progress_plan::Entity>()).await;
        n += same(db, every::<progress_report::Entity>()).await;
        n += same(db, every::<submission_review::Entity>()).await;
        n += same(db, every::<data_report::Entity>()).await;
        n += same(db, every::<licence::Entity>()).await;
        n += same(db, every::<training_class::Entity>()).await;
        n += same(db, every::<training_roster::Entity>()).await;
        n += same(db, every::<disbursement::Entity>()).await;
        n += same(db, every::<subsidy_claim::Entity>()).await;
        n += same(db, every::<duplicate_decision::Entity>()).await;
        n += same(db, every::<market_finding::Entity>()).await;
        n += same(db, every::<asset::Entity>()).await;
        n += same(db, every::<inventory_count::Entity>()).await;
        n += same(db, every::<tipoff::Entity>()).await;
        n += same(db, every::<ledger_entry::Entity>()).await;
        n += same(db, every::<asset_tag::Entity>()).await;
        n += same(db, every::<asset_transfer::Entity>()).await;
        n += same(db, every::<inventory_scan::Entity>()).await;
        n += same(db, every::<document::Entity>()).await;
        n += same(db, every::<partner_key::Entity>()).await;
        n += same(db, every::<finding::Entity>()).await;
        n += same(db, every::<notification::Entity>()).await;
        assert!(n > 200, "the seeded world holds rows to compare ({n})");
        // Filters, bind parameters, a limit and an offset carry through the wrapping.
        let q = inspection::Entity::find()
            .filter(inspection::Column::Status.eq("finalised"))
            .order_by_desc(inspection::Column::Date)
            .order_by_asc(inspection::Column::Id)
            .offset(2)
            .limit(5);
        assert_eq!(same(db, q).await, 5);
        // Nothing selected is an empty list, not an error.
        let none = project::Entity::find().filter(project::Column::Id.eq("no such project"));
        assert_eq!(same(db, none).await, 0);
    }
}

/// A project's id, name, latitude and voiding time, as `packed::columns` reads them.
type IdNamePlace = (
    String,
    String,
    Option<f64>,
    Option<chrono::DateTime<chrono::Utc>>,
);

/// Some columns packed are those columns of the rows, in the query's order, typed as
/// asked (strings, a nullable float, a nullable time); and `queries::project_names` is the
/// live projects' ids and names in the project list's order, within the scope.
#[tokio::test]
async fn packed_columns_are_those_columns_of_the_rows() {
    use jianguan_store::queries::{self, ListFilter, Scope};
    for b in backends() {
        let t = jianguan_testkit::seeded(b).await;
        let db = t.app.store.reader();
        let q = every::<project::Entity>();
        let rows = q.clone().all(db).await.unwrap();
        assert!(rows.len() > 3, "{b:?}");
        let cols: Vec<IdNamePlace> = packed::columns(
            db,
            q,
            &[
                project::Column::Id,
                project::Column::Name,
                project::Column::Latitude,
                project::Column::VoidedAt,
            ],
        )
        .await
        .unwrap();
        let expected: Vec<_> = rows
            .iter()
            .map(|p| (p.id.clone(), p.name.clone(), p.latitude, p.voided_at))
            .collect();
        assert_eq!(cols, expected, "{b:?}");

        let w = &t.world;
        for (scope, what) in [
            (Scope::county(&w.county_x), "county X"),
            (
                Scope {
                    county: Some(w.county_x.clone()),
                    enterprise: Some(w.enterprise_a.clone()),
                },
                "enterprise A",
            ),
        ] {
            let names = queries::project_names(db, &scope).await.unwrap();
            let listed = queries::projects(
                db,
                &scope,
                &ListFilter {
                    limit: 500,
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .items;
            let listed: Vec<(String, String)> =
                listed.into_iter().map(|p| (p.id, p.name)).collect();
            assert!(!names.is_empty(), "{b:?} {what}");
            assert_eq!(names, listed, "{b:?} {what}");
        }
    }
}
