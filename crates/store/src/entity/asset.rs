use sea_orm::entity::prelude::*;

/// 固定资产 / 无形资产
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "assets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub county_code: String,
    pub enterprise_id: String,
    pub project_id: String,
    pub name: String,
    pub asset_kind: String,
    pub tag: Option<String>,
    pub category: Option<String>,
    pub value_fen: i64,
    pub purchase_date: Date,
    pub location: Option<String>,
    pub custodian: Option<String>,
    pub central_funds: bool,
    pub disposed_on: Option<Date>,
    // The columns below came later (m0011); absent, they are left out of the row's JSON so
    // that the seal of a row written before them still matches.
    /// 移交: handed over on that day, once the service period ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handed_over_on: Option<Date>,
    /// 续用: kept by decision through that day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewed_until: Option<Date>,
    // The columns below came later (m0013), left out of the JSON when absent likewise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_spec: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// 发票代码及号码.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub township: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub village: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    /// `jianguan_domain::asset::AssetStatus::code`; None (imported) reads as in use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    // The columns below came later (m0014), left out of the JSON when absent likewise.
    /// Who received it when it was handed over (接收单位或接收人).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handed_over_to: Option<String>,
    /// The decision behind a renewal (续用决定: number, date, who decided).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal_basis: Option<String>,
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
    "name",
    "asset_kind",
    "tag",
    "category",
    "value_fen",
    "purchase_date",
    "location",
    "custodian",
    "central_funds",
    "disposed_on",
    "handed_over_on",
    "renewed_until",
    "model_spec",
    "quantity",
    "unit",
    "invoice",
    "township",
    "village",
    "latitude",
    "longitude",
    "status",
    "handed_over_to",
    "renewal_basis",
];
/// Columns holding JSON text, which a bundle carries as JSON values.
pub const JSON_FIELDS: &[&str] = &[];
/// Date columns holding the first day of a month, written "YYYY-MM" in a bundle.
pub const MONTH_FIELDS: &[&str] = &[];
