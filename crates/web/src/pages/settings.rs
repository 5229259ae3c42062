//! 设置 for the administrator: the county's users (create with role and, for a contractor,
//! its enterprise; disable and enable; reset a password; see and revoke API tokens), and
//! the county's townships, the programmes (period, budget, responsible person), and the
//! regulation profile in force, read only.

use super::{Layout, PageResult, SelectOption, layout, options, render};
use crate::AppState;
use crate::auth::Auth;
use crate::forms::ProgrammeForm;
use crate::routes::Routes;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jianguan_app::Permission::*;
use jianguan_app::{AppError, Role, accounts, records};
use jianguan_domain::FieldErrors;
use jianguan_store::queries::ListFilter;
use serde::Deserialize;
use std::collections::HashMap;

/// This area's pages, with who may use each.
pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/settings/users", Administer, users)
        .post("/settings/users", Administer, create_user)
        .post("/settings/users/{id}/disable", Administer, disable)
        .post("/settings/users/{id}/enable", Administer, enable)
        .get("/settings/users/{id}", Administer, user)
        .post("/settings/users/{id}/password", Administer, reset_password)
        .post(
            "/settings/users/{id}/tokens/{token_id}/revoke",
            Administer,
            revoke_token,
        )
        .get("/settings/profile", ReadCounty, profile)
        .get("/settings/counties", Administer, counties)
        .get("/settings/counties/{code}", Administer, county)
        .post("/settings/counties/{code}", Administer, save_county)
        .post("/settings/counties/{code}/office", Administer, save_office)
        .post("/settings/counties/{code}/public", Administer, save_public)
        .get("/settings/programmes", Administer, programmes)
        .post("/settings/programmes", Administer, create_programme)
        .get("/settings/programmes/{id}", Administer, programme)
        .post("/settings/programmes/{id}", Administer, save_programme)
}

pub struct UserRow {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: &'static str,
    pub enterprise: String,
    pub disabled: bool,
}

#[derive(Template)]
#[template(path = "settings_users.html")]
struct UsersPage {
    layout: Layout,
    rows: Vec<UserRow>,
    roles: Vec<SelectOption>,
    enterprises: Vec<SelectOption>,
    form: UserForm,
    errors: FieldErrors,
    saved: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct UserForm {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub enterprise_id: String,
    pub password: String,
}

async fn users_page(
    s: &AppState,
    auth: &Auth,
    form: UserForm,
    errors: FieldErrors,
    saved: bool,
    status: StatusCode,
) -> PageResult {
    let Auth(a, c) = auth;
    let list = jianguan_store::queries::users(s.app.store.reader(), &a.scope())
        .await
        .map_err(AppError::from)?;
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
    let names: HashMap<&str, &str> = enterprises
        .iter()
        .map(|e| (e.id.as_str(), e.name.as_str()))
        .collect();
    let rows = list
        .iter()
        .map(|u| UserRow {
            id: u.id.clone(),
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: Role::parse(&u.role).map_or("", Role::label),
            enterprise: u
                .enterprise_id
                .as_deref()
                .and_then(|e| names.get(e).copied())
                .unwrap_or_default()
                .to_string(),
            disabled: u.disabled,
        })
        .collect();
    Ok(render(
        status,
        &UsersPage {
            layout: layout(
                s,
                a,
                c.csrf.as_deref().unwrap_or_default(),
                "用户管理",
                "/account",
            )
            .await,
            rows,
            roles: options(Role::ALL.iter().map(|r| (r.code(), r.label())), &form.role),
            enterprises: options(
                enterprises.iter().map(|e| (e.id.clone(), e.name.clone())),
                &form.enterprise_id,
            ),
            form: UserForm {
                password: String::new(),
                ..form
            },
            errors,
            saved,
        },
    ))
}

pub async fn users(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<super::SavedQuery>,
) -> PageResult {
    users_page(
        &s,
        &auth,
        UserForm::default(),
        FieldErrors::new(),
        q.saved.is_some(),
        StatusCode::OK,
    )
    .await
}

pub async fn create_user(
    State(s): State<AppState>,
    auth: Auth,
    Form(f): Form<UserForm>,
) -> PageResult {
    let some = |v: &str| (!v.trim().is_empty()).then(|| v.trim().to_string());
    let input = accounts::NewUser {
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        role: f.role.clone(),
        county_code: auth.0.county_code.clone(),
        enterprise_id: some(&f.enterprise_id),
        password: f.password.clone(),
    };
    match accounts::create_user(&s.app, Some(&auth.0), &input).await {
        Ok(_) => Ok(Redirect::to("/settings/users?saved=1").into_response()),
        Err(AppError::Validation(e)) => {
            users_page(&s, &auth, f, e, false, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn disable(State(s): State<AppState>, auth: Auth, Path(id): Path<String>) -> PageResult {
    accounts::set_disabled(&s.app, &auth.0, &id, true).await?;
    Ok(Redirect::to(&format!("/settings/users/{id}?saved=1")).into_response())
}

pub async fn enable(State(s): State<AppState>, auth: Auth, Path(id): Path<String>) -> PageResult {
    accounts::set_disabled(&s.app, &auth.0, &id, false).await?;
    Ok(Redirect::to(&format!("/settings/users/{id}?saved=1")).into_response())
}

#[derive(Template)]
#[template(path = "settings_user.html")]
struct UserPage {
    layout: Layout,
    user: accounts::UserView,
    role: &'static str,
    enterprise: String,
    tokens: Vec<super::account::TokenRow>,
    revoke_prefix: String,
    errors: FieldErrors,
    saved: bool,
}

async fn user_page(
    s: &AppState,
    auth: &Auth,
    id: &str,
    errors: FieldErrors,
    saved: bool,
    status: StatusCode,
) -> PageResult {
    let Auth(a, c) = auth;
    let user = accounts::managed(&s.app, a, id).await?;
    let tokens = accounts::tokens(&s.app, Some(a), &user.id).await?;
    let enterprise = match &user.enterprise_id {
        Some(eid) => records::enterprise(&s.app, a, eid)
            .await
            .map(|e| e.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(render(
        status,
        &UserPage {
            layout: layout(
                s,
                a,
                c.csrf.as_deref().unwrap_or_default(),
                &user.display_name,
                "/account",
            )
            .await,
            role: Role::parse(&user.role).map_or("", Role::label),
            enterprise,
            tokens: super::account::token_rows(tokens, s.app.now()),
            revoke_prefix: format!("/settings/users/{}/tokens/", user.id),
            user,
            errors,
            saved,
        },
    ))
}

/// One user: role, enterprise, state, a new password, the API tokens.
pub async fn user(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<super::SavedQuery>,
) -> PageResult {
    user_page(
        &s,
        &auth,
        &id,
        FieldErrors::new(),
        q.saved.is_some(),
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PasswordForm {
    pub password: String,
}

pub async fn reset_password(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<PasswordForm>,
) -> PageResult {
    match accounts::admin_reset_password(&s.app, &auth.0, &id, &f.password).await {
        Ok(()) => Ok(Redirect::to(&format!("/settings/users/{id}?saved=1")).into_response()),
        Err(AppError::Validation(e)) => {
            user_page(&s, &auth, &id, e, false, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Revokes one of the user's tokens: the token must be that user's, whatever the URL says.
pub async fn revoke_token(
    State(s): State<AppState>,
    auth: Auth,
    Path((id, token_id)): Path<(String, String)>,
) -> PageResult {
    let user = accounts::managed(&s.app, &auth.0, &id).await?;
    let theirs = accounts::tokens(&s.app, Some(&auth.0), &user.id).await?;
    if !theirs.iter().any(|t| t.id == token_id) {
        return Err(AppError::NotFound.into());
    }
    accounts::revoke_token(&s.app, Some(&auth.0), &token_id).await?;
    Ok(Redirect::to(&format!("/settings/users/{id}?saved=1")).into_response())
}

pub struct RuleRow {
    pub code: String,
    pub title: String,
    pub clause: String,
    pub text: String,
    pub severity: &'static str,
    pub acts: &'static str,
    pub action: String,
    pub enabled: bool,
}

#[derive(Template)]
#[template(path = "settings_profile.html")]
struct ProfilePage {
    layout: Layout,
    name: String,
    source: String,
    rules: Vec<RuleRow>,
    show_codes: bool,
}

/// The regulation profile in force: every rule with its clause, words, severity, who acts
/// and the suggested action. Read only: a county changes it by deploying another profile.
pub async fn profile(State(s): State<AppState>, Auth(a, c): Auth) -> PageResult {
    let p = &s.app.profile;
    let rules = p
        .rules
        .iter()
        .map(|(code, r)| RuleRow {
            code: code.clone(),
            title: r.title.clone(),
            clause: r.clause.clone(),
            text: r.text.clone(),
            severity: r.severity.label(),
            acts: r.acts.label(),
            action: r.action.clone(),
            enabled: r.enabled,
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &ProfilePage {
            layout: layout(
                &s,
                &a,
                c.csrf.as_deref().unwrap_or_default(),
                "监管规则",
                "/account",
            )
            .await,
            name: p.name.clone(),
            source: p.source.clone(),
            rules,
            show_codes: a.role == Role::Admin,
        },
    ))
}

// ---------------------------------------------------------------- counties and townships

#[derive(Template)]
#[template(path = "settings_counties.html")]
struct CountiesPage {
    layout: Layout,
    rows: Vec<jianguan_store::entity::county::Model>,
}

/// The counties this administrator looks after (one, for a county's own administrator).
pub async fn counties(State(s): State<AppState>, Auth(a, c): Auth) -> PageResult {
    let rows = records::counties(&s.app, &a).await?;
    Ok(render(
        StatusCode::OK,
        &CountiesPage {
            layout: layout(
                &s,
                &a,
                c.csrf.as_deref().unwrap_or_default(),
                "县和乡镇",
                "/account",
            )
            .await,
            rows,
        },
    ))
}

#[derive(Template)]
#[template(path = "settings_county.html")]
struct CountyPage {
    layout: Layout,
    county: jianguan_store::entity::county::Model,
    townships: String,
    errors: FieldErrors,
    saved: bool,
    /// 发文机关: what its documents are issued as (the cc list in its own field).
    office: OfficeForm,
    /// The office's one-line fields: (name, label, hint, value).
    office_fields: Vec<(&'static str, &'static str, &'static str, String)>,
    /// The project fields its public page may show: (code, heading, published).
    public_fields: Vec<(&'static str, &'static str, bool)>,
}

/// The issuing office as typed: 抄送机关 one per line.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct OfficeForm {
    pub name: String,
    pub code: String,
    pub mark: String,
    pub cc: String,
}

impl OfficeForm {
    fn of(o: &jianguan_domain::document::Office) -> Self {
        OfficeForm {
            name: o.name.clone(),
            code: o.code.clone(),
            mark: o.mark.clone(),
            cc: o.cc.join("\n"),
        }
    }

    fn office(&self) -> jianguan_domain::document::Office {
        jianguan_domain::document::Office {
            name: self.name.clone(),
            code: self.code.clone(),
            mark: self.mark.clone(),
            cc: self.cc.lines().map(str::to_string).collect(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CountyForm {
    pub townships: String,
}

#[allow(clippy::too_many_arguments)]
async fn county_page(
    s: &AppState,
    auth: &Auth,
    code: &str,
    typed: Option<String>,
    office: Option<OfficeForm>,
    errors: FieldErrors,
    saved: bool,
    status: StatusCode,
) -> PageResult {
    let Auth(a, c) = auth;
    let county = records::counties(&s.app, a)
        .await?
        .into_iter()
        .find(|x| x.code == code)
        .ok_or(AppError::NotFound)?;
    let office = match office {
        Some(o) => o,
        None => OfficeForm::of(&jianguan_app::documents::office(&s.app, code).await?),
    };
    let published = jianguan_app::publicity::published(&county);
    let public_fields = jianguan_app::publicity::FIELDS
        .iter()
        .map(|(c, h)| (*c, *h, published.iter().any(|x| x == c)))
        .collect();
    Ok(render(
        status,
        &CountyPage {
            layout: layout(
                s,
                a,
                c.csrf.as_deref().unwrap_or_default(),
                &county.name,
                "/account",
            )
            .await,
            townships: typed.unwrap_or_else(|| county.township_list().join("\n")),
            county,
            errors,
            saved,
            office_fields: vec![
                (
                    "name",
                    "发文机关名称",
                    "署名和印发机关，例如：交城县电子商务领导组办公室",
                    office.name.clone(),
                ),
                (
                    "code",
                    "机关代字",
                    "发文字号中的代字，例如：交电商办（年份和序号由系统编排为 交电商办〔2026〕12号）",
                    office.code.clone(),
                ),
                (
                    "mark",
                    "发文机关标志",
                    "版头红色大字，例如：交城县电子商务领导组办公室文件",
                    office.mark.clone(),
                ),
            ],
            office,
            public_fields,
        },
    ))
}

/// The project fields the county's public page shows (`fields` repeats).
pub async fn save_public(
    State(s): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    body: axum::body::Bytes,
) -> PageResult {
    let chosen: Vec<String> = crate::auth::form_pairs(&body)
        .filter(|(k, _)| k == "fields")
        .map(|(_, v)| v)
        .collect();
    jianguan_app::publicity::set_fields(&s.app, &auth.0, &code, &chosen).await?;
    Ok(Redirect::to(&format!("/settings/counties/{code}?saved=1")).into_response())
}

pub async fn county(
    State(s): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(q): Query<super::SavedQuery>,
) -> PageResult {
    county_page(
        &s,
        &auth,
        &code,
        None,
        None,
        FieldErrors::new(),
        q.saved.is_some(),
        StatusCode::OK,
    )
    .await
}

/// The issuing office's name, 机关代字, 发文机关标志 and 抄送机关.
pub async fn save_office(
    State(s): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Form(f): Form<OfficeForm>,
) -> PageResult {
    match jianguan_app::documents::set_office(&s.app, &auth.0, &code, &f.office()).await {
        Ok(_) => Ok(Redirect::to(&format!("/settings/counties/{code}?saved=1")).into_response()),
        Err(AppError::Validation(e)) => {
            county_page(
                &s,
                &auth,
                &code,
                None,
                Some(f),
                e,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn save_county(
    State(s): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Form(f): Form<CountyForm>,
) -> PageResult {
    match records::update_townships(&s.app, &auth.0, &code, &f.townships).await {
        Ok(_) => Ok(Redirect::to(&format!("/settings/counties/{code}?saved=1")).into_response()),
        Err(AppError::Validation(e)) => {
            county_page(
                &s,
                &auth,
                &code,
                Some(f.townships),
                None,
                e,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- programmes

pub struct ProgrammeRow {
    pub id: String,
    pub name: String,
    pub period: String,
    pub budget: String,
    pub responsible_person: String,
}

#[derive(Template)]
#[template(path = "settings_programmes.html")]
struct ProgrammesPage {
    layout: Layout,
    rows: Vec<ProgrammeRow>,
    form: ProgrammeForm,
    errors: FieldErrors,
}

async fn programmes_page(
    s: &AppState,
    auth: &Auth,
    form: ProgrammeForm,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let Auth(a, c) = auth;
    let rows = records::programmes(&s.app, a)
        .await?
        .into_iter()
        .filter(|p| p.voided_at.is_none())
        .map(|p| ProgrammeRow {
            period: format!("{} 至 {}", p.period_start, p.period_end),
            budget: super::money(p.budget_fen),
            id: p.id,
            name: p.name,
            responsible_person: p.responsible_person,
        })
        .collect();
    Ok(render(
        status,
        &ProgrammesPage {
            layout: layout(
                s,
                a,
                c.csrf.as_deref().unwrap_or_default(),
                "综合示范项目",
                "/account",
            )
            .await,
            rows,
            form,
            errors,
        },
    ))
}

pub async fn programmes(State(s): State<AppState>, auth: Auth) -> PageResult {
    programmes_page(
        &s,
        &auth,
        ProgrammeForm::default(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

pub async fn create_programme(
    State(s): State<AppState>,
    auth: Auth,
    Form(f): Form<ProgrammeForm>,
) -> PageResult {
    let (input, pre) = f.to_input();
    match records::create_programme(&s.app, &auth.0, &input, pre).await {
        Ok(p) => {
            Ok(Redirect::to(&format!("/settings/programmes/{}?saved=1", p.id)).into_response())
        }
        Err(AppError::Validation(e)) => {
            programmes_page(&s, &auth, f, e, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "settings_programme.html")]
struct ProgrammePage {
    layout: Layout,
    id: String,
    form: ProgrammeForm,
    errors: FieldErrors,
    saved: bool,
}

async fn programme_page(
    s: &AppState,
    auth: &Auth,
    id: &str,
    typed: Option<ProgrammeForm>,
    errors: FieldErrors,
    saved: bool,
    status: StatusCode,
) -> PageResult {
    let Auth(a, c) = auth;
    let p = records::programme(&s.app, a, id).await?;
    if p.voided_at.is_some() {
        return Err(AppError::NotFound.into());
    }
    Ok(render(
        status,
        &ProgrammePage {
            layout: layout(
                s,
                a,
                c.csrf.as_deref().unwrap_or_default(),
                &p.name,
                "/account",
            )
            .await,
            id: p.id.clone(),
            form: typed.unwrap_or_else(|| ProgrammeForm::from_model(&p)),
            errors,
            saved,
        },
    ))
}

pub async fn programme(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<super::SavedQuery>,
) -> PageResult {
    programme_page(
        &s,
        &auth,
        &id,
        None,
        FieldErrors::new(),
        q.saved.is_some(),
        StatusCode::OK,
    )
    .await
}

pub async fn save_programme(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<ProgrammeForm>,
) -> PageResult {
    let (input, pre) = f.to_input();
    match records::update_programme(&s.app, &auth.0, &id, &input, pre).await {
        Ok(_) => Ok(Redirect::to(&format!("/settings/programmes/{id}?saved=1")).into_response()),
        Err(AppError::Validation(e)) => {
            programme_page(
                &s,
                &auth,
                &id,
                Some(f),
                e,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
