//! 公文: the county's official documents laid out as GB/T 9704-2012 lays them out — A4,
//! the text block 156 × 225 mm at 37 mm from the top and 28 mm from the left, 22 lines of
//! 28 characters in 3号仿宋, the red 发文机关标志 and the red line under the 发文字号, the
//! title in 2号小标宋, headings in 黑体 and 楷体, the date and the seal's place, 附件 and
//! 版记 on the last page, page numbers "— 1 —" right on odd pages and left on even ones.
//! The same document comes out as a PDF (typst) and as a DOCX to edit in WPS or Word.
//! Knows nothing of records: the caller fills an [`Official`].

pub mod docx;
pub mod fonts;
mod render;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

pub use fonts::{FontError, Fonts, Substitution};
pub use render::{Rendered, pdf};

/// The two layouts the county uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// 文件格式: the red 发文机关标志 "…文件", the 发文字号 and the red line, a 主送机关,
    /// the 发文机关署名 and 成文日期 with the seal.
    File,
    /// 纪要格式: the red 纪要标志, 出席 and 列席, no seal.
    Minutes,
}

/// One block of the body, in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "text", rename_all = "snake_case")]
pub enum Block {
    /// "一、…" in 3号黑体.
    Heading1(String),
    /// "（一）…" in 3号楷体.
    Heading2(String),
    /// "1. …" in 3号仿宋, bold.
    Heading3(String),
    /// A paragraph, its first line indented two characters.
    Para(String),
    /// A table: its header row and rows (the quarterly report's figures).
    Table(Table),
    /// A figure (the index of one of [`Official::figures`]) with its caption.
    Figure(usize),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A picture the document shows: an SVG chart or a photo (JPEG or PNG).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub caption: String,
    /// "svg", "jpg" or "png".
    pub format: String,
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

/// An official document, filled from the records by the caller.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Official {
    pub layout: Layout,
    /// 发文机关标志: "交城县电子商务进农村综合示范工作领导组办公室文件", or the 纪要标志.
    pub mark: String,
    /// 发文字号, e.g. 交电商办〔2026〕12号 (see [`document_number`]).
    pub number: String,
    pub title: String,
    /// 主送机关, ending without its colon (the layout adds it).
    pub to: Option<String>,
    pub body: Vec<Block>,
    /// 附件说明: the attachments' names, in order.
    pub attachments: Vec<String>,
    /// 纪要: (出席 / 请假 / 列席, the people).
    pub attendance: Vec<(String, String)>,
    /// 发文机关署名.
    pub signer: String,
    /// 成文日期.
    pub date: NaiveDate,
    /// 版记: 抄送机关.
    pub cc: Vec<String>,
    /// 版记: 印发机关 and 印发日期.
    pub printed_by: String,
    pub printed_on: NaiveDate,
    /// What [`Block::Figure`] shows, and the photos after the text (a 纪要's 图片资料).
    pub figures: Vec<Figure>,
    /// Photos printed after the text, as the last attachment (indices into `figures`).
    pub photo_pages: Vec<usize>,
}

/// A date as a 公文 writes it: Arabic numerals, the full year, no leading zeros
/// ("2026年5月21日").
pub fn cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// 发文字号: 机关代字, the full year in 六角括号, the number without leading zeros and
/// without 第 ("交电商办〔2026〕12号").
pub fn document_number(code: &str, year: i32, seq: u32) -> String {
    format!("{code}〔{year}〕{seq}号")
}

/// The sizes GB/T 9704 names, in points: 2号 (title), 3号 (body), 4号 (版记, page numbers).
pub const SIZE_2: f64 = 22.0;
pub const SIZE_3: f64 = 16.0;
pub const SIZE_4: f64 = 14.0;
/// The text block, in millimetres, and the page's margins around it.
pub const BLOCK_W: f64 = 156.0;
pub const BLOCK_H: f64 = 225.0;
pub const TOP: f64 = 37.0;
pub const LEFT: f64 = 28.0;
/// Lines on a page and characters on a line.
pub const LINES: u32 = 22;
pub const CHARS: u32 = 28;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod format_tests {
    use super::*;

    #[test]
    fn numbers_and_dates_read_as_the_standard_writes_them() {
        assert_eq!(document_number("交电商办", 2022, 9), "交电商办〔2022〕9号");
        assert_eq!(
            document_number("交电商办", 2026, 12),
            "交电商办〔2026〕12号"
        );
        let d = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
        assert_eq!(cn_date(d), "2026年5月1日");
    }
}
