//! A client that talks to the router in-process, as a browser (cookie + CSRF token from
//! the page) or a machine client (bearer token) would.
// Shared by several test binaries; each uses only part of it.
#![allow(dead_code)]
#![allow(clippy::unwrap_used)]

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use jianguan_app::{Actor, App, Permission, Role};
use jianguan_testkit::{Backend, TestApp, World};
use jianguan_web::{RouteInfo, WebConfig};
use tower::ServiceExt;

pub struct TestRouter {
    pub router: Router,
    pub routes: Vec<RouteInfo>,
    pub world: World,
    pub app: App,
    _keep: TestApp,
}

impl TestRouter {
    pub fn set_app(&mut self, app: App) {
        self.set(app, WebConfig::default());
    }

    /// A second server on the same database (nothing held in memory shared with this one).
    pub async fn another_server(&self) -> App {
        App::new(self._keep.db.store().await).with_files(jianguan_testkit::test_files())
    }

    /// The same app behind another web configuration (a proxy, HTTPS).
    pub fn set(&mut self, app: App, config: WebConfig) {
        let (router, routes) = jianguan_web::build(app.clone(), config);
        self.router = router;
        self.routes = routes;
        self.app = app;
    }
}

/// The app with a clock that runs `offset` seconds ahead of now (tests move it).
pub fn moving_clock(app: &App) -> (App, std::sync::Arc<std::sync::atomic::AtomicI64>) {
    let offset = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(0));
    let o = offset.clone();
    let app = app.clone().with_clock(move || {
        chrono::Utc::now() + chrono::Duration::seconds(o.load(std::sync::atomic::Ordering::SeqCst))
    });
    (app, offset)
}

pub async fn seeded_router(backend: Backend) -> TestRouter {
    let t = jianguan_testkit::seeded(backend).await;
    let (router, routes) = jianguan_web::build(t.app.clone(), WebConfig::default());
    TestRouter {
        router,
        routes,
        world: t.world.clone(),
        app: t.app.clone(),
        _keep: t,
    }
}

/// Row counts of the record tables and the audit log: equal before and after means
/// nothing was written.
pub async fn counts(t: &TestRouter) -> Vec<(&'static str, u64)> {
    jianguan_store::queries::table_counts(t.app.store.reader())
        .await
        .expect("counts")
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn encode_form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub struct Client {
    router: Router,
    pub cookie: Option<String>,
    pub cookie_header: String,
    csrf: Option<String>,
    token: Option<String>,
    actor: Option<Actor>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Client({:?})", self.actor.as_ref().map(|a| &a.username))
    }
}

fn csrf_from(html: &str) -> Option<String> {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker)? + marker.len();
    Some(html[start..].split('"').next()?.to_string())
}

impl Client {
    pub fn anonymous(t: &TestRouter) -> Self {
        Self {
            router: t.router.clone(),
            cookie: None,
            cookie_header: String::new(),
            csrf: None,
            token: None,
            actor: None,
        }
    }

    pub fn bearer(t: &TestRouter, token: &str) -> Self {
        Self {
            token: Some(token.into()),
            ..Self::anonymous(t)
        }
    }

    pub async fn login(t: &TestRouter, username: &str) -> Self {
        Self::try_login(t, username, jianguan_testkit::DEMO_PASSWORD)
            .await
            .unwrap_or_else(|e| panic!("login {username}: {e}"))
    }

    /// Logs in through the login form; Err carries the page's message.
    pub async fn try_login(t: &TestRouter, username: &str, password: &str) -> Result<Self, String> {
        let mut c = Self::anonymous(t);
        let body = encode_form(&[
            ("username", username),
            ("password", password),
            ("next", "/"),
        ]);
        let req = Request::post("/login")
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, "http://localhost")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        let res = c.router.clone().oneshot(req).await.unwrap();
        if res.status() != StatusCode::SEE_OTHER {
            let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
                .await
                .unwrap();
            return Err(String::from_utf8_lossy(&bytes).into_owned());
        }
        let set = res
            .headers()
            .get(header::SET_COOKIE)
            .expect("session cookie")
            .to_str()
            .unwrap()
            .to_string();
        c.cookie = Some(set.split(';').next().unwrap().to_string());
        c.cookie_header = set;
        let (_, html) = c.get("/account").await;
        c.csrf = csrf_from(&html);
        let (_, me) = c.get_json("/api/v1/me").await;
        c.actor = Some(Actor {
            user_id: me["user_id"].as_str().unwrap().into(),
            username: username.into(),
            display_name: String::new(),
            role: Role::parse(me["role"].as_str().unwrap()).unwrap(),
            county_code: me["county_code"].as_str().map(str::to_string),
            enterprise_id: me["enterprise_id"].as_str().map(str::to_string),
        });
        Ok(c)
    }

    /// The session's CSRF token, for a form built by hand.
    pub fn csrf(&self) -> Option<String> {
        self.csrf.clone()
    }

    pub fn actor_may(&self, p: Permission) -> bool {
        self.actor.as_ref().is_some_and(|a| a.may(p))
    }

    pub fn builder(&self, method: Method, path: &str) -> axum::http::request::Builder {
        // A browser names the page's origin on every unsafe request.
        let origin = (!matches!(method, Method::GET | Method::HEAD)).then_some("http://localhost");
        self.builder_from(method, path, origin)
    }

    /// A request as a page of `origin` (None: no Origin header at all) would send it.
    pub fn builder_from(
        &self,
        method: Method,
        path: &str,
        origin: Option<&str>,
    ) -> axum::http::request::Builder {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "localhost");
        if let Some(o) = origin {
            b = b.header(header::ORIGIN, o);
        }
        if let Some(c) = &self.cookie {
            b = b.header(header::COOKIE, c);
        }
        if let Some(t) = &self.token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        b
    }

    pub async fn send(&self, req: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, headers, bytes.to_vec())
    }

    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let (s, _, b) = self
            .send(self.builder(Method::GET, path).body(Body::empty()).unwrap())
            .await;
        (s, String::from_utf8_lossy(&b).into_owned())
    }

    pub async fn get_bytes(&self, path: &str) -> (StatusCode, Vec<u8>, HeaderMap) {
        let (s, h, b) = self
            .send(self.builder(Method::GET, path).body(Body::empty()).unwrap())
            .await;
        (s, b, h)
    }

    pub async fn get_with_headers(&self, path: &str) -> (StatusCode, String, HeaderMap) {
        let (s, h, b) = self
            .send(self.builder(Method::GET, path).body(Body::empty()).unwrap())
            .await;
        (s, String::from_utf8_lossy(&b).into_owned(), h)
    }

    pub async fn get_json(&self, path: &str) -> (StatusCode, serde_json::Value) {
        let (s, text) = self.get(path).await;
        (
            s,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        )
    }

    pub async fn json(
        &self,
        method: Method,
        path: &str,
        body: serde_json::Value,
    ) -> (StatusCode, serde_json::Value) {
        self.json_with_csrf(method, path, body, self.csrf.as_deref())
            .await
    }

    pub async fn json_with_csrf(
        &self,
        method: Method,
        path: &str,
        body: serde_json::Value,
        csrf: Option<&str>,
    ) -> (StatusCode, serde_json::Value) {
        let mut b = self
            .builder(method, path)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(c) = csrf {
            b = b.header("x-csrf-token", c);
        }
        let (s, _, bytes) = self
            .send(b.body(Body::from(body.to_string())).unwrap())
            .await;
        (
            s,
            serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
        )
    }

    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> (StatusCode, serde_json::Value) {
        let mut b = self
            .builder(method, path)
            .header(header::CONTENT_TYPE, content_type);
        if let Some(c) = &self.csrf {
            b = b.header("x-csrf-token", c);
        }
        let (s, _, bytes) = self.send(b.body(Body::from(body)).unwrap()).await;
        (
            s,
            serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
        )
    }

    pub async fn form(&self, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
        self.form_with_csrf(path, fields, self.csrf.as_deref())
            .await
    }

    pub async fn form_with_csrf(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        csrf: Option<&str>,
    ) -> (StatusCode, String) {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        if let Some(c) = csrf {
            all.push(("_csrf", c));
        }
        let req = self
            .builder(Method::POST, path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(encode_form(&all)))
            .unwrap();
        let (s, _, b) = self.send(req).await;
        (s, String::from_utf8_lossy(&b).into_owned())
    }

    /// A file upload as a browser sends it: multipart, the CSRF token in the query.
    pub async fn upload(
        &self,
        path: &str,
        files: &[(&str, &[u8])],
        fields: &[(&str, &str)],
    ) -> (StatusCode, String) {
        self.upload_as(path, "photo", files, fields).await
    }

    /// As [`Client::upload`], the files under the form field `field`.
    pub async fn upload_as(
        &self,
        path: &str,
        field: &str,
        files: &[(&str, &[u8])],
        fields: &[(&str, &str)],
    ) -> (StatusCode, String) {
        let boundary = "----jianguan-test-boundary-7MA4YWxkTrZu0gW";
        let mut body: Vec<u8> = Vec::new();
        for (name, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let csrf = self.csrf.clone().unwrap_or_default();
        let sep = if path.contains('?') { '&' } else { '?' };
        let req = self
            .builder(
                Method::POST,
                &format!("{path}{sep}_csrf={}", urlencode(&csrf)),
            )
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap();
        let (s, _, b) = self.send(req).await;
        (s, String::from_utf8_lossy(&b).into_owned())
    }

    /// A form posted from another site with this browser's cookie (and even a valid token).
    pub async fn cross_origin_form(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, String) {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let csrf = self.csrf.clone().unwrap_or_default();
        all.push(("_csrf", &csrf));
        let req = self
            .builder_from(Method::POST, path, Some("http://evil.example"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(encode_form(&all)))
            .unwrap();
        let (s, _, b) = self.send(req).await;
        (s, String::from_utf8_lossy(&b).into_owned())
    }

    pub async fn login_to(&self, username: &str, next: &str) -> (StatusCode, HeaderMap) {
        let body = encode_form(&[
            ("username", username),
            ("password", jianguan_testkit::DEMO_PASSWORD),
            ("next", next),
        ]);
        let req = self
            .builder(Method::POST, "/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        let (s, h, _) = self.send(req).await;
        (s, h)
    }

    /// Any route: API paths get JSON, page paths a form built from the JSON's fields.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (StatusCode, String) {
        if method == Method::GET {
            return self.get(path).await;
        }
        let body = body.unwrap_or_else(|| serde_json::json!({}));
        if path.starts_with("/api/") {
            let (s, v) = self.json(method, path, body).await;
            (s, v.to_string())
        } else {
            let owned: Vec<(String, String)> = body
                .as_object()
                .map(|o| {
                    o.iter()
                        .map(|(k, v)| {
                            (
                                k.clone(),
                                v.as_str()
                                    .map(str::to_string)
                                    .unwrap_or_else(|| v.to_string()),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let fields: Vec<(&str, &str)> = owned
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            self.form(path, &fields).await
        }
    }
}
