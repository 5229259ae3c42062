//! The history of one record, from its audit trail. It is asked of a record, never of a
//! bare id: the caller has read the record through the actor's scope (each record's own
//! `get`), so a history is never shown of a record its reader may not see, and the record
//! is not read a second time to check it.

use crate::{App, AppError};
use jianguan_store::entity::audit_log;
use jianguan_store::entity::{
    asset, disbursement, document, enterprise, inspection, inventory_count, market_finding,
    project, rectification_order, sanction, subsidy_claim, tipoff,
};
use jianguan_store::queries;

/// A record with a history: the name its audit entries give its kind, and its id.
pub trait Audited {
    const ENTITY: &'static str;
    fn audit_id(&self) -> &str;
}

macro_rules! audited {
    ($($model:path => $entity:literal),* $(,)?) => {$(
        impl Audited for $model {
            const ENTITY: &'static str = $entity;
            fn audit_id(&self) -> &str {
                &self.id
            }
        }
    )*};
}

audited! {
    enterprise::Model => "enterprise",
    project::Model => "project",
    inspection::Model => "inspection",
    rectification_order::Model => "rectification_order",
    sanction::Model => "sanction",
    tipoff::Model => "tipoff",
    market_finding::Model => "market_finding",
    asset::Model => "asset",
    inventory_count::Model => "inventory_count",
    document::Model => "document",
    subsidy_claim::Model => "subsidy_claim",
    disbursement::Model => "disbursement",
}

/// The history of a record its page has just read, newest first.
pub async fn of<R: Audited>(app: &App, record: &R) -> Result<Vec<audit_log::Model>, AppError> {
    Ok(queries::audit_for(app.store.reader(), R::ENTITY, record.audit_id()).await?)
}
