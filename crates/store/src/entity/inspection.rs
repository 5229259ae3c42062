use sea_orm::entity::prelude::*;

/// 监督检查
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "inspections")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub county_code: String,
    pub project_id: String,
    pub kinds: String,
    pub date: Date,
    pub status: String,
    pub training_class_id: Option<String>,
    pub disbursement_id: Option<String>,
    pub methods: String,
    pub standards: String,
    pub inspectors: String,
    pub minutes: Option<String>,
    pub photo_count: i64,
    pub announced: bool,
    /// 发现的问题.
    pub problems: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub voided_at: Option<DateTimeUtc>,
    pub void_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// `kinds`, read as its type (an error naming the row if it does not read).
    pub fn kinds_parsed(&self) -> Result<Vec<String>, crate::StoreError> {
        crate::json::column("inspections", &self.id, "kinds", &self.kinds)
    }

    /// `methods`, read as its type (an error naming the row if it does not read).
    pub fn methods_parsed(&self) -> Result<Vec<String>, crate::StoreError> {
        crate::json::column("inspections", &self.id, "methods", &self.methods)
    }

    /// `inspectors`, read as its type (an error naming the row if it does not read).
    pub fn inspectors_parsed(&self) -> Result<Vec<String>, crate::StoreError> {
        crate::json::column("inspections", &self.id, "inspectors", &self.inspectors)
    }

    /// `standards`, read as its type (an error naming the row if it does not read).
    pub fn standards_parsed(
        &self,
    ) -> Result<
        std::collections::BTreeMap<String, jianguan_domain::inspection::StandardResult>,
        crate::StoreError,
    > {
        crate::json::column("inspections", &self.id, "standards", &self.standards)
    }
}

/// The fields of a record in an import bundle (everything but county and bookkeeping).
pub const FIELDS: &[&str] = &[
    "id",
    "project_id",
    "kinds",
    "date",
    "status",
    "training_class_id",
    "disbursement_id",
    "methods",
    "standards",
    "inspectors",
    "minutes",
    "photo_count",
    "announced",
    "problems",
];
/// Columns holding JSON text, which a bundle carries as JSON values.
pub const JSON_FIELDS: &[&str] = &["kinds", "methods", "standards", "inspectors"];
/// Date columns holding the first day of a month, written "YYYY-MM" in a bundle.
pub const MONTH_FIELDS: &[&str] = &[];
