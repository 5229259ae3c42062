//! The one way to read a county record in a caller's [`Scope`]: its county, for a contractor
//! its own enterprise (directly or through the project the record belongs to), and not
//! voided. Use cases and pages load records through [`one`] and list them from [`find`];
//! a record outside the scope is simply not there.

use crate::entity;
use crate::queries::Scope;
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PrimaryKeyTrait, QueryFilter,
    Select,
};

/// How a contractor's enterprise reaches a record.
pub enum Owner<C> {
    /// The record names the enterprise.
    Enterprise(C),
    /// The record names a project, which names the enterprise.
    Project(C),
}

/// A county record: where its county, its owner and its voiding are written.
pub trait InScope: EntityTrait {
    fn county() -> Self::Column;
    fn owner() -> Owner<Self::Column>;
    /// The voiding column, for records that can be voided.
    fn voided() -> Option<Self::Column>;
}

/// The condition a row must meet to be in `scope` (voided rows included).
pub fn condition<E: InScope>(scope: &Scope) -> Condition {
    let mut c = Condition::all();
    if let Some(county) = &scope.county {
        c = c.add(E::county().eq(county.as_str()));
    }
    if let Some(e) = &scope.enterprise {
        c = c.add(match E::owner() {
            Owner::Enterprise(col) => col.eq(e.as_str()),
            Owner::Project(col) => col.in_subquery(
                Query::select()
                    .column(entity::project::Column::Id)
                    .from(entity::project::Entity)
                    .and_where(entity::project::Column::EnterpriseId.eq(e.as_str()))
                    .to_owned(),
            ),
        });
    }
    c
}

/// The live records in `scope`, to be filtered, ordered and bounded by the caller.
pub fn find<E: InScope>(scope: &Scope) -> Select<E> {
    let q = E::find().filter(condition::<E>(scope));
    match E::voided() {
        Some(v) => q.filter(v.is_null()),
        None => q,
    }
}

/// The records in `scope` with the voided ones, for lists that show superseded versions.
pub fn find_with_voided<E: InScope>(scope: &Scope) -> Select<E> {
    E::find().filter(condition::<E>(scope))
}

/// One live record by id, if it is in `scope`.
pub async fn one<E>(
    conn: &impl ConnectionTrait,
    scope: &Scope,
    id: &str,
) -> Result<Option<E::Model>, DbErr>
where
    E: InScope,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<String>,
{
    let q = E::find_by_id(id.to_string()).filter(condition::<E>(scope));
    match E::voided() {
        Some(v) => q.filter(v.is_null()),
        None => q,
    }
    .one(conn)
    .await
}

/// One record by id if it is in `scope`, voided or not: for a record's page, which stays
/// (marked voided) after it is voided.
pub async fn one_with_voided<E>(
    conn: &impl ConnectionTrait,
    scope: &Scope,
    id: &str,
) -> Result<Option<E::Model>, DbErr>
where
    E: InScope,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<String>,
{
    E::find_by_id(id.to_string())
        .filter(condition::<E>(scope))
        .one(conn)
        .await
}

macro_rules! in_scope {
    ($($module:ident: $kind:ident($owner:ident) $(, voided $voided:ident)?;)*) => {$(
        impl InScope for entity::$module::Entity {
            fn county() -> Self::Column {
                entity::$module::Column::CountyCode
            }
            fn owner() -> Owner<Self::Column> {
                Owner::$kind(entity::$module::Column::$owner)
            }
            #[allow(unused_mut, unused_assignments)]
            fn voided() -> Option<Self::Column> {
                let mut v = None;
                $(v = Some(entity::$module::Column::$voided);)?
                v
            }
        }
    )*};
}

in_scope! {
    asset: Enterprise(EnterpriseId), voided VoidedAt;
    asset_tag: Enterprise(EnterpriseId), voided VoidedAt;
    asset_transfer: Enterprise(EnterpriseId), voided VoidedAt;
    data_report: Enterprise(EnterpriseId), voided VoidedAt;
    disbursement: Project(ProjectId), voided VoidedAt;
    document: Enterprise(EnterpriseId), voided VoidedAt;
    enterprise: Enterprise(Id), voided VoidedAt;
    finding: Enterprise(EnterpriseId);
    fund_recovery: Enterprise(EnterpriseId), voided VoidedAt;
    incident: Project(ProjectId), voided VoidedAt;
    inspection: Project(ProjectId), voided VoidedAt;
    inspection_count: Project(ProjectId);
    inventory_count: Enterprise(EnterpriseId), voided VoidedAt;
    inventory_scan: Enterprise(EnterpriseId), voided VoidedAt;
    ledger_entry: Project(ProjectId);
    licence: Enterprise(EnterpriseId), voided VoidedAt;
    market_finding: Enterprise(EnterpriseId), voided VoidedAt;
    order_submission: Enterprise(EnterpriseId);
    performance_evaluation: Project(ProjectId), voided VoidedAt;
    photo: Enterprise(EnterpriseId), voided VoidedAt;
    progress_plan: Project(ProjectId), voided VoidedAt;
    progress_report: Project(ProjectId), voided VoidedAt;
    project: Enterprise(EnterpriseId), voided VoidedAt;
    rectification_order: Enterprise(EnterpriseId), voided VoidedAt;
    sanction: Enterprise(EnterpriseId);
    submission_review: Enterprise(EnterpriseId);
    subsidy_claim: Project(ProjectId), voided VoidedAt;
    tipoff: Project(ProjectId), voided VoidedAt;
    training_class: Project(ProjectId), voided VoidedAt;
}
