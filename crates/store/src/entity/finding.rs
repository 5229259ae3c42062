use sea_orm::entity::prelude::*;

/// A finding of the docket, with its life: first seen, last seen, resolved.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "findings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub county_code: String,
    pub key: String,
    pub rule: String,
    pub severity: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub subject_name: String,
    pub enterprise_id: Option<String>,
    pub project_id: Option<String>,
    pub period: Option<String>,
    pub clause: String,
    pub message: String,
    pub due: Option<Date>,
    pub action: String,
    pub first_seen: Date,
    pub last_seen: Date,
    pub resolved_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
