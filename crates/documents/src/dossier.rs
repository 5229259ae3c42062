//! 验收/审计档案 as one ZIP: files added one at a time (each hashed as it is written, none
//! held together), the manifest listing them written last; and the check of a ZIP against
//! its manifest, reading each entry through the hash rather than into memory. What the
//! manifest says beyond its files (the project, the audit excerpt) is the caller's.

use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::io::{Read, Seek, Write};
use zip::write::SimpleFileOptions;

/// One file of a dossier.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}

pub const MANIFEST: &str = "manifest.json";
pub const SIGNATURE: &str = "manifest.sig";

/// Most entries a dossier may hold (a project's records, photos and documents).
pub const MAX_ENTRIES: usize = 100_000;
/// Largest manifest or signature read back.
const MAX_MANIFEST: u64 = 64 * 1024 * 1024;

pub struct Writer<W: Write + Seek> {
    zip: zip::ZipWriter<W>,
    entries: Vec<Entry>,
    paths: HashSet<String>,
    /// The file being written in pieces: its path, its hash so far and its size.
    open: Option<(String, Sha256, u64)>,
}

fn options(path: &str) -> SimpleFileOptions {
    // Photos and PDFs are compressed already: stored as they are, they cost no time.
    let stored = [
        ".jpg", ".jpeg", ".png", ".webp", ".pdf", ".docx", ".xlsx", ".zip",
    ]
    .iter()
    .any(|x| path.to_ascii_lowercase().ends_with(x));
    SimpleFileOptions::default()
        .compression_method(if stored {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        })
        .large_file(false)
}

impl<W: Write + Seek> Writer<W> {
    pub fn new(w: W) -> Self {
        Writer {
            zip: zip::ZipWriter::new(w),
            entries: Vec::new(),
            paths: HashSet::new(),
            open: None,
        }
    }

    /// Adds one file under `path` (forward slashes, no `..`).
    pub fn add(&mut self, path: &str, bytes: &[u8]) -> Result<(), String> {
        self.begin(path)?;
        self.append(bytes)?;
        self.end()
    }

    /// Starts a file whose bytes come in pieces ([`Writer::append`]), hashed as they pass.
    pub fn begin(&mut self, path: &str) -> Result<(), String> {
        if path.split('/').any(|p| p.is_empty() || p == "..") || path.starts_with('/') {
            return Err(format!("档案中的路径不合规：{path}"));
        }
        if self.entries.len() >= MAX_ENTRIES {
            return Err(format!("档案最多 {MAX_ENTRIES} 个文件"));
        }
        if [MANIFEST, SIGNATURE].contains(&path) || !self.paths.insert(path.to_string()) {
            return Err(format!("档案中已有 {path}"));
        }
        self.end()?;
        self.zip
            .start_file(path, options(path))
            .map_err(|e| e.to_string())?;
        self.open = Some((path.to_string(), Sha256::new(), 0));
        Ok(())
    }

    pub fn append(&mut self, bytes: &[u8]) -> Result<(), String> {
        let Some((_, h, n)) = self.open.as_mut() else {
            return Err("没有正在写入的文件".into());
        };
        h.update(bytes);
        *n += bytes.len() as u64;
        self.zip.write_all(bytes).map_err(|e| e.to_string())
    }

    /// Ends the file being written, if any.
    pub fn end(&mut self) -> Result<(), String> {
        if let Some((path, h, bytes)) = self.open.take() {
            self.entries.push(Entry {
                path,
                sha256: hex::encode(h.finalize()),
                bytes,
            });
        }
        Ok(())
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Writes the manifest (and its signature, when there is one) and closes the ZIP.
    pub fn finish(mut self, manifest: &[u8], signature: Option<&[u8]>) -> Result<W, String> {
        self.end()?;
        self.zip
            .start_file(MANIFEST, options(MANIFEST))
            .map_err(|e| e.to_string())?;
        self.zip.write_all(manifest).map_err(|e| e.to_string())?;
        if let Some(sig) = signature {
            self.zip
                .start_file(SIGNATURE, options(SIGNATURE))
                .map_err(|e| e.to_string())?;
            self.zip.write_all(sig).map_err(|e| e.to_string())?;
        }
        self.zip.finish().map_err(|e| e.to_string())
    }
}

/// What a ZIP holds, read back: its manifest and signature as they are, and each other
/// file's hash and size as read (streamed, never held whole).
pub struct ReadBack {
    pub manifest: Vec<u8>,
    pub signature: Option<Vec<u8>>,
    pub files: Vec<Entry>,
}

fn read_small(f: &mut impl Read, what: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    f.take(MAX_MANIFEST + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("{what}：{e}"))?;
    if out.len() as u64 > MAX_MANIFEST {
        return Err(format!("{what} 过大"));
    }
    Ok(out)
}

/// Reads a dossier through: the manifest and signature whole (each at most 64 MB), every
/// other file through its hash.
pub fn read_back<R: Read + Seek>(r: R) -> Result<ReadBack, String> {
    let mut zip = zip::ZipArchive::new(r).map_err(|e| format!("不是有效的档案文件（ZIP）：{e}"))?;
    if zip.len() > MAX_ENTRIES + 2 {
        return Err(format!("档案中的文件超过 {MAX_ENTRIES} 个"));
    }
    let mut out = ReadBack {
        manifest: Vec::new(),
        signature: None,
        files: Vec::new(),
    };
    let mut has_manifest = false;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).map_err(|e| e.to_string())?;
        let name = f.name().to_string();
        if name == MANIFEST {
            out.manifest = read_small(&mut f, MANIFEST)?;
            has_manifest = true;
        } else if name == SIGNATURE {
            out.signature = Some(read_small(&mut f, SIGNATURE)?);
        } else {
            let mut h = Sha256::new();
            let mut total = 0u64;
            loop {
                // A damaged entry (a changed byte in compressed data) is named, not fatal.
                let n = match f.read(&mut buf) {
                    Ok(n) => n,
                    Err(e) => {
                        out.files.push(Entry {
                            path: name.clone(),
                            sha256: format!("无法读取：{e}"),
                            bytes: total,
                        });
                        break;
                    }
                };
                if n == 0 {
                    out.files.push(Entry {
                        path: name.clone(),
                        sha256: hex::encode(h.finalize()),
                        bytes: total,
                    });
                    break;
                }
                h.update(&buf[..n]);
                total += n as u64;
            }
        }
    }
    if !has_manifest {
        return Err("档案中没有清单（manifest.json）".into());
    }
    Ok(out)
}

/// Calls `line` with each line of the file `name` (numbered from 1), read in pieces; a
/// line longer than `max_line` bytes is an error. Whether the file is there.
pub fn each_line<R: Read + Seek>(
    r: R,
    name: &str,
    max_line: usize,
    mut line: impl FnMut(usize, &str) -> Result<(), String>,
) -> Result<bool, String> {
    use std::io::BufRead;
    let mut zip = zip::ZipArchive::new(r).map_err(|e| format!("不是有效的档案文件（ZIP）：{e}"))?;
    let f = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(false),
        Err(e) => return Err(format!("{name}：{e}")),
    };
    let mut f = std::io::BufReader::new(f);
    let mut buf = Vec::new();
    let mut n = 0;
    loop {
        buf.clear();
        let got = (&mut f)
            .take(max_line as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|e| format!("{name}：{e}"))?;
        if got == 0 {
            return Ok(true);
        }
        n += 1;
        if buf.len() > max_line && !buf.ends_with(b"\n") {
            return Err(format!("{name} 第 {n} 行过长"));
        }
        let text = std::str::from_utf8(&buf)
            .map_err(|_| format!("{name} 第 {n} 行不是 UTF-8 文本"))?
            .trim_end_matches(['\n', '\r']);
        if !text.is_empty() {
            line(n, text)?;
        }
    }
}

/// A hash shortened for reading; anything else (why a file could not be read) whole.
fn short(h: &str) -> String {
    if h.len() > 12 && h.bytes().all(|b| b.is_ascii_hexdigit()) {
        format!("{}…", &h[..12])
    } else {
        h.to_string()
    }
}

/// What does not match between the files listed and the files read, in words.
pub fn compare(listed: &[Entry], read: &[Entry]) -> Vec<String> {
    let by_path: HashMap<&str, &Entry> = read.iter().map(|r| (r.path.as_str(), r)).collect();
    let mut problems = Vec::new();
    for l in listed {
        match by_path.get(l.path.as_str()) {
            None => problems.push(format!("{}：清单中有，档案中没有", l.path)),
            Some(r) if r.sha256 != l.sha256 || r.bytes != l.bytes => problems.push(format!(
                "{}：内容与清单不符（清单 SHA-256 {}，实际 {}）",
                l.path,
                short(&l.sha256),
                short(&r.sha256)
            )),
            Some(_) => {}
        }
    }
    let listed: HashSet<&str> = listed.iter().map(|l| l.path.as_str()).collect();
    for r in read {
        if !listed.contains(r.path.as_str()) {
            problems.push(format!("{}：清单中没有这个文件", r.path));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = Writer::new(std::io::Cursor::new(Vec::new()));
        for (p, b) in files {
            w.add(p, b).unwrap();
        }
        let manifest = serde_json::to_vec(w.entries()).unwrap();
        w.finish(&manifest, None).unwrap().into_inner()
    }

    #[test]
    fn what_is_written_reads_back_as_listed_and_a_changed_byte_is_named() {
        let zip = build(&[
            ("records/project.json", b"[{\"id\":\"p1\"}]"),
            ("photos/a.jpg", &[0xFF, 0xD8, 1, 2, 3]),
        ]);
        let back = read_back(std::io::Cursor::new(zip.clone())).unwrap();
        let listed: Vec<Entry> = serde_json::from_slice(&back.manifest).unwrap();
        assert!(compare(&listed, &back.files).is_empty());
        // The same with one byte of the photo changed: stored, so the byte is findable.
        let mut bad = zip.clone();
        let at = bad
            .windows(5)
            .position(|w| w == [0xFF, 0xD8, 1, 2, 3])
            .unwrap();
        bad[at + 3] ^= 0xFF;
        let back = read_back(std::io::Cursor::new(bad)).unwrap();
        let problems = compare(&listed, &back.files);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("photos/a.jpg：内容与清单不符"));
    }

    #[test]
    fn a_file_written_in_pieces_is_listed_as_one_and_read_back_line_by_line() {
        let mut w = Writer::new(std::io::Cursor::new(Vec::new()));
        w.begin("audit/chain.jsonl").unwrap();
        for i in 0..1000 {
            w.append(format!("{{\"seq\":{i}}}\n").as_bytes()).unwrap();
        }
        w.add("records/a.json", b"[]").unwrap();
        assert!(w.add("records/a.json", b"[]").is_err(), "a path twice");
        let listed = w.entries().to_vec();
        assert_eq!(listed[0].path, "audit/chain.jsonl");
        let whole: String = (0..1000).map(|i| format!("{{\"seq\":{i}}}\n")).collect();
        assert_eq!(
            listed[0].sha256,
            hex::encode(Sha256::digest(whole.as_bytes()))
        );
        let zip = w.finish(b"{}", None).unwrap().into_inner();
        let mut seen = Vec::new();
        let found = each_line(
            std::io::Cursor::new(zip.clone()),
            "audit/chain.jsonl",
            100,
            |n, l| {
                seen.push((n, l.to_string()));
                Ok(())
            },
        )
        .unwrap();
        assert!(found);
        assert_eq!(seen.len(), 1000);
        assert_eq!(seen[999], (1000, "{\"seq\":999}".to_string()));
        // A line beyond the bound is refused, not read into memory.
        let err = each_line(
            std::io::Cursor::new(zip.clone()),
            "audit/chain.jsonl",
            5,
            |_, _| Ok(()),
        )
        .unwrap_err();
        assert!(err.contains("第 1 行过长"), "{err}");
        assert!(!each_line(std::io::Cursor::new(zip), "nothing", 5, |_, _| Ok(())).unwrap());
    }

    #[test]
    fn paths_that_would_leave_the_dossier_are_refused() {
        let mut w = Writer::new(std::io::Cursor::new(Vec::new()));
        for bad in ["../x", "/etc/passwd", "a//b", ""] {
            assert!(w.add(bad, b"x").is_err(), "{bad}");
        }
        assert!(read_back(std::io::Cursor::new(b"not a zip".to_vec())).is_err());
    }
}
