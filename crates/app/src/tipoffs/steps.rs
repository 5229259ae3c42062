//! The steps of the handling loop. Each reads the tip-off, checks the step is allowed from
//! its state (the domain's `TipOffState::may`) and by this actor, and replaces exactly the
//! row it read: of two identical clicks at once, the second is refused.

use super::{get, state};
use crate::audit::entry;
use crate::{Actor, App, AppError, Permission, Role};
use chrono::NaiveDate;
use jianguan_domain::FieldErrors;
use jianguan_domain::tipoff::{Step, TipOffState};
use jianguan_store::entity::{notification, tipoff, user};
use jianguan_store::sea::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use jianguan_store::{Scope, queries};

/// Reads the tip-off and checks the step may be taken now.
async fn ready(app: &App, actor: &Actor, id: &str, step: Step) -> Result<tipoff::Model, AppError> {
    let t = get(app, actor, id).await?;
    actor.require_staff()?;
    let s = state(&t);
    if !s.may(step) {
        return Err(AppError::Conflict(step.refusal(s)));
    }
    Ok(t)
}

/// Whom a step tells, and the notice's title.
type Tell = Option<(Box<dyn Fn(&user::Model) -> bool + Send + Sync>, String)>;

/// Writes `after` over `before` with its audit row, and tells `tell` (users) of it.
async fn write(
    app: &App,
    actor: &Actor,
    before: &tipoff::Model,
    after: tipoff::Model,
    action: &str,
    tell: Tell,
) -> Result<tipoff::Model, AppError> {
    let audit = entry(
        app,
        actor,
        &before.county_code,
        ("tipoff", &before.id),
        action,
        Some(before),
        Some(&after),
    )?;
    let mut tx = app.store.begin().await?;
    tx.replace(before, after.clone()).await?;
    tx.record(audit).await?;
    if let Some((who, title)) = tell {
        crate::notify::notify(
            app,
            &tx,
            &before.county_code,
            who,
            title,
            after.summary.clone(),
            format!("/tipoffs/{}", after.id),
        )
        .await?;
    }
    tx.commit().await?;
    crate::docket::refresh_after_change(app, &before.county_code).await?;
    Ok(after)
}

fn moved(app: &App, t: &tipoff::Model, to: TipOffState) -> tipoff::Model {
    tipoff::Model {
        state: Some(to.code().into()),
        updated_at: app.now(),
        ..t.clone()
    }
}

/// 受理: the matter is the programme's; it will be handled.
pub async fn accept(app: &App, actor: &Actor, id: &str) -> Result<tipoff::Model, AppError> {
    let t = ready(app, actor, id, Step::Accept).await?;
    let after = moved(app, &t, TipOffState::Accepted);
    write(app, actor, &t, after, "accept", None).await
}

/// 不予受理: outside the programme. The reason is the reply the tipster reads; the matter
/// is finished.
pub async fn decline(
    app: &App,
    actor: &Actor,
    id: &str,
    reason: &str,
) -> Result<tipoff::Model, AppError> {
    let t = ready(app, actor, id, Step::Decline).await?;
    let mut e = FieldErrors::new();
    let reason = e.required_text("reason", "不予受理的理由", reason, 1000);
    if !e.is_empty() {
        return Err(AppError::Validation(e));
    }
    let today = app.today();
    let after = tipoff::Model {
        decline_reason: Some(reason.clone()),
        reply: Some(reason),
        replied_on: Some(today),
        closed_on: Some(today),
        reviewed_by: Some(actor.audit_name()),
        ..moved(app, &t, TipOffState::Declined)
    };
    write(app, actor, &t, after, "decline", None).await
}

/// 转办: to an inspector (or the responsible person) of the county, due on a day; by
/// default the profile's days after the tip-off came in. Given again, it changes hands.
pub async fn assign(
    app: &App,
    actor: &Actor,
    id: &str,
    assignee_id: &str,
    due_on: &str,
) -> Result<tipoff::Model, AppError> {
    let t = ready(app, actor, id, Step::Assign).await?;
    let mut e = FieldErrors::new();
    let staff = queries::users(app.store.reader(), &Scope::county(&t.county_code)).await?;
    let assignee = staff
        .into_iter()
        .find(|u| u.id == assignee_id.trim() && !u.disabled && crate::notify::is_staff(u));
    if assignee.is_none() {
        e.add("assignee_id", "请选择本县的检查组成员");
    }
    let due = match due_on.trim() {
        "" => t
            .received_on
            .checked_add_days(chrono::Days::new(u64::from(
                app.profile.tipoff.handling_days,
            )))
            .map(|d| d.max(app.today())),
        d => match jianguan_domain::dates::parse_date(d) {
            Ok(d) if d < app.today() => {
                e.add("due_on", "办理期限不能早于今天");
                None
            }
            Ok(d) => Some(d),
            Err(m) => {
                e.add("due_on", format!("办理期限：{m}"));
                None
            }
        },
    };
    let (Some(u), Some(due), true) = (assignee, due, e.is_empty()) else {
        return Err(AppError::Validation(e));
    };
    let to = if TipOffState::Handling.is(t.state.as_deref().unwrap_or_default()) {
        TipOffState::Handling
    } else {
        TipOffState::Assigned
    };
    let after = tipoff::Model {
        assignee_id: Some(u.id.clone()),
        due_on: Some(due),
        ..moved(app, &t, to)
    };
    let uid = u.id.clone();
    write(
        app,
        actor,
        &t,
        after,
        "assign",
        Some((
            Box::new(move |x: &user::Model| x.id == uid),
            format!(
                "举报转办给您，请于{}前办理",
                jianguan_domain::format_cn_date(due)
            ),
        )),
    )
    .await
}

/// Only the inspector it was given to, or the responsible person, handles and replies.
fn handler(actor: &Actor, t: &tipoff::Model) -> Result<(), AppError> {
    if actor.role == Role::Chief || t.assignee_id.as_deref() == Some(actor.user_id.as_str()) {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "该举报已转办给其他检查组成员，由承办人或监管责任人办理".into(),
        ))
    }
}

/// 办理: what was done, and the records it made (`inspection:ID`, `order:ID`,
/// `sanction:ID`), each checked to be the county's. Recorded again, it adds to the record.
pub async fn handle(
    app: &App,
    actor: &Actor,
    id: &str,
    what: &str,
    links: &[String],
) -> Result<tipoff::Model, AppError> {
    let t = ready(app, actor, id, Step::Handle).await?;
    handler(actor, &t)?;
    let mut e = FieldErrors::new();
    let what = e.required_text("handling", "办理情况", what, 3000);
    let mut all = super::links(&t);
    for l in links.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
        let ok = match l.split_once(':') {
            Some(("inspection", i)) => crate::inspections::get(app, actor, i).await.map(|_| ()),
            Some(("order", i)) => crate::rectification::get(app, actor, i).await.map(|_| ()),
            Some(("sanction", i)) => crate::sanctions::get(app, actor, i).await.map(|_| ()),
            _ => Err(AppError::NotFound),
        };
        match ok {
            Ok(()) if !all.iter().any(|x| x == l) => all.push(l.to_string()),
            Ok(()) => {}
            Err(AppError::NotFound) => e.add("links", "所选的检查、整改通知或处理记录不存在"),
            Err(other) => return Err(other),
        }
    }
    if !e.is_empty() {
        return Err(AppError::Validation(e));
    }
    let handling = match &t.handling {
        Some(h) => format!(
            "{h}\n{}：{what}",
            jianguan_domain::format_cn_date(app.today())
        ),
        None => format!("{}：{what}", jianguan_domain::format_cn_date(app.today())),
    };
    let after = tipoff::Model {
        handling: Some(handling),
        links: Some(serde_json::to_string(&all)?),
        ..moved(app, &t, TipOffState::Handling)
    };
    write(app, actor, &t, after, "handle", None).await
}

/// 答复: the reply the tipster will read, for the responsible person to review.
pub async fn reply(
    app: &App,
    actor: &Actor,
    id: &str,
    text: &str,
) -> Result<tipoff::Model, AppError> {
    let t = ready(app, actor, id, Step::Reply).await?;
    handler(actor, &t)?;
    let mut e = FieldErrors::new();
    let text = e.required_text("reply", "答复内容", text, 2000);
    if !e.is_empty() {
        return Err(AppError::Validation(e));
    }
    let after = tipoff::Model {
        reply_draft: Some(text),
        reply_by: Some(actor.audit_name()),
        review_note: None,
        ..moved(app, &t, TipOffState::Replied)
    };
    write(
        app,
        actor,
        &t,
        after,
        "reply",
        Some((
            Box::new(|u: &user::Model| u.role == Role::Chief.code()),
            "举报答复待您审核".into(),
        )),
    )
    .await
}

/// The responsible person approves the reply: it becomes what the tipster reads, and the
/// tip-off is 办结.
pub async fn approve(app: &App, actor: &Actor, id: &str) -> Result<tipoff::Model, AppError> {
    actor.require(Permission::Decide)?;
    let t = ready(app, actor, id, Step::Approve).await?;
    let today = app.today();
    let after = tipoff::Model {
        reply: t.reply_draft.clone(),
        replied_on: Some(today),
        closed_on: Some(today),
        reviewed_by: Some(actor.audit_name()),
        ..moved(app, &t, TipOffState::Closed)
    };
    write(app, actor, &t, after, "approve", None).await
}

/// The responsible person sends the reply back with what to change.
pub async fn send_back(
    app: &App,
    actor: &Actor,
    id: &str,
    note: &str,
) -> Result<tipoff::Model, AppError> {
    actor.require(Permission::Decide)?;
    let t = ready(app, actor, id, Step::SendBack).await?;
    let mut e = FieldErrors::new();
    let note = e.required_text("note", "退回意见", note, 1000);
    if !e.is_empty() {
        return Err(AppError::Validation(e));
    }
    let assignee = t.assignee_id.clone().unwrap_or_default();
    let after = tipoff::Model {
        review_note: Some(note),
        ..moved(app, &t, TipOffState::Handling)
    };
    write(
        app,
        actor,
        &t,
        after,
        "send_back",
        Some((
            Box::new(move |u: &user::Model| u.id == assignee),
            "举报答复被退回修改".into(),
        )),
    )
    .await
}

/// 回访: how the tipster took the reply, when they left a contact and did not ask not to
/// be called.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FollowUp {
    /// `satisfied`, `basically`, `unsatisfied`, or `unreachable`.
    pub satisfaction: String,
    pub note: String,
}

pub const SATISFACTION: [(&str, &str); 4] = [
    ("satisfied", "满意"),
    ("basically", "基本满意"),
    ("unsatisfied", "不满意"),
    ("unreachable", "联系不上"),
];

pub async fn follow_up(
    app: &App,
    actor: &Actor,
    id: &str,
    f: &FollowUp,
) -> Result<tipoff::Model, AppError> {
    let t = ready(app, actor, id, Step::FollowUp).await?;
    if t.contact.is_none() || t.contact_wish.as_deref() != Some("reply") {
        return Err(AppError::Conflict(
            "举报人没有留下联系方式或不希望回访，不能回访".into(),
        ));
    }
    if !super::sees_contact(actor, &t) {
        return Err(AppError::Forbidden);
    }
    let mut e = FieldErrors::new();
    let label = SATISFACTION
        .iter()
        .find(|(c, _)| *c == f.satisfaction.trim())
        .map(|(_, l)| *l);
    if label.is_none() {
        e.add("satisfaction", "请选择回访结果");
    }
    let note = e.optional_text("note", "回访情况", Some(&f.note), 1000);
    let Some(label) = label.filter(|_| e.is_empty()) else {
        return Err(AppError::Validation(e));
    };
    let record = serde_json::json!({
        "on": app.today(),
        "satisfaction": f.satisfaction.trim(),
        "label": label,
        "note": note,
        "by": actor.audit_name(),
    });
    let after = tipoff::Model {
        follow_up: Some(record.to_string()),
        updated_at: app.now(),
        ..t.clone()
    };
    write(app, actor, &t, after, "follow_up", None).await
}

/// Marks a tip-off as the same matter as another (both are kept; the list shows the link).
pub async fn mark_duplicate(
    app: &App,
    actor: &Actor,
    id: &str,
    of: &str,
) -> Result<tipoff::Model, AppError> {
    let t = get(app, actor, id).await?;
    actor.require_staff()?;
    let other = get(app, actor, of).await?;
    if other.id == t.id || other.duplicate_of.as_deref() == Some(t.id.as_str()) {
        return Err(AppError::Conflict(
            "不能把举报标记为它自己或以它为准的举报的重复件".into(),
        ));
    }
    if t.duplicate_of.is_some() {
        return Err(AppError::Conflict("该举报已标记为重复件".into()));
    }
    let after = tipoff::Model {
        duplicate_of: Some(other.id.clone()),
        updated_at: app.now(),
        ..t.clone()
    };
    write(app, actor, &t, after, "mark_duplicate", None).await
}

/// The daily reminders: a tip-off past its handling day to its assignee, and one past the
/// reply deadline (`tipoff_reply_days`) to the responsible person as well — each once.
/// Returns how many were sent.
pub async fn remind(app: &App, county: &str) -> Result<usize, AppError> {
    let today = app.today();
    let open = tipoff::Entity::find()
        .filter(tipoff::Column::CountyCode.eq(county))
        .filter(tipoff::Column::VoidedAt.is_null())
        .filter(tipoff::Column::RepliedOn.is_null())
        .filter(tipoff::Column::State.is_in([
            TipOffState::Assigned.code(),
            TipOffState::Handling.code(),
            TipOffState::Replied.code(),
        ]))
        .all(app.store.reader())
        .await?;
    let reply_days = u64::from(app.profile.thresholds.tipoff_reply_days);
    let users = queries::users(app.store.reader(), &Scope::county(county)).await?;
    let mut sent = 0;
    for t in open {
        let reply_due: Option<NaiveDate> = t
            .received_on
            .checked_add_days(chrono::Days::new(reply_days));
        let mut due: Vec<(String, String, String)> = Vec::new();
        if t.due_on.is_some_and(|d| today > d)
            && let Some(a) = &t.assignee_id
        {
            due.push((
                a.clone(),
                format!("tipoff-overdue:{}:assignee", t.id),
                "转办给您的举报已超过办理期限".into(),
            ));
        }
        if reply_due.is_some_and(|d| today > d) {
            for u in users
                .iter()
                .filter(|u| u.role == Role::Chief.code() && !u.disabled)
            {
                due.push((
                    u.id.clone(),
                    format!("tipoff-overdue:{}:chief", t.id),
                    "举报超过答复期限仍未答复".into(),
                ));
            }
        }
        for (user_id, key, title) in due {
            let already = notification::Entity::find()
                .filter(notification::Column::UserId.eq(user_id.as_str()))
                .filter(notification::Column::FindingKey.eq(key.as_str()))
                .count(app.store.housekeeping())
                .await?
                > 0;
            if already {
                continue;
            }
            jianguan_store::rows::insert(
                app.store.housekeeping(),
                notification::Model {
                    id: crate::secrets::new_id(),
                    user_id,
                    county_code: county.into(),
                    finding_key: Some(key),
                    title,
                    body: t.summary.clone(),
                    link: Some(format!("/tipoffs/{}", t.id)),
                    created_at: app.now(),
                    read_at: None,
                },
            )
            .await?;
            sent += 1;
        }
    }
    Ok(sent)
}
