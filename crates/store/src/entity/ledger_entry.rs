use sea_orm::entity::prelude::*;

/// One line of the 资金台账: a movement of central funds (see `jianguan_domain::ledger`).
/// Append-only: the database refuses an update or a delete.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "ledger_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub county_code: String,
    /// The order of writing, across the deployment.
    pub seq: i64,
    pub project_id: String,
    /// `jianguan_domain::ledger::Movement::code`.
    pub movement: String,
    /// Always positive; a reversal carries what it takes back.
    pub amount_fen: i64,
    pub date: Date,
    /// The record the money stands on, e.g. `disbursement:ID`.
    pub source: String,
    /// For a correction (冲正): the entry it reverses.
    pub reverses: Option<String>,
    /// Who wrote it, as the audit names people.
    pub recorded_by: String,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
