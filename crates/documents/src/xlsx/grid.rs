//! A bounded reader of XLSX workbooks. The file decides nothing about how much we
//! allocate: the archive's entry count, every entry's inflated size (declared and actual),
//! the whole archive's inflated size, the sheet's declared range, the cells actually read,
//! and the shared strings' count and length are all checked against [`Limits`] before the
//! memory they would take is used. What comes back is a sparse list of cells, so a sheet
//! whose used range spans the whole grid costs what its cells cost, not what its range
//! claims.

use super::{CellError, column_name, whole};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::io::{Cursor, Read};

/// What one workbook may cost. Every reader of an uploaded spreadsheet states its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The uploaded file itself.
    pub max_file_bytes: usize,
    /// Entries in the archive (a workbook has a dozen).
    pub max_entries: usize,
    /// Inflated bytes of any one entry.
    pub max_entry_bytes: u64,
    /// Inflated bytes of all entries read together.
    pub max_total_bytes: u64,
    /// Inflated ÷ compressed, for entries of more than a mebibyte.
    pub max_ratio: u64,
    pub max_sheets: usize,
    /// Rows and columns a cell may sit in (1-based, inclusive).
    pub max_rows: u32,
    pub max_cols: u32,
    /// Cells present in the sheet's XML, empty ones included.
    pub max_cells: u64,
    pub max_shared_strings: usize,
    /// Characters of all shared strings together.
    pub max_shared_chars: usize,
    /// Characters of one cell.
    pub max_cell_chars: usize,
}

impl Limits {
    /// A small form-like sheet of `rows` × `cols`: the uploads county users make.
    pub const fn small(rows: u32, cols: u32) -> Self {
        Limits {
            max_file_bytes: 5 * 1024 * 1024,
            max_entries: 64,
            max_entry_bytes: 16 * 1024 * 1024,
            max_total_bytes: 32 * 1024 * 1024,
            max_ratio: 100,
            max_sheets: 8,
            max_rows: rows,
            max_cols: cols,
            max_cells: rows as u64 * cols as u64,
            max_shared_strings: (rows as usize) * (cols as usize) + 1000,
            max_shared_chars: 2_000_000,
            max_cell_chars: 5_000,
        }
    }
}

/// One cell's value as stored.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(f64),
    /// A number whose format is a date format: the Excel serial day (1900 system).
    Date(f64),
    Bool(bool),
    /// An error value such as `#DIV/0!`.
    Error(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// 0-based.
    pub row: u32,
    pub col: u32,
    pub value: Value,
    /// The formula's text when the cell holds one (shared formulas: empty text).
    pub formula: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sheet {
    pub name: String,
    /// Cells with a value or a formula, in document order.
    pub cells: Vec<Cell>,
    /// Top-left corner (0-based row, column) of every merged region.
    pub merged: Vec<(u32, u32)>,
}

impl Sheet {
    pub fn get(&self, row: u32, col: u32) -> Option<&Value> {
        self.cells
            .iter()
            .find(|c| c.row == row && c.col == col)
            .map(|c| &c.value)
    }

    /// The highest row holding a cell, plus one (0 for an empty sheet).
    pub fn height(&self) -> u32 {
        self.cells.iter().map(|c| c.row + 1).max().unwrap_or(0)
    }

    /// Cells by position, for readers that look cells up many times.
    pub fn index(&self) -> HashMap<(u32, u32), &Value> {
        self.cells
            .iter()
            .map(|c| ((c.row, c.col), &c.value))
            .collect()
    }
}

/// The sheet names of a workbook, in order, and the sheets that were asked for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Workbook {
    pub sheet_names: Vec<String>,
    pub sheets: Vec<Sheet>,
}

fn not_xlsx() -> CellError {
    whole("这不是 Excel 工作簿（.xlsx）文件。请在 Excel 或 WPS 中按 .xlsx 格式保存后再上传。")
}

fn damaged() -> CellError {
    whole("无法打开该 Excel 文件，文件可能已损坏或不是 .xlsx 格式。")
}

fn mib(bytes: u64) -> String {
    format!("{:.0} MB", bytes as f64 / 1024.0 / 1024.0)
}

/// Reads a workbook's sheet names and the sheets `wanted` picks (by position and name),
/// within `limits`.
pub fn read(
    bytes: &[u8],
    limits: &Limits,
    wanted: impl Fn(usize, &str) -> bool,
) -> Result<Workbook, CellError> {
    if bytes.len() > limits.max_file_bytes {
        return Err(whole(format!(
            "文件太大（{}），此类 Excel 文件不能超过 {}。",
            mib(bytes.len() as u64),
            mib(limits.max_file_bytes as u64)
        )));
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(not_xlsx());
    }
    let entries = declared_entries(bytes).ok_or_else(damaged)?;
    if entries > limits.max_entries {
        return Err(whole(format!(
            "文件内含 {entries} 个部件，超过 {} 个上限，不像是正常的 Excel 工作簿。",
            limits.max_entries
        )));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| damaged())?;
    let mut declared_total = 0u64;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|_| damaged())?;
        check_entry_size(f.name(), f.size(), f.compressed_size(), limits)?;
        declared_total = declared_total.saturating_add(f.size());
    }
    if declared_total > limits.max_total_bytes {
        return Err(inflated_too_much(limits));
    }
    let mut budget = Budget {
        left: limits.max_total_bytes,
        limits,
    };

    let rels = match entry(&mut zip, "xl/_rels/workbook.xml.rels", &mut budget)? {
        Some(xml) => relationships(&xml)?,
        None => HashMap::new(),
    };
    let book = entry(&mut zip, "xl/workbook.xml", &mut budget)?.ok_or_else(damaged)?;
    let listed = sheets_of(&book, limits)?;
    let strings = match entry(&mut zip, "xl/sharedStrings.xml", &mut budget)? {
        Some(xml) => shared_strings(&xml, limits)?,
        None => Vec::new(),
    };
    let dates = match entry(&mut zip, "xl/styles.xml", &mut budget)? {
        Some(xml) => date_styles(&xml)?,
        None => Vec::new(),
    };
    let mut out = Workbook {
        sheet_names: listed.iter().map(|(n, _)| n.clone()).collect(),
        sheets: Vec::new(),
    };
    for (i, (name, rid)) in listed.iter().enumerate() {
        if !wanted(i, name) {
            continue;
        }
        let target = rels
            .get(rid)
            .map(|t| part_path(t))
            .unwrap_or_else(|| format!("xl/worksheets/sheet{}.xml", i + 1));
        let xml = entry(&mut zip, &target, &mut budget)?.ok_or_else(damaged)?;
        out.sheets
            .push(sheet(name, &xml, &strings, &dates, limits)?);
    }
    Ok(out)
}

fn inflated_too_much(limits: &Limits) -> CellError {
    whole(format!(
        "文件解压后超过 {}，不像是正常的 Excel 工作簿（可能是压缩炸弹），已拒绝。",
        mib(limits.max_total_bytes)
    ))
}

fn check_entry_size(
    name: &str,
    size: u64,
    compressed: u64,
    limits: &Limits,
) -> Result<(), CellError> {
    if size > limits.max_entry_bytes {
        return Err(whole(format!(
            "文件中的部件“{}”解压后有 {}，超过 {} 上限，已拒绝。",
            short(name),
            mib(size),
            mib(limits.max_entry_bytes)
        )));
    }
    if size > 1024 * 1024 && size / compressed.max(1) > limits.max_ratio {
        return Err(whole(format!(
            "文件中的部件“{}”压缩比异常（超过 {} 倍，可能是压缩炸弹），已拒绝。",
            short(name),
            limits.max_ratio
        )));
    }
    Ok(())
}

fn short(name: &str) -> String {
    name.chars().filter(|c| !c.is_control()).take(60).collect()
}

/// The entry count the end-of-central-directory record declares, read before the archive
/// is opened (opening it allocates per entry). ZIP64 archives are refused: a workbook small
/// enough to upload never needs one.
fn declared_entries(bytes: &[u8]) -> Option<usize> {
    const EOCD: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];
    let min = bytes.len().checked_sub(22)?;
    let lowest = min.saturating_sub(65_535);
    let at = (lowest..=min).rev().find(|&i| bytes[i..i + 4] == EOCD)?;
    let total = u16::from_le_bytes([bytes[at + 10], bytes[at + 11]]);
    (total != 0xFFFF).then_some(usize::from(total))
}

/// The inflated bytes still allowed for the whole archive.
struct Budget<'a> {
    left: u64,
    limits: &'a Limits,
}

/// One entry, inflated within the limits (its declared size is not trusted), or None
/// when the archive has no such entry.
fn entry(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    budget: &mut Budget<'_>,
) -> Result<Option<Vec<u8>>, CellError> {
    let Some(i) = zip.index_for_name(name) else {
        return Ok(None);
    };
    let f = zip.by_index(i).map_err(|_| damaged())?;
    let compressed = f.compressed_size();
    let cap = budget.limits.max_entry_bytes.min(budget.left);
    let mut out = Vec::new();
    f.take(cap + 1)
        .read_to_end(&mut out)
        .map_err(|_| damaged())?;
    let n = out.len() as u64;
    if n > cap {
        return Err(if cap < budget.limits.max_entry_bytes {
            inflated_too_much(budget.limits)
        } else {
            whole(format!(
                "文件中的部件“{}”解压后超过 {} 上限，已拒绝。",
                short(name),
                mib(budget.limits.max_entry_bytes)
            ))
        });
    }
    check_entry_size(name, n, compressed, budget.limits)?;
    budget.left -= n;
    Ok(Some(out))
}

fn xml_error(_: impl std::fmt::Debug) -> CellError {
    damaged()
}

fn attr(e: &BytesStart<'_>, name: &[u8]) -> Result<Option<String>, CellError> {
    match e.try_get_attribute(name).map_err(xml_error)? {
        Some(a) => Ok(Some(
            a.decode_and_unescape_value(e.decoder())
                .map_err(xml_error)?
                .into_owned(),
        )),
        None => Ok(None),
    }
}

/// Relationship id → target, from `workbook.xml.rels`.
fn relationships(xml: &[u8]) -> Result<HashMap<String, String>, CellError> {
    let mut r = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = HashMap::new();
    loop {
        match r.read_event_into(&mut buf).map_err(xml_error)? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"Relationship" => {
                if let (Some(id), Some(t)) = (attr(&e, b"Id")?, attr(&e, b"Target")?) {
                    out.insert(id, t);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

/// A relationship target as an archive path: relative to `xl/`, or absolute from the root.
fn part_path(target: &str) -> String {
    match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("xl/{target}"),
    }
}

/// (name, relationship id) of each sheet, in workbook order.
fn sheets_of(xml: &[u8], limits: &Limits) -> Result<Vec<(String, String)>, CellError> {
    let mut r = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    loop {
        match r.read_event_into(&mut buf).map_err(xml_error)? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"sheet" => {
                if out.len() == limits.max_sheets {
                    return Err(whole(format!(
                        "工作簿的工作表超过 {} 个，请只保留需要上传的工作表。",
                        limits.max_sheets
                    )));
                }
                let name: String = attr(&e, b"name")?.unwrap_or_default();
                let rid = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.local_name().as_ref() == b"id")
                    .and_then(|a| {
                        a.decode_and_unescape_value(e.decoder())
                            .ok()
                            .map(|v| v.into_owned())
                    })
                    .unwrap_or_default();
                out.push((short(&name), rid));
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

/// Appends `s`, returning how many characters it added (counted once, not per event).
fn push(out: &mut String, s: &str) -> usize {
    out.push_str(s);
    s.chars().count()
}

/// A character or predefined entity reference (`&#20013;`, `&amp;`) as text.
fn reference(g: &quick_xml::events::BytesRef<'_>) -> Result<String, CellError> {
    if let Some(c) = g.resolve_char_ref().map_err(xml_error)? {
        return Ok(c.to_string());
    }
    let name = g.decode().map_err(xml_error)?;
    Ok(quick_xml::escape::resolve_predefined_entity(&name)
        .unwrap_or("")
        .to_string())
}

/// The text inside an element, up to its end tag `end`, checked against `max_chars` as it
/// grows. With `runs`, only the text of `<t>` elements counts (rich-text runs joined,
/// phonetic runs skipped): shared and inline strings. Without, all of it: `<v>`, `<f>`.
fn text_until(
    r: &mut Reader<&[u8]>,
    buf: &mut Vec<u8>,
    end: &[u8],
    runs: bool,
    max_chars: usize,
    too_long: impl Fn() -> CellError,
) -> Result<String, CellError> {
    let mut out = String::new();
    let mut count = 0usize;
    let mut in_t = !runs;
    let mut skip = 0u32;
    loop {
        match r.read_event_into(buf).map_err(xml_error)? {
            Event::Start(e) if runs => match e.local_name().as_ref() {
                b"t" if skip == 0 => in_t = true,
                b"rPh" => skip += 1,
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                n if n == end => break,
                b"t" if runs => in_t = false,
                b"rPh" if runs => skip = skip.saturating_sub(1),
                _ => {}
            },
            Event::Text(t) if in_t => {
                count += push(&mut out, &t.xml10_content().map_err(xml_error)?)
            }
            Event::CData(t) if in_t => count += push(&mut out, &t.decode().map_err(xml_error)?),
            Event::GeneralRef(g) if in_t => count += push(&mut out, &reference(&g)?),
            Event::Eof => return Err(damaged()),
            _ => {}
        }
        buf.clear();
        if count > max_chars {
            return Err(too_long());
        }
    }
    Ok(out)
}

fn shared_strings(xml: &[u8], limits: &Limits) -> Result<Vec<String>, CellError> {
    let too_many = || {
        whole(format!(
            "文件中的共享文本超过 {} 条上限，不像是正常的 Excel 工作簿。",
            limits.max_shared_strings
        ))
    };
    let too_long = || {
        whole(format!(
            "文件中的文本总长超过 {} 字上限，不像是正常的 Excel 工作簿。",
            limits.max_shared_chars
        ))
    };
    let mut r = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    let mut chars = 0usize;
    loop {
        match r.read_event_into(&mut buf).map_err(xml_error)? {
            Event::Start(e) if e.local_name().as_ref() == b"sst" => {
                let declared = attr(&e, b"uniqueCount")?
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(0);
                if declared > limits.max_shared_strings as u64 {
                    return Err(too_many());
                }
            }
            Event::Start(e) if e.local_name().as_ref() == b"si" => {
                if out.len() == limits.max_shared_strings {
                    return Err(too_many());
                }
                buf.clear();
                let s = text_until(
                    &mut r,
                    &mut buf,
                    b"si",
                    true,
                    limits.max_shared_chars,
                    too_long,
                )?;
                chars += s.chars().count();
                if chars > limits.max_shared_chars {
                    return Err(too_long());
                }
                out.push(s);
            }
            Event::Empty(e) if e.local_name().as_ref() == b"si" => {
                if out.len() == limits.max_shared_strings {
                    return Err(too_many());
                }
                out.push(String::new());
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

/// Built-in number formats that show a date or time (ECMA-376 18.8.30, with the East
/// Asian ones Excel and WPS use in Chinese).
fn builtin_date(id: u32) -> bool {
    matches!(id, 14..=22 | 27..=36 | 45..=47 | 50..=58)
}

/// A custom format code that shows a date: y, m, d, h or s outside quotes and brackets.
fn code_is_date(code: &str) -> bool {
    let mut quoted = false;
    let mut bracket = false;
    let mut escaped = false;
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            'y' | 'Y' | 'm' | 'M' | 'd' | 'D' | 'h' | 'H' | 's' | 'S' | '年' | '月' | '日'
                if !quoted && !bracket =>
            {
                return !code.eq_ignore_ascii_case("general");
            }
            _ => {}
        }
    }
    false
}

/// For each cell style (`cellXfs` index), whether it formats numbers as dates.
fn date_styles(xml: &[u8]) -> Result<Vec<bool>, CellError> {
    let mut r = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut custom: HashMap<u32, bool> = HashMap::new();
    let mut out = Vec::new();
    let mut in_xfs = false;
    loop {
        match r.read_event_into(&mut buf).map_err(xml_error)? {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"numFmt" => {
                    if let (Some(id), Some(code)) =
                        (attr(&e, b"numFmtId")?, attr(&e, b"formatCode")?)
                        && let Ok(id) = id.parse()
                        && custom.len() < 10_000
                    {
                        custom.insert(id, code_is_date(&code));
                    }
                }
                b"cellXfs" => in_xfs = true,
                b"xf" if in_xfs && out.len() < 100_000 => {
                    let id: u32 = attr(&e, b"numFmtId")?
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0);
                    out.push(custom.get(&id).copied().unwrap_or_else(|| builtin_date(id)));
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == b"cellXfs" => in_xfs = false,
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

/// "D3" → (2, 3) 0-based (row, column); None when it is not a cell reference.
fn cell_ref(r: &str) -> Option<(u32, u32)> {
    let letters = r.bytes().take_while(u8::is_ascii_alphabetic).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let col = r[..letters].bytes().try_fold(0u32, |acc, b| {
        Some(acc * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1))
    })?;
    let row: u32 = r[letters..].parse().ok()?;
    (row >= 1 && col >= 1).then(|| (row - 1, col - 1))
}

/// "A1:D200" → the bottom-right (row, column), 0-based.
fn range_end(r: &str) -> Option<(u32, u32)> {
    cell_ref(r.rsplit(':').next()?)
}

struct RawCell {
    kind: Option<String>,
    style: Option<usize>,
    value: Option<String>,
    inline: Option<String>,
    formula: Option<String>,
}

fn sheet(
    name: &str,
    xml: &[u8],
    strings: &[String],
    dates: &[bool],
    limits: &Limits,
) -> Result<Sheet, CellError> {
    let at = |row: u32, col: Option<u32>, message: String| CellError {
        sheet: name.to_string(),
        row,
        column: col.map(column_name).unwrap_or_default(),
        message,
    };
    let outside = |row: u32, col: u32| {
        at(
            row + 1,
            Some(col),
            format!(
                "超出上限：最多 {} 行、{} 列（到 {} 列），请只填写模板中的区域",
                limits.max_rows,
                limits.max_cols,
                column_name(limits.max_cols.saturating_sub(1))
            ),
        )
    };
    let mut out = Sheet {
        name: name.to_string(),
        ..Default::default()
    };
    let mut r = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut cells_read = 0u64;
    let mut row: u32 = 0;
    let mut next_col: u32 = 0;
    let mut rows_seen = false;
    loop {
        let (e, empty) = match r.read_event_into(&mut buf).map_err(xml_error)? {
            Event::Start(e) => (e.into_owned(), false),
            Event::Empty(e) => (e.into_owned(), true),
            Event::Eof => break,
            _ => {
                buf.clear();
                continue;
            }
        };
        buf.clear();
        match e.local_name().as_ref() {
            b"dimension" => {
                if let Some((r_end, c_end)) = attr(&e, b"ref")?.as_deref().and_then(range_end)
                    && (r_end >= limits.max_rows || c_end >= limits.max_cols)
                {
                    return Err(at(
                        0,
                        None,
                        format!(
                            "工作表“{name}”的范围到 {}{} 为止，超过上限（最多 {} 行、{} 列），请只填写模板中的区域。",
                            column_name(c_end),
                            u64::from(r_end) + 1,
                            limits.max_rows,
                            limits.max_cols
                        ),
                    ));
                }
            }
            b"row" => {
                row = match attr(&e, b"r")?.and_then(|v| v.parse::<u32>().ok()) {
                    Some(n) if n >= 1 => n - 1,
                    _ if rows_seen => row.saturating_add(1),
                    _ => 0,
                };
                rows_seen = true;
                next_col = 0;
                if row >= limits.max_rows {
                    return Err(outside(row, 0));
                }
            }
            b"c" => {
                cells_read += 1;
                if cells_read > limits.max_cells {
                    return Err(at(
                        0,
                        None,
                        format!(
                            "工作表“{name}”的单元格超过 {} 个上限，请只填写模板中的区域。",
                            limits.max_cells
                        ),
                    ));
                }
                let (cr, cc) = match attr(&e, b"r")?.as_deref().and_then(cell_ref) {
                    Some(p) => p,
                    None => (row, next_col),
                };
                if cr >= limits.max_rows || cc >= limits.max_cols {
                    return Err(outside(cr, cc));
                }
                next_col = cc + 1;
                let mut raw = RawCell {
                    kind: attr(&e, b"t")?,
                    style: attr(&e, b"s")?.and_then(|v| v.parse().ok()),
                    value: None,
                    inline: None,
                    formula: None,
                };
                if !empty {
                    cell_body(&mut r, &mut buf, &mut raw, limits)
                        .map_err(|m| at(cr + 1, Some(cc), m))?;
                }
                let value = value_of(&raw, strings, dates).map_err(|m| at(cr + 1, Some(cc), m))?;
                if value.is_some() || raw.formula.is_some() {
                    out.cells.push(Cell {
                        row: cr,
                        col: cc,
                        value: value.unwrap_or(Value::Text(String::new())),
                        formula: raw.formula,
                    });
                }
            }
            b"mergeCell" => {
                if out.merged.len() as u64 >= limits.max_cells {
                    return Err(at(0, None, "合并单元格过多，请取消合并后再上传".into()));
                }
                if let Some(start) = attr(&e, b"ref")?
                    .as_deref()
                    .and_then(|r| r.split(':').next())
                    .and_then(cell_ref)
                {
                    out.merged.push(start);
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// The inside of a `<c>` element: its value, inline string and formula.
fn cell_body(
    r: &mut Reader<&[u8]>,
    buf: &mut Vec<u8>,
    raw: &mut RawCell,
    limits: &Limits,
) -> Result<(), String> {
    let too_long = || CellError {
        sheet: String::new(),
        row: 0,
        column: String::new(),
        message: format!("内容超过 {} 字上限", limits.max_cell_chars),
    };
    let as_message = |e: CellError| e.message;
    loop {
        match r
            .read_event_into(buf)
            .map_err(|_| "文件已损坏".to_string())?
        {
            Event::Start(e) => match e.local_name().as_ref() {
                b"v" => {
                    buf.clear();
                    raw.value = Some(
                        text_until(r, buf, b"v", false, limits.max_cell_chars, too_long)
                            .map_err(as_message)?,
                    );
                }
                b"f" => {
                    buf.clear();
                    raw.formula = Some(
                        text_until(r, buf, b"f", false, limits.max_cell_chars, too_long)
                            .map_err(as_message)?,
                    );
                }
                b"is" => {
                    buf.clear();
                    raw.inline = Some(
                        text_until(r, buf, b"is", true, limits.max_cell_chars, too_long)
                            .map_err(as_message)?,
                    );
                }
                _ => {}
            },
            Event::Empty(e) if e.local_name().as_ref() == b"f" => raw.formula = Some(String::new()),
            Event::End(e) if e.local_name().as_ref() == b"c" => break,
            Event::Eof => return Err("文件已损坏".into()),
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

fn value_of(raw: &RawCell, strings: &[String], dates: &[bool]) -> Result<Option<Value>, String> {
    let v = raw.value.as_deref();
    Ok(match raw.kind.as_deref() {
        Some("s") => match v.map(str::trim) {
            None | Some("") => None,
            Some(i) => {
                let s = i
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| strings.get(i))
                    .ok_or("文件已损坏（文本编号无效）")?;
                Some(Value::Text(s.clone()))
            }
        },
        Some("inlineStr") => raw.inline.clone().map(Value::Text),
        Some("str") => v.map(|s| Value::Text(s.to_string())),
        Some("b") => v.map(|s| Value::Bool(s.trim() == "1")),
        Some("e") => v.map(|s| Value::Error(s.to_string())),
        Some("d") => v.map(|s| Value::Text(s.trim().to_string())),
        _ => match v.map(str::trim) {
            None | Some("") => None,
            Some(n) => {
                let f: f64 = n.parse().map_err(|_| format!("“{n}”不是有效的数值"))?;
                if !f.is_finite() {
                    return Err(format!("“{n}”不是有效的数值"));
                }
                let is_date = raw
                    .style
                    .and_then(|s| dates.get(s))
                    .copied()
                    .unwrap_or(false);
                Some(if is_date {
                    Value::Date(f)
                } else {
                    Value::Number(f)
                })
            }
        },
    })
}
