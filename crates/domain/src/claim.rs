//! 补助资金申请 as handed in: the project, the amount, what it is for, the invoices behind
//! it and the enterprise's declaration, each checked with a message for the person who
//! typed it. Amounts are 分; the form turns 元 into 分 before it gets here.

use crate::FieldErrors;
use crate::dates::parse_date;
use crate::invoice::number_key;
use crate::money::MAX_FEN;
use crate::rules::facts::Invoice;
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::BTreeSet;

/// Invoices one claim may carry.
pub const MAX_INVOICES: usize = 100;
/// What the enterprise declares when it hands a claim in.
pub const DECLARATION: &str = "本企业承诺：所报发票真实、合法，与申请事项相符，未在其他项目或其他县（市、区）重复申请补助资金；如有虚报、重复申请，愿意退回全部资金并承担相应责任。";

/// One invoice as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvoiceInput {
    /// 发票代码: absent on fully digital invoices (全电发票).
    #[serde(default)]
    pub code: String,
    pub number: String,
    pub date: String,
    pub seller: String,
    #[serde(default)]
    pub buyer: String,
    /// 金额 (without tax), in 分.
    pub amount_fen: Option<i64>,
    /// 税额, in 分.
    #[serde(default)]
    pub tax_fen: Option<i64>,
}

/// A claim as typed on the form or sent to the API.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimInput {
    pub project_id: String,
    /// 申请金额, in 分.
    pub amount_fen: Option<i64>,
    /// 资金用途.
    pub purpose: String,
    pub invoices: Vec<InvoiceInput>,
    /// The enterprise agrees to [`DECLARATION`].
    #[serde(default)]
    pub declared: bool,
}

/// A claim that passed its checks.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimFields {
    pub amount_fen: i64,
    pub purpose: String,
    pub invoices: Vec<Invoice>,
}

fn amount(e: &mut FieldErrors, field: &str, label: &str, v: Option<i64>, zero_ok: bool) -> i64 {
    match v {
        None if zero_ok => 0,
        None => {
            e.add(field, format!("请填写{label}"));
            0
        }
        Some(n) if n < 0 => {
            e.add(field, format!("{label}不能为负数"));
            0
        }
        Some(0) if !zero_ok => {
            e.add(field, format!("{label}必须大于零"));
            0
        }
        Some(n) if n > MAX_FEN => {
            e.add(field, format!("{label}过大，请核对（上限为 1000 亿元）"));
            0
        }
        Some(n) => n,
    }
}

/// Digits only, after the spaces and dashes people type; up to `max` of them.
fn digits(
    e: &mut FieldErrors,
    field: &str,
    label: &str,
    v: &str,
    max: usize,
    required: bool,
) -> String {
    let cleaned: String = v
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect();
    if cleaned.is_empty() {
        if required {
            e.add(field, format!("请填写{label}"));
        }
    } else if !cleaned.chars().all(|c| c.is_ascii_digit()) {
        e.add(field, format!("{label}只能是数字"));
    } else if cleaned.chars().count() > max {
        e.add(field, format!("{label}最多 {max} 位数字"));
    }
    cleaned
}

impl InvoiceInput {
    /// Checks one invoice; errors go under `invoices[i].field`.
    fn validate(&self, i: usize, today: NaiveDate, e: &mut FieldErrors) -> Invoice {
        let f = |name: &str| format!("invoices[{i}].{name}");
        let n = i + 1;
        let code = digits(
            e,
            &f("code"),
            &format!("第 {n} 张发票的发票代码"),
            &self.code,
            12,
            false,
        );
        let number = digits(
            e,
            &f("number"),
            &format!("第 {n} 张发票的发票号码"),
            &self.number,
            20,
            true,
        );
        let date = match parse_date(&self.date) {
            Ok(d) if d > today => {
                e.add(&f("date"), format!("第 {n} 张发票的开票日期不能晚于今天"));
                today
            }
            Ok(d) => d,
            Err(_) if self.date.trim().is_empty() => {
                e.add(&f("date"), format!("请填写第 {n} 张发票的开票日期"));
                today
            }
            Err(m) => {
                e.add(&f("date"), format!("第 {n} 张发票：{m}"));
                today
            }
        };
        let seller = e.required_text(
            &f("seller"),
            &format!("第 {n} 张发票的销售方名称"),
            &self.seller,
            100,
        );
        let buyer = e
            .optional_text(
                &f("buyer"),
                &format!("第 {n} 张发票的购买方名称"),
                Some(&self.buyer),
                100,
            )
            .unwrap_or_default();
        let amount_fen = amount(
            e,
            &f("amount"),
            &format!("第 {n} 张发票的金额"),
            self.amount_fen,
            false,
        );
        let tax_fen = amount(
            e,
            &f("tax"),
            &format!("第 {n} 张发票的税额"),
            self.tax_fen,
            true,
        );
        if tax_fen > amount_fen && amount_fen > 0 {
            e.add(
                &f("tax"),
                format!("第 {n} 张发票的税额不能大于金额，请核对"),
            );
        }
        Invoice {
            code,
            number,
            date,
            seller,
            amount_fen,
            buyer,
            tax_fen,
        }
    }
}

impl ClaimInput {
    /// Checks everything but the project (which needs the database); `pre` holds what the
    /// form could not read (an amount that is not a number).
    pub fn validate(&self, today: NaiveDate, pre: FieldErrors) -> Result<ClaimFields, FieldErrors> {
        let mut e = pre;
        let amount_fen = if e.get("amount").is_some() {
            0
        } else {
            amount(&mut e, "amount", "申请金额", self.amount_fen, false)
        };
        let purpose = e.required_text("purpose", "资金用途", &self.purpose, 500);
        if self.invoices.is_empty() {
            e.add("invoices", "请至少填写一张发票");
        } else if self.invoices.len() > MAX_INVOICES {
            e.add(
                "invoices",
                format!("一次申请最多 {MAX_INVOICES} 张发票，请分次申请"),
            );
        }
        let mut invoices = Vec::new();
        let mut seen = BTreeSet::new();
        for (i, inv) in self.invoices.iter().take(MAX_INVOICES).enumerate() {
            let v = inv.validate(i, today, &mut e);
            let key = (number_key(&v.code), number_key(&v.number));
            if !v.number.is_empty() && !seen.insert(key) {
                e.add(
                    &format!("invoices[{i}].number"),
                    format!("第 {} 张发票与前面的发票重复", i + 1),
                );
            }
            invoices.push(v);
        }
        if !self.declared {
            e.add("declared", "请阅读并确认企业承诺");
        }
        e.into_result(ClaimFields {
            amount_fen,
            purpose,
            invoices,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    fn inv(number: &str, date: &str, fen: i64) -> InvoiceInput {
        InvoiceInput {
            code: "1400 2212 0000".into(),
            number: number.into(),
            date: date.into(),
            seller: "山西晋丰建材有限公司".into(),
            buyer: "交城县电商公司".into(),
            amount_fen: Some(fen),
            tax_fen: Some(fen / 10),
        }
    }

    fn claim(invoices: Vec<InvoiceInput>) -> ClaimInput {
        ClaimInput {
            project_id: "p".into(),
            amount_fen: Some(100_000),
            purpose: "村级服务站设备购置".into(),
            invoices,
            declared: true,
        }
    }

    #[test]
    fn a_good_claim_reads_and_cleans_its_numbers() {
        let f = claim(vec![inv("０５１２ 0933", "2026-11-30", 50_000)])
            .validate(today(), FieldErrors::new())
            .unwrap();
        assert_eq!(f.invoices[0].code, "140022120000");
        assert_eq!(f.invoices[0].number, "05120933");
        assert_eq!(f.invoices[0].total_fen(), 55_000);
    }

    #[test]
    fn each_problem_is_named_under_its_field() {
        let mut bad = claim(vec![
            inv("12A", "2026-12-02", -5),
            InvoiceInput {
                seller: String::new(),
                date: "2026/11/01".into(),
                tax_fen: Some(9_999),
                ..inv("1", "", 100)
            },
            inv("1", "2026-11-01", 100),
        ]);
        bad.amount_fen = Some(0);
        bad.purpose = " ".into();
        bad.declared = false;
        let e = bad.validate(today(), FieldErrors::new()).unwrap_err();
        assert_eq!(e.get("amount"), Some("申请金额必须大于零"));
        assert_eq!(e.get("purpose"), Some("请填写资金用途"));
        assert_eq!(e.get("declared"), Some("请阅读并确认企业承诺"));
        assert_eq!(
            e.get("invoices[0].number"),
            Some("第 1 张发票的发票号码只能是数字")
        );
        assert_eq!(
            e.get("invoices[0].date"),
            Some("第 1 张发票的开票日期不能晚于今天")
        );
        assert_eq!(
            e.get("invoices[0].amount"),
            Some("第 1 张发票的金额不能为负数")
        );
        assert!(
            e.get("invoices[1].date")
                .unwrap()
                .contains("日期格式不正确")
        );
        assert_eq!(
            e.get("invoices[1].seller"),
            Some("请填写第 2 张发票的销售方名称")
        );
        assert_eq!(
            e.get("invoices[1].tax"),
            Some("第 2 张发票的税额不能大于金额，请核对")
        );
        assert_eq!(
            e.get("invoices[2].number"),
            Some("第 3 张发票与前面的发票重复")
        );
    }

    #[test]
    fn today_is_allowed_and_counts_are_bounded() {
        assert!(
            claim(vec![inv("1", "2026-12-01", 1)])
                .validate(today(), FieldErrors::new())
                .is_ok()
        );
        let e = claim(vec![])
            .validate(today(), FieldErrors::new())
            .unwrap_err();
        assert_eq!(e.get("invoices"), Some("请至少填写一张发票"));
        let many = (0..=MAX_INVOICES)
            .map(|i| inv(&i.to_string(), "2026-11-01", 1))
            .collect();
        let e = claim(many)
            .validate(today(), FieldErrors::new())
            .unwrap_err();
        assert!(e.get("invoices").unwrap().contains("最多 100 张"));
        let mut huge = claim(vec![inv("1", "2026-11-01", 1)]);
        huge.amount_fen = Some(i64::MAX);
        let e = huge.validate(today(), FieldErrors::new()).unwrap_err();
        assert!(e.get("amount").unwrap().contains("过大"));
    }
}
