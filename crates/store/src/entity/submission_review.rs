use sea_orm::entity::prelude::*;

/// 审核: one version of a contractor's submission (progress plan or report) and its review.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "submission_reviews")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub county_code: String,
    pub kind: String,
    pub record_id: String,
    pub enterprise_id: String,
    pub project_id: String,
    pub version: i64,
    pub supersedes: Option<String>,
    pub explanation: Option<String>,
    pub submitted_by: String,
    pub submitted_at: DateTimeUtc,
    pub state: String,
    pub note: Option<String>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
