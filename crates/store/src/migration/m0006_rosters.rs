//! Training-class rosters as uploaded by the contractor: each upload kept, the latest in
//! force.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0006_rosters"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("training_rosters")
                .col(string("id").primary_key())
                .col(string_len("county_code", 6))
                .col(string("class_id"))
                // [{name, village, phone}], as JSON
                .col(text("trainees"))
                .col(string("uploaded_by"))
                .col(timestamp_with_time_zone("uploaded_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("training_rosters", "county_code")
                        .to("counties", "code"),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_training_rosters_class")
                .table("training_rosters")
                .col("class_id")
                .take(),
        )
        .await
    }
}
