//! Market-order problems (一（四）) raised in the product, not only imported: the products
//! concerned, where the problem came from, who raised it, and how it was closed (an
//! accepted rectification or the responsible person's decision, with the reason).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0009_market"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for col in [
            text_null("products"),
            string_null("source"),
            string_null("raised_by"),
            string_null("closed_by"),
            text_null("close_reason"),
        ] {
            m.alter_table(
                Table::alter()
                    .table("market_findings")
                    .add_column(col)
                    .take(),
            )
            .await?;
        }
        Ok(())
    }
}
