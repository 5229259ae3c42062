//! Spreadsheets in and out. Every upload is read by [`grid`], which bounds what a file may
//! cost before anything is allocated; the readers of each kind of sheet (the month's
//! operating data, a training roster) check what the cells mean and report every problem
//! with its sheet, row and column.

mod assets;
mod data;
pub mod grid;
mod invoices;
mod roster;
pub mod table;

pub use assets::{
    ASSET_HEADERS, ASSET_SHEET, AssetRow, MAX_ASSET_ROWS, asset_cell_error, asset_template,
    read_assets,
};
pub use data::{Filled, MAX_ROWS, MetricRow, SHEET, read, template};
pub use invoices::{INVOICE_SHEET, InvoiceRow, MAX_INVOICE_ROWS, invoice_template, read_invoices};
pub use roster::{MAX_TRAINEES, ROSTER_SHEET, Trainee, read_roster, roster_template};

/// A problem in an uploaded workbook, where a person can find it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    pub sheet: String,
    /// 1-based, as Excel shows them; 0 when the problem is the whole file or sheet.
    pub row: u32,
    /// "A", "B", … ; empty when the problem is not one cell's.
    pub column: String,
    pub message: String,
}

impl std::fmt::Display for CellError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.row, self.column.as_str()) {
            (0, _) => write!(f, "{}", self.message),
            (r, "") => write!(f, "工作表“{}”第 {r} 行：{}", self.sheet, self.message),
            (r, c) => write!(f, "工作表“{}”{c}{r} 单元格：{}", self.sheet, self.message),
        }
    }
}

pub(crate) fn whole(message: impl Into<String>) -> CellError {
    CellError {
        sheet: String::new(),
        row: 0,
        column: String::new(),
        message: message.into(),
    }
}

/// 0 → "A", 25 → "Z", 26 → "AA".
pub(crate) fn column_name(c: u32) -> String {
    let mut n = u64::from(c) + 1;
    let mut s = String::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.insert(0, (b'A' + r as u8) as char);
        n = (n - 1) / 26;
    }
    s
}

/// A problem at a cell of `sheet` (0-based `row` and `col`, shown 1-based as Excel does).
pub(crate) fn cell_error(sheet: &grid::Sheet, row: u32, col: u32, message: String) -> CellError {
    CellError {
        sheet: sheet.name.clone(),
        row: row + 1,
        column: column_name(col),
        message,
    }
}

/// The problems every sheet read for its values must not have: merged cells, formulas,
/// and text no field may hold (control characters, direction overrides).
pub(crate) fn common_problems(sheet: &grid::Sheet) -> Vec<CellError> {
    use jianguan_domain::text::{Lines, problem};
    let at = |row: u32, col: u32, message: String| cell_error(sheet, row, col, message);
    let mut errors = Vec::new();
    for &(r, c) in &sheet.merged {
        errors.push(at(r, c, "有合并单元格，请取消合并后再上传".into()));
    }
    for cell in &sheet.cells {
        if let Some(f) = &cell.formula {
            let shown: String = f.chars().take(40).collect();
            errors.push(at(
                cell.row,
                cell.col,
                if shown.trim().is_empty() {
                    "是公式，请改为直接填写".into()
                } else {
                    format!("是公式（={shown}），请改为直接填写")
                },
            ));
        } else if let grid::Value::Text(t) = &cell.value
            && let Some(p) = problem(t, Lines::One)
        {
            errors.push(at(cell.row, cell.col, p));
        }
    }
    errors
}

/// The one sheet a single-sheet upload (a roster, an invoice list) must have; `what` names
/// the file in the message.
pub(crate) fn only_sheet(wb: grid::Workbook, what: &str) -> Result<grid::Sheet, Vec<CellError>> {
    if wb.sheet_names.len() != 1 {
        return Err(vec![whole(format!(
            "{what}应只有一个工作表，现有 {} 个：{}。",
            wb.sheet_names.len(),
            wb.sheet_names.join("、")
        ))]);
    }
    wb.sheets
        .into_iter()
        .next()
        .ok_or_else(|| vec![whole("无法读取工作表内容，文件可能已损坏。")])
}

/// An Excel serial day (1900 date system) as a date.
pub(crate) fn serial_date(serial: f64) -> Option<chrono::NaiveDate> {
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?;
    (0.0..2_958_466.0)
        .contains(&serial)
        .then(|| base.checked_add_days(chrono::Days::new(serial as u64)))
        .flatten()
}

#[cfg(test)]
mod tests;
