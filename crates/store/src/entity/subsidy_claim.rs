use sea_orm::entity::prelude::*;

/// 补助资金申请 (invoices as JSON)
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "subsidy_claims")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub county_code: String,
    pub project_id: String,
    pub submitted_on: Date,
    pub amount_fen: i64,
    pub invoices: String,
    // The columns below came later (m0010); absent, they are left out of the row's JSON so
    // that the seal of a row written before them still matches.
    /// What the money is for (资金用途).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// The enterprise's declaration as given, with who gave it and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declaration: Option<String>,
    /// The staff member's user id when staff entered the claim for the contractor: that
    /// person may not review it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
    /// The amount approved on review (审核通过), which may be lower than claimed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_fen: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_on: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub voided_at: Option<DateTimeUtc>,
    pub void_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// `invoices`, read as its type (an error naming the row if it does not read).
    pub fn invoices_parsed(
        &self,
    ) -> Result<Vec<jianguan_domain::rules::facts::Invoice>, crate::StoreError> {
        crate::json::column("subsidy_claims", &self.id, "invoices", &self.invoices)
    }
}

/// The fields of a record in an import bundle (everything but county and bookkeeping).
pub const FIELDS: &[&str] = &[
    "id",
    "project_id",
    "submitted_on",
    "amount_fen",
    "invoices",
    "purpose",
    "approved_fen",
    "approved_on",
];
/// Columns holding JSON text, which a bundle carries as JSON values.
pub const JSON_FIELDS: &[&str] = &["invoices"];
/// Date columns holding the first day of a month, written "YYYY-MM" in a bundle.
pub const MONTH_FIELDS: &[&str] = &[];
