//! The operating-data workbook: a template with one row per metric, filled in in Excel or
//! WPS and uploaded again. Reading it checks the whole file before anything is used: one
//! sheet only, no merged cells, no formulas, a bounded number of rows, numbers where
//! numbers belong; every problem is reported with its sheet, row and column.

use calamine::{Data, Reader, Xlsx};
use std::io::Cursor;

pub const SHEET: &str = "生产经营数据";
/// Rows a filled-in template may have; a county's metric list is a handful.
pub const MAX_ROWS: u32 = 200;

/// One metric row of the template.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricRow {
    pub code: String,
    pub name: String,
    pub unit: String,
}

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

fn whole(message: impl Into<String>) -> CellError {
    CellError {
        sheet: String::new(),
        row: 0,
        column: String::new(),
        message: message.into(),
    }
}

fn column_name(c: u32) -> String {
    let mut n = c + 1;
    let mut s = String::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.insert(0, (b'A' + r as u8) as char);
        n = (n - 1) / 26;
    }
    s
}

/// The template for one enterprise and month: B1 the month, then code, name, unit and an
/// empty value column per metric. The code column is what is read back; names are for
/// people.
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
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(vec![whole(
            "这不是 Excel 工作簿（.xlsx）文件。请下载模板，在 Excel 或 WPS 中填写后按 .xlsx 格式保存再上传。",
        )]);
    }
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| {
        vec![whole(
            "无法打开该 Excel 文件，文件可能已损坏或不是 .xlsx 格式。",
        )]
    })?;
    let names = wb.sheet_names().to_vec();
    let mut errors = Vec::new();
    if names.len() != 1 {
        errors.push(whole(format!(
            "工作簿应只有一个工作表“{SHEET}”，现有 {} 个：{}。请删除多余的工作表。",
            names.len(),
            names.join("、")
        )));
    }
    let Some(sheet) = names.iter().find(|n| *n == SHEET).cloned() else {
        errors.push(whole(format!("找不到工作表“{SHEET}”，请使用下载的模板。")));
        return Err(errors);
    };
    let at = |row: u32, col: u32, message: String| CellError {
        sheet: sheet.clone(),
        row: row + 1,
        column: column_name(col),
        message,
    };
    let range = wb
        .worksheet_range(&sheet)
        .map_err(|_| vec![whole("无法读取工作表内容，文件可能已损坏。")])?;
    if range.height() as u32 > MAX_ROWS {
        errors.push(CellError {
            sheet: sheet.clone(),
            row: 0,
            column: String::new(),
            message: format!(
                "工作表有 {} 行，超过 {MAX_ROWS} 行上限，请只填写模板中的指标。",
                range.height()
            ),
        });
        return Err(errors);
    }
    if let Ok(()) = wb.load_merged_regions() {
        for region in wb.merged_regions_by_sheet(&sheet) {
            let (r, c) = region.2.start;
            errors.push(at(r, c, "有合并单元格，请取消合并后再上传".into()));
        }
    }
    if let Ok(formulas) = wb.worksheet_formula(&sheet) {
        let (r0, c0) = formulas.start().unwrap_or((0, 0));
        for (r, c, f) in formulas.used_cells() {
            if !f.trim().is_empty() {
                errors.push(at(
                    r0 + r as u32,
                    c0 + c as u32,
                    format!("是公式（={f}），请改为直接填写数值"),
                ));
            }
        }
    }
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let cell = |r: u32, c: u32| -> Option<&Data> {
        if r < r0 || c < c0 {
            return None;
        }
        range.get(((r - r0) as usize, (c - c0) as usize))
    };
    let text = |d: Option<&Data>| -> String {
        match d {
            Some(Data::String(s)) => s.trim().to_string(),
            Some(Data::Float(f)) => f.to_string(),
            Some(Data::Int(i)) => i.to_string(),
            Some(Data::DateTimeIso(s)) => s.clone(),
            // Excel turns a typed "2026-10" into a date: read it back as its month.
            Some(Data::DateTime(d)) => chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                .and_then(|base| {
                    base.checked_add_days(chrono::Days::new(d.as_f64().max(0.0) as u64))
                })
                .map(|x| x.format("%Y-%m").to_string())
                .unwrap_or_default(),
            _ => String::new(),
        }
    };
    let month = text(cell(0, 1));
    if month.is_empty() {
        errors.push(at(0, 1, "缺少报送月份（如 2026-05）".into()));
    }
    let end = r0 + range.height() as u32;
    let mut values = Vec::new();
    for r in 2..end {
        let code = text(cell(r, 0));
        let value = cell(r, 3);
        if code.is_empty() {
            if value.is_some_and(|v| !matches!(v, Data::Empty)) {
                errors.push(at(r, 0, "填写了数值但缺少指标代码".into()));
            }
            continue;
        }
        let v = match value {
            None | Some(Data::Empty) => None,
            Some(Data::Float(f)) => Some(*f),
            Some(Data::Int(i)) => Some(*i as f64),
            Some(Data::String(s)) => match s.trim().replace(',', "").parse::<f64>() {
                Ok(f) => Some(f),
                Err(_) => {
                    errors.push(at(r, 3, format!("“{}”不是数字，请填写数值", s.trim())));
                    None
                }
            },
            Some(other) => {
                errors.push(at(r, 3, format!("“{other}”不是数字，请填写数值")));
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

/// The roster sheet of a training class.
pub const ROSTER_SHEET: &str = "学员名单";
/// Trainees a roster may list.
pub const MAX_TRAINEES: u32 = 1000;

/// One trainee on a roster.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Trainee {
    pub name: String,
    pub village: String,
    pub phone: String,
}

/// A blank roster: 姓名 | 所在村 | 联系电话.
pub fn roster_template() -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(ROSTER_SHEET).map_err(|e| e.to_string())?;
    let bold = Format::new().set_bold();
    for (c, h) in ["姓名", "所在村", "联系电话"].iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(|e| e.to_string())?;
    }
    wb.save_to_buffer().map_err(|e| e.to_string())
}

/// Reads a roster: one sheet, no merged cells or formulas, a name on every row used.
pub fn read_roster(bytes: &[u8]) -> Result<Vec<Trainee>, Vec<CellError>> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(vec![whole(
            "这不是 Excel 工作簿（.xlsx）文件。请按 .xlsx 格式保存学员名单后再上传。",
        )]);
    }
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| {
        vec![whole(
            "无法打开该 Excel 文件，文件可能已损坏或不是 .xlsx 格式。",
        )]
    })?;
    let names = wb.sheet_names().to_vec();
    if names.len() != 1 {
        return Err(vec![whole(format!(
            "学员名单应只有一个工作表，现有 {} 个：{}。",
            names.len(),
            names.join("、")
        ))]);
    }
    let sheet = names[0].clone();
    let at = |row: u32, col: u32, message: String| CellError {
        sheet: sheet.clone(),
        row: row + 1,
        column: column_name(col),
        message,
    };
    let range = wb
        .worksheet_range(&sheet)
        .map_err(|_| vec![whole("无法读取工作表内容，文件可能已损坏。")])?;
    if range.height() as u32 > MAX_TRAINEES + 1 {
        return Err(vec![whole(format!(
            "名单有 {} 行，超过 {MAX_TRAINEES} 人上限。",
            range.height()
        ))]);
    }
    let mut errors = Vec::new();
    if let Ok(()) = wb.load_merged_regions() {
        for region in wb.merged_regions_by_sheet(&sheet) {
            let (r, c) = region.2.start;
            errors.push(at(r, c, "有合并单元格，请取消合并后再上传".into()));
        }
    }
    if let Ok(formulas) = wb.worksheet_formula(&sheet) {
        let (r0, c0) = formulas.start().unwrap_or((0, 0));
        for (r, c, f) in formulas.used_cells() {
            if !f.trim().is_empty() {
                errors.push(at(
                    r0 + r as u32,
                    c0 + c as u32,
                    format!("是公式（={f}），请改为直接填写"),
                ));
            }
        }
    }
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let text = |r: u32, c: u32| -> String {
        if r < r0 || c < c0 {
            return String::new();
        }
        match range.get(((r - r0) as usize, (c - c0) as usize)) {
            Some(Data::String(s)) => s.trim().to_string(),
            Some(Data::Float(f)) => format!("{f:.0}"),
            Some(Data::Int(i)) => i.to_string(),
            _ => String::new(),
        }
    };
    if text(0, 0) != "姓名" {
        errors.push(at(0, 0, "第一行应为表头“姓名 | 所在村 | 联系电话”".into()));
    }
    let mut trainees = Vec::new();
    for r in 1..r0 + range.height() as u32 {
        let (name, village, phone) = (text(r, 0), text(r, 1), text(r, 2));
        if name.is_empty() && village.is_empty() && phone.is_empty() {
            continue;
        }
        if name.is_empty() {
            errors.push(at(r, 0, "缺少姓名".into()));
            continue;
        }
        trainees.push(Trainee {
            name,
            village,
            phone,
        });
    }
    if trainees.is_empty() && errors.is_empty() {
        errors.push(whole("名单中没有学员"));
    }
    if errors.is_empty() {
        Ok(trainees)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod roster_tests {
    use super::*;
    use rust_xlsxwriter::Workbook;

    fn roster(rows: &[(&str, &str, &str)]) -> Vec<u8> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(ROSTER_SHEET).unwrap();
        for (c, h) in ["姓名", "所在村", "联系电话"].iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for (i, (a, b, c)) in rows.iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_string(r, 0, *a).unwrap();
            ws.write_string(r, 1, *b).unwrap();
            ws.write_string(r, 2, *c).unwrap();
        }
        wb.save_to_buffer().unwrap()
    }

    #[test]
    fn a_roster_lists_named_trainees() {
        let t = read_roster(&roster(&[
            ("张三", "西社村", "13800000000"),
            ("李四", "", ""),
        ]))
        .unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].village, "西社村");
        assert!(
            read_roster(&roster_template().unwrap()).unwrap_err()[0]
                .message
                .contains("没有学员")
        );
        let e = read_roster(&roster(&[("", "西社村", "138")])).unwrap_err();
        assert_eq!((e[0].row, e[0].column.as_str()), (2, "A"));
        assert!(
            read_roster(b"%PDF").unwrap_err()[0]
                .message
                .contains(".xlsx")
        );
    }
}
