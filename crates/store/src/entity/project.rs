use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "projects")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub county_code: String,
    pub programme_id: String,
    pub enterprise_id: String,
    pub name: String,
    /// `System::code()`.
    pub system: String,
    pub township: String,
    pub village: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub central_funds_fen: i64,
    pub construction_start: Date,
    pub construction_end: Date,
    pub operation_start: Option<Date>,
    pub service_period_end: Option<Date>,
    /// `ProjectStatus::code()`.
    pub status: String,
    /// JSON array of `Target`.
    pub targets: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub voided_at: Option<DateTimeUtc>,
    pub void_reason: Option<String>,
    /// Supervision ended: acceptance or disqualification.
    pub closed_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// `targets`, read as its type (an error naming the row if it does not read).
    pub fn targets_parsed(
        &self,
    ) -> Result<Vec<jianguan_domain::project::Target>, crate::StoreError> {
        crate::json::column("projects", &self.id, "targets", &self.targets)
    }
}

pub const FIELDS: &[&str] = &[
    "id",
    "programme_id",
    "enterprise_id",
    "name",
    "system",
    "township",
    "village",
    "latitude",
    "longitude",
    "central_funds_fen",
    "construction_start",
    "construction_end",
    "operation_start",
    "service_period_end",
    "status",
    "targets",
    "closed_on",
];
pub const JSON_FIELDS: &[&str] = &["targets"];
pub const MONTH_FIELDS: &[&str] = &[];
