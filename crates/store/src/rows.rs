//! Writing whole bookkeeping rows (sessions, login attempts, notifications, the docket's
//! findings). Records are written through [`crate::WriteTx`], which seals them into the
//! audit chain; these refuse a record table, so that a record cannot be written past it.

use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ConnectionTrait, DbErr, EntityName, EntityTrait,
    IntoActiveModel,
};

fn bookkeeping<E: EntityName + Default>() -> Result<(), DbErr> {
    let table = E::default().table_name();
    if crate::seal::is_sealed(table) {
        Err(DbErr::Custom(format!(
            "{table} holds records: write them through WriteTx::insert / replace"
        )))
    } else {
        Ok(())
    }
}

/// Inserts a row with every column set from the model.
pub async fn insert<M, A>(conn: &impl ConnectionTrait, model: M) -> Result<(), DbErr>
where
    M: IntoActiveModel<A>,
    A: ActiveModelTrait + ActiveModelBehavior + Send,
{
    bookkeeping::<A::Entity>()?;
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
    bookkeeping::<A::Entity>()?;
    let am = model.into_active_model().reset_all();
    am.update(conn).await?;
    Ok(())
}
