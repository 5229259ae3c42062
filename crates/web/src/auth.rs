//! Who is calling: a browser session (cookie, with a CSRF token for every unsafe request)
//! or a machine client (bearer token). Resolved once per request, then each route's
//! permission is checked by [`require`].

use crate::error::ApiError;
use crate::{AppState, BODY_LIMIT, WebConfig};
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use jianguan_app::{Actor, AppError, Permission, accounts};
use std::net::SocketAddr;

pub const SESSION_COOKIE: &str = "jg_session";
/// Over HTTPS: the browser keeps a `__Host-` cookie only if it is Secure, for the whole
/// site and this host alone (no Domain), so no sibling site can set or read it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-jg_session";
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Anonymous,
    Cookie,
    Token,
}

/// The caller of this request, as the middleware resolved it.
#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Option<Actor>,
    pub csrf: Option<String>,
    pub via: Via,
    pub ip: String,
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub fn session_cookie_from(headers: &HeaderMap, config: &WebConfig) -> Option<String> {
    cookie_value(headers, config.session_cookie())
}

pub fn set_session_cookie(value: &str, config: &WebConfig) -> String {
    format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax{}",
        config.session_cookie(),
        if config.secure_cookies {
            "; Secure"
        } else {
            ""
        }
    )
}

pub fn clear_session_cookie(config: &WebConfig) -> String {
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        config.session_cookie(),
        if config.secure_cookies {
            "; Secure"
        } else {
            ""
        }
    )
}

/// Machine clients' paths: JSON errors, and no page to send an Origin from.
fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/open311/")
}

fn deny(path: &str, status: StatusCode, code: crate::error::ErrorCode, message: &str) -> Response {
    if is_api(path) {
        ApiError::new(status, code, message).into_response()
    } else {
        crate::error::error_page(
            status,
            message,
            "请返回上一页刷新后重试；如仍不行，请重新登录。",
        )
    }
}

/// The `name=value` pairs of a form body or query string, decoded.
pub(crate) fn form_pairs(body: &[u8]) -> impl Iterator<Item = (String, String)> + '_ {
    url::form_urlencoded_parse(body)
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    url::form_urlencoded_parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Minimal `application/x-www-form-urlencoded` parsing, to read the CSRF field before
/// the handler sees the body.
mod url {
    pub fn form_urlencoded_parse(body: &[u8]) -> impl Iterator<Item = (String, String)> + '_ {
        body.split(|b| *b == b'&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let mut it = pair.splitn(2, |b| *b == b'=');
                let k = decode(it.next().unwrap_or_default());
                let v = decode(it.next().unwrap_or_default());
                (k, v)
            })
    }

    fn decode(s: &[u8]) -> String {
        let mut out = Vec::with_capacity(s.len());
        let mut i = 0;
        while i < s.len() {
            match s[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < s.len() => {
                    let hex = std::str::from_utf8(&s[i + 1..i + 3])
                        .ok()
                        .and_then(|h| u8::from_str_radix(h, 16).ok());
                    match hex {
                        Some(b) => {
                            out.push(b);
                            i += 2;
                        }
                        None => out.push(b'%'),
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

pub async fn authenticate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let ip = crate::client::client_ip(peer, &parts.headers, &state.config.trusted_proxies);
    let app = &state.app;

    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .map(str::to_string);

    let mut caller = Caller {
        actor: None,
        csrf: None,
        via: Via::Anonymous,
        ip,
    };
    if let Some(token) = bearer {
        match accounts::token_actor(app, &token).await {
            Ok(Some(actor)) => {
                caller.actor = Some(actor);
                caller.via = Via::Token;
            }
            Ok(None) => {
                return deny(
                    &path,
                    StatusCode::UNAUTHORIZED,
                    crate::error::ErrorCode::InvalidToken,
                    "访问令牌无效或已被撤销",
                );
            }
            Err(e) => return ApiError::from(e).into_response(),
        }
    } else if let Some(cookie) = session_cookie_from(&parts.headers, &state.config) {
        match accounts::session(app, &cookie).await {
            Ok(Some(s)) => {
                caller.actor = Some(s.actor);
                caller.csrf = Some(s.csrf);
                caller.via = Via::Cookie;
            }
            Ok(None) => {}
            Err(e) => return ApiError::from(e).into_response(),
        }
    }

    let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    let mut body = body;
    if unsafe_method && caller.via != Via::Token {
        // Without a session there is no CSRF token to check (the login form, a public
        // form): the request must then show it comes from a page of this site.
        let need_origin = caller.via == Via::Anonymous && !is_api(&path);
        let origin = state.config.public_origin();
        if !crate::client::same_site(&parts.headers, origin.as_deref(), need_origin) {
            return deny(
                &path,
                StatusCode::FORBIDDEN,
                crate::error::ErrorCode::CsrfFailed,
                "请求来源不符，已拒绝",
            );
        }
        if caller.via == Via::Cookie {
            let expected = caller.csrf.clone().unwrap_or_default();
            let header_token = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let is_form = parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
            // A file upload form cannot carry the token in a body we read before the
            // handler, so it carries it in the action's query string.
            let is_multipart = parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("multipart/form-data"));
            let query_token = is_multipart
                .then(|| {
                    parts
                        .uri
                        .query()
                        .and_then(|q| form_field(q.as_bytes(), CSRF_FIELD))
                })
                .flatten();
            let presented = match header_token.or(query_token) {
                Some(t) => Some(t),
                None if is_form => {
                    let bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
                        Ok(b) => b,
                        Err(_) => {
                            return deny(
                                &path,
                                StatusCode::PAYLOAD_TOO_LARGE,
                                crate::error::ErrorCode::PayloadTooLarge,
                                "提交的内容过大",
                            );
                        }
                    };
                    let t = form_field(&bytes, CSRF_FIELD);
                    body = Body::from(bytes);
                    t
                }
                None => None,
            };
            if !presented.is_some_and(|p| jianguan_app::secrets::constant_time_eq(&p, &expected)) {
                return deny(
                    &path,
                    StatusCode::FORBIDDEN,
                    crate::error::ErrorCode::CsrfFailed,
                    "页面已过期，请返回上一页重新提交（您填写的内容已保存在本机浏览器中，返回后会自动恢复）",
                );
            }
        }
    }
    parts.extensions.insert(caller);
    next.run(Request::from_parts(parts, body)).await
}

/// The path (and query) of the page a request came from, when it is this site's own.
pub(crate) fn same_site_referer(req: &Request) -> Option<String> {
    let host = req.headers().get(header::HOST)?.to_str().ok()?;
    let referer = req.headers().get(header::REFERER)?.to_str().ok()?;
    let rest = referer
        .strip_prefix("https://")
        .or_else(|| referer.strip_prefix("http://"))?;
    let path = rest.strip_prefix(host)?;
    path.starts_with('/').then(|| path.to_string())
}

/// The per-route permission check.
pub async fn require(permission: Permission, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let actor = req
        .extensions()
        .get::<Caller>()
        .and_then(|c| c.actor.clone());
    match (permission, actor) {
        (Permission::Public, _) => next.run(req).await,
        (_, None) => {
            if is_api(&path) {
                ApiError::from(AppError::Unauthenticated).into_response()
            } else if req.method() == axum::http::Method::GET {
                let next_url = req
                    .uri()
                    .path_and_query()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default();
                Redirect::to(&format!("/login?next={}", encode_component(&next_url)))
                    .into_response()
            } else {
                // A form sent after the session ended: back to the page it was typed on
                // (the browser keeps what was typed there), after logging in again.
                let back = same_site_referer(&req).unwrap_or(path);
                Redirect::to(&format!(
                    "/login?expired=1&next={}",
                    encode_component(&crate::pages::account::safe_next(&back))
                ))
                .into_response()
            }
        }
        (p, Some(actor)) if !actor.may(p) => {
            if is_api(&path) {
                ApiError::from(AppError::Forbidden).into_response()
            } else {
                crate::error::error_page(
                    StatusCode::FORBIDDEN,
                    "您的角色无权进行此操作",
                    "如需此权限，请联系管理员。",
                )
            }
        }
        _ => next.run(req).await,
    }
}

pub fn encode_component(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The logged-in actor; only used on routes whose permission requires one.
pub struct Auth(pub Actor, pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let caller = parts.extensions.get::<Caller>().cloned();
        match caller {
            Some(c) => match c.actor.clone() {
                Some(a) => Ok(Auth(a, c)),
                None => Err(AppError::Unauthenticated.into()),
            },
            None => Err(AppError::Unauthenticated.into()),
        }
    }
}

/// The caller, logged in or not (public routes).
pub struct MaybeAuth(pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for MaybeAuth {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeAuth(
            parts.extensions.get::<Caller>().cloned().unwrap_or(Caller {
                actor: None,
                csrf: None,
                via: Via::Anonymous,
                ip: "local".into(),
            }),
        ))
    }
}
