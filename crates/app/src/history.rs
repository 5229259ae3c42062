//! The history of one record, from its audit trail.

use crate::{Actor, App, AppError};
use jianguan_store::queries;

/// The history of one record, newest first, for its page.
pub async fn history(
    app: &App,
    actor: &Actor,
    entity: &str,
    id: &str,
) -> Result<Vec<jianguan_store::entity::audit_log::Model>, AppError> {
    // The record must be visible to the actor; the caller has already fetched it, but the
    // history is a read of its own and checks again.
    match entity {
        "enterprise" => {
            crate::records::enterprise(app, actor, id).await?;
        }
        "project" => {
            crate::records::project(app, actor, id).await?;
        }
        "inspection" => {
            crate::inspections::get(app, actor, id).await?;
        }
        "rectification_order" => {
            crate::rectification::get(app, actor, id).await?;
        }
        "sanction" => {
            crate::sanctions::get(app, actor, id).await?;
        }
        "tipoff" => {
            crate::tipoffs::get(app, actor, id).await?;
        }
        "market_finding" => {
            crate::market::get(app, actor, id).await?;
        }
        "asset" => {
            crate::assets::get(app, actor, id).await?;
        }
        "inventory_count" => {
            crate::inventory::get(app, actor, id).await?;
        }
        "document" => {
            crate::documents::get(app, actor, id).await?;
        }
        "subsidy_claim" => {
            crate::funds::claim_record(app, actor, id).await?;
        }
        "disbursement" => {
            crate::funds::disbursement_record(app, actor, id).await?;
        }
        _ => return Err(AppError::NotFound),
    }
    Ok(queries::audit_for(app.store.reader(), entity, id).await?)
}
