//! Scheduled work without a scheduler process: every app server runs this loop, and a
//! lease row in the database decides which one runs a job, so with several servers the
//! daily docket still runs once.

use crate::{App, AppError, docket};
use chrono::{NaiveTime, Utc};
use jianguan_domain::dates::china_offset;
use jianguan_store::entity::job_lease;
use jianguan_store::rows;
use jianguan_store::sea::{ColumnTrait, Condition, EntityTrait, Expr, QueryFilter};

pub const DAILY_DOCKET: &str = "docket.daily";

/// Takes the job's lease if today's run has not happened and nobody holds it. Returns
/// whether this caller now holds it.
pub async fn try_lease(app: &App, job: &str, holder: &str) -> Result<bool, AppError> {
    let db = app.store.housekeeping();
    if job_lease::Entity::find_by_id(job.to_string())
        .one(db)
        .await?
        .is_none()
    {
        // Two servers may both try to create it; one insert wins, the other fails harmlessly.
        let _ = rows::insert(
            db,
            job_lease::Model {
                name: job.into(),
                holder: None,
                expires_at: None,
                last_run_on: None,
            },
        )
        .await;
    }
    let now = app.now();
    let today = app.today();
    let taken = job_lease::Entity::update_many()
        .col_expr(
            job_lease::Column::Holder,
            Expr::value(Some(holder.to_string())),
        )
        .col_expr(
            job_lease::Column::ExpiresAt,
            Expr::value(Some(now + chrono::Duration::minutes(30))),
        )
        .filter(job_lease::Column::Name.eq(job))
        .filter(
            Condition::any()
                .add(job_lease::Column::LastRunOn.is_null())
                .add(job_lease::Column::LastRunOn.lt(today)),
        )
        .filter(
            Condition::any()
                .add(job_lease::Column::ExpiresAt.is_null())
                .add(job_lease::Column::ExpiresAt.lt(now)),
        )
        .exec(db)
        .await?
        .rows_affected;
    Ok(taken == 1)
}

pub async fn finish(app: &App, job: &str) -> Result<(), AppError> {
    job_lease::Entity::update_many()
        .col_expr(job_lease::Column::Holder, Expr::value(None::<String>))
        .col_expr(
            job_lease::Column::ExpiresAt,
            Expr::value(None::<chrono::DateTime<Utc>>),
        )
        .col_expr(job_lease::Column::LastRunOn, Expr::value(Some(app.today())))
        .filter(job_lease::Column::Name.eq(job))
        .exec(app.store.housekeeping())
        .await?;
    Ok(())
}

/// Runs the daily docket once per China day, at or after `at` (China time).
pub async fn run_daily(app: App, at: NaiveTime, holder: String) {
    loop {
        let now = app.now().with_timezone(&china_offset());
        if now.time() >= at {
            match try_lease(&app, DAILY_DOCKET, &holder).await {
                Ok(true) => {
                    match docket::refresh_all(&app, app.today()).await {
                        Ok(reports) => {
                            for r in reports {
                                tracing::info!(county = %r.county, open = r.open, new = r.new, resolved = r.resolved, "daily docket");
                            }
                        }
                        Err(e) => tracing::error!(error = %e, "daily docket failed"),
                    }
                    if let Err(e) = crate::accounts::prune(&app).await {
                        tracing::warn!(error = %e, "pruning sessions");
                    }
                    if let Err(e) = crate::tipoffs::guard::prune(&app).await {
                        tracing::warn!(error = %e, "pruning the public's attempts");
                    }
                    if let Err(e) = crate::tipoffs::remind_all(&app).await {
                        tracing::warn!(error = %e, "tip-off reminders");
                    }
                    // Uploads of servers that went away (an hour is more than any takes).
                    if let Err(e) =
                        crate::evidence::recover_uploads(&app, chrono::Duration::hours(1)).await
                    {
                        tracing::warn!(error = %e, "uploads left half-done");
                    }
                    if app.audit_key.is_some() {
                        match crate::anchor::checkpoint(&app).await {
                            Ok(c) => {
                                tracing::info!(seq = c.seq, hash = %c.hash, "audit checkpoint")
                            }
                            Err(e) => tracing::error!(error = %e, "audit checkpoint"),
                        }
                    }
                    if let Err(e) = finish(&app, DAILY_DOCKET).await {
                        tracing::error!(error = %e, "releasing the docket lease");
                    }
                }
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "docket lease"),
            }
        }
        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
    }
}
