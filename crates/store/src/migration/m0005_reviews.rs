//! The review of what contractors submit (progress plans and reports): one row per version
//! handed in, with the reviewer's verdict. Records imported from before have none and count
//! as accepted.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0005_reviews"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("submission_reviews")
                .col(string("id").primary_key())
                .col(string_len("county_code", 6))
                // progress_plan, progress_report
                .col(string("kind"))
                .col(string("record_id"))
                .col(string("enterprise_id"))
                .col(string("project_id"))
                .col(big_integer("version"))
                // The record this version replaces, if any.
                .col(string_null("supersedes"))
                .col(text_null("explanation"))
                .col(string("submitted_by"))
                .col(timestamp_with_time_zone("submitted_at"))
                // submitted, approved, has_issues, rejected
                .col(string("state"))
                .col(text_null("note"))
                .col(string_null("reviewed_by"))
                .col(timestamp_with_time_zone_null("reviewed_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("submission_reviews", "county_code")
                        .to("counties", "code"),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_submission_reviews_queue")
                .table("submission_reviews")
                .col("county_code")
                .col("state")
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_submission_reviews_record")
                .table("submission_reviews")
                .col("record_id")
                .take(),
        )
        .await
    }
}
