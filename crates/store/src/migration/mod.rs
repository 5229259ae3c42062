//! Embedded migrations, one definition for both backends. A migration, once released, is
//! never edited: later changes are new migrations.

use sea_orm_migration::prelude::*;

mod m0001_foundation;
mod m0002_facts;
mod m0003_docket;
mod m0004_workflow;
mod m0005_reviews;
mod m0006_rosters;
pub(crate) mod m0007_tallies;
pub(crate) mod m0008_seals;
mod m0009_market;
mod m0010_funds;
mod m0011_assets;
mod m0012_ledger;
mod m0013_asset_ledger;
mod m0014_counts;
mod m0015_documents;
mod m0016_tipoffs;
mod m0017_list_indexes;
mod m0018_ledger_catch_up;
mod m0019_claim_invoice_keys;
mod m0020_inspection_counts;
mod m0021_docket_indexes;
mod m0022_docket_versions;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_facts::Migration),
            Box::new(m0003_docket::Migration),
            Box::new(m0004_workflow::Migration),
            Box::new(m0005_reviews::Migration),
            Box::new(m0006_rosters::Migration),
            Box::new(m0007_tallies::Migration),
            Box::new(m0008_seals::Migration),
            Box::new(m0009_market::Migration),
            Box::new(m0010_funds::Migration),
            Box::new(m0011_assets::Migration),
            Box::new(m0012_ledger::Migration),
            Box::new(m0013_asset_ledger::Migration),
            Box::new(m0014_counts::Migration),
            Box::new(m0015_documents::Migration),
            Box::new(m0016_tipoffs::Migration),
            Box::new(m0017_list_indexes::Migration),
            Box::new(m0018_ledger_catch_up::Migration),
            Box::new(m0019_claim_invoice_keys::Migration),
            Box::new(m0020_inspection_counts::Migration),
            Box::new(m0021_docket_indexes::Migration),
            Box::new(m0022_docket_versions::Migration),
        ]
    }
}
