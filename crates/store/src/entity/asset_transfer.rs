use sea_orm::entity::prelude::*;

/// 保管变动: an asset passed from one custodian (or place) to another on a day, both
/// parties named; the ledger line changes in the same write.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "asset_transfers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub county_code: String,
    pub enterprise_id: String,
    pub asset_id: String,
    pub date: Date,
    /// 交出人: the custodian the ledger named before.
    pub from_custodian: Option<String>,
    /// 接收人.
    pub to_custodian: String,
    pub from_place: Option<String>,
    pub to_place: Option<String>,
    pub note: Option<String>,
    /// Who recorded it, as the audit names people.
    pub recorded_by: String,
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
    "asset_id",
    "date",
    "from_custodian",
    "to_custodian",
    "from_place",
    "to_place",
    "note",
    "recorded_by",
];
/// Columns holding JSON text, which a bundle carries as JSON values.
pub const JSON_FIELDS: &[&str] = &[];
/// Date columns holding the first day of a month, written "YYYY-MM" in a bundle.
pub const MONTH_FIELDS: &[&str] = &[];
