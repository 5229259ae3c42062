//! 公文 (GB/T 9704) issued from the records: the register, one run of numbers per county,
//! issuing office and year (unique, so a number is never given twice), each document's
//! PDF and DOCX kept under their SHA-256; and the county's issuing office.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0015_documents"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("documents")
                .col(string("id").primary_key())
                .col(string_len("county_code", 6))
                .col(string("kind"))
                .col(string("source_kind"))
                .col(string("source_id"))
                // Whom it concerns (a contractor reads what is addressed to it).
                .col(string_null("enterprise_id"))
                .col(string_null("project_id"))
                // 机关代字 (or 纪要 for minutes): the run the number belongs to.
                .col(string("office_code"))
                .col(integer("year"))
                .col(big_integer("seq"))
                .col(string("number"))
                .col(text("title"))
                .col(date("issued_on"))
                .col(string("issued_by"))
                .col(string("state"))
                .col(text_null("spoil_reason"))
                .col(date_null("spoiled_on"))
                // A correction cites the document it replaces.
                .col(string_null("replaces"))
                .col(string("pdf_sha256"))
                .col(big_integer("pdf_bytes"))
                .col(string("docx_sha256"))
                .col(big_integer("docx_bytes"))
                .col(integer("pages"))
                // Which face stood in for which (JSON).
                .col(text("fonts"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("voided_at"))
                .col(text_null("void_reason"))
                .foreign_key(
                    ForeignKey::create()
                        .from("documents", "county_code")
                        .to("counties", "code"),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_documents_number")
                .table("documents")
                .col("county_code")
                .col("office_code")
                .col("year")
                .col("seq")
                .unique()
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_documents_source")
                .table("documents")
                .col("source_id")
                .take(),
        )
        .await?;
        // The issuing office (JSON: name, code, mark, cc); none: the regulation's own.
        m.alter_table(
            Table::alter()
                .table("counties")
                .add_column(text_null("document_office"))
                .take(),
        )
        .await
    }
}
