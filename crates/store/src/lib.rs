//! Storage of jianguan. One implementation through SeaORM serves SQLite (embedded, the
//! default) and PostgreSQL; the contract tests in `tests/` run against both.

pub mod audit;
mod connect;
pub mod entity;
pub mod facts;
mod migration;
pub mod queries;
pub mod rows;

pub use audit::{AuditEntry, VerifyReport};
pub use connect::{Backend, ConnectError};
pub use queries::Scope;
pub use sea_orm::DbErr;

use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DatabaseTransaction, IsolationLevel,
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
    #[error("audit record could not be serialised: {0}")]
    Serialise(#[from] serde_json::Error),
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
    pub async fn open(url: &str) -> Result<Self, ConnectError> {
        let store = connect::connect(url).await?;
        store.migrate().await.map_err(ConnectError::Migrate)?;
        Ok(store)
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
        Ok(WriteTx { tx, audited: false })
    }

    /// Re-computes the whole audit chain.
    pub async fn verify_audit(&self) -> Result<VerifyReport, StoreError> {
        audit::verify(&self.read).await
    }

    pub async fn close(self) {
        let _ = self.read.close().await;
        if self.backend == Backend::Sqlite {
            let _ = self.write.close().await;
        }
    }
}

/// A write transaction that must record at least one audit row before it commits.
pub struct WriteTx {
    tx: DatabaseTransaction,
    audited: bool,
}

impl WriteTx {
    pub fn conn(&self) -> &DatabaseTransaction {
        &self.tx
    }

    /// Appends one row to the audit chain, inside this transaction.
    pub async fn record(&mut self, entry: AuditEntry) -> Result<i64, StoreError> {
        let seq = audit::append(&self.tx, entry).await?;
        self.audited = true;
        Ok(seq)
    }

    pub async fn commit(self) -> Result<(), StoreError> {
        if !self.audited {
            self.tx.rollback().await?;
            return Err(StoreError::Unaudited);
        }
        self.tx.commit().await?;
        Ok(())
    }

    pub async fn rollback(self) -> Result<(), StoreError> {
        self.tx.rollback().await?;
        Ok(())
    }
}

/// Runs a statement on either connection kind; for the few raw statements we need.
pub async fn execute_raw(conn: &impl ConnectionTrait, sql: &str) -> Result<u64, DbErr> {
    Ok(conn.execute_unprepared(sql).await?.rows_affected())
}

/// The SeaORM items the application layer needs for rows it builds itself.
pub mod sea {
    pub use sea_orm::Condition;
    pub use sea_orm::sea_query::{Alias, Expr, ExprTrait};
    pub use sea_orm::{
        ActiveModelBehavior, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait,
        IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    };
}
