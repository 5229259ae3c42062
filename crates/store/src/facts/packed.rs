//! Rows packed by the database: one JSON array per county instead of one row per record.
//! Moving rows one at a time out of SQLite through sqlx costs microseconds each, far more
//! than the rules spend on them; packed, a county's thousands of records cross as a few
//! strings and are parsed in one pass.

use crate::StoreError;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement, Value};
use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer};

/// The few places where the two backends' SQL differs.
#[derive(Clone, Copy)]
pub(crate) struct Dialect {
    pub backend: DatabaseBackend,
}

impl Dialect {
    pub fn of(conn: &impl ConnectionTrait) -> Self {
        Dialect {
            backend: conn.get_database_backend(),
        }
    }

    pub fn pg(self) -> bool {
        self.backend == DatabaseBackend::Postgres
    }

    /// The `i`th (1-based) bind parameter.
    pub fn param(self, i: usize) -> String {
        if self.pg() {
            format!("${i}")
        } else {
            "?".to_string()
        }
    }

    /// `first`, `first + 1`, … as a comma-separated list of parameters.
    pub fn params(self, first: usize, n: usize) -> String {
        (first..first + n)
            .map(|i| self.param(i))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A text column holding JSON, embedded as JSON rather than as a string.
    pub fn json(self, column: &str) -> String {
        if self.pg() {
            format!("{column}::json")
        } else {
            format!("json({column})")
        }
    }

    /// A boolean expression as JSON `true`/`false` (SQLite would say 1/0).
    pub fn flag(self, expr: &str) -> String {
        if self.pg() {
            format!("({expr})")
        } else {
            format!("json(CASE WHEN {expr} THEN 'true' ELSE 'false' END)")
        }
    }

    /// A floating-point column, every digit kept: SQLite's JSON keeps only 15.
    pub fn real(self, column: &str) -> String {
        if self.pg() {
            column.to_string()
        } else {
            format!("json(printf('%!.17g', {column}))")
        }
    }

    /// SQLite's planner, without statistics, may take another index than the one a query
    /// was written for; on SQLite this names it (and a query it cannot serve fails loudly).
    pub fn indexed_by(self, index: &str) -> String {
        if self.pg() {
            String::new()
        } else {
            format!("INDEXED BY {index}")
        }
    }

    /// Position of a substring, 0 when absent.
    pub fn find(self) -> &'static str {
        if self.pg() { "strpos" } else { "instr" }
    }

    pub fn trim(self) -> &'static str {
        if self.pg() { "btrim" } else { "trim" }
    }

    /// The first day of a date column's month, as the tallies key it.
    pub fn month(self, column: &str) -> String {
        if self.pg() {
            format!("date_trunc('month', {column})::date")
        } else {
            format!("substr({column}, 1, 8) || '01'")
        }
    }

    /// Rows as one JSON array of arrays. Unordered: sorting inside the aggregate costs
    /// the database more than sorting the parsed rows costs us.
    fn pack(self, columns: &[&str]) -> String {
        if self.pg() {
            format!("json_agg(json_build_array({}))::text", columns.join(", "))
        } else {
            format!("json_group_array(json_array({}))", columns.join(", "))
        }
    }
}

/// Runs `SELECT county_code, [[columns…], …] FROM {from} GROUP BY county_code` and parses
/// each county's array into `T`s (tuples in column order). `from` holds everything after
/// FROM up to the grouping, with its WHERE; `what` names the rows in errors.
pub(super) async fn query<T: DeserializeOwned>(
    conn: &impl ConnectionTrait,
    what: &str,
    columns: &[&str],
    from: &str,
    values: Vec<Value>,
) -> Result<Vec<(String, Vec<T>)>, StoreError> {
    let d = Dialect::of(conn);
    let sql = format!(
        "SELECT county_code, {} AS packed FROM {from} GROUP BY county_code",
        d.pack(columns)
    );
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(d.backend, sql, values))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let county: String = row.try_get("", "county_code")?;
        let packed: String = row.try_get("", "packed")?;
        let items = serde_json::from_str(&packed)
            .map_err(|e| StoreError::Corrupt(format!("{what} of county {county}: {e}")))?;
        out.push((county, items));
    }
    Ok(out)
}

/// A boolean as either backend packs it: SQLite says 0 or 1, PostgreSQL false or true.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Flag(pub bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Flag;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a boolean, 0 or 1")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Flag, E> {
                Ok(Flag(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Flag, E> {
                Ok(Flag(v != 0))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Flag, E> {
                Ok(Flag(v != 0))
            }
        }
        d.deserialize_any(Visitor)
    }
}
