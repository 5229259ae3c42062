//! A small HTTP/1.1 client over a plain TCP socket, for tests that talk to the real binary
//! as a browser would (cookie, CSRF token, Origin).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends one request and reads the whole answer (the connection is closed after it).
pub fn send(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> std::io::Result<Response> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(120)))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes())?;
    s.write_all(body)?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no header end"))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Ok(Response {
        status,
        headers,
        body,
    })
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = b.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&b[..end])
                .trim()
                .split(';')
                .next()
                .unwrap_or("0"),
            16,
        )
        .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = end + 2;
        out.extend_from_slice(&b[start..(start + size).min(b.len())]);
        b = &b[(start + size + 2).min(b.len())..];
    }
    out
}

/// A logged-in browser: its session cookie and CSRF token.
#[derive(Clone)]
pub struct Browser {
    pub addr: String,
    pub cookie: String,
    pub csrf: String,
}

impl Browser {
    pub fn login(addr: &str, username: &str, password: &str) -> Browser {
        let form = format!("username={username}&password={password}&next=%2F");
        let r = send(
            addr,
            "POST",
            "/login",
            &[
                ("Origin", format!("http://{addr}")),
                ("Content-Type", "application/x-www-form-urlencoded".into()),
            ],
            form.as_bytes(),
        )
        .expect("login");
        assert_eq!(r.status, 303, "login {username}: {}", r.text());
        let cookie = r
            .header("set-cookie")
            .and_then(|c| c.split(';').next())
            .expect("cookie")
            .to_string();
        let mut b = Browser {
            addr: addr.into(),
            cookie,
            csrf: String::new(),
        };
        let page = b.get("/account").text();
        let marker = "name=\"_csrf\" value=\"";
        let at = page.find(marker).expect("csrf on the page") + marker.len();
        b.csrf = page[at..].split('"').next().unwrap_or_default().to_string();
        b
    }

    pub fn get(&self, path: &str) -> Response {
        send(
            &self.addr,
            "GET",
            path,
            &[("Cookie", self.cookie.clone())],
            b"",
        )
        .expect("get")
    }

    /// An unsafe request with the session's CSRF token, as the page's script sends it.
    pub fn send(&self, method: &str, path: &str, content_type: &str, body: &[u8]) -> Response {
        send(
            &self.addr,
            method,
            path,
            &[
                ("Cookie", self.cookie.clone()),
                ("X-CSRF-Token", self.csrf.clone()),
                ("Origin", format!("http://{}", self.addr)),
                ("Content-Type", content_type.into()),
            ],
            body,
        )
        .expect("send")
    }

    /// A multipart upload of one file field.
    pub fn upload(&self, path: &str, field: &str, name: &str, bytes: &[u8]) -> Response {
        let boundary = "----jianguan-cli-test-3b8f1c";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.send(
            "POST",
            path,
            &format!("multipart/form-data; boundary={boundary}"),
            &body,
        )
    }
}
