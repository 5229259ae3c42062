//! Loading the facts for the rule engine: the packed loading gives exactly what reading
//! each table row by row gives, and the inspection counts the database keeps stay equal
//! to the domain's reference counting through every kind of write. Both backends.

use chrono::{Datelike, Days, NaiveDate};
use jianguan_domain::System;
use jianguan_domain::rules::facts::{self as f, Facts, Tally};
use jianguan_store::entity::*;
use jianguan_store::execute_raw;
use jianguan_testkit::backends;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

const COUNTY: &str = "141122";

fn json<T: serde::de::DeserializeOwned>(text: &str) -> T {
    serde_json::from_str(text).unwrap()
}

macro_rules! live {
    ($conn:expr, $module:ident, $county:expr) => {
        $module::Entity::find()
            .filter($module::Column::CountyCode.eq($county))
            .filter($module::Column::VoidedAt.is_null())
            .order_by_asc($module::Column::Id)
            .all($conn)
            .await
            .unwrap()
    };
}

/// The reference: every fact table but inspections read through the entities, one row at
/// a time, as the loader did before it packed rows.
async fn one_by_one(conn: &impl ConnectionTrait, county: &str) -> Facts {
    let mut facts = Facts::default();
    for p in live!(conn, project, county) {
        let system = System::parse(&p.system).unwrap();
        facts.projects.push(f::ProjectFacts {
            marked_operating: matches!(p.status.as_str(), "operating" | "deferred_acceptance"),
            disqualified: p.status == "disqualified",
            id: p.id,
            name: p.name,
            enterprise_id: p.enterprise_id,
            system,
            construction_start: p.construction_start,
            construction_end: p.construction_end,
            operation_start: p.operation_start,
            closed_on: p.closed_on,
            central_funds_fen: p.central_funds_fen,
            service_period_end: p.service_period_end,
        });
    }
    for e in live!(conn, enterprise, county) {
        facts.enterprises.push(f::EnterpriseFacts {
            id: e.id,
            name: e.name,
            handles_food: e.handles_food,
        });
    }
    for v in live!(conn, progress_plan, county) {
        if v.status == "approved" {
            facts.plans.push(f::PlanVersion {
                milestones: json(&v.milestones),
                project_id: v.project_id,
                effective_from: v.effective_from,
            });
        }
    }
    for r in live!(conn, progress_report, county) {
        facts.progress_reports.push(f::ProgressReport {
            id: r.id,
            project_id: r.project_id,
            month: r.month,
            report_date: r.report_date,
            submitted_on: r.submitted_on,
            cumulative_percent: r.cumulative_percent,
        });
    }
    for c in live!(conn, training_class, county) {
        facts.training_classes.push(f::TrainingClass {
            id: c.id,
            project_id: c.project_id,
            name: c.name,
            first_day: c.first_day,
            last_day: c.last_day,
        });
    }
    for b in live!(conn, disbursement, county) {
        facts.disbursements.push(f::Disbursement {
            confirmed: b.confirmed(),
            id: b.id,
            project_id: b.project_id,
            date: b.date,
            amount_fen: b.amount_fen,
            batch: b.batch,
        });
    }
    for c in live!(conn, subsidy_claim, county) {
        facts.subsidy_claims.push(f::SubsidyClaim {
            invoices: json(&c.invoices),
            id: c.id,
            project_id: c.project_id,
            submitted_on: c.submitted_on,
            amount_fen: c.amount_fen,
            approved_fen: c.approved_fen,
            approved_on: c.approved_on,
        });
    }
    for d in live!(conn, duplicate_decision, county) {
        facts.duplicate_decisions.push(f::PairDecision {
            claim_a: d.claim_a,
            claim_b: d.claim_b,
            confirmed: d.confirmed,
            fingerprint: d.fingerprint,
        });
    }
    for r in live!(conn, data_report, county) {
        facts.data_reports.push(f::DataReport {
            figures: json(&r.figures),
            id: r.id,
            enterprise_id: r.enterprise_id,
            month: r.month,
            submitted_on: r.submitted_on,
        });
    }
    for l in live!(conn, licence, county) {
        facts.licences.push(f::Licence {
            id: l.id,
            enterprise_id: l.enterprise_id,
            kind: l.kind,
            number: l.number,
            valid_from: l.valid_from,
            valid_to: l.valid_to,
        });
    }
    for o in live!(conn, rectification_order, county) {
        facts.rectification_orders.push(f::RectificationOrder {
            state: json(&format!("\"{}\"", o.state)),
            id: o.id,
            project_id: o.project_id,
            enterprise_id: o.enterprise_id,
            title: o.title,
            issued_on: o.issued_on,
            deadline: o.deadline,
            accepted_on: o.accepted_on,
            progress_notice: o.progress_notice,
        });
    }
    for r in live!(conn, fund_recovery, county) {
        facts.fund_recoveries.push(f::FundRecovery {
            repayments: json(&r.repayments),
            id: r.id,
            project_id: r.project_id,
            enterprise_id: r.enterprise_id,
            decided_on: r.decided_on,
            amount_fen: r.amount_fen,
            deadline: r.deadline,
        });
    }
    for i in live!(conn, incident, county) {
        facts.incidents.push(f::Incident {
            id: i.id,
            project_id: i.project_id,
            date: i.date,
            summary: i.summary,
            accountability_decided_on: i.accountability_decided_on,
        });
    }
    for e in live!(conn, performance_evaluation, county) {
        facts.evaluations.push(f::PerformanceEvaluation {
            id: e.id,
            project_id: e.project_id,
            date: e.date,
        });
    }
    for m in live!(conn, market_finding, county) {
        facts.market_findings.push(f::MarketFinding {
            category: json(&format!("\"{}\"", m.category)),
            id: m.id,
            enterprise_id: m.enterprise_id,
            project_id: m.project_id,
            raised_on: m.raised_on,
            closed_on: m.closed_on,
        });
    }
    for a in live!(conn, asset, county) {
        facts.assets.push(f::Asset {
            id: a.id,
            enterprise_id: a.enterprise_id,
            project_id: a.project_id,
            name: a.name,
            tag: a.tag,
            purchase_date: a.purchase_date,
            central_funds: a.central_funds,
            disposed_on: a.disposed_on,
            handed_over_on: a.handed_over_on,
            renewed_until: a.renewed_until,
        });
    }
    // A count still being scanned has found nothing yet.
    for c in live!(conn, inventory_count, county)
        .into_iter()
        .filter(|c| !c.is_open())
    {
        facts.inventory_counts.push(f::InventoryCount {
            items: json(&c.items),
            id: c.id,
            enterprise_id: c.enterprise_id,
            date: c.date,
        });
    }
    for t in live!(conn, tipoff, county) {
        facts.tipoffs.push(f::TipOff {
            id: t.id,
            received_on: t.received_on,
            summary: t.summary,
            replied_on: t.replied_on,
        });
    }
    facts
}

#[tokio::test]
async fn every_table_loads_packed_as_it_reads_row_by_row() {
    for b in backends() {
        let t = jianguan_testkit::seeded(b).await;
        let db = t.app.store.reader();
        let packed = jianguan_store::facts::load(db, COUNTY, None).await.unwrap();
        let mut rows = one_by_one(db, COUNTY).await;
        rows.plans.sort_by(|a, b| {
            (&a.project_id, a.effective_from).cmp(&(&b.project_id, b.effective_from))
        });
        // Inspections have their own comparison in the contract tests.
        let without_inspections = Facts {
            inspections: vec![],
            ..packed.clone()
        };
        assert_eq!(without_inspections, rows, "{b:?}");
        // The demo has something in every table the rules read, so each was compared.
        for (table, n) in [
            ("projects", rows.projects.len()),
            ("enterprises", rows.enterprises.len()),
            ("plans", rows.plans.len()),
            ("progress reports", rows.progress_reports.len()),
            ("training classes", rows.training_classes.len()),
            ("disbursements", rows.disbursements.len()),
            ("subsidy claims", rows.subsidy_claims.len()),
            ("data reports", rows.data_reports.len()),
            ("licences", rows.licences.len()),
            ("rectification orders", rows.rectification_orders.len()),
            ("fund recoveries", rows.fund_recoveries.len()),
            ("incidents", rows.incidents.len()),
            ("evaluations", rows.evaluations.len()),
            ("market findings", rows.market_findings.len()),
            ("assets", rows.assets.len()),
            ("inventory counts", rows.inventory_counts.len()),
            ("tip-offs", rows.tipoffs.len()),
        ] {
            assert!(n > 0, "{b:?}: the demo has {table}");
        }
        assert!(
            rows.enterprises.iter().any(|e| e.handles_food)
                && rows.enterprises.iter().any(|e| !e.handles_food),
            "{b:?}: flags both ways"
        );
    }
}

/// What the maintained counts must give: the domain's reference applied to every
/// inspection listed.
async fn check_counts(conn: &impl ConnectionTrait, tally: Tally, label: &str) {
    let mut reference = jianguan_store::facts::load(conn, COUNTY, None)
        .await
        .unwrap();
    tally.apply(&mut reference);
    let counted = jianguan_store::facts::load(conn, COUNTY, Some(tally))
        .await
        .unwrap();
    assert_eq!(
        counted.inspection_tallies, reference.inspection_tallies,
        "{label}: counts"
    );
    assert_eq!(
        counted.inspections, reference.inspections,
        "{label}: listed"
    );
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap()
}

#[tokio::test]
async fn kept_counts_follow_every_write() {
    for b in backends() {
        let t = jianguan_testkit::seeded(b).await;
        let store = &t.app.store;
        let db = store.reader();
        let today = t.app.today();
        let dates = [
            today,
            today - Days::new(45),
            first_of_month(today),
            first_of_month(today) - Days::new(1),
            today - Days::new(400),
        ];
        let min_photos = t.app.profile.thresholds.evidence_min_photos;
        assert_eq!(
            jianguan_store::facts::tally_basis(db).await.unwrap(),
            Some(1),
            "{b:?}"
        );
        assert_eq!(min_photos, 1, "the default profile asks for one photo");
        let check_all = |label: &'static str| async move {
            for as_of in dates {
                check_counts(
                    db,
                    Tally {
                        as_of,
                        min_photos: 1,
                    },
                    &format!("{b:?} {label} {as_of}"),
                )
                .await;
            }
        };
        check_all("as seeded").await;

        // Writes of every kind, in plain SQL as much as through the entities: the counts
        // are the database's to keep.
        let rows = inspection::Entity::find()
            .filter(inspection::Column::CountyCode.eq(COUNTY))
            .filter(inspection::Column::Status.ne("planned"))
            .filter(inspection::Column::PhotoCount.gte(1))
            .order_by_asc(inspection::Column::Id)
            .all(db)
            .await
            .unwrap();
        let countable: Vec<&inspection::Model> = rows
            .iter()
            .filter(|r| {
                r.training_class_id.is_none()
                    && !r.kinds.contains("funds")
                    && r.minutes.as_deref().is_some_and(|m| !m.trim().is_empty())
                    && r.voided_at.is_none()
            })
            .collect();
        assert!(
            countable.len() > 8,
            "{b:?}: the demo has counted inspections"
        );
        let w = store.housekeeping();
        let sql = |s: String| async move { execute_raw(w, &s).await.unwrap() };
        sql(format!(
            "UPDATE inspections SET voided_at = updated_at WHERE id = '{}'",
            countable[0].id
        ))
        .await;
        sql(format!(
            "UPDATE inspections SET photo_count = 0 WHERE id = '{}'",
            countable[1].id
        ))
        .await;
        sql(format!(
            "UPDATE inspections SET minutes = '  ' WHERE id = '{}'",
            countable[2].id
        ))
        .await;
        sql(format!(
            "UPDATE inspections SET kinds = '[\"construction\",\"operations\",\"ad_hoc\"]' WHERE id = '{}'",
            countable[3].id
        ))
        .await;
        sql(format!(
            "UPDATE inspections SET date = '{}' WHERE id = '{}'",
            today - Days::new(200),
            countable[4].id
        ))
        .await;
        sql(format!(
            "UPDATE inspections SET status = 'planned' WHERE id = '{}'",
            countable[5].id
        ))
        .await;
        sql(format!(
            "UPDATE inspections SET kinds = '[\"construction\",\"funds\"]' WHERE id = '{}'",
            countable[6].id
        ))
        .await;
        sql(format!(
            "DELETE FROM inspections WHERE id = '{}'",
            countable[7].id
        ))
        .await;
        // Recorded later in the month under way, dated after some of the dates checked:
        // that month must then be counted afresh, not taken from the kept count.
        let mut later = countable[8].clone();
        later.id = format!("{}-later", later.id);
        later.date = today.min(first_of_month(today) + Days::new(20));
        let ahead = later.date > first_of_month(today);
        inspection::ActiveModel::from(later)
            .reset_all()
            .insert(w)
            .await
            .unwrap();
        // And one brought back from void.
        sql(format!(
            "UPDATE inspections SET voided_at = NULL WHERE id = '{}'",
            countable[0].id
        ))
        .await;
        check_all("after writes").await;
        if ahead {
            check_counts(
                db,
                Tally {
                    as_of: first_of_month(today),
                    min_photos: 1,
                },
                "month start",
            )
            .await;
        }

        // A profile asking for more photos: loading counts by itself until the kept
        // counts are recounted, and both agree with the reference.
        check_counts(
            db,
            Tally {
                as_of: today,
                min_photos: 2,
            },
            &format!("{b:?} not yet recounted"),
        )
        .await;
        assert!(
            jianguan_store::facts::align_tallies(w, 2).await.unwrap(),
            "{b:?}"
        );
        assert!(
            !jianguan_store::facts::align_tallies(w, 2).await.unwrap(),
            "{b:?}: once"
        );
        assert_eq!(
            jianguan_store::facts::tally_basis(db).await.unwrap(),
            Some(2)
        );
        for as_of in dates {
            check_counts(
                db,
                Tally {
                    as_of,
                    min_photos: 2,
                },
                &format!("{b:?} two photos {as_of}"),
            )
            .await;
        }
        sql(format!(
            "UPDATE inspections SET photo_count = 1 WHERE id = '{}'",
            countable[9].id
        ))
        .await;
        check_counts(
            db,
            Tally {
                as_of: today,
                min_photos: 2,
            },
            &format!("{b:?} one photo fewer"),
        )
        .await;
    }
}
