//! The PDF of a 公文: the fixed template (official.typ) laid out by typst with the
//! document's data as JSON, its figures as files, and only the faces it is set in loaded.

use super::fonts::{Choice, FontError, Fonts, Role, Substitution};
use super::{Block, Layout, Official, cn_date};
use serde::Serialize;
use std::collections::HashMap;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

const TEMPLATE: &str = include_str!("official.typ");

/// A rendered document: its PDF and what stood in for the official faces.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub substitutions: Vec<Substitution>,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Fonts(#[from] FontError),
    #[error("字体文件无法读取：{0}")]
    FontFile(String),
    #[error("公文排版出错：{0}")]
    Layout(String),
}

#[derive(Serialize)]
struct FigureData<'a> {
    caption: &'a str,
    format: &'a str,
    path: String,
}

/// What the template reads.
#[derive(Serialize)]
struct Data<'a> {
    layout: Layout,
    mark: &'a str,
    mark_size: f64,
    mark_scale: f64,
    number: &'a str,
    title: &'a str,
    to: Option<&'a str>,
    body: &'a [Block],
    attachments: &'a [String],
    attendance: &'a [(String, String)],
    signer: &'a str,
    date: String,
    cc: String,
    printed_by: &'a str,
    printed_on: String,
    figures: Vec<FigureData<'a>>,
    photo_pages: &'a [usize],
    fonts: HashMap<Role, &'a str>,
}

/// The 发文机关标志's size and horizontal scale: large and red, squeezed to fit the text
/// block's width when long (as printed headers are).
fn mark_fit(mark: &str) -> (f64, f64) {
    const SIZE: f64 = 30.0;
    // 156 mm in points, less a little.
    const WIDTH: f64 = 440.0;
    let n = mark.chars().count().max(1) as f64;
    (SIZE, (WIDTH / (n * SIZE)).min(1.0))
}

struct DocWorld {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: FileId,
    source: Source,
    files: HashMap<FileId, Bytes>,
}

fn file_id(path: &str) -> Result<FileId, RenderError> {
    let vpath = VirtualPath::new(path).map_err(|e| RenderError::Layout(format!("{e:?}")))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

impl World for DocWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main {
            Ok(self.source.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main {
            return Ok(Bytes::from_string(self.source.clone()));
        }
        self.files.get(&id).cloned().ok_or_else(|| {
            FileError::NotFound(std::path::PathBuf::from(id.vpath().get_without_slash()))
        })
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// Loads the faces a document is set in (only those: a CJK file is tens of MB).
fn load_fonts(choice: &Choice) -> Result<Vec<Font>, RenderError> {
    let mut by_file: HashMap<&std::path::Path, Bytes> = HashMap::new();
    let mut fonts = Vec::new();
    for (path, index) in &choice.files {
        let bytes = match by_file.get(path.as_path()) {
            Some(b) => b.clone(),
            None => {
                let data = std::fs::read(path)
                    .map_err(|e| RenderError::FontFile(format!("{}：{e}", path.display())))?;
                let b = Bytes::new(data);
                by_file.insert(path.as_path(), b.clone());
                b
            }
        };
        if let Some(f) = Font::new(bytes, *index) {
            fonts.push(f);
        }
    }
    Ok(fonts)
}

/// Lays the document out and writes its PDF, fonts embedded (subset) and text extractable.
pub fn pdf(doc: &Official, fonts: &Fonts) -> Result<Rendered, RenderError> {
    let choice = fonts.choose()?;
    let (mark_size, mark_scale) = mark_fit(&doc.mark);
    let mut files = HashMap::new();
    let mut figures = Vec::new();
    for (i, f) in doc.figures.iter().enumerate() {
        let path = format!("/fig/{i}.{}", f.format);
        files.insert(file_id(&path)?, Bytes::new(f.bytes.clone()));
        figures.push(FigureData {
            caption: &f.caption,
            format: &f.format,
            path,
        });
    }
    let data = Data {
        layout: doc.layout,
        mark: &doc.mark,
        mark_size,
        mark_scale,
        number: &doc.number,
        title: &doc.title,
        to: doc.to.as_deref(),
        body: &doc.body,
        attachments: &doc.attachments,
        attendance: &doc.attendance,
        signer: &doc.signer,
        date: cn_date(doc.date),
        cc: doc.cc.join("，"),
        printed_by: &doc.printed_by,
        printed_on: cn_date(doc.printed_on),
        figures,
        photo_pages: &doc.photo_pages,
        fonts: Role::ALL.iter().map(|r| (*r, choice.family(*r))).collect(),
    };
    let json = serde_json::to_vec(&data).map_err(|e| RenderError::Layout(e.to_string()))?;
    files.insert(file_id("/data.json")?, Bytes::new(json));
    let fonts = load_fonts(&choice)?;
    let main = file_id("/official.typ")?;
    let world = DocWorld {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
        main,
        source: Source::new(main, TEMPLATE.to_string()),
        files,
    };
    let compiled = typst::compile::<PagedDocument>(&world);
    let document = compiled.output.map_err(|errors| {
        RenderError::Layout(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("；"),
        )
    })?;
    let pages = document.pages().len();
    let bytes = typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(|errors| {
        RenderError::Layout(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("；"),
        )
    })?;
    Ok(Rendered {
        pdf: bytes,
        pages,
        substitutions: choice.substitutions,
    })
}
