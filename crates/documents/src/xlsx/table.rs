//! A register written out as one sheet: Chinese headers, real dates and numbers (so that
//! Excel and WPS can sort and sum them), and text always written as text — a seller named
//! "=HYPERLINK(…)" stays a name, never a formula.

use chrono::Datelike;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

/// One cell of a register.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Date(chrono::NaiveDate),
    /// An amount in 分, shown in 元 with two decimals.
    Fen(i64),
    Count(i64),
    Empty,
}

/// One sheet: its name, the header row and the rows under it.
pub struct Table<'a> {
    pub sheet: String,
    pub headers: Vec<&'a str>,
    pub rows: Vec<Vec<Cell>>,
}

/// Rows a register may hold: far beyond a county's records, well under Excel's limit.
pub const MAX_ROWS: usize = 200_000;

fn err(e: rust_xlsxwriter::XlsxError) -> String {
    e.to_string()
}

/// The workbook's bytes.
pub fn write(t: &Table<'_>) -> Result<Vec<u8>, String> {
    // `extend` refuses more than MAX_ROWS before writing any of them.
    let mut w = SheetWriter::new(&t.sheet, &t.headers)?;
    w.extend(&t.rows)?;
    w.finish()
}

/// A register's sheet written a batch of rows at a time, for a register too long to hold
/// whole: rows go to the sheet's temporary file as they come (the workbook is made with
/// constant memory), so the caller need hold no more than the batch it writes.
pub struct SheetWriter {
    book: Workbook,
    /// Rows written under the header.
    rows: u32,
    columns: u16,
    date: Format,
    yuan: Format,
}

impl SheetWriter {
    /// A sheet named `sheet` with its header row written.
    pub fn new(sheet: &str, headers: &[&str]) -> Result<Self, String> {
        let mut book = Workbook::new();
        // Rows are written in order and each goes to a temporary file as the next begins,
        // rather than every cell held in memory until the end (~150 MB for the big
        // county's 50,000 inspections); strings are written in their cells, not in a
        // shared table.
        let ws = book.add_worksheet_with_constant_memory();
        ws.set_name(sheet).map_err(err)?;
        let bold = Format::new().set_bold();
        for (c, h) in headers.iter().enumerate() {
            let c = u16::try_from(c).map_err(|e| e.to_string())?;
            ws.write_string_with_format(0, c, *h, &bold).map_err(err)?;
            ws.set_column_width(c, 16).map_err(err)?;
        }
        Ok(SheetWriter {
            book,
            rows: 0,
            columns: u16::try_from(headers.len()).map_err(|e| e.to_string())?,
            date: Format::new().set_num_format("yyyy-mm-dd"),
            yuan: Format::new().set_num_format("#,##0.00"),
        })
    }

    /// Rows written so far (the header not counted).
    pub fn rows(&self) -> usize {
        self.rows as usize
    }

    /// Writes `rows` under those already written; refused whole, before any is written,
    /// if they would take the sheet past [`MAX_ROWS`].
    pub fn extend(&mut self, rows: &[Vec<Cell>]) -> Result<(), String> {
        if self.rows() + rows.len() > MAX_ROWS {
            return Err(format!("一次最多导出 {MAX_ROWS} 行"));
        }
        let ws = self.book.worksheet_from_index(0).map_err(err)?;
        for row in rows {
            self.rows += 1;
            let r = self.rows;
            for (c, cell) in row.iter().enumerate() {
                let c = u16::try_from(c).map_err(|e| e.to_string())?;
                match cell {
                    // write_string never reads its text as a formula.
                    Cell::Text(s) => {
                        ws.write_string(r, c, s).map_err(err)?;
                    }
                    Cell::Date(d) => {
                        let (y, m, day) = (d.year(), d.month(), d.day());
                        let x = ExcelDateTime::from_ymd(
                            u16::try_from(y).map_err(|e| e.to_string())?,
                            u8::try_from(m).map_err(|e| e.to_string())?,
                            u8::try_from(day).map_err(|e| e.to_string())?,
                        )
                        .map_err(err)?;
                        ws.write_date_with_format(r, c, &x, &self.date)
                            .map_err(err)?;
                    }
                    // Amounts stay well inside f64's exact integers (at most 10^13 分).
                    Cell::Fen(f) => {
                        ws.write_number_with_format(r, c, *f as f64 / 100.0, &self.yuan)
                            .map_err(err)?;
                    }
                    Cell::Count(n) => {
                        ws.write_number(r, c, *n as f64).map_err(err)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        Ok(())
    }

    /// The workbook's bytes: the header frozen and filtered over every row written.
    pub fn finish(mut self) -> Result<Vec<u8>, String> {
        let (rows, columns) = (self.rows, self.columns);
        let ws = self.book.worksheet_from_index(0).map_err(err)?;
        ws.set_freeze_panes(1, 0).map_err(err)?;
        // Filters on the header row, as a person would set them to sort and pick.
        if let Some(last) = columns.checked_sub(1) {
            ws.autofilter(0, 0, rows, last).map_err(err)?;
        }
        self.book.save_to_buffer().map_err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};

    #[test]
    fn dates_and_amounts_are_real_and_text_is_never_a_formula() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 5, 21).unwrap();
        let bytes = write(&Table {
            sheet: "资金台账".into(),
            headers: vec!["日期", "摘要", "金额（元）", "张数"],
            rows: vec![
                vec![
                    Cell::Date(d),
                    Cell::Text("=HYPERLINK(\"http://x\",\"点我\")".into()),
                    Cell::Fen(1_234_567),
                    Cell::Count(3),
                ],
                vec![
                    Cell::Empty,
                    Cell::Text("+1".into()),
                    Cell::Fen(-5),
                    Cell::Text("@SUM(A1)".into()),
                ],
            ],
        })
        .unwrap();
        let mut x: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = x.worksheet_range("资金台账").unwrap();
        assert_eq!(range.get((0, 2)), Some(&Data::String("金额（元）".into())));
        assert!(matches!(range.get((1, 0)), Some(Data::DateTime(_))));
        assert_eq!(range.get((1, 2)), Some(&Data::Float(12_345.67)));
        assert_eq!(
            range.get((1, 1)),
            Some(&Data::String("=HYPERLINK(\"http://x\",\"点我\")".into()))
        );
        assert_eq!(range.get((2, 1)), Some(&Data::String("+1".into())));
        assert_eq!(range.get((2, 2)), Some(&Data::Float(-0.05)));
        let formulas = x.worksheet_formula("资金台账").unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "no formulas"
        );
    }

    #[test]
    fn too_many_rows_are_refused_before_anything_is_written() {
        let t = Table {
            sheet: "x".into(),
            headers: vec!["a"],
            rows: vec![vec![]; MAX_ROWS + 1],
        };
        assert!(write(&t).unwrap_err().contains("最多"));
    }

    #[test]
    fn a_sheet_written_in_batches_holds_every_row_in_order_under_one_filter() {
        let mut w = SheetWriter::new("台账", &["序号", "名称"]).unwrap();
        for batch in 0..3 {
            let rows: Vec<Vec<Cell>> = (0..4)
                .map(|i| {
                    vec![
                        Cell::Count(batch * 4 + i),
                        Cell::Text(format!("第{}行", batch * 4 + i)),
                    ]
                })
                .collect();
            w.extend(&rows).unwrap();
        }
        assert_eq!(w.rows(), 12);
        let mut x: Xlsx<_> = Xlsx::new(std::io::Cursor::new(w.finish().unwrap())).unwrap();
        let range = x.worksheet_range("台账").unwrap();
        assert_eq!(range.height(), 13, "the header and twelve rows");
        for i in 0..12u32 {
            assert_eq!(
                range.get((i as usize + 1, 0)),
                Some(&Data::Float(f64::from(i)))
            );
            assert_eq!(
                range.get((i as usize + 1, 1)),
                Some(&Data::String(format!("第{i}行")))
            );
        }
    }

    #[test]
    fn a_batch_that_would_pass_the_limit_is_refused_whole() {
        let mut w = SheetWriter::new("x", &["a"]).unwrap();
        w.extend(&vec![vec![Cell::Count(1)]; MAX_ROWS - 1]).unwrap();
        let err = w
            .extend(&[vec![Cell::Count(2)], vec![Cell::Count(3)]])
            .unwrap_err();
        assert!(err.contains("最多"), "{err}");
        assert_eq!(
            w.rows(),
            MAX_ROWS - 1,
            "nothing of the refused batch written"
        );
        w.extend(&[vec![Cell::Count(2)]]).unwrap();
        assert_eq!(w.rows(), MAX_ROWS);
    }
}
