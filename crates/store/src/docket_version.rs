//! Which state of a county's stored docket is current (m0022): read before a docket kept
//! in memory is served, replaced by every refresh inside the write that stores findings.

use crate::facts::packed::Dialect;
use sea_orm::{ConnectionTrait, DbErr, Statement};

/// The county's docket version; `None` until its docket is first stored (nothing to keep).
pub async fn read(conn: &impl ConnectionTrait, county: &str) -> Result<Option<String>, DbErr> {
    let d = Dialect::of(conn);
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            d.backend,
            format!(
                "SELECT version FROM docket_versions WHERE county_code = {}",
                d.param(1)
            ),
            [county.into()],
        ))
        .await?;
    row.map(|r| r.try_get::<String>("", "version")).transpose()
}

/// Marks the county's docket as changed: `version` must never have been used before.
pub async fn replace(
    conn: &impl ConnectionTrait,
    county: &str,
    version: &str,
) -> Result<(), DbErr> {
    let d = Dialect::of(conn);
    conn.execute_raw(Statement::from_sql_and_values(
        d.backend,
        format!(
            "INSERT INTO docket_versions (county_code, version) VALUES ({}, {}) \
             ON CONFLICT (county_code) DO UPDATE SET version = excluded.version",
            d.param(1),
            d.param(2)
        ),
        [county.into(), version.into()],
    ))
    .await?;
    Ok(())
}
