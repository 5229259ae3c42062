use sea_orm::entity::prelude::*;

/// 资金拨付
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "disbursements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub county_code: String,
    pub project_id: String,
    pub date: Date,
    pub amount_fen: i64,
    pub batch: String,
    // The columns below came later (m0010); absent, they are left out of the row's JSON so
    // that the seal of a row written before them still matches.
    /// None: imported, which counts as confirmed; "recorded": awaits a second person;
    /// "confirmed".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// User ids: the recorder may not confirm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_on: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub voided_at: Option<DateTimeUtc>,
    pub void_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// Whether the money counts as paid: imported, or confirmed by a second person.
    pub fn confirmed(&self) -> bool {
        self.state.as_deref() != Some(RECORDED)
    }
}

/// A disbursement recorded and awaiting the second person's confirmation.
pub const RECORDED: &str = "recorded";
pub const CONFIRMED: &str = "confirmed";

/// The fields of a record in an import bundle (everything but county and bookkeeping).
pub const FIELDS: &[&str] = &["id", "project_id", "date", "amount_fen", "batch"];
/// Columns holding JSON text, which a bundle carries as JSON values.
pub const JSON_FIELDS: &[&str] = &[];
/// Date columns holding the first day of a month, written "YYYY-MM" in a bundle.
pub const MONTH_FIELDS: &[&str] = &[];
