//! 市场秩序问题 pages (一（四）): the list under 监督检查, raising one from a finalised
//! inspection or by hand, its page with the photos, the rectification ordered for it and
//! the responsible person's closing decision.

use super::{HistoryRow, Layout, PageResult, SelectOption, history_rows, layout, options, render};
use crate::AppState;
use crate::auth::Auth;
use crate::routes::Routes;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jianguan_app::Permission::*;
use jianguan_app::market::{self as mk, MarketFilter, MarketInput};
use jianguan_app::{AppError, Role};
use jianguan_domain::inspection::InspectionStatus;
use jianguan_domain::rules::facts::{MarketCategory, OrderState};
use jianguan_domain::{FieldErrors, format_cn_date};
use jianguan_store::entity::market_finding as market;
use serde::Deserialize;

pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/market", ReadRecords, list)
        .post("/market", Supervise, create)
        .get("/market/new", Supervise, new_form)
        .get("/market/{id}", ReadRecords, show)
        .post_large(
            "/market/{id}/photos",
            Supervise,
            super::UPLOAD_LIMIT,
            upload,
        )
        .post("/market/{id}/close", Decide, close)
}

fn category_text(code: &str) -> &'static str {
    MarketCategory::parse(code).map_or("其他", MarketCategory::label)
}

fn category_options(selected: &str) -> Vec<SelectOption> {
    options(
        MarketCategory::ALL.iter().map(|c| (c.code(), c.label())),
        selected,
    )
}

// ------------------------------------------------------------------ list

pub struct Row {
    pub id: String,
    pub category: &'static str,
    pub enterprise: String,
    pub project: String,
    pub raised_on: String,
    pub open: bool,
}

#[derive(Template)]
#[template(path = "market_list.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Row>,
    total: u64,
    pager: String,
    can_raise: bool,
    states: Vec<SelectOption>,
    categories: Vec<SelectOption>,
    projects: Vec<SelectOption>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    state: String,
    category: String,
    project_id: String,
    offset: u64,
}

pub async fn list(
    State(s): State<AppState>,
    Auth(a, c): Auth,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let mut e = FieldErrors::new();
    let open = match q.state.trim() {
        "" => None,
        "open" => Some(true),
        "closed" => Some(false),
        _ => {
            e.add("state", "没有这种处理状态");
            None
        }
    };
    let category = match q.category.trim() {
        "" => None,
        code => MarketCategory::parse(code).or_else(|| {
            e.add("category", "没有这种问题类别");
            None
        }),
    };
    if !e.is_empty() {
        return Err(AppError::Validation(e).into());
    }
    const PAGE: u64 = 50;
    let f = MarketFilter {
        open,
        category,
        project_id: Some(q.project_id.clone()),
    };
    let found = mk::page(&s.app, &a, &f, q.offset, PAGE).await?;
    let ids: Vec<String> = found
        .items
        .iter()
        .map(|m| m.enterprise_id.clone())
        .collect();
    let enterprises = jianguan_store::queries::enterprise_names(s.app.store.reader(), &ids)
        .await
        .map_err(AppError::from)?;
    let projects = super::project_names(&s, &a).await?;
    let rows = found
        .items
        .into_iter()
        .map(|m| Row {
            category: category_text(&m.category),
            enterprise: enterprises
                .get(&m.enterprise_id)
                .cloned()
                .unwrap_or_default(),
            project: m
                .project_id
                .as_ref()
                .and_then(|p| projects.get(p).cloned())
                .unwrap_or_default(),
            raised_on: format_cn_date(m.raised_on),
            open: m.closed_on.is_none(),
            id: m.id,
        })
        .collect();
    let pager = super::pager(
        "/market",
        &[
            ("state", &q.state),
            ("category", &q.category),
            ("project_id", &q.project_id),
        ],
        found.total,
        q.offset,
        PAGE,
    );
    Ok(render(
        StatusCode::OK,
        &ListPage {
            layout: layout(
                &s,
                &a,
                c.csrf.as_deref().unwrap_or_default(),
                "市场秩序问题",
                "/market",
            )
            .await,
            rows,
            total: found.total,
            pager,
            can_raise: a.role.supervises(),
            states: options([("open", "未处理完毕"), ("closed", "已处理完毕")], &q.state),
            categories: category_options(&q.category),
            projects: options(projects, &q.project_id),
        },
    ))
}

// ------------------------------------------------------------------ raising one

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MarketForm {
    pub project_id: String,
    pub category: String,
    pub raised_on: String,
    pub products: String,
    pub description: String,
    pub source: String,
}

impl MarketForm {
    fn to_input(&self) -> MarketInput {
        MarketInput {
            project_id: self.project_id.clone(),
            category: self.category.clone(),
            raised_on: self.raised_on.clone(),
            products: self.products.clone(),
            description: self.description.clone(),
            source: (!self.source.trim().is_empty()).then(|| self.source.trim().to_string()),
        }
    }
}

#[derive(Template)]
#[template(path = "market_form.html")]
struct FormPage {
    layout: Layout,
    form: MarketForm,
    errors: FieldErrors,
    projects: Vec<SelectOption>,
    categories: Vec<SelectOption>,
    /// The inspection it comes from, as the page names it.
    source_text: String,
}

async fn form_page(
    s: &AppState,
    auth: &Auth,
    form: MarketForm,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let Auth(a, c) = auth;
    let projects = super::project_names(s, a).await?;
    let source_text = match form.source.strip_prefix("inspection:") {
        Some(id) => match jianguan_app::inspections::get(&s.app, a, id).await {
            Ok((i, p)) => format!("{}的检查（{}）", p.name, format_cn_date(i.date)),
            Err(AppError::NotFound) => String::new(),
            Err(e) => return Err(e.into()),
        },
        None => String::new(),
    };
    Ok(render(
        status,
        &FormPage {
            layout: layout(
                s,
                a,
                c.csrf.as_deref().unwrap_or_default(),
                "登记市场秩序问题",
                "/market",
            )
            .await,
            projects: options(projects, &form.project_id),
            categories: category_options(&form.category),
            source_text,
            form,
            errors,
        },
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    project_id: String,
    inspection_id: String,
}

/// The form, filled from a finalised inspection when one is named: its project, its date
/// and its problems as the description.
pub async fn new_form(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<NewQuery>,
) -> PageResult {
    if !auth.0.role.supervises() {
        return Err(AppError::Forbidden.into());
    }
    let mut form = MarketForm {
        project_id: q.project_id,
        raised_on: s.app.today().to_string(),
        ..Default::default()
    };
    if !q.inspection_id.trim().is_empty() {
        let (i, _) =
            jianguan_app::inspections::get(&s.app, &auth.0, q.inspection_id.trim()).await?;
        if !InspectionStatus::Finalised.is(&i.status) {
            return Err(AppError::Conflict(
                "检查记录定稿后才能据此登记市场秩序问题；请先定稿，或直接登记".into(),
            )
            .into());
        }
        form.project_id = i.project_id.clone();
        form.raised_on = i.date.to_string();
        form.description = i.problems.clone().unwrap_or_default();
        form.source = format!("inspection:{}", i.id);
    }
    form_page(&s, &auth, form, FieldErrors::new(), StatusCode::OK).await
}

pub async fn create(
    State(s): State<AppState>,
    auth: Auth,
    Form(form): Form<MarketForm>,
) -> PageResult {
    match mk::raise(&s.app, &auth.0, &form.to_input(), FieldErrors::new()).await {
        Ok(m) => Ok(Redirect::to(&format!("/market/{}?saved=1", m.id)).into_response()),
        Err(AppError::Validation(e)) => {
            form_page(&s, &auth, form, e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ one problem

pub struct OrderLink {
    pub id: String,
    pub title: String,
    pub state: &'static str,
}

#[derive(Template)]
#[template(path = "market.html")]
struct DetailPage {
    layout: Layout,
    m: market::Model,
    category: &'static str,
    enterprise: String,
    project: String,
    raised_on: String,
    closed_on: String,
    inspection_id: String,
    orders: Vec<OrderLink>,
    photos: Vec<super::uploads::PhotoView>,
    history: Vec<HistoryRow>,
    /// The group may add photos and order a rectification while it is open.
    can_act: bool,
    can_close: bool,
    saved: bool,
    errors: FieldErrors,
    reason: String,
}

async fn detail(
    s: &AppState,
    auth: &Auth,
    id: &str,
    saved: bool,
    errors: FieldErrors,
    reason: String,
    status: StatusCode,
) -> PageResult {
    let Auth(a, c) = auth;
    let m = mk::get(&s.app, a, id).await?;
    let db = s.app.store.reader();
    let enterprise =
        jianguan_store::queries::enterprise_names(db, std::slice::from_ref(&m.enterprise_id))
            .await
            .map_err(AppError::from)?
            .remove(&m.enterprise_id)
            .unwrap_or_default();
    let project = match &m.project_id {
        Some(p) => jianguan_store::queries::project(db, &a.scope(), p)
            .await
            .map_err(AppError::from)?
            .map(|p| p.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let orders = mk::orders(&s.app, a, &m)
        .await?
        .into_iter()
        .map(|o| OrderLink {
            state: OrderState::parse(&o.state).map_or("", OrderState::label),
            id: o.id,
            title: o.title,
        })
        .collect();
    let photos = super::uploads::photo_views(
        jianguan_app::evidence::photos(&s.app, "market_finding", &m.id).await?,
    )?;
    let open = m.closed_on.is_none();
    Ok(render(
        status,
        &DetailPage {
            layout: layout(
                s,
                a,
                c.csrf.as_deref().unwrap_or_default(),
                "市场秩序问题",
                "/market",
            )
            .await,
            category: category_text(&m.category),
            enterprise,
            project,
            raised_on: format_cn_date(m.raised_on),
            closed_on: m.closed_on.map(format_cn_date).unwrap_or_default(),
            inspection_id: m
                .source
                .as_deref()
                .and_then(|x| x.strip_prefix("inspection:"))
                .unwrap_or_default()
                .to_string(),
            orders,
            photos,
            history: history_rows(jianguan_app::history::of(&s.app, &m).await?),
            can_act: open && a.role.supervises(),
            can_close: open && a.role == Role::Chief,
            saved,
            errors,
            reason,
            m,
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

pub async fn upload(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    m: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let problem = mk::get(&s.app, &auth.0, &id).await?;
    let result =
        async { super::uploads::save_uploads(&s, &auth.0, "market_finding", &problem.id, m).await }
            .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/market/{id}?saved=1")).into_response()),
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

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CloseForm {
    reason: String,
}

pub async fn close(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<CloseForm>,
) -> PageResult {
    match mk::close(&s.app, &auth.0, &id, &f.reason).await {
        Ok(_) => Ok(Redirect::to(&format!("/market/{id}?saved=1")).into_response()),
        Err(AppError::Validation(e)) => {
            detail(
                &s,
                &auth,
                &id,
                false,
                e,
                f.reason,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
