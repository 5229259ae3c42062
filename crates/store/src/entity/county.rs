use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "counties")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub name: String,
    pub prefecture: String,
    pub province: String,
    /// JSON array of township names, in the county's official order.
    pub townships: String,
    pub created_at: DateTimeUtc,
    /// The issuing office of its documents (JSON `jianguan_domain::document::Office`);
    /// None: the regulation's own. Came later (m0015): absent, it is left out of the row's
    /// JSON so that older seals still match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_office: Option<String>,
    /// The project fields its public page shows (JSON array of codes); None: all of them.
    /// Came later (m0016), left out of the row's JSON when absent, as above.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_fields: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    pub fn township_list(&self) -> Vec<String> {
        serde_json::from_str(&self.townships).unwrap_or_default()
    }
}
