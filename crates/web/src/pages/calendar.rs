//! 检查日历: a month of planned and done inspections, for the county or one inspector,
//! laid out by week as a wall calendar is.

use super::{Layout, PageResult, layout, render};
use crate::AppState;
use crate::auth::Auth;
use crate::routes::Routes;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::{Datelike, Months, NaiveDate};
use jianguan_app::AppError;
use jianguan_app::Permission::*;
use jianguan_app::inspections::{self as ins, InspectionFilter, InspectionSort};
use jianguan_domain::inspection::InspectionStatus;
use serde::Deserialize;
use std::collections::BTreeMap;

pub(crate) fn routes(r: Routes) -> Routes {
    r.get("/inspections/calendar", ReadRecords, show)
}

/// The most inspections one month shows; past it the page says so (a county does some
/// dozens a month).
const MONTH_MAX: u64 = 500;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CalendarQuery {
    month: String,
    inspector: String,
}

pub struct Visit {
    pub id: String,
    pub project: String,
    pub status: &'static str,
    pub planned: bool,
}

pub struct Day {
    /// 0 for the padding before the first and after the last day of the month.
    pub day: u32,
    pub today: bool,
    pub visits: Vec<Visit>,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    layout: Layout,
    title: String,
    month: String,
    previous: String,
    next: String,
    inspector: String,
    weeks: Vec<Vec<Day>>,
    planned: usize,
    done: usize,
    truncated: bool,
}

fn parse_month(v: &str) -> Option<NaiveDate> {
    let (y, m) = v.trim().split_once('-')?;
    let (y, m) = (y.parse::<i32>().ok()?, m.parse::<u32>().ok()?);
    if !(2000..=2100).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, 1)
}

/// The month's days in weeks, Monday first, padded to whole weeks.
fn weeks_of(
    first: NaiveDate,
    today: NaiveDate,
    mut visits: BTreeMap<u32, Vec<Visit>>,
) -> Vec<Vec<Day>> {
    let last = (first + Months::new(1)).pred_opt().unwrap_or(first);
    let lead = first.weekday().num_days_from_monday();
    let mut days: Vec<Day> = (0..lead)
        .map(|_| Day {
            day: 0,
            today: false,
            visits: Vec::new(),
        })
        .collect();
    for d in 1..=last.day() {
        days.push(Day {
            day: d,
            today: first.with_day(d) == Some(today),
            visits: visits.remove(&d).unwrap_or_default(),
        });
    }
    while !days.len().is_multiple_of(7) {
        days.push(Day {
            day: 0,
            today: false,
            visits: Vec::new(),
        });
    }
    let mut weeks = Vec::new();
    let mut it = days.into_iter().peekable();
    while it.peek().is_some() {
        weeks.push(it.by_ref().take(7).collect());
    }
    weeks
}

pub async fn show(
    State(s): State<AppState>,
    Auth(a, c): Auth,
    Query(q): Query<CalendarQuery>,
) -> PageResult {
    let today = s.app.today();
    let first = if q.month.trim().is_empty() {
        today.with_day(1).unwrap_or(today)
    } else {
        parse_month(&q.month)
            .ok_or_else(|| AppError::field("month", "月份请按“2026-12”填写（2000 至 2100 年）"))?
    };
    let last = (first + Months::new(1)).pred_opt().unwrap_or(first);
    let inspector = q.inspector.trim().to_string();
    let f = InspectionFilter {
        status: None,
        inspector: (!inspector.is_empty()).then(|| inspector.clone()),
        project_id: None,
        from: Some(first),
        to: Some(last),
    };
    let found = ins::page(
        &s.app,
        &a,
        &f,
        InspectionSort::DateAsc,
        (0, None),
        MONTH_MAX,
    )
    .await?;
    let names = super::project_names(&s, &a).await?;
    let (mut planned, mut done) = (0, 0);
    let mut by_day: BTreeMap<u32, Vec<Visit>> = BTreeMap::new();
    for i in found.items.iter() {
        let is_planned = InspectionStatus::Planned.is(&i.status);
        if is_planned {
            planned += 1;
        } else {
            done += 1;
        }
        by_day.entry(i.date.day()).or_default().push(Visit {
            id: i.id.clone(),
            project: names.get(&i.project_id).cloned().unwrap_or_default(),
            status: super::inspections::status_label(&i.status),
            planned: is_planned,
        });
    }
    let month_code = |d: NaiveDate| d.format("%Y-%m").to_string();
    let title = format!("检查日历 · {}", first.format("%Y年%-m月"));
    Ok(render(
        StatusCode::OK,
        &CalendarPage {
            layout: layout(
                &s,
                &a,
                c.csrf.as_deref().unwrap_or_default(),
                &title,
                "/inspections/calendar",
            )
            .await,
            title,
            month: month_code(first),
            previous: month_code(first - Months::new(1)),
            next: month_code(first + Months::new(1)),
            weeks: weeks_of(first, today, by_day),
            truncated: found.total > found.items.len() as u64,
            inspector,
            planned,
            done,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_is_whole_weeks_monday_first() {
        // December 2026 begins on a Tuesday and has 31 days: five weeks.
        let first = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let weeks = weeks_of(first, today, BTreeMap::new());
        assert_eq!(weeks.len(), 5);
        assert!(weeks.iter().all(|w| w.len() == 7));
        assert_eq!(weeks[0][0].day, 0);
        assert_eq!(weeks[0][1].day, 1);
        assert!(weeks[0][2].today);
        assert_eq!(weeks[4][3].day, 31);
        assert_eq!(weeks[4][4].day, 0);
        // February 2027 begins on a Monday: exactly four weeks.
        let feb = NaiveDate::from_ymd_opt(2027, 2, 1).unwrap();
        assert_eq!(weeks_of(feb, today, BTreeMap::new()).len(), 4);
    }

    #[test]
    fn months_are_read_as_people_write_them() {
        assert_eq!(parse_month("2026-12"), NaiveDate::from_ymd_opt(2026, 12, 1));
        assert_eq!(parse_month(" 2027-1 "), NaiveDate::from_ymd_opt(2027, 1, 1));
        for bad in ["2026-13", "2026", "十二月", "99999-01", "2026-00", "-1-01"] {
            assert_eq!(parse_month(bad), None, "{bad}");
        }
    }
}
