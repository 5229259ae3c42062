//! The funds ledger's catch-up runs once, not at every start. It posts what a county's
//! money records say and its ledger does not hold yet — needed only by a database written
//! before the ledger was stored (m0012), since every writer posts in its own write. It
//! reads every county's money: seconds of CPU and ~70 MB more memory on a province's
//! database, which `serve` paid at each start until now. A database with history gets the
//! flag; the catch-up clears it when every county is done (an interrupted one goes on at
//! the next start).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0018_ledger_catch_up"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("audit_head")
                .add_column(boolean("post_ledger").default(false))
                .take(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared("UPDATE audit_head SET post_ledger = (seq > 0)")
            .await?;
        Ok(())
    }
}
