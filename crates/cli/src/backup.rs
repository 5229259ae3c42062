//! `jianguan backup` and `jianguan restore`: one ZIP with a consistent copy of the SQLite
//! database (`VACUUM INTO`, taken while the server runs), the evidence files its photo rows
//! refer to, and a manifest of what it holds; restored into an empty data directory and
//! checked there (the audit chain and the record counts against the manifest).
//! PostgreSQL deployments back up with `pg_dump` and their bucket's own tools.

use anyhow::{Context, Result, bail};
use jianguan_store::Store;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;

pub const FORMAT: &str = "jianguan-backup";

#[derive(serde::Serialize, serde::Deserialize)]
struct Manifest {
    format: String,
    version: u32,
    created_at: chrono::DateTime<chrono::Utc>,
    /// Rows per record table (and the audit log) in the copied database.
    counts: BTreeMap<String, u64>,
    audit_head_seq: i64,
    audit_head_hash: String,
    files: usize,
    database_sha256: String,
}

fn sha256_file(path: &Path) -> Result<String> {
    use sha2::{Digest, Sha256};
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

async fn counts(store: &Store) -> Result<BTreeMap<String, u64>> {
    Ok(jianguan_store::seal::record_counts(store.reader())
        .await?
        .into_iter()
        .map(|(t, n)| (t.to_string(), n))
        .collect())
}

async fn head(store: &Store) -> Result<(i64, String)> {
    use jianguan_store::entity::audit_log::head;
    use jianguan_store::sea::EntityTrait;
    let h = head::Entity::find_by_id(1)
        .one(store.reader())
        .await?
        .context("审计链头缺失")?;
    Ok((h.seq, h.hash))
}

/// The files the records of `store` refer to: the photo rows' evidence, and each issued
/// document's PDF and DOCX.
async fn referenced_keys(store: &Store) -> Result<Vec<String>> {
    use jianguan_store::entity::{document, photo};
    use jianguan_store::sea::{EntityTrait, QuerySelect};
    let rows: Vec<(String, String)> = photo::Entity::find()
        .select_only()
        .column(photo::Column::Sha256)
        .column(photo::Column::ContentType)
        .into_tuple()
        .all(store.reader())
        .await?;
    let mut keys: Vec<String> = rows
        .into_iter()
        .flat_map(|(sha, ct)| {
            let mut k = vec![format!("originals/{sha}")];
            if ct != "application/pdf" {
                k.push(format!("display/{sha}.jpg"));
                k.push(format!("thumbs/{sha}.jpg"));
            }
            k
        })
        .collect();
    let documents: Vec<(String, String)> = document::Entity::find()
        .select_only()
        .column(document::Column::PdfSha256)
        .column(document::Column::DocxSha256)
        .into_tuple()
        .all(store.reader())
        .await?;
    for (pdf, docx) in documents {
        keys.push(format!("documents/{pdf}.pdf"));
        keys.push(format!("documents/{docx}.docx"));
    }
    keys.sort();
    keys.dedup();
    Ok(keys)
}

/// Writes the backup of `store` (SQLite) and `files` to `output`.
pub async fn backup(store: &Store, files: &jianguan_files::FileStore, output: &Path) -> Result<()> {
    if store.backend() != jianguan_store::Backend::Sqlite {
        bail!(
            "PostgreSQL 数据库请用 pg_dump 备份，例如：\n  pg_dump -Fc -f jianguan.dump \"$JIANGUAN_DATABASE_URL\"\n证据文件在 S3 存储桶中，请用存储服务自带的复制或版本功能备份（如 aws s3 sync s3://桶名 备份目录）。"
        );
    }
    if output.exists() {
        bail!(
            "{} 已存在，请换一个文件名（备份不会覆盖已有文件）",
            output.display()
        );
    }
    let work = output.with_extension("tmp-db");
    let _ = std::fs::remove_file(&work);
    // A consistent copy while the server goes on writing: SQLite reads one snapshot.
    let target = work.display().to_string().replace('\'', "''");
    jianguan_store::execute_raw(store.reader(), &format!("VACUUM INTO '{target}'"))
        .await
        .context("无法复制数据库（VACUUM INTO）")?;
    let copy = Store::open(&format!("sqlite://{}", work.display())).await?;
    let (seq, hash) = head(&copy).await?;
    let manifest_counts = counts(&copy).await?;
    let keys = referenced_keys(&copy).await?;
    copy.close().await;

    let part = output.with_extension("partial");
    let result = async {
        let f = std::fs::File::create(&part)
            .with_context(|| format!("无法写入 {}", part.display()))?;
        let mut zip = zip::ZipWriter::new(f);
        // Photos are compressed already; the database is copied as it is.
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(true);
        zip.start_file("jianguan.db", stored)?;
        std::io::copy(&mut std::fs::File::open(&work)?, &mut zip)?;
        for k in &keys {
            let bytes = files
                .get(k)
                .await
                .with_context(|| format!("证据文件 {k} 读取失败"))?;
            zip.start_file(format!("files/{k}"), stored)?;
            zip.write_all(&bytes)?;
        }
        let manifest = Manifest {
            format: FORMAT.into(),
            version: 1,
            created_at: chrono::Utc::now(),
            counts: manifest_counts,
            audit_head_seq: seq,
            audit_head_hash: hash,
            files: keys.len(),
            database_sha256: sha256_file(&work)?,
        };
        zip.start_file("manifest.json", stored)?;
        zip.write_all(serde_json::to_string_pretty(&manifest)?.as_bytes())?;
        zip.finish()?.sync_all()?;
        std::fs::rename(&part, output)?;
        println!(
            "已备份到 {}：审计记录 {} 条，证据文件 {} 个。签名密钥（audit-signing.key）未包含在内，请另行保管。",
            output.display(),
            seq,
            keys.len()
        );
        Ok::<_, anyhow::Error>(())
    }
    .await;
    let _ = std::fs::remove_file(&work);
    if result.is_err() {
        let _ = std::fs::remove_file(&part);
    }
    result
}

/// Restores a backup into `data_dir` (which must hold no database yet), then checks it.
/// Returns whether the restored copy matches its manifest and its audit chain holds.
pub async fn restore(input: &Path, data_dir: &Path) -> Result<bool> {
    let db_path = data_dir.join("jianguan.db");
    if db_path.exists() {
        bail!(
            "{} 已有数据库，恢复不会覆盖它；请换一个空的数据目录，或先将其移走",
            db_path.display()
        );
    }
    let mut zip = zip::ZipArchive::new(
        std::fs::File::open(input).with_context(|| format!("无法读取 {}", input.display()))?,
    )
    .context("不是 jianguan 备份文件（ZIP）")?;
    let manifest: Manifest = {
        let mut text = String::new();
        zip.by_name("manifest.json")
            .context("备份文件缺少 manifest.json")?
            .read_to_string(&mut text)?;
        serde_json::from_str(&text).context("manifest.json 无法读取")?
    };
    if manifest.format != FORMAT {
        bail!("不是 jianguan 备份文件");
    }
    std::fs::create_dir_all(data_dir)?;
    let files = jianguan_files::FileStore::local(data_dir.join("files"));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i)?;
        let name = entry.name().to_string();
        if name == "jianguan.db" {
            let mut out = std::fs::File::create(&db_path)?;
            std::io::copy(&mut entry, &mut out)?;
            out.sync_all()?;
        } else if let Some(key) = name.strip_prefix("files/") {
            // Keys are checked by the file store: nothing lands outside it.
            let mut bytes = Vec::with_capacity(entry.size() as usize);
            entry.read_to_end(&mut bytes)?;
            files
                .put(key, &bytes)
                .await
                .with_context(|| format!("无法恢复证据文件 {key}"))?;
        }
    }
    if sha256_file(&db_path)? != manifest.database_sha256 {
        println!("数据库文件与备份清单中的摘要不符：备份文件可能已损坏。");
        return Ok(false);
    }
    let store = Store::open(&format!("sqlite://{}", db_path.display())).await?;
    let report = store.verify_audit().await?;
    let now = counts(&store).await?;
    let (seq, hash) = head(&store).await?;
    store.close().await;
    let mut ok = true;
    for (table, n) in &manifest.counts {
        let restored = now.get(table).copied().unwrap_or(0);
        if restored != *n {
            println!("{table}：备份时 {n} 条，恢复后 {restored} 条");
            ok = false;
        }
    }
    if (seq, hash.as_str()) != (manifest.audit_head_seq, manifest.audit_head_hash.as_str()) {
        println!("审计链头与备份时不同");
        ok = false;
    }
    match &report.first_broken {
        None if report.mismatches.is_empty() => println!(
            "已恢复到 {}：审计日志 {} 条校验通过，{} 类记录条数与备份一致，证据文件 {} 个。",
            data_dir.display(),
            report.rows_checked,
            manifest.counts.len(),
            manifest.files
        ),
        _ => {
            println!(
                "恢复后的审计校验未通过：{:?} {:?}",
                report.first_broken, report.mismatches
            );
            ok = false;
        }
    }
    Ok(ok)
}
