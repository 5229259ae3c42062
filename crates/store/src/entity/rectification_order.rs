use sea_orm::entity::prelude::*;

/// 整改意见 / 限期整改通知书
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "rectification_orders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub county_code: String,
    pub project_id: String,
    pub enterprise_id: String,
    pub title: String,
    pub requirements: String,
    pub issued_on: Date,
    pub deadline: Date,
    pub state: String,
    pub accepted_on: Option<Date>,
    pub progress_notice: bool,
    /// The contractor's person answerable for the rectification.
    pub responsible_person: Option<String>,
    /// Where it came from: `finding:KEY`, `inspection:ID`, or None when entered by hand.
    pub source: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub voided_at: Option<DateTimeUtc>,
    pub void_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The fields of a record in an import bundle (everything but county and bookkeeping).
pub const FIELDS: &[&str] = &[
    "id",
    "project_id",
    "enterprise_id",
    "title",
    "requirements",
    "issued_on",
    "deadline",
    "state",
    "accepted_on",
    "progress_notice",
    "responsible_person",
    "source",
];
/// Columns holding JSON text, which a bundle carries as JSON values.
pub const JSON_FIELDS: &[&str] = &[];
/// Date columns holding the first day of a month, written "YYYY-MM" in a bundle.
pub const MONTH_FIELDS: &[&str] = &[];
