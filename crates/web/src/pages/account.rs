use super::{Layout, PageResult, layout, render};
use crate::AppState;
use crate::auth::{Auth, MaybeAuth, clear_session_cookie, session_cookie_from, set_session_cookie};
use crate::routes::Routes;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jianguan_app::Permission::*;
use jianguan_app::{AppError, accounts};
use jianguan_domain::FieldErrors;
use serde::Deserialize;

/// This area's pages, with who may use each.
pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/login", Public, login_form)
        .post("/login", Public, login)
        .post("/logout", Authenticated, logout)
        .get("/account", Authenticated, show)
        .post("/account/password", Authenticated, change_password)
        .post("/account/tokens", Authenticated, create_token)
        .post("/account/tokens/{id}/revoke", Authenticated, revoke_token)
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    error: Option<String>,
    next: String,
    username: String,
    logged_out: bool,
    /// The session ended while the person was working (a form sent after the timeout).
    expired: bool,
    /// The supervising bureau and the public's line, from the profile.
    authority: String,
    hotline: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginQuery {
    next: String,
    logged_out: Option<String>,
    expired: Option<String>,
}

/// Only a path on this site, parsed strictly: never an open redirect. Browsers drop tabs
/// and line breaks from a URL and read `\\` as `/`, so `/\t/evil.example` would leave
/// the site; and a header cannot carry a control character at all. So: printable ASCII
/// only, once decoded too, no backslash, and not a path starting with two slashes.
pub(crate) fn safe_next(next: &str) -> String {
    fn decoded(s: &str) -> Option<Vec<u8>> {
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' {
                let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        Some(out)
    }
    let printable = |b: &u8| (0x21..=0x7e).contains(b) && *b != b'\\';
    let path_ok = |p: &[u8]| p.first() == Some(&b'/') && !matches!(p.get(1), Some(b'/' | b'\\'));
    let ok = next.len() <= 2_000
        && next.bytes().all(|b| printable(&b))
        && path_ok(next.as_bytes())
        && !next.starts_with("/login")
        && decoded(next).is_some_and(|d| {
            // What it decodes to must be as harmless (no hidden control characters, no
            // encoded "//" that a later decoding would turn into another host).
            d.iter().all(|b| *b >= 0x20 && *b != 0x7f && *b != b'\\') && path_ok(&d)
        });
    if ok { next.to_string() } else { "/".into() }
}

pub async fn login_form(
    State(s): State<AppState>,
    MaybeAuth(c): MaybeAuth,
    Query(q): Query<LoginQuery>,
) -> Response {
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
            expired: q.expired.is_some(),
            authority: s.app.profile.authority.clone(),
            hotline: s.app.profile.hotline.clone(),
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
            // No page asked for (or only the front page): the role's own home.
            let next = safe_next(&f.next);
            let to = if next == "/" {
                session.actor.role.home().to_string()
            } else {
                next
            };
            let mut res = Redirect::to(&to).into_response();
            if let Ok(v) = set_session_cookie(&session.cookie, &s.config).parse() {
                res.headers_mut().insert(header::SET_COOKIE, v);
            }
            res
        }
        Err(e) => {
            let status = crate::error::status_code(&e);
            crate::error::log_internal(&e, "login");
            render(
                status,
                &LoginPage {
                    layout: Layout::anonymous("登录"),
                    error: Some(e.message()),
                    next: f.next,
                    username: f.username,
                    logged_out: false,
                    expired: false,
                    authority: s.app.profile.authority.clone(),
                    hotline: s.app.profile.hotline.clone(),
                },
            )
        }
    }
}

pub async fn logout(State(s): State<AppState>, headers: HeaderMap) -> PageResult {
    if let Some(cookie) = session_cookie_from(&headers, &s.config) {
        accounts::logout(&s.app, &cookie).await?;
    }
    let mut res = Redirect::to("/login?logged_out=1").into_response();
    if let Ok(v) = clear_session_cookie(&s.config).parse() {
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
    tokens: Vec<TokenRow>,
    revoke_prefix: &'static str,
    /// A token just made: its secret, shown this once.
    new_token: Option<String>,
    token_errors: FieldErrors,
    /// Settings: users for the administrator, the rules for every county reader.
    is_admin: bool,
    sees_rules: bool,
}

pub(crate) struct TokenRow {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) created: String,
    pub(crate) expires: String,
    pub(crate) last_used: String,
    pub(crate) state: &'static str,
    pub(crate) live: bool,
}

pub(crate) fn token_rows(
    tokens: Vec<accounts::TokenView>,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<TokenRow> {
    tokens
        .into_iter()
        .map(|t| {
            let (state, live) = match (t.revoked_at, t.expires_at <= now) {
                (Some(_), _) => ("已撤销", false),
                (None, true) => ("已过期", false),
                (None, false) => ("有效", true),
            };
            TokenRow {
                id: t.id,
                name: t.name,
                created: super::cn_time(t.created_at),
                expires: super::cn_time(t.expires_at),
                last_used: t
                    .last_used_at
                    .map(super::cn_time)
                    .unwrap_or_else(|| "从未使用".into()),
                state,
                live,
            }
        })
        .collect()
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
    let tokens = accounts::tokens(&s.app, Some(a), &a.user_id)
        .await
        .unwrap_or_default();
    AccountPage {
        is_admin: a.role == jianguan_app::Role::Admin,
        sees_rules: a.role.sees_whole_county(),
        tokens: token_rows(tokens, s.app.now()),
        revoke_prefix: "/account/tokens/",
        new_token: None,
        token_errors: FieldErrors::new(),
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

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenForm {
    name: String,
    days: String,
}

/// A new API token for the caller: its secret is shown on this page, once.
pub async fn create_token(
    State(s): State<AppState>,
    auth: Auth,
    Form(f): Form<TokenForm>,
) -> PageResult {
    let days = match f.days.trim() {
        "" => None,
        d => match d.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                let mut page = account_page(&s, &auth, FieldErrors::new(), false).await;
                page.token_errors.add("days", "有效期请填写天数，例如 90");
                return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
            }
        },
    };
    match accounts::create_api_token(&s.app, &auth.0, &f.name, days).await {
        Ok(t) => {
            let mut page = account_page(&s, &auth, FieldErrors::new(), false).await;
            page.new_token = Some(t.secret);
            Ok(render(StatusCode::OK, &page))
        }
        Err(AppError::Validation(e)) => {
            let mut page = account_page(&s, &auth, FieldErrors::new(), false).await;
            page.token_errors = e;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn revoke_token(
    State(s): State<AppState>,
    auth: Auth,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> PageResult {
    accounts::revoke_token(&s.app, Some(&auth.0), &id).await?;
    Ok(Redirect::to("/account#tokens").into_response())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_paths_of_this_site_are_followed() {
        for ok in [
            "/",
            "/projects?system=logistics",
            "/docket/abc#x",
            "/orders?q=%E6%95%B4%E6%94%B9",
        ] {
            assert_eq!(safe_next(ok), ok);
        }
        for bad in [
            "//evil.example/x",
            "/\\evil.example",
            "/%09/evil.example",
            "/\t/evil.example",
            "/%0a",
            "/%0d%0aSet-Cookie:x=1",
            "/%2F%2Fevil.example",
            "/%5Cevil.example",
            "/%2",
            "https://evil.example",
            "javascript:alert(1)",
            "/login?next=/x",
            "/项目",
            "",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
    }
}
