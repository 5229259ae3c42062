//! The docket: findings with a life (first seen, last seen, resolved), in-app
//! notifications, job leases for the scheduled evaluation, and when a project's
//! supervision closed (acceptance or disqualification).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0003_docket"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("projects")
                .add_column(date_null("closed_on"))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("findings")
                .col(string("id").primary_key())
                .col(string_len("county_code", 6))
                .col(string("key"))
                .col(string("rule"))
                .col(string("severity"))
                .col(string("subject_kind"))
                .col(string("subject_id"))
                .col(string("subject_name"))
                .col(string_null("enterprise_id"))
                .col(string_null("project_id"))
                .col(string_null("period"))
                .col(string("clause"))
                .col(text("message"))
                .col(date_null("due"))
                .col(text("action"))
                .col(date("first_seen"))
                .col(date("last_seen"))
                .col(date_null("resolved_on"))
                .foreign_key(
                    ForeignKey::create()
                        .from("findings", "county_code")
                        .to("counties", "code"),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_findings_key")
                .table("findings")
                .col("county_code")
                .col("key")
                .unique()
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_findings_open")
                .table("findings")
                .col("county_code")
                .col("resolved_on")
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("notifications")
                .col(string("id").primary_key())
                .col(string("user_id"))
                .col(string_len("county_code", 6))
                .col(string_null("finding_key"))
                .col(string("title"))
                .col(text("body"))
                .col(string_null("link"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("read_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("notifications", "user_id")
                        .to("users", "id"),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_notifications_user")
                .table("notifications")
                .col("user_id")
                .col("read_at")
                .take(),
        )
        .await?;

        // One row per scheduled job: whoever holds an unexpired lease runs it, so several
        // app servers never run the same job at once.
        m.create_table(
            Table::create()
                .table("job_leases")
                .col(string("name").primary_key())
                .col(string_null("holder"))
                .col(timestamp_with_time_zone_null("expires_at"))
                .col(date_null("last_run_on"))
                .take(),
        )
        .await?;
        Ok(())
    }
}
