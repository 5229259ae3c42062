//! The docket's menu of inspectors walks each county's teams on an index (m0021): it must
//! name exactly the distinct teams of the live inspections dated within the window, per
//! county and for all counties, at the window's edges, on both backends.

use chrono::{Days, NaiveDate};
use jianguan_store::entity::inspection;
use jianguan_store::execute_raw;
use jianguan_store::queries::inspector_teams;
use jianguan_testkit::backends;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::BTreeSet;

/// What the walk must find, counted the plain way.
async fn expected(
    conn: &impl ConnectionTrait,
    county: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> BTreeSet<String> {
    let mut q = inspection::Entity::find()
        .filter(inspection::Column::VoidedAt.is_null())
        .filter(inspection::Column::Date.between(from, to));
    if let Some(c) = county {
        q = q.filter(inspection::Column::CountyCode.eq(c));
    }
    q.all(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.inspectors)
        .collect()
}

#[tokio::test]
async fn the_menu_of_inspectors_names_the_teams_of_the_window() {
    for b in backends() {
        let t = jianguan_testkit::seeded(b).await;
        let (w, db) = (&t.world, t.app.store.reader());
        let c = t.app.store.housekeeping();
        let all = inspection::Entity::find()
            .order_by_asc(inspection::Column::Date)
            .order_by_asc(inspection::Column::Id)
            .all(db)
            .await
            .unwrap();
        assert!(all.len() > 6, "{b:?}: the seeded world has inspections");
        // Teams of their own, so that each county has several to walk; one voided.
        for (n, i) in all.iter().enumerate() {
            let team = format!("[\"检查员{}\",\"组员\"]", n % 4);
            execute_raw(
                c,
                &format!(
                    "UPDATE inspections SET inspectors = '{team}' WHERE id = '{}'",
                    i.id
                ),
            )
            .await
            .unwrap();
        }
        execute_raw(
            c,
            &format!(
                "UPDATE inspections SET inspectors = '[\"只在作废记录上\"]', \
                 voided_at = updated_at WHERE id = '{}'",
                all[1].id
            ),
        )
        .await
        .unwrap();

        let (first, last) = (all[0].date, all[all.len() - 1].date);
        let day = Days::new(1);
        let mut windows = vec![(first - Days::new(400), last + Days::new(400))];
        // Each inspection's own day exactly, and the days either side of it.
        for i in &all {
            windows.push((i.date, i.date));
            windows.push((i.date + day, i.date + Days::new(30)));
            windows.push((i.date - Days::new(30), i.date - day));
        }
        let mut nonempty = 0;
        for (from, to) in windows {
            for county in [Some(w.county_x.as_str()), Some(w.county_y.as_str()), None] {
                let want = expected(db, county, from, to).await;
                let got = inspector_teams(db, county, from, to).await.unwrap();
                assert_eq!(
                    got.iter().cloned().collect::<BTreeSet<_>>(),
                    want,
                    "{b:?} {county:?} {from}..={to}"
                );
                assert_eq!(got.len(), want.len(), "{b:?}: each team once");
                nonempty += usize::from(!want.is_empty());
            }
        }
        assert!(nonempty > 10, "{b:?}: windows with teams were tried");
        let whole = inspector_teams(db, None, first - Days::new(400), last + Days::new(400))
            .await
            .unwrap();
        assert!(
            !whole.iter().any(|t| t.contains("只在作废记录上")),
            "{b:?}: a voided inspection's team is not named"
        );
        assert!(whole.len() >= 2, "{b:?}: several teams");
    }
}

/// The docket's page order and its inspectors' menu are read from the indexes m0021 made
/// (SQLite's plan; PostgreSQL chooses by its statistics): a page stops after its rows.
#[tokio::test]
async fn the_docket_order_is_an_index() {
    let t = jianguan_testkit::seeded(jianguan_testkit::Backend::Sqlite).await;
    let db = t.app.store.reader();
    let plan = |sql: String| async move {
        db.query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("EXPLAIN QUERY PLAN {sql}"),
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get_by_index::<String>(3).unwrap())
        .collect::<Vec<_>>()
        .join("; ")
    };
    let order = plan(format!(
        "SELECT id FROM findings WHERE county_code = 'x' AND resolved_on IS NULL \
         ORDER BY {}, rule, subject_kind, subject_id, period NULLS FIRST, key LIMIT 100",
        jianguan_store::queries::DOCKET_RANK
    ))
    .await;
    assert!(order.contains("ix_findings_docket"), "{order}");
    assert!(
        !order.contains("TEMP B-TREE"),
        "sorted, not read in order: {order}"
    );
    let areas = plan(
        "SELECT rule, count(rule) FROM findings WHERE county_code = 'x' \
         AND resolved_on IS NULL GROUP BY rule"
            .into(),
    )
    .await;
    assert!(areas.contains("COVERING INDEX ix_findings_rule"), "{areas}");
}
