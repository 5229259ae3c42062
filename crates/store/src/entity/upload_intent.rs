use sea_orm::entity::prelude::*;

/// Evidence files an upload is about to store, noted before the first is written and
/// removed once its record is committed: what a server finds here at start (its own) was
/// left by a crash between the files and the row, and is taken back.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "upload_intents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The server instance that writes the files (its id in its data directory).
    pub server: String,
    /// The file keys, as a JSON array.
    pub keys: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
