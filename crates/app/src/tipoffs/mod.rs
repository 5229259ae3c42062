//! 举报 (末段 群众监督): tip-offs from the public form, the hotline, letters and visits, each
//! with a receipt code the tipster alone holds (only its hash is kept), handled in the
//! closed loop 受理 → 转办 → 办理 → 答复 (reviewed by the responsible person) → 办结, with
//! an optional 回访. A reply approved is what `tipoff.unanswered` waits for.
//!
//! Who sees what: the county's staff see the tip-offs; the tipster's name and phone only
//! the responsible person and the assigned inspector; contractors never see a tip-off
//! (not even one about themselves), the public only what the receipt shows.

pub mod guard;
mod intake;
mod steps;

pub use guard::{PublicLimits, Sent};
pub use intake::{
    Intake, PublicCase, Receipt, lookup, public_case, receipt_hash, record_by_staff,
    submit_partner, submit_public,
};
pub use steps::{
    FollowUp, SATISFACTION, accept, approve, assign, decline, follow_up, handle, mark_duplicate,
    remind, reply, send_back,
};

use crate::{Actor, App, AppError, Role};
use jianguan_domain::tipoff::{Channel, TipOffState};
use jianguan_store::entity::tipoff;
use jianguan_store::sea::{ColumnTrait, QueryFilter, QueryOrder};
use jianguan_store::{queries, scoped};

/// A tip-off for the county's staff: contractors are never shown one.
pub async fn get(app: &App, actor: &Actor, id: &str) -> Result<tipoff::Model, AppError> {
    if !actor.role.sees_whole_county() {
        return Err(AppError::NotFound);
    }
    scoped::one::<tipoff::Entity>(app.store.reader(), &actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The state of a stored tip-off; one imported before the loop existed is closed once
/// replied to, otherwise accepted.
pub fn state(t: &tipoff::Model) -> TipOffState {
    t.state
        .as_deref()
        .and_then(TipOffState::parse)
        .unwrap_or(if t.replied_on.is_some() {
            TipOffState::Closed
        } else {
            TipOffState::Accepted
        })
}

pub fn channel_label(t: &tipoff::Model) -> &'static str {
    Channel::parse(&t.channel).map_or("其他", Channel::label)
}

/// Whether the actor may see the tipster's name and phone: the responsible person and
/// the inspector the tip-off was given to.
pub fn sees_contact(actor: &Actor, t: &tipoff::Model) -> bool {
    actor.role == Role::Chief || t.assignee_id.as_deref() == Some(actor.user_id.as_str())
}

/// Which tip-offs a list shows.
#[derive(Debug, Clone, Default)]
pub struct TipOffFilter {
    pub state: Option<TipOffState>,
    /// Only those given to this user.
    pub assignee: Option<String>,
    /// Only those waiting: not yet closed or declined.
    pub open: bool,
}

/// One page of the county's tip-offs, the newest first.
pub async fn page(
    app: &App,
    actor: &Actor,
    f: &TipOffFilter,
    offset: u64,
    limit: u64,
) -> Result<queries::Paged<tipoff::Model>, AppError> {
    if !actor.role.sees_whole_county() {
        return Err(AppError::Forbidden);
    }
    let mut q = scoped::find::<tipoff::Entity>(&actor.scope());
    if let Some(s) = f.state {
        q = q.filter(tipoff::Column::State.eq(s.code()));
    }
    if f.open {
        // One imported before the loop existed has no state: open while unanswered.
        q = q.filter(
            jianguan_store::sea::Condition::any()
                .add(tipoff::Column::State.is_null())
                .add(
                    tipoff::Column::State
                        .is_not_in([TipOffState::Closed.code(), TipOffState::Declined.code()]),
                ),
        );
        q = q.filter(tipoff::Column::RepliedOn.is_null());
    }
    if let Some(a) = &f.assignee {
        q = q.filter(tipoff::Column::AssigneeId.eq(a.as_str()));
    }
    let q = q
        .order_by_desc(tipoff::Column::ReceivedOn)
        .order_by_desc(tipoff::Column::Id);
    Ok(queries::page(app.store.reader(), q, offset, limit).await?)
}

/// Days either side of a tip-off within which another may be the same matter.
pub const DUPLICATE_DAYS: i64 = 30;
/// Texts at least this alike suggest the same matter.
pub const DUPLICATE_SIMILARITY: f64 = 0.3;

/// Other tip-offs that may be the same matter: within 30 days, and about the same project,
/// the same village, or in words alike. Staff decide; both records are kept.
pub async fn duplicates(
    app: &App,
    actor: &Actor,
    t: &tipoff::Model,
) -> Result<Vec<tipoff::Model>, AppError> {
    let days = chrono::Days::new(DUPLICATE_DAYS as u64);
    let from = t
        .received_on
        .checked_sub_days(days)
        .unwrap_or(t.received_on);
    let to = t
        .received_on
        .checked_add_days(days)
        .unwrap_or(t.received_on);
    let near = scoped::find::<tipoff::Entity>(&actor.scope())
        .filter(tipoff::Column::ReceivedOn.between(from, to))
        .filter(tipoff::Column::Id.ne(t.id.as_str()))
        .order_by_desc(tipoff::Column::ReceivedOn)
        .all(app.store.reader())
        .await?;
    let same = |a: &Option<String>, b: &Option<String>| a.is_some() && a == b;
    Ok(near
        .into_iter()
        .filter(|o| {
            same(&o.project_id, &t.project_id)
                || (same(&o.township, &t.township) && same(&o.village, &t.village))
                || jianguan_domain::tipoff::similarity(&o.content, &t.content)
                    >= DUPLICATE_SIMILARITY
        })
        .take(20)
        .collect())
}

/// The records the handling links (`inspection:ID` …), as stored.
pub fn links(t: &tipoff::Model) -> Vec<String> {
    t.links
        .as_deref()
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or_default()
}

/// The tip-offs that name a record (`inspection:ID`), for that record's page.
pub async fn linking(app: &App, actor: &Actor, link: &str) -> Result<Vec<tipoff::Model>, AppError> {
    if !actor.role.sees_whole_county() {
        return Ok(Vec::new());
    }
    let quoted = format!("%\"{}\"%", link.replace(['%', '_', '"'], ""));
    Ok(scoped::find::<tipoff::Entity>(&actor.scope())
        .filter(tipoff::Column::Links.like(quoted))
        .all(app.store.reader())
        .await?)
}

/// The daily reminders of every county (see [`remind`]).
pub async fn remind_all(app: &App) -> Result<usize, AppError> {
    let mut sent = 0;
    for c in queries::counties(app.store.reader(), &jianguan_store::Scope::everything()).await? {
        sent += remind(app, &c.code).await?;
    }
    Ok(sent)
}
