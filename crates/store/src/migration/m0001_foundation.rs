//! Counties, programmes, enterprises, projects, accounts, sessions and the audit chain.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0001_foundation"
    }
}

/// Columns every voidable record has: nothing an audit may need is ever deleted.
fn record_columns(t: &mut TableCreateStatement) -> &mut TableCreateStatement {
    t.col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"))
        .col(timestamp_with_time_zone_null("voided_at"))
        .col(text_null("void_reason"))
}

fn index(table: &'static str, name: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(*c);
    }
    i.take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("counties")
                .col(string_len("code", 6).primary_key())
                .col(string("name"))
                .col(string("prefecture"))
                .col(string("province"))
                .col(text("townships"))
                .col(timestamp_with_time_zone("created_at"))
                .take(),
        )
        .await?;

        let mut t = Table::create();
        t.table("programmes")
            .col(string("id").primary_key())
            .col(string_len("county_code", 6))
            .col(string("name"))
            .col(string_null("plan_document"))
            .col(date("period_start"))
            .col(date("period_end"))
            .col(big_integer("budget_fen"))
            .col(string("responsible_person"))
            .col(string("profile"));
        record_columns(&mut t).foreign_key(
            ForeignKey::create()
                .from("programmes", "county_code")
                .to("counties", "code"),
        );
        m.create_table(t.take()).await?;
        m.create_index(index(
            "programmes",
            "ix_programmes_county",
            &["county_code"],
        ))
        .await?;

        let mut t = Table::create();
        t.table("enterprises")
            .col(string("id").primary_key())
            .col(string_len("county_code", 6))
            .col(string("name"))
            .col(string_len("uscc", 18))
            .col(string_null("legal_representative"))
            .col(string_null("contact_person"))
            .col(string_null("contact_phone"))
            .col(string_null("address"))
            .col(boolean("handles_food"));
        record_columns(&mut t).foreign_key(
            ForeignKey::create()
                .from("enterprises", "county_code")
                .to("counties", "code"),
        );
        m.create_table(t.take()).await?;
        m.create_index(index(
            "enterprises",
            "ix_enterprises_county",
            &["county_code", "name"],
        ))
        .await?;
        m.create_index(index("enterprises", "ix_enterprises_uscc", &["uscc"]))
            .await?;

        let mut t = Table::create();
        t.table("projects")
            .col(string("id").primary_key())
            .col(string_len("county_code", 6))
            .col(string("programme_id"))
            .col(string("enterprise_id"))
            .col(string("name"))
            .col(string("system"))
            .col(string("township"))
            .col(string_null("village"))
            .col(double_null("latitude"))
            .col(double_null("longitude"))
            .col(big_integer("central_funds_fen"))
            .col(date("construction_start"))
            .col(date("construction_end"))
            .col(date_null("operation_start"))
            .col(date_null("service_period_end"))
            .col(string("status"))
            .col(text("targets"));
        record_columns(&mut t)
            .foreign_key(
                ForeignKey::create()
                    .from("projects", "county_code")
                    .to("counties", "code"),
            )
            .foreign_key(
                ForeignKey::create()
                    .from("projects", "programme_id")
                    .to("programmes", "id"),
            )
            .foreign_key(
                ForeignKey::create()
                    .from("projects", "enterprise_id")
                    .to("enterprises", "id"),
            );
        m.create_table(t.take()).await?;
        m.create_index(index(
            "projects",
            "ix_projects_county",
            &["county_code", "system"],
        ))
        .await?;
        m.create_index(index(
            "projects",
            "ix_projects_enterprise",
            &["enterprise_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("users")
                .col(string("id").primary_key())
                .col(string_uniq("username"))
                .col(string("display_name"))
                .col(string("role"))
                .col(string_len_null("county_code", 6))
                .col(string_null("enterprise_id"))
                .col(string("password_hash"))
                .col(boolean("disabled"))
                .col(timestamp_with_time_zone("password_changed_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("users", "county_code")
                        .to("counties", "code"),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("users", "enterprise_id")
                        .to("enterprises", "id"),
                )
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("sessions")
                .col(string("token_hash").primary_key())
                .col(string("user_id"))
                .col(string("csrf_token"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("last_seen_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("sessions", "user_id")
                        .to("users", "id"),
                )
                .take(),
        )
        .await?;
        m.create_index(index("sessions", "ix_sessions_user", &["user_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("api_tokens")
                .col(string("id").primary_key())
                .col(string("user_id"))
                .col(string("name"))
                .col(string_uniq("token_hash"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("api_tokens", "user_id")
                        .to("users", "id"),
                )
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("login_attempts")
                .col(big_pk_auto("id"))
                .col(string("username"))
                .col(string("ip"))
                .col(boolean("succeeded"))
                .col(timestamp_with_time_zone("at"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "login_attempts",
            "ix_login_attempts_user",
            &["username", "at"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("audit_log")
                .col(big_integer("seq").primary_key())
                .col(timestamp_with_time_zone("at"))
                .col(string_null("actor_id"))
                .col(string("actor_name"))
                .col(string_len_null("county_code", 6))
                .col(string("entity"))
                .col(string("entity_id"))
                .col(string("action"))
                .col(text_null("before"))
                .col(text_null("after"))
                .col(string_len("prev_hash", 64))
                .col(string_len("hash", 64))
                .take(),
        )
        .await?;
        m.create_index(index(
            "audit_log",
            "ix_audit_entity",
            &["entity", "entity_id"],
        ))
        .await?;

        // The head of the chain: one row, locked by every writer so that rows are appended
        // one at a time in the order their transactions commit.
        m.create_table(
            Table::create()
                .table("audit_head")
                .col(integer("id").primary_key())
                .col(big_integer("seq"))
                .col(string_len("hash", 64))
                .take(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table("audit_head")
                .columns(["id", "seq", "hash"])
                .values_panic([1.into(), 0i64.into(), crate::audit::GENESIS_HASH.into()])
                .take(),
        )
        .await?;
        Ok(())
    }
}
