//! Funds handled in the product, not only imported: a subsidy claim's purpose, the
//! enterprise's declaration, who entered it and the amount approved on review; a
//! disbursement's two-person record (recorded by one, confirmed by another); and the
//! decisions people take on pairs of claims the duplicate rules suspect.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0010_funds"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for col in [
            text_null("purpose"),
            text_null("declaration"),
            string_null("recorded_by"),
            big_integer_null("approved_fen"),
            date_null("approved_on"),
        ] {
            m.alter_table(
                Table::alter()
                    .table("subsidy_claims")
                    .add_column(col)
                    .take(),
            )
            .await?;
        }
        for col in [
            // NULL: imported, which counts as confirmed; 'recorded' awaits the second person.
            string_null("state"),
            string_null("recorded_by"),
            string_null("confirmed_by"),
            date_null("confirmed_on"),
        ] {
            m.alter_table(Table::alter().table("disbursements").add_column(col).take())
                .await?;
        }
        m.create_table(
            Table::create()
                .table("duplicate_decisions")
                .col(string("id").primary_key())
                .col(string_len("county_code", 6))
                // The pair in id order, as the rules look it up.
                .col(string("claim_a"))
                .col(string("claim_b"))
                .col(boolean("confirmed"))
                // What the pair looked like when decided: a change to either claim
                // raises it again.
                .col(string("fingerprint"))
                .col(text("reason"))
                .col(string("decided_by"))
                .col(date("decided_on"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("voided_at"))
                .col(text_null("void_reason"))
                .foreign_key(
                    ForeignKey::create()
                        .from("duplicate_decisions", "county_code")
                        .to("counties", "code"),
                )
                .take(),
        )
        .await?;
        // One decision per pair as it stands: two identical clicks at once make one.
        m.create_index(
            Index::create()
                .name("ux_duplicate_decisions_pair")
                .table("duplicate_decisions")
                .col("claim_a")
                .col("claim_b")
                .col("fingerprint")
                .unique()
                .take(),
        )
        .await
    }
}
