//! The claims' invoices by the keys they are compared by (一（四）: the same code and
//! number, or the same seller, amount and date, normalised), one row per key and claim.
//! Finding an invoice claimed in another county then reads only the claims that share a
//! key with the county's own, never every other county's claims. The rows are derived:
//! [`crate::WriteTx::commit`] rewrites those of the claims a write touched, inside that
//! write; a migration and [`rebuild`] write them for claims that reached the database
//! another way (an upgrade, the benchmark's SQL copies).

use super::packed::Dialect;
use crate::StoreError;
use jianguan_domain::invoice::{number_key, seller_key};
use jianguan_domain::rules::facts::Invoice;
use sea_orm::{ConnectionTrait, Statement, Value};
use std::collections::BTreeSet;

pub const TABLE: &str = "claim_invoice_keys";

/// An invoice's two keys: by code and number, and by seller, amount and date. The unit
/// separator cannot occur in a normalised field's meaning, so fields never run together.
pub(crate) fn keys_of(inv: &Invoice) -> [String; 2] {
    [
        format!(
            "n\u{1f}{}\u{1f}{}",
            number_key(&inv.code),
            number_key(&inv.number)
        ),
        format!(
            "c\u{1f}{}\u{1f}{}\u{1f}{}",
            seller_key(&inv.seller),
            inv.amount_fen,
            inv.date
        ),
    ]
}

/// Rewrites the keys of `claims` (ids) as those claims now stand on `conn`: a voided claim
/// has none. Called inside the write that changed them.
pub(crate) async fn refresh(
    conn: &impl ConnectionTrait,
    claims: &[String],
) -> Result<(), StoreError> {
    let d = Dialect::of(conn);
    // 500 ids a statement: far under either backend's bind-parameter limit.
    for chunk in claims.chunks(500) {
        let values: Vec<Value> = chunk.iter().map(|c| Value::from(c.as_str())).collect();
        let list = d.params(1, chunk.len());
        conn.execute_raw(Statement::from_sql_and_values(
            d.backend,
            format!("DELETE FROM {TABLE} WHERE claim_id IN ({list})"),
            values.clone(),
        ))
        .await?;
        write_keys(conn, &format!("id IN ({list})"), values).await?;
    }
    Ok(())
}

/// Writes anew the keys of every claim of `county`, or of every county: for claims
/// written past [`crate::WriteTx`]. Returns the number of keys written.
pub async fn rebuild(conn: &impl ConnectionTrait, county: Option<&str>) -> Result<u64, StoreError> {
    let d = Dialect::of(conn);
    let (condition, values) = match county {
        Some(c) => (
            format!("county_code = {}", d.param(1)),
            vec![Value::from(c)],
        ),
        None => ("1 = 1".to_string(), vec![]),
    };
    conn.execute_raw(Statement::from_sql_and_values(
        d.backend,
        format!("DELETE FROM {TABLE} WHERE {condition}"),
        values.clone(),
    ))
    .await?;
    write_keys(conn, &condition, values).await
}

/// Inserts the keys of the live claims meeting `condition`.
async fn write_keys(
    conn: &impl ConnectionTrait,
    condition: &str,
    values: Vec<Value>,
) -> Result<u64, StoreError> {
    let d = Dialect::of(conn);
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            d.backend,
            format!(
                "SELECT id, county_code, invoices FROM subsidy_claims \
                 WHERE {condition} AND voided_at IS NULL"
            ),
            values,
        ))
        .await?;
    let mut keys = Vec::new();
    for r in rows {
        let id: String = r.try_get("", "id")?;
        let county: String = r.try_get("", "county_code")?;
        let invoices: String = r.try_get("", "invoices")?;
        let invoices: Vec<Invoice> =
            crate::json::column("subsidy_claims", &id, "invoices", &invoices)?;
        // One row per key and claim, though two of its invoices share a key.
        let mine: BTreeSet<String> = invoices.iter().flat_map(keys_of).collect();
        keys.extend(mine.into_iter().map(|k| (k, county.clone(), id.clone())));
    }
    let written = keys.len() as u64;
    for chunk in keys.chunks(300) {
        let rows = (0..chunk.len())
            .map(|i| format!("({})", d.params(3 * i + 1, 3)))
            .collect::<Vec<_>>()
            .join(", ");
        let values: Vec<Value> = chunk
            .iter()
            .flat_map(|(k, c, id)| [k, c, id].map(|s| Value::from(s.as_str())))
            .collect();
        conn.execute_raw(Statement::from_sql_and_values(
            d.backend,
            format!("INSERT INTO {TABLE} (invoice_key, county_code, claim_id) VALUES {rows}"),
            values,
        ))
        .await?;
    }
    Ok(written)
}
