use sea_orm::entity::prelude::*;

/// 资产标签: a number a county issued, printed on a label, bound to one asset once scanned
/// or chosen. Numbers run per county without gaps or repeats.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "asset_tags")]
pub struct Model {
    /// The tag as printed, e.g. `JG-141122-00001`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub county_code: String,
    pub seq: i64,
    /// The enterprise a pre-printed batch went to; None: the bureau's own.
    pub enterprise_id: Option<String>,
    /// Which issue it came in (the first tag of the batch).
    pub batch: String,
    /// Who issued it, as the audit names people.
    pub issued_by: String,
    pub issued_on: Date,
    pub asset_id: Option<String>,
    pub bound_on: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub voided_at: Option<DateTimeUtc>,
    pub void_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
