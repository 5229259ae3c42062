use sea_orm::entity::prelude::*;

/// 处理: a sanction proposed by an inspector and decided by the responsible person.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "sanctions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub county_code: String,
    pub enterprise_id: String,
    pub project_id: Option<String>,
    pub kind: String,
    pub facts: String,
    pub clause: String,
    pub amount_fen: Option<i64>,
    pub deadline: Option<Date>,
    pub state: String,
    pub proposed_by: String,
    pub proposed_at: DateTimeUtc,
    pub decided_by: Option<String>,
    pub decided_on: Option<Date>,
    pub decision_note: Option<String>,
    pub withdrawn_on: Option<Date>,
    pub withdraw_reason: Option<String>,
    pub updated_at: DateTimeUtc,
    // Came later (m0014): absent, it is left out of the row's JSON so that older seals match.
    /// The record a proposal was made from (`discrepancy:<count>#<item>`), which the
    /// decision settles in the same write.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
