//! The route table. A route can only be added with a [`Permission`]; the permission is
//! enforced by a layer on that route alone, and the table is kept so that tests can walk
//! every route.

use crate::AppState;
use crate::auth::require;
use axum::Router;
use axum::http::Method;
use axum::routing::MethodRouter;
use jianguan_app::Permission;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteInfo {
    pub method: Method,
    pub path: &'static str,
    pub permission: Permission,
}

pub struct Routes {
    router: Router<AppState>,
    infos: Vec<RouteInfo>,
}

impl Routes {
    pub(crate) fn new() -> Self {
        Self {
            router: Router::new(),
            infos: Vec::new(),
        }
    }

    fn add(
        mut self,
        method: Method,
        path: &'static str,
        permission: Permission,
        handler: MethodRouter<AppState>,
    ) -> Self {
        let guarded = handler.route_layer(axum::middleware::from_fn(move |req, next| {
            require(permission, req, next)
        }));
        self.router = self.router.route(path, guarded);
        self.infos.push(RouteInfo {
            method,
            path,
            permission,
        });
        self
    }

    pub(crate) fn get<H, T>(self, path: &'static str, permission: Permission, handler: H) -> Self
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::GET, path, permission, axum::routing::get(handler))
    }

    pub(crate) fn post<H, T>(self, path: &'static str, permission: Permission, handler: H) -> Self
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::POST, path, permission, axum::routing::post(handler))
    }

    pub(crate) fn put<H, T>(self, path: &'static str, permission: Permission, handler: H) -> Self
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::PUT, path, permission, axum::routing::put(handler))
    }

    /// A POST whose body may be larger than the default limit (bundles of a county's records).
    pub(crate) fn post_large<H, T>(
        self,
        path: &'static str,
        permission: Permission,
        limit: usize,
        handler: H,
    ) -> Self
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        let route = axum::routing::post(handler).layer(axum::extract::DefaultBodyLimit::max(limit));
        self.add(Method::POST, path, permission, route)
    }

    pub(crate) fn finish(self) -> (Router<AppState>, Vec<RouteInfo>) {
        (self.router, self.infos)
    }
}
