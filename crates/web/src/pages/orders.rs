//! 整改 pages: the county's (or the contractor's own) rectification orders, issuing one
//! from a finding or an inspection, the contractor's answer and the inspector's review.

use super::{
    HistoryRow, Layout, PageResult, SelectOption, cn_time, history_rows, layout, options, render,
};
use crate::AppState;
use crate::auth::Auth;
use crate::routes::Routes;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jianguan_app::Permission::*;
use jianguan_app::rectification::{self as rect, OrderInput};
use jianguan_app::{AppError, Role};
use jianguan_domain::rectification::MaterialReview;
use jianguan_domain::rules::facts::OrderState;
use jianguan_domain::{FieldErrors, format_cn_date};
use serde::Deserialize;

/// This area's pages, with who may use each.
pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/orders", ReadRecords, list)
        .get("/orders/ledger.xlsx", ReadRecords, ledger_xlsx)
        .post("/orders", Supervise, create)
        .get("/orders/new", Supervise, new_form)
        .get("/orders/{id}", ReadRecords, show)
        .post("/orders/{id}/submit", HandIn, submit)
        .post_large("/orders/{id}/photos", HandIn, super::UPLOAD_LIMIT, upload)
        .post("/orders/{id}/review", Supervise, review)
}

fn state_text(code: &str) -> &'static str {
    OrderState::parse(code).map_or("", OrderState::label)
}

pub struct Row {
    pub id: String,
    pub title: String,
    pub project: String,
    pub deadline: String,
    pub state: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "orders.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Row>,
    open_only: bool,
    total: u64,
    pager: String,
    /// The register as XLSX, with the filters shown.
    export_href: String,
    states: Vec<super::SelectOption>,
    projects: Vec<super::SelectOption>,
    sorts: Vec<super::SelectOption>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    all: Option<String>,
    state: String,
    project_id: String,
    sort: String,
    offset: u64,
}

/// The list's filter as its query asks, a bad one named.
fn filter_of(q: &ListQuery) -> Result<rect::OrderFilter, AppError> {
    let mut e = FieldErrors::new();
    let state = match q.state.trim() {
        "" => None,
        code => OrderState::parse(code).or_else(|| {
            e.add("state", "没有这种整改状态");
            None
        }),
    };
    let sort: rect::OrderSort = super::sort_of(&q.sort, &mut e);
    if !e.is_empty() {
        return Err(AppError::Validation(e));
    }
    Ok(rect::OrderFilter {
        // A state asked for is shown whether open or not.
        open_only: q.all.is_none() && state.is_none(),
        state,
        project_id: Some(q.project_id.clone()),
        sort,
    })
}

/// 整改台账 as XLSX, with the list's filters.
pub async fn ledger_xlsx(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let f = filter_of(&q)?;
    let bytes = jianguan_app::registers::orders(&s.app, &a, &f).await?;
    Ok(super::xlsx_download(bytes, "整改台账.xlsx"))
}

pub async fn list(
    State(s): State<AppState>,
    Auth(a, c): Auth,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let f = filter_of(&q)?;
    const PAGE: u64 = 50;
    let found = rect::page(&s.app, &a, &f, q.offset, PAGE).await?;
    let orders = found.items;
    let names = super::project_names(&s, &a).await?;
    let all = if q.all.is_some() { "1" } else { "" };
    let params: [(&str, &str); _] = [
        ("all", all),
        ("state", &q.state),
        ("project_id", &q.project_id),
        ("sort", &q.sort),
    ];
    let export_href = super::with_query("/orders/ledger.xlsx", &params);
    let pager = super::pager("/orders", &params, found.total, q.offset, PAGE);
    let today = s.app.today();
    let rows = orders
        .into_iter()
        .map(|o| Row {
            overdue: !OrderState::Accepted.is(&o.state) && o.deadline < today,
            project: names.get(&o.project_id).cloned().unwrap_or_default(),
            deadline: format_cn_date(o.deadline),
            state: state_text(&o.state).into(),
            title: o.title,
            id: o.id,
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &ListPage {
            layout: layout(
                &s,
                &a,
                c.csrf.as_deref().unwrap_or_default(),
                "整改",
                "/orders",
            )
            .await,
            rows,
            open_only: f.open_only,
            total: found.total,
            pager,
            export_href,
            states: super::options(
                OrderState::ALL.iter().map(|x| (x.code(), x.label())),
                &q.state,
            ),
            projects: super::options(
                names.iter().map(|(id, name)| (id.clone(), name.clone())),
                &q.project_id,
            ),
            sorts: super::sort_options::<rect::OrderSort>(&q.sort),
        },
    ))
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OrderForm {
    pub project_id: String,
    pub title: String,
    pub requirements: String,
    pub deadline: String,
    pub responsible_person: String,
    pub source: String,
    pub progress_notice: String,
}

impl OrderForm {
    fn to_input(&self) -> OrderInput {
        let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        OrderInput {
            project_id: self.project_id.clone(),
            title: self.title.clone(),
            requirements: self.requirements.clone(),
            deadline: self.deadline.clone(),
            responsible_person: opt(&self.responsible_person),
            source: opt(&self.source),
            progress_notice: !self.progress_notice.is_empty(),
        }
    }
}

#[derive(Template)]
#[template(path = "order_form.html")]
struct FormPage {
    layout: Layout,
    form: OrderForm,
    errors: FieldErrors,
    projects: Vec<SelectOption>,
}

async fn form_page(
    s: &AppState,
    auth: &Auth,
    form: OrderForm,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let Auth(a, c) = auth;
    let projects = jianguan_app::inspections::projects(&s.app, a).await?;
    Ok(render(
        status,
        &FormPage {
            layout: layout(
                s,
                a,
                c.csrf.as_deref().unwrap_or_default(),
                "开具整改通知",
                "/orders",
            )
            .await,
            projects: options(
                projects
                    .iter()
                    .filter(|p| p.voided_at.is_none())
                    .map(|p| (p.id.clone(), p.name.clone())),
                &form.project_id,
            ),
            form,
            errors,
        },
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    project_id: String,
    source: String,
    title: String,
}

pub async fn new_form(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<NewQuery>,
) -> PageResult {
    if !auth.0.role.supervises() {
        return Err(AppError::Forbidden.into());
    }
    let deadline = s.app.today() + chrono::Days::new(30);
    let form = OrderForm {
        project_id: q.project_id,
        progress_notice: if q.source.contains("progress.severe_lag") {
            "on".into()
        } else {
            String::new()
        },
        source: q.source,
        title: q.title,
        deadline: deadline.to_string(),
        ..Default::default()
    };
    form_page(&s, &auth, form, FieldErrors::new(), StatusCode::OK).await
}

pub async fn create(
    State(s): State<AppState>,
    auth: Auth,
    Form(form): Form<OrderForm>,
) -> PageResult {
    match rect::issue(&s.app, &auth.0, &form.to_input()).await {
        Ok(o) => Ok(Redirect::to(&format!("/orders/{}?saved=1", o.id)).into_response()),
        Err(AppError::Validation(e)) => {
            form_page(&s, &auth, form, e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

pub struct SubmissionView {
    pub at: String,
    pub text: String,
    pub review: &'static str,
    pub note: String,
    pub photos: Vec<super::uploads::PhotoView>,
}

#[derive(Template)]
#[template(path = "order.html")]
struct DetailPage {
    layout: Layout,
    id: String,
    title: String,
    project: String,
    project_id: String,
    requirements: String,
    issued_on: String,
    deadline: String,
    responsible_person: String,
    state: String,
    overdue: bool,
    submissions: Vec<SubmissionView>,
    history: Vec<HistoryRow>,
    can_submit: bool,
    can_review: bool,
    /// The contractor may add photos to their submission while it awaits review.
    can_attach: bool,
    saved: bool,
    errors: FieldErrors,
    text: String,
    issued: super::documents::Issued,
    source_id: String,
}

async fn detail(
    s: &AppState,
    auth: &Auth,
    id: &str,
    saved: bool,
    errors: FieldErrors,
    text: String,
    status: StatusCode,
) -> PageResult {
    let Auth(a, c) = auth;
    let o = rect::get(&s.app, a, id).await?;
    let p = jianguan_store::queries::project(s.app.store.reader(), &a.scope(), &o.project_id)
        .await
        .map_err(AppError::from)?;
    let all = rect::submissions(&s.app, &o).await?;
    let can_attach = a.role == Role::Contractor
        && all
            .last()
            .is_some_and(|x| MaterialReview::Pending.is(&x.review));
    let mut submissions = Vec::new();
    for sub in all {
        submissions.push(SubmissionView {
            at: cn_time(sub.submitted_at),
            review: MaterialReview::parse(&sub.review)
                .ok_or_else(|| {
                    AppError::corrupt("order_submission", &sub.id, "review", &sub.review)
                })?
                .label(),
            note: sub.review_note.clone().unwrap_or_default(),
            photos: super::uploads::photo_views(
                jianguan_app::evidence::photos(&s.app, "submission", &sub.id).await?,
            )?,
            text: sub.text,
        });
    }
    let state = OrderState::parse(&o.state);
    use jianguan_domain::rectification::OrderAction;
    let can = |act: OrderAction| {
        act.allowed_for(a.role)
            && state.is_some_and(|st| jianguan_domain::rectification::next(st, act).is_ok())
    };
    Ok(render(
        status,
        &DetailPage {
            layout: layout(
                s,
                a,
                c.csrf.as_deref().unwrap_or_default(),
                "整改通知",
                "/orders",
            )
            .await,
            id: o.id.clone(),
            title: o.title.clone(),
            project: p.map(|p| p.name).unwrap_or_default(),
            project_id: o.project_id.clone(),
            requirements: o.requirements.clone(),
            issued_on: format_cn_date(o.issued_on),
            deadline: format_cn_date(o.deadline),
            responsible_person: o.responsible_person.clone().unwrap_or_default(),
            state: state_text(&o.state).into(),
            overdue: !OrderState::Accepted.is(&o.state) && o.deadline < s.app.today(),
            submissions,
            history: history_rows(jianguan_app::history::of(&s.app, &o).await?),
            can_submit: can(OrderAction::Submit),
            can_review: can(OrderAction::Accept),
            can_attach,
            saved,
            errors,
            text,
            issued: super::documents::issued(
                s,
                a,
                &o.id,
                jianguan_app::documents::kinds_for_order(),
            )
            .await?,
            source_id: o.id.clone(),
        },
    ))
}

pub async fn show(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<super::SavedQuery>,
) -> PageResult {
    detail(
        &s,
        &auth,
        &id,
        q.saved.is_some(),
        FieldErrors::new(),
        String::new(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SubmitForm {
    text: String,
}

pub async fn submit(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<SubmitForm>,
) -> PageResult {
    match rect::submit(&s.app, &auth.0, &id, &f.text).await {
        Ok(_) => Ok(Redirect::to(&format!("/orders/{id}?saved=1")).into_response()),
        Err(AppError::Validation(e)) => {
            detail(
                &s,
                &auth,
                &id,
                false,
                e,
                f.text,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReviewForm {
    decision: String,
    note: String,
}

pub async fn review(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<ReviewForm>,
) -> PageResult {
    rect::get(&s.app, &auth.0, &id).await?;
    let accept = match f.decision.as_str() {
        "accept" => true,
        "reject" => false,
        _ => return Err(AppError::field("decision", "请选择验收通过或退回").into()),
    };
    match rect::review(&s.app, &auth.0, &id, accept, &f.note).await {
        Ok(_) => Ok(Redirect::to(&format!("/orders/{id}?saved=1")).into_response()),
        Err(AppError::Validation(e)) => {
            detail(
                &s,
                &auth,
                &id,
                false,
                e,
                String::new(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// Photos for the contractor's submission that awaits review.
pub async fn upload(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    m: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let order = rect::get(&s.app, &auth.0, &id).await?;
    let result = async {
        let pending = rect::submissions(&s.app, &order)
            .await?
            .into_iter()
            .rfind(|x| MaterialReview::Pending.is(&x.review))
            .ok_or_else(|| {
                AppError::Conflict("没有待验收的整改材料，请先提交整改情况说明".into())
            })?;
        super::uploads::save_uploads(&s, &auth.0, "submission", &pending.id, m).await
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/orders/{id}?saved=1")).into_response()),
        Err(AppError::Validation(e)) => {
            detail(
                &s,
                &auth,
                &id,
                false,
                e,
                String::new(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
