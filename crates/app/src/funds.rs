//! 资金: central-funds disbursements, subsidy claims and recoveries as the county and its
//! contractors see them.

use crate::{Actor, App, AppError};
use jianguan_store::entity::disbursement;
use jianguan_store::scoped;
use jianguan_store::sea::{QueryOrder, QuerySelect};

/// The disbursements the actor may see (a contractor: its own projects'), newest first.
pub async fn disbursements(app: &App, actor: &Actor) -> Result<Vec<disbursement::Model>, AppError> {
    Ok(scoped::find::<disbursement::Entity>(&actor.scope())
        .order_by_desc(disbursement::Column::Date)
        .order_by_asc(disbursement::Column::Id)
        .limit(2_000)
        .all(app.store.reader())
        .await?)
}
