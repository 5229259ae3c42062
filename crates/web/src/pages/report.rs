//! 举报 for the public (no login): the tip-off form, the receipt shown once, and looking a
//! tip-off up with its receipt code. The code travels only in the bodies of POSTs and the
//! page that answers them — never in a URL, so never in a log or a browser's history.

use super::{Layout, PageResult, SelectOption, options, render};
use crate::AppState;
use crate::auth::MaybeAuth;
use crate::routes::Routes;
use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use jianguan_app::AppError;
use jianguan_app::Permission::*;
use jianguan_app::tipoffs::{self as tp, Intake, PublicCase, Sent};
use jianguan_domain::{FieldErrors, format_cn_date};
use serde::Deserialize;

/// Photos a tip-off may carry, and the largest body its form may send.
pub const MAX_PHOTOS: usize = 3;
pub const REPORT_LIMIT: usize = 32 * 1024 * 1024;
/// Longest text field the form reads (the content's own limit is smaller).
const MAX_FIELD: usize = 16 * 1024;

pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/report", Public, form)
        .post_large("/report", Public, REPORT_LIMIT, submit)
        .get("/report/lookup", Public, lookup_form)
        .post("/report/lookup", Public, lookup)
}

/// The form's fields as typed, kept to show again beside the errors.
#[derive(Debug, Clone, Default)]
pub struct ReportForm {
    pub county: String,
    pub intake: Intake,
    pub sent: Sent,
}

#[derive(Template)]
#[template(path = "report_form.html")]
struct FormPage {
    layout: Layout,
    /// Staff typing a call in: the channel and time fields, no guard.
    staff: bool,
    action: String,
    county_name: String,
    hotline: String,
    authority: String,
    form: ReportForm,
    errors: FieldErrors,
    services: Vec<SelectOption>,
    townships: Vec<SelectOption>,
    projects: Vec<SelectOption>,
    channels: Vec<SelectOption>,
    proof_bits: u32,
    max_photos: usize,
    max_photo_mb: usize,
}

#[derive(Template)]
#[template(path = "report_receipt.html")]
struct ReceiptPage {
    layout: Layout,
    code: String,
    received_on: String,
    staff: bool,
    id: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CountyQuery {
    county: String,
}

/// The county a public page is for: the one named, or the deployment's only one.
async fn county_of(
    s: &AppState,
    named: &str,
) -> Result<jianguan_store::entity::county::Model, AppError> {
    let all = jianguan_store::queries::counties(
        s.app.store.reader(),
        &jianguan_store::Scope::everything(),
    )
    .await?;
    match named.trim() {
        "" if all.len() == 1 => Ok(all.into_iter().next().unwrap_or_else(|| unreachable!())),
        "" => Err(AppError::field("county", "请从公开页面选择您所在的县")),
        c => all
            .into_iter()
            .find(|x| x.code == c)
            .ok_or(AppError::NotFound),
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn form_page(
    s: &AppState,
    layout: Layout,
    staff: bool,
    county: &jianguan_store::entity::county::Model,
    mut form: ReportForm,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let profile = &s.app.profile;
    if !staff {
        // A fresh token each time the form is shown: the time to fill it starts now.
        form.sent.token = tp::guard::issue(&s.app)?;
        form.sent.proof = None;
    }
    let projects = jianguan_store::queries::public_projects(s.app.store.reader(), &county.code)
        .await
        .map_err(AppError::from)?;
    let i = &form.intake;
    Ok(render(
        status,
        &FormPage {
            staff,
            action: if staff {
                "/tipoffs/new".into()
            } else {
                format!("/report?county={}", county.code)
            },
            county_name: county.name.clone(),
            hotline: profile.hotline.clone(),
            authority: profile.authority.clone(),
            services: options(
                profile
                    .tipoff
                    .services
                    .iter()
                    .map(|x| (x.code.clone(), format!("{}（{}）", x.name, x.description))),
                &i.service,
            ),
            townships: options(
                county.township_list().into_iter().map(|t| (t.clone(), t)),
                &i.township,
            ),
            projects: options(projects, &i.project_id),
            channels: options(
                jianguan_domain::tipoff::Channel::STAFF
                    .iter()
                    .map(|c| (c.code(), c.label())),
                &i.channel,
            ),
            proof_bits: s.app.public.limits.proof_bits,
            max_photos: MAX_PHOTOS,
            max_photo_mb: s.app.photos.limits.max_bytes / 1024 / 1024,
            layout,
            form,
            errors,
        },
    ))
}

pub async fn form(
    State(s): State<AppState>,
    MaybeAuth(_): MaybeAuth,
    Query(q): Query<CountyQuery>,
) -> PageResult {
    let county = match county_of(&s, &q.county).await {
        Ok(c) => c,
        // Several counties here: the person chooses theirs first.
        Err(AppError::Validation(_)) => return super::public::chooser(&s).await,
        Err(e) => return Err(e.into()),
    };
    let form = ReportForm {
        county: county.code.clone(),
        ..Default::default()
    };
    form_page(
        &s,
        Layout::anonymous("我要举报"),
        false,
        &county,
        form,
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

/// Reads the form: its text fields (each bounded) and up to three photos (each refused
/// as soon as it passes the photo limit).
pub(crate) async fn read_form(
    s: &AppState,
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(ReportForm, Vec<(String, Vec<u8>)>), AppError> {
    let mut m = m.map_err(|_| AppError::field("form", "请通过举报页面填写后提交"))?;
    let bad = |e| super::upload_failed("photo", &e, REPORT_LIMIT);
    let max_photo = s.app.photos.limits.max_bytes + 1;
    let mut f = ReportForm::default();
    let mut photos = Vec::new();
    while let Some(mut field) = m.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "photo" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let bytes = super::read_capped(&mut field, max_photo, "photo").await?;
            if bytes.is_empty() {
                continue;
            }
            if photos.len() == MAX_PHOTOS {
                return Err(AppError::field(
                    "photo",
                    format!("最多上传 {MAX_PHOTOS} 张照片"),
                ));
            }
            photos.push((file_name, bytes));
            continue;
        }
        let bytes = super::read_capped(&mut field, MAX_FIELD, &name).await?;
        let v =
            String::from_utf8(bytes).map_err(|_| AppError::field(&name, "内容不是有效的文字"))?;
        let i = &mut f.intake;
        match name.as_str() {
            "service" => i.service = v,
            "content" => i.content = v,
            "township" => i.township = v,
            "village" => i.village = v,
            "project_id" => i.project_id = v,
            "occurred_on" => i.occurred_on = v,
            "contact_name" => i.contact_name = v,
            "contact_phone" => i.contact_phone = v,
            "contact_wish" => i.contact_wish = v,
            "channel" => i.channel = v,
            "received_at" => i.received_at = v,
            "form_token" => f.sent.token = v,
            "proof" => f.sent.proof = Some(v),
            "website" => f.sent.honeypot = v,
            _ => {}
        }
    }
    Ok((f, photos))
}

pub async fn submit(
    State(s): State<AppState>,
    MaybeAuth(c): MaybeAuth,
    Query(q): Query<CountyQuery>,
    m: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let county = county_of(&s, &q.county).await?;
    let (mut form, photos) = match read_form(&s, m).await {
        Ok(x) => x,
        Err(AppError::Validation(e)) => {
            let f = ReportForm::default();
            return form_page(
                &s,
                Layout::anonymous("我要举报"),
                false,
                &county,
                f,
                e,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    };
    form.county = county.code.clone();
    match tp::submit_public(
        &s.app,
        &c.ip,
        &county.code,
        &form.intake,
        &form.sent,
        photos,
    )
    .await
    {
        Ok(r) => Ok(render(
            StatusCode::OK,
            &ReceiptPage {
                layout: Layout::anonymous("举报已提交"),
                code: r.code,
                received_on: format_cn_date(r.tipoff.received_on),
                staff: false,
                id: String::new(),
            },
        )),
        Err(AppError::Validation(e)) => {
            form_page(
                &s,
                Layout::anonymous("我要举报"),
                false,
                &county,
                form,
                e,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) fn receipt_page(
    code: String,
    t: &jianguan_store::entity::tipoff::Model,
    layout: Layout,
) -> axum::response::Response {
    render(
        StatusCode::OK,
        &ReceiptPage {
            layout,
            code,
            received_on: format_cn_date(t.received_on),
            staff: true,
            id: t.id.clone(),
        },
    )
}

#[derive(Template)]
#[template(path = "report_lookup.html")]
struct LookupPage {
    layout: Layout,
    code: String,
    case: Option<CaseView>,
    /// A lookup was made and found nothing.
    missing: bool,
}

struct CaseView {
    c: PublicCase,
    received_on: String,
    closed_on: String,
}

pub async fn lookup_form(MaybeAuth(_): MaybeAuth) -> PageResult {
    Ok(render(
        StatusCode::OK,
        &LookupPage {
            layout: Layout::anonymous("举报办理查询"),
            code: String::new(),
            case: None,
            missing: false,
        },
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LookupForm {
    code: String,
}

pub async fn lookup(
    State(s): State<AppState>,
    MaybeAuth(c): MaybeAuth,
    Form(f): Form<LookupForm>,
) -> PageResult {
    let found = tp::lookup(&s.app, &c.ip, &f.code).await?;
    let missing = found.is_none();
    Ok(render(
        if missing {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::OK
        },
        &LookupPage {
            layout: Layout::anonymous("举报办理查询"),
            // A code that found its tip-off is not shown back: the page may be printed or
            // photographed; the tipster already has it.
            code: if missing {
                f.code.chars().take(40).collect()
            } else {
                String::new()
            },
            case: found.map(|c| CaseView {
                received_on: format_cn_date(c.received_on),
                closed_on: c.closed_on.map(format_cn_date).unwrap_or_default(),
                c,
            }),
            missing,
        },
    ))
}
