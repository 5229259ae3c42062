use super::{
    HistoryRow, Layout, PageResult, SelectOption, history_rows, layout, money, options, pager,
    render,
};
use crate::AppState;
use crate::auth::Auth;
use crate::forms::ProjectForm;
use crate::routes::Routes;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jianguan_app::Permission::*;
use jianguan_app::{Actor, AppError, Permission, records};
use jianguan_domain::project::{ProjectStatus, Target};
use jianguan_domain::{FieldErrors, System};
use jianguan_store::entity::project;
use jianguan_store::queries::{self, ListFilter};
use serde::Deserialize;

/// This area's pages, with who may use each.
pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/projects", ReadRecords, list)
        .get("/projects/ledger.xlsx", ReadRecords, ledger_xlsx)
        .post("/projects", EditRecords, create)
        .get("/projects/new", EditRecords, new_form)
        .get("/projects/{id}", ReadRecords, show)
        .get("/projects/{id}/edit", EditRecords, edit_form)
        .post("/projects/{id}/edit", EditRecords, update)
        .post("/projects/{id}/void", EditRecords, void)
}

fn system_label(code: &str) -> String {
    System::parse(code)
        .map(|s| s.label())
        .unwrap_or(code)
        .to_string()
}

fn status_label(code: &str) -> String {
    ProjectStatus::parse(code)
        .map(|s| s.label())
        .unwrap_or(code)
        .to_string()
}

async fn townships(s: &AppState, a: &Actor) -> Vec<String> {
    match &a.county_code {
        Some(c) => queries::county(s.app.store.reader(), c)
            .await
            .ok()
            .flatten()
            .map(|c| c.township_list())
            .unwrap_or_default(),
        None => vec![],
    }
}

pub struct Row {
    pub id: String,
    pub name: String,
    pub enterprise: String,
    pub system: String,
    pub township: String,
    pub funds: String,
    pub construction: String,
    pub status: String,
    pub voided: bool,
}

#[derive(Template)]
#[template(path = "projects.html")]
struct ListPage {
    layout: Layout,
    q: String,
    systems: Vec<SelectOption>,
    townships: Vec<SelectOption>,
    statuses: Vec<SelectOption>,
    total: u64,
    rows: Vec<Row>,
    can_edit: bool,
    pager: String,
    /// The register as XLSX, with the filters shown.
    export_href: String,
    /// Programmes whose whole dossier the caller may build: (id, name).
    dossier_programmes: Vec<(String, String)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    system: String,
    township: String,
    status: String,
    offset: u64,
}

const PAGE: u64 = 50;

/// The list's filters as its query asks.
fn filter_of(q: &ListQuery) -> ListFilter {
    let some = |v: &str| (!v.is_empty()).then(|| v.to_string());
    ListFilter {
        q: some(&q.q),
        system: some(&q.system),
        township: some(&q.township),
        status: some(&q.status),
        offset: q.offset,
        limit: PAGE,
        ..Default::default()
    }
}

/// 项目台账 as XLSX, with the list's filters.
pub async fn ledger_xlsx(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let bytes = jianguan_app::registers::projects(&s.app, &a, &filter_of(&q)).await?;
    Ok(super::xlsx_download(bytes, "项目台账.xlsx"))
}

pub async fn list(
    State(s): State<AppState>,
    Auth(a, c): Auth,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let f = filter_of(&q);
    let page = records::projects(&s.app, &a, &f).await?;
    let ids: Vec<String> = page.items.iter().map(|p| p.enterprise_id.clone()).collect();
    let names = queries::enterprise_names(s.app.store.reader(), &ids)
        .await
        .map_err(AppError::from)?;
    let rows = page
        .items
        .into_iter()
        .map(|p| Row {
            enterprise: names.get(&p.enterprise_id).cloned().unwrap_or_default(),
            system: system_label(&p.system),
            township: p.township,
            funds: money(p.central_funds_fen),
            construction: format!("{} 至 {}", p.construction_start, p.construction_end),
            status: status_label(&p.status),
            voided: p.voided_at.is_some(),
            id: p.id,
            name: p.name,
        })
        .collect();
    let params: [(&str, &str); _] = [
        ("q", &q.q),
        ("system", &q.system),
        ("township", &q.township),
        ("status", &q.status),
    ];
    let export_href = super::with_query("/projects/ledger.xlsx", &params);
    let pager = pager("/projects", &params, page.total, q.offset, PAGE);
    let towns = townships(&s, &a).await;
    let dossier_programmes = if jianguan_app::dossier::may_build(&a) {
        jianguan_app::records::programmes(&s.app, &a)
            .await?
            .into_iter()
            .filter(|g| g.voided_at.is_none())
            .map(|g| (g.id, g.name))
            .collect()
    } else {
        Vec::new()
    };
    let p = ListPage {
        layout: layout(
            &s,
            &a,
            c.csrf.as_deref().unwrap_or_default(),
            "承办项目",
            "/projects",
        )
        .await,
        systems: options(System::ALL.iter().map(|x| (x.code(), x.label())), &q.system),
        townships: options(towns.iter().map(|t| (t.clone(), t.clone())), &q.township),
        statuses: options(
            ProjectStatus::ALL.iter().map(|x| (x.code(), x.label())),
            &q.status,
        ),
        q: q.q,
        total: page.total,
        rows,
        can_edit: a.may(Permission::EditRecords),
        pager,
        export_href,
        dossier_programmes,
    };
    Ok(render(StatusCode::OK, &p))
}

pub struct Detail {
    pub id: String,
    pub name: String,
    pub status: String,
    pub enterprise_id: String,
    pub enterprise: String,
    pub system: String,
    pub programme: String,
    pub location: String,
    pub funds: String,
    pub construction: String,
    pub operation_start: String,
    pub service_period_end: String,
    pub targets: Vec<String>,
    pub voided: bool,
    pub void_reason: Option<String>,
}

#[derive(Template)]
#[template(path = "project.html")]
struct DetailPage {
    layout: Layout,
    p: Detail,
    /// The project's money from the funds ledger: (label, amount) in reading order.
    money: Vec<(&'static str, String)>,
    /// 资产: (name, tag or "未贴标签", link) of the first lines, and how many there are.
    assets: Vec<(String, String, String)>,
    asset_total: u64,
    history: Vec<HistoryRow>,
    can_edit: bool,
    saved: bool,
    void_error: Option<String>,
    /// 一（五）: the service period is over; staff may record its assets handed over.
    can_hand_over: bool,
    /// How many were just handed over.
    handed_over: String,
    today: String,
    /// 验收/审计档案: the bureau and auditors, not a contractor.
    can_build_dossier: bool,
}

async fn detail_page(
    s: &AppState,
    auth: &Auth,
    p: project::Model,
    saved: bool,
    void_error: Option<String>,
) -> Result<DetailPage, AppError> {
    let Auth(a, c) = auth;
    let db = s.app.store.reader();
    let names = queries::enterprise_names(db, std::slice::from_ref(&p.enterprise_id)).await?;
    let programme = queries::programme(db, &a.scope(), &p.programme_id)
        .await?
        .map(|x| x.name)
        .unwrap_or_default();
    let targets: Vec<Target> = p.targets_parsed()?;
    let history = history_rows(jianguan_app::history::of(&s.app, &p).await?);
    let money_rows = match jianguan_app::funds::of_project(&s.app, a, &p.id).await? {
        Some(f) => {
            let b = f.balances;
            vec![
                ("中央财政资金", money(b.allocated_fen)),
                ("已拨付", money(b.disbursed_fen)),
                ("申请补助", money(f.claimed_fen)),
                ("审核通过", money(b.approved_fen)),
                ("决定追回", money(b.recovery_ordered_fen)),
                ("已退回", money(b.repaid_fen)),
                ("尚未退回", money(b.outstanding_recovery_fen())),
                ("结余", money(b.balance_fen())),
            ]
        }
        None => Vec::new(),
    };
    let filter = jianguan_app::assets::AssetFilter {
        project_id: Some(p.id.clone()),
        ..Default::default()
    };
    let found = jianguan_app::assets::page(&s.app, a, &filter, 0, 10).await?;
    let asset_total = found.total;
    let assets = found
        .items
        .into_iter()
        .map(|x| {
            let tag = x
                .tag
                .clone()
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| "未贴标签".into());
            (x.name, tag, format!("/assets/{}", x.id))
        })
        .collect();
    let service_over = p.service_period_end.is_some_and(|e| e < s.app.today());
    let location = match (&p.village, p.latitude, p.longitude) {
        (v, Some(lat), Some(lon)) => format!(
            "{}{}（{lat:.5}, {lon:.5}）",
            p.township,
            v.as_deref().unwrap_or("")
        ),
        (v, _, _) => format!("{}{}", p.township, v.as_deref().unwrap_or("")),
    };
    Ok(DetailPage {
        layout: layout(
            s,
            a,
            c.csrf.as_deref().unwrap_or_default(),
            &p.name,
            "/projects",
        )
        .await,
        p: Detail {
            enterprise: names.get(&p.enterprise_id).cloned().unwrap_or_default(),
            status: status_label(&p.status),
            system: system_label(&p.system),
            programme,
            location,
            funds: money(p.central_funds_fen),
            construction: format!("{} 至 {}", p.construction_start, p.construction_end),
            operation_start: p
                .operation_start
                .map(|d| d.to_string())
                .unwrap_or_else(|| "尚未运营".into()),
            service_period_end: p
                .service_period_end
                .map(|d| d.to_string())
                .unwrap_or_else(|| "未填写".into()),
            targets: targets
                .iter()
                .map(|t| format!("{}：{} {}", t.name, t.quantity, t.unit))
                .collect(),
            voided: p.voided_at.is_some(),
            void_reason: p.void_reason,
            id: p.id,
            name: p.name,
            enterprise_id: p.enterprise_id,
        },
        history,
        money: money_rows,
        assets,
        asset_total,
        can_edit: a.may(Permission::EditRecords),
        can_hand_over: a.role.supervises()
            && a.may(Permission::EditRecords)
            && service_over
            && asset_total > 0,
        handed_over: String::new(),
        today: s.app.today().to_string(),
        can_build_dossier: jianguan_app::dossier::may_build(a),
        saved,
        void_error,
    })
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    saved: Option<String>,
    /// How many assets a bulk hand-over just recorded.
    handed_over: Option<u64>,
}

pub async fn show(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let p = records::project(&s.app, &auth.0, &id).await?;
    let mut page = detail_page(&s, &auth, p, q.saved.is_some(), None).await?;
    if let Some(n) = q.handed_over {
        page.handed_over = format!("已登记 {n} 项资产移交。");
    }
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "project_form.html")]
struct FormPage {
    layout: Layout,
    heading: String,
    action: String,
    cancel: String,
    form: ProjectForm,
    errors: FieldErrors,
    programmes: Vec<SelectOption>,
    enterprises: Vec<SelectOption>,
    systems: Vec<SelectOption>,
    townships: Vec<SelectOption>,
    statuses: Vec<SelectOption>,
}

async fn form_page(
    s: &AppState,
    auth: &Auth,
    id: Option<&str>,
    form: ProjectForm,
    errors: FieldErrors,
) -> Result<FormPage, AppError> {
    let Auth(a, c) = auth;
    let (heading, action, cancel) = match id {
        Some(id) => (
            "修改项目信息".to_string(),
            format!("/projects/{id}/edit"),
            format!("/projects/{id}"),
        ),
        None => (
            "新增承办项目".to_string(),
            "/projects".to_string(),
            "/projects".to_string(),
        ),
    };
    let programmes = records::programmes(&s.app, a).await?;
    let enterprises = records::enterprises(
        &s.app,
        a,
        &ListFilter {
            limit: 500,
            ..Default::default()
        },
    )
    .await?
    .items;
    let towns = townships(s, a).await;
    // A new project starts as planned or under construction; an existing one may move only
    // to the states its current state allows.
    let current = id.and(ProjectStatus::parse(&form.status));
    let statuses = ProjectStatus::ALL
        .iter()
        .filter(|st| match current {
            Some(cur) => cur.may_become(**st),
            None => matches!(
                st,
                ProjectStatus::Planned
                    | ProjectStatus::UnderConstruction
                    | ProjectStatus::Operating
            ),
        })
        .map(|x| (x.code(), x.label()));
    let status_selected = if form.status.is_empty() {
        "planned".to_string()
    } else {
        form.status.clone()
    };
    Ok(FormPage {
        layout: layout(
            s,
            a,
            c.csrf.as_deref().unwrap_or_default(),
            &heading,
            "/projects",
        )
        .await,
        heading,
        action,
        cancel,
        programmes: options(
            programmes.iter().map(|p| (p.id.clone(), p.name.clone())),
            &form.programme_id,
        ),
        enterprises: options(
            enterprises.iter().map(|e| (e.id.clone(), e.name.clone())),
            &form.enterprise_id,
        ),
        systems: options(
            System::ALL
                .iter()
                .map(|x| (x.code(), format!("{}. {}", x.number(), x.label()))),
            &form.system,
        ),
        townships: options(towns.iter().map(|t| (t.clone(), t.clone())), &form.township),
        statuses: options(statuses, &status_selected),
        form,
        errors,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    enterprise_id: String,
}

pub async fn new_form(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<NewQuery>,
) -> PageResult {
    let mut form = ProjectForm {
        enterprise_id: q.enterprise_id,
        ..Default::default()
    };
    // With one programme in the county (the usual case) choose it already.
    if let [only] = records::programmes(&s.app, &auth.0).await?.as_slice() {
        form.programme_id = only.id.clone();
    }
    Ok(render(
        StatusCode::OK,
        &form_page(&s, &auth, None, form, FieldErrors::new()).await?,
    ))
}

pub async fn create(
    State(s): State<AppState>,
    auth: Auth,
    Form(form): Form<ProjectForm>,
) -> PageResult {
    let (input, pre) = form.to_input();
    match records::create_project(&s.app, &auth.0, None, &input, pre).await {
        Ok(p) => Ok(Redirect::to(&format!("/projects/{}?saved=1", p.id)).into_response()),
        Err(AppError::Validation(errors)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&s, &auth, None, form, errors).await?,
        )),
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_form(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> PageResult {
    let p = records::project(&s.app, &auth.0, &id).await?;
    Ok(render(
        StatusCode::OK,
        &form_page(
            &s,
            &auth,
            Some(&id),
            ProjectForm::from_model(&p)?,
            FieldErrors::new(),
        )
        .await?,
    ))
}

pub async fn update(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(form): Form<ProjectForm>,
) -> PageResult {
    let (input, pre) = form.to_input();
    match records::update_project(&s.app, &auth.0, &id, &input, pre).await {
        Ok(p) => Ok(Redirect::to(&format!("/projects/{}?saved=1", p.id)).into_response()),
        Err(AppError::Validation(errors)) => {
            // Offer the statuses reachable from the stored one, not from what was typed.
            let stored = records::project(&s.app, &auth.0, &id).await?;
            let mut page = form_page(
                &s,
                &auth,
                Some(&id),
                ProjectForm {
                    status: stored.status.clone(),
                    ..form.clone()
                },
                errors,
            )
            .await?;
            page.form = form;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VoidForm {
    reason: String,
}

pub async fn void(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<VoidForm>,
) -> PageResult {
    match records::void_project(&s.app, &auth.0, &id, &f.reason).await {
        Ok(p) => Ok(Redirect::to(&format!("/projects/{}?saved=1", p.id)).into_response()),
        Err(err @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let msg = match &err {
                AppError::Validation(fe) => {
                    fe.get("reason").unwrap_or("请写明作废原因").to_string()
                }
                other => other.message(),
            };
            let p = records::project(&s.app, &auth.0, &id).await?;
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &detail_page(&s, &auth, p, false, Some(msg)).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}
