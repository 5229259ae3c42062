//! One county's facts for the rule engine, loaded in bulk: one query per table, voided
//! records left out. JSON columns are parsed here; a row that does not parse is reported
//! rather than silently skipped.

use crate::StoreError;
use crate::entity::*;
use jianguan_domain::System;
use jianguan_domain::rules::facts::{self as f, Facts};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::de::DeserializeOwned;
use std::collections::HashMap;

fn json<T: DeserializeOwned>(
    table: &str,
    id: &str,
    column: &str,
    text: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Corrupt(format!("{table}.{column} of {id}: {e}")))
}

macro_rules! live {
    ($conn:expr, $module:ident, $counties:expr) => {
        $module::Entity::find()
            .filter($module::Column::CountyCode.is_in($counties.iter().map(String::as_str)))
            .filter($module::Column::VoidedAt.is_null())
            .order_by_asc($module::Column::Id)
            .all($conn)
            .await?
    };
}

/// One county's facts. With `tally`, the inspections the rules only count arrive counted
/// (see [`f::Tally`]); the facts are then good for evaluation on `tally.as_of` only.
pub async fn load(
    conn: &impl ConnectionTrait,
    county: &str,
    tally: Option<f::Tally>,
) -> Result<Facts, StoreError> {
    let mut all = load_many(conn, &[county.to_string()], tally).await?;
    Ok(all.remove(county).unwrap_or_default())
}

/// The facts of a row's county, without allocating for counties already seen.
fn at<'a>(by_county: &'a mut HashMap<String, Facts>, county: &str) -> &'a mut Facts {
    if !by_county.contains_key(county) {
        by_county.insert(county.to_string(), Facts::default());
    }
    // Inserted just above when missing: always present.
    by_county.get_mut(county).expect("county entry exists")
}

/// Several counties at once: one query per table for all of them, not one per county.
pub async fn load_many(
    conn: &impl ConnectionTrait,
    counties: &[String],
    tally: Option<f::Tally>,
) -> Result<HashMap<String, Facts>, StoreError> {
    let mut by_county: HashMap<String, Facts> = counties
        .iter()
        .map(|c| (c.clone(), Facts::default()))
        .collect();
    for p in live!(conn, project, counties) {
        let system = System::parse(&p.system)
            .ok_or_else(|| StoreError::Corrupt(format!("projects.system of {}", p.id)))?;
        at(&mut by_county, &p.county_code)
            .projects
            .push(f::ProjectFacts {
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
            });
    }
    for e in live!(conn, enterprise, counties) {
        at(&mut by_county, &e.county_code)
            .enterprises
            .push(f::EnterpriseFacts {
                id: e.id,
                name: e.name,
                handles_food: e.handles_food,
            });
    }
    for v in live!(conn, progress_plan, counties) {
        if v.status == "approved" {
            at(&mut by_county, &v.county_code)
                .plans
                .push(f::PlanVersion {
                    milestones: json("progress_plans", &v.id, "milestones", &v.milestones)?,
                    project_id: v.project_id,
                    effective_from: v.effective_from,
                });
        }
    }
    for r in live!(conn, progress_report, counties) {
        at(&mut by_county, &r.county_code)
            .progress_reports
            .push(f::ProgressReport {
                id: r.id,
                project_id: r.project_id,
                month: r.month,
                report_date: r.report_date,
                submitted_on: r.submitted_on,
                cumulative_percent: r.cumulative_percent,
            });
    }
    load_inspections(conn, counties, tally, &mut by_county).await?;
    for c in live!(conn, training_class, counties) {
        at(&mut by_county, &c.county_code)
            .training_classes
            .push(f::TrainingClass {
                id: c.id,
                project_id: c.project_id,
                name: c.name,
                first_day: c.first_day,
                last_day: c.last_day,
            });
    }
    for b in live!(conn, disbursement, counties) {
        at(&mut by_county, &b.county_code)
            .disbursements
            .push(f::Disbursement {
                id: b.id,
                project_id: b.project_id,
                date: b.date,
                amount_fen: b.amount_fen,
                batch: b.batch,
            });
    }
    for c in live!(conn, subsidy_claim, counties) {
        at(&mut by_county, &c.county_code)
            .subsidy_claims
            .push(f::SubsidyClaim {
                invoices: json("subsidy_claims", &c.id, "invoices", &c.invoices)?,
                id: c.id,
                project_id: c.project_id,
                submitted_on: c.submitted_on,
                amount_fen: c.amount_fen,
            });
    }
    for r in live!(conn, data_report, counties) {
        at(&mut by_county, &r.county_code)
            .data_reports
            .push(f::DataReport {
                figures: json("data_reports", &r.id, "figures", &r.figures)?,
                id: r.id,
                enterprise_id: r.enterprise_id,
                month: r.month,
                submitted_on: r.submitted_on,
            });
    }
    for l in live!(conn, licence, counties) {
        at(&mut by_county, &l.county_code)
            .licences
            .push(f::Licence {
                id: l.id,
                enterprise_id: l.enterprise_id,
                kind: l.kind,
                number: l.number,
                valid_from: l.valid_from,
                valid_to: l.valid_to,
            });
    }
    for o in live!(conn, rectification_order, counties) {
        at(&mut by_county, &o.county_code)
            .rectification_orders
            .push(f::RectificationOrder {
                state: json(
                    "rectification_orders",
                    &o.id,
                    "state",
                    &format!("\"{}\"", o.state),
                )?,
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
    for r in live!(conn, fund_recovery, counties) {
        at(&mut by_county, &r.county_code)
            .fund_recoveries
            .push(f::FundRecovery {
                repayments: json("fund_recoveries", &r.id, "repayments", &r.repayments)?,
                id: r.id,
                project_id: r.project_id,
                enterprise_id: r.enterprise_id,
                decided_on: r.decided_on,
                amount_fen: r.amount_fen,
                deadline: r.deadline,
            });
    }
    for i in live!(conn, incident, counties) {
        at(&mut by_county, &i.county_code)
            .incidents
            .push(f::Incident {
                id: i.id,
                project_id: i.project_id,
                date: i.date,
                summary: i.summary,
                accountability_decided_on: i.accountability_decided_on,
            });
    }
    for e in live!(conn, performance_evaluation, counties) {
        at(&mut by_county, &e.county_code)
            .evaluations
            .push(f::PerformanceEvaluation {
                id: e.id,
                project_id: e.project_id,
                date: e.date,
            });
    }
    for m in live!(conn, market_finding, counties) {
        at(&mut by_county, &m.county_code)
            .market_findings
            .push(f::MarketFinding {
                category: json(
                    "market_findings",
                    &m.id,
                    "category",
                    &format!("\"{}\"", m.category),
                )?,
                id: m.id,
                enterprise_id: m.enterprise_id,
                project_id: m.project_id,
                raised_on: m.raised_on,
                closed_on: m.closed_on,
            });
    }
    for a in live!(conn, asset, counties) {
        at(&mut by_county, &a.county_code).assets.push(f::Asset {
            id: a.id,
            enterprise_id: a.enterprise_id,
            project_id: a.project_id,
            name: a.name,
            tag: a.tag,
            purchase_date: a.purchase_date,
            central_funds: a.central_funds,
            disposed_on: a.disposed_on,
        });
    }
    for c in live!(conn, inventory_count, counties) {
        at(&mut by_county, &c.county_code)
            .inventory_counts
            .push(f::InventoryCount {
                items: json("inventory_counts", &c.id, "items", &c.items)?,
                id: c.id,
                enterprise_id: c.enterprise_id,
                date: c.date,
            });
    }
    for t in live!(conn, tipoff, counties) {
        at(&mut by_county, &t.county_code).tipoffs.push(f::TipOff {
            id: t.id,
            received_on: t.received_on,
            summary: t.summary,
            replied_on: t.replied_on,
        });
    }
    Ok(by_county)
}

/// The tables [`load`] reads.
pub const FACT_TABLES: [&str; 18] = [
    "projects",
    "enterprises",
    "progress_plans",
    "progress_reports",
    "inspections",
    "training_classes",
    "disbursements",
    "subsidy_claims",
    "data_reports",
    "licences",
    "rectification_orders",
    "fund_recoveries",
    "incidents",
    "performance_evaluations",
    "market_findings",
    "assets",
    "inventory_counts",
    "tipoffs",
];

/// The cheapest SQL that still reads the rows [`load`] reads: one
/// `count(*), min(created_at), max(created_at)` per table. The benchmark compares the
/// docket's cost with this floor. Returns the number of rows seen.
pub async fn scan(conn: &impl ConnectionTrait, county: Option<&str>) -> Result<u64, StoreError> {
    use sea_orm::Statement;
    let backend = conn.get_database_backend();
    let mut rows = 0u64;
    for t in FACT_TABLES {
        let stmt = match county {
            Some(c) => Statement::from_sql_and_values(
                backend,
                match backend {
                    sea_orm::DatabaseBackend::Postgres => {
                        format!(
                            "SELECT count(*) AS n, min(created_at) AS a, max(created_at) AS b FROM {t} WHERE county_code = $1"
                        )
                    }
                    _ => format!(
                        "SELECT count(*) AS n, min(created_at) AS a, max(created_at) AS b FROM {t} WHERE county_code = ?"
                    ),
                },
                [c.into()],
            ),
            None => Statement::from_string(
                backend,
                format!(
                    "SELECT count(*) AS n, min(created_at) AS a, max(created_at) AS b FROM {t}"
                ),
            ),
        };
        if let Some(row) = conn.query_one_raw(stmt).await? {
            rows += row.try_get::<i64>("", "n").unwrap_or(0) as u64;
        }
    }
    Ok(rows)
}

/// One inspection as the database packs it: id, kinds (JSON text), date, status, training
/// class, disbursement, has minutes, photo count.
type PackedInspection = (
    String,
    String,
    chrono::NaiveDate,
    String,
    Option<String>,
    Option<String>,
    serde_json::Value,
    i64,
);

/// Inspections are by far the most numerous rows. Moving them one by one out of the
/// database costs far more than evaluating them, so the database counts those the rules
/// only count (with `tally`), and packs each project's remaining inspections into one JSON
/// array (only the columns the rules use) that crosses as one row per project.
async fn load_inspections(
    conn: &impl ConnectionTrait,
    counties: &[String],
    tally: Option<f::Tally>,
    by_county: &mut HashMap<String, Facts>,
) -> Result<(), StoreError> {
    use sea_orm::{DatabaseBackend, Statement, Value as V};
    if counties.is_empty() {
        return Ok(());
    }
    let backend = conn.get_database_backend();
    let pg = backend == DatabaseBackend::Postgres;
    let param = |i: usize| if pg { format!("${i}") } else { "?".to_string() };
    let placeholders = (1..=counties.len())
        .map(param)
        .collect::<Vec<_>>()
        .join(", ");
    let mut values: Vec<V> = counties.iter().map(|c| V::from(c.as_str())).collect();
    let has_minutes = if pg {
        "(minutes IS NOT NULL AND btrim(minutes) <> '')"
    } else {
        "(minutes IS NOT NULL AND trim(minutes) <> '')"
    };
    // Mirrors `Tally::countable`; every column in it is NOT NULL, so NOT(...) is its complement.
    let countable = tally.map(|t| {
        values.push(V::from(t.as_of));
        values.push(V::from(i64::from(t.min_photos)));
        let (a, b) = (param(counties.len() + 1), param(counties.len() + 2));
        format!(
            "(status <> 'planned' AND date <= {a} AND {has_minutes} AND photo_count >= {b} \
             AND training_class_id IS NULL AND kinds NOT LIKE '%\"funds\"%')"
        )
    });
    let base =
        format!("FROM inspections WHERE county_code IN ({placeholders}) AND voided_at IS NULL");
    let packed = if pg {
        format!(
            "json_agg(json_build_array(id, kinds, to_char(date, 'YYYY-MM-DD'), status, training_class_id, disbursement_id, \
             {has_minutes}, photo_count) ORDER BY id)::text"
        )
    } else {
        format!(
            "json_group_array(json_array(id, kinds, date, status, training_class_id, disbursement_id, {has_minutes}, photo_count))"
        )
    };
    let listed_only = countable
        .as_ref()
        .map(|c| format!(" AND NOT {c}"))
        .unwrap_or_default();
    let sql = format!(
        "SELECT county_code, project_id, {packed} AS packed {base}{listed_only} \
         GROUP BY county_code, project_id ORDER BY county_code, project_id"
    );
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values.clone()))
        .await?;
    for row in rows {
        let county: String = row.try_get("", "county_code")?;
        let project_id: String = row.try_get("", "project_id")?;
        let packed: String = row.try_get("", "packed")?;
        let items: Vec<PackedInspection> = json("inspections", &project_id, "packed", &packed)?;
        let facts = at(by_county, &county);
        for (id, kinds, date, status, training_class_id, disbursement_id, minutes, photo_count) in
            items
        {
            facts.inspections.push(f::Inspection {
                kinds: json("inspections", &id, "kinds", &kinds)?,
                done: status != "planned",
                // SQLite answers 0/1, PostgreSQL true/false.
                has_minutes: minutes
                    .as_bool()
                    .unwrap_or_else(|| minutes.as_i64() == Some(1)),
                photo_count: u32::try_from(photo_count).unwrap_or(0),
                id,
                project_id: project_id.clone(),
                date,
                training_class_id,
                disbursement_id,
            });
        }
    }
    // Per project in id order; make the whole list independent of grouping order too.
    for facts in by_county.values_mut() {
        facts.inspections.sort_by(|a, b| a.id.cmp(&b.id));
    }
    let Some(countable) = countable else {
        return Ok(());
    };
    let month = if pg {
        "to_char(date, 'YYYY-MM-01')"
    } else {
        "substr(date, 1, 8) || '01'"
    };
    let sql = format!(
        "SELECT county_code, project_id, {month} AS month, kinds, count(*) AS n {base} AND {countable} \
         GROUP BY county_code, project_id, {month}, kinds"
    );
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    for row in rows {
        let county: String = row.try_get("", "county_code")?;
        let project_id: String = row.try_get("", "project_id")?;
        let month: String = row.try_get("", "month")?;
        let kinds: String = row.try_get("", "kinds")?;
        let n: i64 = row.try_get("", "n")?;
        let month = chrono::NaiveDate::parse_from_str(&month, "%Y-%m-%d").map_err(|e| {
            StoreError::Corrupt(format!("inspections.date of project {project_id}: {e}"))
        })?;
        at(by_county, &county)
            .inspection_tallies
            .push(f::InspectionTally {
                kinds: json("inspections", &project_id, "kinds", &kinds)?,
                project_id,
                month,
                count: u32::try_from(n).unwrap_or(u32::MAX),
            });
    }
    for facts in by_county.values_mut() {
        facts.inspection_tallies.sort();
    }
    Ok(())
}
