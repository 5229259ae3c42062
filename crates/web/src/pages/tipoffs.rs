//! 举报 for the county's staff: the list, a call typed in, and one tip-off with the step
//! its state allows — 受理 or 不予受理, 转办, 办理 (with the records it made), 答复, the
//! responsible person's review, 回访 — the possible duplicates and its history.

use super::report::{ReportForm, form_page, read_form, receipt_page};
use super::{HistoryRow, Layout, PageResult, SelectOption, history_rows, layout, options, render};
use crate::AppState;
use crate::auth::Auth;
use crate::routes::Routes;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jianguan_app::Permission::*;
use jianguan_app::tipoffs::{self as tp, TipOffFilter};
use jianguan_app::{Actor, AppError, Role};
use jianguan_domain::tipoff::{Step, TipOffState};
use jianguan_domain::{FieldErrors, format_cn_date};
use jianguan_store::entity::tipoff;
use serde::Deserialize;

pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/tipoffs", ReadCounty, list)
        .get("/tipoffs/new", Supervise, new_form)
        .post_large(
            "/tipoffs/new",
            Supervise,
            super::report::REPORT_LIMIT,
            create,
        )
        .get("/tipoffs/{id}", ReadCounty, show)
        .post("/tipoffs/{id}/accept", Supervise, accept)
        .post("/tipoffs/{id}/decline", Supervise, decline)
        .post("/tipoffs/{id}/assign", Supervise, assign)
        .post("/tipoffs/{id}/handle", Supervise, handle)
        .post("/tipoffs/{id}/reply", Supervise, reply)
        .post("/tipoffs/{id}/approve", Decide, approve)
        .post("/tipoffs/{id}/send-back", Decide, send_back)
        .post("/tipoffs/{id}/follow-up", Supervise, follow_up)
        .post("/tipoffs/{id}/duplicate", Supervise, duplicate)
}

fn state_label(t: &tipoff::Model) -> &'static str {
    tp::state(t).label()
}

// ------------------------------------------------------------------ list

pub struct Row {
    pub id: String,
    pub received_on: String,
    pub channel: &'static str,
    pub summary: String,
    pub state: &'static str,
    pub due: String,
    pub overdue: bool,
    pub duplicate: bool,
}

#[derive(Template)]
#[template(path = "tipoffs.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Row>,
    total: u64,
    pager: String,
    states: Vec<SelectOption>,
    mine: bool,
    can_record: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    state: String,
    mine: String,
    offset: u64,
}

pub async fn list(
    State(s): State<AppState>,
    Auth(a, c): Auth,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let state = match q.state.trim() {
        "" | "open" => None,
        code => Some(
            TipOffState::parse(code).ok_or_else(|| AppError::field("state", "没有这种办理状态"))?,
        ),
    };
    let mine = !q.mine.is_empty();
    let f = TipOffFilter {
        state,
        open: q.state == "open",
        assignee: mine.then(|| a.user_id.clone()),
    };
    const PAGE: u64 = 50;
    let found = tp::page(&s.app, &a, &f, q.offset, PAGE).await?;
    let today = s.app.today();
    let reply_days = u64::from(s.app.profile.thresholds.tipoff_reply_days);
    let rows = found
        .items
        .into_iter()
        .map(|t| {
            let deadline = t
                .received_on
                .checked_add_days(chrono::Days::new(reply_days))
                .unwrap_or(t.received_on);
            Row {
                received_on: format_cn_date(t.received_on),
                channel: tp::channel_label(&t),
                state: state_label(&t),
                due: format_cn_date(deadline),
                overdue: t.replied_on.is_none() && today > deadline,
                duplicate: t.duplicate_of.is_some(),
                summary: t.summary,
                id: t.id,
            }
        })
        .collect();
    let pager = super::pager(
        "/tipoffs",
        &[("state", &q.state), ("mine", &q.mine)],
        found.total,
        q.offset,
        PAGE,
    );
    let mut states = vec![("open", "未办结")];
    states.extend(TipOffState::ALL.iter().map(|x| (x.code(), x.label())));
    Ok(render(
        StatusCode::OK,
        &ListPage {
            layout: layout(
                &s,
                &a,
                c.csrf.as_deref().unwrap_or_default(),
                "举报",
                "/tipoffs",
            )
            .await,
            rows,
            total: found.total,
            pager,
            states: options(states, &q.state),
            mine,
            can_record: a.role.supervises(),
        },
    ))
}

// ------------------------------------------------------------------ a call typed in

async fn own_county(
    s: &AppState,
    a: &Actor,
) -> Result<jianguan_store::entity::county::Model, AppError> {
    let code = a.county_for_write(None)?;
    jianguan_store::queries::county(s.app.store.reader(), &code)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn new_form(State(s): State<AppState>, Auth(a, c): Auth) -> PageResult {
    a.require_staff()?;
    let county = own_county(&s, &a).await?;
    let l = layout(
        &s,
        &a,
        c.csrf.as_deref().unwrap_or_default(),
        "登记举报",
        "/tipoffs",
    )
    .await;
    let mut form = ReportForm::default();
    form.intake.channel = "hotline".into();
    form_page(
        &s,
        l,
        true,
        &county,
        form,
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn create(
    State(s): State<AppState>,
    Auth(a, c): Auth,
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let county = own_county(&s, &a).await?;
    let l = || {
        layout(
            &s,
            &a,
            c.csrf.as_deref().unwrap_or_default(),
            "登记举报",
            "/tipoffs",
        )
    };
    let (form, photos) = match read_form(&s, m).await {
        Ok(x) => x,
        Err(AppError::Validation(e)) => {
            return form_page(
                &s,
                l().await,
                true,
                &county,
                ReportForm::default(),
                e,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    };
    match tp::record_by_staff(&s.app, &a, &form.intake, photos).await {
        Ok(r) => Ok(receipt_page(r.code, &r.tipoff, l().await)),
        Err(AppError::Validation(e)) => {
            form_page(
                &s,
                l().await,
                true,
                &county,
                form,
                e,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ one tip-off

pub struct LinkView {
    pub href: String,
    pub label: String,
}

pub struct Similar {
    pub id: String,
    pub received_on: String,
    pub summary: String,
    pub state: &'static str,
}

#[derive(Template)]
#[template(path = "tipoff.html")]
struct DetailPage {
    layout: Layout,
    t: tipoff::Model,
    state: &'static str,
    channel: &'static str,
    service: String,
    project: String,
    received: String,
    reply_deadline: String,
    due_on: String,
    assignee: String,
    /// The tipster's name and phone, for those who may see them.
    contact: Option<String>,
    contact_hidden: bool,
    wish: &'static str,
    photos: Vec<super::uploads::PhotoView>,
    links: Vec<LinkView>,
    follow_up: String,
    similar: Vec<Similar>,
    history: Vec<HistoryRow>,
    // What the actor may do now.
    can_accept: bool,
    can_assign: bool,
    can_handle: bool,
    can_reply: bool,
    can_review: bool,
    can_follow_up: bool,
    can_mark: bool,
    inspectors: Vec<SelectOption>,
    link_choices: Vec<SelectOption>,
    satisfactions: Vec<SelectOption>,
    default_due: String,
    errors: FieldErrors,
    saved: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    saved: String,
}

async fn detail(
    s: &AppState,
    auth: &Auth,
    id: &str,
    saved: bool,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let Auth(a, c) = auth;
    let t = tp::get(&s.app, a, id).await?;
    let db = s.app.store.reader();
    let st = tp::state(&t);
    let staff = jianguan_store::queries::users(db, &jianguan_store::Scope::county(&t.county_code))
        .await
        .map_err(AppError::from)?;
    let name_of = |uid: &str| {
        staff
            .iter()
            .find(|u| u.id == uid)
            .map(|u| u.display_name.clone())
            .unwrap_or_default()
    };
    let project = match &t.project_id {
        Some(p) => jianguan_store::queries::project(db, &a.scope(), p)
            .await
            .map_err(AppError::from)?
            .map(|p| p.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let mut links = Vec::new();
    for l in tp::links(&t) {
        let (kind, rid) = l.split_once(':').unwrap_or_default();
        let (href, label) = match kind {
            "inspection" => match jianguan_app::inspections::get(&s.app, a, rid).await {
                Ok((i, p)) => (
                    format!("/inspections/{rid}"),
                    format!("检查：{}（{}）", p.name, format_cn_date(i.date)),
                ),
                Err(_) => continue,
            },
            "order" => match jianguan_app::rectification::get(&s.app, a, rid).await {
                Ok(o) => (format!("/orders/{rid}"), format!("整改通知：{}", o.title)),
                Err(_) => continue,
            },
            "sanction" => match jianguan_app::sanctions::get(&s.app, a, rid).await {
                Ok(x) => (
                    format!("/sanctions/{rid}"),
                    format!(
                        "处理决定：{}",
                        jianguan_domain::sanction::SanctionKind::parse(&x.kind)
                            .map_or("处理", jianguan_domain::sanction::SanctionKind::label)
                    ),
                ),
                Err(_) => continue,
            },
            _ => continue,
        };
        links.push(LinkView { href, label });
    }
    let is_handler = a.role == Role::Chief || t.assignee_id.as_deref() == Some(a.user_id.as_str());
    let supervises = a.role.supervises();
    let mut link_choices: Vec<(String, String)> = Vec::new();
    if supervises && st.may(Step::Handle) && is_handler {
        let f = jianguan_app::inspections::InspectionFilter {
            from: t.received_on.checked_sub_days(chrono::Days::new(30)),
            ..Default::default()
        };
        let names = super::project_names(s, a).await?;
        for i in jianguan_app::inspections::list(&s.app, a, &f)
            .await?
            .into_iter()
            .take(50)
        {
            link_choices.push((
                format!("inspection:{}", i.id),
                format!(
                    "检查：{}（{}）",
                    names.get(&i.project_id).cloned().unwrap_or_default(),
                    format_cn_date(i.date)
                ),
            ));
        }
        for o in jianguan_app::rectification::list(&s.app, a, false)
            .await?
            .into_iter()
            .filter(|o| o.issued_on >= t.received_on)
            .take(50)
        {
            link_choices.push((format!("order:{}", o.id), format!("整改通知：{}", o.title)));
        }
        for x in jianguan_app::sanctions::list(&s.app, a)
            .await?
            .into_iter()
            .filter(|x| x.proposed_at.date_naive() >= t.received_on)
            .take(50)
        {
            let kind = jianguan_domain::sanction::SanctionKind::parse(&x.kind)
                .map_or("处理", jianguan_domain::sanction::SanctionKind::label);
            link_choices.push((format!("sanction:{}", x.id), format!("处理决定：{kind}")));
        }
    }
    let similar = tp::duplicates(&s.app, a, &t)
        .await?
        .into_iter()
        .map(|o| Similar {
            state: state_label(&o),
            received_on: format_cn_date(o.received_on),
            summary: o.summary,
            id: o.id,
        })
        .collect();
    let sees = tp::sees_contact(a, &t);
    let follow_up = t
        .follow_up
        .as_deref()
        .and_then(|f| serde_json::from_str::<serde_json::Value>(f).ok())
        .map(|v| {
            format!(
                "{}：{}{}",
                v["on"].as_str().unwrap_or_default(),
                v["label"].as_str().unwrap_or_default(),
                v["note"]
                    .as_str()
                    .map(|n| format!("。{n}"))
                    .unwrap_or_default()
            )
        })
        .unwrap_or_default();
    let reply_deadline = t
        .received_on
        .checked_add_days(chrono::Days::new(u64::from(
            s.app.profile.thresholds.tipoff_reply_days,
        )))
        .map(format_cn_date)
        .unwrap_or_default();
    let default_due = t
        .received_on
        .checked_add_days(chrono::Days::new(u64::from(
            s.app.profile.tipoff.handling_days,
        )))
        .map(|d| d.max(s.app.today()).to_string())
        .unwrap_or_default();
    let inspectors = options(
        staff
            .iter()
            .filter(|u| !u.disabled && Role::parse(&u.role).is_some_and(Role::supervises))
            .map(|u| (u.id.clone(), u.display_name.clone())),
        t.assignee_id.as_deref().unwrap_or_default(),
    );
    let page = DetailPage {
        layout: layout(
            s,
            a,
            c.csrf.as_deref().unwrap_or_default(),
            "举报",
            "/tipoffs",
        )
        .await,
        state: st.label(),
        channel: tp::channel_label(&t),
        service: t
            .service
            .as_deref()
            .and_then(|x| s.app.profile.tipoff.service(x))
            .map(|x| x.name.clone())
            .unwrap_or_default(),
        project,
        received: t
            .received_at
            .map(super::cn_time)
            .unwrap_or_else(|| format_cn_date(t.received_on)),
        reply_deadline,
        due_on: t.due_on.map(format_cn_date).unwrap_or_default(),
        assignee: t.assignee_id.as_deref().map(name_of).unwrap_or_default(),
        contact: if sees { t.contact.clone() } else { None },
        contact_hidden: !sees && t.contact.is_some(),
        wish: match t.contact_wish.as_deref() {
            Some("reply") => "可以联系、回访",
            Some("no_call") => "不希望电话联系",
            _ => "匿名",
        },
        photos: super::uploads::photo_views(
            jianguan_app::evidence::photos(&s.app, "tipoff", &t.id).await?,
        )?,
        links,
        follow_up,
        similar,
        history: history_rows(jianguan_app::history::of(&s.app, &t).await?),
        can_accept: supervises && st.may(Step::Accept),
        can_assign: supervises && st.may(Step::Assign),
        can_handle: supervises && st.may(Step::Handle) && is_handler,
        can_reply: supervises && st.may(Step::Reply) && is_handler,
        can_review: a.role == Role::Chief && st.may(Step::Approve),
        can_follow_up: supervises
            && sees
            && st == TipOffState::Closed
            && t.follow_up.is_none()
            && t.contact_wish.as_deref() == Some("reply"),
        can_mark: supervises && t.duplicate_of.is_none(),
        inspectors,
        link_choices: options(link_choices, ""),
        satisfactions: options(tp::SATISFACTION.iter().copied(), ""),
        default_due,
        errors,
        saved,
        t,
    };
    Ok(render(status, &page))
}

pub async fn show(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    detail(
        &s,
        &auth,
        &id,
        !q.saved.is_empty(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// After a step: back to the page, or the page again with the step's errors.
async fn after(
    s: &AppState,
    auth: &Auth,
    id: &str,
    r: Result<tipoff::Model, AppError>,
) -> PageResult {
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/tipoffs/{id}?saved=1")).into_response()),
        Err(AppError::Validation(e)) => {
            detail(s, auth, id, false, e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StepForm {
    reason: String,
    assignee_id: String,
    due_on: String,
    handling: String,
    links: Vec<String>,
    reply: String,
    note: String,
    satisfaction: String,
    of: String,
}

/// A step's form: `links` may repeat, which serde's urlencoded reader cannot take.
fn step_form(body: &[u8]) -> StepForm {
    let mut f = StepForm::default();
    for (k, v) in crate::auth::form_pairs(body) {
        match k.as_str() {
            "reason" => f.reason = v,
            "assignee_id" => f.assignee_id = v,
            "due_on" => f.due_on = v,
            "handling" => f.handling = v,
            "links" if !v.is_empty() => f.links.push(v),
            "reply" => f.reply = v,
            "note" => f.note = v,
            "satisfaction" => f.satisfaction = v,
            "of" => f.of = v,
            _ => {}
        }
    }
    f
}

macro_rules! step {
    ($name:ident, |$s:ident, $a:ident, $id:ident, $f:ident| $call:expr) => {
        pub async fn $name(
            State($s): State<AppState>,
            auth: Auth,
            Path($id): Path<String>,
            body: axum::body::Bytes,
        ) -> PageResult {
            let $f = step_form(&body);
            let $a = &auth.0;
            let r = $call;
            after(&$s, &auth, &$id, r).await
        }
    };
}

step!(accept, |s, a, id, _f| tp::accept(&s.app, a, &id).await);
step!(decline, |s, a, id, f| tp::decline(
    &s.app, a, &id, &f.reason
)
.await);
step!(assign, |s, a, id, f| tp::assign(
    &s.app,
    a,
    &id,
    &f.assignee_id,
    &f.due_on
)
.await);
step!(handle, |s, a, id, f| tp::handle(
    &s.app,
    a,
    &id,
    &f.handling,
    &f.links
)
.await);
step!(reply, |s, a, id, f| tp::reply(&s.app, a, &id, &f.reply)
    .await);
step!(approve, |s, a, id, _f| tp::approve(&s.app, a, &id).await);
step!(send_back, |s, a, id, f| tp::send_back(
    &s.app, a, &id, &f.note
)
.await);
step!(follow_up, |s, a, id, f| {
    tp::follow_up(
        &s.app,
        a,
        &id,
        &tp::FollowUp {
            satisfaction: f.satisfaction.clone(),
            note: f.note.clone(),
        },
    )
    .await
});
step!(duplicate, |s, a, id, f| tp::mark_duplicate(
    &s.app, a, &id, &f.of
)
.await);
