use crate::Store;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DbErr};
use std::path::Path;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(
        "数据库地址“{0}”无法识别：请以 sqlite:// 开头（例如 sqlite://./jianguan-data/jianguan.db）或以 postgres:// 开头"
    )]
    Scheme(String),
    #[error(
        "SQLite 数据库文件 {0} 不存在。如确需新建，请在地址后加 ?mode=rwc，或用 --data-dir 指定数据目录"
    )]
    NotFound(String),
    #[error("无法连接数据库：{0}")]
    Connect(DbErr),
    #[error("数据库迁移失败：{0}")]
    Migrate(DbErr),
}

/// How long a writer waits for another process (e.g. a CLI command beside the server)
/// before SQLite reports the database busy.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

pub(crate) async fn connect(url: &str) -> Result<Store, ConnectError> {
    if let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let create = query.split('&').any(|kv| kv == "mode=rwc");
        if path.is_empty() || path == ":memory:" {
            return Err(ConnectError::Scheme(url.to_string()));
        }
        if !create && !Path::new(path).exists() {
            return Err(ConnectError::NotFound(path.to_string()));
        }
        let url = format!("sqlite://{path}?mode=rwc");
        let read = sqlite_pool(&url, read_connections()).await?;
        let write = sqlite_pool(&url, 1).await?;
        Ok(Store {
            read,
            write,
            backend: Backend::Sqlite,
        })
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let mut opts = ConnectOptions::new(url.to_string());
        opts.max_connections(16)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            // A connection is pinged before it is handed out only once it has been idle
            // long enough that the server or a firewall may have dropped it: pinging on
            // every acquire added a network round trip to every query.
            .test_before_acquire_if_idle_for(Duration::from_secs(30))
            .sqlx_logging(false);
        let conn = Database::connect(opts)
            .await
            .map_err(ConnectError::Connect)?;
        Ok(Store {
            read: conn.clone(),
            write: conn,
            backend: Backend::Postgres,
        })
    } else {
        Err(ConnectError::Scheme(url.to_string()))
    }
}

/// SQLite readers, one per core: each connection is a thread of its own, and more threads
/// than cores only take turns (every query is a hand-over to that thread and back).
/// `JIANGUAN_SQLITE_READERS` overrides it.
fn read_connections() -> u32 {
    std::env::var("JIANGUAN_SQLITE_READERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get() as u32))
        .clamp(2, 64)
}

async fn sqlite_pool(url: &str, max: u32) -> Result<sea_orm::DatabaseConnection, ConnectError> {
    let mut opts = ConnectOptions::new(url.to_string());
    opts.max_connections(max)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(60))
        // No ping before a connection is handed out: the database is a file in this
        // process, with no server to hang up, and each ping is a hand-over to the
        // connection's thread and back — a third of the hand-overs of a one-row query
        // (sqlx pings again as it takes the connection back, which it does not let us
        // skip).
        .test_before_acquire(false)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                // FULL: an acknowledged commit survives a power cut, not just a crash.
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                .foreign_keys(true)
                .create_if_missing(true)
                // 8 MiB of pages per connection (SQLite's default is 2): a big county's
                // lists otherwise re-read their pages from the OS on every request.
                .pragma("cache_size", "-8192")
        });
    Database::connect(opts).await.map_err(ConnectError::Connect)
}
