use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "programmes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub county_code: String,
    pub name: String,
    pub plan_document: Option<String>,
    pub period_start: Date,
    pub period_end: Date,
    pub budget_fen: i64,
    pub responsible_person: String,
    pub profile: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub voided_at: Option<DateTimeUtc>,
    pub void_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

pub const FIELDS: &[&str] = &[
    "id",
    "name",
    "plan_document",
    "period_start",
    "period_end",
    "budget_fen",
    "responsible_person",
    "profile",
];
pub const JSON_FIELDS: &[&str] = &[];
pub const MONTH_FIELDS: &[&str] = &[];
