//! Anchoring the audit chain to the records and to the outside world. Each audit row may
//! carry a seal: the hash of the list of (table, record, digest of the row as written) of
//! the records its transaction wrote, kept in `audit_seals`, so that a record edited
//! behind the chain's back no longer matches what the chain last recorded. Signed
//! checkpoints of the chain head (`audit_checkpoints`) let a copy kept elsewhere prove
//! that history before it was not rewritten. API tokens get an expiry.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

pub const NAME: &str = "m0008_seals";

impl MigrationName for Migration {
    fn name(&self) -> &str {
        NAME
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("audit_log")
                .add_column(text_null("seal"))
                .take(),
        )
        .await?;
        // A database with history gets its records sealed once, after all migrations
        // (store::Store::open), in pages; the flag stays until the last page is done.
        m.alter_table(
            Table::alter()
                .table("audit_head")
                .add_column(boolean("backfill_seals").default(false))
                .take(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared("UPDATE audit_head SET backfill_seals = (seq > 0)")
            .await?;
        m.create_table(
            Table::create()
                .table("audit_seals")
                .col(big_integer("seq"))
                .col(string("tbl"))
                .col(string("record_id"))
                // None: the record was gone when its transaction committed.
                .col(string_null("digest"))
                .primary_key(Index::create().col("tbl").col("record_id").col("seq"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_audit_seals_seq")
                .table("audit_seals")
                .col("seq")
                .take(),
        )
        .await?;
        // API tokens expire (the owner chooses when, within a year).
        m.alter_table(
            Table::alter()
                .table("api_tokens")
                .add_column(timestamp_with_time_zone_null("expires_at"))
                .take(),
        )
        .await?;
        // Evidence files an upload is about to write (see the entity).
        m.create_table(
            Table::create()
                .table("upload_intents")
                .col(string("id").primary_key())
                .col(string("server"))
                .col(text("keys"))
                .col(timestamp_with_time_zone("created_at"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_upload_intents_server")
                .table("upload_intents")
                .col("server")
                .take(),
        )
        .await?;
        // Logins are slowed per address as well as per name.
        m.create_index(
            Index::create()
                .name("ix_login_attempts_ip")
                .table("login_attempts")
                .col("ip")
                .col("at")
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("audit_checkpoints")
                .col(big_integer("seq").primary_key())
                .col(string("hash"))
                .col(timestamp_with_time_zone("at"))
                .col(string("public_key"))
                .col(string("signature"))
                .take(),
        )
        .await
    }
}
