use sea_orm::entity::prelude::*;

/// 市场秩序问题
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "market_findings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub county_code: String,
    pub enterprise_id: String,
    pub project_id: Option<String>,
    pub category: String,
    pub raised_on: Date,
    pub closed_on: Option<Date>,
    pub description: String,
    // The columns below came later (m0009); absent, they are left out of the row's JSON so
    // that the seal of a row written before them still matches.
    /// The products concerned (names, brands, batches).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub products: Option<String>,
    /// `inspection:ID` when raised from an inspection's problems; None by hand or imported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Who raised it, as the audit names people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raised_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_by: Option<String>,
    /// Why it was closed: the rectification accepted, or the responsible person's reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_reason: Option<String>,
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
    "enterprise_id",
    "project_id",
    "category",
    "raised_on",
    "closed_on",
    "description",
    "products",
    "close_reason",
];
/// Columns holding JSON text, which a bundle carries as JSON values.
pub const JSON_FIELDS: &[&str] = &[];
/// Date columns holding the first day of a month, written "YYYY-MM" in a bundle.
pub const MONTH_FIELDS: &[&str] = &[];
