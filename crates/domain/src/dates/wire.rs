//! Dates as the database hands them to the rule engine ("2026-05-21"), read without
//! chrono's general parser: the docket reads millions of them, and the general parser
//! (items, a `Parsed` to fill and check) is several times the work of reading ten bytes.
//! Anything that is not exactly `YYYY-MM-DD` goes to chrono, so what parses, to what, and
//! what is refused are chrono's answers: only the speed differs.
//!
//! Use on a field: `#[serde(deserialize_with = "crate::dates::wire::date")]`, or
//! `wire::optional_date` for an `Option` (with `#[serde(default)]`).

use chrono::NaiveDate;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// `YYYY-MM-DD`, or what chrono makes of anything else.
pub fn parse(s: &str) -> Result<NaiveDate, chrono::ParseError> {
    if let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *s.as_bytes() {
        let digits = [y0, y1, y2, y3, m0, m1, d0, d1];
        if digits.iter().all(u8::is_ascii_digit) {
            let n = |ds: &[u8]| {
                ds.iter()
                    .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'))
            };
            let year = n(&digits[..4]) as i32;
            if let Some(date) = NaiveDate::from_ymd_opt(year, n(&digits[4..6]), n(&digits[6..])) {
                return Ok(date);
            }
        }
    }
    s.parse()
}

struct DateVisitor;

impl Visitor<'_> for DateVisitor {
    type Value = NaiveDate;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a date as YYYY-MM-DD")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<NaiveDate, E> {
        parse(s).map_err(E::custom)
    }
}

/// For a `NaiveDate` field.
pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    d.deserialize_str(DateVisitor)
}

/// For an `Option<NaiveDate>` field (`null` is `None`).
pub fn optional_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    Ok(Option::<Day>::deserialize(d)?.map(|Day(date)| date))
}

/// A date read by [`parse`] where no field attribute can say so (a tuple's element).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub NaiveDate);

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        date(d).map(Day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Whatever the text, the answer is chrono's: the same date, or an error where it errs.
    fn same_as_chrono(s: &str) {
        let chrono: Result<NaiveDate, _> = s.parse();
        assert_eq!(parse(s).ok(), chrono.ok(), "{s:?}");
    }

    #[test]
    fn edge_texts_read_as_chrono_reads_them() {
        for s in [
            "2026-05-21",
            "2024-02-29",
            "2026-02-29",
            "2026-02-30",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "0000-01-01",
            "9999-12-31",
            "2026-5-21",
            "2026-05-1",
            " 2026-05-21",
            "2026-05-21 ",
            "+2026-05-21",
            "-0001-01-01",
            "20260521",
            "2026/05/21",
            "２０２６-05-21",
            "",
            "2026-05-2a",
            "1980-01-01T00:00:00",
        ] {
            same_as_chrono(s);
        }
    }

    proptest! {
        #[test]
        fn every_calendar_day_reads_back(days in -800_000i64..800_000) {
            let d = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Duration::days(days);
            let text = d.format("%Y-%m-%d").to_string();
            prop_assert_eq!(parse(&text).ok(), Some(d));
            same_as_chrono(&text);
        }

        #[test]
        fn any_ten_characters_read_as_chrono_reads_them(s in "[0-9+ -]{8,11}") {
            same_as_chrono(&s);
        }
    }

    #[test]
    fn fields_read_from_json_arrays_and_nulls() {
        #[derive(serde::Deserialize)]
        struct Row(
            #[serde(deserialize_with = "date")] NaiveDate,
            #[serde(deserialize_with = "optional_date")] Option<NaiveDate>,
        );
        let Row(a, b) = serde_json::from_str(r#"["2026-05-21", null]"#).unwrap();
        assert_eq!(
            (a, b),
            (NaiveDate::from_ymd_opt(2026, 5, 21).unwrap(), None)
        );
        let Row(_, b) = serde_json::from_str(r#"["2026-05-21", "2026-06-01"]"#).unwrap();
        assert_eq!(b, NaiveDate::from_ymd_opt(2026, 6, 1));
        assert!(serde_json::from_str::<Row>(r#"["2026-02-30", null]"#).is_err());
        assert!(serde_json::from_str::<Row>(r#"[20260521, null]"#).is_err());
        let (Day(d),): (Day,) = serde_json::from_str(r#"["2026-05-21"]"#).unwrap();
        assert_eq!(d, a);
    }
}
