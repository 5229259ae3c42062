//! Audited writes: every change to a record goes through here with its audit row, in one
//! transaction; a project's status moves only as the domain's transitions allow.

use crate::{Actor, App, AppError};
use jianguan_domain::project::ProjectStatus;
use jianguan_store::entity::project;
use jianguan_store::sea::{ActiveModelBehavior, EntityTrait, IntoActiveModel, ModelTrait};
use jianguan_store::{AuditEntry, WriteTx};
use serde::Serialize;

/// The audit row of a change to `record` = (entity, id).
pub(crate) fn entry<T: Serialize>(
    app: &App,
    actor: &Actor,
    county: &str,
    (entity, id): (&str, &str),
    action: &str,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<AuditEntry, AppError> {
    Ok(AuditEntry {
        at: app.now(),
        actor_id: Some(actor.user_id.clone()),
        actor_name: actor.audit_name(),
        county_code: Some(county.to_string()),
        entity: entity.into(),
        entity_id: id.into(),
        action: action.into(),
        before: before.map(serde_json::to_value).transpose()?,
        after: after.map(serde_json::to_value).transpose()?,
    })
}

/// Inserts one record with its audit row, in one transaction.
pub(crate) async fn insert_audited<M>(app: &App, audit: AuditEntry, row: M) -> Result<(), AppError>
where
    M: ModelTrait + IntoActiveModel<<M::Entity as EntityTrait>::ActiveModel> + Clone,
    <M::Entity as EntityTrait>::ActiveModel: ActiveModelBehavior + Send,
{
    let mut tx = app.store.begin().await?;
    tx.insert(row).await?;
    tx.record(audit).await?;
    tx.commit().await?;
    Ok(())
}

/// Replaces one record that must still be `before` with `after`, with its audit row, in
/// one transaction: of two identical requests at once, the second finds the record changed
/// and is refused.
pub(crate) async fn update_audited<M>(
    app: &App,
    audit: AuditEntry,
    before: &M,
    after: M,
) -> Result<(), AppError>
where
    M: ModelTrait + IntoActiveModel<<M::Entity as EntityTrait>::ActiveModel> + PartialEq + Clone,
    M::Entity: EntityTrait<Model = M>,
    <M::Entity as EntityTrait>::ActiveModel: ActiveModelBehavior + Send,
{
    let mut tx = app.store.begin().await?;
    tx.replace(before, after).await?;
    tx.record(audit).await?;
    tx.commit().await?;
    Ok(())
}

/// Moves `p` (read inside `tx`) to `next`, with its audit row under `action`: refused with a
/// clear message when the domain does not allow the move, or when a final status (accepted,
/// disqualified) would be given again. Every path that changes a project's status uses it.
pub(crate) async fn set_project_status(
    app: &App,
    tx: &mut WriteTx,
    actor: &Actor,
    p: &project::Model,
    next: ProjectStatus,
    on: chrono::NaiveDate,
    action: &str,
) -> Result<project::Model, AppError> {
    let current = ProjectStatus::parse(&p.status)
        .ok_or_else(|| AppError::corrupt("project", &p.id, "status", &p.status))?;
    if !current.may_become(next) || (current == next && current.is_final()) {
        return Err(AppError::Conflict(format!(
            "项目“{}”的状态为“{}”，不能改为“{}”",
            p.name,
            current.label(),
            next.label()
        )));
    }
    let after = project::Model {
        status: next.code().into(),
        closed_on: if next.is_final() {
            Some(on)
        } else {
            p.closed_on
        },
        updated_at: app.now(),
        ..p.clone()
    };
    tx.replace(p, after.clone()).await?;
    tx.record(entry(
        app,
        actor,
        &p.county_code,
        ("project", &p.id),
        action,
        Some(p),
        Some(&after),
    )?)
    .await?;
    Ok(after)
}
