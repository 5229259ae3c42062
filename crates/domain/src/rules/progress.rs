//! 一（一）进度管理 and 二（二）书面材料: progress against the plan, and monthly reports.

use super::calendar::{day_of_next_month, month_key, month_label, months_between};
use super::facts::{Milestone, PlanVersion, ProgressReport, ProjectFacts};
use super::{Ctx, Draft, days_text, pct};
use crate::dates::format_cn_date;
use chrono::NaiveDate;

/// The days a project is under construction: from its start until the day before operation
/// starts or supervision closes, and at most until the construction end.
pub(crate) fn construction_span(p: &ProjectFacts) -> Option<(NaiveDate, NaiveDate)> {
    let mut last = p.construction_end;
    for stop in [p.operation_start, p.closed_on].into_iter().flatten() {
        if let Some(before) = stop.pred_opt() {
            last = last.min(before);
        }
    }
    (last >= p.construction_start).then_some((p.construction_start, last))
}

/// The plan in force on `d`: the latest version effective on or before it.
pub(crate) fn plan_in_force<'a>(
    plans: &[&'a PlanVersion],
    d: NaiveDate,
) -> Option<&'a PlanVersion> {
    plans
        .iter()
        .filter(|v| v.effective_from <= d)
        .max_by(|a, b| {
            // Two versions from the same day: the later-finishing plan, deterministically.
            let last = |v: &PlanVersion| {
                v.milestones
                    .iter()
                    .map(|m| (m.date, m.percent))
                    .fold((NaiveDate::MIN, 0.0), |x, y| if y > x { y } else { x })
            };
            let (la, lb) = (last(a), last(b));
            a.effective_from
                .cmp(&b.effective_from)
                .then(la.0.cmp(&lb.0))
                .then(la.1.total_cmp(&lb.1))
                .then(a.milestones.len().cmp(&b.milestones.len()))
        })
        .copied()
}

/// Planned cumulative percent at `d`: piecewise-linear through (start, 0 %) and the
/// milestones in date order; 0 before the start, the last milestone's percent after it.
pub fn planned_percent(start: NaiveDate, milestones: &[Milestone], d: NaiveDate) -> f64 {
    let mut points: Vec<(NaiveDate, f64)> = vec![(start, 0.0)];
    let mut ms: Vec<Milestone> = milestones.to_vec();
    ms.sort_by_key(|m| m.date);
    points.extend(ms.iter().map(|m| (m.date, m.percent)));
    if d < start {
        return 0.0;
    }
    for w in points.windows(2) {
        let ((d0, p0), (d1, p1)) = (w[0], w[1]);
        if d <= d1 {
            if d1 <= d0 {
                return p1;
            }
            let span = (d1 - d0).num_days() as f64;
            let done = (d - d0).num_days().max(0) as f64;
            return p0 + (p1 - p0) * done / span;
        }
    }
    points.last().map_or(0.0, |p| p.1)
}

/// The latest report dated on or before `d` and known by then.
fn actual<'a>(reports: &[&'a ProgressReport], d: NaiveDate) -> Option<&'a ProgressReport> {
    reports
        .iter()
        .filter(|r| r.report_date <= d && r.submitted_on <= d)
        .max_by(|a, b| {
            // Ties (even two rows with one id, as a careless import may hold) are broken
            // by the figure, so that the result never depends on the order of the rows.
            (a.report_date, a.submitted_on, &a.id)
                .cmp(&(b.report_date, b.submitted_on, &b.id))
                .then(a.cumulative_percent.total_cmp(&b.cumulative_percent))
        })
        .copied()
}

/// A project's progress reports.
fn reports_of<'c>(ctx: &'c Ctx, p: &ProjectFacts) -> &'c [&'c ProgressReport] {
    ctx.reports_by_project
        .get(p.id.as_str())
        .map_or(&[], Vec::as_slice)
}

pub(crate) fn report_missing(ctx: &Ctx, out: &mut Vec<Draft>) {
    let t = &ctx.profile.thresholds;
    let d = ctx.as_of;
    for p in &ctx.facts.projects {
        let Some((start, last)) = construction_span(p).filter(|(start, _)| *start <= d) else {
            continue;
        };
        let reports = reports_of(ctx, p);
        // Every month the project was under construction.
        for m in months_between(start, last.min(d)) {
            let due = day_of_next_month(m, t.progress_report_due_day);
            if d <= due {
                continue;
            }
            if reports.iter().any(|r| r.month == m && r.submitted_on <= d) {
                continue;
            }
            out.push(Draft {
                rule: "progress.report_missing",
                subject: ctx.project_subject(p),
                period: Some(month_key(m)),
                message: format!(
                    "{}的“{}”{}进度报告（书面材料）应于{}前报送，已逾期 {}，尚未收到。",
                    ctx.enterprise_name(&p.enterprise_id),
                    p.name,
                    month_label(m),
                    format_cn_date(due),
                    days_text((d - due).num_days())
                ),
                due: Some(due),
                current: false,
            });
        }
    }
}

/// How far a project under construction is behind its plan in force on the day.
struct Lag<'a> {
    p: &'a ProjectFacts,
    planned: f64,
    done: f64,
    /// What the actual figure rests on, as the message says it.
    basis: String,
}

impl Lag<'_> {
    fn behind(&self) -> f64 {
        self.planned - self.done
    }

    fn severe(&self, ctx: &Ctx) -> bool {
        let t = &ctx.profile.thresholds;
        self.behind() >= t.severe_lag_points && self.done < t.severe_lag_overall_below
    }
}

/// The lag of every project under construction on the day; `Err` for one whose lag cannot
/// be known (no approved plan in force).
fn lags<'a>(ctx: &'a Ctx) -> Vec<Result<Lag<'a>, &'a ProjectFacts>> {
    let d = ctx.as_of;
    let mut out = Vec::new();
    for p in &ctx.facts.projects {
        let Some((start, last)) = construction_span(p) else {
            continue;
        };
        if d < start || d > last {
            continue;
        }
        let plans = ctx
            .plans_by_project
            .get(p.id.as_str())
            .map_or(&[][..], Vec::as_slice);
        let Some(plan) = plan_in_force(plans, d).filter(|v| !v.milestones.is_empty()) else {
            out.push(Err(p));
            continue;
        };
        let planned = planned_percent(start, &plan.milestones, d);
        let reports = reports_of(ctx, p);
        let report = actual(reports, d);
        let done = report.map_or(0.0, |r| r.cumulative_percent);
        let basis = match report {
            Some(r) => format!("{}报告实际完成{}", format_cn_date(r.report_date), pct(done)),
            None => "尚无进度报告，按 0% 计".to_string(),
        };
        out.push(Ok(Lag {
            p,
            planned,
            done,
            basis,
        }));
    }
    out
}

/// 一（一）: far behind and little done — a 限期整改通知书 is due.
pub(crate) fn severe_lag(ctx: &Ctx, out: &mut Vec<Draft>) {
    let t = &ctx.profile.thresholds;
    for l in lags(ctx).into_iter().flatten().filter(|l| l.severe(ctx)) {
        out.push(Draft {
            rule: "progress.severe_lag",
            subject: ctx.project_subject(l.p),
            period: None,
            message: format!(
                "“{}”按进度计划表截至{}应完成{}，{}，落后{}个百分点，总体进度不足{}。应向{}下达限期整改通知书，整改期限 {}。",
                l.p.name,
                format_cn_date(ctx.as_of),
                pct(l.planned),
                l.basis,
                pct(l.behind()).trim_end_matches('%'),
                pct(t.severe_lag_overall_below),
                ctx.enterprise_name(&l.p.enterprise_id),
                days_text(i64::from(t.severe_lag_deadline_days))
            ),
            due: None,
            current: false,
        });
    }
}

/// 一（一）: behind the plan (and not severely: that is [`severe_lag`]); a project without an
/// approved plan cannot be judged and says so.
pub(crate) fn deviation(ctx: &Ctx, out: &mut Vec<Draft>) {
    let t = &ctx.profile.thresholds;
    for lag in lags(ctx) {
        match lag {
            Err(p) => out.push(Draft {
                rule: super::DATA_INCOMPLETE,
                subject: ctx.project_subject(p),
                period: Some("progress_plan".into()),
                message: format!(
                    "“{}”正在建设，但没有经审核的进度计划表，无法判断进度是否偏差。请{}提交进度计划表。",
                    p.name,
                    ctx.enterprise_name(&p.enterprise_id)
                ),
                due: None,
                current: false,
            }),
            Ok(l) if !l.severe(ctx) && l.behind() > t.deviation_points => out.push(Draft {
                rule: "progress.deviation",
                subject: ctx.project_subject(l.p),
                period: None,
                message: format!(
                    "“{}”按进度计划表截至{}应完成{}，{}，落后{}个百分点。请{}说明原因并提出补救措施，必要时调整进度计划。",
                    l.p.name,
                    format_cn_date(ctx.as_of),
                    pct(l.planned),
                    l.basis,
                    pct(l.behind()).trim_end_matches('%'),
                    ctx.enterprise_name(&l.p.enterprise_id)
                ),
                due: None,
                current: false,
            }),
            Ok(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn planned_percent_is_piecewise_linear() {
        let ms = [
            Milestone {
                date: d(2026, 1, 31),
                percent: 30.0,
            },
            Milestone {
                date: d(2026, 3, 2),
                percent: 60.0,
            },
        ];
        let start = d(2026, 1, 1);
        assert_eq!(planned_percent(start, &ms, d(2025, 12, 31)), 0.0);
        assert_eq!(planned_percent(start, &ms, start), 0.0);
        assert_eq!(planned_percent(start, &ms, d(2026, 1, 16)), 15.0);
        assert_eq!(planned_percent(start, &ms, d(2026, 1, 31)), 30.0);
        assert_eq!(planned_percent(start, &ms, d(2026, 2, 15)), 45.0);
        assert_eq!(planned_percent(start, &ms, d(2026, 12, 31)), 60.0);
        // Milestones given out of order are read in date order.
        let rev = [ms[1], ms[0]];
        assert_eq!(planned_percent(start, &rev, d(2026, 2, 15)), 45.0);
    }

    /// Plan: 0 % on 1 Jan to 100 % on 11 Apr (100 days): 1 point a day.
    fn lagging(report_percent: Option<f64>) -> Facts {
        let mut f = world();
        f.plans
            .push(plan("p1", d(2026, 1, 1), &[(d(2026, 4, 11), 100.0)]));
        if let Some(pc) = report_percent {
            f.progress_reports
                .push(report("p1", d(2026, 2, 1), d(2026, 2, 20), pc));
        }
        f
    }

    #[test]
    fn deviation_fires_above_ten_points_only() {
        // On 21 Feb the plan says 51 %.
        let on = d(2026, 2, 21);
        assert!(
            !rules(&lagging(Some(41.0)), on).contains(&"progress.deviation"),
            "exactly 10 behind"
        );
        assert!(rules(&lagging(Some(40.5)), on).contains(&"progress.deviation"));
        assert!(!rules(&lagging(Some(51.0)), on).contains(&"progress.deviation"));
        let f = fired(&lagging(Some(40.0)), on, "progress.deviation");
        assert!(
            f.message.contains("应完成51%") && f.message.contains("落后11个百分点"),
            "{}",
            f.message
        );
    }

    #[test]
    fn severe_lag_needs_twenty_behind_and_under_forty_overall() {
        let on = d(2026, 2, 21); // planned 51 %
        let fs = rules(&lagging(Some(31.0)), on);
        assert!(
            fs.contains(&"progress.severe_lag") && !fs.contains(&"progress.deviation"),
            "{fs:?}"
        );
        // 19.5 behind: deviation only.
        let fs = rules(&lagging(Some(31.5)), on);
        assert!(fs.contains(&"progress.deviation") && !fs.contains(&"progress.severe_lag"));
        // 40 % overall is not "under 40 %", even 21 points behind (planned 61 % on 3 Mar).
        let fs = rules(&lagging(Some(40.0)), d(2026, 3, 3));
        assert!(!fs.contains(&"progress.severe_lag") && fs.contains(&"progress.deviation"));
        let fs = rules(&lagging(Some(39.9)), d(2026, 3, 3));
        assert!(fs.contains(&"progress.severe_lag"));
        assert_eq!(
            fired(&lagging(Some(31.0)), on, "progress.severe_lag").severity,
            Severity::Serious
        );
    }

    #[test]
    fn no_report_counts_as_zero_and_reports_after_the_date_do_not_count() {
        let fs = rules(&lagging(None), d(2026, 1, 25)); // planned 24 %, actual 0
        assert!(fs.contains(&"progress.severe_lag"));
        // A report dated 20 Feb says nothing about 19 Feb.
        let fs = rules(&lagging(Some(20.0)), d(2026, 2, 19)); // planned 49, actual 0
        assert!(fs.contains(&"progress.severe_lag"));
    }

    #[test]
    fn progress_is_judged_only_while_under_construction() {
        let mut f = lagging(None);
        f.projects[0].operation_start = Some(d(2026, 3, 1));
        assert!(
            !rules(&f, d(2026, 3, 1))
                .iter()
                .any(|r| r.starts_with("progress.d") || r.starts_with("progress.s"))
        );
        assert!(rules(&f, d(2026, 2, 28)).contains(&"progress.severe_lag"));
        assert!(rules(&lagging(None), d(2025, 12, 31)).is_empty());
    }

    #[test]
    fn the_plan_in_force_on_the_date_is_used() {
        let mut f = lagging(None);
        f.progress_reports
            .push(report("p1", d(2026, 2, 1), d(2026, 2, 10), 31.0));
        // A revised, slower plan approved on 15 Feb: 0 → 50 % by 11 Apr.
        f.plans
            .push(plan("p1", d(2026, 2, 15), &[(d(2026, 4, 11), 50.0)]));
        assert!(
            rules(&f, d(2026, 2, 14)).contains(&"progress.deviation"),
            "old plan: 44 planned vs 31"
        );
        let fs = rules(&f, d(2026, 2, 21));
        assert!(
            !fs.contains(&"progress.deviation") && !fs.contains(&"progress.severe_lag"),
            "{fs:?}"
        );
    }

    #[test]
    fn a_missing_plan_is_reported_not_passed() {
        let f = world();
        let fd = fired(&f, d(2026, 2, 1), "data.incomplete");
        assert_eq!(fd.severity, Severity::Info);
        assert!(fd.message.contains("进度计划表"));
    }

    #[test]
    fn monthly_reports_are_due_by_the_fifth() {
        let mut f = lagging(None);
        f.plans.clear();
        // January's report due 5 Feb; missing from 6 Feb.
        assert!(!has(
            &f,
            d(2026, 2, 5),
            "progress.report_missing",
            Some("2026-01")
        ));
        assert!(has(
            &f,
            d(2026, 2, 6),
            "progress.report_missing",
            Some("2026-01")
        ));
        // A report for January submitted on the due day: not missing.
        f.progress_reports.push(ProgressReport {
            id: "r-jan".into(),
            project_id: "p1".into(),
            month: d(2026, 1, 1),
            report_date: d(2026, 1, 31),
            submitted_on: d(2026, 2, 5),
            cumulative_percent: 20.0,
        });
        assert!(!has(
            &f,
            d(2026, 2, 6),
            "progress.report_missing",
            Some("2026-01")
        ));
        // Nothing is due for months after construction.
        let mut g = world();
        g.projects[0].operation_start = Some(d(2026, 2, 1));
        assert!(has(
            &g,
            d(2026, 3, 6),
            "progress.report_missing",
            Some("2026-01")
        ));
        assert!(!has(
            &g,
            d(2026, 3, 6),
            "progress.report_missing",
            Some("2026-02")
        ));
    }
}
