use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    pub at: DateTimeUtc,
    pub actor_id: Option<String>,
    pub actor_name: String,
    pub county_code: Option<String>,
    pub entity: String,
    pub entity_id: String,
    pub action: String,
    /// The record as JSON before the change (None for a creation).
    pub before: Option<String>,
    /// The record as JSON after the change.
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
    /// The hash of the seals of the records this row's transaction wrote (`audit_seals`).
    pub seal: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

pub mod head {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_head")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: i32,
        pub seq: i64,
        pub hash: String,
        /// Records written before seals existed are still to be sealed.
        pub backfill_seals: bool,
        /// The funds ledger is still to be caught up with the money records (m0018).
        pub post_ledger: bool,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One record's digest as a transaction left it.
pub mod seal {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_seals")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub tbl: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub record_id: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i64,
        pub digest: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A signed statement of the chain head at some row.
pub mod checkpoint {
    use sea_orm::entity::prelude::*;

    #[derive(
        Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize,
    )]
    #[sea_orm(table_name = "audit_checkpoints")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub seq: i64,
        pub hash: String,
        pub at: DateTimeUtc,
        /// Ed25519, hex.
        pub public_key: String,
        /// Ed25519 over [`super::super::super::audit::checkpoint_message`], hex.
        pub signature: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
