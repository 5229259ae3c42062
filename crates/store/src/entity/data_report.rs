use sea_orm::entity::prelude::*;

/// 生产经营数据 (figures as JSON)
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "data_reports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub county_code: String,
    pub enterprise_id: String,
    pub month: Date,
    pub submitted_on: Date,
    pub figures: String,
    pub explanation: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub voided_at: Option<DateTimeUtc>,
    pub void_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// `figures`, read as its type (an error naming the row if it does not read).
    pub fn figures_parsed(
        &self,
    ) -> Result<std::collections::BTreeMap<String, i64>, crate::StoreError> {
        crate::json::column("data_reports", &self.id, "figures", &self.figures)
    }
}

/// The fields of a record in an import bundle (everything but county and bookkeeping).
pub const FIELDS: &[&str] = &[
    "id",
    "enterprise_id",
    "month",
    "submitted_on",
    "figures",
    "explanation",
];
/// Columns holding JSON text, which a bundle carries as JSON values.
pub const JSON_FIELDS: &[&str] = &["figures"];
/// Date columns holding the first day of a month, written "YYYY-MM" in a bundle.
pub const MONTH_FIELDS: &[&str] = &["month"];
