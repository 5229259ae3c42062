//! The route table. A route can only be added with a [`Permission`]; the permission is
//! enforced by a layer on that route alone, and the table is kept so that tests can walk
//! every route. Each area declares its routes beside its handlers (`routes(r) -> Routes`);
//! an API route is added with its `#[utoipa::path]`, which alone says its method and path
//! and feeds the OpenAPI document.

use crate::AppState;
use crate::auth::require;
use axum::Router;
use axum::http::Method;
use axum::routing::MethodRouter;
use jianguan_app::Permission;
use utoipa::openapi::path::{HttpMethod, Paths};
use utoipa::openapi::{RefOr, schema::Schema};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteInfo {
    pub method: Method,
    pub path: String,
    pub permission: Permission,
}

/// What the API routes say of themselves for the OpenAPI document, collected as they are
/// added: their operations and the schemas those use.
#[derive(Default)]
pub struct ApiPaths {
    pub paths: Paths,
    pub schemas: Vec<(String, RefOr<Schema>)>,
}

pub struct Routes {
    router: Router<AppState>,
    infos: Vec<RouteInfo>,
    api: ApiPaths,
}

impl Routes {
    pub(crate) fn new() -> Self {
        Self {
            router: Router::new(),
            infos: Vec::new(),
            api: ApiPaths::default(),
        }
    }

    fn add(
        mut self,
        method: Method,
        path: &str,
        permission: Permission,
        handler: MethodRouter<AppState>,
    ) -> Self {
        let guarded = handler.route_layer(axum::middleware::from_fn(move |req, next| {
            require(permission, req, next)
        }));
        self.router = self.router.route(path, guarded);
        self.infos.push(RouteInfo {
            method,
            path: path.to_string(),
            permission,
        });
        self
    }

    /// An API route: `doc` is the handler's `#[utoipa::path]` (`__path_<handler>`), which
    /// names the method and the path once, for the router and the document alike.
    pub(crate) fn api<P, H, T>(self, permission: Permission, doc: P, handler: H) -> Self
    where
        P: utoipa::Path + utoipa::__dev::SchemaReferences,
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        self.api_route(permission, doc, handler, None)
    }

    /// An API route whose body may be larger than the default limit.
    pub(crate) fn api_large<P, H, T>(
        self,
        permission: Permission,
        limit: usize,
        doc: P,
        handler: H,
    ) -> Self
    where
        P: utoipa::Path + utoipa::__dev::SchemaReferences,
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        self.api_route(permission, doc, handler, Some(limit))
    }

    fn api_route<P, H, T>(
        mut self,
        permission: Permission,
        _doc: P,
        handler: H,
        limit: Option<usize>,
    ) -> Self
    where
        P: utoipa::Path + utoipa::__dev::SchemaReferences,
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        let operation = P::operation();
        // The document and the handler must be of one function: a slip here would
        // document one route and serve another.
        let name = std::any::type_name::<H>();
        let id = operation.operation_id.clone().unwrap_or_default();
        assert!(
            name.ends_with(&format!("::{id}")),
            "route {name} is documented by the path of {id}"
        );
        let methods = P::methods();
        let [method] = methods.as_slice() else {
            panic!("{name}: one method per API route");
        };
        let (method, route) = match method {
            HttpMethod::Get => (Method::GET, axum::routing::get(handler)),
            HttpMethod::Post => (Method::POST, axum::routing::post(handler)),
            HttpMethod::Put => (Method::PUT, axum::routing::put(handler)),
            HttpMethod::Delete => (Method::DELETE, axum::routing::delete(handler)),
            _ => panic!("{name}: only GET, POST, PUT and DELETE are served"),
        };
        let route = match limit {
            Some(l) => route.layer(axum::extract::DefaultBodyLimit::max(l)),
            None => route,
        };
        let path = P::path();
        self.api
            .paths
            .add_path_operation(&path, methods.clone(), operation);
        P::schemas(&mut self.api.schemas);
        self.add(method, &path, permission, route)
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

    pub(crate) fn finish(self) -> (Router<AppState>, Vec<RouteInfo>, ApiPaths) {
        (self.router, self.infos, self.api)
    }
}
