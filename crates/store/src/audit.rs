//! The audit trail: every write appends a row in the same transaction; each row's hash
//! covers its content, the seal of the records its transaction wrote, and the previous
//! row's hash, so altering, deleting or re-ordering rows is detected by [`verify`], and so
//! is a record changed behind the chain's back (see [`crate::seal`]). A signed checkpoint
//! of the head, kept outside the database, catches the one thing a chain cannot catch by
//! itself: history rewritten from some row onwards with every hash after it recomputed.

use crate::StoreError;
use crate::entity::audit_log::{self, checkpoint, head, seal as seal_row};
use crate::seal::{self, Mismatch};
use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait, sea_query::Expr,
};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

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

/// The hash of a row: SHA-256 over a JSON array of its fields and the previous hash (and
/// its seal, for rows that have one: rows written before seals existed hash as they did).
pub fn row_hash(r: &audit_log::Model) -> String {
    let mut fields = vec![
        serde_json::json!(r.seq),
        serde_json::json!(r.at.to_rfc3339_opts(SecondsFormat::Micros, true)),
        serde_json::json!(r.actor_id),
        serde_json::json!(r.actor_name),
        serde_json::json!(r.county_code),
        serde_json::json!(r.entity),
        serde_json::json!(r.entity_id),
        serde_json::json!(r.action),
        serde_json::json!(r.before),
        serde_json::json!(r.after),
        serde_json::json!(r.prev_hash),
    ];
    if let Some(s) = &r.seal {
        fields.push(serde_json::json!(s));
    }
    hex::encode(Sha256::digest(
        serde_json::Value::Array(fields).to_string().as_bytes(),
    ))
}

/// Takes the chain's lock: a no-op update of the head row (a row lock on PostgreSQL; on
/// SQLite the immediate transaction already holds the database's write lock).
pub(crate) async fn lock_head(tx: &impl ConnectionTrait) -> Result<(), StoreError> {
    head::Entity::update_many()
        .col_expr(head::Column::Seq, Expr::col(head::Column::Seq))
        .filter(head::Column::Id.eq(1))
        .exec(tx)
        .await?;
    Ok(())
}

/// Appends one row, with the seals of the records its transaction wrote when given.
pub(crate) async fn append(
    tx: &impl ConnectionTrait,
    e: AuditEntry,
    seals: Option<&[(String, String, Option<String>)]>,
) -> Result<i64, StoreError> {
    append_all(tx, vec![e], seals).await
}

/// Audit rows written in one statement: 13 columns each stays far below either backend's
/// limit on bind parameters.
const ROWS_PER_INSERT: usize = 500;

/// Appends rows in order, the last one carrying the seals when given: the head is read
/// once, the chain computed in memory, the rows inserted a few hundred at a time and the
/// head moved once (an import of thousands of records writes as many rows). Returns the
/// last row's sequence number.
pub(crate) async fn append_all(
    tx: &impl ConnectionTrait,
    entries: Vec<AuditEntry>,
    seals: Option<&[(String, String, Option<String>)]>,
) -> Result<i64, StoreError> {
    let h = head::Entity::find_by_id(1)
        .one(tx)
        .await?
        .ok_or_else(|| StoreError::Db(sea_orm::DbErr::RecordNotFound("audit_head".into())))?;
    let (mut seq, mut hash) = (h.seq, h.hash.clone());
    let last = entries.len().saturating_sub(1);
    let mut rows = Vec::with_capacity(entries.len());
    for (i, e) in entries.into_iter().enumerate() {
        let mut row = audit_log::Model {
            seq: seq + 1,
            at: stored_time(e.at),
            actor_id: e.actor_id,
            actor_name: e.actor_name,
            county_code: e.county_code,
            entity: e.entity,
            entity_id: e.entity_id,
            action: e.action,
            before: e.before.map(|v| serde_json::to_string(&v)).transpose()?,
            after: e.after.map(|v| serde_json::to_string(&v)).transpose()?,
            prev_hash: hash,
            hash: String::new(),
            seal: if i == last {
                seals.map(seal::seal_hash)
            } else {
                None
            },
        };
        row.hash = row_hash(&row);
        seq = row.seq;
        hash = row.hash.clone();
        rows.push(row);
    }
    if rows.is_empty() {
        return Ok(h.seq);
    }
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(ROWS_PER_INSERT));
        audit_log::Entity::insert_many(rows.into_iter().map(|r| r.into_active_model().reset_all()))
            .exec_without_returning(tx)
            .await?;
        rows = rest;
    }
    for chunk in seals.unwrap_or_default().chunks(500) {
        seal_row::Entity::insert_many(chunk.iter().map(|(t, id, d)| seal_row::ActiveModel {
            seq: Set(seq),
            tbl: Set(t.clone()),
            record_id: Set(id.clone()),
            digest: Set(d.clone()),
        }))
        .exec_without_returning(tx)
        .await?;
    }
    let mut head_am = h.into_active_model();
    head_am.seq = Set(seq);
    head_am.hash = Set(hash);
    head_am.update(tx).await?;
    Ok(seq)
}

/// A signed statement that the chain's row `seq` has hash `hash`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    pub at: DateTime<Utc>,
    /// Ed25519 public key, hex.
    pub public_key: String,
    /// Ed25519 signature of [`checkpoint_message`], hex.
    pub signature: String,
}

/// What a checkpoint's signature covers.
pub fn checkpoint_message(seq: i64, hash: &str, at: DateTime<Utc>) -> String {
    format!(
        "jianguan-audit-checkpoint\n{seq}\n{hash}\n{}",
        at.to_rfc3339_opts(SecondsFormat::Micros, true)
    )
}

impl Checkpoint {
    /// Whether the signature is the public key's over the checkpoint.
    pub fn signature_valid(&self) -> bool {
        signature_valid(
            &self.public_key,
            &self.signature,
            checkpoint_message(self.seq, &self.hash, self.at).as_bytes(),
        )
    }
}

/// A signature by the deployment's key over some bytes (a dossier's manifest), with the
/// public key that checks it, both hex.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Signed {
    pub public_key: String,
    pub signature: String,
}

pub fn sign(key: &SigningKey, message: &[u8]) -> Signed {
    Signed {
        public_key: hex::encode(key.verifying_key().to_bytes()),
        signature: hex::encode(key.sign(message).to_bytes()),
    }
}

/// Whether `signature` (hex) is `public_key`'s (hex) over `message`.
pub fn signature_valid(public_key: &str, signature: &str, message: &[u8]) -> bool {
    let key = hex::decode(public_key)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .and_then(|b| VerifyingKey::from_bytes(&b).ok());
    let sig = hex::decode(signature)
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| Signature::from_bytes(&b));
    match (key, sig) {
        (Some(k), Some(s)) => k.verify(message, &s).is_ok(),
        _ => false,
    }
}

impl From<checkpoint::Model> for Checkpoint {
    fn from(m: checkpoint::Model) -> Self {
        Checkpoint {
            seq: m.seq,
            hash: m.hash,
            at: m.at,
            public_key: m.public_key,
            signature: m.signature,
        }
    }
}

/// Signs the chain's head as it is now and keeps the checkpoint. The head is read under
/// the chain's lock, so the checkpoint names a row that was committed.
pub(crate) async fn checkpoint(
    db: &DatabaseConnection,
    key: &SigningKey,
    at: DateTime<Utc>,
) -> Result<Checkpoint, StoreError> {
    let tx = db.begin().await?;
    lock_head(&tx).await?;
    let h = head::Entity::find_by_id(1)
        .one(&tx)
        .await?
        .ok_or_else(|| StoreError::Db(sea_orm::DbErr::RecordNotFound("audit_head".into())))?;
    let at = stored_time(at);
    let signature = key.sign(checkpoint_message(h.seq, &h.hash, at).as_bytes());
    let c = Checkpoint {
        seq: h.seq,
        hash: h.hash,
        at,
        public_key: hex::encode(key.verifying_key().to_bytes()),
        signature: hex::encode(signature.to_bytes()),
    };
    if checkpoint::Entity::find_by_id(c.seq)
        .one(&tx)
        .await?
        .is_none()
    {
        checkpoint::Entity::insert(
            checkpoint::Model {
                seq: c.seq,
                hash: c.hash.clone(),
                at: c.at,
                public_key: c.public_key.clone(),
                signature: c.signature.clone(),
            }
            .into_active_model()
            .reset_all(),
        )
        .exec_without_returning(&tx)
        .await?;
    }
    tx.commit().await?;
    Ok(c)
}

pub(crate) async fn checkpoints(
    conn: &impl ConnectionTrait,
) -> Result<Vec<Checkpoint>, StoreError> {
    Ok(checkpoint::Entity::find()
        .order_by_asc(checkpoint::Column::Seq)
        .all(conn)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// What `audit verify` is asked to hold the chain to.
#[derive(Debug, Clone, Default)]
pub struct Anchors {
    /// Checkpoints kept elsewhere (an exported file), trusted as given.
    pub external: Vec<Checkpoint>,
    /// The deployment's own public key (hex): the checkpoints in the database must be its.
    pub own_key: Option<String>,
}

/// The outcome of re-computing the chain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VerifyReport {
    pub rows_checked: u64,
    /// The first row found broken, and why (in Chinese, for the person running the check).
    pub first_broken: Option<(i64, String)>,
    /// Checkpoints the chain was held to.
    pub checkpoints_checked: usize,
    /// Records whose current row is not what the chain last recorded.
    pub mismatches: Vec<Mismatch>,
    /// More mismatches than listed.
    pub more_mismatches: bool,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.first_broken.is_none() && self.mismatches.is_empty()
    }
}

const PAGE: u64 = 2_000;
/// Mismatching records listed at most.
const MISMATCHES_LISTED: usize = 100;

pub(crate) async fn verify(
    db: &DatabaseConnection,
    anchors: &Anchors,
) -> Result<VerifyReport, StoreError> {
    let mut report = VerifyReport {
        rows_checked: 0,
        first_broken: None,
        checkpoints_checked: 0,
        mismatches: Vec::new(),
        more_mismatches: false,
    };
    // Every checkpoint the chain must match, by row: the database's own (signed with the
    // deployment's key) and those given from outside.
    let mut expected: BTreeMap<i64, Vec<(Checkpoint, &'static str)>> = BTreeMap::new();
    for c in checkpoints(db).await? {
        let genuine = c.signature_valid()
            && anchors
                .own_key
                .as_ref()
                .is_none_or(|k| k.eq_ignore_ascii_case(&c.public_key));
        if !genuine {
            report.first_broken = Some((
                c.seq,
                format!(
                    "第 {} 条记录处的检查点签名无效（检查点被伪造或改动）",
                    c.seq
                ),
            ));
            return Ok(report);
        }
        expected.entry(c.seq).or_default().push((c, "库内"));
    }
    for c in &anchors.external {
        if !c.signature_valid() {
            report.first_broken = Some((c.seq, "所给检查点文件的签名无效".into()));
            return Ok(report);
        }
        expected.entry(c.seq).or_default().push((c.clone(), "所给"));
    }
    report.checkpoints_checked = expected.values().map(Vec::len).sum();

    if let Some(b) = walk_chain(db, &expected, &mut report.rows_checked).await? {
        report.first_broken = Some(b);
        return Ok(report);
    }
    // The records as they are now, against what the chain last recorded of each; a record
    // written while this ran is looked at again in one snapshot before it is named.
    let candidates = seal::compare(db, MISMATCHES_LISTED).await?;
    if !candidates.is_empty() {
        let tx = db.begin().await?;
        for m in candidates {
            if seal::still_differs(&tx, &m).await? {
                report.mismatches.push(m);
            }
        }
        tx.rollback().await?;
    }
    if report.mismatches.len() > MISMATCHES_LISTED {
        report.mismatches.truncate(MISMATCHES_LISTED);
        report.more_mismatches = true;
    }
    Ok(report)
}

/// Walks the chain: sequence, links, hashes, seals and checkpoints. The first break, if
/// any.
async fn walk_chain(
    db: &DatabaseConnection,
    expected: &BTreeMap<i64, Vec<(Checkpoint, &'static str)>>,
    checked: &mut u64,
) -> Result<Option<(i64, String)>, StoreError> {
    let mut expected_seq = 1i64;
    let mut prev_hash = GENESIS_HASH.to_string();
    loop {
        let rows = audit_log::Entity::find()
            .filter(audit_log::Column::Seq.gte(expected_seq))
            .order_by_asc(audit_log::Column::Seq)
            .limit(PAGE)
            .all(db)
            .await?;
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
            break;
        };
        let mut seals: BTreeMap<i64, Vec<(String, String, Option<String>)>> = BTreeMap::new();
        for s in seal_row::Entity::find()
            .filter(seal_row::Column::Seq.between(first.seq, last.seq))
            .all(db)
            .await?
        {
            seals
                .entry(s.seq)
                .or_default()
                .push((s.tbl, s.record_id, s.digest));
        }
        for r in rows {
            if r.seq != expected_seq {
                return Ok(Some((
                    expected_seq,
                    format!("第 {expected_seq} 条记录缺失（序号不连续）"),
                )));
            }
            if r.prev_hash != prev_hash {
                return Ok(Some((
                    r.seq,
                    format!(
                        "第 {} 条记录与前一条不衔接（顺序被改动或前一条被替换）",
                        r.seq
                    ),
                )));
            }
            if row_hash(&r) != r.hash {
                return Ok(Some((
                    r.seq,
                    format!("第 {} 条记录的内容与其哈希不符（记录被改动）", r.seq),
                )));
            }
            let sealed = seals.remove(&r.seq).map(|s| seal::seal_hash(&s));
            if sealed != r.seal {
                return Ok(Some((
                    r.seq,
                    format!(
                        "第 {} 条记录所封存的记录摘要与封存表不符（封存被改动）",
                        r.seq
                    ),
                )));
            }
            for (c, whose) in expected.get(&r.seq).into_iter().flatten() {
                if c.hash != r.hash {
                    return Ok(Some((
                        r.seq,
                        format!(
                            "第 {} 条记录与{whose}检查点（{}）不符：此前的历史被改写",
                            r.seq,
                            c.at.format("%Y-%m-%d %H:%M")
                        ),
                    )));
                }
            }
            prev_hash = r.hash;
            expected_seq += 1;
            *checked += 1;
        }
    }
    let last = expected_seq - 1;
    if let Some((seq, list)) = expected.range(expected_seq..).next()
        && let Some((c, whose)) = list.first()
    {
        return Ok(Some((
            last + 1,
            format!(
                "{whose}检查点（{}）记到第 {seq} 条，而链只有 {last} 条：末尾记录被删除",
                c.at.format("%Y-%m-%d %H:%M")
            ),
        )));
    }
    let head = head::Entity::find_by_id(1).one(db).await?;
    Ok(match head {
        Some(h) if h.seq == last && h.hash == prev_hash => None,
        Some(h) if h.seq > last => Some((
            last + 1,
            format!(
                "第 {} 条至第 {} 条记录缺失（末尾记录被删除）",
                last + 1,
                h.seq
            ),
        )),
        _ => Some((last, "链头与最后一条记录不符".to_string())),
    })
}
