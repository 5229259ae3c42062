//! A query's rows packed by the database into one JSON array, for the lists a page shows.
//!
//! Through sqlx, SQLite hands every row from its worker thread to the request's task on
//! its own: the row's values are copied, sent through a channel, decoded column by column
//! by name. That costs several microseconds a row, far more than SQLite spends finding it
//! (measured in docs/performance.md). Packed, the whole list crosses as one string and is
//! parsed in one pass into the same models `.all()` gives (the tests compare the two on
//! both backends). A model's fields deserialize from an array in declaration order, which
//! is the order of its entity's columns.

use sea_orm::sea_query::ColumnType;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, IdenStatic, Iterable,
    QuerySelect, QueryTrait, Select, Statement,
};
use serde::de::DeserializeOwned;

/// Every row `q` selects, in its order, in one round trip.
pub async fn all<E>(conn: &impl ConnectionTrait, q: Select<E>) -> Result<Vec<E::Model>, DbErr>
where
    E: EntityTrait,
    E::Model: DeserializeOwned,
{
    let columns: Vec<E::Column> = E::Column::iter().collect();
    packed(conn, q, &columns).await
}

/// Only `columns` of every row `q` selects (each row a tuple of them, in that order), in
/// one round trip: a list that needs a few columns of many rows (names for a menu).
pub async fn columns<E, T>(
    conn: &impl ConnectionTrait,
    q: Select<E>,
    columns: &[E::Column],
) -> Result<Vec<T>, DbErr>
where
    E: EntityTrait,
    T: DeserializeOwned,
{
    let q = columns.iter().fold(q.select_only(), |q, c| q.column(*c));
    packed(conn, q, columns).await
}

async fn packed<E, T>(
    conn: &impl ConnectionTrait,
    q: Select<E>,
    columns: &[E::Column],
) -> Result<Vec<T>, DbErr>
where
    E: EntityTrait,
    T: DeserializeOwned,
{
    let backend = conn.get_database_backend();
    let inner = q.build(backend);
    let columns: Vec<String> = columns
        .iter()
        .map(|c| element(backend, c.as_str(), c.def().get_column_type()))
        .collect();
    let sql = if backend == DatabaseBackend::Postgres {
        format!(
            "SELECT coalesce(json_agg(json_build_array({})), '[]')::text AS packed FROM ({}) AS t",
            columns.join(", "),
            inner.sql
        )
    } else {
        format!(
            "SELECT json_group_array(json_array({})) AS packed FROM ({}) AS t",
            columns.join(", "),
            inner.sql
        )
    };
    let values = inner.values.map(|v| v.0).unwrap_or_default();
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?
        .ok_or_else(|| DbErr::Custom("a packed query answered no row".into()))?;
    let packed: String = row.try_get("", "packed")?;
    serde_json::from_str(&packed).map_err(|e| {
        DbErr::Custom(format!(
            "rows of {} cannot be read: {e}",
            E::default().table_name()
        ))
    })
}

/// One column as a JSON element its model field reads: SQLite says 0/1 for a boolean and
/// keeps only 15 digits of a float in JSON; PostgreSQL already says what the field reads.
fn element(backend: DatabaseBackend, name: &str, kind: &ColumnType) -> String {
    let col = format!("t.\"{name}\"");
    if backend == DatabaseBackend::Postgres {
        return col;
    }
    match kind {
        ColumnType::Boolean => format!(
            "CASE WHEN {col} IS NULL THEN NULL WHEN {col} THEN json('true') ELSE json('false') END"
        ),
        ColumnType::Double | ColumnType::Float => {
            format!("CASE WHEN {col} IS NULL THEN NULL ELSE json(printf('%!.17g', {col})) END")
        }
        _ => col,
    }
}
