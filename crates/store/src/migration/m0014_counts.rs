//! 清查盘点 done in the product (一（五）): a count's scope and life (open while people
//! scan, then closed), each label scanned one row (never twice in a count, whoever scans
//! it), the custodian transfers of an asset, who received an asset handed over and the
//! decision behind a renewal, and the record a fund-recovery proposal came from.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0014_counts"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for col in [
            // NULL: imported, and so closed.
            string_null("state"),
            string_null("project_id"),
            string_null("township"),
            string_null("village"),
            date_null("started_on"),
            string_null("started_by"),
            string_null("closed_by"),
            // The assets the count covers (JSON array of ids), fixed when it starts.
            text_null("expected"),
        ] {
            m.alter_table(
                Table::alter()
                    .table("inventory_counts")
                    .add_column(col)
                    .take(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table("inventory_scans")
                .col(string("id").primary_key())
                .col(string_len("county_code", 6))
                .col(string("count_id"))
                .col(string("enterprise_id"))
                // The label's code as compared (normalised).
                .col(string("code"))
                .col(string_null("asset_id"))
                .col(string("result"))
                .col(text_null("note"))
                .col(string("scanned_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("voided_at"))
                .col(text_null("void_reason"))
                .foreign_key(
                    ForeignKey::create()
                        .from("inventory_scans", "county_code")
                        .to("counties", "code"),
                )
                .take(),
        )
        .await?;
        // A label is one entry of a count, however many phones scan it at once.
        m.create_index(
            Index::create()
                .name("ux_inventory_scans_code")
                .table("inventory_scans")
                .col("count_id")
                .col("code")
                .unique()
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("asset_transfers")
                .col(string("id").primary_key())
                .col(string_len("county_code", 6))
                .col(string("enterprise_id"))
                .col(string("asset_id"))
                .col(date("date"))
                .col(string_null("from_custodian"))
                .col(string("to_custodian"))
                .col(text_null("from_place"))
                .col(text_null("to_place"))
                .col(text_null("note"))
                .col(string("recorded_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("voided_at"))
                .col(text_null("void_reason"))
                .foreign_key(
                    ForeignKey::create()
                        .from("asset_transfers", "county_code")
                        .to("counties", "code"),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_asset_transfers_asset")
                .table("asset_transfers")
                .col("asset_id")
                .take(),
        )
        .await?;
        for col in [string_null("handed_over_to"), text_null("renewal_basis")] {
            m.alter_table(Table::alter().table("assets").add_column(col).take())
                .await?;
        }
        // "discrepancy:<count>#<item>": a proposal made from a record, which its decision
        // settles in the same write.
        m.alter_table(
            Table::alter()
                .table("sanctions")
                .add_column(string_null("source"))
                .take(),
        )
        .await
    }
}
