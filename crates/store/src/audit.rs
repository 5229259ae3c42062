//! The audit trail: every write appends a row in the same transaction; each row's hash
//! covers its content and the previous row's hash, so altering, deleting or re-ordering
//! rows is detected by [`verify`].

use crate::StoreError;
use crate::entity::audit_log::{self, head};
use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Set, sea_query::Expr,
};
use sha2::{Digest, Sha256};

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One change, as the application describes it.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub actor_id: Option<String>,
    pub actor_name: String,
    pub county_code: Option<String>,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Microseconds are what PostgreSQL keeps; truncating first makes the hashed time the
/// stored time on both backends.
fn stored_time(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(at.timestamp_micros()).unwrap_or(at)
}

/// The hash of a row: SHA-256 over a JSON array of its fields and the previous hash.
pub fn row_hash(r: &audit_log::Model) -> String {
    let canonical = serde_json::json!([
        r.seq,
        r.at.to_rfc3339_opts(SecondsFormat::Micros, true),
        r.actor_id,
        r.actor_name,
        r.county_code,
        r.entity,
        r.entity_id,
        r.action,
        r.before,
        r.after,
        r.prev_hash,
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// Takes the chain's lock: a no-op update of the head row (a row lock on PostgreSQL; on
/// SQLite the immediate transaction already holds the database's write lock).
pub(crate) async fn lock_head(tx: &DatabaseTransaction) -> Result<(), StoreError> {
    head::Entity::update_many()
        .col_expr(head::Column::Seq, Expr::col(head::Column::Seq))
        .filter(head::Column::Id.eq(1))
        .exec(tx)
        .await?;
    Ok(())
}

use sea_orm::ColumnTrait;

pub(crate) async fn append(tx: &DatabaseTransaction, e: AuditEntry) -> Result<i64, StoreError> {
    let h = head::Entity::find_by_id(1)
        .one(tx)
        .await?
        .ok_or_else(|| StoreError::Db(sea_orm::DbErr::RecordNotFound("audit_head".into())))?;
    let mut row = audit_log::Model {
        seq: h.seq + 1,
        at: stored_time(e.at),
        actor_id: e.actor_id,
        actor_name: e.actor_name,
        county_code: e.county_code,
        entity: e.entity,
        entity_id: e.entity_id,
        action: e.action,
        before: e.before.map(|v| serde_json::to_string(&v)).transpose()?,
        after: e.after.map(|v| serde_json::to_string(&v)).transpose()?,
        prev_hash: h.hash.clone(),
        hash: String::new(),
    };
    row.hash = row_hash(&row);
    let seq = row.seq;
    let hash = row.hash.clone();
    audit_log::Entity::insert(row.into_active_model().reset_all())
        .exec_without_returning(tx)
        .await?;
    let mut head_am = h.into_active_model();
    head_am.seq = Set(seq);
    head_am.hash = Set(hash);
    head_am.update(tx).await?;
    Ok(seq)
}

/// The outcome of re-computing the chain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VerifyReport {
    pub rows_checked: u64,
    /// The first row found broken, and why (in Chinese, for the person running the check).
    pub first_broken: Option<(i64, String)>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.first_broken.is_none()
    }
}

const PAGE: u64 = 2_000;

pub(crate) async fn verify(conn: &impl ConnectionTrait) -> Result<VerifyReport, StoreError> {
    let mut expected_seq = 1i64;
    let mut prev_hash = GENESIS_HASH.to_string();
    let mut checked = 0u64;
    let broken = |seq: i64, why: String, checked: u64| VerifyReport {
        rows_checked: checked,
        first_broken: Some((seq, why)),
    };
    loop {
        let rows = audit_log::Entity::find()
            .filter(audit_log::Column::Seq.gte(expected_seq))
            .order_by_asc(audit_log::Column::Seq)
            .limit(PAGE)
            .all(conn)
            .await?;
        if rows.is_empty() {
            break;
        }
        for r in rows {
            if r.seq != expected_seq {
                return Ok(broken(
                    expected_seq,
                    format!("第 {expected_seq} 条记录缺失（序号不连续）"),
                    checked,
                ));
            }
            if r.prev_hash != prev_hash {
                return Ok(broken(
                    r.seq,
                    format!(
                        "第 {} 条记录与前一条不衔接（顺序被改动或前一条被替换）",
                        r.seq
                    ),
                    checked,
                ));
            }
            if row_hash(&r) != r.hash {
                return Ok(broken(
                    r.seq,
                    format!("第 {} 条记录的内容与其哈希不符（记录被改动）", r.seq),
                    checked,
                ));
            }
            prev_hash = r.hash;
            expected_seq += 1;
            checked += 1;
        }
    }
    let head = head::Entity::find_by_id(1).one(conn).await?;
    match head {
        Some(h) if h.seq == expected_seq - 1 && h.hash == prev_hash => Ok(VerifyReport {
            rows_checked: checked,
            first_broken: None,
        }),
        Some(h) if h.seq >= expected_seq => Ok(broken(
            expected_seq,
            format!(
                "第 {} 条至第 {} 条记录缺失（末尾记录被删除）",
                expected_seq, h.seq
            ),
            checked,
        )),
        _ => Ok(broken(
            expected_seq - 1,
            "链头与最后一条记录不符".to_string(),
            checked,
        )),
    }
}
