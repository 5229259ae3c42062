//! The inspections list's total read from the counts the database keeps (m0020) is the
//! count of the inspections the list selects, for every scope, status, project and
//! contractor view, through every kind of write. Both backends.

use jianguan_store::entity::inspection;
use jianguan_store::queries::{Scope, inspection_total};
use jianguan_store::{execute_raw, scoped};
use jianguan_testkit::{World, backends};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};

async fn totals_agree(conn: &impl ConnectionTrait, w: &World, label: &str) {
    let scopes = [
        Scope::county(&w.county_x),
        Scope::county(&w.county_y),
        Scope::everything(),
        Scope {
            county: Some(w.county_x.clone()),
            enterprise: Some(w.enterprise_a.clone()),
        },
        Scope {
            county: Some(w.county_x.clone()),
            enterprise: Some(w.enterprise_b.clone()),
        },
    ];
    let mut nonzero = 0;
    for scope in &scopes {
        for contractor in [false, true] {
            for status in [None, Some("planned"), Some("recorded"), Some("finalised")] {
                for project in [None, Some(&w.project_a), Some(&w.project_y)] {
                    let mut q = scoped::find::<inspection::Entity>(scope);
                    if let Some(s) = status {
                        q = q.filter(inspection::Column::Status.eq(s));
                    }
                    if let Some(p) = project {
                        q = q.filter(inspection::Column::ProjectId.eq(p.as_str()));
                    }
                    if contractor {
                        q = q.filter(
                            Condition::any()
                                .add(inspection::Column::Announced.eq(true))
                                .add(inspection::Column::Status.ne("planned")),
                        );
                    }
                    let counted = q.count(conn).await.unwrap();
                    let kept = inspection_total(
                        conn,
                        scope,
                        status,
                        project.map(String::as_str),
                        contractor,
                    )
                    .await
                    .unwrap();
                    assert_eq!(
                        kept, counted,
                        "{label}: {scope:?} contractor {contractor} {status:?} {project:?}"
                    );
                    nonzero += usize::from(counted > 0);
                }
            }
        }
    }
    assert!(
        nonzero > 20,
        "{label}: the seeded world has inspections to count"
    );
}

#[tokio::test]
async fn the_kept_inspection_totals_follow_every_write() {
    for b in backends() {
        let t = jianguan_testkit::seeded(b).await;
        let (w, db) = (&t.world, t.app.store.reader());
        totals_agree(db, w, &format!("{b:?} as seeded")).await;

        // Writes of every kind, in plain SQL: the counts are the database's to keep.
        let rows = inspection::Entity::find()
            .filter(inspection::Column::CountyCode.eq(w.county_x.as_str()))
            .filter(inspection::Column::VoidedAt.is_null())
            .order_by_asc(inspection::Column::Id)
            .all(db)
            .await
            .unwrap();
        let planned: Vec<&inspection::Model> =
            rows.iter().filter(|r| r.status == "planned").collect();
        let done: Vec<&inspection::Model> = rows.iter().filter(|r| r.status != "planned").collect();
        assert!(!planned.is_empty() && done.len() > 4, "{b:?}");
        let c = t.app.store.housekeeping();
        let sql = |s: String| async move { execute_raw(c, &s).await.unwrap() };
        sql(format!(
            "UPDATE inspections SET voided_at = updated_at WHERE id = '{}'",
            done[0].id
        ))
        .await;
        sql(format!(
            "UPDATE inspections SET status = 'finalised' WHERE id = '{}'",
            done[1].id
        ))
        .await;
        sql(format!(
            "UPDATE inspections SET project_id = '{}' WHERE id = '{}'",
            w.project_a, done[2].id
        ))
        .await;
        sql(format!(
            "DELETE FROM inspections WHERE id = '{}'",
            done[3].id
        ))
        .await;
        // An unannounced planned visit announced, then done.
        let p = planned[0];
        let announced = if b == jianguan_testkit::Backend::Postgres {
            "NOT announced"
        } else {
            "1 - announced"
        };
        sql(format!(
            "UPDATE inspections SET announced = {announced} WHERE id = '{}'",
            p.id
        ))
        .await;
        sql(format!(
            "UPDATE inspections SET status = 'recorded' WHERE id = '{}'",
            p.id
        ))
        .await;
        // A new one, and one brought back from void.
        let mut new = done[4].clone();
        new.id = format!("{}-again", new.id);
        new.status = "planned".into();
        new.announced = false;
        inspection::ActiveModel::from(new)
            .reset_all()
            .insert(c)
            .await
            .unwrap();
        sql(format!(
            "UPDATE inspections SET voided_at = NULL WHERE id = '{}'",
            done[0].id
        ))
        .await;
        totals_agree(db, w, &format!("{b:?} after writes")).await;

        // An upgraded database counts the inspections it already holds.
        sql("DROP TABLE inspection_counts".into()).await;
        let drop_trigger = if b == jianguan_testkit::Backend::Postgres {
            vec!["DROP FUNCTION inspection_count() CASCADE"]
        } else {
            vec![
                "DROP TRIGGER inspections_count_insert",
                "DROP TRIGGER inspections_count_delete",
                "DROP TRIGGER inspections_count_update",
            ]
        };
        for s in drop_trigger {
            sql(s.into()).await;
        }
        sql("DELETE FROM seaql_migrations WHERE version = 'm0020_inspection_counts'".into()).await;
        let upgraded = t.db.store().await;
        totals_agree(upgraded.reader(), w, &format!("{b:?} upgraded")).await;
        upgraded.close().await;
    }
}
