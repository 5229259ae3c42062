//! Files an attacker would hand in, for every test that must refuse them: each is small
//! on the wire and, taken at its word, enormous in memory or time.

use std::io::{Cursor, Write};

fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 == 1 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// A valid 1 × 1 PNG whose header (with a correct CRC) declares `width` × `height`.
pub fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut b = crate::sample_png(1, 1);
    // IHDR: type at 12..16, width and height at 16..24, its CRC at 29..33.
    b[16..20].copy_from_slice(&width.to_be_bytes());
    b[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&b[12..29]);
    b[29..33].copy_from_slice(&crc.to_be_bytes());
    b
}

/// A lossless WebP of `width` × `height` with an alpha channel, in a few dozen bytes.
pub fn webp_claiming(width: u32, height: u32) -> Vec<u8> {
    let bits = (width - 1) | ((height - 1) << 14) | (1 << 28);
    let mut vp8l = vec![0x2f];
    vp8l.extend_from_slice(&bits.to_le_bytes());
    vp8l.extend_from_slice(&[0; 5]);
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&((12 + vp8l.len()) as u32).to_le_bytes());
    out.extend_from_slice(b"WEBPVP8L");
    out.extend_from_slice(&(vp8l.len() as u32).to_le_bytes());
    out.extend_from_slice(&vp8l);
    out
}

/// A one-sheet workbook built from raw parts: the sheet's XML (inside `<worksheet>`) and,
/// when given, the shared strings.
pub fn workbook_of(sheet_name: &str, sheet_body: &str, strings: Option<&str>) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut part = |name: &str, text: &str| {
        w.start_file(name, opts).unwrap();
        w.write_all(text.as_bytes()).unwrap();
    };
    part(
        "xl/workbook.xml",
        &format!(
            r#"<workbook xmlns:r="r"><sheets><sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>"#
        ),
    );
    part(
        "xl/_rels/workbook.xml.rels",
        r#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#,
    );
    part(
        "xl/worksheets/sheet1.xml",
        &format!("<worksheet>{sheet_body}</worksheet>"),
    );
    if let Some(s) = strings {
        part("xl/sharedStrings.xml", s);
    }
    w.finish().unwrap().into_inner()
}

/// Hostile workbooks, each with a phrase its refusal must contain. `sheet_name` is the
/// sheet the reader looks for (the data template's; a roster takes any).
pub fn workbooks(sheet_name: &str) -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let sparse = {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name).unwrap();
        ws.write_string(0, 0, "姓名").unwrap();
        ws.write_string(1_048_575, 16_383, "x").unwrap();
        wb.save_to_buffer().unwrap()
    };
    let strings = format!(
        "<sst uniqueCount=\"5000000\">{}</sst>",
        "<si><t>a</t></si>".repeat(10)
    );
    let bomb = format!(
        "<sheetData>{}<row r=\"1\"><c r=\"A1\"><v>1</v></c></row></sheetData>",
        " ".repeat(40 * 1024 * 1024)
    );
    let cells = format!(
        "<sheetData><row r=\"1\">{}</row></sheetData>",
        r#"<c r="A1"><v>1</v></c>"#.repeat(30_000)
    );
    vec![
        ("sparse.xlsx", sparse, "上限"),
        (
            "strings.xlsx",
            workbook_of(sheet_name, "<sheetData/>", Some(&strings)),
            "共享文本超过",
        ),
        ("bomb.xlsx", workbook_of(sheet_name, &bomb, None), "解压后"),
        (
            "cells.xlsx",
            workbook_of(sheet_name, &cells, None),
            "单元格超过",
        ),
        ("big.xlsx", vec![b'P'; 6 * 1024 * 1024], "不能超过 5 MB"),
    ]
}

/// A real JPEG of `width` × `height` (a phone photo's cost to decode).
pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 239) as u8])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&img)
        .unwrap();
    out
}
