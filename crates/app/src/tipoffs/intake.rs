//! A tip-off coming in — from the public form (through the form's guard) or typed in by
//! staff from a call, a letter or a visit — and the receipt code that lets the tipster
//! follow it. The code is shown once; only `sha256:` and its hash are kept, and looking
//! one up is counted per address.

use super::guard::{self, Sent};
use crate::audit::entry;
use crate::evidence::{self, Processed};
use crate::secrets::{new_id, sha256_hex};
use crate::{Actor, App, AppError, Role};
use chrono::{DateTime, NaiveDate, Utc};
use jianguan_domain::FieldErrors;
use jianguan_domain::tipoff::{
    Channel, RECEIPT_BYTES, TipOffState, normalise_receipt, receipt_from_bytes,
};
use jianguan_store::entity::tipoff;
use jianguan_store::sea::{ColumnTrait, EntityTrait, QueryFilter};
use jianguan_store::{Scope, queries, scoped};

/// What a tipster tells, as typed on a form or sent by a partner system.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Intake {
    /// The kind of problem (the profile's services).
    pub service: String,
    pub content: String,
    pub township: String,
    pub village: String,
    /// Optional: a project from the public list.
    pub project_id: String,
    /// When it happened (optional), `YYYY-MM-DD`.
    pub occurred_on: String,
    /// Optional; anonymous is the default.
    pub contact_name: String,
    pub contact_phone: String,
    /// `reply` (may be called back) or `no_call`; anonymous when no contact is given.
    pub contact_wish: String,
    /// Staff entry: the channel (hotline, letter, visit) and when it came in
    /// (`YYYY-MM-DDTHH:MM`, China time).
    pub channel: String,
    pub received_at: String,
}

/// A tip-off just recorded, with the code to give the tipster — shown once, never stored.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub code: String,
    pub tipoff: tipoff::Model,
}

/// What the receipt code shows: the state, the dates and the public reply — nothing else.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PublicCase {
    /// 已收到，待受理 / 已受理 / 已转办，正在办理 / 正在办理 / 已办结 / 不予受理.
    pub state: String,
    pub state_code: String,
    pub received_on: NaiveDate,
    /// When it was finished (办结 or 不予受理).
    pub closed_on: Option<NaiveDate>,
    /// The reply, once the responsible person has approved it.
    pub reply: Option<String>,
    /// The kind of problem reported.
    pub service: Option<String>,
}

/// The one who writes a tip-off from the public form, in the audit trail.
pub(crate) fn public_actor(county: &str) -> Actor {
    Actor {
        user_id: crate::actor::PUBLIC.into(),
        username: "public".into(),
        display_name: "群众（网上举报）".into(),
        role: Role::Viewer,
        county_code: Some(county.into()),
        enterprise_id: None,
    }
}

/// The stored form of a receipt code.
pub fn receipt_hash(normalised: &str) -> String {
    format!("sha256:{}", sha256_hex(normalised))
}

fn new_receipt() -> Result<String, AppError> {
    let mut b = [0u8; RECEIPT_BYTES];
    getrandom::fill(&mut b).map_err(|e| AppError::bug(format!("no randomness: {e}")))?;
    Ok(receipt_from_bytes(&b))
}

/// The public form, sent from `ip` to county `county`. The guard first (counted per
/// address, so a robot tripping it is throttled too), then the fields, then the photos —
/// all checked before anything is written.
pub async fn submit_public(
    app: &App,
    ip: &str,
    county: &str,
    input: &Intake,
    sent: &Sent,
    photos: Vec<(String, Vec<u8>)>,
) -> Result<Receipt, AppError> {
    let limits = app.public.limits.clone();
    let proof = sent
        .proof
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    // Without the proof-of-work (no JavaScript, or a robot) the address's stricter limit
    // counts every tip-off it sent.
    if proof.is_none() && guard::attempts(app, ip, "tipoff").await? >= limits.tipoffs_without_proof
    {
        guard::count_attempt(app, ip, "tipoff", 0).await?;
    }
    guard::count_attempt(app, ip, "tipoff", limits.tipoffs).await?;
    let mut e = FieldErrors::new();
    if !sent.honeypot.trim().is_empty() {
        crate::metrics::global().rejected("public", "honeypot");
        e.add("form", "提交未被接受，请刷新页面后重新填写");
        return Err(AppError::Validation(e));
    }
    let Some(token) = guard::check_token(app, &sent.token, &mut e) else {
        crate::metrics::global().rejected("public", "form_token");
        return Err(AppError::Validation(e));
    };
    if let Some(p) = proof
        && !guard::proof_ok(&sent.token, p, limits.proof_bits)
    {
        crate::metrics::global().rejected("public", "proof");
        e.add("form", "页面校验未通过，请刷新页面后重新提交");
        return Err(AppError::Validation(e));
    }
    let county_row = queries::county(app.store.reader(), county)
        .await?
        .ok_or(AppError::NotFound)?;
    let fields = fields(app, &county_row, input, &mut e).await?;
    let processed = process_photos(app, photos, &mut e).await?;
    let Some(fields) = fields.filter(|_| e.is_empty()) else {
        return Err(AppError::Validation(e));
    };
    let actor = public_actor(county);
    let now = app.now();
    let code = new_receipt()?;
    let t = row(
        app,
        county,
        fields,
        Channel::Web,
        now,
        &code,
        None,
        Some(token.nonce),
    );
    save(app, &actor, t, &code, processed).await
}

/// A tip-off a partner system filed through Open311 (the key already checked and
/// counted); its contact is the partner's to give, under the same rules.
pub async fn submit_partner(
    app: &App,
    county: &str,
    partner: &str,
    input: &Intake,
) -> Result<Receipt, AppError> {
    let county_row = queries::county(app.store.reader(), county)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut e = FieldErrors::new();
    let fields = fields(app, &county_row, input, &mut e).await?;
    let Some(fields) = fields.filter(|_| e.is_empty()) else {
        return Err(AppError::Validation(e));
    };
    let mut actor = public_actor(county);
    actor.display_name = format!("对接系统（{partner}）");
    actor.username = "open311".into();
    let code = new_receipt()?;
    let t = row(
        app,
        county,
        fields,
        Channel::Partner,
        app.now(),
        &code,
        Some(format!("Open311：{partner}")),
        None,
    );
    save(app, &actor, t, &code, Vec::new()).await
}

/// A call to the hotline, a letter or a visit, typed in by staff; the caller is given the
/// same kind of receipt code to read out.
pub async fn record_by_staff(
    app: &App,
    actor: &Actor,
    input: &Intake,
    photos: Vec<(String, Vec<u8>)>,
) -> Result<Receipt, AppError> {
    actor.require_staff()?;
    let county = actor.county_for_write(None)?;
    let county_row = queries::county(app.store.reader(), &county)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut e = FieldErrors::new();
    let channel = match Channel::parse(input.channel.trim()) {
        Some(c) if Channel::STAFF.contains(&c) => Some(c),
        _ => {
            e.add("channel", "请选择举报来源：监督举报电话、来信或来访");
            None
        }
    };
    let received_at = match received_at(app, &input.received_at) {
        Ok(t) => Some(t),
        Err(m) => {
            e.add("received_at", m);
            None
        }
    };
    let fields = fields(app, &county_row, input, &mut e).await?;
    let processed = process_photos(app, photos, &mut e).await?;
    let (Some(fields), Some(channel), Some(at), true) =
        (fields, channel, received_at, e.is_empty())
    else {
        return Err(AppError::Validation(e));
    };
    let code = new_receipt()?;
    let t = row(
        app,
        &county,
        fields,
        channel,
        at,
        &code,
        Some(actor.audit_name()),
        None,
    );
    save(app, actor, t, &code, processed).await
}

/// `YYYY-MM-DDTHH:MM` in China time, not in the future; empty is now.
fn received_at(app: &App, text: &str) -> Result<DateTime<Utc>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(app.now());
    }
    let local = chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M")
        .map_err(|_| "收到时间格式不正确，请按“2026-05-21 09:30”填写".to_string())?;
    let at = local - chrono::Duration::hours(8);
    let at = at.and_utc();
    if at > app.now() + chrono::Duration::minutes(5) {
        return Err("收到时间不能晚于现在".into());
    }
    if at < app.now() - chrono::Duration::days(366) {
        return Err("收到时间不能早于一年前".into());
    }
    Ok(at)
}

/// The checked fields of a tip-off.
struct Fields {
    service: String,
    content: String,
    township: Option<String>,
    village: Option<String>,
    project_id: Option<String>,
    occurred_on: Option<NaiveDate>,
    contact: Option<String>,
    contact_wish: String,
}

async fn fields(
    app: &App,
    county: &jianguan_store::entity::county::Model,
    input: &Intake,
    e: &mut FieldErrors,
) -> Result<Option<Fields>, AppError> {
    let service = match app.profile.tipoff.service(input.service.trim()) {
        Some(s) => s.code.clone(),
        None => {
            e.add("service", "请选择反映的问题类别");
            String::new()
        }
    };
    let content = e.required_text("content", "反映的问题", &input.content, 3000);
    if !content.is_empty() && content.chars().count() < 10 {
        e.add(
            "content",
            "请把问题说清楚一些（至少 10 个字）：什么事、在哪里、什么时候",
        );
    }
    let township = e.optional_text("township", "乡镇", Some(&input.township), 40);
    if let Some(t) = &township
        && !county.township_list().contains(t)
    {
        e.add("township", "请从列表中选择乡镇");
    }
    let village = e.optional_text("village", "村（社区）", Some(&input.village), 40);
    let project_id = match input.project_id.trim() {
        "" => None,
        id => {
            let p = scoped::one::<jianguan_store::entity::project::Entity>(
                app.store.reader(),
                &Scope::county(&county.code),
                id,
            )
            .await?;
            if p.is_none() {
                e.add("project_id", "所选项目不存在");
            }
            p.map(|p| p.id)
        }
    };
    let occurred_on = match input.occurred_on.trim() {
        "" => None,
        d => match jianguan_domain::dates::parse_date(d) {
            Ok(d) if d > app.today() => {
                e.add("occurred_on", "发生时间不能晚于今天");
                None
            }
            Ok(d) => Some(d),
            Err(m) => {
                e.add("occurred_on", format!("发生时间：{m}"));
                None
            }
        },
    };
    let name = e.optional_text("contact_name", "姓名", Some(&input.contact_name), 40);
    let phone = match input.contact_phone.trim() {
        "" => None,
        p => match jianguan_domain::text::phone(p) {
            Ok(p) => Some(p),
            Err(m) => {
                e.add("contact_phone", m);
                None
            }
        },
    };
    let contact = match (name, phone) {
        (None, None) => None,
        (n, p) => Some([n, p].into_iter().flatten().collect::<Vec<_>>().join(" ")),
    };
    let contact_wish = match (&contact, input.contact_wish.trim()) {
        (None, _) => "none",
        (Some(_), "no_call") => "no_call",
        (Some(_), _) => "reply",
    }
    .to_string();
    Ok(Some(Fields {
        service,
        content,
        township,
        village,
        project_id,
        occurred_on,
        contact,
        contact_wish,
    }))
}

async fn process_photos(
    app: &App,
    photos: Vec<(String, Vec<u8>)>,
    e: &mut FieldErrors,
) -> Result<Vec<Processed>, AppError> {
    let mut out = Vec::new();
    for (name, bytes) in photos {
        match evidence::process(app, &name, bytes).await {
            Ok(p) => out.push(p),
            Err(AppError::Validation(v)) => {
                for (f, m) in v.iter() {
                    e.add(f, format!("“{}”：{m}", evidence::safe_name(&name)));
                }
            }
            Err(other) => return Err(other),
        }
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn row(
    app: &App,
    county: &str,
    f: Fields,
    channel: Channel,
    at: DateTime<Utc>,
    code: &str,
    recorded_by: Option<String>,
    form_nonce: Option<String>,
) -> tipoff::Model {
    let now = app.now();
    let summary: String = f.content.chars().take(30).collect();
    tipoff::Model {
        id: new_id(),
        county_code: county.into(),
        channel: channel.code().into(),
        summary: summary.replace('\n', " "),
        content: f.content,
        subject: None,
        contact: f.contact,
        receipt_code: receipt_hash(&normalise_receipt(code).unwrap_or_default()),
        received_on: jianguan_domain::china_today(at),
        replied_on: None,
        reply: None,
        created_at: now,
        updated_at: now,
        voided_at: None,
        void_reason: None,
        state: Some(TipOffState::Received.code().into()),
        service: Some(f.service),
        township: f.township,
        village: f.village,
        project_id: f.project_id,
        occurred_on: f.occurred_on,
        received_at: Some(at),
        contact_wish: Some(f.contact_wish),
        assignee_id: None,
        due_on: None,
        decline_reason: None,
        handling: None,
        links: None,
        reply_draft: None,
        reply_by: None,
        review_note: None,
        reviewed_by: None,
        closed_on: None,
        follow_up: None,
        duplicate_of: None,
        recorded_by,
        form_nonce,
    }
}

/// Writes the tip-off (a form sent twice is refused inside the write: its nonce is
/// unique), then keeps its photos, and tells the county's staff.
async fn save(
    app: &App,
    actor: &Actor,
    t: tipoff::Model,
    code: &str,
    photos: Vec<Processed>,
) -> Result<Receipt, AppError> {
    let audit = entry(
        app,
        actor,
        &t.county_code,
        ("tipoff", &t.id),
        "create",
        None,
        Some(&t),
    )?;
    let mut tx = app.store.begin().await?;
    if let Some(n) = &t.form_nonce
        && tipoff::Entity::find()
            .filter(tipoff::Column::FormNonce.eq(n.as_str()))
            .one(tx.conn())
            .await?
            .is_some()
    {
        return Err(AppError::Conflict(
            "这份举报已经提交过了，请勿重复提交。回执码只在提交成功时显示一次。".into(),
        ));
    }
    tx.insert(t.clone()).await?;
    tx.record(audit).await?;
    crate::notify::notify(
        app,
        &tx,
        &t.county_code,
        crate::notify::is_staff,
        "收到新的举报".into(),
        format!("{}：{}", super::channel_label(&t), t.summary),
        format!("/tipoffs/{}", t.id),
    )
    .await?;
    tx.commit().await?;
    for p in photos {
        evidence::store_processed(app, actor, "tipoff", &t, p).await?;
    }
    crate::docket::refresh_after_change(app, &t.county_code).await?;
    Ok(Receipt {
        code: code.to_string(),
        tipoff: t,
    })
}

/// Looks a receipt code up for anyone holding it, counted per address. A code that is
/// malformed and one that does not exist get the same answer.
pub async fn lookup(app: &App, ip: &str, typed: &str) -> Result<Option<PublicCase>, AppError> {
    guard::count_attempt(app, ip, "lookup", app.public.limits.lookups).await?;
    let Some(code) = normalise_receipt(typed) else {
        return Ok(None);
    };
    let Some(t) = tipoff::Entity::find()
        .filter(tipoff::Column::ReceiptCode.eq(receipt_hash(&code)))
        .filter(tipoff::Column::VoidedAt.is_null())
        .one(app.store.reader())
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(public_case(app, &t)))
}

/// What the public may know of a tip-off.
pub fn public_case(app: &App, t: &tipoff::Model) -> PublicCase {
    let s = super::state(t);
    let done = s.is_final();
    PublicCase {
        state: s.public_label().into(),
        state_code: s.code().into(),
        received_on: t.received_on,
        closed_on: if done {
            t.closed_on.or(t.replied_on)
        } else {
            None
        },
        reply: if done { t.reply.clone() } else { None },
        service: t
            .service
            .as_deref()
            .and_then(|c| app.profile.tipoff.service(c))
            .map(|s| s.name.clone()),
    }
}
