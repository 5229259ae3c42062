//! 资产台账 kept in the product (一（五）): the rest of a ledger line (specification,
//! quantity and unit, invoice, where it is and who keeps it, its status), and the tags a
//! county issues — numbered without gaps or repeats, printed before or after the asset is
//! entered, bound to one asset each.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0013_asset_ledger"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for col in [
            text_null("model_spec"),
            big_integer_null("quantity"),
            string_null("unit"),
            string_null("invoice"),
            string_null("township"),
            string_null("village"),
            double_null("latitude"),
            double_null("longitude"),
            // NULL: imported without one, read as in use.
            string_null("status"),
        ] {
            m.alter_table(Table::alter().table("assets").add_column(col).take())
                .await?;
        }
        m.create_table(
            Table::create()
                .table("asset_tags")
                // The tag itself, e.g. JG-141122-00001.
                .col(string("id").primary_key())
                .col(string_len("county_code", 6))
                .col(big_integer("seq"))
                // The enterprise a pre-printed batch was issued to (None: the bureau's).
                .col(string_null("enterprise_id"))
                .col(string("batch"))
                .col(string("issued_by"))
                .col(date("issued_on"))
                // Bound to at most one asset; an asset carries at most one tag.
                .col(string_null("asset_id").unique_key())
                .col(date_null("bound_on"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("voided_at"))
                .col(text_null("void_reason"))
                .foreign_key(
                    ForeignKey::create()
                        .from("asset_tags", "county_code")
                        .to("counties", "code"),
                )
                .take(),
        )
        .await?;
        // Numbers run without repeats per county.
        m.create_index(
            Index::create()
                .name("ux_asset_tags_seq")
                .table("asset_tags")
                .col("county_code")
                .col("seq")
                .unique()
                .take(),
        )
        .await
    }
}
