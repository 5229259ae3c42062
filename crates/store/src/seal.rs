//! Seals: what each record looked like when the audit chain last recorded a change to it.
//! A write transaction notes every record it writes ([`crate::WriteTx::insert`] and
//! [`crate::WriteTx::replace`]); at commit the digest of each row as stored is kept in
//! `audit_seals` and the hash of that list goes into the transaction's last audit row,
//! which the chain hashes. `audit verify` then compares each record's current row with
//! its latest seal, so an edit made behind the application's back (an inspection's
//! minutes, a user's role, an order's state changed by SQL) names the record it touched.
//!
//! Every table is either a record table (sealed) or bookkeeping (sessions, login attempts,
//! the docket's derived findings, notifications, the job lease): a table that is neither
//! cannot be written through a transaction, so a new table must be placed in one list.

use crate::StoreError;
use crate::entity::audit_log::seal;
use crate::entity::*;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityName, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

/// Calls `$m!` with every record table: its entity module, primary-key field and column.
macro_rules! sealed_tables {
    ($m:ident) => {
        $m! {
            county: code / Code,
            programme: id / Id,
            enterprise: id / Id,
            project: id / Id,
            user: id / Id,
            api_token: id / Id,
            inspection: id / Id,
            inspection_version: id / Id,
            photo: id / Id,
            rectification_order: id / Id,
            order_submission: id / Id,
            sanction: id / Id,
            fund_recovery: id / Id,
            incident: id / Id,
            performance_evaluation: id / Id,
            progress_plan: id / Id,
            progress_report: id / Id,
            submission_review: id / Id,
            data_report: id / Id,
            licence: id / Id,
            training_class: id / Id,
            training_roster: id / Id,
            disbursement: id / Id,
            subsidy_claim: id / Id,
            duplicate_decision: id / Id,
            market_finding: id / Id,
            asset: id / Id,
            inventory_count: id / Id,
            tipoff: id / Id,
            ledger_entry: id / Id,
            asset_tag: id / Id,
            asset_transfer: id / Id,
            inventory_scan: id / Id,
            document: id / Id,
            partner_key: id / Id
        }
    };
}

/// Tables whose rows are not records an audit needs: they change without an audit row.
pub const BOOKKEEPING: &[&str] = &[
    "sessions",
    "login_attempts",
    "job_leases",
    "notifications",
    "findings",
    "docket_versions",
    "claim_invoice_keys",
    "audit_log",
    "audit_head",
    "audit_seals",
    "audit_checkpoints",
    "upload_intents",
    "public_attempts",
];

/// Columns of record tables that bookkeeping updates (a token's last use): not sealed.
const UNSEALED_COLUMNS: &[(&str, &str)] = &[("api_tokens", "last_used_at")];

macro_rules! table_list {
    ($($module:ident: $pk:ident / $col:ident),*) => {
        /// The record tables, by table name.
        pub fn sealed() -> Vec<&'static str> {
            vec![$($module::Entity.table_name()),*]
        }
    };
}
sealed_tables!(table_list);

/// Rows in every record table, by table name: what a backup and its restore must agree on.
pub async fn record_counts(
    conn: &impl ConnectionTrait,
) -> Result<Vec<(&'static str, u64)>, StoreError> {
    use sea_orm::PaginatorTrait;
    let mut out = Vec::new();
    macro_rules! each {
        ($($module:ident: $pk:ident / $col:ident),*) => {$(
            out.push(($module::Entity.table_name(), $module::Entity::find().count(conn).await?));
        )*};
    }
    sealed_tables!(each);
    out.push(("audit_log", audit_log::Entity::find().count(conn).await?));
    Ok(out)
}

pub fn is_sealed(table: &str) -> bool {
    sealed().contains(&table)
}

/// The digest of a row as its entity reads it, without the unsealed columns.
fn digest_of<M: serde::Serialize>(table: &str, m: &M) -> Result<String, StoreError> {
    let mut v = serde_json::to_value(m)?;
    if let Some(o) = v.as_object_mut() {
        for (t, c) in UNSEALED_COLUMNS {
            if *t == table {
                o.remove(*c);
            }
        }
    }
    Ok(hex::encode(Sha256::digest(v.to_string().as_bytes())))
}

/// The digest of one stored record, or None when there is no such row.
pub(crate) async fn row_digest(
    conn: &impl ConnectionTrait,
    table: &str,
    id: &str,
) -> Result<Option<String>, StoreError> {
    // Each table's read is boxed: inline, the thirty-odd branches' futures and rows made
    // one poll frame large enough to overflow a test thread's stack in debug builds.
    macro_rules! find {
        ($($module:ident: $pk:ident / $col:ident),*) => {$(
            if table == $module::Entity.table_name() {
                return Box::pin(digest_by_id::<$module::Entity>(conn, table, id)).await;
            }
        )*};
    }
    sealed_tables!(find);
    Err(StoreError::Corrupt(format!(
        "{table} is not a record table"
    )))
}

async fn digest_by_id<E>(
    conn: &impl ConnectionTrait,
    table: &str,
    id: &str,
) -> Result<Option<String>, StoreError>
where
    E: EntityTrait,
    E::Model: serde::Serialize,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<String>,
{
    match E::find_by_id(id.to_string()).one(conn).await? {
        Some(m) => Ok(Some(digest_of(table, &m)?)),
        None => Ok(None),
    }
}

/// The digests of the records a transaction wrote, as `(table, id, digest)` in the given
/// order (None: the row is gone). `touched` is sorted by table: each table's rows are read
/// back a few hundred at a time, not one query per record.
pub(crate) async fn row_digests(
    conn: &impl ConnectionTrait,
    touched: Vec<(&'static str, String)>,
) -> Result<Vec<(String, String, Option<String>)>, StoreError> {
    let mut out = Vec::with_capacity(touched.len());
    for group in touched.chunk_by(|a, b| a.0 == b.0) {
        let table = group[0].0;
        let ids: Vec<&str> = group.iter().map(|t| t.1.as_str()).collect();
        let mut found = Box::pin(table_digests(conn, table, &ids)).await?;
        for (t, id) in group {
            out.push((t.to_string(), id.clone(), found.remove(id)));
        }
    }
    Ok(out)
}

async fn table_digests(
    conn: &impl ConnectionTrait,
    table: &str,
    ids: &[&str],
) -> Result<HashMap<String, String>, StoreError> {
    // Each table's read boxed, as in `row_digest`: inline, the branches' futures made one
    // poll frame too large for a test thread's stack in debug builds.
    macro_rules! find {
        ($($module:ident: $pk:ident / $col:ident),*) => {$(
            if table == $module::Entity.table_name() {
                return Box::pin(digests_by_ids::<$module::Entity, _>(
                    conn,
                    table,
                    ids,
                    $module::Column::$col,
                    |m| m.$pk.clone(),
                ))
                .await;
            }
        )*};
    }
    sealed_tables!(find);
    Err(StoreError::Corrupt(format!(
        "{table} is not a record table"
    )))
}

async fn digests_by_ids<E, K>(
    conn: &impl ConnectionTrait,
    table: &str,
    ids: &[&str],
    key: E::Column,
    key_of: K,
) -> Result<HashMap<String, String>, StoreError>
where
    E: EntityTrait,
    E::Model: serde::Serialize + serde::de::DeserializeOwned,
    K: Fn(&E::Model) -> String,
{
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let q = E::find().filter(key.is_in(chunk.iter().copied()));
        for m in crate::packed::all(conn, q).await? {
            found.insert(key_of(&m), digest_of(table, &m)?);
        }
    }
    Ok(found)
}

/// The hash a seal list contributes to its audit row: SHA-256 over the sorted list of
/// `[table, id, digest]`.
pub fn seal_hash(seals: &[(String, String, Option<String>)]) -> String {
    let mut sorted: Vec<&(String, String, Option<String>)> = seals.iter().collect();
    sorted.sort();
    let json = serde_json::to_string(&sorted).unwrap_or_default();
    hex::encode(Sha256::digest(json.as_bytes()))
}

/// A record whose current row is not what the chain last recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Mismatch {
    pub table: String,
    pub id: String,
    /// In Chinese, for the person running the check.
    pub why: String,
}

/// Rows read at a time when records are compared with their seals.
const PAGE: u64 = 1_000;

/// The latest seal (digest, None for "gone") of each of `ids` in `table` that has one.
async fn latest_seals(
    conn: &impl ConnectionTrait,
    table: &str,
    ids: &[String],
) -> Result<HashMap<String, Option<String>>, StoreError> {
    let mut latest: HashMap<String, (i64, Option<String>)> = HashMap::new();
    for s in seal::Entity::find()
        .filter(seal::Column::Tbl.eq(table))
        .filter(seal::Column::RecordId.is_in(ids.iter().map(String::as_str)))
        .all(conn)
        .await?
    {
        let e = latest
            .entry(s.record_id)
            .or_insert((s.seq, s.digest.clone()));
        if s.seq >= e.0 {
            *e = (s.seq, s.digest);
        }
    }
    Ok(latest.into_iter().map(|(k, (_, d))| (k, d)).collect())
}

/// One page of a table's rows in key order, after the key `after` (from the start if none):
/// the walk that comparing and backfilling seals share.
async fn page_after<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    pk: E::Column,
    after: Option<&str>,
) -> Result<Vec<E::Model>, sea_orm::DbErr> {
    let mut q = E::find();
    if let Some(a) = after {
        q = q.filter(pk.gt(a));
    }
    q.order_by_asc(pk).limit(PAGE).all(conn).await
}

fn mismatch(table: &str, id: &str, why: &str) -> Mismatch {
    Mismatch {
        table: table.into(),
        id: id.into(),
        why: why.into(),
    }
}

const NOT_IN_TRAIL: &str = "不在审计记录中（记录被直接写入数据库）";
const CHANGED: &str = "与审计记录中最后的状态不符（记录被直接改动）";
const GONE: &str = "审计记录中存在，但已不在数据库中（记录被直接删除）";

/// Every record whose row differs from its latest seal, has none, or is gone while its
/// seal says it exists. Listing stops after `limit` (one more is listed to say so).
pub(crate) async fn compare(
    conn: &impl ConnectionTrait,
    limit: usize,
) -> Result<Vec<Mismatch>, StoreError> {
    let mut out = Vec::new();
    macro_rules! each {
        ($($module:ident: $pk:ident / $col:ident),*) => {$(
            let table = $module::Entity.table_name();
            let pk = || $module::Column::$col;
            // Rows against their seals, a page at a time in key order.
            let mut after: Option<String> = None;
            loop {
                let rows = page_after::<$module::Entity>(conn, pk(), after.as_deref()).await?;
                let Some(last) = rows.last() else { break };
                after = Some(last.$pk.clone());
                let ids: Vec<String> = rows.iter().map(|r| r.$pk.clone()).collect();
                let seals = latest_seals(conn, table, &ids).await?;
                for row in &rows {
                    match seals.get(&row.$pk) {
                        None => out.push(mismatch(table, &row.$pk, NOT_IN_TRAIL)),
                        Some(d) if d.as_deref() != Some(digest_of(table, row)?.as_str()) => {
                            out.push(mismatch(table, &row.$pk, CHANGED))
                        }
                        Some(_) => {}
                    }
                }
                if out.len() > limit {
                    return Ok(out);
                }
            }
            // Seals whose record is gone.
            let mut after: Option<String> = None;
            loop {
                let mut q = seal::Entity::find()
                    .select_only()
                    .column(seal::Column::RecordId)
                    .distinct()
                    .filter(seal::Column::Tbl.eq(table));
                if let Some(a) = &after {
                    q = q.filter(seal::Column::RecordId.gt(a.as_str()));
                }
                let ids: Vec<String> = q
                    .order_by_asc(seal::Column::RecordId)
                    .limit(PAGE)
                    .into_tuple::<String>()
                    .all(conn)
                    .await?;
                let Some(last) = ids.last() else { break };
                after = Some(last.clone());
                let present: HashSet<String> = $module::Entity::find()
                    .filter(pk().is_in(ids.iter().map(String::as_str)))
                    .all(conn)
                    .await?
                    .into_iter()
                    .map(|r| r.$pk)
                    .collect();
                let gone: Vec<String> = ids.into_iter().filter(|i| !present.contains(i)).collect();
                if gone.is_empty() {
                    continue;
                }
                for (id, digest) in latest_seals(conn, table, &gone).await? {
                    if digest.is_some() {
                        out.push(mismatch(table, &id, GONE));
                    }
                }
                if out.len() > limit {
                    return Ok(out);
                }
            }
        )*};
    }
    sealed_tables!(each);
    Ok(out)
}

/// A candidate re-read in one consistent snapshot: is its row still not what its latest
/// seal says? (A record written while the comparison ran is not a mismatch.)
pub(crate) async fn still_differs(
    conn: &impl ConnectionTrait,
    m: &Mismatch,
) -> Result<bool, StoreError> {
    let latest = latest_seals(conn, &m.table, std::slice::from_ref(&m.id)).await?;
    let now = row_digest(conn, &m.table, &m.id).await?;
    Ok(match latest.get(&m.id) {
        Some(seal) => *seal != now,
        None => now.is_some(),
    })
}

/// Seals, in pages, every record that has no seal yet — what a database written before
/// seals existed holds — each page with an audit row of its own, in its own transaction
/// (an interrupted backfill goes on where it stopped). Returns how many were sealed.
pub(crate) async fn backfill(store: &crate::Store) -> Result<u64, StoreError> {
    let mut sealed = 0u64;
    macro_rules! each {
        ($($module:ident: $pk:ident / $col:ident),*) => {$(
            let table = $module::Entity.table_name();
            let pk = || $module::Column::$col;
            let mut after: Option<String> = None;
            loop {
                let rows =
                    page_after::<$module::Entity>(store.reader(), pk(), after.as_deref()).await?;
                let Some(last) = rows.last() else { break };
                after = Some(last.$pk.clone());
                let ids: Vec<String> = rows.iter().map(|r| r.$pk.clone()).collect();
                let seals = latest_seals(store.reader(), table, &ids).await?;
                let missing: Vec<String> = ids.into_iter().filter(|i| !seals.contains_key(i)).collect();
                if missing.is_empty() {
                    continue;
                }
                let tx = store.begin().await?;
                let mut page = Vec::with_capacity(missing.len());
                for id in missing {
                    let digest = row_digest(tx.conn(), table, &id).await?;
                    page.push((table.to_string(), id, digest));
                }
                sealed += page.len() as u64;
                crate::audit::append(
                    tx.conn(),
                    crate::AuditEntry {
                        at: chrono::Utc::now(),
                        actor_id: None,
                        actor_name: "系统（升级：封存已有记录）".into(),
                        county_code: None,
                        entity: table.to_string(),
                        entity_id: "*".into(),
                        action: "seal_existing".into(),
                        before: None,
                        after: Some(serde_json::json!({ "records": page.len() })),
                    },
                    Some(&page),
                )
                .await?;
                tx.commit_raw().await?;
            }
        )*};
    }
    sealed_tables!(each);
    Ok(sealed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_is_a_record_table_or_bookkeeping_and_not_both() {
        let sealed = sealed();
        for t in &sealed {
            assert!(!BOOKKEEPING.contains(t), "{t}");
        }
        let mut all: Vec<&str> = sealed.iter().chain(BOOKKEEPING).copied().collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), sealed.len() + BOOKKEEPING.len());
    }

    #[test]
    fn the_seal_hash_does_not_depend_on_order() {
        let a = vec![
            ("t".to_string(), "1".to_string(), Some("x".to_string())),
            ("t".to_string(), "2".to_string(), None),
        ];
        let mut b = a.clone();
        b.reverse();
        assert_eq!(seal_hash(&a), seal_hash(&b));
        assert_ne!(seal_hash(&a), seal_hash(&a[..1]));
    }
}
