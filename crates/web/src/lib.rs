//! The HTTP face of jianguan: Chinese pages (server-rendered, working without
//! JavaScript), the JSON API under `/api/v1` with its OpenAPI document, sessions, CSRF
//! and security headers. Every route is added through [`routes::Routes`], which makes it
//! declare the permission it needs.

pub mod api;
mod auth;
pub mod client;
mod compress;
mod error;
mod forms;
mod hygiene;
mod open311;
mod ops;
mod pages;
pub mod routes;
mod security;
mod statics;

pub use routes::RouteInfo;

use axum::Router;
use jianguan_app::App;
use std::sync::Arc;

/// Largest request body accepted anywhere (forms and JSON).
pub const BODY_LIMIT: usize = 1024 * 1024;

#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Reached over HTTPS (behind a proxy): the session cookie is `__Host-`, Secure, and
    /// browsers are told to use HTTPS only (HSTS).
    pub secure_cookies: bool,
    /// The address people use (`https://jianguan.example.gov.cn`): an unsafe request must
    /// come from a page of it (or of the Host it was sent to).
    pub public_url: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<client::Cidr>,
}

impl WebConfig {
    pub fn public_origin(&self) -> Option<String> {
        self.public_url.as_deref().and_then(client::origin_of)
    }

    pub fn session_cookie(&self) -> &'static str {
        if self.secure_cookies {
            auth::SECURE_SESSION_COOKIE
        } else {
            auth::SESSION_COOKIE
        }
    }
}

/// What every handler is given, behind one pointer: each request's extractors and layers
/// clone it several times, and a clone of the app itself is a dozen pointers' counts
/// (~3 % of a small answer's time in the sixth round's profile).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub app: App,
    pub config: WebConfig,
    /// The OpenAPI document, made once from the handlers and the route table.
    pub openapi: String,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The whole router, and the table of its routes with their permissions.
pub fn build(app: App, config: WebConfig) -> (Router, Vec<RouteInfo>) {
    let r = routes::Routes::new();
    let r = pages::add_routes(r);
    let r = api::add_routes(r);
    let r = statics::add_routes(r);
    let r = open311::add_routes(r);
    let r = r
        .get("/healthz", jianguan_app::Permission::Public, ops::healthz)
        .get(
            "/metrics",
            jianguan_app::Permission::Administer,
            ops::metrics,
        );
    let (router, infos, api_paths) = r.finish();
    let state = AppState(Arc::new(Shared {
        app,
        config,
        openapi: api::document(&infos, api_paths).to_string(),
    }));
    let router = router
        .fallback(error::not_found_fallback)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            error::in_layout,
        ))
        .layer(axum::middleware::from_fn(hygiene::check))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        .layer(axum::middleware::from_fn(compress::layer))
        .layer(axum::middleware::from_fn(ops::request_id_layer))
        .with_state(state);
    (router, infos)
}

pub fn router(app: App, config: WebConfig) -> Router {
    build(app, config).0
}

/// Serves until Ctrl-C or SIGTERM.
pub async fn serve(
    app: App,
    config: WebConfig,
    listener: tokio::net::TcpListener,
) -> std::io::Result<()> {
    let router = router(app, config);
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
