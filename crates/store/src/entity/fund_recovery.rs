use sea_orm::entity::prelude::*;

/// 追回资金 (repayments as JSON)
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "fund_recoveries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub county_code: String,
    pub project_id: String,
    pub enterprise_id: String,
    pub decided_on: Date,
    pub amount_fen: i64,
    pub deadline: Date,
    pub repayments: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub voided_at: Option<DateTimeUtc>,
    pub void_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// `repayments`, read as its type (an error naming the row if it does not read).
    pub fn repayments_parsed(
        &self,
    ) -> Result<Vec<jianguan_domain::rules::facts::Repayment>, crate::StoreError> {
        crate::json::column("fund_recoveries", &self.id, "repayments", &self.repayments)
    }
}

/// The fields of a record in an import bundle (everything but county and bookkeeping).
pub const FIELDS: &[&str] = &[
    "id",
    "project_id",
    "enterprise_id",
    "decided_on",
    "amount_fen",
    "deadline",
    "repayments",
];
/// Columns holding JSON text, which a bundle carries as JSON values.
pub const JSON_FIELDS: &[&str] = &["repayments"];
/// Date columns holding the first day of a month, written "YYYY-MM" in a bundle.
pub const MONTH_FIELDS: &[&str] = &[];
