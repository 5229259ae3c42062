//! What keeps robots off the public form without a service on the internet: a form token
//! the server signed (so the time it was opened cannot be faked, and each form is sent
//! once), a minimum time to fill it in, a hidden field only robots fill, a small
//! proof-of-work the page's own script does, and a limit per client address — stricter
//! for a form sent without the proof-of-work, so a person without JavaScript can still
//! report while a robot cannot flood.

use crate::{App, AppError};
use chrono::{DateTime, Duration, Utc};
use jianguan_domain::FieldErrors;
use jianguan_store::entity::public_attempt;
use jianguan_store::sea::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

/// The limits of the public side, per client address.
#[derive(Debug, Clone)]
pub struct PublicLimits {
    /// A form sent sooner than this after it was opened is a robot's.
    pub min_fill: Duration,
    /// A form older than this is stale (the page is opened again).
    pub max_age: Duration,
    /// Tip-offs per address per window, with the proof-of-work done …
    pub tipoffs: u64,
    /// … and without it (no JavaScript): fewer.
    pub tipoffs_without_proof: u64,
    /// Receipt lookups per address per window.
    pub lookups: u64,
    pub window: Duration,
    /// Leading zero bits the proof-of-work's hash must have.
    pub proof_bits: u32,
}

impl Default for PublicLimits {
    fn default() -> Self {
        PublicLimits {
            min_fill: Duration::seconds(3),
            max_age: Duration::hours(6),
            tipoffs: 5,
            tipoffs_without_proof: 2,
            lookups: 20,
            window: Duration::hours(1),
            proof_bits: 16,
        }
    }
}

/// What the form carries besides the tip-off itself.
#[derive(Debug, Clone, Default)]
pub struct Sent {
    /// The signed token the page was given (`form_token`).
    pub token: String,
    /// The proof-of-work's nonce (`proof`), absent without JavaScript.
    pub proof: Option<String>,
    /// The hidden field a person never sees (`website`).
    pub honeypot: String,
}

/// A checked form token: when the form was opened, and its nonce (each form is sent once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormToken {
    pub issued: DateTime<Utc>,
    pub nonce: String,
}

/// The key form tokens are signed with: derived from the audit key where there is one (so
/// every app server of a deployment accepts another's forms), else this process's own.
fn key(app: &App) -> [u8; 32] {
    match &app.audit_key {
        Some(k) => {
            let mut h = Sha256::new();
            h.update(b"jianguan form token\0");
            h.update(k.to_bytes());
            h.finalize().into()
        }
        None => app.public.form_secret,
    }
}

/// HMAC-SHA-256 (RFC 2104).
fn hmac(key: &[u8; 32], msg: &[u8]) -> [u8; 32] {
    let mut inner = Sha256::new();
    let mut outer = Sha256::new();
    let mut ipad = [0x36u8; 64];
    let mut opad = [0x5cu8; 64];
    for (i, b) in key.iter().enumerate() {
        ipad[i] ^= b;
        opad[i] ^= b;
    }
    inner.update(ipad);
    inner.update(msg);
    outer.update(opad);
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// A new form token: `v1.<unix seconds>.<nonce>.<signature>`.
pub fn issue(app: &App) -> Result<String, AppError> {
    let mut nonce = [0u8; 16];
    getrandom::fill(&mut nonce).map_err(|e| AppError::bug(format!("no randomness: {e}")))?;
    let body = format!("v1.{}.{}", app.now().timestamp(), hex::encode(nonce));
    let mac = hmac(&key(app), body.as_bytes());
    Ok(format!("{body}.{}", hex::encode(mac)))
}

/// Reads a token back: signed by us, not too fresh, not too old.
pub fn check_token(app: &App, token: &str, e: &mut FieldErrors) -> Option<FormToken> {
    const STALE: &str = "页面已过期，请刷新页面后重新提交（已填写的内容会保留）";
    let parts: Vec<&str> = token.trim().split('.').collect();
    let [v, at, nonce, mac] = parts.as_slice() else {
        e.add("form", STALE);
        return None;
    };
    let body = format!("{v}.{at}.{nonce}");
    let expected = hex::encode(hmac(&key(app), body.as_bytes()));
    if *v != "v1" || !crate::secrets::constant_time_eq(mac, &expected) {
        e.add("form", STALE);
        return None;
    }
    let issued = at
        .parse::<i64>()
        .ok()
        .and_then(|s| DateTime::<Utc>::from_timestamp(s, 0))?;
    let age = app.now() - issued;
    let limits = &app.public.limits;
    if age > limits.max_age {
        e.add("form", STALE);
        return None;
    }
    if age < limits.min_fill {
        e.add("form", "提交太快了：请核对填写的内容，几秒钟后再提交");
        return None;
    }
    Some(FormToken {
        issued,
        nonce: (*nonce).to_string(),
    })
}

/// Whether `sha256(token ":" proof)` starts with `bits` zero bits.
pub fn proof_ok(token: &str, proof: &str, bits: u32) -> bool {
    if proof.is_empty() || proof.len() > 20 || !proof.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let h = Sha256::digest(format!("{token}:{proof}").as_bytes());
    let mut zeros = 0;
    for b in h {
        zeros += b.leading_zeros();
        if b != 0 {
            break;
        }
    }
    zeros >= bits
}

/// Counts an attempt of `action` from `ip` and refuses it when the address is over
/// `limit` in the window. The attempt is written first and then counted with those before
/// it, so two at once can never both slip under the limit.
pub async fn count_attempt(
    app: &App,
    ip: &str,
    action: &'static str,
    limit: u64,
) -> Result<(), AppError> {
    let db = app.store.housekeeping();
    let now = app.now();
    let mine = public_attempt::ActiveModel {
        ip: Set(ip.to_string()),
        action: Set(action.to_string()),
        at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let window = app.public.limits.window;
    let earlier = public_attempt::Entity::find()
        .filter(public_attempt::Column::Ip.eq(ip))
        .filter(public_attempt::Column::Action.eq(action))
        .filter(public_attempt::Column::At.gt(now - window))
        .filter(public_attempt::Column::Id.lte(mine.id))
        .all(db)
        .await?;
    if earlier.len() as u64 > limit {
        let oldest = earlier.iter().map(|a| a.at).min().unwrap_or(now);
        let wait = (oldest + window - now).num_seconds().max(1);
        crate::metrics::global().rejected("public", action);
        return Err(AppError::Throttled { seconds: wait });
    }
    Ok(())
}

/// How many attempts from `ip` of `action` are in the window (for the stricter limit of a
/// form sent without the proof-of-work, which counts every tip-off of the address).
pub async fn attempts(app: &App, ip: &str, action: &str) -> Result<u64, AppError> {
    use jianguan_store::sea::PaginatorTrait;
    Ok(public_attempt::Entity::find()
        .filter(public_attempt::Column::Ip.eq(ip))
        .filter(public_attempt::Column::Action.eq(action))
        .filter(public_attempt::Column::At.gt(app.now() - app.public.limits.window))
        .count(app.store.housekeeping())
        .await?)
}

/// Forgets attempts older than a day (run daily).
pub async fn prune(app: &App) -> Result<u64, AppError> {
    Ok(public_attempt::Entity::delete_many()
        .filter(public_attempt::Column::At.lt(app.now() - Duration::days(1)))
        .exec(app.store.housekeeping())
        .await?
        .rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_rfc_4231_s_hmac_sha_256() {
        // Test case 1: a 20-byte key, which HMAC pads with zeros as ours are padded.
        let mut k = [0u8; 32];
        k[..20].fill(0x0b);
        assert_eq!(
            hex::encode(hmac(&k, b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
    }

    #[test]
    fn a_proof_of_work_is_checked_bit_by_bit() {
        let token = "v1.1.00.00";
        let found = (0..2_000_000u64)
            .map(|n| n.to_string())
            .find(|n| proof_ok(token, n, 12))
            .expect("a 12-bit proof within two million tries");
        assert!(proof_ok(token, &found, 12));
        let h = Sha256::digest(format!("{token}:{found}").as_bytes());
        assert_eq!(h[0], 0);
        assert!(h[1] < 16);
        assert!(!proof_ok(token, "", 1));
        assert!(!proof_ok(token, "12a", 1));
        assert!(!proof_ok(token, &"9".repeat(21), 0));
    }
}
