//! Anchoring the audit chain outside the database: an Ed25519 key kept in the data
//! directory (or a configured path), created on first start, signs a checkpoint of the
//! chain head every day and on demand. A checkpoint exported to a file — printed, mailed
//! to the province, kept by the auditor — proves what the chain held at that moment, so
//! rewriting history before it is detected by `audit verify --checkpoint FILE`.

use crate::{App, AppError};
use jianguan_store::{Checkpoint, SigningKey};
use std::path::Path;

pub const KEY_FILE: &str = "audit-signing.key";
const FORMAT: &str = "jianguan-audit-checkpoint";

/// The signing key at `path`, created (readable by its owner only) when there is none.
pub fn load_or_create_key(path: &Path) -> Result<SigningKey, AppError> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse_key(&text).ok_or_else(|| {
            AppError::internal(
                "audit signing key",
                format!("{} 不是有效的签名密钥文件", path.display()),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut seed = [0u8; 32];
            getrandom::fill(&mut seed).map_err(|e| AppError::internal("randomness", e))?;
            let text = format!(
                "# jianguan 审计链检查点签名密钥（Ed25519 私钥）。请妥善保管，切勿放入数据库备份之外的公开位置。\n{}\n",
                hex::encode(seed)
            );
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| AppError::internal("audit key directory", e))?;
            }
            write_private(path, text.as_bytes())
                .map_err(|e| AppError::internal("writing the audit signing key", e))?;
            Ok(SigningKey::from_bytes(&seed))
        }
        Err(e) => Err(AppError::internal("reading the audit signing key", e)),
    }
}

fn parse_key(text: &str) -> Option<SigningKey> {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.starts_with('#') && !l.is_empty())?;
    let bytes: [u8; 32] = hex::decode(line).ok()?.try_into().ok()?;
    Some(SigningKey::from_bytes(&bytes))
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

/// The deployment's public key, hex, when it has a signing key.
pub fn public_key(app: &App) -> Option<String> {
    app.audit_key
        .as_ref()
        .map(|k| hex::encode(k.verifying_key().to_bytes()))
}

/// Signs the chain head now. Without a key, says how to get one.
pub async fn checkpoint(app: &App) -> Result<Checkpoint, AppError> {
    let key = app
        .audit_key
        .as_ref()
        .ok_or_else(|| AppError::Conflict("未配置审计链签名密钥，无法生成检查点".into()))?;
    Ok(app.store.checkpoint(key, app.now()).await?)
}

/// A checkpoint as a file to keep elsewhere.
pub fn to_file(c: &Checkpoint) -> String {
    let mut v = serde_json::to_value(c).unwrap_or_default();
    v["format"] = serde_json::json!(FORMAT);
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}

/// A checkpoint file read back (its signature is checked by `audit verify`).
pub fn from_file(text: &str) -> Result<Checkpoint, String> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("不是有效的检查点文件：{e}"))?;
    if v.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(format!("不是检查点文件（format 应为 {FORMAT}）"));
    }
    let mut v = v;
    if let Some(o) = v.as_object_mut() {
        o.remove("format");
    }
    serde_json::from_value(v).map_err(|e| format!("检查点文件内容不完整：{e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_created_once_kept_private_and_read_back() {
        let dir = std::env::temp_dir().join(format!("jg-key-{}", crate::secrets::new_id()));
        let path = dir.join(KEY_FILE);
        let k1 = load_or_create_key(&path).unwrap();
        let k2 = load_or_create_key(&path).unwrap();
        assert_eq!(k1.to_bytes(), k2.to_bytes());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{mode:o}");
        }
        std::fs::write(&path, "garbage").unwrap();
        assert!(load_or_create_key(&path).is_err());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_checkpoint_file_round_trips() {
        let c = Checkpoint {
            seq: 3,
            hash: "ab".repeat(32),
            at: chrono::Utc::now(),
            public_key: "cd".repeat(32),
            signature: "ef".repeat(64),
        };
        assert_eq!(from_file(&to_file(&c)).unwrap(), c);
        assert!(from_file("{}").unwrap_err().contains("format"));
    }
}
