use sea_orm::entity::prelude::*;

/// 清查盘点: open while people scan (its scans in `inventory_scans`), then closed with one
/// item per asset it covered and per label found besides (items as JSON,
/// `jianguan_domain::inventory::CountItem`).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "inventory_counts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub county_code: String,
    pub enterprise_id: String,
    /// The day it was closed (the day its result is known); while open, the day it began.
    pub date: Date,
    pub items: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub voided_at: Option<DateTimeUtc>,
    pub void_reason: Option<String>,
    // The columns below came later (m0014); absent, they are left out of the row's JSON so
    // that the seal of a row written before them still matches.
    /// `open` or `closed`; None (imported) is closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// The count covers one project of the enterprise only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// … or one place only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub township: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub village: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_by: Option<String>,
    /// The assets it covers, as a JSON array of ids, fixed when it began.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
}

impl Model {
    /// Open for scanning: only counts begun in the product are ever open.
    pub fn is_open(&self) -> bool {
        self.state.as_deref() == Some("open")
    }

    pub fn items_parsed(
        &self,
    ) -> Result<Vec<jianguan_domain::inventory::CountItem>, crate::StoreError> {
        crate::json::column("inventory_counts", &self.id, "items", &self.items)
    }

    /// The assets it covers (none for a count imported without its scope).
    pub fn expected_ids(&self) -> Result<Vec<String>, crate::StoreError> {
        match &self.expected {
            Some(text) => crate::json::column("inventory_counts", &self.id, "expected", text),
            None => Ok(Vec::new()),
        }
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// The fields of a record in an import bundle (everything but county and bookkeeping).
pub const FIELDS: &[&str] = &[
    "id",
    "enterprise_id",
    "date",
    "items",
    "state",
    "project_id",
    "township",
    "village",
    "started_on",
    "started_by",
    "closed_by",
    "expected",
];
/// Columns holding JSON text, which a bundle carries as JSON values.
pub const JSON_FIELDS: &[&str] = &["items", "expected"];
/// Date columns holding the first day of a month, written "YYYY-MM" in a bundle.
pub const MONTH_FIELDS: &[&str] = &[];
