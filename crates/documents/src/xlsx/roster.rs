//! A training class's roster: 姓名 | 所在村 | 联系电话, one trainee a row.

use super::grid::{self, Value};
use super::{CellError, common_problems, whole};

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

/// What a roster may cost: a header and 1,000 trainees, columns A–Z.
const LIMITS: grid::Limits = grid::Limits::small(MAX_TRAINEES + 1, 26);

/// Reads a roster: one sheet, no merged cells or formulas, a name on every row used, a
/// telephone number (where one is given) that is one.
pub fn read_roster(bytes: &[u8]) -> Result<Vec<Trainee>, Vec<CellError>> {
    let wb = grid::read(bytes, &LIMITS, |i, _| i == 0).map_err(|e| vec![e])?;
    let sheet = &super::only_sheet(wb, "学员名单")?;
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
    if text(0, 0) != "姓名" {
        errors.push(at(0, 0, "第一行应为表头“姓名 | 所在村 | 联系电话”".into()));
    }
    let mut trainees = Vec::new();
    for r in 1..sheet.height() {
        let (name, village, phone) = (text(r, 0), text(r, 1), text(r, 2));
        if name.is_empty() && village.is_empty() && phone.is_empty() {
            continue;
        }
        if name.is_empty() {
            errors.push(at(r, 0, "缺少姓名".into()));
            continue;
        }
        for (c, value, max) in [(0, &name, 30), (1, &village, 50)] {
            if value.chars().count() > max {
                errors.push(at(r, c, format!("不能超过 {max} 个字")));
            }
        }
        if !phone.is_empty()
            && let Err(m) = jianguan_domain::text::phone(&phone)
        {
            errors.push(at(r, 2, m.into()));
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
