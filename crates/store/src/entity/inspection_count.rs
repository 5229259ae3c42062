use sea_orm::entity::prelude::*;

/// How many live inspections a county's project has in a status, kept by triggers
/// (migration m0020): the inspections list's total without counting every inspection.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inspection_counts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub county_code: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub project_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub status: String,
    /// 1 when a contractor may see such an inspection (announced, or no longer planned).
    #[sea_orm(primary_key, auto_increment = false)]
    pub shown: i32,
    pub n: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
