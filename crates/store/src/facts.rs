//! One county's facts for the rule engine, loaded in bulk: one query per table, voided
//! records left out, each county's rows packed into one JSON array by the database. A
//! row that does not parse is reported rather than silently skipped.

use crate::StoreError;
use jianguan_domain::rules::facts::{self as f, Facts};
use sea_orm::{ConnectionTrait, Value};
use serde::de::DeserializeOwned;
use std::collections::HashMap;

mod elsewhere;
mod inspections;
pub mod invoice_keys;
pub(crate) mod packed;

pub use inspections::{align_tallies, tally_basis};
use packed::Dialect;

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

/// The live rows of `table` in `counties` that meet `condition` (SQL starting with AND),
/// as `T`s, one packed array per county, in no particular order. `columns` follow the fields of `T`
/// in order: the facts structs read from arrays.
async fn live<T: DeserializeOwned>(
    conn: &impl ConnectionTrait,
    counties: &[String],
    table: &str,
    columns: &[&str],
    condition: &str,
) -> Result<Vec<(String, Vec<T>)>, StoreError> {
    let d = Dialect::of(conn);
    let from = format!(
        "{table} WHERE county_code IN ({}) AND voided_at IS NULL {condition}",
        d.params(1, counties.len())
    );
    let values = counties.iter().map(|c| Value::from(c.as_str())).collect();
    packed::query(conn, table, columns, &from, values).await
}

/// Several counties at once: one query per table for all of them, not one per county.
/// Each query hands back one row per county, its records packed (see [`packed`]).
pub async fn load_many(
    conn: &impl ConnectionTrait,
    counties: &[String],
    tally: Option<f::Tally>,
) -> Result<HashMap<String, Facts>, StoreError> {
    let mut by_county: HashMap<String, Facts> = counties
        .iter()
        .map(|c| (c.clone(), Facts::default()))
        .collect();
    if counties.is_empty() {
        return Ok(by_county);
    }
    let d = Dialect::of(conn);
    let c = counties;
    macro_rules! table {
        ($field:ident, $table:literal, [$($column:expr),+ $(,)?], $condition:expr) => {
            for (county, rows) in live(conn, c, $table, &[$($column),+], $condition).await? {
                let facts = at(&mut by_county, &county);
                facts.$field = rows;
                facts.$field.sort_unstable_by(|a, b| a.id.cmp(&b.id));
            }
        };
    }
    table!(
        projects,
        "projects",
        [
            "id",
            "name",
            "enterprise_id",
            "system",
            "construction_start",
            "construction_end",
            "operation_start",
            &d.flag("status IN ('operating', 'deferred_acceptance')"),
            "closed_on",
            &d.flag("status = 'disqualified'"),
            "central_funds_fen",
            "service_period_end",
        ],
        ""
    );
    table!(
        enterprises,
        "enterprises",
        ["id", "name", &d.flag("handles_food")],
        ""
    );
    let plan_columns = ["project_id", "effective_from", &d.json("milestones")];
    for (county, mut plans) in live::<f::PlanVersion>(
        conn,
        c,
        "progress_plans",
        &plan_columns,
        "AND status = 'approved'",
    )
    .await?
    {
        plans.sort_by(|a, b| {
            (&a.project_id, a.effective_from).cmp(&(&b.project_id, b.effective_from))
        });
        at(&mut by_county, &county).plans = plans;
    }
    table!(
        progress_reports,
        "progress_reports",
        [
            "id",
            "project_id",
            "month",
            "report_date",
            "submitted_on",
            &d.real("cumulative_percent"),
        ],
        ""
    );
    table!(
        training_classes,
        "training_classes",
        ["id", "project_id", "name", "first_day", "last_day"],
        ""
    );
    table!(
        disbursements,
        "disbursements",
        [
            "id",
            "project_id",
            "date",
            "amount_fen",
            "batch",
            &d.flag("state IS NULL OR state <> 'recorded'"),
        ],
        ""
    );
    table!(
        subsidy_claims,
        "subsidy_claims",
        [
            "id",
            "project_id",
            "submitted_on",
            "amount_fen",
            &d.json("invoices"),
            "approved_fen",
            "approved_on",
        ],
        ""
    );
    let decision_columns = ["claim_a", "claim_b", &d.flag("confirmed"), "fingerprint"];
    for (county, decisions) in
        live::<f::PairDecision>(conn, c, "duplicate_decisions", &decision_columns, "").await?
    {
        let mut decisions = decisions;
        decisions.sort_unstable_by(|a, b| {
            (&a.claim_a, &a.claim_b, &a.fingerprint).cmp(&(&b.claim_a, &b.claim_b, &b.fingerprint))
        });
        at(&mut by_county, &county).duplicate_decisions = decisions;
    }
    table!(
        data_reports,
        "data_reports",
        [
            "id",
            "enterprise_id",
            "month",
            "submitted_on",
            &d.json("figures"),
        ],
        ""
    );
    table!(
        licences,
        "licences",
        [
            "id",
            "enterprise_id",
            "kind",
            "number",
            "valid_from",
            "valid_to",
        ],
        ""
    );
    table!(
        rectification_orders,
        "rectification_orders",
        [
            "id",
            "project_id",
            "enterprise_id",
            "title",
            "issued_on",
            "deadline",
            "state",
            "accepted_on",
            &d.flag("progress_notice"),
        ],
        ""
    );
    table!(
        fund_recoveries,
        "fund_recoveries",
        [
            "id",
            "project_id",
            "enterprise_id",
            "decided_on",
            "amount_fen",
            "deadline",
            &d.json("repayments"),
        ],
        ""
    );
    table!(
        incidents,
        "incidents",
        [
            "id",
            "project_id",
            "date",
            "summary",
            "accountability_decided_on",
        ],
        ""
    );
    table!(
        evaluations,
        "performance_evaluations",
        ["id", "project_id", "date"],
        ""
    );
    table!(
        market_findings,
        "market_findings",
        [
            "id",
            "enterprise_id",
            "project_id",
            "category",
            "raised_on",
            "closed_on",
        ],
        ""
    );
    table!(
        assets,
        "assets",
        [
            "id",
            "enterprise_id",
            "project_id",
            "name",
            "tag",
            "purchase_date",
            &d.flag("central_funds"),
            "disposed_on",
            "handed_over_on",
            "renewed_until",
        ],
        ""
    );
    table!(
        inventory_counts,
        "inventory_counts",
        ["id", "enterprise_id", "date", &d.json("items")],
        // A count still being scanned has found nothing yet.
        "AND (state IS NULL OR state = 'closed')"
    );
    table!(
        tipoffs,
        "tipoffs",
        ["id", "received_on", "summary", "replied_on"],
        ""
    );
    inspections::load(conn, counties, tally, &mut by_county).await?;
    elsewhere::fill(conn, &mut by_county).await?;
    Ok(by_county)
}

/// The tables [`load`] reads.
pub const FACT_TABLES: [&str; 19] = [
    "projects",
    "enterprises",
    "progress_plans",
    "progress_reports",
    "inspections",
    "training_classes",
    "disbursements",
    "subsidy_claims",
    "duplicate_decisions",
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
