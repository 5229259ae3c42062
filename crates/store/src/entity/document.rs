use sea_orm::entity::prelude::*;

/// 公文: one document of the register, issued from a record; its PDF and DOCX are in the
/// file store under `documents/<sha256>.pdf|docx`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "documents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub county_code: String,
    /// `jianguan_domain::document::DocumentKind::code`.
    pub kind: String,
    /// order, inspection or sanction.
    pub source_kind: String,
    pub source_id: String,
    pub enterprise_id: Option<String>,
    pub project_id: Option<String>,
    /// 机关代字, or 纪要 for minutes: the run of numbers it belongs to.
    pub office_code: String,
    pub year: i32,
    pub seq: i64,
    /// 发文字号 as printed.
    pub number: String,
    pub title: String,
    pub issued_on: Date,
    /// Who issued it, as the audit names people.
    pub issued_by: String,
    /// issued or spoiled (作废).
    pub state: String,
    pub spoil_reason: Option<String>,
    pub spoiled_on: Option<Date>,
    pub replaces: Option<String>,
    pub pdf_sha256: String,
    pub pdf_bytes: i64,
    pub docx_sha256: String,
    pub docx_bytes: i64,
    pub pages: i32,
    /// JSON: which face stood in for which official one.
    pub fonts: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub voided_at: Option<DateTimeUtc>,
    pub void_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
