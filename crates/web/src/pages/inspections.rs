//! 监督检查 pages: the list of planned and done inspections, the form to plan or record
//! one (phone width first), its page with photos, finalising and correcting, and the
//! printable minutes.

use super::{
    HistoryRow, Layout, PageResult, SelectOption, cn_time, history_rows, layout, options, render,
};
use crate::AppState;
use crate::auth::Auth;
use crate::routes::Routes;
use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jianguan_app::Permission::*;
use jianguan_app::evidence::{self};
use jianguan_app::inspections::{self as ins, InspectionFilter};
use jianguan_app::{Actor, AppError, Role};
use jianguan_domain::FieldErrors;
use jianguan_domain::inspection::InspectionStatus;
use jianguan_domain::inspection::{
    InspectionInput, KINDS, METHODS, RESULTS, StandardResult, label_of, standard_lines,
};
use jianguan_domain::rules::profile::CheckItem;
use jianguan_store::entity::inspection;
use serde::Deserialize;
use std::collections::BTreeMap;

/// This area's pages, with who may use each.
pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/inspections", ReadRecords, list)
        .get("/inspections/ledger.xlsx", ReadRecords, ledger_xlsx)
        .post("/inspections", Supervise, create)
        .get("/inspections/new", Supervise, new_form)
        .get("/inspections/{id}", ReadRecords, show)
        .get("/inspections/{id}/edit", Supervise, edit_form)
        .post("/inspections/{id}/edit", Supervise, update)
        .post("/inspections/{id}/correct", Supervise, correct)
        .post("/inspections/{id}/finalise", Supervise, finalise)
        .post_large(
            "/inspections/{id}/photos",
            Supervise,
            super::UPLOAD_LIMIT,
            upload,
        )
}

/// The label of a stored status (empty for a code that is none).
pub fn status_label(code: &str) -> &'static str {
    InspectionStatus::parse(code).map_or("", InspectionStatus::label)
}

fn kinds_text(codes: &[String]) -> String {
    codes
        .iter()
        .filter_map(|c| KINDS.iter().find(|k| k.1 == c).map(|k| k.2))
        .collect::<Vec<_>>()
        .join("、")
}

fn is_staff(a: &Actor) -> bool {
    a.role.supervises()
}

// ------------------------------------------------------------------ list

pub struct Row {
    pub id: String,
    pub date: String,
    pub project: String,
    pub kinds: String,
    pub inspectors: String,
    pub status: String,
    pub planned: bool,
}

#[derive(Template)]
#[template(path = "inspections.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<Row>,
    total: u64,
    pager: String,
    /// The register as XLSX, with the filters shown.
    export_href: String,
    statuses: Vec<SelectOption>,
    projects: Vec<SelectOption>,
    sorts: Vec<SelectOption>,
    inspector: String,
    from: String,
    to: String,
    can_edit: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    status: String,
    inspector: String,
    project_id: String,
    from: String,
    to: String,
    sort: String,
    offset: u64,
    /// The id of the row a page starts after (下一页) or ends before (上一页).
    after: String,
    before: String,
}

/// The list's filters and order as its query asks, each bad one named.
fn filter_of(q: &ListQuery) -> Result<(InspectionFilter, ins::InspectionSort), AppError> {
    let some = |v: &str| (!v.trim().is_empty()).then(|| v.trim().to_string());
    if some(&q.status).is_some_and(|st| status_label(&st).is_empty()) {
        return Err(AppError::field("status", "没有这种检查状态"));
    }
    let mut e = FieldErrors::new();
    let mut date = |field: &str, label: &str, v: &str| match some(v) {
        None => None,
        Some(v) => match jianguan_domain::dates::parse_date(&v) {
            Ok(d) => Some(d),
            Err(m) => {
                e.add(field, format!("{label}：{m}"));
                None
            }
        },
    };
    let from = date("from", "起始日期", &q.from);
    let to = date("to", "截止日期", &q.to);
    let sort: ins::InspectionSort = super::sort_of(&q.sort, &mut e);
    if !e.is_empty() {
        return Err(AppError::Validation(e));
    }
    let f = InspectionFilter {
        status: some(&q.status),
        inspector: some(&q.inspector),
        project_id: some(&q.project_id),
        from,
        to,
    };
    Ok((f, sort))
}

/// 监督检查台账 as XLSX, with the list's filters.
pub async fn ledger_xlsx(
    State(s): State<AppState>,
    Auth(a, _): Auth,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let (f, sort) = filter_of(&q)?;
    let bytes = jianguan_app::registers::inspections(&s.app, &a, &f, sort).await?;
    Ok(super::xlsx_download(bytes, "监督检查台账.xlsx"))
}

pub async fn list(
    State(s): State<AppState>,
    Auth(a, c): Auth,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let (f, sort) = filter_of(&q)?;
    let cursor = super::cursor_of(&q.after, &q.before)?;
    const PAGE: u64 = 50;
    let found = ins::page(&s.app, &a, &f, sort, (q.offset, cursor.as_ref()), PAGE).await?;
    let items = found.items;
    let projects = super::project_names(&s, &a).await?;
    let params: [(&str, &str); _] = [
        ("status", &q.status),
        ("inspector", &q.inspector),
        ("project_id", &q.project_id),
        ("from", &q.from),
        ("to", &q.to),
        ("sort", &q.sort),
    ];
    let export_href = super::with_query("/inspections/ledger.xlsx", &params);
    let ends = items.first().zip(items.last());
    let pager = super::pager_at(
        "/inspections",
        &params,
        (found.total, q.offset, PAGE),
        ends.map(|(first, last)| (first.id.as_str(), last.id.as_str())),
    );
    let rows = items
        .into_iter()
        .map(|i| {
            Ok(Row {
                date: jianguan_domain::format_cn_date(i.date),
                project: projects.get(&i.project_id).cloned().unwrap_or_default(),
                kinds: kinds_text(&i.kinds_parsed()?),
                inspectors: i.inspectors_parsed()?.join("、"),
                status: status_label(&i.status).into(),
                planned: InspectionStatus::Planned.is(&i.status),
                id: i.id,
            })
        })
        .collect::<Result<_, AppError>>()?;
    let page = ListPage {
        layout: layout(
            &s,
            &a,
            c.csrf.as_deref().unwrap_or_default(),
            "监督检查",
            "/inspections",
        )
        .await,
        rows,
        total: found.total,
        pager,
        export_href,
        statuses: options(
            InspectionStatus::ALL.map(|x| (x.code(), x.label())),
            &q.status,
        ),
        projects: options(
            projects.iter().map(|(id, name)| (id.clone(), name.clone())),
            &q.project_id,
        ),
        sorts: super::sort_options::<ins::InspectionSort>(&q.sort),
        inspector: q.inspector,
        from: q.from,
        to: q.to,
        can_edit: is_staff(&a),
    };
    Ok(render(StatusCode::OK, &page))
}

// ------------------------------------------------------------------ form

/// The inspection form as typed. Check boxes and per-standard fields have names of their
/// own so that a plain form post carries them without JavaScript.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct InspectionForm {
    pub mode: String,
    pub project_id: String,
    pub date: String,
    pub training_class_id: String,
    pub disbursement_id: String,
    pub kind_construction: String,
    pub kind_operations: String,
    pub kind_training: String,
    pub kind_funds: String,
    pub kind_ad_hoc: String,
    pub method_on_site: String,
    pub method_hearing: String,
    pub method_materials: String,
    pub method_other: String,
    pub inspectors: String,
    pub minutes: String,
    pub problems: String,
    /// "true" 事先通知, "false" 不打招呼, "" as the regulation says for the kind.
    pub announced: String,
    pub reason: String,
    /// Each standard's and check's `std_{code}` (result) and `note_{code}`: the checks come
    /// from the profile, so their names are not fields of their own.
    #[serde(flatten)]
    pub results: BTreeMap<String, String>,
}

impl InspectionForm {
    fn flag(&self, name: &str) -> bool {
        let v = match name {
            "kind_construction" => &self.kind_construction,
            "kind_operations" => &self.kind_operations,
            "kind_training" => &self.kind_training,
            "kind_funds" => &self.kind_funds,
            "kind_ad_hoc" => &self.kind_ad_hoc,
            "method_on_site" => &self.method_on_site,
            "method_hearing" => &self.method_hearing,
            "method_materials" => &self.method_materials,
            "method_other" => &self.method_other,
            _ => "",
        };
        !v.is_empty()
    }

    fn standard(&self, code: &str) -> (&str, &str) {
        let get = |k: String| self.results.get(&k).map_or("", String::as_str);
        (get(format!("std_{code}")), get(format!("note_{code}")))
    }

    pub fn to_input(&self, checks: &[CheckItem]) -> InspectionInput {
        let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        InspectionInput {
            project_id: self.project_id.clone(),
            kinds: KINDS
                .iter()
                .filter(|k| self.flag(&format!("kind_{}", k.1)))
                .map(|k| k.1.to_string())
                .collect(),
            date: self.date.clone(),
            training_class_id: opt(&self.training_class_id),
            disbursement_id: opt(&self.disbursement_id),
            methods: METHODS
                .iter()
                .filter(|m| self.flag(&format!("method_{}", m.0)))
                .map(|m| m.0.to_string())
                .collect(),
            standards: standard_lines(checks)
                .into_iter()
                .filter_map(|(code, _)| {
                    let (r, n) = self.standard(&code);
                    (!r.is_empty()).then(|| {
                        (
                            code.clone(),
                            StandardResult {
                                result: r.to_string(),
                                note: n.to_string(),
                            },
                        )
                    })
                })
                .collect(),
            inspectors: self
                .inspectors
                .split([',', '，', '、', ';', '；', '\n'])
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect(),
            minutes: opt(&self.minutes),
            problems: opt(&self.problems),
            announced: match self.announced.as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
        }
    }

    fn from_model(i: &inspection::Model) -> Result<Self, AppError> {
        let kinds = i.kinds_parsed()?;
        let methods = i.methods_parsed()?;
        let standards = i.standards_parsed()?;
        let on = |list: &[String], c: &str| {
            if list.iter().any(|x| x == c) {
                "on".to_string()
            } else {
                String::new()
            }
        };
        let mut results = BTreeMap::new();
        for (code, r) in standards {
            results.insert(format!("std_{code}"), r.result);
            results.insert(format!("note_{code}"), r.note);
        }
        Ok(InspectionForm {
            mode: if InspectionStatus::Planned.is(&i.status) {
                "plan".into()
            } else {
                "record".into()
            },
            project_id: i.project_id.clone(),
            date: i.date.to_string(),
            training_class_id: i.training_class_id.clone().unwrap_or_default(),
            disbursement_id: i.disbursement_id.clone().unwrap_or_default(),
            kind_construction: on(&kinds, "construction"),
            kind_operations: on(&kinds, "operations"),
            kind_training: on(&kinds, "training"),
            kind_funds: on(&kinds, "funds"),
            kind_ad_hoc: on(&kinds, "ad_hoc"),
            method_on_site: on(&methods, "on_site"),
            method_hearing: on(&methods, "hearing"),
            method_materials: on(&methods, "materials"),
            method_other: on(&methods, "other"),
            inspectors: i.inspectors_parsed()?.join("，"),
            minutes: i.minutes.clone().unwrap_or_default(),
            problems: i.problems.clone().unwrap_or_default(),
            announced: i.announced.to_string(),
            reason: String::new(),
            results,
        })
    }
}

pub struct Check {
    pub name: String,
    pub label: &'static str,
    pub checked: bool,
}

pub struct StandardRow {
    pub code: String,
    pub label: String,
    pub note: String,
    pub choices: Vec<SelectOption>,
}

#[derive(Template)]
#[template(path = "inspection_form.html")]
struct FormPage {
    layout: Layout,
    heading: String,
    action: String,
    cancel: String,
    form: InspectionForm,
    errors: FieldErrors,
    projects: Vec<SelectOption>,
    classes: Vec<SelectOption>,
    disbursements: Vec<SelectOption>,
    kinds: Vec<Check>,
    methods: Vec<Check>,
    standards: Vec<StandardRow>,
    planning: bool,
    correcting: bool,
}

async fn form_page(
    s: &AppState,
    auth: &Auth,
    id: Option<&str>,
    correcting: bool,
    form: InspectionForm,
    errors: FieldErrors,
) -> Result<FormPage, AppError> {
    let Auth(a, c) = auth;
    let planning = form.mode == "plan";
    let (heading, action, cancel) = match (id, correcting) {
        (Some(id), true) => (
            "更正检查记录".to_string(),
            format!("/inspections/{id}/correct"),
            format!("/inspections/{id}"),
        ),
        (Some(id), false) => (
            "修改检查记录".to_string(),
            format!("/inspections/{id}/edit"),
            format!("/inspections/{id}"),
        ),
        (None, _) if planning => (
            "安排检查".to_string(),
            "/inspections".to_string(),
            "/inspections".to_string(),
        ),
        (None, _) => (
            "记录检查".to_string(),
            "/inspections".to_string(),
            "/inspections".to_string(),
        ),
    };
    let projects = ins::projects(&s.app, a).await?;
    let classes = jianguan_app::reporting::classes(&s.app, a).await?;
    let payments = jianguan_app::funds::disbursements(&s.app, a).await?;
    let names: BTreeMap<&str, &str> = projects
        .iter()
        .map(|p| (p.id.as_str(), p.name.as_str()))
        .collect();
    let check = |prefix: &str, code: &str, label: &'static str| Check {
        name: format!("{prefix}_{code}"),
        label,
        checked: form.flag(&format!("{prefix}_{code}")),
    };
    Ok(FormPage {
        layout: layout(
            s,
            a,
            c.csrf.as_deref().unwrap_or_default(),
            &heading,
            "/inspections",
        )
        .await,
        heading,
        action,
        cancel,
        projects: options(
            projects
                .iter()
                .filter(|p| p.voided_at.is_none())
                .map(|p| (p.id.clone(), p.name.clone())),
            &form.project_id,
        ),
        classes: options(
            classes.iter().map(|t| {
                (
                    t.id.clone(),
                    format!(
                        "{}（{}，{}至{}）",
                        t.name,
                        names.get(t.project_id.as_str()).unwrap_or(&""),
                        t.first_day,
                        t.last_day
                    ),
                )
            }),
            &form.training_class_id,
        ),
        disbursements: options(
            payments.iter().map(|b| {
                let money = jianguan_domain::Money::from_fen(b.amount_fen)
                    .map(|m| m.to_string())
                    .unwrap_or_default();
                (
                    b.id.clone(),
                    format!(
                        "{}：{} {}（{}）",
                        names.get(b.project_id.as_str()).unwrap_or(&""),
                        b.date,
                        b.batch,
                        money
                    ),
                )
            }),
            &form.disbursement_id,
        ),
        kinds: KINDS.iter().map(|k| check("kind", k.1, k.2)).collect(),
        methods: METHODS.iter().map(|m| check("method", m.0, m.1)).collect(),
        standards: standard_lines(&s.app.profile.operations_checks)
            .into_iter()
            .map(|(code, label)| {
                let (r, n) = form.standard(&code);
                StandardRow {
                    note: n.to_string(),
                    choices: options(RESULTS.iter().map(|x| (x.0, x.1)), r),
                    code,
                    label,
                }
            })
            .collect(),
        planning,
        correcting,
        form,
        errors,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    mode: String,
    project_id: String,
    kind: String,
    training_class_id: String,
}

pub async fn new_form(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<NewQuery>,
) -> PageResult {
    if !is_staff(&auth.0) {
        return Err(AppError::Forbidden.into());
    }
    let today = s.app.today().to_string();
    let mut form = InspectionForm {
        mode: if q.mode == "plan" {
            "plan".into()
        } else {
            "record".into()
        },
        project_id: q.project_id,
        training_class_id: q.training_class_id,
        date: today,
        method_on_site: "on".into(),
        inspectors: auth.0.display_name.clone(),
        ..Default::default()
    };
    if KINDS.iter().any(|k| k.1 == q.kind) {
        match q.kind.as_str() {
            "construction" => form.kind_construction = "on".into(),
            "operations" => form.kind_operations = "on".into(),
            "training" => form.kind_training = "on".into(),
            "funds" => form.kind_funds = "on".into(),
            _ => form.kind_ad_hoc = "on".into(),
        }
    }
    Ok(render(
        StatusCode::OK,
        &form_page(&s, &auth, None, false, form, FieldErrors::new()).await?,
    ))
}

/// Errors of the form shown with the form; anything else as an error page.
async fn form_error(
    s: &AppState,
    auth: &Auth,
    id: Option<&str>,
    correcting: bool,
    form: InspectionForm,
    e: AppError,
) -> PageResult {
    match e {
        AppError::Validation(errors) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(s, auth, id, correcting, form, errors).await?,
        )),
        other => Err(other.into()),
    }
}

pub async fn create(
    State(s): State<AppState>,
    auth: Auth,
    Form(form): Form<InspectionForm>,
) -> PageResult {
    let input = form.to_input(&s.app.profile.operations_checks);
    let result = if form.mode == "plan" {
        ins::plan(&s.app, &auth.0, &input, FieldErrors::new()).await
    } else {
        ins::record(&s.app, &auth.0, &input, FieldErrors::new()).await
    };
    match result {
        Ok(m) => Ok(Redirect::to(&format!("/inspections/{}?saved=1", m.id)).into_response()),
        Err(e) => form_error(&s, &auth, None, false, form, e).await,
    }
}

pub async fn edit_form(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> PageResult {
    let (i, _) = ins::get(&s.app, &auth.0, &id).await?;
    if !is_staff(&auth.0) {
        return Err(AppError::Forbidden.into());
    }
    let correcting = InspectionStatus::Finalised.is(&i.status);
    let form = InspectionForm::from_model(&i)?;
    Ok(render(
        StatusCode::OK,
        &form_page(&s, &auth, Some(&id), correcting, form, FieldErrors::new()).await?,
    ))
}

pub async fn update(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(form): Form<InspectionForm>,
) -> PageResult {
    match ins::update(
        &s.app,
        &auth.0,
        &id,
        &form.to_input(&s.app.profile.operations_checks),
        FieldErrors::new(),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/inspections/{id}?saved=1")).into_response()),
        Err(e) => form_error(&s, &auth, Some(&id), false, form, e).await,
    }
}

pub async fn correct(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(form): Form<InspectionForm>,
) -> PageResult {
    match ins::correct(
        &s.app,
        &auth.0,
        &id,
        &form.to_input(&s.app.profile.operations_checks),
        &form.reason,
        FieldErrors::new(),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/inspections/{id}?saved=1")).into_response()),
        Err(e) => form_error(&s, &auth, Some(&id), true, form, e).await,
    }
}

// ------------------------------------------------------------------ detail

pub struct StandardView {
    pub label: String,
    pub result: &'static str,
    pub failed: bool,
    pub note: String,
}

pub struct VersionView {
    pub version: i64,
    pub at: String,
    pub actor: String,
    pub reason: String,
    pub minutes: String,
}

pub struct View {
    pub id: String,
    pub project: String,
    pub project_id: String,
    pub enterprise: String,
    pub date: String,
    pub status: String,
    pub status_code: String,
    pub kinds: String,
    pub methods: String,
    pub standards: Vec<StandardView>,
    pub inspectors: String,
    pub minutes: String,
    pub problems: String,
    pub class: String,
    /// 事先通知 or 不打招呼.
    pub notice: &'static str,
    /// Photos the record says it has (imported records) beyond those uploaded here.
    pub photo_count: i64,
}

#[derive(Template)]
#[template(path = "inspection.html")]
struct DetailPage {
    layout: Layout,
    i: View,
    photos: Vec<super::uploads::PhotoView>,
    versions: Vec<VersionView>,
    history: Vec<HistoryRow>,
    saved: bool,
    errors: FieldErrors,
    can_edit: bool,
    print: bool,
    issued: super::documents::Issued,
    source_id: String,
}

async fn detail(
    s: &AppState,
    auth: &Auth,
    id: &str,
    saved: bool,
    errors: FieldErrors,
    print: bool,
) -> Result<DetailPage, AppError> {
    let Auth(a, c) = auth;
    let (i, p) = ins::get(&s.app, a, id).await?;
    let db = s.app.store.reader();
    let ent = jianguan_store::queries::enterprise_names(db, std::slice::from_ref(&p.enterprise_id))
        .await?;
    let class = match &i.training_class_id {
        Some(cid) => match jianguan_app::reporting::class(&s.app, a, cid).await {
            Ok(t) => t.name,
            Err(AppError::NotFound) => String::new(),
            Err(e) => return Err(e),
        },
        None => String::new(),
    };
    let standards = i.standards_parsed()?;
    // A contractor sees an inspection's evidence once it is final.
    let photos = if a.role == Role::Contractor && !InspectionStatus::Finalised.is(&i.status) {
        vec![]
    } else {
        super::uploads::photo_views(
            jianguan_app::evidence::photos(&s.app, "inspection", id).await?,
        )?
    };
    let versions = ins::versions(&s.app, &i)
        .await?
        .into_iter()
        .map(|v| VersionView {
            minutes: serde_json::from_str::<inspection::Model>(&v.snapshot)
                .ok()
                .and_then(|m| m.minutes)
                .unwrap_or_default(),
            version: v.version,
            at: cn_time(v.created_at),
            actor: v.actor_name,
            reason: v.reason,
        })
        .collect();
    let history = history_rows(jianguan_app::history::of(&s.app, &i).await?);
    let issued = super::documents::issued(
        s,
        a,
        &i.id,
        jianguan_app::documents::kinds_for_inspection(&i),
    )
    .await?;
    Ok(DetailPage {
        issued,
        source_id: i.id.clone(),
        layout: layout(
            s,
            a,
            c.csrf.as_deref().unwrap_or_default(),
            "检查记录",
            "/inspections",
        )
        .await,
        i: View {
            id: i.id.clone(),
            project: p.name.clone(),
            project_id: p.id.clone(),
            enterprise: ent.get(&p.enterprise_id).cloned().unwrap_or_default(),
            date: jianguan_domain::format_cn_date(i.date),
            status: status_label(&i.status).into(),
            status_code: i.status.clone(),
            kinds: kinds_text(&i.kinds_parsed()?),
            methods: i
                .methods_parsed()?
                .iter()
                .map(|m| label_of(&METHODS, m))
                .collect::<Vec<_>>()
                .join("、"),
            standards: standard_lines(&s.app.profile.operations_checks)
                .into_iter()
                .filter_map(|(code, label)| {
                    standards.get(&code).map(|r| StandardView {
                        label,
                        result: label_of(&RESULTS, &r.result),
                        failed: r.result == "fail",
                        note: r.note.clone(),
                    })
                })
                .collect(),
            inspectors: i.inspectors_parsed()?.join("、"),
            minutes: i.minutes.clone().unwrap_or_default(),
            problems: i.problems.clone().unwrap_or_default(),
            class,
            notice: if i.announced {
                "事先通知"
            } else {
                "不打招呼"
            },
            photo_count: i.photo_count,
        },
        photos,
        versions,
        history,
        saved,
        errors,
        can_edit: is_staff(a),
        print,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    saved: Option<String>,
    print: Option<String>,
}

pub async fn show(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    Ok(render(
        StatusCode::OK,
        &detail(
            &s,
            &auth,
            &id,
            q.saved.is_some(),
            FieldErrors::new(),
            q.print.is_some(),
        )
        .await?,
    ))
}

pub async fn finalise(State(s): State<AppState>, auth: Auth, Path(id): Path<String>) -> PageResult {
    match ins::finalise(&s.app, &auth.0, &id).await {
        Ok(_) => Ok(Redirect::to(&format!("/inspections/{id}?saved=1")).into_response()),
        Err(AppError::Validation(e)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &detail(&s, &auth, &id, false, e, false).await?,
        )),
        Err(e) => Err(e.into()),
    }
}

pub async fn upload(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    // The record first: someone else's is "not found", whatever was sent.
    ins::get(&s.app, &auth.0, &id).await?;
    let result = async {
        let (files, device) = super::uploads::read_upload(&s, m).await?;
        for (name, bytes) in files {
            evidence::upload(
                &s.app,
                &auth.0,
                "inspection",
                &id,
                &name,
                bytes,
                device.clone(),
            )
            .await
            .map_err(|e| match e {
                AppError::Validation(mut f) => {
                    let msg = f.get("photo").unwrap_or("无法保存").to_string();
                    f = FieldErrors::new();
                    f.add("photo", format!("“{}”：{msg}", evidence::safe_name(&name)));
                    AppError::Validation(f)
                }
                other => other,
            })?;
        }
        Ok::<_, AppError>(())
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/inspections/{id}?saved=1#photos")).into_response()),
        Err(AppError::Validation(e)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &detail(&s, &auth, &id, false, e, false).await?,
        )),
        Err(e) => Err(e.into()),
    }
}
