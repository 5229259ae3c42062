//! The same 公文 as a DOCX, to be edited in WPS or Word: A4 with the standard's margins,
//! a grid of 22 lines, the official faces named (the editing machine has them, or
//! substitutes its own), the red mark and line, page numbers "— 1 —" right on odd pages
//! and left on even ones. Photos go in as pictures; SVG charts stay in the PDF (their
//! figures are in the report's tables).

use super::{Block, Layout, Official, cn_date};
use docx_rs::{
    AlignmentType, BorderType, Docx, Footer, LineSpacing, LineSpacingType, PageMargin, PageNum,
    Paragraph, ParagraphBorder, ParagraphBorderPosition, ParagraphBorders, Pic, Run, RunFonts,
    Table, TableCell, TableRow,
};

/// Twentieths of a point in a millimetre.
const TWIPS_PER_MM: f64 = 56.692_913;

fn mm(v: f64) -> i32 {
    (v * TWIPS_PER_MM).round() as i32
}

/// One line of the grid: 225 mm over 22 lines.
fn pitch() -> i32 {
    mm(super::BLOCK_H / f64::from(super::LINES))
}

const RED: &str = "E60012";
/// Half-points, as DOCX sizes its text.
const S2: usize = 44;
const S3: usize = 32;
const S4: usize = 28;

fn face(name: &str) -> RunFonts {
    RunFonts::new()
        .ascii(name)
        .hi_ansi(name)
        .east_asia(name)
        .cs(name)
}

const BODY: &str = "仿宋_GB2312";
const TITLE: &str = "方正小标宋简体";
const HEI: &str = "黑体";
const KAI: &str = "楷体_GB2312";
const SONG: &str = "宋体";

fn exact(p: Paragraph) -> Paragraph {
    p.line_spacing(
        LineSpacing::new()
            .line_rule(LineSpacingType::Exact)
            .line(pitch()),
    )
}

fn run(text: &str, font: &str, size: usize) -> Run {
    Run::new().add_text(text).fonts(face(font)).size(size)
}

/// A body paragraph: two characters in, one grid line high.
fn para(text: &str, font: &str) -> Paragraph {
    exact(Paragraph::new().add_run(run(text, font, S3)))
        .first_line_chars(200)
        .align(AlignmentType::Both)
}

fn centred(text: &str, font: &str, size: usize) -> Paragraph {
    exact(Paragraph::new().add_run(run(text, font, size))).align(AlignmentType::Center)
}

fn blank() -> Paragraph {
    exact(Paragraph::new())
}

/// A line above or below a paragraph, `eighths` of a point thick (added to any it has).
fn border(
    p: Paragraph,
    position: ParagraphBorderPosition,
    eighths: usize,
    colour: &str,
) -> Paragraph {
    let mut p = p;
    let line = ParagraphBorder::new(position)
        .val(BorderType::Single)
        .size(eighths)
        .color(colour);
    p.property = match p.property.borders.take() {
        Some(b) => p.property.set_borders(b.set(line)),
        None => p
            .property
            .set_borders(ParagraphBorders::with_empty().set(line)),
    };
    p
}

fn page_number(align: AlignmentType, odd: bool) -> Footer {
    let mut p = Paragraph::new().align(align);
    if !odd {
        p = p.add_run(run("\u{3000}", SONG, S4));
    }
    p = p
        .add_run(run("— ", SONG, S4))
        .add_page_num(PageNum::new())
        .add_run(run(" —", SONG, S4));
    if odd {
        p = p.add_run(run("\u{3000}", SONG, S4));
    }
    Footer::new().add_paragraph(p)
}

/// The DOCX, with `photos` as (caption, JPEG or PNG bytes, width px, height px) for the
/// figures the document shows (charts are left to the PDF).
pub fn docx(doc: &Official, photos: &[(String, Vec<u8>, u32, u32)]) -> Result<Vec<u8>, String> {
    let mut d = Docx::new()
        .page_size(11906, 16838)
        .page_margin(PageMargin {
            top: mm(super::TOP),
            left: mm(super::LEFT),
            bottom: mm(297.0 - super::TOP - super::BLOCK_H),
            right: mm(210.0 - super::LEFT - super::BLOCK_W),
            header: mm(15.0),
            footer: mm(20.0),
            gutter: 0,
        })
        .default_fonts(face(BODY))
        .default_size(S3)
        .footer(page_number(AlignmentType::Right, true))
        .even_footer(page_number(AlignmentType::Left, false));
    // The mark, 35 mm below the top of the text block.
    d = d.add_paragraph(
        Paragraph::new()
            .add_run(run(&doc.mark, TITLE, 60).color(RED))
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().before(mm(35.0) as u32)),
    );
    if doc.layout == Layout::File {
        d = d.add_paragraph(blank()).add_paragraph(blank());
    }
    let number = centred(&doc.number, BODY, S3);
    d = d.add_paragraph(border(number, ParagraphBorderPosition::Bottom, 12, RED));
    d = d
        .add_paragraph(blank())
        .add_paragraph(blank())
        .add_paragraph(
            Paragraph::new()
                .add_run(run(&doc.title, TITLE, S2))
                .align(AlignmentType::Center),
        )
        .add_paragraph(blank());
    if let Some(to) = &doc.to {
        d = d.add_paragraph(exact(Paragraph::new().add_run(run(
            &format!("{to}："),
            BODY,
            S3,
        ))));
    }
    for b in &doc.body {
        d = match b {
            Block::Heading1(t) => d.add_paragraph(para(t, HEI)),
            Block::Heading2(t) => d.add_paragraph(para(t, KAI)),
            Block::Heading3(t) => d.add_paragraph(
                exact(Paragraph::new().add_run(run(t, BODY, S3).bold())).first_line_chars(200),
            ),
            Block::Para(t) => d.add_paragraph(para(t, BODY)),
            Block::Table(t) => {
                let cell = |s: &str, font: &str| {
                    TableCell::new().add_paragraph(Paragraph::new().add_run(run(s, font, 24)))
                };
                let mut rows = vec![TableRow::new(
                    t.headers.iter().map(|h| cell(h, HEI)).collect(),
                )];
                rows.extend(
                    t.rows
                        .iter()
                        .map(|r| TableRow::new(r.iter().map(|c| cell(c, BODY)).collect())),
                );
                d.add_table(Table::new(rows))
            }
            Block::Figure(i) => match doc.figures.get(*i) {
                Some(f) => d.add_paragraph(centred(&f.caption, KAI, S4)),
                None => d,
            },
        };
    }
    if !doc.attachments.is_empty() {
        d = d.add_paragraph(blank());
        for (i, a) in doc.attachments.iter().enumerate() {
            let text = match (doc.attachments.len(), i) {
                (1, _) => format!("附件：{a}"),
                (_, 0) => format!("附件：1. {a}"),
                _ => format!("\u{3000}\u{3000}\u{3000}{}. {a}", i + 1),
            };
            d = d.add_paragraph(para(&text, BODY));
        }
    }
    if !doc.attendance.is_empty() {
        d = d.add_paragraph(blank());
        for (who, names) in &doc.attendance {
            d = d.add_paragraph(
                exact(
                    Paragraph::new()
                        .add_run(run(&format!("{who}："), HEI, S3))
                        .add_run(run(names, BODY, S3)),
                )
                .first_line_chars(200),
            );
        }
    }
    if doc.layout == Layout::File {
        // Room for the seal, then the signer and the date four characters from the right.
        let right = |text: &str| {
            exact(Paragraph::new().add_run(run(text, BODY, S3)))
                .align(AlignmentType::Right)
                .indent(None, None, Some(mm(5.57 * 4.0)), None)
        };
        d = d
            .add_paragraph(blank())
            .add_paragraph(blank())
            .add_paragraph(right(&doc.signer))
            .add_paragraph(right(&cn_date(doc.date)));
    }
    if !photos.is_empty() {
        d = d.add_paragraph(
            exact(Paragraph::new().add_run(run("附件", HEI, S3))).page_break_before(true),
        );
        d = d.add_paragraph(centred("现场图片", TITLE, S2));
        for (caption, bytes, w, h) in photos {
            // At most 150 × 85 mm, kept in proportion (EMU: 36,000 a millimetre).
            let (wm, hm) = fit(*w, *h, 150.0, 85.0);
            let pic = Pic::new_with_dimensions(bytes.clone(), *w, *h)
                .size((wm * 36_000.0) as u32, (hm * 36_000.0) as u32);
            d = d
                .add_paragraph(
                    Paragraph::new()
                        .add_run(Run::new().add_image(pic))
                        .align(AlignmentType::Center),
                )
                .add_paragraph(centred(caption, KAI, S4));
        }
    }
    // 版记: between thick lines, 抄送 over a thin one, then 印发机关 and 印发日期.
    d = d.add_paragraph(blank());
    let cc = if doc.cc.is_empty() {
        None
    } else {
        Some(format!("\u{3000}抄送：{}。", doc.cc.join("，")))
    };
    let printed = format!(
        "\u{3000}{}\u{3000}\u{3000}{}印发",
        doc.printed_by,
        cn_date(doc.printed_on)
    );
    if let Some(cc) = cc {
        let p = Paragraph::new().add_run(run(&cc, BODY, S4));
        d = d.add_paragraph(border(
            border(p, ParagraphBorderPosition::Top, 8, "000000"),
            ParagraphBorderPosition::Bottom,
            4,
            "000000",
        ));
        let p = Paragraph::new().add_run(run(&printed, BODY, S4));
        d = d.add_paragraph(border(p, ParagraphBorderPosition::Bottom, 8, "000000"));
    } else {
        let p = Paragraph::new().add_run(run(&printed, BODY, S4));
        d = d.add_paragraph(border(
            border(p, ParagraphBorderPosition::Top, 8, "000000"),
            ParagraphBorderPosition::Bottom,
            8,
            "000000",
        ));
    }
    let mut out = std::io::Cursor::new(Vec::new());
    d.build().pack(&mut out).map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}

/// The largest size within (w_max, h_max) mm with the picture's proportions.
fn fit(w: u32, h: u32, w_max: f64, h_max: f64) -> (f64, f64) {
    let (w, h) = (f64::from(w.max(1)), f64::from(h.max(1)));
    let scale = (w_max / w).min(h_max / h);
    (w * scale, h * scale)
}
