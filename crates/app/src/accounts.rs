//! Accounts: passwords (argon2id), browser sessions, API tokens, login throttling, users.

use crate::secrets::{new_id, random_token, sha256_hex};
use crate::{Actor, App, AppError, Permission};
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use jianguan_domain::{CountyCode, FieldErrors, Role};
use jianguan_store::entity::{api_token, login_attempt, session, user};
use jianguan_store::sea::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use jianguan_store::{AuditEntry, queries, rows};
use serde::Serialize;
use std::sync::OnceLock;

pub const MIN_PASSWORD_CHARS: usize = 8;

pub fn hash_password(password: &str) -> Result<String, AppError> {
    let h: PasswordHash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| AppError::bug(format!("password hash: {e}")))?;
    Ok(h.to_string())
}

pub fn verify_password(stored: &str, password: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

fn check_new_password(errors: &mut FieldErrors, field: &str, password: &str) {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        errors.add(field, format!("密码至少 {MIN_PASSWORD_CHARS} 位"));
    } else if password.len() > 256 {
        errors.add(field, "密码过长");
    }
}

/// A user as shown and audited: never the password hash.
#[derive(Debug, Clone, Serialize)]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub county_code: Option<String>,
    pub enterprise_id: Option<String>,
    pub disabled: bool,
}

impl From<&user::Model> for UserView {
    fn from(u: &user::Model) -> Self {
        Self {
            id: u.id.clone(),
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role.clone(),
            county_code: u.county_code.clone(),
            enterprise_id: u.enterprise_id.clone(),
            disabled: u.disabled,
        }
    }
}

fn audit(
    app: &App,
    actor: Option<&Actor>,
    county: Option<String>,
    entity: &str,
    id: &str,
    action: &str,
) -> AuditEntry {
    AuditEntry {
        at: app.now(),
        actor_id: actor.map(|a| a.user_id.clone()),
        actor_name: actor
            .map(Actor::audit_name)
            .unwrap_or_else(|| "系统".into()),
        county_code: county,
        entity: entity.into(),
        entity_id: id.into(),
        action: action.into(),
        before: None,
        after: None,
    }
}

/// A new browser session: the cookie value (secret) and its CSRF token.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub cookie: String,
    pub csrf: String,
    pub actor: Actor,
}

/// A valid session's holder and CSRF token.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub actor: Actor,
    pub csrf: String,
}

/// A hash of no one's password, verified against when the user does not exist, so that a
/// login takes as long whether or not the name is known.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password("no-such-user-password").unwrap_or_default())
}

/// How long the caller must wait before trying `username` from `ip` again, if at all. A
/// failure counts towards three limits: the name from this address, the address for any
/// name, and the name from anywhere. Past a limit, each further failure doubles the wait;
/// refused attempts are not counted, so hammering does not lengthen it.
async fn wait_before_login(
    app: &App,
    username: &str,
    ip: &str,
) -> Result<Option<chrono::Duration>, AppError> {
    use jianguan_store::sea::{QueryOrder, QuerySelect};
    let s = &app.settings;
    let now = app.now();
    let db = app.store.housekeeping();
    let failures = |by_name: bool, by_ip: bool| {
        let mut q = login_attempt::Entity::find()
            .filter(login_attempt::Column::Succeeded.eq(false))
            .filter(login_attempt::Column::At.gt(now - s.throttle_window));
        if by_name {
            q = q.filter(login_attempt::Column::Username.eq(username));
        }
        if by_ip {
            q = q.filter(login_attempt::Column::Ip.eq(ip));
        }
        q
    };
    let mut wait = chrono::Duration::zero();
    for (by_name, by_ip, limit, cap) in [
        (true, true, s.throttle_failures, s.throttle_max_delay),
        (
            false,
            true,
            s.throttle_address_failures,
            s.throttle_max_delay,
        ),
        (
            true,
            false,
            s.throttle_name_failures,
            s.throttle_name_max_delay,
        ),
    ] {
        let n = failures(by_name, by_ip).count(db).await?;
        if n < limit {
            continue;
        }
        let last = failures(by_name, by_ip)
            .order_by_desc(login_attempt::Column::At)
            .limit(1)
            .one(db)
            .await?
            .map_or(now, |a| a.at);
        let doubling = (n - limit).min(20) as u32;
        let delay = chrono::Duration::seconds(1i64 << doubling).min(cap);
        wait = wait.max(last + delay - now);
    }
    Ok((wait > chrono::Duration::zero()).then_some(wait))
}

pub async fn login(
    app: &App,
    username: &str,
    password: &str,
    ip: &str,
) -> Result<NewSession, AppError> {
    let username: String = username.trim().chars().take(100).collect();
    let username = username.as_str();
    let now = app.now();
    let db = app.store.housekeeping();
    if let Some(wait) = wait_before_login(app, username, ip).await? {
        return Err(AppError::Throttled {
            seconds: wait.num_seconds().max(1),
        });
    }
    let user = queries::user_by_username(app.store.reader(), username).await?;
    let ok = match &user {
        Some(u) => verify_password(&u.password_hash, password) && !u.disabled,
        None => {
            verify_password(dummy_hash(), password);
            false
        }
    };
    rows::insert(
        db,
        login_attempt::ActiveModel {
            username: Set(username.to_string()),
            ip: Set(ip.to_string()),
            succeeded: Set(ok),
            at: Set(now),
            ..Default::default()
        },
    )
    .await?;
    let user = match user {
        Some(u) if ok => u,
        _ => return Err(AppError::BadCredentials),
    };
    let actor = Actor::from_user(&user)?;
    let cookie = random_token("s_")?;
    let csrf = random_token("")?;
    let mut tx = app.store.begin().await?;
    rows::insert(
        tx.conn(),
        session::Model {
            token_hash: sha256_hex(&cookie),
            user_id: user.id.clone(),
            csrf_token: csrf.clone(),
            created_at: now,
            last_seen_at: now,
        },
    )
    .await?;
    tx.record(audit(
        app,
        Some(&actor),
        user.county_code.clone(),
        "user",
        &user.id,
        "login",
    ))
    .await?;
    tx.commit().await?;
    Ok(NewSession {
        cookie,
        csrf,
        actor,
    })
}

/// Looks up a session by its cookie; ends it when idle or too old.
pub async fn session(app: &App, cookie: &str) -> Result<Option<SessionInfo>, AppError> {
    let db = app.store.housekeeping();
    let key = sha256_hex(cookie);
    let Some((s, user)) = queries::credential_with_user::<session::Entity>(
        app.store.reader(),
        session::Column::TokenHash,
        &key,
        session::Column::UserId,
    )
    .await?
    else {
        return Ok(None);
    };
    let now = app.now();
    let expired = now - s.last_seen_at > app.settings.session_idle
        || now - s.created_at > app.settings.session_absolute;
    let user = match user {
        Some(u) if !expired && !u.disabled && s.created_at >= u.password_changed_at => u,
        _ => {
            session::Entity::delete_by_id(key).exec(db).await?;
            return Ok(None);
        }
    };
    // Touch at most once a minute: sessions should not turn every page view into a write.
    if now - s.last_seen_at > chrono::Duration::seconds(60) {
        let mut am = s.clone().into_active_model();
        am.last_seen_at = Set(now);
        am.update(db).await?;
    }
    Ok(Some(SessionInfo {
        actor: Actor::from_user(&user)?,
        csrf: s.csrf_token,
    }))
}

pub async fn logout(app: &App, cookie: &str) -> Result<(), AppError> {
    let key = sha256_hex(cookie);
    let Some(s) = session::Entity::find_by_id(key.clone())
        .one(app.store.reader())
        .await?
    else {
        return Ok(());
    };
    let user = queries::user_by_id(app.store.reader(), &s.user_id).await?;
    let mut tx = app.store.begin().await?;
    session::Entity::delete_by_id(key).exec(tx.conn()).await?;
    let actor = user.as_ref().map(Actor::from_user).transpose()?;
    tx.record(audit(
        app,
        actor.as_ref(),
        user.and_then(|u| u.county_code),
        "user",
        &s.user_id,
        "logout",
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn end_all_sessions(
    conn: &impl jianguan_store::sea::ConnectionTrait,
    user_id: &str,
) -> Result<(), AppError> {
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// A token for a machine client, valid for `days` (the default when None, at most the
/// maximum). The returned secret is shown once; only its hash is kept.
pub async fn create_api_token(
    app: &App,
    actor: &Actor,
    name: &str,
    days: Option<i64>,
) -> Result<NewToken, AppError> {
    let mut e = FieldErrors::new();
    let name = e.required_text("name", "令牌用途", name, 50);
    let (default, max) = (app.settings.token_days_default, app.settings.token_days_max);
    let days = days.unwrap_or(default);
    if !(1..=max).contains(&days) {
        e.add("days", format!("有效期应为 1 至 {max} 天"));
    }
    if !e.is_empty() {
        return Err(e.into());
    }
    let token = random_token("jg_")?;
    let now = app.now();
    let row = api_token::Model {
        id: new_id(),
        user_id: actor.user_id.clone(),
        name: name.clone(),
        token_hash: sha256_hex(&token),
        created_at: now,
        last_used_at: None,
        revoked_at: None,
        expires_at: Some(now + chrono::Duration::days(days)),
    };
    let view = TokenView::from(&row);
    let mut tx = app.store.begin().await?;
    tx.insert(row).await?;
    let mut entry = audit(
        app,
        Some(actor),
        actor.county_code.clone(),
        "api_token",
        &view.id,
        "create",
    );
    entry.after = Some(serde_json::to_value(&view)?);
    tx.record(entry).await?;
    tx.commit().await?;
    Ok(NewToken {
        token: view,
        secret: token,
    })
}

/// A token just made: the secret, shown this once.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub token: TokenView,
    pub secret: String,
}

/// A token as its owner and the administrator see it: never its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenView {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A token without an expiry (made before tokens expired) lasts a year from its making.
fn expiry(t: &api_token::Model) -> chrono::DateTime<chrono::Utc> {
    t.expires_at
        .unwrap_or(t.created_at + chrono::Duration::days(366))
}

impl From<&api_token::Model> for TokenView {
    fn from(t: &api_token::Model) -> Self {
        TokenView {
            id: t.id.clone(),
            user_id: t.user_id.clone(),
            name: t.name.clone(),
            created_at: t.created_at,
            expires_at: expiry(t),
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        }
    }
}

pub async fn token_actor(app: &App, token: &str) -> Result<Option<Actor>, AppError> {
    let Some((t, user)) = queries::credential_with_user::<api_token::Entity>(
        app.store.reader(),
        api_token::Column::TokenHash,
        &sha256_hex(token),
        api_token::Column::UserId,
    )
    .await?
    else {
        return Ok(None);
    };
    let now = app.now();
    if t.revoked_at.is_some() || expiry(&t) <= now {
        return Ok(None);
    }
    match user {
        Some(u) if !u.disabled && t.created_at >= u.password_changed_at => {
            if t.last_used_at
                .is_none_or(|at| now - at > chrono::Duration::seconds(60))
            {
                // Bookkeeping, not a change an audit needs (the column is not sealed).
                let mut am = t.into_active_model();
                am.last_used_at = Set(Some(now));
                am.update(app.store.housekeeping()).await?;
            }
            Ok(Some(Actor::from_user(&u)?))
        }
        _ => Ok(None),
    }
}

/// The user whose tokens (or lockout) `actor` may manage: themselves, or a user of their
/// county for an administrator; anyone for the machine's operator (`actor` None).
async fn managed_user(
    app: &App,
    actor: Option<&Actor>,
    user_id: &str,
) -> Result<user::Model, AppError> {
    let u = queries::user_by_id(app.store.reader(), user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(actor) = actor else {
        return Ok(u);
    };
    if u.id == actor.user_id {
        return Ok(u);
    }
    if actor.role != Role::Admin {
        return Err(AppError::NotFound);
    }
    match &actor.county_code {
        Some(c) if u.county_code.as_deref() != Some(c) => Err(AppError::NotFound),
        _ => Ok(u),
    }
}

/// A user's tokens, newest first, with their last use.
pub async fn tokens(
    app: &App,
    actor: Option<&Actor>,
    user_id: &str,
) -> Result<Vec<TokenView>, AppError> {
    use jianguan_store::sea::QueryOrder;
    let u = managed_user(app, actor, user_id).await?;
    Ok(api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(u.id.as_str()))
        .order_by_desc(api_token::Column::CreatedAt)
        .all(app.store.reader())
        .await?
        .iter()
        .map(TokenView::from)
        .collect())
}

/// Revokes a token of the actor's own, or (administrators) of a user of their county.
pub async fn revoke_token(
    app: &App,
    actor: Option<&Actor>,
    token_id: &str,
) -> Result<TokenView, AppError> {
    let t = api_token::Entity::find_by_id(token_id.to_string())
        .one(app.store.reader())
        .await?
        .ok_or(AppError::NotFound)?;
    let u = managed_user(app, actor, &t.user_id).await?;
    if t.revoked_at.is_some() {
        return Err(AppError::Conflict("该令牌已撤销".into()));
    }
    let after = api_token::Model {
        revoked_at: Some(app.now()),
        ..t.clone()
    };
    let mut tx = app.store.begin().await?;
    tx.replace(&t, after.clone()).await?;
    let mut entry = audit(
        app,
        actor,
        u.county_code.clone(),
        "api_token",
        &t.id,
        "revoke",
    );
    entry.before = Some(serde_json::to_value(TokenView::from(&t))?);
    entry.after = Some(serde_json::to_value(TokenView::from(&after))?);
    tx.record(entry).await?;
    tx.commit().await?;
    Ok(TokenView::from(&after))
}

/// Revokes every live token of a user inside `tx` (password changed, user disabled): a
/// token must not outlive the trust it was made under.
async fn revoke_all_tokens(
    app: &App,
    tx: &mut jianguan_store::WriteTx,
    user_id: &str,
) -> Result<usize, AppError> {
    let live = api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .all(tx.conn())
        .await?;
    let n = live.len();
    for t in live {
        let after = api_token::Model {
            revoked_at: Some(app.now()),
            ..t.clone()
        };
        tx.replace(&t, after).await?;
    }
    Ok(n)
}

/// Lifts the login delay on a user name (its failures are forgotten). Administrators (and
/// the machine's operator, `actor` None) only.
pub async fn unlock(app: &App, actor: Option<&Actor>, user_id: &str) -> Result<u64, AppError> {
    if let Some(a) = actor {
        a.require(Permission::Administer)?;
    }
    let u = managed_user(app, actor, user_id).await?;
    let mut tx = app.store.begin().await?;
    let cleared = login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::Username.eq(u.username.as_str()))
        .filter(login_attempt::Column::Succeeded.eq(false))
        .exec(tx.conn())
        .await?
        .rows_affected;
    let mut entry = audit(app, actor, u.county_code.clone(), "user", &u.id, "unlock");
    entry.after = Some(serde_json::json!({ "failures_cleared": cleared }));
    tx.record(entry).await?;
    tx.commit().await?;
    Ok(cleared)
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub county_code: Option<String>,
    pub enterprise_id: Option<String>,
    pub password: String,
}

/// Creates a user. `actor` None is the command line (the operator of the machine).
pub async fn create_user(
    app: &App,
    actor: Option<&Actor>,
    input: &NewUser,
) -> Result<UserView, AppError> {
    if let Some(a) = actor {
        a.require(Permission::Administer)?;
    }
    let mut e = FieldErrors::new();
    let username = e.required_text("username", "用户名", &input.username, 32);
    if !username.is_empty()
        && !username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        e.add("username", "用户名只能用英文字母、数字和 _ - .");
    }
    let display_name = e.required_text("display_name", "姓名", &input.display_name, 50);
    let role = Role::parse(input.role.trim());
    if role.is_none() {
        e.add("role", "请选择角色");
    }
    check_new_password(&mut e, "password", &input.password);
    let county = input
        .county_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if let Some(c) = county
        && (CountyCode::parse(c).is_err()
            || queries::county(app.store.reader(), c).await?.is_none())
    {
        e.add("county_code", "所属县不存在");
    }
    if let (Some(a), Some(c)) = (actor, county)
        && a.county_code.as_deref().is_some_and(|own| own != c)
    {
        e.add("county_code", "只能为本县创建用户");
    }
    if role.is_some_and(|r| r != Role::Admin) && county.is_none() {
        e.add("county_code", "除管理员外，用户必须属于一个县");
    }
    let enterprise = input
        .enterprise_id
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    match (role, enterprise) {
        (Some(Role::Contractor), None) => e.add("enterprise_id", "承办企业用户必须关联一个企业"),
        (Some(Role::Contractor), Some(eid)) => {
            let scope = jianguan_store::Scope {
                county: county.map(str::to_string),
                enterprise: None,
            };
            if queries::enterprise(app.store.reader(), &scope, eid)
                .await?
                .is_none()
            {
                e.add("enterprise_id", "关联的企业不存在或不属于该县");
            }
        }
        (Some(_), Some(_)) => e.add("enterprise_id", "只有承办企业用户才关联企业"),
        _ => {}
    }
    if queries::user_by_username(app.store.reader(), &username)
        .await?
        .is_some()
    {
        e.add("username", "该用户名已被使用");
    }
    let role = match role {
        Some(r) if e.is_empty() => r,
        _ => return Err(e.into()),
    };
    let now = app.now();
    let model = user::Model {
        id: new_id(),
        username,
        display_name,
        role: role.code().into(),
        county_code: county.map(str::to_string),
        enterprise_id: enterprise.map(str::to_string),
        password_hash: hash_password(&input.password)?,
        disabled: false,
        password_changed_at: now,
        created_at: now,
        updated_at: now,
    };
    let view = UserView::from(&model);
    let mut tx = app.store.begin().await?;
    tx.insert(model).await?;
    let mut entry = audit(
        app,
        actor,
        view.county_code.clone(),
        "user",
        &view.id,
        "create",
    );
    entry.after = Some(serde_json::to_value(&view)?);
    tx.record(entry).await?;
    tx.commit().await?;
    Ok(view)
}

impl From<serde_json::Error> for AppError {
    fn from(e: serde_json::Error) -> Self {
        AppError::caused("JSON", e)
    }
}

/// Changes the actor's own password and ends every session of theirs.
pub async fn change_password(
    app: &App,
    actor: &Actor,
    old: &str,
    new: &str,
) -> Result<(), AppError> {
    let user = queries::user_by_id(app.store.reader(), &actor.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut e = FieldErrors::new();
    if !verify_password(&user.password_hash, old) {
        e.add("old_password", "原密码不正确");
    }
    check_new_password(&mut e, "new_password", new);
    if old == new {
        e.add("new_password", "新密码不能与原密码相同");
    }
    if !e.is_empty() {
        return Err(e.into());
    }
    set_password(app, Some(actor), user, new, "change_password").await
}

async fn set_password(
    app: &App,
    actor: Option<&Actor>,
    user: user::Model,
    new: &str,
    action: &str,
) -> Result<(), AppError> {
    let now = app.now();
    let after = user::Model {
        password_hash: hash_password(new)?,
        password_changed_at: now,
        updated_at: now,
        ..user.clone()
    };
    let mut tx = app.store.begin().await?;
    tx.replace(&user, after).await?;
    end_all_sessions(tx.conn(), &user.id).await?;
    revoke_all_tokens(app, &mut tx, &user.id).await?;
    tx.record(audit(
        app,
        actor,
        user.county_code.clone(),
        "user",
        &user.id,
        action,
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Disables or re-enables a user; disabling ends their sessions at once.
pub async fn set_disabled(
    app: &App,
    actor: &Actor,
    user_id: &str,
    disabled: bool,
) -> Result<UserView, AppError> {
    actor.require(Permission::Administer)?;
    let scope = jianguan_store::Scope {
        county: actor.county_code.clone(),
        enterprise: None,
    };
    let user = queries::users(app.store.reader(), &scope)
        .await?
        .into_iter()
        .find(|u| u.id == user_id)
        .ok_or(AppError::NotFound)?;
    if user.id == actor.user_id {
        return Err(AppError::Conflict("不能停用自己的账号".into()));
    }
    // A second click (or a stale page) changes nothing and says why.
    if user.disabled == disabled {
        return Err(AppError::Conflict(
            if disabled {
                "该用户已停用"
            } else {
                "该用户已是正常状态"
            }
            .into(),
        ));
    }
    let before = UserView::from(&user);
    let updated = user::Model {
        disabled,
        updated_at: app.now(),
        ..user.clone()
    };
    let mut tx = app.store.begin().await?;
    tx.replace(&user, updated.clone()).await?;
    if disabled {
        end_all_sessions(tx.conn(), &user.id).await?;
        revoke_all_tokens(app, &mut tx, &user.id).await?;
    }
    let after = UserView::from(&updated);
    let mut entry = audit(
        app,
        Some(actor),
        user.county_code.clone(),
        "user",
        &user.id,
        if disabled { "disable" } else { "enable" },
    );
    entry.before = Some(serde_json::to_value(&before)?);
    entry.after = Some(serde_json::to_value(&after)?);
    tx.record(entry).await?;
    tx.commit().await?;
    Ok(after)
}

/// Used by the CLI to reset a forgotten password.
pub async fn reset_password(app: &App, username: &str, new: &str) -> Result<(), AppError> {
    let user = queries::user_by_username(app.store.reader(), username)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut e = FieldErrors::new();
    check_new_password(&mut e, "password", new);
    if !e.is_empty() {
        return Err(e.into());
    }
    set_password(app, None, user, new, "reset_password").await
}

/// The administrator sets a new password for a user of the county who forgot theirs: the
/// user's sessions end and tokens are revoked, as when they change it themselves.
pub async fn admin_reset_password(
    app: &App,
    actor: &Actor,
    user_id: &str,
    new: &str,
) -> Result<(), AppError> {
    actor.require(Permission::Administer)?;
    let user = managed_user(app, Some(actor), user_id).await?;
    if user.id == actor.user_id {
        return Err(AppError::Conflict(
            "请在“我的账号”中修改自己的密码（需要原密码）".into(),
        ));
    }
    let mut e = FieldErrors::new();
    check_new_password(&mut e, "password", new);
    if !e.is_empty() {
        return Err(e.into());
    }
    set_password(app, Some(actor), user, new, "reset_password").await
}

/// One user of the actor's county (or the actor), for the administrator's page about them.
pub async fn managed(app: &App, actor: &Actor, user_id: &str) -> Result<UserView, AppError> {
    actor.require(Permission::Administer)?;
    Ok(UserView::from(
        &managed_user(app, Some(actor), user_id).await?,
    ))
}

/// Removes sessions past their absolute lifetime and login attempts older than 90 days:
/// bookkeeping, not records an audit needs (logins and logouts are in the audit chain).
pub async fn prune(app: &App) -> Result<u64, AppError> {
    let now = app.now();
    let db = app.store.housekeeping();
    let sessions = session::Entity::delete_many()
        .filter(session::Column::CreatedAt.lt(now - app.settings.session_absolute))
        .exec(db)
        .await?
        .rows_affected;
    let attempts = login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::At.lt(now - chrono::Duration::days(90)))
        .exec(db)
        .await?
        .rows_affected;
    Ok(sessions + attempts)
}
