//! The one scoped lookup: a record of enterprise B is not there for enterprise A's
//! contractor (whether the record names the enterprise or only its project), nor for
//! another county, and a voided record is not there for anyone except in a list that asks
//! for voided ones.

use jianguan_store::entity::*;
use jianguan_store::sea::{ColumnTrait, QueryFilter};
use jianguan_store::{Scope, execute_raw, scoped};
use jianguan_testkit::{World, backends, seeded};

fn contractor(w: &World, enterprise: &str) -> Scope {
    Scope {
        county: Some(w.county_x.clone()),
        enterprise: Some(enterprise.to_string()),
    }
}

/// Whether `id` of entity `E` is there for each scope: enterprise B's contractor, A's
/// contractor, county X's staff, county Y's staff.
async fn seen<E>(conn: &impl sea_orm::ConnectionTrait, w: &World, id: &str) -> [bool; 4]
where
    E: scoped::InScope,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<String>,
{
    let scopes = [
        contractor(w, &w.enterprise_b),
        contractor(w, &w.enterprise_a),
        Scope::county(&w.county_x),
        Scope::county(&w.county_y),
    ];
    let mut out = [false; 4];
    for (i, s) in scopes.iter().enumerate() {
        out[i] = scoped::one::<E>(conn, s, id).await.unwrap().is_some();
    }
    out
}

#[tokio::test]
async fn a_record_is_there_only_for_its_enterprise_and_county() {
    for backend in backends() {
        let t = seeded(backend).await;
        let w = &t.world;
        let db = t.app.store.reader();
        let expect = [true, false, true, false];
        // Records naming the enterprise.
        assert_eq!(seen::<project::Entity>(db, w, &w.project_b).await, expect);
        assert_eq!(
            seen::<rectification_order::Entity>(db, w, &w.order_b).await,
            expect
        );
        assert_eq!(seen::<licence::Entity>(db, w, &w.licence_b).await, expect);
        assert_eq!(seen::<photo::Entity>(db, w, &w.photo_b).await, expect);
        assert_eq!(
            seen::<submission_review::Entity>(db, w, &w.review_b).await,
            expect
        );
        assert_eq!(seen::<sanction::Entity>(db, w, &w.sanction_b).await, expect);
        // Records reaching the enterprise only through their project.
        assert_eq!(
            seen::<inspection::Entity>(db, w, &w.inspection_b).await,
            expect
        );
        assert_eq!(seen::<incident::Entity>(db, w, &w.incident_b).await, expect);
        assert_eq!(
            seen::<progress_report::Entity>(db, w, &w.report_b).await,
            expect
        );
        assert_eq!(
            seen::<training_class::Entity>(db, w, &w.class_b).await,
            expect
        );
        // County Y's record: only county Y and the whole deployment.
        assert_eq!(
            seen::<inspection::Entity>(db, w, &w.inspection_y).await,
            [false, false, false, true]
        );
        assert!(
            scoped::one::<inspection::Entity>(db, &Scope::everything(), &w.inspection_y)
                .await
                .unwrap()
                .is_some()
        );

        // A list in A's scope holds only A's projects' inspections.
        let a_projects: Vec<String> =
            scoped::find::<project::Entity>(&contractor(w, &w.enterprise_a))
                .all(db)
                .await
                .unwrap()
                .into_iter()
                .map(|p| p.id)
                .collect();
        let listed = scoped::find::<inspection::Entity>(&contractor(w, &w.enterprise_a))
            .all(db)
            .await
            .unwrap();
        assert!(!listed.is_empty());
        assert!(listed.iter().all(|i| a_projects.contains(&i.project_id)));
        assert!(listed.iter().all(|i| i.id != w.inspection_b));

        // Voided: gone from `one` and `find`, still in `find_with_voided`.
        execute_raw(
            t.app.store.housekeeping(),
            &format!(
                "UPDATE inspections SET voided_at = created_at WHERE id = '{}'",
                w.inspection_b
            ),
        )
        .await
        .unwrap();
        let x = Scope::county(&w.county_x);
        assert!(
            scoped::one::<inspection::Entity>(db, &x, &w.inspection_b)
                .await
                .unwrap()
                .is_none()
        );
        let by_id = |q: sea_orm::Select<inspection::Entity>| {
            q.filter(inspection::Column::Id.eq(w.inspection_b.as_str()))
        };
        assert!(by_id(scoped::find(&x)).one(db).await.unwrap().is_none());
        assert!(
            by_id(scoped::find_with_voided(&x))
                .one(db)
                .await
                .unwrap()
                .is_some()
        );
    }
}
