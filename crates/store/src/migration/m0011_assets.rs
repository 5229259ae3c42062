//! The end of a central-funds asset's time with the contractor (一（五）): handed over on a
//! day, or kept by a renewal decision through a day, once the project's service period ends.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0011_assets"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for col in [date_null("handed_over_on"), date_null("renewed_until")] {
            m.alter_table(Table::alter().table("assets").add_column(col).take())
                .await?;
        }
        Ok(())
    }
}
