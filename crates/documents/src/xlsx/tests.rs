//! Hostile workbooks: each is a class of file whose cost the file itself would decide, and
//! each must be refused from what is read within the limits, with a message naming the
//! limit. Ordinary workbooks must read as an independent reader (calamine) reads them.
#![allow(clippy::unwrap_used)]

use super::grid::{self, Limits, Value};
use std::io::Write;

const LIMITS: Limits = Limits::small(200, 26);

/// A ZIP of the given parts, deflated.
fn zip_of(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in parts {
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="学员名单" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;

/// A one-sheet workbook whose sheet XML is `sheet_data` inside `<worksheet>`, with
/// `strings` as the shared-strings part when given.
fn workbook(sheet_body: &str, strings: Option<Vec<u8>>) -> Vec<u8> {
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{sheet_body}</worksheet>"#
    );
    let mut parts = vec![
        ("xl/workbook.xml", WORKBOOK.as_bytes().to_vec()),
        ("xl/_rels/workbook.xml.rels", RELS.as_bytes().to_vec()),
        ("xl/worksheets/sheet1.xml", sheet.into_bytes()),
    ];
    if let Some(s) = strings {
        parts.push(("xl/sharedStrings.xml", s));
    }
    zip_of(&parts)
}

fn refused(bytes: &[u8], limits: &Limits) -> String {
    match grid::read(bytes, limits, |_, _| true) {
        Ok(wb) => panic!("accepted: {:?}", wb.sheets.first().map(|s| s.cells.len())),
        Err(e) => e.to_string(),
    }
}

#[test]
fn an_ordinary_sheet_reads_its_cells_in_place() {
    let wb = workbook(
        r#"<dimension ref="A1:C2"/><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>西社村</t></is></c></row><row r="2"><c r="C2"><v>13800000000</v></c><c r="D2"><f>1+1</f><v>2</v></c></row></sheetData><mergeCells count="1"><mergeCell ref="A3:B3"/></mergeCells>"#,
        Some(r#"<sst count="1" uniqueCount="1"><si><r><t>张</t></r><r><t>三 &amp; 李</t></r><rPh><t>zhang</t></rPh></si></sst>"#.as_bytes().to_vec()),
    );
    let wb = grid::read(&wb, &LIMITS, |_, _| true).unwrap();
    assert_eq!(wb.sheet_names, vec!["学员名单"]);
    let s = &wb.sheets[0];
    assert_eq!(s.get(0, 0), Some(&Value::Text("张三 & 李".into())));
    assert_eq!(s.get(0, 1), Some(&Value::Text("西社村".into())));
    assert_eq!(s.get(1, 2), Some(&Value::Number(13_800_000_000.0)));
    assert_eq!(s.cells[3].formula.as_deref(), Some("1+1"));
    assert_eq!(s.merged, vec![(2, 0)]);
    assert_eq!(s.height(), 2);
}

#[test]
fn a_sparse_sheet_spanning_the_grid_is_refused_from_its_declared_range() {
    let body = r#"<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>"#;
    let m = refused(&workbook(body, None), &LIMITS);
    assert!(m.contains("XFD1048576") && m.contains("上限"), "{m}");
    // Without a declared range, the first cell outside the limits is refused.
    let body = r#"<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>"#;
    let m = refused(&workbook(body, None), &LIMITS);
    assert!(m.contains("1048576") && m.contains("上限"), "{m}");
    // A cell without a reference placed past the last allowed column.
    let cells = "<c><v>1</v></c>".repeat(27);
    let m = refused(
        &workbook(
            &format!("<sheetData><row r=\"1\">{cells}</row></sheetData>"),
            None,
        ),
        &LIMITS,
    );
    assert!(m.contains("AA1") && m.contains("上限"), "{m}");
}

#[test]
fn cells_beyond_the_count_are_refused_even_on_one_spot() {
    let cells = r#"<c r="A1"><v>1</v></c>"#.repeat(6_000);
    let m = refused(
        &workbook(
            &format!("<sheetData><row r=\"1\">{cells}</row></sheetData>"),
            None,
        ),
        &LIMITS,
    );
    assert!(m.contains("单元格超过 5200 个上限"), "{m}");
}

#[test]
fn shared_strings_are_bounded_in_count_and_length() {
    let sheet = r#"<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>"#;
    let declared = br#"<sst count="10000000" uniqueCount="10000000"><si><t>a</t></si></sst>"#;
    let m = refused(&workbook(sheet, Some(declared.to_vec())), &LIMITS);
    assert!(m.contains("共享文本超过"), "{m}");
    let many = format!("<sst>{}</sst>", "<si><t>a</t></si>".repeat(7_000));
    let m = refused(&workbook(sheet, Some(many.into_bytes())), &LIMITS);
    assert!(m.contains("共享文本超过 6200 条"), "{m}");
    let long = format!("<sst><si><t>{}</t></si></sst>", noise(2_100_000, 100, '一'));
    let m = refused(&workbook(sheet, Some(long.into_bytes())), &LIMITS);
    assert!(m.contains("文本总长超过"), "{m}");
    let one = format!(
        r#"<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{}</t></is></c></row></sheetData>"#,
        "长".repeat(6_000)
    );
    let m = refused(&workbook(&one, None), &LIMITS);
    assert!(m.contains("A1") && m.contains("5000 字上限"), "{m}");
}

#[test]
fn an_entry_that_inflates_a_thousandfold_is_refused() {
    // 40 MB of spaces: a few tens of kilobytes compressed.
    let bomb = format!(
        "<sheetData>{}<row r=\"1\"><c r=\"A1\"><v>1</v></c></row></sheetData>",
        " ".repeat(40 * 1024 * 1024)
    );
    let bytes = workbook(&bomb, None);
    assert!(bytes.len() < 200_000, "{}", bytes.len());
    let m = refused(&bytes, &LIMITS);
    assert!(m.contains("解压后") && m.contains("16 MB"), "{m}");
    // The same entry, declared small in both headers: the reader stops at the limit.
    let lied = lie_about_sizes(&bytes, "xl/worksheets/sheet1.xml", 1_000);
    let m = refused(&lied, &LIMITS);
    assert!(m.contains("解压后超过") && m.contains("16 MB"), "{m}");
    // Three entries of 11 MB each, compressing twentyfold: each within its limits, the
    // archive not.
    let eleven = noise(11 * 1024 * 1024, 2, 'a');
    let mut parts = vec![
        ("xl/workbook.xml", WORKBOOK.as_bytes().to_vec()),
        ("xl/_rels/workbook.xml.rels", RELS.as_bytes().to_vec()),
    ];
    let names: Vec<String> = (0..3).map(|i| format!("xl/media/p{i}.xml")).collect();
    for n in &names {
        parts.push((n.as_str(), eleven.clone().into_bytes()));
    }
    let m = refused(&zip_of(&parts), &LIMITS);
    assert!(m.contains("解压后超过 32 MB"), "{m}");
}

/// `n` characters from `first`: with `spread` > 2 drawn evenly from `spread` characters,
/// with `spread` = 2 mostly the first one (text that compresses about twentyfold).
fn noise(n: usize, spread: u32, first: char) -> String {
    let mut x: u32 = 12345;
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345) & 0x7fff_ffff;
            let pick = (x >> 8) % 100;
            let offset = if spread > 2 {
                pick % spread
            } else if pick < 98 {
                0
            } else {
                1 + pick % 20
            };
            char::from_u32(first as u32 + offset).unwrap_or(first)
        })
        .collect()
}

/// Rewrites the uncompressed size of `name` in its local and central headers.
fn lie_about_sizes(zip: &[u8], name: &str, size: u32) -> Vec<u8> {
    let mut out = zip.to_vec();
    let n = name.as_bytes();
    for sig in [[0x50, 0x4b, 0x03, 0x04], [0x50, 0x4b, 0x01, 0x02]] {
        let (name_at, size_at) = if sig[2] == 3 { (30, 22) } else { (46, 24) };
        let mut i = 0;
        while i + name_at + n.len() <= out.len() {
            if out[i..i + 4] == sig && out[i + name_at..i + name_at + n.len()] == *n {
                out[i + size_at..i + size_at + 4].copy_from_slice(&size.to_le_bytes());
            }
            i += 1;
        }
    }
    out
}

#[test]
fn too_many_entries_or_a_zip64_directory_are_refused_before_opening() {
    let mut parts = vec![
        ("xl/workbook.xml", WORKBOOK.as_bytes().to_vec()),
        ("xl/_rels/workbook.xml.rels", RELS.as_bytes().to_vec()),
    ];
    let names: Vec<String> = (0..70).map(|i| format!("xl/media/{i}.bin")).collect();
    for n in &names {
        parts.push((n.as_str(), b"x".to_vec()));
    }
    let m = refused(&zip_of(&parts), &LIMITS);
    assert!(m.contains("72 个部件") && m.contains("64"), "{m}");
    // An end record claiming 65,535 entries (the ZIP64 marker).
    let mut bytes = workbook("<sheetData/>", None);
    let eocd = bytes.len() - 22;
    bytes[eocd + 10] = 0xFF;
    bytes[eocd + 11] = 0xFF;
    let m = refused(&bytes, &LIMITS);
    assert!(m.contains("无法打开"), "{m}");
}

#[test]
fn files_larger_than_the_upload_limit_or_not_zips_are_named() {
    let m = refused(&vec![b'P'; 6 * 1024 * 1024], &LIMITS);
    assert!(m.contains("不能超过 5 MB"), "{m}");
    for not in [&b"%PDF-1.4"[..], b"a,b,c", b"PK\x03\x04garbage"] {
        let m = refused(not, &LIMITS);
        assert!(m.contains(".xlsx"), "{m}");
    }
}

#[test]
fn ordinary_workbooks_read_as_calamine_reads_them() {
    use calamine::{Data, Reader, Xlsx};
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("数据").unwrap();
    ws.write_string(0, 0, "姓名").unwrap();
    ws.write_number(1, 3, 12.5).unwrap();
    ws.write_string(4, 2, "a & <b>").unwrap();
    ws.write_boolean(5, 0, true).unwrap();
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 10, 1).unwrap();
    ws.write_datetime_with_format(
        6,
        1,
        &date,
        &rust_xlsxwriter::Format::new().set_num_format("yyyy-mm"),
    )
    .unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let ours = &grid::read(&bytes, &LIMITS, |_, _| true).unwrap().sheets[0];
    let mut theirs: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let range = theirs.worksheet_range("数据").unwrap();
    let (r0, c0) = range.start().unwrap();
    for (r, c, d) in range.used_cells() {
        let (r, c) = (r as u32 + r0, c as u32 + c0);
        let v = ours.get(r, c).unwrap_or_else(|| panic!("{r},{c} missing"));
        match (d, v) {
            (Data::String(a), Value::Text(b)) => assert_eq!(a, b),
            (Data::Float(a), Value::Number(b)) => assert_eq!(a, b),
            (Data::Bool(a), Value::Bool(b)) => assert_eq!(a, b),
            (Data::DateTime(a), Value::Date(b)) => assert_eq!(a.as_f64(), *b),
            other => panic!("{r},{c}: {other:?}"),
        }
    }
    assert_eq!(ours.cells.len(), range.used_cells().count());
    assert_eq!(
        super::serial_date(match ours.get(6, 1) {
            Some(Value::Date(d)) => *d,
            _ => 0.0,
        }),
        chrono::NaiveDate::from_ymd_opt(2026, 10, 1)
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(
        // Longer runs: JIANGUAN_FUZZ_CASES=20000 cargo test …
        std::env::var("JIANGUAN_FUZZ_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(256),
    ))]

    /// Byte mutations of a real workbook never panic, and whatever is read stays within
    /// the limits.
    #[test]
    fn mutated_workbooks_never_panic_and_stay_bounded(
        flips in proptest::collection::vec((0usize..100_000, proptest::prelude::any::<u8>()), 1..16),
        cut in 0usize..100_000,
    ) {
        let mut bytes = super::roster_template().unwrap();
        for (at, b) in flips {
            let i = at % bytes.len();
            bytes[i] = b;
        }
        if cut % 3 == 0 {
            bytes.truncate(cut % bytes.len().max(1));
        }
        if let Ok(wb) = grid::read(&bytes, &LIMITS, |_, _| true) {
            for s in &wb.sheets {
                proptest::prop_assert!(s.cells.len() as u64 <= LIMITS.max_cells);
                proptest::prop_assert!(s.cells.iter().all(|c| c.row < 200 && c.col < 26));
            }
        }
        let _ = super::read(&bytes);
        let _ = super::read_roster(&bytes);
    }
}
