use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "enterprises")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub county_code: String,
    pub name: String,
    pub uscc: String,
    pub legal_representative: Option<String>,
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
    pub address: Option<String>,
    pub handles_food: bool,
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
    "uscc",
    "legal_representative",
    "contact_person",
    "contact_phone",
    "address",
    "handles_food",
];
pub const JSON_FIELDS: &[&str] = &[];
pub const MONTH_FIELDS: &[&str] = &[];
