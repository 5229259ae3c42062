//! The faces a 公文 is set in, found on this machine at run time: the official ones where
//! they are installed (仿宋_GB2312, 方正小标宋, 黑体, 楷体, 宋体 — as on the county's own
//! Windows and domestic Linux desktops), free ones standing in otherwise (FandolFang, Noto
//! Serif / Sans CJK, AR PL KaitiM GB, 文泉驿). Each document records which face stood in
//! for which. A machine with no Chinese face at all is told so, never given boxes.

use std::path::{Path, PathBuf};
use typst::text::{FontInfo, FontWeight};

/// What each face of a 公文 is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 正文: 仿宋.
    Body,
    /// 标题 and 发文机关标志: 小标宋.
    Title,
    /// 一级标题: 黑体.
    Heading1,
    /// 二级标题: 楷体.
    Heading2,
    /// 页码: 宋体.
    Number,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Body,
        Role::Title,
        Role::Heading1,
        Role::Heading2,
        Role::Number,
    ];

    /// The face GB/T 9704 asks for, in words.
    pub fn wanted(self) -> &'static str {
        match self {
            Role::Body => "仿宋_GB2312",
            Role::Title => "方正小标宋",
            Role::Heading1 => "黑体",
            Role::Heading2 => "楷体",
            Role::Number => "宋体",
        }
    }

    /// Families in order of preference: the official faces first (the first `official()`
    /// of them), then the free ones that look most like them.
    fn families(self) -> &'static [&'static str] {
        match self {
            Role::Body => &[
                "FangSong_GB2312",
                "仿宋_GB2312",
                "FangSong",
                "仿宋",
                "FZFangSong-Z02",
                "FZFangSong-Z02S",
                "STFangsong",
                "FandolFang",
                "Noto Serif CJK SC",
                "Source Han Serif SC",
                "AR PL SungtiL GB",
                "Noto Sans CJK SC",
                "WenQuanYi Micro Hei",
            ],
            Role::Title => &[
                "FZXiaoBiaoSong-B05S",
                "FZXiaoBiaoSong-B05",
                "方正小标宋简体",
                "方正小标宋_GBK",
                "STZhongsong",
                "Noto Serif CJK SC",
                "Source Han Serif SC",
                "FandolSong",
                "AR PL SungtiL GB",
                "Noto Sans CJK SC",
                "WenQuanYi Micro Hei",
            ],
            Role::Heading1 => &[
                "SimHei",
                "黑体",
                "STHeiti",
                "FandolHei",
                "Noto Sans CJK SC",
                "Source Han Sans SC",
                "WenQuanYi Micro Hei",
                "Noto Serif CJK SC",
            ],
            Role::Heading2 => &[
                "KaiTi_GB2312",
                "楷体_GB2312",
                "KaiTi",
                "楷体",
                "STKaiti",
                "FandolKai",
                "AR PL KaitiM GB",
                "AR PL UKai CN",
                "Noto Serif CJK SC",
                "Noto Sans CJK SC",
                "WenQuanYi Micro Hei",
            ],
            Role::Number => &[
                "SimSun",
                "宋体",
                "STSong",
                "FandolSong",
                "Noto Serif CJK SC",
                "AR PL SungtiL GB",
                "Noto Sans CJK SC",
                "WenQuanYi Micro Hei",
            ],
        }
    }

    /// How many of [`Role::families`] are the official faces.
    fn official(self) -> usize {
        match self {
            Role::Body => 7,
            Role::Title => 5,
            Role::Heading1 => 3,
            Role::Heading2 => 5,
            Role::Number => 3,
        }
    }

    /// The title is set bold where the stand-in is a family with weights (小标宋 is heavy).
    fn weight(self) -> FontWeight {
        match self {
            Role::Title => FontWeight::BOLD,
            _ => FontWeight::REGULAR,
        }
    }
}

/// One face of a font file on this machine.
#[derive(Debug, Clone)]
struct Face {
    path: PathBuf,
    index: u32,
    info: FontInfo,
}

/// A face standing in for the official one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Substitution {
    pub role: Role,
    pub wanted: &'static str,
    pub used: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FontError {
    #[error(
        "本机没有可用的中文字体，无法生成公文：请安装仿宋_GB2312、方正小标宋等公文字体，或 Noto CJK 等免费中文字体（如 fonts-noto-cjk），或用 --font-dir 指定字体所在目录"
    )]
    NoChineseFace,
}

/// The faces of this machine that can set Chinese, indexed once.
#[derive(Debug, Clone, Default)]
pub struct Fonts {
    faces: Vec<Face>,
}

/// Where fonts are looked for after the configured directory.
fn system_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = [
        "/usr/share/fonts",
        "/usr/local/share/fonts",
        "/usr/share/texmf/fonts",
        "/usr/share/texlive/texmf-dist/fonts",
        "C:\\Windows\\Fonts",
        "/Library/Fonts",
        "/System/Library/Fonts",
    ]
    .into_iter()
    .map(PathBuf::from)
    .collect();
    if let Some(home) = std::env::var_os("HOME") {
        let home = PathBuf::from(home);
        dirs.push(home.join(".local/share/fonts"));
        dirs.push(home.join(".fonts"));
    }
    dirs
}

/// Files below `dir` (to a depth of 8) that may be fonts.
fn font_files(dir: &Path, depth: u32, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if depth < 8 {
                font_files(&p, depth + 1, out);
            }
        } else if p.extension().and_then(|x| x.to_str()).is_some_and(|x| {
            matches!(
                x.to_ascii_lowercase().as_str(),
                "ttf" | "otf" | "ttc" | "otc"
            )
        }) {
            out.push(p);
        }
    }
}

/// 中: a face that has it can set the documents.
const PROBE: u32 = 0x4E2D;

impl Fonts {
    /// Indexes the Chinese faces of `dir` (first) and of the system's font directories.
    /// Reads each font file once, keeping only where each face is and what it is.
    pub fn discover(dir: Option<&Path>) -> Fonts {
        let mut files = Vec::new();
        if let Some(d) = dir {
            font_files(d, 0, &mut files);
        }
        for d in system_dirs() {
            font_files(&d, 0, &mut files);
        }
        let mut faces = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for path in files {
            let Ok(canonical) = path.canonicalize() else {
                continue;
            };
            if !seen.insert(canonical.clone()) {
                continue;
            }
            let Ok(data) = std::fs::read(&canonical) else {
                continue;
            };
            for (index, info) in FontInfo::iter(&data).enumerate() {
                if info.coverage.contains(PROBE) {
                    faces.push(Face {
                        path: canonical.clone(),
                        index: index as u32,
                        info,
                    });
                }
            }
        }
        Fonts { faces }
    }

    /// The best face for `role`: the first family of its preferences this machine has,
    /// in the weight nearest the role's.
    fn pick(&self, role: Role) -> Option<&Face> {
        for family in role.families() {
            let mut candidates: Vec<&Face> = self
                .faces
                .iter()
                .filter(|f| f.info.family.eq_ignore_ascii_case(family))
                .filter(|f| f.info.variant.style == typst::text::FontStyle::Normal)
                .collect();
            candidates.sort_by_key(|f| {
                (f.info.variant.weight.to_number() as i32 - role.weight().to_number() as i32).abs()
            });
            if let Some(f) = candidates.first() {
                return Some(f);
            }
        }
        // Any Chinese face rather than none.
        self.faces.first()
    }

    /// The family each role is set in, the files to load, and what stood in for what.
    pub fn choose(&self) -> Result<Choice, FontError> {
        if self.faces.is_empty() {
            return Err(FontError::NoChineseFace);
        }
        let mut choice = Choice::default();
        for role in Role::ALL {
            let Some(face) = self.pick(role) else {
                return Err(FontError::NoChineseFace);
            };
            let official = role.families()[..role.official()]
                .iter()
                .any(|f| face.info.family.eq_ignore_ascii_case(f));
            if !official {
                choice.substitutions.push(Substitution {
                    role,
                    wanted: role.wanted(),
                    used: face.info.family.clone(),
                });
            }
            choice.families.push((role, face.info.family.clone()));
            // The whole family's faces of that file (a bold title and a regular body may
            // share one collection file, or each have its own).
            for f in self
                .faces
                .iter()
                .filter(|f| f.info.family == face.info.family)
            {
                let key = (f.path.clone(), f.index);
                if !choice.files.contains(&key) {
                    choice.files.push(key);
                }
            }
        }
        Ok(choice)
    }

    pub fn is_empty(&self) -> bool {
        self.faces.is_empty()
    }
}

/// What a document is set in.
#[derive(Debug, Clone, Default)]
pub struct Choice {
    pub families: Vec<(Role, String)>,
    /// The faces to load: (file, index in the file).
    pub files: Vec<(PathBuf, u32)>,
    pub substitutions: Vec<Substitution>,
}

impl Choice {
    pub fn family(&self, role: Role) -> &str {
        self.families
            .iter()
            .find(|(r, _)| *r == role)
            .map_or("", |(_, f)| f.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_machine_without_chinese_faces_is_told_so() {
        let none = Fonts::discover(Some(Path::new("/nonexistent")));
        let none = if none.is_empty() {
            none
        } else {
            Fonts::default()
        };
        let e = none.choose().unwrap_err();
        assert_eq!(e, FontError::NoChineseFace);
        assert!(e.to_string().contains("没有可用的中文字体"));
    }

    #[test]
    fn each_role_wants_its_official_face_first() {
        for role in Role::ALL {
            assert!(role.official() < role.families().len(), "{role:?}");
            assert!(!role.wanted().is_empty());
        }
    }
}
