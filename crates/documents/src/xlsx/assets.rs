//! The contractor's asset ledger as a sheet (资产台账), one line a row, in the columns of
//! [`ASSET_HEADERS`]: the template to fill, and the reader that turns each row into its
//! cells as text (numbers without their float noise, dates as YYYY-MM-DD). What the text
//! means — a category, a project, a tag — the ledger's own checks decide, naming the cell.

use super::grid::{self, Value};
use super::{CellError, common_problems, whole};

pub const ASSET_SHEET: &str = "资产台账";
/// Lines one file may carry: an enterprise's ledger is tens to hundreds of lines; a
/// bigger one comes in several files, and a file of thousands is refused before it is read.
pub const MAX_ASSET_ROWS: u32 = 1_000;
pub const ASSET_HEADERS: [&str; 17] = [
    "标签编号",
    "资产名称",
    "资产类型",
    "资产类别",
    "规格型号",
    "数量",
    "计量单位",
    "原值（元）",
    "购置日期",
    "发票代码及号码",
    "中央财政资金",
    "所属项目",
    "乡镇",
    "村（社区）",
    "存放地址",
    "保管人",
    "资产状态",
];

/// One filled row: its number as Excel shows it, and its cells as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetRow {
    pub row: u32,
    pub cells: Vec<String>,
}

/// A blank ledger with its header; the tag and invoice columns are text (leading zeros).
pub fn asset_template() -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(ASSET_SHEET).map_err(|e| e.to_string())?;
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    for (c, h) in ASSET_HEADERS.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, *h, &bold)
            .map_err(|e| e.to_string())?;
        ws.set_column_width(c, 14).map_err(|e| e.to_string())?;
    }
    for c in [0u16, 9] {
        ws.set_column_format(c, &text).map_err(|e| e.to_string())?;
    }
    wb.save_to_buffer().map_err(|e| e.to_string())
}

const LIMITS: grid::Limits = grid::Limits::small(MAX_ASSET_ROWS + 1, 20);

/// The problem at column `col` of Excel row `row` (1-based) of the ledger sheet.
pub fn asset_cell_error(row: u32, col: usize, message: impl Into<String>) -> CellError {
    CellError {
        sheet: ASSET_SHEET.into(),
        row,
        column: super::column_name(col as u32),
        message: message.into(),
    }
}

/// Reads a ledger: one sheet, the header as in the template, no merged cells or formulas;
/// blank rows are skipped. Each cell comes back as text.
pub fn read_assets(bytes: &[u8]) -> Result<Vec<AssetRow>, Vec<CellError>> {
    let wb = grid::read(bytes, &LIMITS, |i, _| i == 0).map_err(|e| vec![e])?;
    let sheet = &super::only_sheet(wb, "资产台账")?;
    let mut errors = common_problems(sheet);
    let cells = sheet.index();
    let text = |r: u32, c: u32| -> String {
        match cells.get(&(r, c)) {
            Some(Value::Text(s)) => s.trim().to_string(),
            Some(Value::Number(f)) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
            Some(Value::Number(f)) => format!("{f}"),
            Some(Value::Date(d)) => super::serial_date(*d)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            _ => String::new(),
        }
    };
    for (c, h) in ASSET_HEADERS.iter().enumerate() {
        if text(0, c as u32) != *h {
            errors.push(super::cell_error(
                sheet,
                0,
                c as u32,
                format!(
                    "第一行应为表头“{}”，请使用下载的模板",
                    ASSET_HEADERS.join(" | ")
                ),
            ));
            return Err(errors);
        }
    }
    let mut out = Vec::new();
    for r in 1..sheet.height() {
        let row: Vec<String> = (0..ASSET_HEADERS.len() as u32)
            .map(|c| text(r, c))
            .collect();
        if row.iter().all(String::is_empty) {
            continue;
        }
        out.push(AssetRow {
            row: r + 1,
            cells: row,
        });
    }
    if out.is_empty() && errors.is_empty() {
        errors.push(whole("资产台账中没有资产，请在表头下逐行填写"));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_reads_back_empty_and_says_so() {
        let e = read_assets(&asset_template().unwrap()).unwrap_err();
        assert!(e[0].message.contains("没有资产"));
    }

    #[test]
    fn a_filled_row_reads_as_text_with_dates_and_whole_numbers() {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(ASSET_SHEET).unwrap();
        for (c, h) in ASSET_HEADERS.iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        ws.write_string(1, 1, "冷藏展示柜").unwrap();
        ws.write_number(1, 5, 2.0).unwrap();
        ws.write_number(1, 7, 12000.5).unwrap();
        let d = ExcelDateTime::from_ymd(2026, 3, 15).unwrap();
        ws.write_date_with_format(1, 8, &d, &Format::new().set_num_format("yyyy-mm-dd"))
            .unwrap();
        let rows = read_assets(&wb.save_to_buffer().unwrap()).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].row, 2);
        assert_eq!(rows[0].cells[1], "冷藏展示柜");
        assert_eq!(rows[0].cells[5], "2");
        assert_eq!(rows[0].cells[7], "12000.5");
        assert_eq!(rows[0].cells[8], "2026-03-15");
    }
}
