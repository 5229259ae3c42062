//! Writing whole rows. Records are built (and validated) by the application; these write
//! them as they are.

use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
};

/// Inserts a row with every column set from the model.
pub async fn insert<M, A>(conn: &impl ConnectionTrait, model: M) -> Result<(), DbErr>
where
    M: IntoActiveModel<A>,
    A: ActiveModelTrait + ActiveModelBehavior + Send,
{
    let am = model.into_active_model().reset_all();
    <A::Entity as EntityTrait>::insert(am)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Replaces a row (found by its primary key) with the model.
pub async fn update<M, A>(conn: &impl ConnectionTrait, model: M) -> Result<(), DbErr>
where
    M: IntoActiveModel<A>,
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
{
    let am = model.into_active_model().reset_all();
    am.update(conn).await?;
    Ok(())
}
