//! 举报 handled in the system: where and when it happened, the handling loop (state,
//! assignee and deadline, what was done and the records it links, the reply drafted and
//! approved, the follow-up call), a possible duplicate, and the form it came from (one
//! submission per form). The receipt code stays in `receipt_code`, as its hash only.
//! Attempts of the public (tip-offs sent, receipts looked up) are counted per address;
//! partner systems file tip-offs through Open311 with a key the county issued.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0016_tipoffs"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        let columns = [
            string_null("state"),
            string_null("service"),
            string_null("township"),
            string_null("village"),
            string_null("project_id"),
            date_null("occurred_on"),
            timestamp_with_time_zone_null("received_at"),
            string_null("contact_wish"),
            string_null("assignee_id"),
            date_null("due_on"),
            text_null("decline_reason"),
            text_null("handling"),
            text_null("links"),
            text_null("reply_draft"),
            string_null("reply_by"),
            text_null("review_note"),
            string_null("reviewed_by"),
            date_null("closed_on"),
            text_null("follow_up"),
            string_null("duplicate_of"),
            string_null("recorded_by"),
            string_null("form_nonce"),
        ];
        for mut c in columns {
            m.alter_table(Table::alter().table("tipoffs").add_column(&mut c).take())
                .await?;
        }
        // The project fields a county publishes (JSON array of codes); none: all.
        m.alter_table(
            Table::alter()
                .table("counties")
                .add_column(text_null("public_fields"))
                .take(),
        )
        .await?;
        // A form is sent once: two clicks at once make one tip-off.
        m.create_index(
            Index::create()
                .name("ux_tipoffs_form_nonce")
                .table("tipoffs")
                .col("form_nonce")
                .unique()
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_tipoffs_county_received")
                .table("tipoffs")
                .col("county_code")
                .col("received_on")
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("public_attempts")
                .col(big_pk_auto("id"))
                .col(string("ip"))
                .col(string("action"))
                .col(timestamp_with_time_zone("at"))
                .take(),
        )
        .await?;
        // Keys a county issues to partner systems that file tip-offs through Open311.
        m.create_table(
            Table::create()
                .table("partner_keys")
                .col(string("id").primary_key())
                .col(string_len("county_code", 6))
                .col(string("name"))
                .col(string("key_hash"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("partner_keys", "county_code")
                        .to("counties", "code"),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_partner_keys_hash")
                .table("partner_keys")
                .col("key_hash")
                .unique()
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_public_attempts_ip")
                .table("public_attempts")
                .col("ip")
                .col("action")
                .col("at")
                .take(),
        )
        .await
    }
}
