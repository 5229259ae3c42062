//! Open311 GeoReport v2 over the tip-off intake (docs/open311.md): the kinds of problem as
//! services, a partner system filing a tip-off with a key the county issued, and anyone
//! following requests — with the public fields only: the kind, the state, the dates, the
//! township and the approved reply; never what was reported or by whom.

use crate::audit::entry;
use crate::secrets::{new_id, random_token, sha256_hex};
use crate::tipoffs::{self, Intake, Receipt};
use crate::{Actor, App, AppError, Role};
use chrono::{DateTime, Utc};
use jianguan_domain::FieldErrors;
use jianguan_store::entity::{partner_key, tipoff};
use jianguan_store::sea::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// Tip-offs one partner key may file per hour.
pub const PARTNER_LIMIT: u64 = 200;
/// Requests one list answers at most (the spec's own default window is 90 days).
pub const LIST_LIMIT: u64 = 1000;

/// Issues a key to a partner system of `county`: by the county's administrator, or by the
/// machine's operator from the command line (`actor` None). The key is shown once.
pub async fn issue_key(
    app: &App,
    actor: Option<&Actor>,
    county: &str,
    name: &str,
) -> Result<(String, partner_key::Model), AppError> {
    if let Some(a) = actor {
        if a.role != Role::Admin {
            return Err(AppError::Forbidden);
        }
        a.check_county(county)?;
    }
    jianguan_store::queries::county(app.store.reader(), county)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut e = FieldErrors::new();
    let name = e.required_text("name", "对接系统名称", name, 60);
    if !e.is_empty() {
        return Err(AppError::Validation(e));
    }
    let key = random_token("o311_")?;
    let operator = Actor {
        user_id: "operator".into(),
        username: "operator".into(),
        display_name: "系统运维（命令行）".into(),
        role: Role::Admin,
        county_code: None,
        enterprise_id: None,
    };
    let by = actor.unwrap_or(&operator);
    let row = partner_key::Model {
        id: new_id(),
        county_code: county.into(),
        name,
        key_hash: sha256_hex(&key),
        created_by: by.audit_name(),
        created_at: app.now(),
        revoked_at: None,
    };
    let audit = entry(
        app,
        by,
        county,
        ("partner_key", &row.id),
        "create",
        None,
        Some(&row),
    )?;
    crate::audit::insert_audited(app, audit, row.clone()).await?;
    Ok((key, row))
}

/// The live key presented, if any.
pub async fn partner(app: &App, key: &str) -> Result<Option<partner_key::Model>, AppError> {
    if key.trim().is_empty() {
        return Ok(None);
    }
    Ok(partner_key::Entity::find()
        .filter(partner_key::Column::KeyHash.eq(sha256_hex(key.trim())))
        .filter(partner_key::Column::RevokedAt.is_null())
        .one(app.store.reader())
        .await?)
}

/// A tip-off filed by a partner, counted against the key's hourly limit.
pub async fn submit(
    app: &App,
    key: &partner_key::Model,
    input: &Intake,
) -> Result<Receipt, AppError> {
    tipoffs::guard::count_attempt(
        app,
        &format!("partner:{}", key.id),
        "open311",
        PARTNER_LIMIT,
    )
    .await?;
    tipoffs::submit_partner(app, &key.county_code, &key.name, input).await
}

/// A service request as Open311 shows it: the public fields only.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ServiceRequest {
    pub service_request_id: String,
    /// `open` or `closed`.
    pub status: &'static str,
    /// Where the handling stands, and the approved reply once finished.
    pub status_notes: String,
    pub service_name: Option<String>,
    pub service_code: Option<String>,
    pub agency_responsible: String,
    pub requested_datetime: String,
    pub updated_datetime: String,
    /// When a reply is due.
    pub expected_datetime: String,
    /// The township, when given.
    pub address: Option<String>,
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.with_timezone(&jianguan_domain::dates::china_offset())
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

pub fn view(app: &App, t: &tipoff::Model) -> ServiceRequest {
    let public = tipoffs::public_case(app, t);
    let due = t
        .received_on
        .checked_add_days(chrono::Days::new(u64::from(
            app.profile.thresholds.tipoff_reply_days,
        )))
        .unwrap_or(t.received_on);
    let start = |d: chrono::NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .map(|x| x.and_utc() - chrono::Duration::hours(8))
            .unwrap_or_default()
    };
    ServiceRequest {
        service_request_id: t.id.clone(),
        status: if tipoffs::state(t).is_final() {
            "closed"
        } else {
            "open"
        },
        status_notes: match &public.reply {
            Some(r) => format!("{}：{r}", public.state),
            None => public.state.clone(),
        },
        service_name: public.service.clone(),
        service_code: t.service.clone(),
        agency_responsible: app.profile.authority.clone(),
        requested_datetime: rfc3339(t.received_at.unwrap_or_else(|| start(t.received_on))),
        updated_datetime: rfc3339(t.updated_at),
        expected_datetime: rfc3339(start(due)),
        address: t.township.clone(),
    }
}

/// Which requests a list answers (the spec's query parameters).
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    pub ids: Vec<String>,
    pub service_code: Option<String>,
    pub status: Option<String>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
}

/// The county's requests, newest first: by default those of the last 90 days.
pub async fn requests(
    app: &App,
    county: &str,
    f: &RequestFilter,
) -> Result<Vec<ServiceRequest>, AppError> {
    let mut q = tipoff::Entity::find()
        .filter(tipoff::Column::CountyCode.eq(county))
        .filter(tipoff::Column::VoidedAt.is_null());
    if !f.ids.is_empty() {
        q = q.filter(tipoff::Column::Id.is_in(f.ids.clone()));
    } else {
        let end = f.end.unwrap_or_else(|| app.now());
        let start = f.start.unwrap_or(end - chrono::Duration::days(90));
        q = q
            .filter(tipoff::Column::CreatedAt.gte(start))
            .filter(tipoff::Column::CreatedAt.lte(end));
    }
    if let Some(s) = &f.service_code {
        q = q.filter(tipoff::Column::Service.eq(s.as_str()));
    }
    let rows = q
        .order_by_desc(tipoff::Column::CreatedAt)
        .limit(LIST_LIMIT)
        .all(app.store.reader())
        .await?;
    Ok(rows
        .iter()
        .map(|t| view(app, t))
        .filter(|r| f.status.as_deref().is_none_or(|s| s == r.status))
        .collect())
}
