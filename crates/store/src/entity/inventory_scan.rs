use sea_orm::entity::prelude::*;

/// One label scanned (or typed) during an open count: one row per code and count, whoever
/// scans it and however often; a second scan is a warning, not a second entry.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "inventory_scans")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub county_code: String,
    pub count_id: String,
    /// The count's enterprise (what a contractor's scope reads).
    pub enterprise_id: String,
    /// `jianguan_domain::inventory::normalise_code` of what was scanned.
    pub code: String,
    /// The asset carrying the code, of any enterprise of the county; None: unknown.
    pub asset_id: Option<String>,
    /// `jianguan_domain::inventory::CountResult::code`.
    pub result: String,
    pub note: Option<String>,
    /// Who scanned it, as the audit names people.
    pub scanned_by: String,
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
    "count_id",
    "enterprise_id",
    "code",
    "asset_id",
    "result",
    "note",
    "scanned_by",
];
/// Columns holding JSON text, which a bundle carries as JSON values.
pub const JSON_FIELDS: &[&str] = &[];
/// Date columns holding the first day of a month, written "YYYY-MM" in a bundle.
pub const MONTH_FIELDS: &[&str] = &[];
