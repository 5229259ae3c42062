//! Where evidence files live: content-addressed by SHA-256, written atomically (a temp
//! file renamed into place), never overwritten or deleted. The same bytes stored twice are
//! one file. A local directory by default.

use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("file store: {0}")]
    Io(#[from] std::io::Error),
    #[error("file store: bad key {0:?}")]
    BadKey(String),
}

#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

/// Keys are `area/hex` names we make ourselves; anything else (a `..`, a slash too many)
/// is refused so that no caller can reach outside the store.
fn checked(key: &str) -> Result<(&str, &str), StoreError> {
    let bad = || StoreError::BadKey(key.to_string());
    let (area, name) = key.split_once('/').ok_or_else(bad)?;
    let area_ok = !area.is_empty() && area.bytes().all(|b| b.is_ascii_lowercase());
    let name_ok = name.len() >= 8
        && name
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b'.' || b.is_ascii_lowercase())
        && !name.contains("..");
    if area_ok && name_ok {
        Ok((area, name))
    } else {
        Err(bad())
    }
}

impl FileStore {
    pub fn local(root: impl Into<PathBuf>) -> Self {
        FileStore { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, key: &str) -> Result<PathBuf, StoreError> {
        let (area, name) = checked(key)?;
        Ok(self.root.join(area).join(&name[..2]).join(name))
    }

    /// Stores `bytes` under `key` unless it is already there (same key, same content).
    pub fn put(&self, key: &str, bytes: &[u8]) -> Result<(), StoreError> {
        self.put_new(key, bytes).map(|_| ())
    }

    /// As [`FileStore::put`]; true when this call created the file.
    pub fn put_new(&self, key: &str, bytes: &[u8]) -> Result<bool, StoreError> {
        let path = self.path(key)?;
        if path.exists() {
            return Ok(false);
        }
        let dir = path
            .parent()
            .ok_or_else(|| StoreError::BadKey(key.into()))?;
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!(".tmp-{}-{}", std::process::id(), unique()));
        let result = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result?;
        Ok(true)
    }

    /// Takes back a file this process just created, when the record it belongs to could
    /// not be written. Stored evidence is otherwise never removed.
    pub fn remove(&self, key: &str) -> Result<(), StoreError> {
        Ok(std::fs::remove_file(self.path(key)?)?)
    }

    pub fn get(&self, key: &str) -> Result<Vec<u8>, StoreError> {
        Ok(std::fs::read(self.path(key)?)?)
    }

    pub fn exists(&self, key: &str) -> bool {
        self.path(key).is_ok_and(|p| p.exists())
    }

    /// Every stored key (for checks and backups).
    pub fn keys(&self) -> Result<Vec<String>, StoreError> {
        let mut out = Vec::new();
        if !self.root.exists() {
            return Ok(out);
        }
        for area in std::fs::read_dir(&self.root)? {
            let area = area?;
            for shard in std::fs::read_dir(area.path())? {
                for f in std::fs::read_dir(shard?.path())? {
                    let name = f?.file_name().to_string_lossy().to_string();
                    if !name.starts_with(".tmp-") {
                        out.push(format!("{}/{name}", area.file_name().to_string_lossy()));
                    }
                }
            }
        }
        out.sort();
        Ok(out)
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp() -> FileStore {
        let dir = std::env::temp_dir().join(format!(
            "jianguan-files-{}-{}",
            std::process::id(),
            unique()
        ));
        FileStore::local(dir)
    }

    #[test]
    fn stores_once_and_reads_back() {
        let s = temp();
        let key = format!("originals/{}", crate::photo::sha256_hex(b"abc"));
        s.put(&key, b"abc").unwrap();
        s.put(&key, b"abc").unwrap();
        assert_eq!(s.get(&key).unwrap(), b"abc");
        assert_eq!(s.keys().unwrap(), vec![key]);
        std::fs::remove_dir_all(s.root()).unwrap();
    }

    #[test]
    fn keys_cannot_leave_the_store() {
        let s = temp();
        for k in [
            "../etc/passwd",
            "originals/../../x",
            "a/b/c",
            "originals/",
            "/abs",
            "照片/abcdef12",
            "Originals/abcdef12",
        ] {
            assert!(s.put(k, b"x").is_err(), "{k}");
            assert!(s.get(k).is_err(), "{k}");
        }
        assert!(!s.root().exists(), "nothing written");
    }
}
