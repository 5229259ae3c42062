//! Storage of jianguan. One implementation through SeaORM serves SQLite (embedded, the
//! default) and PostgreSQL; the contract tests in `tests/` run against both.

pub mod audit;
mod connect;
pub mod docket_version;
pub mod entity;
pub mod facts;
pub mod json;
mod migration;
pub mod packed;
pub mod paging;
pub mod queries;
pub mod rows;
pub mod scoped;
pub mod seal;

pub use audit::{Anchors, AuditEntry, Checkpoint, Signed, VerifyReport};
pub use connect::{Backend, ConnectError};
pub use ed25519_dalek::SigningKey;
pub use queries::Scope;
pub use sea_orm::DbErr;

use sea_orm::{
    AccessMode, ActiveModelBehavior, ActiveModelTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityName, EntityTrait, IntoActiveModel, IsolationLevel, ModelTrait,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    #[error("a write transaction was committed without an audit row")]
    Unaudited,
    #[error("stored data cannot be read: {0}")]
    Corrupt(String),
    /// One column of one row does not read as its type.
    #[error("{table} {id}: column {column} cannot be read: {detail}")]
    CorruptColumn {
        table: &'static str,
        id: String,
        column: &'static str,
        detail: String,
    },
    #[error("audit record could not be serialised: {0}")]
    Serialise(#[from] serde_json::Error),
    /// The record is no longer what the caller read: someone else changed it first.
    #[error("the record changed since it was read")]
    Stale,
}

/// The database of one deployment. Cheap to clone (pools are shared).
#[derive(Clone, Debug)]
pub struct Store {
    read: DatabaseConnection,
    /// On SQLite a pool of exactly one connection: writers queue for it instead of
    /// failing with "database is locked". On PostgreSQL the same pool as `read`.
    write: DatabaseConnection,
    backend: Backend,
}

impl Store {
    /// Connects by the URL's scheme (`sqlite://…` or `postgres://…`) and runs migrations.
    /// A database written before records were sealed gets its seals now, once.
    pub async fn open(url: &str) -> Result<Self, ConnectError> {
        let store = connect::connect(url).await?;
        store.migrate().await.map_err(ConnectError::Migrate)?;
        store
            .backfill_seals()
            .await
            .map_err(|e| ConnectError::Migrate(DbErr::Custom(e.to_string())))?;
        Ok(store)
    }

    /// Seals the records of a database written before seals existed (the flag m0008 set),
    /// then clears the flag. Nothing to do, and one read, otherwise.
    async fn backfill_seals(&self) -> Result<(), StoreError> {
        if !self.head_flag(|h| h.backfill_seals).await? {
            return Ok(());
        }
        let n = seal::backfill(self).await?;
        tracing::info!(
            records = n,
            "records written before seals existed are sealed"
        );
        self.clear_head_flag(entity::audit_log::head::Column::BackfillSeals)
            .await
    }

    /// A one-time job's flag on the chain head (set by the migration that needs the job).
    async fn head_flag(
        &self,
        flag: fn(&entity::audit_log::head::Model) -> bool,
    ) -> Result<bool, StoreError> {
        use sea_orm::EntityTrait;
        Ok(entity::audit_log::head::Entity::find_by_id(1)
            .one(&self.read)
            .await?
            .is_some_and(|h| flag(&h)))
    }

    /// Clears a one-time job's flag once the job is done.
    async fn clear_head_flag(
        &self,
        flag: entity::audit_log::head::Column,
    ) -> Result<(), StoreError> {
        use sea_orm::EntityTrait;
        use sea_orm::sea_query::Expr;
        entity::audit_log::head::Entity::update_many()
            .col_expr(flag, Expr::value(false))
            .exec(&self.write)
            .await?;
        Ok(())
    }

    /// Whether the funds ledger still waits for its one catch-up (the flag m0018 set on a
    /// database with history).
    pub async fn ledger_catch_up_pending(&self) -> Result<bool, StoreError> {
        self.head_flag(|h| h.post_ledger).await
    }

    /// Clears the flag once every county's ledger is caught up.
    pub async fn ledger_caught_up(&self) -> Result<(), StoreError> {
        self.clear_head_flag(entity::audit_log::head::Column::PostLedger)
            .await
    }

    pub async fn migrate(&self) -> Result<(), DbErr> {
        migration::Migrator::up(&self.write, None).await
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// For reads. Writes go through [`Store::begin`] so that each carries its audit row.
    pub fn reader(&self) -> &DatabaseConnection {
        &self.read
    }

    /// For bookkeeping that is not a record an audit needs (sessions, login attempts).
    pub fn housekeeping(&self) -> &DatabaseConnection {
        &self.write
    }

    /// Starts a write transaction. It takes the audit chain's lock first, so writers are
    /// serialised (SQLite: `BEGIN IMMEDIATE` on the single writer connection; PostgreSQL:
    /// the chain head's row lock) and each appends to the chain in commit order.
    pub async fn begin(&self) -> Result<WriteTx, StoreError> {
        let tx = self
            .write
            .begin_with_options(TransactionOptions {
                isolation_level: None::<IsolationLevel>,
                access_mode: None::<AccessMode>,
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            })
            .await?;
        audit::lock_head(&tx).await?;
        Ok(WriteTx {
            tx,
            entries: Vec::new(),
            touched: Vec::new(),
        })
    }

    /// Re-computes the whole audit chain, its checkpoints, and each record against what
    /// the chain last recorded of it.
    pub async fn verify_audit(&self) -> Result<VerifyReport, StoreError> {
        audit::verify(&self.read, &Anchors::default()).await
    }

    /// As [`Store::verify_audit`], holding the chain to the given anchors too.
    pub async fn verify_audit_with(&self, anchors: &Anchors) -> Result<VerifyReport, StoreError> {
        audit::verify(&self.read, anchors).await
    }

    /// Signs the chain's head now with `key` and keeps the checkpoint.
    pub async fn checkpoint(
        &self,
        key: &SigningKey,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<Checkpoint, StoreError> {
        audit::checkpoint(&self.write, key, at).await
    }

    /// The checkpoints kept, oldest first.
    pub async fn checkpoints(&self) -> Result<Vec<Checkpoint>, StoreError> {
        audit::checkpoints(&self.read).await
    }

    pub async fn close(self) {
        let _ = self.read.close().await;
        if self.backend == Backend::Sqlite {
            let _ = self.write.close().await;
        }
    }
}

/// A write transaction that must record at least one audit row before it commits. Records
/// are written through it ([`WriteTx::insert`], [`WriteTx::replace`]) so that each is
/// sealed into the audit chain as it stands at commit, and so that a change is made only
/// to the row the caller read: two identical requests at once change it once.
pub struct WriteTx {
    tx: DatabaseTransaction,
    entries: Vec<AuditEntry>,
    touched: Vec<(&'static str, String)>,
}

impl WriteTx {
    /// For reads inside the transaction, and for bookkeeping rows (notifications).
    pub fn conn(&self) -> &DatabaseTransaction {
        &self.tx
    }

    /// Inserts a record. A row with the same key already there (someone else did the same
    /// thing a moment ago) is [`StoreError::Stale`].
    pub async fn insert<M>(&mut self, model: M) -> Result<(), StoreError>
    where
        M: ModelTrait + IntoActiveModel<<M::Entity as EntityTrait>::ActiveModel> + Clone,
        <M::Entity as EntityTrait>::ActiveModel: ActiveModelBehavior + Send,
    {
        self.insert_all(vec![model]).await
    }

    /// Inserts records of one table, a few hundred rows per statement (an import writes
    /// thousands). A row with a key already there is [`StoreError::Stale`].
    pub async fn insert_all<M>(&mut self, models: Vec<M>) -> Result<(), StoreError>
    where
        M: ModelTrait + IntoActiveModel<<M::Entity as EntityTrait>::ActiveModel> + Clone,
        <M::Entity as EntityTrait>::ActiveModel: ActiveModelBehavior + Send,
    {
        // ~40 columns at most: 200 rows stay under SQLite's 32,766 bind parameters.
        for chunk in models.chunks(200) {
            let mut rows = Vec::with_capacity(chunk.len());
            for m in chunk {
                let (table, key) = record_key(m)?;
                self.touched.push((table, key));
                rows.push(m.clone().into_active_model().reset_all());
            }
            if let Err(e) = <M::Entity as EntityTrait>::insert_many(rows)
                .exec_without_returning(&self.tx)
                .await
            {
                return Err(if is_unique_violation(&e) {
                    StoreError::Stale
                } else {
                    StoreError::Db(e)
                });
            }
        }
        Ok(())
    }

    /// Replaces a record that must still be exactly `before` (as the caller read it): the
    /// row is read again inside this transaction, which holds the write lock, so a change
    /// someone else committed in between is [`StoreError::Stale`], never overwritten.
    pub async fn replace<M>(&mut self, before: &M, after: M) -> Result<(), StoreError>
    where
        M: ModelTrait
            + IntoActiveModel<<M::Entity as EntityTrait>::ActiveModel>
            + PartialEq
            + Clone,
        M::Entity: EntityTrait<Model = M>,
        <M::Entity as EntityTrait>::ActiveModel: ActiveModelBehavior + Send,
    {
        let (table, key) = record_key(before)?;
        let (_, after_key) = record_key(&after)?;
        if key != after_key {
            return Err(StoreError::Corrupt(format!(
                "{table}: a replacement must keep the key ({key} → {after_key})"
            )));
        }
        let current = find_by_key::<M>(&self.tx, before).await?;
        if current.as_ref() != Some(before) {
            return Err(StoreError::Stale);
        }
        after
            .into_active_model()
            .reset_all()
            .update(&self.tx)
            .await?;
        self.touched.push((table, key));
        Ok(())
    }

    /// Adds one row to the audit chain; rows are appended, in order, at commit.
    pub async fn record(&mut self, entry: AuditEntry) -> Result<(), StoreError> {
        self.entries.push(entry);
        Ok(())
    }

    /// Seals the records written, appends the audit rows and commits. Refused without an
    /// audit row.
    pub async fn commit(self) -> Result<(), StoreError> {
        let WriteTx {
            tx,
            entries,
            mut touched,
        } = self;
        if entries.is_empty() {
            tx.rollback().await?;
            return Err(StoreError::Unaudited);
        }
        touched.sort();
        touched.dedup();
        let claims: Vec<String> = touched
            .iter()
            .filter(|(t, _)| *t == "subsidy_claims")
            .map(|(_, id)| id.clone())
            .collect();
        if !claims.is_empty() {
            facts::invoice_keys::refresh(&tx, &claims).await?;
        }
        let seals = seal::row_digests(&tx, touched).await?;
        let with = (!seals.is_empty()).then_some(seals.as_slice());
        audit::append_all(&tx, entries, with).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn rollback(self) -> Result<(), StoreError> {
        self.tx.rollback().await?;
        Ok(())
    }

    /// Commits what was appended to the chain directly (the seal backfill), without the
    /// checks of [`WriteTx::commit`].
    pub(crate) async fn commit_raw(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }
}

/// The record's table and key, for a record table; bookkeeping tables are written with
/// [`rows`] instead.
fn record_key<M>(m: &M) -> Result<(&'static str, String), StoreError>
where
    M: ModelTrait + IntoActiveModel<<M::Entity as EntityTrait>::ActiveModel> + Clone,
{
    let table = <M::Entity as Default>::default().table_name();
    if !seal::is_sealed(table) {
        return Err(StoreError::Corrupt(format!(
            "{table} is not a record table: write it with jianguan_store::rows"
        )));
    }
    let key = m
        .clone()
        .into_active_model()
        .get_primary_key_value()
        .and_then(|v| v.into_iter().next())
        .and_then(|v| match v {
            sea_orm::Value::String(Some(s)) => Some(s.to_string()),
            _ => None,
        })
        .ok_or_else(|| StoreError::Corrupt(format!("{table}: a record's key is a string")))?;
    Ok((table, key))
}

/// The stored row with the same key as `m`, read on `conn`.
async fn find_by_key<M>(conn: &impl ConnectionTrait, m: &M) -> Result<Option<M>, StoreError>
where
    M: ModelTrait + IntoActiveModel<<M::Entity as EntityTrait>::ActiveModel> + Clone,
    M::Entity: EntityTrait<Model = M>,
{
    use sea_orm::{
        Iterable, PrimaryKeyToColumn, QueryFilter, sea_query::Expr, sea_query::ExprTrait,
    };
    let values = m
        .clone()
        .into_active_model()
        .get_primary_key_value()
        .ok_or_else(|| StoreError::Corrupt("a record without a key".into()))?;
    let mut q = <M::Entity as EntityTrait>::find();
    for (pk, v) in <<M::Entity as EntityTrait>::PrimaryKey as Iterable>::iter().zip(values) {
        q = q.filter(Expr::col(pk.into_column()).eq(v));
    }
    Ok(q.one(conn).await?)
}

fn is_unique_violation(e: &DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// Runs a statement on either connection kind; for the few raw statements we need.
pub async fn execute_raw(conn: &impl ConnectionTrait, sql: &str) -> Result<u64, DbErr> {
    Ok(conn.execute_unprepared(sql).await?.rows_affected())
}

/// The SeaORM items the application layer needs for rows it builds itself.
pub mod sea {
    pub use sea_orm::Condition;
    pub use sea_orm::sea_query::{Alias, Expr, ExprTrait, NullOrdering, Order};
    pub use sea_orm::{
        ActiveModelBehavior, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait,
        IntoActiveModel, ModelTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
        QueryTrait, Select, Set,
    };
}
