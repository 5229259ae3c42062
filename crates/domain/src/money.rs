//! Money in 分 (fen). Never floats: central funds are accounted to the fen.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(i64);

/// The largest amount accepted: ¥100,000,000,000.00 is far above any county programme and
/// keeps every sum of amounts well inside i64.
pub const MAX_FEN: i64 = 10_000_000_000_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("金额不能为负数")]
    Negative,
    #[error("金额过大，请核对（上限为 1000 亿元）")]
    TooLarge,
    #[error("金额格式不正确，请填写数字，最多两位小数，例如 12000 或 12,000.50")]
    Format,
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn from_fen(fen: i64) -> Result<Self, MoneyError> {
        if fen < 0 {
            Err(MoneyError::Negative)
        } else if fen > MAX_FEN {
            Err(MoneyError::TooLarge)
        } else {
            Ok(Self(fen))
        }
    }

    pub fn fen(self) -> i64 {
        self.0
    }

    /// Parses an amount in 元 as typed on a form: "12000", "12,000.5", "¥12,000.00".
    pub fn parse_yuan(input: &str) -> Result<Self, MoneyError> {
        let s: String = input
            .trim()
            .trim_start_matches(['¥', '￥'])
            .chars()
            .filter(|c| *c != ',' && *c != '，')
            .collect();
        let s = s.trim();
        if let Some(rest) = s.strip_prefix('-')
            && !rest.is_empty()
        {
            return Err(MoneyError::Negative);
        }
        let (whole, frac) = match s.split_once('.') {
            Some((w, f)) => (w, f),
            None => (s, ""),
        };
        if whole.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > 2
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(MoneyError::Format);
        }
        if whole.len() > 15 {
            return Err(MoneyError::TooLarge);
        }
        let whole: i64 = whole.parse().map_err(|_| MoneyError::Format)?;
        let frac_fen: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| MoneyError::Format)? * 10,
            _ => frac.parse().map_err(|_| MoneyError::Format)?,
        };
        Self::from_fen(whole * 100 + frac_fen)
    }

    /// "12000.50": the plain form for an input field.
    pub fn to_plain_yuan(self) -> String {
        format!("{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// "¥12,000.00", as county users read money.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let yuan = (self.0 / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in yuan.chars().enumerate() {
            if i > 0 && (yuan.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(f, "¥{}.{:02}", grouped, self.0 % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_people_type() {
        assert_eq!(Money::parse_yuan("12000").unwrap().fen(), 1_200_000);
        assert_eq!(Money::parse_yuan("12,000.5").unwrap().fen(), 1_200_050);
        assert_eq!(Money::parse_yuan("¥12,000.05").unwrap().fen(), 1_200_005);
        assert_eq!(Money::parse_yuan(" 0.01 ").unwrap().fen(), 1);
    }

    #[test]
    fn refuses_what_is_not_money() {
        assert_eq!(Money::parse_yuan("-5"), Err(MoneyError::Negative));
        assert_eq!(Money::parse_yuan("1.234"), Err(MoneyError::Format));
        assert_eq!(Money::parse_yuan("abc"), Err(MoneyError::Format));
        assert_eq!(Money::parse_yuan(""), Err(MoneyError::Format));
        assert_eq!(Money::parse_yuan("1e5"), Err(MoneyError::Format));
        assert_eq!(
            Money::parse_yuan("9999999999999999"),
            Err(MoneyError::TooLarge)
        );
        assert_eq!(Money::from_fen(-1), Err(MoneyError::Negative));
        assert!(Money::from_fen(MAX_FEN).is_ok());
        assert_eq!(Money::from_fen(MAX_FEN + 1), Err(MoneyError::TooLarge));
    }

    #[test]
    fn displays_as_yuan_with_grouping() {
        assert_eq!(
            Money::from_fen(1_200_000).unwrap().to_string(),
            "¥12,000.00"
        );
        assert_eq!(Money::from_fen(5).unwrap().to_string(), "¥0.05");
        assert_eq!(
            Money::from_fen(123_456_789).unwrap().to_string(),
            "¥1,234,567.89"
        );
        assert_eq!(Money::from_fen(100_000).unwrap().to_string(), "¥1,000.00");
        assert_eq!(
            Money::from_fen(1_200_050).unwrap().to_plain_yuan(),
            "12000.50"
        );
    }
}
