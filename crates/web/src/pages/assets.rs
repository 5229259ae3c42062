//! 资产 pages (一（五）): the ledger (the contractor keeps its own; the bureau reads the
//! county's, with filters), a ledger line's page with its value today, tag, photos and
//! history, the tags issued in batches, and the label sheet to print.

use super::{
    HistoryRow, Layout, PageResult, SelectOption, history_rows, layout, money, options, render,
};
use crate::AppState;
use crate::auth::Auth;
use crate::routes::Routes;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use jianguan_app::Permission::*;
use jianguan_app::assets::{self as am, AssetFilter, Label, Stock};
use jianguan_app::{AppError, Permission, Role};
use jianguan_domain::asset::{
    AssetInput, AssetKind, AssetStatus, MAX_TAGS_PER_BATCH, net_value_fen,
};
use jianguan_domain::{FieldErrors, format_cn_date};
use jianguan_store::entity::asset;
use serde::Deserialize;
use std::collections::BTreeMap;

pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/assets", ReadRecords, list)
        .post("/assets", HandIn, create)
        .get("/assets/new", HandIn, new_form)
        .get("/assets/tags", ReadRecords, tags)
        .post("/assets/tags", HandIn, issue)
        .get("/assets/labels", ReadRecords, labels)
        .get("/assets/ledger.xlsx", ReadRecords, ledger_xlsx)
        .get("/assets/template.xlsx", ReadRecords, template_xlsx)
        .post_large(
            "/assets/import",
            HandIn,
            super::SHEET_UPLOAD_LIMIT + 64 * 1024,
            import,
        )
        .get("/assets/{id}", ReadRecords, show)
        .get("/assets/{id}/edit", HandIn, edit_form)
        .post("/assets/{id}", HandIn, update)
        .post("/assets/{id}/tag", HandIn, bind)
        .post("/assets/{id}/transfer", HandIn, transfer)
        .post("/assets/{id}/handover", Supervise, hand_over)
        .post("/assets/{id}/renewal", Decide, renew)
        .post(
            "/projects/{id}/asset-handover",
            Supervise,
            hand_over_project,
        )
        .post_large("/assets/{id}/photos", HandIn, super::UPLOAD_LIMIT, upload)
}

/// The pages under 资产.
pub const ASSET_PAGES: [(&str, &str); 4] = [
    ("/assets", "资产台账"),
    ("/assets/tags", "资产标签"),
    ("/assets/counts", "清查盘点"),
    ("/assets/discrepancies", "盘点差异"),
];

fn status_of(m: &asset::Model) -> AssetStatus {
    m.status
        .as_deref()
        .and_then(AssetStatus::parse)
        .unwrap_or(AssetStatus::InUse)
}

fn category_name(s: &AppState, code: Option<&str>) -> String {
    let code = code.unwrap_or_default();
    s.app
        .profile
        .assets
        .category(code)
        .map_or_else(|| code.to_string(), |c| c.name.clone())
}

/// 账面净值 today, when the category's life is known.
fn net_value(s: &AppState, m: &asset::Model) -> Option<i64> {
    let c = s.app.profile.assets.category(m.category.as_deref()?)?;
    Some(net_value_fen(
        m.value_fen,
        m.purchase_date,
        c.life_years,
        s.app.today(),
    ))
}

fn place(m: &asset::Model) -> String {
    [
        m.township.as_deref(),
        m.village.as_deref(),
        m.location.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter(|x| !x.trim().is_empty())
    .collect::<Vec<_>>()
    .join(" ")
}

// ------------------------------------------------------------------ the ledger

pub struct Row {
    pub id: String,
    pub tag: String,
    pub name: String,
    pub category: String,
    pub quantity: String,
    pub value: String,
    pub net_value: String,
    pub project: String,
    pub place: String,
    pub status: &'static str,
    pub untagged: bool,
}

#[derive(Template)]
#[template(path = "assets.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Row>,
    total: u64,
    pager: String,
    keeper: bool,
    staff: bool,
    enterprises: Vec<SelectOption>,
    projects: Vec<SelectOption>,
    categories: Vec<SelectOption>,
    statuses: Vec<SelectOption>,
    untagged: bool,
    errors: FieldErrors,
    imported: u64,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    enterprise_id: String,
    project_id: String,
    category: String,
    status: String,
    untagged: String,
    offset: u64,
    imported: u64,
}

pub async fn list(State(s): State<AppState>, auth: Auth, Query(q): Query<ListQuery>) -> PageResult {
    list_page(&s, &auth, q, FieldErrors::new(), StatusCode::OK).await
}

async fn list_page(
    s: &AppState,
    auth: &Auth,
    q: ListQuery,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let Auth(a, c) = auth;
    let (s, a) = (s.clone(), a.clone());
    let mut e = FieldErrors::new();
    if !q.category.is_empty() && s.app.profile.assets.category(&q.category).is_none() {
        e.add("category", "没有这种资产类别");
    }
    if !q.status.is_empty() && AssetStatus::parse(&q.status).is_none() {
        e.add("status", "没有这种资产状态");
    }
    if !e.is_empty() {
        return Err(AppError::Validation(e).into());
    }
    const PAGE: u64 = 50;
    let f = AssetFilter {
        enterprise_id: Some(q.enterprise_id.clone()),
        project_id: Some(q.project_id.clone()),
        category: Some(q.category.clone()),
        status: Some(q.status.clone()),
        untagged: !q.untagged.is_empty(),
    };
    let found = am::page(&s.app, &a, &f, q.offset, PAGE).await?;
    let projects = super::project_names(&s, &a).await?;
    let rows = found
        .items
        .iter()
        .map(|m| Row {
            id: m.id.clone(),
            tag: m.tag.clone().unwrap_or_default(),
            name: m.name.clone(),
            category: category_name(&s, m.category.as_deref()),
            quantity: format!(
                "{} {}",
                m.quantity.unwrap_or(1),
                m.unit.clone().unwrap_or_else(|| "件".into())
            ),
            value: money(m.value_fen),
            net_value: net_value(&s, m).map(money).unwrap_or_default(),
            project: projects.get(&m.project_id).cloned().unwrap_or_default(),
            place: place(m),
            status: status_of(m).label(),
            untagged: m.central_funds && m.tag.as_deref().is_none_or(|t| t.trim().is_empty()),
        })
        .collect();
    let staff = a.role != Role::Contractor;
    let enterprises = if staff {
        jianguan_app::records::enterprises(&s.app, &a, &Default::default())
            .await?
            .items
            .into_iter()
            .map(|e| (e.id, e.name))
            .collect()
    } else {
        Vec::new()
    };
    let pager = super::pager(
        "/assets",
        &[
            ("enterprise_id", &q.enterprise_id),
            ("project_id", &q.project_id),
            ("category", &q.category),
            ("status", &q.status),
            ("untagged", &q.untagged),
        ],
        found.total,
        q.offset,
        PAGE,
    );
    let cats = s
        .app
        .profile
        .assets
        .categories
        .iter()
        .map(|c| (c.code.clone(), c.name.clone()));
    Ok(render(
        status,
        &ListPage {
            layout: layout(
                &s,
                &a,
                c.csrf.as_deref().unwrap_or_default(),
                "资产台账",
                "/assets",
            )
            .await,
            errors,
            imported: q.imported,
            rows,
            total: found.total,
            pager,
            keeper: a.role == Role::Contractor,
            staff,
            enterprises: options(enterprises, &q.enterprise_id),
            projects: options(projects, &q.project_id),
            categories: options(cats, &q.category),
            statuses: options(
                AssetStatus::ALL.iter().map(|x| (x.code(), x.label())),
                &q.status,
            ),
            untagged: !q.untagged.is_empty(),
        },
    ))
}

// ------------------------------------------------------------------ the form

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AssetForm {
    pub project_id: String,
    pub asset_kind: String,
    pub name: String,
    pub category: String,
    pub model_spec: String,
    pub quantity: String,
    pub unit: String,
    pub value: String,
    pub purchase_date: String,
    pub invoice: String,
    pub central_funds: String,
    pub township: String,
    pub village: String,
    pub address: String,
    pub latitude: String,
    pub longitude: String,
    pub custodian: String,
    pub status: String,
}

impl AssetForm {
    fn of(m: &asset::Model) -> Self {
        let fen = m.value_fen;
        AssetForm {
            project_id: m.project_id.clone(),
            asset_kind: m.asset_kind.clone(),
            name: m.name.clone(),
            category: m.category.clone().unwrap_or_default(),
            model_spec: m.model_spec.clone().unwrap_or_default(),
            quantity: m.quantity.unwrap_or(1).to_string(),
            unit: m.unit.clone().unwrap_or_default(),
            value: format!("{}.{:02}", fen / 100, fen % 100),
            purchase_date: m.purchase_date.to_string(),
            invoice: m.invoice.clone().unwrap_or_default(),
            central_funds: if m.central_funds {
                "1".into()
            } else {
                String::new()
            },
            township: m.township.clone().unwrap_or_default(),
            village: m.village.clone().unwrap_or_default(),
            address: m.location.clone().unwrap_or_default(),
            latitude: m.latitude.map(|x| x.to_string()).unwrap_or_default(),
            longitude: m.longitude.map(|x| x.to_string()).unwrap_or_default(),
            custodian: m.custodian.clone().unwrap_or_default(),
            status: status_of(m).code().into(),
        }
    }

    /// The input, with what does not parse as a number named under its field.
    fn to_input(&self) -> (AssetInput, FieldErrors) {
        let mut e = FieldErrors::new();
        let quantity = match self.quantity.trim() {
            "" => None,
            q => q.parse::<i64>().ok().or_else(|| {
                e.add("quantity", "数量应为正整数，例如 2");
                None
            }),
        };
        let value_fen = match self.value.trim() {
            "" => None,
            v => match jianguan_domain::Money::parse_yuan(v) {
                Ok(m) => Some(m.fen()),
                Err(err) => {
                    e.add("value_fen", err.to_string());
                    None
                }
            },
        };
        let coord = |v: &str, e: &mut FieldErrors| match v.trim() {
            "" => None,
            x => x.parse::<f64>().ok().or_else(|| {
                e.add("latitude", "坐标应为小数度数，例如 37.5521");
                None
            }),
        };
        let latitude = coord(&self.latitude, &mut e);
        let longitude = coord(&self.longitude, &mut e);
        (
            AssetInput {
                project_id: self.project_id.clone(),
                asset_kind: self.asset_kind.clone(),
                name: self.name.clone(),
                category: self.category.clone(),
                model_spec: self.model_spec.clone(),
                quantity,
                unit: self.unit.clone(),
                value_fen,
                purchase_date: self.purchase_date.clone(),
                invoice: self.invoice.clone(),
                central_funds: !self.central_funds.is_empty(),
                township: self.township.clone(),
                village: self.village.clone(),
                address: self.address.clone(),
                latitude,
                longitude,
                custodian: self.custodian.clone(),
                status: self.status.clone(),
            },
            e,
        )
    }
}

#[derive(Template)]
#[template(path = "asset_form.html")]
struct FormPage {
    layout: Layout,
    action: String,
    editing: bool,
    form: AssetForm,
    errors: FieldErrors,
    projects: Vec<SelectOption>,
    kinds: Vec<SelectOption>,
    categories: Vec<SelectOption>,
    statuses: Vec<SelectOption>,
    townships: Vec<SelectOption>,
}

async fn form_page(
    s: &AppState,
    auth: &Auth,
    action: String,
    form: AssetForm,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let Auth(a, c) = auth;
    let projects = super::project_names(s, a).await?;
    let towns = match &a.county_code {
        Some(code) => jianguan_store::queries::county(s.app.store.reader(), code)
            .await
            .map_err(AppError::from)?
            .map(|c| c.township_list())
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let cats = s.app.profile.assets.categories.iter().map(|c| {
        (
            c.code.clone(),
            format!("{}（折旧年限 {} 年）", c.name, c.life_years),
        )
    });
    let editing = action != "/assets";
    Ok(render(
        status,
        &FormPage {
            layout: layout(
                s,
                a,
                c.csrf.as_deref().unwrap_or_default(),
                if editing {
                    "修改资产台账"
                } else {
                    "登记资产"
                },
                "/assets",
            )
            .await,
            action,
            editing,
            projects: options(projects, &form.project_id),
            kinds: options(
                AssetKind::ALL.iter().map(|k| (k.code(), k.label())),
                &form.asset_kind,
            ),
            categories: options(cats, &form.category),
            // Disposal and hand-over are recorded by the bureau, not chosen here.
            statuses: options(
                AssetStatus::ALL
                    .iter()
                    .filter(|x| {
                        !matches!(x, AssetStatus::Disposed | AssetStatus::HandedOver)
                            || x.code() == form.status
                    })
                    .map(|x| (x.code(), x.label())),
                &form.status,
            ),
            townships: options(towns.iter().map(|t| (t.clone(), t.clone())), &form.township),
            form,
            errors,
        },
    ))
}

pub async fn new_form(State(s): State<AppState>, auth: Auth) -> PageResult {
    let form = AssetForm {
        asset_kind: AssetKind::Fixed.code().into(),
        status: AssetStatus::InUse.code().into(),
        central_funds: "1".into(),
        quantity: "1".into(),
        ..Default::default()
    };
    form_page(
        &s,
        &auth,
        "/assets".into(),
        form,
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn create(
    State(s): State<AppState>,
    auth: Auth,
    Form(form): Form<AssetForm>,
) -> PageResult {
    let (input, pre) = form.to_input();
    match am::create(&s.app, &auth.0, &input, pre).await {
        Ok(m) => Ok(Redirect::to(&format!("/assets/{}?saved=1", m.id)).into_response()),
        Err(AppError::Validation(e)) => {
            form_page(
                &s,
                &auth,
                "/assets".into(),
                form,
                e,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_form(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> PageResult {
    let m = am::get(&s.app, &auth.0, &id).await?;
    if !am::keeps(&auth.0, &m) {
        return Err(AppError::Forbidden.into());
    }
    let action = format!("/assets/{id}");
    form_page(
        &s,
        &auth,
        action,
        AssetForm::of(&m),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn update(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(form): Form<AssetForm>,
) -> PageResult {
    let (input, pre) = form.to_input();
    match am::update(&s.app, &auth.0, &id, &input, pre).await {
        Ok(_) => Ok(Redirect::to(&format!("/assets/{id}?saved=1")).into_response()),
        Err(AppError::Validation(e)) => {
            let action = format!("/assets/{id}");
            form_page(&s, &auth, action, form, e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ one asset

#[derive(Template)]
#[template(path = "asset.html")]
struct DetailPage {
    layout: Layout,
    m: asset::Model,
    kind: &'static str,
    category: String,
    life: String,
    project: String,
    enterprise: String,
    quantity: String,
    value: String,
    net_value: String,
    purchase_date: String,
    place: String,
    status: &'static str,
    owner: &'static str,
    photos: Vec<super::uploads::PhotoView>,
    history: Vec<HistoryRow>,
    keeper: bool,
    saved: bool,
    errors: FieldErrors,
    tag: String,
    transfers: Vec<TransferRow>,
    /// The subsidy claims citing its invoice: (link, words).
    claims: Vec<(String, String)>,
    /// The latest review of the line: state, note, and (for staff, while pending) its id.
    review_state: String,
    review_note: String,
    review_id: String,
    /// Still in the contractor's hands (not disposed of, not handed over).
    in_hand: bool,
    may_hand_over: bool,
    may_renew: bool,
    handed_over: String,
    renewed: String,
    today: String,
    form: EventForm,
}

pub struct TransferRow {
    pub date: String,
    pub from: String,
    pub to: String,
    pub place: String,
    pub note: String,
    pub by: String,
}

/// What the asset page's own forms carry back after an error.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EventForm {
    pub date: String,
    pub to_custodian: String,
    pub to_place: String,
    pub to: String,
    pub note: String,
    pub until: String,
    pub basis: String,
}

#[allow(clippy::too_many_arguments)]
async fn detail(
    s: &AppState,
    auth: &Auth,
    id: &str,
    saved: bool,
    errors: FieldErrors,
    tag: String,
    form: EventForm,
    status: StatusCode,
) -> PageResult {
    let Auth(a, c) = auth;
    let m = am::get(&s.app, a, id).await?;
    let db = s.app.store.reader();
    let enterprise =
        jianguan_store::queries::enterprise_names(db, std::slice::from_ref(&m.enterprise_id))
            .await
            .map_err(AppError::from)?
            .remove(&m.enterprise_id)
            .unwrap_or_default();
    let project = jianguan_store::queries::project(db, &a.scope(), &m.project_id)
        .await
        .map_err(AppError::from)?
        .map(|p| p.name)
        .unwrap_or_default();
    let cat = m
        .category
        .as_deref()
        .and_then(|c| s.app.profile.assets.category(c));
    let photos =
        super::uploads::photo_views(jianguan_app::evidence::photos(&s.app, "asset", &m.id).await?)?;
    let transfers = am::transfers(&s.app, a, &m.id)
        .await?
        .into_iter()
        .map(|t| TransferRow {
            date: format_cn_date(t.date),
            from: t.from_custodian.unwrap_or_else(|| "—".into()),
            to: t.to_custodian,
            place: t.to_place.unwrap_or_default(),
            note: t.note.unwrap_or_default(),
            by: jianguan_app::inventory::person(&t.recorded_by).to_string(),
        })
        .collect();
    let claims = am::claims_citing(&s.app, a, &m)
        .await?
        .into_iter()
        .map(|c| {
            (
                format!("/funds/claims/{}", c.id),
                format!(
                    "补助资金申请（{}，{}）",
                    money(c.amount_fen),
                    format_cn_date(c.submitted_on)
                ),
            )
        })
        .collect();
    let review = jianguan_app::reporting::latest_review(&s.app, &m.id).await?;
    let review_state = review
        .as_ref()
        .and_then(|r| jianguan_domain::reporting::Review::parse(&r.state));
    let pending = review_state == Some(jianguan_domain::reporting::Review::Submitted);
    let st = status_of(&m);
    let in_hand = m.handed_over_on.is_none()
        && m.disposed_on.is_none()
        && !matches!(st, AssetStatus::Disposed | AssetStatus::HandedOver);
    let today = s.app.today();
    Ok(render(
        status,
        &DetailPage {
            layout: layout(
                s,
                a,
                c.csrf.as_deref().unwrap_or_default(),
                "资产",
                "/assets",
            )
            .await,
            kind: AssetKind::parse(&m.asset_kind).map_or("固定资产", AssetKind::label),
            category: category_name(s, m.category.as_deref()),
            life: cat
                .map(|c| format!("{} 年", c.life_years))
                .unwrap_or_default(),
            project,
            enterprise,
            quantity: format!(
                "{} {}",
                m.quantity.unwrap_or(1),
                m.unit.clone().unwrap_or_else(|| "件".into())
            ),
            value: money(m.value_fen),
            net_value: net_value(s, &m).map(money).unwrap_or_default(),
            purchase_date: format_cn_date(m.purchase_date),
            place: place(&m),
            status: status_of(&m).label(),
            // 一（五）: what central funds bought is the government's, whoever keeps it.
            owner: if m.central_funds {
                "政府所有"
            } else {
                "企业自有"
            },
            photos,
            history: history_rows(jianguan_app::history::of(&s.app, &m).await?),
            keeper: am::keeps(a, &m),
            saved,
            errors,
            tag,
            transfers,
            claims,
            review_state: review_state
                .map(|r| r.label().to_string())
                .unwrap_or_default(),
            review_note: review
                .as_ref()
                .and_then(|r| r.note.clone())
                .unwrap_or_default(),
            review_id: match &review {
                Some(r) if pending && a.role.supervises() => r.id.clone(),
                _ => String::new(),
            },
            in_hand,
            may_hand_over: in_hand && a.role.supervises() && a.may(Permission::EditRecords),
            may_renew: in_hand && m.central_funds && a.may(Permission::Decide),
            handed_over: match (m.handed_over_on, &m.handed_over_to) {
                (Some(d), Some(to)) => format!("{}，接收：{to}", format_cn_date(d)),
                (Some(d), None) => format_cn_date(d),
                _ => String::new(),
            },
            renewed: match (m.renewed_until, &m.renewal_basis) {
                (Some(d), Some(b)) => format!("续用至{}（{b}）", format_cn_date(d)),
                (Some(d), None) => format!("续用至{}", format_cn_date(d)),
                _ => String::new(),
            },
            today: today.to_string(),
            form,
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
        EventForm::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BindForm {
    tag: String,
    /// "1": issue a new tag for this asset and bind it.
    new: String,
}

pub async fn bind(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<BindForm>,
) -> PageResult {
    let result = async {
        let tag = if f.new == "1" {
            let t = am::issue_tags(&s.app, &auth.0, Some(1)).await?;
            t.into_iter().next().map(|t| t.id).unwrap_or_default()
        } else {
            f.tag.clone()
        };
        am::bind_tag(&s.app, &auth.0, &id, &tag).await
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/assets/{id}?saved=1")).into_response()),
        Err(AppError::Validation(e)) => {
            detail(
                &s,
                &auth,
                &id,
                false,
                e,
                f.tag,
                EventForm::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn upload(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    m: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let a = am::get(&s.app, &auth.0, &id).await?;
    match super::uploads::save_uploads(&s, &auth.0, "asset", &a.id, m).await {
        Ok(()) => Ok(Redirect::to(&format!("/assets/{id}?saved=1")).into_response()),
        Err(AppError::Validation(e)) => {
            detail(
                &s,
                &auth,
                &id,
                false,
                e,
                String::new(),
                EventForm::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ custody and hand-over

/// After a form on the asset page: back to the page, or the page with the form's errors.
async fn after_event<T>(
    s: &AppState,
    auth: &Auth,
    id: &str,
    f: EventForm,
    done: Result<T, AppError>,
) -> PageResult {
    match done {
        Ok(_) => Ok(Redirect::to(&format!("/assets/{id}?saved=1")).into_response()),
        Err(AppError::Validation(e)) => {
            detail(
                s,
                auth,
                id,
                false,
                e,
                String::new(),
                f,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn transfer(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<EventForm>,
) -> PageResult {
    let input = am::TransferInput {
        date: f.date.clone(),
        to_custodian: f.to_custodian.clone(),
        to_place: f.to_place.clone(),
        note: f.note.clone(),
    };
    let done = am::transfer(&s.app, &auth.0, &id, &input).await;
    after_event(&s, &auth, &id, f, done).await
}

pub async fn hand_over(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<EventForm>,
) -> PageResult {
    let input = am::HandoverInput {
        date: f.date.clone(),
        to: f.to.clone(),
        note: f.note.clone(),
    };
    let done = am::hand_over(&s.app, &auth.0, &id, &input).await;
    after_event(&s, &auth, &id, f, done).await
}

pub async fn renew(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<EventForm>,
) -> PageResult {
    let input = am::RenewalInput {
        until: f.until.clone(),
        basis: f.basis.clone(),
    };
    let done = am::renew(&s.app, &auth.0, &id, &input).await;
    after_event(&s, &auth, &id, f, done).await
}

/// Every central-funds asset of a project handed over at once (from the project's page);
/// what is wrong is said on the project's page.
pub async fn hand_over_project(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<EventForm>,
) -> PageResult {
    let input = am::HandoverInput {
        date: f.date.clone(),
        to: f.to.clone(),
        note: f.note.clone(),
    };
    match am::hand_over_project(&s.app, &auth.0, &id, &input).await {
        Ok(n) => {
            Ok(Redirect::to(&format!("/projects/{id}?handed_over={n}#assets")).into_response())
        }
        Err(AppError::Validation(e)) => {
            let msg = e
                .iter()
                .map(|(_, m)| m.to_string())
                .collect::<Vec<_>>()
                .join("；");
            Err(AppError::Conflict(msg).into())
        }
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ tags and labels

pub struct BatchRow {
    pub batch: String,
    pub count: usize,
    pub unbound: usize,
    pub issued_on: String,
    pub issued_by: String,
}

#[derive(Template)]
#[template(path = "asset_tags.html")]
struct TagsPage {
    layout: Layout,
    batches: Vec<BatchRow>,
    keeper: bool,
    errors: FieldErrors,
    count: String,
    stocks: Vec<SelectOption>,
    max: u64,
}

async fn tags_page(
    s: &AppState,
    auth: &Auth,
    errors: FieldErrors,
    count: String,
    status: StatusCode,
) -> PageResult {
    let Auth(a, c) = auth;
    let all = am::tags(&s.app, a, None, false, 20_000).await?;
    let mut batches: Vec<BatchRow> = Vec::new();
    for t in all {
        match batches.iter_mut().find(|b| b.batch == t.batch) {
            Some(b) => {
                b.count += 1;
                b.unbound += usize::from(t.asset_id.is_none());
            }
            None => batches.push(BatchRow {
                batch: t.batch.clone(),
                count: 1,
                unbound: usize::from(t.asset_id.is_none()),
                issued_on: format_cn_date(t.issued_on),
                issued_by: super::actor_parts(&t.issued_by).0,
            }),
        }
    }
    batches.reverse();
    Ok(render(
        status,
        &TagsPage {
            layout: layout(
                s,
                a,
                c.csrf.as_deref().unwrap_or_default(),
                "资产标签",
                "/assets/tags",
            )
            .await,
            batches,
            keeper: a.role == Role::Contractor,
            errors,
            count,
            stocks: options(
                Stock::ALL.iter().map(|x| (x.code(), x.label())),
                Stock::A4x24.code(),
            ),
            max: MAX_TAGS_PER_BATCH,
        },
    ))
}

pub async fn tags(State(s): State<AppState>, auth: Auth) -> PageResult {
    tags_page(&s, &auth, FieldErrors::new(), "24".into(), StatusCode::OK).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct IssueForm {
    count: String,
    stock: String,
}

/// Issues a batch of blank tags and opens its label sheet to print.
pub async fn issue(State(s): State<AppState>, auth: Auth, Form(f): Form<IssueForm>) -> PageResult {
    let count = match f.count.trim() {
        "" => None,
        n => match n.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                let mut e = FieldErrors::new();
                e.add("count", "标签数量应为整数，例如 24");
                return tags_page(&s, &auth, e, f.count, StatusCode::UNPROCESSABLE_ENTITY).await;
            }
        },
    };
    match am::issue_tags(&s.app, &auth.0, count).await {
        Ok(t) => {
            let batch = t.first().map(|t| t.batch.clone()).unwrap_or_default();
            let stock = Stock::parse(&f.stock).unwrap_or(Stock::A4x24).code();
            let href = format!(
                "/assets/labels?batch={}&stock={stock}",
                crate::auth::encode_component(&batch)
            );
            Ok(Redirect::to(&href).into_response())
        }
        Err(AppError::Validation(e)) => {
            tags_page(&s, &auth, e, f.count, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LabelsQuery {
    /// A batch of tags (its first tag).
    batch: String,
    /// One asset's label.
    asset: String,
    stock: String,
}

#[derive(Template)]
#[template(path = "asset_labels.html")]
struct LabelsPage {
    title: String,
    pages: Vec<String>,
    count: usize,
    back: String,
}

/// The label sheet of a batch or of one asset, to print at 100 %.
pub async fn labels(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Query(q): Query<LabelsQuery>,
) -> PageResult {
    let stock = match q.stock.trim() {
        "" => Stock::A4x24,
        x => Stock::parse(x).ok_or_else(|| AppError::field("stock", "没有这种标签纸规格"))?,
    };
    let county = match &a.county_code {
        Some(code) => jianguan_store::queries::county(s.app.store.reader(), code)
            .await
            .map_err(AppError::from)?
            .map(|c| c.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let mut list: Vec<Label> = Vec::new();
    if !q.asset.trim().is_empty() {
        let m = am::get(&s.app, &a, q.asset.trim()).await?;
        let Some(tag) = m.tag.clone().filter(|t| !t.trim().is_empty()) else {
            return Err(AppError::Conflict("该资产还没有标签，请先生成或绑定标签".into()).into());
        };
        list.push(Label {
            tag,
            name: m.name,
            county: county.clone(),
        });
    } else if !q.batch.trim().is_empty() {
        // One more than a sheet request may print, to say so rather than cut it short.
        let tags = am::tags(&s.app, &a, Some(&q.batch), false, MAX_TAGS_PER_BATCH + 1).await?;
        if tags.len() as u64 > MAX_TAGS_PER_BATCH {
            return Err(AppError::field(
                "batch",
                format!("一次最多打印 {MAX_TAGS_PER_BATCH} 个标签"),
            )
            .into());
        }
        let ids: Vec<String> = tags.iter().filter_map(|t| t.asset_id.clone()).collect();
        let names: BTreeMap<String, String> = if ids.is_empty() {
            BTreeMap::new()
        } else {
            am::names(&s.app, &a, &ids).await?
        };
        for t in tags {
            let name = t
                .asset_id
                .as_ref()
                .and_then(|i| names.get(i).cloned())
                .unwrap_or_default();
            list.push(Label {
                tag: t.id,
                name,
                county: county.clone(),
            });
        }
    } else {
        return Err(AppError::field("batch", "请选择要打印的标签批次或资产").into());
    }
    if list.is_empty() {
        return Err(AppError::NotFound.into());
    }
    let count = list.len();
    let pages = am::label_pages(&s.app, stock, list).await?;
    let html = LabelsPage {
        title: format!("资产标签（{}）", stock.label()),
        pages,
        count,
        back: if q.asset.trim().is_empty() {
            "/assets/tags".into()
        } else {
            format!("/assets/{}", q.asset.trim())
        },
    }
    .render()
    .map_err(|e| AppError::internal("labels page", e))?;
    Ok(Html(html).into_response())
}

// ------------------------------------------------------------------ spreadsheets

/// 资产台账 as XLSX: the lines the caller may see, with the value today.
pub async fn ledger_xlsx(State(s): State<AppState>, Auth(a, _): Auth) -> PageResult {
    let bytes = am::ledger_xlsx(&s.app, &a).await?;
    Ok(super::xlsx_download(bytes, "资产台账.xlsx"))
}

pub async fn template_xlsx(State(s): State<AppState>, Auth(_, _): Auth) -> PageResult {
    let bytes = am::ledger_template(&s.app).await?;
    Ok(super::xlsx_download(bytes, "资产台账模板.xlsx"))
}

/// The contractor's existing ledger from Excel: every cell problem named, nothing saved
/// until the whole file is right.
pub async fn import(
    State(s): State<AppState>,
    auth: Auth,
    m: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let done = match super::read_file_field(m, "file", "请选择填写好的资产台账（Excel 文件）").await
    {
        Ok(bytes) => am::import_ledger(&s.app, &auth.0, bytes).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(lines) => Ok(Redirect::to(&format!("/assets?imported={}", lines.len())).into_response()),
        Err(AppError::Validation(e)) => {
            list_page(
                &s,
                &auth,
                ListQuery::default(),
                e,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
