//! 一（四）数据上报: operating data on time, cooperation, and figures that need checking.

use super::calendar::{
    day_of_next_month, month_end, month_key, month_label, months_between, overlap,
};
use super::facts::{DataReport, EnterpriseFacts};
use super::inspection::operating_span;
use super::{Ctx, Draft, days_text};
use crate::dates::format_cn_date;
use chrono::{Months, NaiveDate};
use std::collections::BTreeMap;

/// Months in which an enterprise had a project operating: it owes operating data for them.
fn duty_months(ctx: &Ctx, enterprise_id: &str, until: NaiveDate) -> Vec<NaiveDate> {
    let mut months = std::collections::BTreeSet::new();
    for p in ctx
        .facts
        .projects
        .iter()
        .filter(|p| p.enterprise_id == enterprise_id)
    {
        let Some((start, last)) = operating_span(p) else {
            continue;
        };
        let last = last.unwrap_or(NaiveDate::MAX);
        for m in months_between(start, last.min(until)) {
            if overlap(start, last, m, month_end(m)) > 0 {
                months.insert(m);
            }
        }
    }
    months.into_iter().collect()
}

enum Lateness {
    OnTime,
    Late(i64),
    Missing,
}

fn lateness(report: Option<&&DataReport>, due: NaiveDate, d: NaiveDate) -> Lateness {
    match report {
        Some(r) if r.submitted_on <= due => Lateness::OnTime,
        Some(r) if r.submitted_on <= d => Lateness::Late((r.submitted_on - due).num_days()),
        _ => Lateness::Missing,
    }
}

/// An enterprise's reports known on the day, the first for each month (it decides whether
/// the month was on time).
fn first_reports<'c>(ctx: &'c Ctx, e: &EnterpriseFacts) -> &'c BTreeMap<NaiveDate, &'c DataReport> {
    static NONE: BTreeMap<NaiveDate, &DataReport> = BTreeMap::new();
    ctx.first_reports.get(e.id.as_str()).unwrap_or(&NONE)
}

/// The months an enterprise reported late or not at all (due day passed), with the
/// message for each.
fn bad_months(ctx: &Ctx, e: &EnterpriseFacts) -> Vec<(NaiveDate, NaiveDate, String)> {
    let t = &ctx.profile.thresholds;
    let d = ctx.as_of;
    let reports = first_reports(ctx, e);
    let mut out = Vec::new();
    for m in duty_months(ctx, &e.id, d) {
        let due = day_of_next_month(m, t.data_report_due_day);
        if d <= due {
            continue;
        }
        let message = match lateness(reports.get(&m), due, d) {
            Lateness::OnTime => continue,
            Lateness::Late(days) => format!(
                "{}{}的生产经营数据应于{}前报送，实际晚报 {}。",
                e.name,
                month_label(m),
                format_cn_date(due),
                days_text(days)
            ),
            Lateness::Missing => format!(
                "{}{}的生产经营数据应于{}前报送，已逾期 {}，尚未报送。",
                e.name,
                month_label(m),
                format_cn_date(due),
                days_text((d - due).num_days())
            ),
        };
        out.push((m, due, message));
    }
    out
}

/// How one month's operating data of an enterprise stands on a day, as the reporting
/// matrix shows it (the same judgement as `data.report_late`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonthReport {
    /// No project of the enterprise was operating that month.
    NotOwed,
    /// Owed, the due day not yet passed and nothing handed in.
    NotDue,
    OnTime,
    /// Handed in this many days after the due day.
    Late(i64),
    /// The due day passed and nothing handed in.
    Missing,
}

impl MonthReport {
    pub fn label(self) -> String {
        match self {
            MonthReport::NotOwed => "—".into(),
            MonthReport::NotDue => "未到期".into(),
            MonthReport::OnTime => "已报".into(),
            MonthReport::Late(days) => format!("迟报 {}", days_text(days)),
            MonthReport::Missing => "未报".into(),
        }
    }

    /// A late or missing month: what the reader must notice.
    pub fn is_problem(self) -> bool {
        matches!(self, MonthReport::Late(_) | MonthReport::Missing)
    }
}

/// One enterprise's row of the reporting matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportingRow {
    pub enterprise_id: String,
    pub name: String,
    pub months: Vec<(NaiveDate, MonthReport)>,
}

/// Enterprise × month: for each enterprise of the facts and each of `months` (first days),
/// whether that month's data was owed, and on `as_of` on time, late, missing or not yet due.
/// Only reports handed in by `as_of` count, as for the rules.
pub fn reporting_matrix(
    facts: &super::Facts,
    profile: &super::Profile,
    as_of: NaiveDate,
    months: &[NaiveDate],
) -> Vec<ReportingRow> {
    let ctx = Ctx::new(facts, profile, as_of);
    let due_day = profile.thresholds.data_report_due_day;
    ctx.facts
        .enterprises
        .iter()
        .map(|e| {
            let owed = duty_months(&ctx, &e.id, as_of);
            let reports = first_reports(&ctx, e);
            let months = months
                .iter()
                .map(|&m| {
                    let m = super::calendar::month_start(m);
                    if !owed.contains(&m) {
                        return (m, MonthReport::NotOwed);
                    }
                    let due = day_of_next_month(m, due_day);
                    let state = match lateness(reports.get(&m), due, as_of) {
                        Lateness::OnTime => MonthReport::OnTime,
                        Lateness::Late(days) => MonthReport::Late(days),
                        Lateness::Missing if as_of <= due => MonthReport::NotDue,
                        Lateness::Missing => MonthReport::Missing,
                    };
                    (m, state)
                })
                .collect();
            ReportingRow {
                enterprise_id: e.id.clone(),
                name: e.name.clone(),
                months,
            }
        })
        .collect()
}

pub(crate) fn report_late(ctx: &Ctx, out: &mut Vec<Draft>) {
    for e in &ctx.facts.enterprises {
        for (m, due, message) in bad_months(ctx, e) {
            out.push(Draft {
                rule: "data.report_late",
                subject: ctx.enterprise_subject(&e.id),
                period: Some(month_key(m)),
                message,
                due: Some(due),
                current: false,
            });
        }
    }
}

/// 二（二）: late or missing in enough of the most recent months is not cooperating.
pub(crate) fn uncooperative(ctx: &Ctx, out: &mut Vec<Draft>) {
    let t = &ctx.profile.thresholds;
    let d = ctx.as_of;
    // The most recent months whose due day has passed.
    let mut window = Vec::new();
    let mut m = super::calendar::month_start(d);
    for _ in 0..t.uncooperative_window_months + 2 {
        if window.len() == t.uncooperative_window_months as usize {
            break;
        }
        if day_of_next_month(m, t.data_report_due_day) < d {
            window.push(m);
        }
        m = m.checked_sub_months(Months::new(1)).unwrap_or(m);
    }
    for e in &ctx.facts.enterprises {
        let months: Vec<String> = bad_months(ctx, e)
            .into_iter()
            .filter(|(m, _, _)| window.contains(m))
            .map(|(m, _, _)| month_label(m))
            .collect();
        let count = months.len() as u32;
        if count >= t.uncooperative_count {
            out.push(Draft {
                rule: "data.uncooperative",
                subject: ctx.enterprise_subject(&e.id),
                period: None,
                message: format!(
                    "{}近 {} 个月中有 {} 个月的生产经营数据迟报或未报（{}），属不配合统计工作，应予批评公示并限期整改。",
                    e.name,
                    t.uncooperative_window_months,
                    count,
                    months.join("、")
                ),
                due: None,
                current: false,
            });
        }
    }
}

pub(crate) fn report_suspicious(ctx: &Ctx, out: &mut Vec<Draft>) {
    let t = &ctx.profile.thresholds;
    for e in &ctx.facts.enterprises {
        let reports = first_reports(ctx, e);
        for (month, r) in reports {
            let prev = month
                .checked_sub_months(Months::new(1))
                .and_then(|p| reports.get(&p));
            for (metric, &v) in &r.figures {
                let name = ctx.profile.metric_name(metric);
                let unit = ctx
                    .profile
                    .metrics
                    .get(metric)
                    .map_or("", |m| m.unit.as_str());
                let why = suspicious_change(
                    v,
                    prev.and_then(|p| p.figures.get(metric)).copied(),
                    t.suspicious_factor,
                    unit,
                );
                if let Some(why) = why {
                    out.push(Draft {
                        rule: "data.report_suspicious",
                        subject: ctx.enterprise_subject(&e.id),
                        period: Some(format!("{}:{metric}", month_key(*month))),
                        message: format!(
                            "{}{}报送的“{name}”{why}，请核实，必要时实地核查。",
                            e.name,
                            month_label(*month)
                        ),
                        due: None,
                        current: false,
                    });
                }
            }
        }
    }
}

/// Why a month's figure deserves a second look against the month before (negative, fallen
/// to zero, or changed by more than `factor` times), or None. Shared by the rule
/// `data.report_suspicious` and the form that warns the contractor before submitting.
pub fn suspicious_change(v: i64, prev: Option<i64>, factor: f64, unit: &str) -> Option<String> {
    let show = |x: i64| metric_value(unit, x);
    if v < 0 {
        return Some(format!("为负数（{}）", show(v)));
    }
    match prev {
        Some(p) if p > 0 && v == 0 => Some(format!("为 0，上月为 {}", show(p))),
        Some(p)
            if p > 0 && v > 0 && (v as f64 / p as f64 > factor || p as f64 / v as f64 > factor) =>
        {
            Some(format!(
                "为 {}，上月为 {}，变化超过 {factor} 倍",
                show(v),
                show(p)
            ))
        }
        _ => None,
    }
}

/// A reported figure as a person reads it: money (unit 元, reported in 分) as ¥12,000.00,
/// a count with its unit (120 单).
pub fn metric_value(unit: &str, v: i64) -> String {
    if unit == "元" {
        let m = crate::Money::from_fen(v.saturating_abs())
            .map_or_else(|_| v.to_string(), |m| m.to_string());
        if v < 0 { format!("-{m}") } else { m }
    } else {
        format!("{v} {unit}")
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use std::collections::BTreeMap;

    /// e1 operating p1 from 1 Jan 2026.
    fn operating() -> Facts {
        let mut f = world();
        f.projects[0].construction_start = d(2025, 6, 1);
        f.projects[0].construction_end = d(2025, 12, 31);
        f.projects[0].operation_start = Some(d(2026, 1, 1));
        f.evaluations.push(PerformanceEvaluation {
            id: "v".into(),
            project_id: "p1".into(),
            date: d(2026, 1, 5),
        });
        f
    }

    fn data(month: NaiveDate, submitted: NaiveDate, figures: &[(&str, i64)]) -> DataReport {
        DataReport {
            id: format!("d-{month}"),
            enterprise_id: "e1".into(),
            month,
            submitted_on: submitted,
            figures: figures
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect::<BTreeMap<_, _>>(),
        }
    }

    #[test]
    fn report_due_by_the_tenth_on_time_on_the_day_late_the_next() {
        let mut f = operating();
        assert!(!has(
            &f,
            d(2026, 2, 10),
            "data.report_late",
            Some("2026-01")
        ));
        let x = all(&f, d(2026, 2, 11), "data.report_late");
        assert!(x[0].message.contains("尚未报送"), "{}", x[0].message);
        f.data_reports
            .push(data(d(2026, 1, 1), d(2026, 2, 10), &[("orders", 10)]));
        assert!(
            !has(&f, d(2026, 2, 11), "data.report_late", Some("2026-01")),
            "on the due day is on time"
        );
        f.data_reports[0].submitted_on = d(2026, 2, 11);
        let x = fired(&f, d(2026, 2, 12), "data.report_late");
        assert!(x.message.contains("晚报 1 天"), "{}", x.message);
        // Before operation there is nothing to report.
        assert!(!has(
            &f,
            d(2026, 1, 11),
            "data.report_late",
            Some("2025-12")
        ));
    }

    /// The matrix judges each month as `data.report_late` does, on the same boundary days.
    #[test]
    fn the_matrix_marks_each_month_owed_on_time_late_missing_or_not_due() {
        let mut f = operating();
        let months = [d(2025, 12, 1), d(2026, 1, 1), d(2026, 2, 1), d(2026, 3, 1)];
        let cells = |f: &Facts, on| {
            super::reporting_matrix(f, &profile(), on, &months)
                .into_iter()
                .find(|r| r.enterprise_id == "e1")
                .unwrap()
                .months
                .into_iter()
                .map(|(_, s)| s)
                .collect::<Vec<_>>()
        };
        use super::MonthReport::*;
        // December: before operation, not owed. January on 10 Feb: the due day, not late;
        // February, begun, owed but not due; March not begun, not owed yet.
        assert_eq!(
            cells(&f, d(2026, 2, 10)),
            [NotOwed, NotDue, NotDue, NotOwed]
        );
        // The day after, missing — as the rule says.
        assert_eq!(cells(&f, d(2026, 2, 11))[1], Missing);
        assert!(has(&f, d(2026, 2, 11), "data.report_late", Some("2026-01")));
        f.data_reports
            .push(data(d(2026, 1, 1), d(2026, 2, 10), &[("orders", 10)]));
        assert_eq!(cells(&f, d(2026, 2, 11))[1], OnTime);
        // Handed in two days late: late on the day it arrives, missing the day before.
        f.data_reports[0].submitted_on = d(2026, 2, 12);
        assert_eq!(cells(&f, d(2026, 2, 11))[1], Missing, "not known yet");
        assert_eq!(cells(&f, d(2026, 2, 12))[1], Late(2));
        assert_eq!(Late(2).label(), "迟报 2 天");
        assert!(Late(2).is_problem() && Missing.is_problem() && !NotDue.is_problem());
        // February is owed once February has begun; March not before it.
        let on = d(2026, 3, 11);
        assert_eq!(cells(&f, on)[2], Missing);
        assert_eq!(cells(&f, on)[3], NotDue);
    }

    #[test]
    fn two_late_or_missing_in_six_months_is_uncooperative() {
        let mut f = operating();
        for (m, sub) in [
            (1, d(2026, 2, 9)),
            (2, d(2026, 3, 15)),
            (3, d(2026, 4, 10)),
            (4, d(2026, 5, 10)),
        ] {
            f.data_reports
                .push(data(d(2026, m, 1), sub, &[("orders", 10)]));
        }
        // Only February was late by 11 May (April due 10 May was on time).
        assert!(!rules(&f, d(2026, 5, 11)).contains(&"data.uncooperative"));
        // May's report missing after 10 June: two in the window.
        let x = fired(&f, d(2026, 6, 11), "data.uncooperative");
        assert_eq!(x.severity, Severity::Serious);
        assert!(
            x.message.contains("2026年2月") && x.message.contains("2026年5月"),
            "{}",
            x.message
        );
        assert!(!rules(&f, d(2026, 6, 10)).contains(&"data.uncooperative"));
        // Six months on, February has left the window (windows: Feb–Jul due by 10 Aug? no: Mar–Aug by 11 Sep).
        f.data_reports
            .push(data(d(2026, 5, 1), d(2026, 6, 12), &[("orders", 10)]));
        for m in 6..=8 {
            f.data_reports
                .push(data(d(2026, m, 1), d(2026, m + 1, 5), &[("orders", 10)]));
        }
        assert!(
            rules(&f, d(2026, 8, 11)).contains(&"data.uncooperative"),
            "window Feb–Jul holds Feb and May"
        );
        assert!(
            !rules(&f, d(2026, 9, 11)).contains(&"data.uncooperative"),
            "window Mar–Aug holds only May"
        );
    }

    /// Money is reported in 分 and read in 元: 432,000 分 is ¥4,320.00, never "432000".
    #[test]
    fn figures_read_in_their_units() {
        use super::super::data::{metric_value, suspicious_change};
        assert_eq!(metric_value("元", 432_000), "¥4,320.00");
        assert_eq!(metric_value("元", -150), "-¥1.50");
        assert_eq!(metric_value("单", 120), "120 单");
        let why = suspicious_change(6_000_000, Some(100_000), 5.0, "元").unwrap();
        assert_eq!(why, "为 ¥60,000.00，上月为 ¥1,000.00，变化超过 5 倍");
        let mut f = operating();
        f.data_reports.push(data(
            d(2026, 1, 1),
            d(2026, 2, 5),
            &[("online_sales_fen", 100_000)],
        ));
        f.data_reports.push(data(
            d(2026, 2, 1),
            d(2026, 3, 5),
            &[("online_sales_fen", 6_000_000)],
        ));
        let x = all(&f, d(2026, 3, 6), "data.report_suspicious");
        assert!(
            x.iter()
                .any(|f| f.message.contains("为 ¥60,000.00，上月为 ¥1,000.00")),
            "{x:?}"
        );
    }

    #[test]
    fn suspicious_figures() {
        let mut f = operating();
        f.data_reports.push(data(
            d(2026, 1, 1),
            d(2026, 2, 5),
            &[("orders", 100), ("parcels", 50), ("sales", 10)],
        ));
        f.data_reports.push(data(
            d(2026, 2, 1),
            d(2026, 3, 5),
            &[("orders", 500), ("parcels", 0), ("sales", -1)],
        ));
        let x = all(&f, d(2026, 3, 6), "data.report_suspicious");
        let periods: Vec<_> = x.iter().map(|f| f.period.clone().unwrap()).collect();
        assert!(
            periods.contains(&"2026-02:parcels".to_string()),
            "{periods:?}"
        );
        assert!(periods.contains(&"2026-02:sales".to_string()));
        assert!(
            !periods.contains(&"2026-02:orders".to_string()),
            "exactly 5 times is not more than 5"
        );
        f.data_reports[1].figures.insert("orders".into(), 501);
        assert!(has(
            &f,
            d(2026, 3, 6),
            "data.report_suspicious",
            Some("2026-02:orders")
        ));
        f.data_reports[1].figures.insert("orders".into(), 19);
        assert!(
            has(
                &f,
                d(2026, 3, 6),
                "data.report_suspicious",
                Some("2026-02:orders")
            ),
            "100 → 19 is a fall of more than 5 times"
        );
        f.data_reports[1].figures.insert("orders".into(), 20);
        assert!(!has(
            &f,
            d(2026, 3, 6),
            "data.report_suspicious",
            Some("2026-02:orders")
        ));
        // p = 0 and v > 0: no ratio to judge by.
        f.data_reports[0].figures.insert("orders".into(), 0);
        f.data_reports[1].figures.insert("orders".into(), 1000);
        assert!(!has(
            &f,
            d(2026, 3, 6),
            "data.report_suspicious",
            Some("2026-02:orders")
        ));
    }
}
