//! The operating-data workbook: a template with one row per metric, filled in in Excel or
//! WPS and uploaded again. Reading it checks the whole file before anything is used: one
//! sheet only, no merged cells, no formulas, a bounded number of rows, numbers where
//! numbers belong; every problem is reported with its sheet, row and column.

use super::grid::{self, Value};
use super::{CellError, common_problems, whole};

pub const SHEET: &str = "生产经营数据";
/// Rows a filled-in template may have; a county's metric list is a handful.
pub const MAX_ROWS: u32 = 200;
/// What a filled-in template may cost: 200 rows of columns A–Z.
const LIMITS: grid::Limits = grid::Limits::small(MAX_ROWS, 26);

/// One metric row of the template.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricRow {
    pub code: String,
    pub name: String,
    pub unit: String,
}

/// The template for one enterprise and month: B1 the month, then code, name, unit and an
/// empty value column per metric. The code column is what is read back; it is hidden, so
/// the person filling the sheet sees names, units and values only.
pub fn template(enterprise: &str, month: &str, metrics: &[MetricRow]) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(SHEET).map_err(|e| e.to_string())?;
    let bold = Format::new().set_bold();
    let e = |r: Result<&mut rust_xlsxwriter::Worksheet, rust_xlsxwriter::XlsxError>| {
        r.map(|_| ()).map_err(|e| e.to_string())
    };
    e(ws.write_string_with_format(0, 0, "报送月份", &bold))?;
    e(ws.write_string(0, 1, month))?;
    e(ws.write_string(0, 2, enterprise))?;
    for (c, h) in ["指标代码", "指标名称", "单位", "数值"].iter().enumerate() {
        e(ws.write_string_with_format(1, c as u16, *h, &bold))?;
    }
    for (i, m) in metrics.iter().enumerate() {
        let r = i as u32 + 2;
        e(ws.write_string(r, 0, &m.code))?;
        e(ws.write_string(r, 1, &m.name))?;
        e(ws.write_string(r, 2, &m.unit))?;
    }
    ws.set_column_width(0, 20).map_err(|e| e.to_string())?;
    ws.set_column_hidden(0).map_err(|e| e.to_string())?;
    ws.set_column_width(1, 24).map_err(|e| e.to_string())?;
    ws.set_column_width(3, 16).map_err(|e| e.to_string())?;
    wb.save_to_buffer().map_err(|e| e.to_string())
}

/// A filled-in template, read back: the month in B1 and, per metric code, the value as a
/// number (None when left empty).
#[derive(Debug, Clone, PartialEq)]
pub struct Filled {
    pub month: String,
    pub values: Vec<(String, Option<f64>)>,
}

/// Reads an uploaded workbook; all problems at once, or the values.
pub fn read(bytes: &[u8]) -> Result<Filled, Vec<CellError>> {
    let wb = grid::read(bytes, &LIMITS, |_, name| name == SHEET).map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    if wb.sheet_names.len() != 1 {
        errors.push(whole(format!(
            "工作簿应只有一个工作表“{SHEET}”，现有 {} 个：{}。请删除多余的工作表。",
            wb.sheet_names.len(),
            wb.sheet_names.join("、")
        )));
    }
    let Some(sheet) = wb.sheets.first() else {
        errors.push(whole(format!("找不到工作表“{SHEET}”，请使用下载的模板。")));
        return Err(errors);
    };
    errors.extend(common_problems(sheet));
    let at = |row: u32, col: u32, message: String| super::cell_error(sheet, row, col, message);
    let cells = sheet.index();
    let text = |v: Option<&&Value>| -> String {
        match v {
            Some(Value::Text(s)) => s.trim().to_string(),
            Some(Value::Number(f)) => f.to_string(),
            // Excel turns a typed "2026-10" into a date: read it back as its month.
            Some(Value::Date(d)) => super::serial_date(*d)
                .map(|x| x.format("%Y-%m").to_string())
                .unwrap_or_default(),
            Some(Value::Bool(b)) => b.to_string(),
            Some(Value::Error(e)) => e.clone(),
            None => String::new(),
        }
    };
    let month = text(cells.get(&(0, 1)));
    if month.is_empty() {
        errors.push(at(0, 1, "缺少报送月份（如 2026-05）".into()));
    }
    let mut values = Vec::new();
    for r in 2..sheet.height() {
        let code = text(cells.get(&(r, 0)));
        let value = cells.get(&(r, 3)).copied();
        if code.is_empty() {
            if value.is_some_and(|v| *v != Value::Text(String::new())) {
                errors.push(at(r, 0, "填写了数值但缺少指标代码".into()));
            }
            continue;
        }
        let v = match value {
            None => None,
            Some(Value::Number(f)) => Some(*f),
            Some(Value::Text(s)) if s.trim().is_empty() => None,
            Some(Value::Text(s)) => match s.trim().replace(',', "").parse::<f64>() {
                Ok(f) if f.is_finite() => Some(f),
                _ => {
                    errors.push(at(r, 3, format!("“{}”不是数字，请填写数值", s.trim())));
                    None
                }
            },
            Some(other) => {
                let shown = match other {
                    Value::Date(_) => "日期".to_string(),
                    Value::Bool(b) => b.to_string(),
                    Value::Error(e) => e.clone(),
                    _ => String::new(),
                };
                errors.push(at(r, 3, format!("“{shown}”不是数字，请填写数值")));
                None
            }
        };
        values.push((code, v));
    }
    if errors.is_empty() {
        Ok(Filled { month, values })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::{Format, Workbook};

    fn metrics() -> Vec<MetricRow> {
        vec![
            MetricRow {
                code: "orders".into(),
                name: "网络订单数".into(),
                unit: "单".into(),
            },
            MetricRow {
                code: "online_sales_fen".into(),
                name: "农产品网络零售额".into(),
                unit: "元".into(),
            },
        ]
    }

    /// The template, filled by `fill` on its one sheet.
    fn filled(fill: impl Fn(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(SHEET).unwrap();
        ws.write_string(0, 0, "报送月份").unwrap();
        ws.write_string(0, 1, "2026-10").unwrap();
        for (i, m) in metrics().iter().enumerate() {
            ws.write_string(i as u32 + 2, 0, &m.code).unwrap();
        }
        fill(ws);
        wb.save_to_buffer().unwrap()
    }

    #[test]
    fn the_template_reads_back() {
        let t = template("企业", "2026-10", &metrics()).unwrap();
        let f = read(&t).unwrap();
        assert_eq!(f.month, "2026-10");
        assert_eq!(
            f.values,
            vec![("orders".into(), None), ("online_sales_fen".into(), None)]
        );
        let ok = filled(|ws| {
            ws.write_number(2, 3, 120.0).unwrap();
            ws.write_string(3, 3, "12,500.50").unwrap();
        });
        assert_eq!(read(&ok).unwrap().values[1].1, Some(12500.5));
    }

    /// The machine keys stay out of sight: column A (the metric codes) is hidden.
    #[test]
    fn the_metric_codes_are_hidden_from_the_person_filling_in() {
        use std::io::Read;
        let t = template("企业", "2026-10", &metrics()).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(t)).unwrap();
        let mut sheet = String::new();
        zip.by_name("xl/worksheets/sheet1.xml")
            .unwrap()
            .read_to_string(&mut sheet)
            .unwrap();
        let first_col = sheet
            .split("<col ")
            .nth(1)
            .and_then(|c| c.split("/>").next())
            .unwrap_or_default();
        assert!(
            first_col.contains("min=\"1\"") && first_col.contains("hidden=\"1\""),
            "{first_col}"
        );
    }

    #[test]
    fn every_problem_is_named_by_sheet_row_and_column() {
        let text = filled(|ws| {
            ws.write_string(2, 3, "一百").unwrap();
        });
        let e = read(&text).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].row, e[0].column.as_str()), (3, "D"));
        assert!(
            e[0].to_string().contains("D3") && e[0].to_string().contains("不是数字"),
            "{}",
            e[0]
        );

        let formula = filled(|ws| {
            ws.write_formula(2, 3, "=1+1").unwrap();
        });
        let e = read(&formula).unwrap_err();
        assert!(
            e.iter()
                .any(|x| x.message.contains("公式") && x.column == "D" && x.row == 3),
            "{e:?}"
        );

        let merged = filled(|ws| {
            ws.merge_range(2, 3, 3, 3, "", &Format::new()).unwrap();
        });
        let e = read(&merged).unwrap_err();
        assert!(e.iter().any(|x| x.message.contains("合并单元格")), "{e:?}");

        let mut wb = Workbook::new();
        wb.add_worksheet().set_name(SHEET).unwrap();
        wb.add_worksheet().set_name("Sheet2").unwrap();
        let e = read(&wb.save_to_buffer().unwrap()).unwrap_err();
        assert!(e[0].message.contains("只有一个工作表") && e[0].message.contains("Sheet2"));

        let long = filled(|ws| {
            ws.write_number(100_000, 0, 1.0).unwrap();
        });
        let e = read(&long).unwrap_err();
        assert!(e[0].message.contains("上限"), "{e:?}");

        for not_xlsx in [
            b"%PDF-1.4".to_vec(),
            b"a,b,c\n1,2,3".to_vec(),
            b"PK\x03\x04garbage".to_vec(),
        ] {
            let e = read(&not_xlsx).unwrap_err();
            assert!(e[0].message.contains(".xlsx"), "{e:?}");
        }
    }
}
