//! A claim's invoices as a list: 发票代码 | 发票号码 | 开票日期 | 销售方 | 购买方 | 金额（元）|
//! 税额（元）, one invoice a row. The reader names every cell problem; what the values mean
//! for a claim (dates not in the future, no duplicates) the claim's own checks decide.

use super::grid::{self, Value};
use super::{CellError, common_problems, whole};

pub const INVOICE_SHEET: &str = "发票清单";
/// Invoices one list may carry (as one claim may).
pub const MAX_INVOICE_ROWS: u32 = 100;
const HEADERS: [&str; 7] = [
    "发票代码",
    "发票号码",
    "开票日期",
    "销售方",
    "购买方",
    "金额（元）",
    "税额（元）",
];

/// One invoice as the list gives it: amounts in 分, the date as YYYY-MM-DD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceRow {
    pub code: String,
    pub number: String,
    pub date: String,
    pub seller: String,
    pub buyer: String,
    pub amount_fen: i64,
    pub tax_fen: i64,
}

/// A blank list with its header; the code and number columns are text, so that leading
/// zeros survive.
pub fn invoice_template() -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(INVOICE_SHEET).map_err(|e| e.to_string())?;
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    for (c, h) in HEADERS.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, *h, &bold)
            .map_err(|e| e.to_string())?;
        ws.set_column_width(c, 18).map_err(|e| e.to_string())?;
    }
    ws.set_column_format(0, &text).map_err(|e| e.to_string())?;
    ws.set_column_format(1, &text).map_err(|e| e.to_string())?;
    wb.save_to_buffer().map_err(|e| e.to_string())
}

const LIMITS: grid::Limits = grid::Limits::small(MAX_INVOICE_ROWS + 1, 26);

/// 元 as typed or stored (a number, or text such as "1,200.50") in 分; None when it is not
/// an amount with at most two decimals.
fn fen(v: &Value) -> Option<i64> {
    let s = match v {
        Value::Number(f) => format!("{f}"),
        Value::Text(t) => t.trim().replace([',', '，'], ""),
        _ => return None,
    };
    jianguan_domain::Money::parse_yuan(&s).ok().map(|m| m.fen())
}

/// Reads a list: one sheet, the header as in the template, no merged cells or formulas;
/// every row with anything in it must have a number, a date, a seller and an amount.
pub fn read_invoices(bytes: &[u8]) -> Result<Vec<InvoiceRow>, Vec<CellError>> {
    let wb = grid::read(bytes, &LIMITS, |i, _| i == 0).map_err(|e| vec![e])?;
    let sheet = &super::only_sheet(wb, "发票清单")?;
    let mut errors = common_problems(sheet);
    let at = |row: u32, col: u32, message: String| super::cell_error(sheet, row, col, message);
    let cells = sheet.index();
    let text = |r: u32, c: u32| -> String {
        match cells.get(&(r, c)) {
            Some(Value::Text(s)) => s.trim().to_string(),
            Some(Value::Number(f)) => format!("{f:.0}"),
            _ => String::new(),
        }
    };
    for (c, h) in HEADERS.iter().enumerate() {
        if text(0, c as u32) != *h {
            errors.push(at(
                0,
                c as u32,
                format!("第一行应为表头“{}”，请使用下载的模板", HEADERS.join(" | ")),
            ));
            return Err(errors);
        }
    }
    let mut out = Vec::new();
    for r in 1..sheet.height() {
        let blank = |c: u32| match cells.get(&(r, c)) {
            None => true,
            Some(Value::Text(t)) => t.trim().is_empty(),
            Some(_) => false,
        };
        if (0..7).all(blank) {
            continue;
        }
        let number = text(r, 1);
        if number.is_empty() {
            errors.push(at(r, 1, "缺少发票号码".into()));
        }
        let date = match cells.get(&(r, 2)) {
            Some(Value::Date(d)) => super::serial_date(*d).map(|d| d.to_string()),
            Some(Value::Text(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            _ => None,
        };
        if date.is_none() {
            errors.push(at(r, 2, "缺少开票日期（如 2026-05-21）".into()));
        }
        let seller = text(r, 3);
        if seller.is_empty() {
            errors.push(at(r, 3, "缺少销售方名称".into()));
        }
        let amount = match cells.get(&(r, 5)) {
            None => {
                errors.push(at(r, 5, "缺少金额".into()));
                None
            }
            Some(v) => fen(v).or_else(|| {
                errors.push(at(r, 5, "金额应为数字，最多两位小数".into()));
                None
            }),
        };
        let tax = match cells.get(&(r, 6)) {
            None => Some(0),
            Some(Value::Text(s)) if s.trim().is_empty() => Some(0),
            Some(v) => fen(v).or_else(|| {
                errors.push(at(r, 6, "税额应为数字，最多两位小数".into()));
                None
            }),
        };
        if let (Some(date), Some(amount_fen), Some(tax_fen)) = (date, amount, tax) {
            out.push(InvoiceRow {
                code: text(r, 0),
                number,
                date,
                seller,
                buyer: text(r, 4),
                amount_fen,
                tax_fen,
            });
        }
    }
    if out.is_empty() && errors.is_empty() {
        errors.push(whole("发票清单中没有发票，请在表头下逐行填写"));
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
    use rust_xlsxwriter::Workbook;

    fn sheet(fill: impl Fn(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(INVOICE_SHEET).unwrap();
        for (c, h) in HEADERS.iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        fill(ws);
        wb.save_to_buffer().unwrap()
    }

    #[test]
    fn the_template_reads_back_empty_and_says_so() {
        let t = invoice_template().unwrap();
        let e = read_invoices(&t).unwrap_err();
        assert!(e[0].message.contains("没有发票"));
    }

    #[test]
    fn a_filled_list_reads_with_dates_amounts_and_leading_zeros() {
        let bytes = sheet(|ws| {
            ws.write_string(1, 0, "1400221130").unwrap();
            ws.write_string(1, 1, "04512876").unwrap();
            let d = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 5, 21).unwrap();
            let f = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
            ws.write_date_with_format(1, 2, &d, &f).unwrap();
            ws.write_string(1, 3, "山西晋丰建材有限公司").unwrap();
            ws.write_number(1, 5, 1234.5).unwrap();
            ws.write_string(1, 6, "61.73").unwrap();
        });
        let rows = read_invoices(&bytes).unwrap();
        assert_eq!(
            rows,
            vec![InvoiceRow {
                code: "1400221130".into(),
                number: "04512876".into(),
                date: "2026-05-21".into(),
                seller: "山西晋丰建材有限公司".into(),
                buyer: String::new(),
                amount_fen: 123_450,
                tax_fen: 6_173,
            }]
        );
    }

    #[test]
    fn every_cell_problem_is_named() {
        let bytes = sheet(|ws| {
            ws.write_string(1, 3, "某公司").unwrap();
            ws.write_string(1, 5, "一千元").unwrap();
            ws.write_formula(2, 5, "=1+1").unwrap();
            ws.write_string(2, 1, "1").unwrap();
            ws.write_string(2, 2, "2026-05-01").unwrap();
            ws.write_string(2, 3, "某公司").unwrap();
            ws.write_number(2, 6, 1.234).unwrap();
        });
        let e: Vec<String> = read_invoices(&bytes)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        let all = e.join("\n");
        for want in [
            "B2 单元格：缺少发票号码",
            "C2 单元格：缺少开票日期",
            "F2 单元格：金额应为数字",
            "F3 单元格：是公式",
            "G3 单元格：税额应为数字",
        ] {
            assert!(all.contains(want), "{want} in\n{all}");
        }
    }

    #[test]
    fn a_wrong_header_or_too_many_rows_is_refused_whole() {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "编号").unwrap();
        let e = read_invoices(&wb.save_to_buffer().unwrap()).unwrap_err();
        assert!(e[0].message.contains("表头"));
        let bytes = sheet(|ws| {
            for r in 1..=MAX_INVOICE_ROWS + 5 {
                ws.write_string(r, 1, "1").unwrap();
            }
        });
        assert!(read_invoices(&bytes).is_err());
    }
}
