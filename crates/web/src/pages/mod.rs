//! Pages for people: server-rendered Chinese HTML that works without JavaScript.

pub(crate) mod account;
mod assets;
mod calendar;
mod counts;
mod data;
mod docket;
mod documents;
mod dossiers;
mod enterprises;
mod funds;
mod home;
mod inspections;
mod licences;
mod market;
mod orders;
mod oversight;
mod progress;
mod projects;
mod public;
mod quarterly;
mod report;
mod sanctions;
mod settings;
mod tipoffs;
mod training;
mod uploads;

use crate::AppState;
use crate::routes::Routes;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use jianguan_app::Permission::*;
use jianguan_app::sorting::ListSort;
use jianguan_app::{Actor, AppError, Permission};
use jianguan_domain::FieldErrors;
use jianguan_domain::dates::china_offset;

/// Every page, each area's routes declared beside its handlers.
pub(crate) fn add_routes(r: Routes) -> Routes {
    let r = account::routes(r);
    let r = home::routes(r);
    let r = docket::routes(r);
    let r = enterprises::routes(r);
    let r = projects::routes(r);
    let r = inspections::routes(r);
    let r = calendar::routes(r);
    let r = market::routes(r);
    let r = uploads::routes(r);
    let r = orders::routes(r);
    let r = sanctions::routes(r);
    let r = funds::routes(r);
    let r = assets::routes(r);
    let r = counts::routes(r);
    let r = documents::routes(r);
    let r = dossiers::routes(r);
    let r = quarterly::routes(r);
    let r = settings::routes(r);
    let r = oversight::routes(r);
    let r = progress::routes(r);
    let r = data::routes(r);
    let r = training::routes(r);
    let r = report::routes(r);
    let r = public::routes(r);
    let r = tipoffs::routes(r);
    licences::routes(r)
}

/// One upload request: several phone photos of up to 15 MB each.
pub const UPLOAD_LIMIT: usize = 64 * 1024 * 1024;
/// Photos in one upload request.
pub const MAX_FILES_PER_UPLOAD: usize = 10;

pub struct UserBar {
    pub name: String,
    pub role: String,
}

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

/// What every page around its content shows: the county, programme, user and menu.
pub struct Layout {
    pub title: String,
    pub user: Option<UserBar>,
    pub county: String,
    pub programme: String,
    pub csrf: String,
    pub nav: Vec<NavItem>,
    /// The pages of the menu item in use, when it has several (监督检查, 数据报送).
    pub subnav: Vec<NavItem>,
    /// That menu item's name, for the tabs' label.
    pub subnav_label: &'static str,
    /// Unread notifications, shown on the bell.
    pub unread: usize,
}

impl Layout {
    pub fn anonymous(title: &str) -> Self {
        Self {
            title: title.into(),
            user: None,
            county: String::new(),
            programme: String::new(),
            csrf: String::new(),
            nav: vec![],
            subnav: vec![],
            subnav_label: "",
            unread: 0,
        }
    }
}

/// The menu, in the order county users expect, with only what the role may use.
/// In ui.md's order and words. 报表 holds the
/// register of the documents issued (发文登记).
/// 数据报送 holds the hand-ins and their review (审核, 经营数据, 证照, 培训班); 处理决定
/// (sanctions) sits after 整改, which it follows.
const MENU: [(&str, &str, Permission); 13] = [
    ("/docket", "待办", ReadRecords),
    ("/projects", "项目", ReadRecords),
    ("/enterprises", "企业", ReadRecords),
    ("/inspections", "监督检查", ReadRecords),
    ("/orders", "整改", ReadRecords),
    ("/sanctions", "处理决定", ReadRecords),
    ("/funds", "资金", ReadRecords),
    ("/assets", "资产", ReadRecords),
    ("/data-reports", "数据报送", ReadRecords),
    ("/tipoffs", "举报", ReadCounty),
    ("/notices", "公示", Authenticated),
    ("/documents", "报表", ReadRecords),
    ("/account", "设置", Authenticated),
];

/// The pages under 数据报送, which its menu item stands for.
pub const REPORTING_PAGES: [(&str, &str); 4] = [
    ("/reviews", "审核"),
    ("/data-reports", "经营数据"),
    ("/licences", "证照"),
    ("/training", "培训班"),
];

/// The pages under 监督检查: the records, their calendar, and the market-order problems
/// (一（四）) the group raises.
pub const INSPECTION_PAGES: [(&str, &str); 3] = [
    ("/inspections", "检查记录"),
    ("/inspections/calendar", "检查日历"),
    ("/market", "市场秩序问题"),
];

/// The pages under 资金: the figures at a glance, the subsidy claims, the disbursements and
/// the recoveries.
pub const FUNDS_PAGES: [(&str, &str); 4] = [
    ("/funds", "资金概况"),
    ("/funds/claims", "补助资金申请"),
    ("/funds/disbursements", "资金拨付"),
    ("/funds/recoveries", "追回资金"),
];

/// A menu item that stands for several pages, shown as a row of tabs under the menu.
struct Area {
    /// The menu item's link.
    href: &'static str,
    label: &'static str,
    pages: &'static [(&'static str, &'static str)],
}

const AREAS: [Area; 5] = [
    Area {
        href: "/inspections",
        label: "监督检查",
        pages: &INSPECTION_PAGES,
    },
    Area {
        href: "/funds",
        label: "资金",
        pages: &FUNDS_PAGES,
    },
    Area {
        href: "/assets",
        label: "资产",
        pages: &assets::ASSET_PAGES,
    },
    Area {
        href: "/data-reports",
        label: "数据报送",
        pages: &REPORTING_PAGES,
    },
    Area {
        href: "/documents",
        label: "报表",
        pages: &documents::REPORT_PAGES,
    },
];

/// The area whose tabs hold the page `active`, if any.
fn area_of(active: &str) -> Option<&'static Area> {
    AREAS
        .iter()
        .find(|a| a.pages.iter().any(|(h, _)| *h == active))
}

/// The projects the actor may see, id to name, for a list's project column or a menu: ids
/// and names only (see `queries::project_names`), not up to 500 whole projects.
pub(crate) async fn project_names(
    s: &AppState,
    a: &Actor,
) -> Result<std::collections::BTreeMap<String, String>, AppError> {
    Ok(jianguan_app::inspections::project_names(&s.app, a)
        .await?
        .into_iter()
        .collect())
}

pub async fn layout(s: &AppState, actor: &Actor, csrf: &str, title: &str, active: &str) -> Layout {
    // The header is decoration: a failed read leaves it plain rather than failing the page.
    let banner =
        jianguan_store::queries::banner(s.app.store.reader(), &actor.scope(), &actor.user_id)
            .await
            .unwrap_or_default();
    let county = match &actor.county_code {
        Some(_) => banner.county,
        None => Some("全部县".to_string()),
    };
    let programme = banner.programme;
    let unread = banner.unread as usize;
    Layout {
        unread,
        title: title.into(),
        user: Some(UserBar {
            name: actor.display_name.clone(),
            role: actor.role.label().into(),
        }),
        county: county.unwrap_or_default(),
        programme: programme.unwrap_or_else(|| "电子商务进农村综合示范项目".into()),
        csrf: csrf.into(),
        nav: MENU
            .iter()
            .filter(|(_, _, p)| actor.may(*p))
            .map(|(href, label, _)| NavItem {
                href,
                label,
                active: *href == active || area_of(active).is_some_and(|a| a.href == *href),
            })
            .collect(),
        subnav_label: area_of(active).map_or("", |a| a.label),
        subnav: match area_of(active) {
            Some(area) => area
                .pages
                .iter()
                // The quarterly report is the whole county's: not a contractor's tab.
                .filter(|(href, _)| {
                    *href != quarterly::HREF || jianguan_app::quarterly::may_read(actor)
                })
                .map(|(href, label)| NavItem {
                    href,
                    label: if *href == "/reviews" {
                        progress::review_heading(actor.role)
                    } else {
                        label
                    },
                    active: *href == active,
                })
                .collect(),
            None => Vec::new(),
        },
    }
}

/// A workbook to download, under its Chinese file name.
pub(crate) fn xlsx_download(bytes: Vec<u8>, name: &str) -> Response {
    use axum::http::header;
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename*=UTF-8''{}", percent(name)),
            ),
        ],
        bytes,
    )
        .into_response()
}

pub fn render<T: Template>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "页面生成出错，请稍后再试",
            )
                .into_response()
        }
    }
}

pub use crate::error::PageError;

pub type PageResult = Result<Response, PageError>;

/// "2026-05-21 14:03", China time, for history tables.
pub fn cn_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&china_offset())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

pub struct SelectOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub fn options<I, V, L>(items: I, selected: &str) -> Vec<SelectOption>
where
    I: IntoIterator<Item = (V, L)>,
    V: Into<String>,
    L: Into<String>,
{
    items
        .into_iter()
        .map(|(v, l)| {
            let value = v.into();
            SelectOption {
                selected: value == selected,
                value,
                label: l.into(),
            }
        })
        .collect()
}

pub struct HistoryRow {
    pub at: String,
    /// Who did it: the name, and (when the trail recorded them) the login name, shown as
    /// written, and the role.
    pub actor: String,
    pub login: String,
    pub role: String,
    pub action: String,
}

/// Splits the trail's "姓名（登录名，角色）" into its parts; anything else is a name.
pub(crate) fn actor_parts(recorded: &str) -> (String, String, String) {
    let parsed = recorded
        .strip_suffix('）')
        .and_then(|r| r.rsplit_once('（'))
        .and_then(|(name, rest)| {
            let (login, role) = rest.split_once('，')?;
            Some((name.to_string(), login.to_string(), role.to_string()))
        });
    parsed.unwrap_or_else(|| (recorded.to_string(), String::new(), String::new()))
}

pub fn history_rows(rows: Vec<jianguan_store::entity::audit_log::Model>) -> Vec<HistoryRow> {
    rows.into_iter()
        .map(|r| {
            let (actor, login, role) = actor_parts(&r.actor_name);
            HistoryRow {
                at: cn_time(r.at),
                actor,
                login,
                role,
                action: jianguan_domain::audit::action_label_on(&r.entity, &r.action).to_string(),
            }
        })
        .collect()
}

/// An amount in 分 as people read it: ¥12,000.00.
pub fn money(fen: i64) -> String {
    if fen < 0 && fen > i64::MIN {
        // A balance below zero (paid beyond the allocation) reads with its sign.
        return format!("-{}", money(-fen));
    }
    jianguan_domain::Money::from_fen(fen)
        .map(|m| m.to_string())
        .unwrap_or_else(|_| format!("{fen} 分"))
}

/// Previous/next links for a long list; the query is built from known values only. An
/// offset past the end (a hand-edited URL) says so and links back to the first page.
/// The ordering a list's `?sort=` asks for (empty: the list's default); an unknown one is
/// named under `sort`.
pub fn sort_of<S: ListSort>(code: &str, e: &mut FieldErrors) -> S {
    match code.trim() {
        "" => S::default(),
        c => S::parse(c).unwrap_or_else(|| {
            e.add("sort", "没有这种排序方式");
            S::default()
        }),
    }
}

/// A list's orderings for its 排序 select.
pub fn sort_options<S: ListSort>(selected: &str) -> Vec<SelectOption> {
    options(S::ALL.iter().map(|x| (x.1, x.2)), selected)
}

pub fn pager(path: &str, query: &[(&str, &str)], total: u64, offset: u64, limit: u64) -> String {
    pager_at(path, query, (total, offset, limit), None)
}

/// [`pager`] for a list paged by its rows (keyset paging): `ends` are the ids of the first
/// and last rows shown, and the links name them (`before=`, `after=`) beside the offset,
/// so that the list reads the page next to them instead of counting its way there. The
/// offset then only numbers the rows (第 x–y 条).
pub fn pager_at(
    path: &str,
    query: &[(&str, &str)],
    (total, offset, limit): (u64, u64, u64),
    ends: Option<(&str, &str)>,
) -> String {
    let past_end = offset > 0 && offset >= total;
    if total <= limit && !past_end {
        return String::new();
    }
    let base: String = query
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}&", crate::auth::encode_component(v)))
        .collect();
    let mut html = String::from("<nav class=\"pager\" aria-label=\"分页\">");
    if past_end {
        html.push_str(&format!(
            "<span>共 {total} 条，这一页已没有记录</span><a href=\"{path}?{base}offset=0\">回到第一页</a></nav>"
        ));
        return html;
    }
    let next_to = |key: &str, id: &str| format!("&{key}={}", crate::auth::encode_component(id));
    if offset > 0 {
        let before = offset.saturating_sub(limit);
        let cursor = match ends {
            Some((first, _)) if before > 0 => next_to("before", first),
            _ => String::new(),
        };
        html.push_str(&format!(
            "<a href=\"{path}?{base}offset={before}{cursor}\">上一页</a>"
        ));
    }
    let end = offset.saturating_add(limit);
    html.push_str(&format!(
        "<span>第 {}–{} 条，共 {} 条</span>",
        offset + 1,
        end.min(total),
        total
    ));
    if end < total {
        let cursor = ends.map_or(String::new(), |(_, last)| next_to("after", last));
        html.push_str(&format!(
            "<a href=\"{path}?{base}offset={end}{cursor}\">下一页</a>"
        ));
    }
    html.push_str("</nav>");
    html
}

/// The row a page of a list starts next to, from its `after=` / `before=` (a row's id, as
/// [`pager_at`] writes them); neither: none. A row the caller cannot see pages by offset.
pub fn cursor_of(
    after: &str,
    before: &str,
) -> Result<Option<jianguan_store::paging::Cursor>, AppError> {
    use jianguan_store::paging::Cursor;
    // Any id a record may have (an imported one: up to 64 bytes of anything printable);
    // it is only ever a bound parameter.
    let id = |field: &str, v: &str| -> Result<Option<String>, AppError> {
        if v.len() <= 64 && !v.chars().any(char::is_control) {
            Ok((!v.is_empty()).then(|| v.to_string()))
        } else {
            Err(AppError::field(field, "分页位置无效，请回到第一页"))
        }
    };
    match (id("after", after)?, id("before", before)?) {
        (Some(_), Some(_)) => Err(AppError::field(
            "before",
            "分页位置只能给一个，请回到第一页",
        )),
        (Some(a), None) => Ok(Some(Cursor::After(a))),
        (None, Some(b)) => Ok(Some(Cursor::Before(b))),
        (None, None) => Ok(None),
    }
}

/// `path` with the non-empty `query` pairs (a list's filters carried to its export).
pub fn with_query(path: &str, query: &[(&str, &str)]) -> String {
    let q: Vec<String> = query
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::auth::encode_component(v)))
        .collect();
    if q.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", q.join("&"))
    }
}

/// Percent-encoding of everything but unreserved characters: for query values and for
/// RFC 5987 file names in Content-Disposition.
pub fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The one file of a multipart form field `field` (an XLSX to read), or a message for that
/// field: nothing chosen, the upload broke off, or the file is larger than a spreadsheet
/// upload may be (refused as soon as that many bytes have arrived, not after).
pub async fn read_file_field(
    m: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
    field: &str,
    missing: &str,
) -> Result<Vec<u8>, AppError> {
    let mut m = m.map_err(|_| AppError::field(field, missing))?;
    let bad = |e| upload_failed(field, &e, SHEET_UPLOAD_LIMIT);
    while let Some(mut f) = m.next_field().await.map_err(bad)? {
        if f.name() == Some(field) {
            return read_capped(&mut f, SHEET_UPLOAD_LIMIT, field).await;
        }
    }
    Err(AppError::field(field, missing))
}

/// Why an upload could not be read: too large for the route (said with the limit), or
/// broken off.
pub fn upload_failed(
    field: &str,
    e: &axum::extract::multipart::MultipartError,
    max: usize,
) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::field(
            field,
            format!("文件太大，不能超过 {} MB。", max / 1024 / 1024),
        )
    } else {
        AppError::field(field, "上传没有完成（网络中断），请重试。")
    }
}

/// Largest spreadsheet a page accepts (the bounded XLSX reader's own file limit).
pub const SHEET_UPLOAD_LIMIT: usize = 5 * 1024 * 1024;

/// One multipart field's bytes, refused once more than `max` have arrived.
pub async fn read_capped(
    f: &mut axum::extract::multipart::Field<'_>,
    max: usize,
    field: &str,
) -> Result<Vec<u8>, AppError> {
    let mut out = Vec::new();
    while let Some(chunk) = f.chunk().await.map_err(|e| upload_failed(field, &e, max))? {
        if out.len() + chunk.len() > max {
            return Err(AppError::field(
                field,
                format!("文件太大，不能超过 {} MB。", max / 1024 / 1024),
            ));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// `?saved=1`: a page shown after a successful save says so.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct SavedQuery {
    pub saved: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::actor_parts;

    #[test]
    fn the_trail_s_actor_splits_into_name_login_and_role() {
        assert_eq!(
            actor_parts("李检查（inspector，检查组成员）"),
            (
                "李检查".to_string(),
                "inspector".to_string(),
                "检查组成员".to_string()
            )
        );
        // A name that itself holds brackets keeps them.
        assert_eq!(
            actor_parts("王建国（晋商电商）（contractor，承办企业）").0,
            "王建国（晋商电商）"
        );
        for plain in ["系统", "导入（批量）", ""] {
            assert_eq!(actor_parts(plain).0, plain);
            assert!(actor_parts(plain).1.is_empty());
        }
    }
}
