use sea_orm::entity::prelude::*;

/// A person's decision on a pair of claims `funds.suspected_duplicate` raised: confirmed
/// (a duplicate: `funds.duplicate_claim` follows) or not a duplicate, with the reason. It
/// holds while the pair's fingerprint is unchanged.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "duplicate_decisions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub county_code: String,
    pub claim_a: String,
    pub claim_b: String,
    pub confirmed: bool,
    pub fingerprint: String,
    pub reason: String,
    /// Who decided, as the audit names people.
    pub decided_by: String,
    pub decided_on: Date,
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
    "claim_a",
    "claim_b",
    "confirmed",
    "fingerprint",
    "reason",
    "decided_by",
    "decided_on",
];
/// Columns holding JSON text, which a bundle carries as JSON values.
pub const JSON_FIELDS: &[&str] = &[];
/// Date columns holding the first day of a month, written "YYYY-MM" in a bundle.
pub const MONTH_FIELDS: &[&str] = &[];
