use super::{Layout, PageResult, layout, render};
use crate::AppState;
use crate::auth::{Auth, MaybeAuth, clear_session_cookie, session_cookie_from, set_session_cookie};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jianguan_app::{AppError, accounts};
use jianguan_domain::FieldErrors;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    error: Option<String>,
    next: String,
    username: String,
    logged_out: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginQuery {
    next: String,
    logged_out: Option<String>,
}

/// Only a path on this site: never an open redirect.
fn safe_next(next: &str) -> String {
    if next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.starts_with("/login")
    {
        next.to_string()
    } else {
        "/".into()
    }
}

pub async fn login_form(MaybeAuth(c): MaybeAuth, Query(q): Query<LoginQuery>) -> Response {
    if c.actor.is_some() {
        return Redirect::to(&safe_next(&q.next)).into_response();
    }
    render(
        StatusCode::OK,
        &LoginPage {
            layout: Layout::anonymous("登录"),
            error: None,
            next: q.next,
            username: String::new(),
            logged_out: q.logged_out.is_some(),
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    username: String,
    password: String,
    next: String,
}

pub async fn login(
    State(s): State<AppState>,
    MaybeAuth(c): MaybeAuth,
    Form(f): Form<LoginForm>,
) -> Response {
    match accounts::login(&s.app, &f.username, &f.password, &c.ip).await {
        Ok(session) => {
            let mut res = Redirect::to(&safe_next(&f.next)).into_response();
            if let Ok(v) = set_session_cookie(&session.cookie, s.config.secure_cookies).parse() {
                res.headers_mut().insert(header::SET_COOKIE, v);
            }
            res
        }
        Err(e) => {
            let status = crate::error::status_code(&e);
            if let AppError::Internal(cause) = &e {
                tracing::error!(%cause, "login");
            }
            render(
                status,
                &LoginPage {
                    layout: Layout::anonymous("登录"),
                    error: Some(e.message()),
                    next: f.next,
                    username: f.username,
                    logged_out: false,
                },
            )
        }
    }
}

pub async fn logout(State(s): State<AppState>, headers: HeaderMap) -> PageResult {
    if let Some(cookie) = session_cookie_from(&headers) {
        accounts::logout(&s.app, &cookie).await?;
    }
    let mut res = Redirect::to("/login?logged_out=1").into_response();
    if let Ok(v) = clear_session_cookie(s.config.secure_cookies).parse() {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    username: String,
    display_name: String,
    role: String,
    errors: FieldErrors,
    changed: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AccountQuery {
    changed: Option<String>,
}

async fn account_page(
    s: &AppState,
    auth: &Auth,
    errors: FieldErrors,
    changed: bool,
) -> AccountPage {
    let Auth(a, c) = auth;
    AccountPage {
        layout: layout(
            s,
            a,
            c.csrf.as_deref().unwrap_or_default(),
            "我的账号",
            "/account",
        )
        .await,
        username: a.username.clone(),
        display_name: a.display_name.clone(),
        role: a.role.label().into(),
        errors,
        changed,
    }
}

pub async fn show(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<AccountQuery>,
) -> Response {
    render(
        StatusCode::OK,
        &account_page(&s, &auth, FieldErrors::new(), q.changed.is_some()).await,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    old_password: String,
    new_password: String,
}

pub async fn change_password(
    State(s): State<AppState>,
    auth: Auth,
    Form(f): Form<PasswordForm>,
) -> PageResult {
    match accounts::change_password(&s.app, &auth.0, &f.old_password, &f.new_password).await {
        // All sessions ended, this one too: log in again with the new password.
        Ok(()) => Ok(Redirect::to("/login?logged_out=1").into_response()),
        Err(AppError::Validation(errors)) => Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &account_page(&s, &auth, errors, false).await,
        )),
        Err(e) => Err(e.into()),
    }
}
