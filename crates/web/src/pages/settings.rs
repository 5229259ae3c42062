//! 设置 for the administrator: the county's users (create with role and, for a contractor,
//! its enterprise; disable and enable), and the regulation profile in force, read only.

use super::{Layout, PageResult, SelectOption, layout, options, render};
use crate::AppState;
use crate::auth::Auth;
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
        .get("/settings/profile", ReadCounty, profile)
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
    Ok(Redirect::to("/settings/users?saved=1").into_response())
}

pub async fn enable(State(s): State<AppState>, auth: Auth, Path(id): Path<String>) -> PageResult {
    accounts::set_disabled(&s.app, &auth.0, &id, false).await?;
    Ok(Redirect::to("/settings/users?saved=1").into_response())
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
