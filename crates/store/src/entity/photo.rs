use sea_orm::entity::prelude::*;

/// 图片资料: a photo kept as evidence, original under its SHA-256.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "photos")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub county_code: String,
    pub owner_kind: String,
    pub owner_id: String,
    pub enterprise_id: Option<String>,
    pub sha256: String,
    pub original_name: String,
    pub content_type: String,
    pub bytes: i64,
    pub width: i64,
    pub height: i64,
    pub exif_taken_at: Option<String>,
    pub exif_latitude: Option<f64>,
    pub exif_longitude: Option<f64>,
    pub device_time: Option<DateTimeUtc>,
    pub device_latitude: Option<f64>,
    pub device_longitude: Option<f64>,
    pub flags: String,
    pub uploaded_by: String,
    pub created_at: DateTimeUtc,
    pub voided_at: Option<DateTimeUtc>,
    pub void_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// `flags`, read as its type (an error naming the row if it does not read).
    pub fn flags_parsed(&self) -> Result<Vec<String>, crate::StoreError> {
        crate::json::column("photos", &self.id, "flags", &self.flags)
    }
}
