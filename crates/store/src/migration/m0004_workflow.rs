//! The inspection → rectification → sanction workflow (issue 4): photos kept as evidence,
//! earlier versions of corrected inspection records, the contractor's rectification
//! material, and sanctions proposed and decided.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0004_workflow"
    }
}

fn county_fk(table: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, "county_code")
        .to("counties", "code")
        .take()
}

async fn index(
    m: &SchemaManager<'_>,
    table: &'static str,
    cols: &[&'static str],
) -> Result<(), DbErr> {
    let mut i = Index::create();
    i.name(format!("ix_{table}_{}", cols.join("_")))
        .table(table);
    for c in cols {
        i.col(*c);
    }
    m.create_index(i.take()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column at a time.
        for (table, col) in [
            ("inspections", text_null("problems")),
            ("rectification_orders", string_null("responsible_person")),
            ("rectification_orders", text_null("source")),
        ] {
            let mut col = col;
            m.alter_table(Table::alter().table(table).add_column(&mut col).take())
                .await?;
        }

        m.create_table(
            Table::create()
                .table("photos")
                .col(string("id").primary_key())
                .col(string_len("county_code", 6))
                // What the photo is evidence for: inspection, submission, …
                .col(string("owner_kind"))
                .col(string("owner_id"))
                // The enterprise whose record it belongs to, for contractors' scope.
                .col(string_null("enterprise_id"))
                .col(string("sha256"))
                .col(string("original_name"))
                .col(string("content_type"))
                .col(big_integer("bytes"))
                .col(big_integer("width"))
                .col(big_integer("height"))
                .col(string_null("exif_taken_at"))
                .col(double_null("exif_latitude"))
                .col(double_null("exif_longitude"))
                .col(timestamp_with_time_zone_null("device_time"))
                .col(double_null("device_latitude"))
                .col(double_null("device_longitude"))
                .col(text("flags"))
                .col(string("uploaded_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("voided_at"))
                .col(text_null("void_reason"))
                .foreign_key(&mut county_fk("photos"))
                .take(),
        )
        .await?;
        index(m, "photos", &["county_code", "owner_kind", "owner_id"]).await?;
        index(m, "photos", &["sha256"]).await?;

        m.create_table(
            Table::create()
                .table("inspection_versions")
                .col(string("id").primary_key())
                .col(string_len("county_code", 6))
                .col(string("inspection_id"))
                .col(big_integer("version"))
                // The record as it stood before the correction, as JSON.
                .col(text("snapshot"))
                .col(text("reason"))
                .col(string("actor_name"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut county_fk("inspection_versions"))
                .take(),
        )
        .await?;
        index(m, "inspection_versions", &["inspection_id"]).await?;

        m.create_table(
            Table::create()
                .table("order_submissions")
                .col(string("id").primary_key())
                .col(string_len("county_code", 6))
                .col(string("order_id"))
                .col(string("enterprise_id"))
                .col(text("text"))
                .col(string("submitted_by"))
                .col(timestamp_with_time_zone("submitted_at"))
                // pending, accepted, rejected
                .col(string("review"))
                .col(text_null("review_note"))
                .col(string_null("reviewed_by"))
                .col(timestamp_with_time_zone_null("reviewed_at"))
                .foreign_key(&mut county_fk("order_submissions"))
                .take(),
        )
        .await?;
        index(m, "order_submissions", &["order_id"]).await?;

        m.create_table(
            Table::create()
                .table("sanctions")
                .col(string("id").primary_key())
                .col(string_len("county_code", 6))
                .col(string("enterprise_id"))
                .col(string_null("project_id"))
                .col(string("kind"))
                .col(text("facts"))
                .col(string("clause"))
                .col(big_integer_null("amount_fen"))
                .col(date_null("deadline"))
                .col(string("state"))
                .col(string("proposed_by"))
                .col(timestamp_with_time_zone("proposed_at"))
                .col(string_null("decided_by"))
                .col(date_null("decided_on"))
                .col(text_null("decision_note"))
                .col(date_null("withdrawn_on"))
                .col(text_null("withdraw_reason"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut county_fk("sanctions"))
                .take(),
        )
        .await?;
        index(m, "sanctions", &["county_code", "state"]).await?;
        Ok(())
    }
}
