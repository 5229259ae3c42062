//! Where evidence files live: content-addressed by SHA-256, written atomically, never
//! overwritten; the same bytes stored twice are one file. A local directory by default
//! (a temp file renamed into place); an S3-compatible bucket when a province hosts many
//! counties on several app servers (object_store, configured from the usual `AWS_*`
//! variables: `AWS_ENDPOINT`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`,
//! `AWS_ALLOW_HTTP`).

use futures_util::TryStreamExt;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload, path::Path as ObjectPath};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("file store: {0}")]
    Io(#[from] std::io::Error),
    #[error("file store: {0}")]
    Object(#[from] object_store::Error),
    #[error("file store: bad key {0:?}")]
    BadKey(String),
    #[error("file store: bad address {0:?}: {1}")]
    BadUrl(String, String),
}

#[derive(Clone)]
enum Place {
    Local(PathBuf),
    Bucket {
        store: Arc<dyn ObjectStore>,
        /// Keys live under this prefix (empty: the bucket's root).
        prefix: String,
        url: String,
    },
}

#[derive(Clone)]
pub struct FileStore {
    place: Place,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FileStore({})", self.describe())
    }
}

/// Keys are `area/name` names we make ourselves (`originals/<sha256>`,
/// `thumbs/<sha256>.jpg`); anything else (a `..`, another slash, capitals) is refused so
/// that no caller can reach outside the store.
fn checked(key: &str) -> Result<(&str, &str), StoreError> {
    let bad = || StoreError::BadKey(key.to_string());
    let (area, name) = key.split_once('/').ok_or_else(bad)?;
    let area_ok = !area.is_empty() && area.bytes().all(|b| b.is_ascii_lowercase());
    let name_ok = name.len() >= 8
        && name
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase() || b == b'.')
        && !name.contains("..");
    if area_ok && name_ok {
        Ok((area, name))
    } else {
        Err(bad())
    }
}

impl FileStore {
    pub fn local(root: impl Into<PathBuf>) -> Self {
        FileStore {
            place: Place::Local(root.into()),
        }
    }

    /// `s3://bucket` or `s3://bucket/prefix`, the rest from the `AWS_*` variables.
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| StoreError::BadUrl(url.into(), "应以 s3:// 开头".into()))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(StoreError::BadUrl(url.into(), "缺少存储桶名称".into()));
        }
        let store = object_store::aws::AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .build()
            .map_err(|e| StoreError::BadUrl(url.into(), e.to_string()))?;
        Ok(FileStore {
            place: Place::Bucket {
                store: Arc::new(store),
                prefix: prefix.trim_matches('/').to_string(),
                url: url.into(),
            },
        })
    }

    /// The same bucket under a further prefix (tests keep to their own corner).
    pub fn with_prefix(&self, more: &str) -> Self {
        match &self.place {
            Place::Local(root) => FileStore::local(root.join(more)),
            Place::Bucket { store, prefix, url } => FileStore {
                place: Place::Bucket {
                    store: store.clone(),
                    prefix: [prefix.as_str(), more]
                        .iter()
                        .filter(|p| !p.is_empty())
                        .copied()
                        .collect::<Vec<_>>()
                        .join("/"),
                    url: url.clone(),
                },
            },
        }
    }

    pub fn describe(&self) -> String {
        match &self.place {
            Place::Local(root) => root.display().to_string(),
            Place::Bucket { url, prefix, .. } => format!("{url} ({prefix})"),
        }
    }

    /// The local directory, when the store is one.
    pub fn root(&self) -> Option<&Path> {
        match &self.place {
            Place::Local(root) => Some(root),
            Place::Bucket { .. } => None,
        }
    }

    fn local_path(root: &Path, key: &str) -> Result<PathBuf, StoreError> {
        let (area, name) = checked(key)?;
        Ok(root.join(area).join(&name[..2]).join(name))
    }

    fn object(prefix: &str, key: &str) -> Result<ObjectPath, StoreError> {
        checked(key)?;
        Ok(if prefix.is_empty() {
            ObjectPath::from(key)
        } else {
            ObjectPath::from(format!("{prefix}/{key}"))
        })
    }

    /// Stores `bytes` under `key` unless it is already there (same key, same content).
    pub async fn put(&self, key: &str, bytes: &[u8]) -> Result<(), StoreError> {
        self.put_new(key, bytes).await.map(|_| ())
    }

    /// As [`FileStore::put`]; true when this call created the file.
    pub async fn put_new(&self, key: &str, bytes: &[u8]) -> Result<bool, StoreError> {
        match &self.place {
            Place::Local(root) => {
                let path = Self::local_path(root, key)?;
                let bytes = bytes.to_vec();
                blocking(move || local_put(&path, &bytes)).await
            }
            Place::Bucket { store, prefix, .. } => {
                let at = Self::object(prefix, key)?;
                match store.head(&at).await {
                    Ok(_) => return Ok(false),
                    Err(object_store::Error::NotFound { .. }) => {}
                    Err(e) => return Err(e.into()),
                }
                store.put(&at, PutPayload::from(bytes.to_vec())).await?;
                Ok(true)
            }
        }
    }

    pub async fn get(&self, key: &str) -> Result<Vec<u8>, StoreError> {
        match &self.place {
            Place::Local(root) => {
                let path = Self::local_path(root, key)?;
                blocking(move || Ok(std::fs::read(path)?)).await
            }
            Place::Bucket { store, prefix, .. } => {
                let at = Self::object(prefix, key)?;
                Ok(store.get(&at).await?.bytes().await?.to_vec())
            }
        }
    }

    /// Takes back a file this process just created, when the record it belongs to could
    /// not be written. Stored evidence is otherwise never removed.
    pub async fn remove(&self, key: &str) -> Result<(), StoreError> {
        match &self.place {
            Place::Local(root) => {
                let path = Self::local_path(root, key)?;
                blocking(move || Ok(std::fs::remove_file(path)?)).await
            }
            Place::Bucket { store, prefix, .. } => {
                let at = Self::object(prefix, key)?;
                Ok(store.delete(&at).await?)
            }
        }
    }

    /// Every stored key, sorted (for checks and backups).
    pub async fn keys(&self) -> Result<Vec<String>, StoreError> {
        let mut out = match &self.place {
            Place::Local(root) => {
                let root = root.clone();
                blocking(move || local_keys(&root)).await?
            }
            Place::Bucket { store, prefix, .. } => {
                let base = (!prefix.is_empty()).then(|| ObjectPath::from(prefix.as_str()));
                let listed: Vec<_> = store.list(base.as_ref()).try_collect().await?;
                let strip = if prefix.is_empty() {
                    String::new()
                } else {
                    format!("{prefix}/")
                };
                listed
                    .into_iter()
                    .map(|m| m.location.to_string())
                    .map(|k| k.strip_prefix(&strip).map(str::to_string).unwrap_or(k))
                    .collect()
            }
        };
        out.sort();
        Ok(out)
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::Io(std::io::Error::other(e.to_string())))?
}

fn local_put(path: &Path, bytes: &[u8]) -> Result<bool, StoreError> {
    if path.exists() {
        return Ok(false);
    }
    let dir = path
        .parent()
        .ok_or_else(|| StoreError::BadKey(path.display().to_string()))?;
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".tmp-{}-{}", std::process::id(), unique()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result?;
    Ok(true)
}

fn local_keys(root: &Path) -> Result<Vec<String>, StoreError> {
    let mut out = Vec::new();
    if !root.exists() {
        return Ok(out);
    }
    for area in std::fs::read_dir(root)? {
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
    Ok(out)
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stores to test here: a local directory always; the S3-compatible bucket of
    /// `JIANGUAN_TEST_FILES_URL` when set (CI starts one and must test it).
    pub(crate) fn stores() -> Vec<FileStore> {
        let n = format!("t{}-{}", std::process::id(), unique());
        let mut v = vec![FileStore::local(
            std::env::temp_dir().join(format!("jianguan-files-{n}")),
        )];
        match std::env::var("JIANGUAN_TEST_FILES_URL") {
            Ok(url) if !url.is_empty() => {
                v.push(FileStore::from_url(&url).unwrap().with_prefix(&n))
            }
            _ if std::env::var("CI").is_ok() => {
                panic!(
                    "CI is set but JIANGUAN_TEST_FILES_URL is not: the S3 file store would go untested"
                )
            }
            _ => eprintln!(
                "note: JIANGUAN_TEST_FILES_URL not set; testing the local file store only"
            ),
        }
        v
    }

    #[tokio::test]
    async fn stores_once_reads_back_and_takes_back() {
        for s in stores() {
            let key = format!("originals/{}", crate::photo::sha256_hex(b"abc"));
            assert!(s.put_new(&key, b"abc").await.unwrap(), "{s:?}");
            assert!(
                !s.put_new(&key, b"abc").await.unwrap(),
                "{s:?}: stored twice"
            );
            assert_eq!(s.get(&key).await.unwrap(), b"abc");
            let thumb = format!("thumbs/{}.jpg", crate::photo::sha256_hex(b"abc"));
            s.put(&thumb, b"t").await.unwrap();
            assert_eq!(
                s.keys().await.unwrap(),
                vec![key.clone(), thumb.clone()],
                "{s:?}"
            );
            s.remove(&thumb).await.unwrap();
            assert_eq!(s.keys().await.unwrap(), vec![key], "{s:?}");
            assert!(s.get(&thumb).await.is_err());
        }
    }

    #[tokio::test]
    async fn keys_cannot_leave_the_store() {
        for s in stores() {
            for k in [
                "../etc/passwd",
                "originals/../../x",
                "a/b/c",
                "originals/",
                "/abs",
                "照片/abcdef12",
                "Originals/abcdef12",
            ] {
                assert!(s.put(k, b"x").await.is_err(), "{k}");
                assert!(s.get(k).await.is_err(), "{k}");
            }
            assert!(s.keys().await.unwrap().is_empty(), "{s:?}: nothing written");
        }
    }
}
