//! Calendar periods: months and quarters, and "N months after X" as the regulation reads it.

use chrono::{Datelike, Months, NaiveDate};

pub fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// The last day of d's month.
pub fn month_end(d: NaiveDate) -> NaiveDate {
    next_month(month_start(d)).pred_opt().unwrap_or(d)
}

pub fn next_month(first: NaiveDate) -> NaiveDate {
    first.checked_add_months(Months::new(1)).unwrap_or(first)
}

/// Day `day` of the month after `month` (clamped to that month's last day).
pub fn day_of_next_month(month: NaiveDate, day: u32) -> NaiveDate {
    let next = next_month(month_start(month));
    next.with_day(day).unwrap_or_else(|| month_end(next))
}

/// "Within N months after X" ends on the same day N months later, or that month's last day.
pub fn months_after(x: NaiveDate, n: u32) -> NaiveDate {
    x.checked_add_months(Months::new(n)).unwrap_or(x)
}

pub fn quarter_start(d: NaiveDate) -> NaiveDate {
    let m = (d.month0() / 3) * 3 + 1;
    NaiveDate::from_ymd_opt(d.year(), m, 1).unwrap_or(d)
}

pub fn quarter_end(d: NaiveDate) -> NaiveDate {
    quarter_start(d)
        .checked_add_months(Months::new(3))
        .and_then(|n| n.pred_opt())
        .unwrap_or(d)
}

/// Days in the closed range, 0 when it is empty.
pub fn days(start: NaiveDate, end: NaiveDate) -> i64 {
    if end < start {
        0
    } else {
        (end - start).num_days() + 1
    }
}

/// Days of `[a_start, a_end]` inside `[b_start, b_end]`.
pub fn overlap(a_start: NaiveDate, a_end: NaiveDate, b_start: NaiveDate, b_end: NaiveDate) -> i64 {
    days(a_start.max(b_start), a_end.min(b_end))
}

/// ceil(base × part ÷ whole), for prorated quotas.
pub fn prorated(base: u32, part: i64, whole: i64) -> u32 {
    if part <= 0 || whole <= 0 {
        return 0;
    }
    let num = i64::from(base) * part;
    ((num + whole - 1) / whole) as u32
}

/// Calendar months (their first days) from the month of `from` to the month of `to`.
pub fn months_between(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut m = month_start(from);
    while m <= to {
        out.push(m);
        m = next_month(m);
    }
    out
}

/// Calendar quarters (their first days) from the quarter of `from` to that of `to`.
pub fn quarters_between(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut q = quarter_start(from);
    while q <= to {
        out.push(q);
        q = q
            .checked_add_months(Months::new(3))
            .unwrap_or(to.succ_opt().unwrap_or(to));
        if out.len() > 400 {
            break;
        }
    }
    out
}

/// "2026年5月" for a month, "2026年第2季度" for a quarter.
pub fn month_label(m: NaiveDate) -> String {
    format!("{}年{}月", m.year(), m.month())
}

pub fn quarter_label(q: NaiveDate) -> String {
    format!("{}年第{}季度", q.year(), q.month0() / 3 + 1)
}

pub fn month_key(m: NaiveDate) -> String {
    format!("{:04}-{:02}", m.year(), m.month())
}

pub fn quarter_key(q: NaiveDate) -> String {
    format!("{:04}-Q{}", q.year(), q.month0() / 3 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn months_and_quarters() {
        assert_eq!(month_end(d(2024, 2, 10)), d(2024, 2, 29));
        assert_eq!(day_of_next_month(d(2026, 1, 31), 5), d(2026, 2, 5));
        assert_eq!(day_of_next_month(d(2026, 12, 1), 10), d(2027, 1, 10));
        assert_eq!(quarter_start(d(2026, 5, 21)), d(2026, 4, 1));
        assert_eq!(quarter_end(d(2026, 5, 21)), d(2026, 6, 30));
        assert_eq!(quarter_end(d(2026, 12, 31)), d(2026, 12, 31));
        assert_eq!(
            quarters_between(d(2026, 2, 1), d(2026, 7, 1)),
            vec![d(2026, 1, 1), d(2026, 4, 1), d(2026, 7, 1)]
        );
        assert_eq!(months_between(d(2026, 11, 15), d(2027, 1, 1)).len(), 3);
        assert_eq!(quarter_key(d(2026, 10, 1)), "2026-Q4");
    }

    #[test]
    fn months_after_clamps_to_month_end() {
        assert_eq!(months_after(d(2026, 8, 31), 6), d(2027, 2, 28));
        assert_eq!(months_after(d(2026, 1, 15), 6), d(2026, 7, 15));
    }

    #[test]
    fn proration() {
        assert_eq!(prorated(2, 31, 31), 2);
        assert_eq!(prorated(2, 15, 30), 1);
        assert_eq!(prorated(2, 16, 30), 2);
        assert_eq!(prorated(2, 1, 31), 1);
        assert_eq!(prorated(2, 0, 31), 0);
        assert_eq!(days(d(2026, 1, 1), d(2026, 1, 31)), 31);
        assert_eq!(
            overlap(d(2026, 1, 20), d(2026, 3, 1), d(2026, 2, 1), d(2026, 2, 28)),
            28
        );
    }
}
