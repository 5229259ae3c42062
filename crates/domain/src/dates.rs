//! Civil dates in China Standard Time (UTC+8); timestamps stay in UTC.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub mod wire;

/// UTC+8, without daylight saving.
pub fn china_offset() -> FixedOffset {
    // 8 hours is inside FixedOffset's ±24 h range: this cannot fail.
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The civil date in China at a given instant. The caller supplies the instant, so this
/// stays a pure function.
pub fn china_today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&china_offset()).date_naive()
}

/// "2026年5月21日", as dates are written in prose and documents.
pub fn format_cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The years a date handed in may fall in. Records of this programme are from this
/// century; a year outside it is a typo (and would make rules count periods for ages).
pub const YEARS: std::ops::RangeInclusive<i32> = 1980..=2099;

/// Parses "2026-05-21" from a form or JSON, with a message for a person.
pub fn parse_date(input: &str) -> Result<NaiveDate, String> {
    let d = NaiveDate::parse_from_str(input.trim(), "%Y-%m-%d")
        .map_err(|_| "日期格式不正确，请按“2026-05-21”的格式填写".to_string())?;
    check_year(d)?;
    Ok(d)
}

/// A date within [`YEARS`], or why not.
pub fn check_year(d: NaiveDate) -> Result<NaiveDate, String> {
    if YEARS.contains(&d.year()) {
        Ok(d)
    } else {
        Err(format!(
            "日期 {d} 不在 {}–{} 年之间，请核对年份",
            YEARS.start(),
            YEARS.end()
        ))
    }
}

/// A closed range of civil dates; the end is never before the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateRange {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("结束日期（{}）早于开始日期（{}），请核对", format_cn_date(*end), format_cn_date(*start))]
pub struct DateRangeError {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl DateRange {
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Self, DateRangeError> {
        if end < start {
            Err(DateRangeError { start, end })
        } else {
            Ok(Self { start, end })
        }
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.start <= d && d <= self.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_outside_the_years_of_records_are_refused() {
        assert!(parse_date("2026-05-21").is_ok());
        assert!(parse_date("1980-01-01").is_ok() && parse_date("2099-12-31").is_ok());
        for bad in ["9999-12-31", "0001-01-01", "1979-12-31", "2100-01-01"] {
            assert!(parse_date(bad).unwrap_err().contains("年份"), "{bad}");
        }
        assert!(parse_date("2026-02-30").unwrap_err().contains("格式"));
    }

    #[test]
    fn china_date_turns_at_16_utc() {
        let before = Utc.with_ymd_and_hms(2026, 5, 20, 15, 59, 59).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 5, 20, 16, 0, 0).unwrap();
        assert_eq!(
            china_today(before),
            NaiveDate::from_ymd_opt(2026, 5, 20).unwrap()
        );
        assert_eq!(
            china_today(after),
            NaiveDate::from_ymd_opt(2026, 5, 21).unwrap()
        );
    }

    #[test]
    fn ranges() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert!(DateRange::new(d(5, 1), d(5, 1)).is_ok());
        let err = DateRange::new(d(5, 2), d(5, 1)).unwrap_err();
        assert!(err.to_string().contains("早于开始日期"));
        let r = DateRange::new(d(5, 1), d(5, 31)).unwrap();
        assert!(r.contains(d(5, 1)) && r.contains(d(5, 31)) && !r.contains(d(6, 1)));
        assert_eq!(format_cn_date(d(5, 21)), "2026年5月21日");
        assert!(parse_date("2026-13-01").is_err());
        assert_eq!(parse_date(" 2026-05-21 "), Ok(d(5, 21)));
    }
}
