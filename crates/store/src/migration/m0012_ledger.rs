//! 资金台账 stored: one append-only table of money movements, each entry sealed into the
//! audit chain like any record. Rows are never changed or removed — the database itself
//! refuses it — so a correction can only be a reversing entry that names what it undoes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0012_ledger"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("ledger_entries")
                .col(string("id").primary_key())
                .col(string_len("county_code", 6))
                // The order entries were written in, across the deployment.
                .col(big_integer("seq").unique_key())
                .col(string("project_id"))
                .col(string("movement"))
                .col(big_integer("amount_fen"))
                .col(date("date"))
                .col(string("source"))
                // Unique: an entry is reversed at most once.
                .col(string_null("reverses").unique_key())
                .col(string("recorded_by"))
                .col(timestamp_with_time_zone("recorded_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("ledger_entries", "county_code")
                        .to("counties", "code"),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_ledger_entries_project")
                .table("ledger_entries")
                .col("county_code")
                .col("project_id")
                .take(),
        )
        .await?;
        let db = m.get_connection();
        let statements: &[&str] = match m.get_database_backend() {
            DatabaseBackend::Postgres => &[
                "CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN RAISE EXCEPTION 'ledger entries are append-only'; END $$",
                "CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE \
                 ON ledger_entries FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()",
            ],
            _ => &[
                "CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries \
                 BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END",
                "CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries \
                 BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END",
            ],
        };
        for s in statements {
            db.execute_unprepared(s).await?;
        }
        Ok(())
    }
}
