use sea_orm::entity::prelude::*;

/// 进度计划表 (a version)
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "progress_plans")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub county_code: String,
    pub project_id: String,
    pub version: i64,
    pub effective_from: Date,
    pub milestones: String,
    pub status: String,
    pub note: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub voided_at: Option<DateTimeUtc>,
    pub void_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// `milestones`, read as its type (an error naming the row if it does not read).
    pub fn milestones_parsed(
        &self,
    ) -> Result<Vec<jianguan_domain::reporting::PlannedMilestone>, crate::StoreError> {
        crate::json::column("progress_plans", &self.id, "milestones", &self.milestones)
    }
}

/// The fields of a record in an import bundle (everything but county and bookkeeping).
pub const FIELDS: &[&str] = &[
    "id",
    "project_id",
    "version",
    "effective_from",
    "milestones",
    "status",
    "note",
];
/// Columns holding JSON text, which a bundle carries as JSON values.
pub const JSON_FIELDS: &[&str] = &["milestones"];
/// Date columns holding the first day of a month, written "YYYY-MM" in a bundle.
pub const MONTH_FIELDS: &[&str] = &[];
