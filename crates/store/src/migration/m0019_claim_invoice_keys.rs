//! The claims' invoices by their compared keys (see [`crate::facts::invoice_keys`]), so
//! that a county's evaluation finds an invoice claimed elsewhere by looking up its own
//! invoices' keys instead of reading every other county's claims (~150 ms a county on the
//! 1,500-county benchmark, whatever the county's size). Written for the claims already
//! stored; every later write keeps them.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0019_claim_invoice_keys"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let conn = m.get_connection();
        for sql in [
            // The key first: the lookup joins on it.
            "CREATE TABLE claim_invoice_keys (invoice_key TEXT NOT NULL, \
             county_code VARCHAR(6) NOT NULL, claim_id TEXT NOT NULL, \
             PRIMARY KEY (invoice_key, claim_id))",
            "CREATE INDEX ix_claim_invoice_keys_county ON claim_invoice_keys \
             (county_code, invoice_key)",
            "CREATE INDEX ix_claim_invoice_keys_claim ON claim_invoice_keys (claim_id)",
        ] {
            conn.execute_unprepared(sql).await?;
        }
        crate::facts::invoice_keys::rebuild(conn, None)
            .await
            .map_err(|e| DbErr::Migration(format!("claim_invoice_keys: {e}")))?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared("DROP TABLE claim_invoice_keys")
            .await?;
        Ok(())
    }
}
