//! Which state of each county's stored docket is current: a random version the docket's
//! refresh replaces in the same write as the findings. A server keeps a county's docket
//! in memory while the version it read with it is still the one stored, so several
//! servers on one database (and a database restored from a backup) never serve another
//! state's findings: a version is never reused, whatever the order of events.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0022_docket_versions"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared(
                "CREATE TABLE docket_versions (county_code TEXT NOT NULL PRIMARY KEY, \
                 version TEXT NOT NULL)",
            )
            .await?;
        Ok(())
    }
}
