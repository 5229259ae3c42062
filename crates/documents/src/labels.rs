//! 资产标签 to print: one SVG page per sheet, drawn in millimetres so that a browser prints
//! it at its true size (`@page` of the same size, no margins, 100 % scale). Each label
//! carries the programme's marking (电子商务进农村综合示范项目, 政府所有), a QR code of the
//! tag, the tag's running number in large type, the asset's name and the county.

use qrcode::{Color, EcLevel, QrCode};
use std::fmt::Write;

/// The label stocks offered: a roll of single stickers, or an A4 sheet of 3 × 8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stock {
    /// 50 × 30 mm, one label per page (a label printer's roll).
    Sticker50x30,
    /// A4 (210 × 297 mm), 3 columns × 8 rows of 70 × 37 mm, no gaps, 0.5 mm top margin.
    A4x24,
}

impl Stock {
    pub const ALL: [Stock; 2] = [Stock::A4x24, Stock::Sticker50x30];

    pub fn code(self) -> &'static str {
        match self {
            Stock::Sticker50x30 => "50x30",
            Stock::A4x24 => "a4-3x8",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stock::Sticker50x30 => "50 × 30 毫米不干胶标签（每页一张）",
            Stock::A4x24 => "A4 标签纸（3 列 × 8 行，每张 70 × 37 毫米）",
        }
    }

    pub fn parse(code: &str) -> Option<Stock> {
        Self::ALL.into_iter().find(|s| s.code() == code.trim())
    }

    /// The page, in mm.
    pub fn page(self) -> (f64, f64) {
        match self {
            Stock::Sticker50x30 => (50.0, 30.0),
            Stock::A4x24 => (210.0, 297.0),
        }
    }

    /// One label, in mm.
    pub fn label_size(self) -> (f64, f64) {
        match self {
            Stock::Sticker50x30 => (50.0, 30.0),
            Stock::A4x24 => (70.0, 37.0),
        }
    }

    pub fn per_page(self) -> (usize, usize) {
        match self {
            Stock::Sticker50x30 => (1, 1),
            Stock::A4x24 => (3, 8),
        }
    }

    /// The top-left corner of the label in `slot` (row-major), in mm from the page's.
    pub fn position(self, slot: usize) -> (f64, f64) {
        let (cols, _) = self.per_page();
        let (w, h) = self.label_size();
        let (pw, ph) = self.page();
        let (c, r) = (slot % cols, slot / cols);
        let (cols_f, rows_f) = (cols as f64, self.per_page().1 as f64);
        let left = (pw - w * cols_f) / 2.0;
        let top = (ph - h * rows_f) / 2.0;
        (left + w * c as f64, top + h * r as f64)
    }
}

/// What one label says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub tag: String,
    /// The asset's name; empty on a pre-printed label not yet bound.
    pub name: String,
    pub county: String,
}

/// The programme's marking on every label (一（五）: the assets are the government's).
pub const MARKING: &str = "电子商务进农村综合示范项目";
pub const OWNER: &str = "政府所有";

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The first characters of `s` that fit `width` mm at `size` mm per character.
fn fit(s: &str, width: f64, size: f64) -> String {
    let n = (width / size).floor().max(1.0) as usize;
    let count = s.chars().count();
    if count <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// The QR code of `data` as one SVG path of its dark modules, `size` mm square at (x, y),
/// with a quiet zone of two modules inside the square.
fn qr_path(data: &str, x: f64, y: f64, size: f64) -> Result<String, String> {
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)
        .map_err(|e| format!("二维码无法生成：{e}"))?;
    let n = code.width();
    let module = size / (n as f64 + 4.0);
    let colors = code.to_colors();
    let mut d = String::new();
    for (i, c) in colors.iter().enumerate() {
        if *c == Color::Dark {
            let (col, row) = (i % n, i / n);
            let mx = x + (col as f64 + 2.0) * module;
            let my = y + (row as f64 + 2.0) * module;
            let _ = write!(d, "M{mx:.3},{my:.3}h{module:.3}v{module:.3}h-{module:.3}z");
        }
    }
    Ok(format!(
        r##"<path class="qr" data-modules="{n}" fill="#000" d="{d}"/>"##
    ))
}

/// One label drawn at (x, y) of its page.
fn label_svg(stock: Stock, l: &Label, x: f64, y: f64) -> Result<String, String> {
    let (w, h) = stock.label_size();
    let pad = 1.5;
    let title = format!("{MARKING}　{OWNER}");
    let title_size = ((w - 2.0 * pad) / 18.5).min(3.6);
    let top = pad + title_size + 1.0;
    let q = h - top - pad;
    let x1 = pad + q + 1.5;
    let tw = w - x1 - pad;
    let (head, number) = l.tag.rsplit_once('-').unwrap_or(("", &l.tag));
    let head_size = (tw / ((head.len() + 1) as f64 * 0.62)).min(3.5);
    let number_size = (tw / (number.len().max(1) as f64 * 0.62)).min(8.0);
    let small = (title_size * 0.85).max(2.0);
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<g class="label" data-tag="{tag}" transform="translate({x:.3} {y:.3})"><rect class="outline" x="0" y="0" width="{w}" height="{h}" fill="#fff" stroke="#bbb" stroke-width="0.1"/>"##,
        tag = esc(&l.tag),
    );
    let _ = write!(
        s,
        r##"<text x="{pad}" y="{ty:.3}" font-size="{title_size:.3}" font-weight="bold">{title}</text>"##,
        ty = pad + title_size * 0.88,
        title = esc(&title),
    );
    s.push_str(&qr_path(&l.tag, pad, top, q)?);
    let mut ty = top + head_size;
    let _ = write!(
        s,
        r##"<text x="{x1:.3}" y="{ty:.3}" font-size="{head_size:.3}" font-family="monospace">{head}-</text>"##,
        head = esc(head),
    );
    ty += number_size * 0.95;
    let _ = write!(
        s,
        r##"<text class="number" x="{x1:.3}" y="{ty:.3}" font-size="{number_size:.3}" font-family="monospace" font-weight="bold">{number}</text>"##,
        number = esc(number),
    );
    let name = if l.name.trim().is_empty() {
        "（待登记资产）".to_string()
    } else {
        l.name.clone()
    };
    for line in [name.as_str(), l.county.as_str()] {
        ty += small * 1.3;
        if ty > h - pad + 0.01 {
            break;
        }
        let _ = write!(
            s,
            r##"<text x="{x1:.3}" y="{ty:.3}" font-size="{small:.3}">{t}</text>"##,
            t = esc(&fit(line, tw, small)),
        );
    }
    s.push_str("</g>");
    Ok(s)
}

/// The pages of a sheet, one SVG each, sized in mm.
pub fn pages(stock: Stock, labels: &[Label]) -> Result<Vec<String>, String> {
    let (cols, rows) = stock.per_page();
    let (pw, ph) = stock.page();
    let code = stock.code();
    let mut out = Vec::new();
    for chunk in labels.chunks(cols * rows) {
        let mut s = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="sheet stock-{code}" width="{pw}mm" height="{ph}mm" viewBox="0 0 {pw} {ph}" font-family="'Noto Sans CJK SC','WenQuanYi Micro Hei','Microsoft YaHei',sans-serif">"#
        );
        for (slot, l) in chunk.iter().enumerate() {
            let (x, y) = stock.position(slot);
            s.push_str(&label_svg(stock, l, x, y)?);
        }
        s.push_str("</svg>");
        out.push(s);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(n: usize) -> Vec<Label> {
        (1..=n)
            .map(|i| Label {
                tag: format!("JG-141122-{i:05}"),
                name: "冷藏展示柜（双门）".into(),
                county: "交城县".into(),
            })
            .collect()
    }

    #[test]
    fn a4_sheets_hold_24_labels_edge_to_edge() {
        let p = pages(Stock::A4x24, &labels(25)).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].matches(r#"class="label""#).count(), 24);
        assert_eq!(p[1].matches(r#"class="label""#).count(), 1);
        assert_eq!(Stock::A4x24.position(0), (0.0, 0.5));
        assert_eq!(Stock::A4x24.position(23), (140.0, 0.5 + 37.0 * 7.0));
        assert!(p[0].contains(r#"width="210mm" height="297mm""#));
    }

    #[test]
    fn every_label_carries_the_marking_and_escapes_what_it_prints() {
        let l = Label {
            tag: "JG-141122-00001".into(),
            name: "<b>展柜</b> & 货架".into(),
            county: "交城县".into(),
        };
        let p = pages(Stock::Sticker50x30, std::slice::from_ref(&l)).unwrap();
        assert!(p[0].contains(MARKING) && p[0].contains(OWNER));
        assert!(p[0].contains("&lt;b&gt;") && !p[0].contains("<b>"));
        assert!(p[0].contains(">00001<"));
    }

    /// The label's QR path drawn back as a picture at 8 px per mm, and decoded.
    fn decode(label: &str) -> String {
        let d = label
            .split(r#"class="qr""#)
            .nth(1)
            .and_then(|r| r.split(" d=\"").nth(1))
            .and_then(|r| r.split('"').next())
            .unwrap();
        let scale = 8.0;
        let (w, h) = (70 * 8, 37 * 8);
        let mut px = vec![255u8; w * h];
        for sub in d.split('z').filter(|x| !x.is_empty()) {
            let rest = sub.trim_start_matches('M');
            let (xy, rest) = rest.split_once('h').unwrap();
            let (x, y) = xy.split_once(',').unwrap();
            let m: f64 = rest.split('v').next().unwrap().parse().unwrap();
            let (x, y): (f64, f64) = (x.parse().unwrap(), y.parse().unwrap());
            let (x0, y0) = ((x * scale).round() as usize, (y * scale).round() as usize);
            let (x1, y1) = (
                ((x + m) * scale).round() as usize,
                ((y + m) * scale).round() as usize,
            );
            for yy in y0..y1.min(h) {
                for xx in x0..x1.min(w) {
                    px[yy * w + xx] = 0;
                }
            }
        }
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| px[y * w + x]);
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1, "one code per label");
        grids[0].decode().unwrap().1
    }

    #[test]
    fn the_qr_codes_decode_back_to_their_tags() {
        let p = pages(Stock::A4x24, &labels(24)).unwrap();
        let found: Vec<String> = p[0]
            .split(r#"<g class="label""#)
            .skip(1)
            .map(decode)
            .collect();
        let want: Vec<String> = labels(24).into_iter().map(|l| l.tag).collect();
        assert_eq!(found, want);
    }
}
