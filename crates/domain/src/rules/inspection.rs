//! 三 监督检查频次: construction quarters, operating months, training classes, funds
//! follow-up, and the evidence every inspection needs (三（二）5).

use super::calendar::{
    days, month_end, month_key, month_label, months_between, overlap, prorated, quarter_end,
    quarter_key, quarter_label, quarters_between,
};
use super::facts::{Inspection, InspectionKind, InspectionTally, ProjectFacts};
use super::progress::construction_span;
use super::{Ctx, Draft, Facts, Profile, days_text};
use crate::dates::format_cn_date;
use chrono::{Days, NaiveDate};

/// The first and (if known) last day a project is operating.
pub(crate) fn operating_span(p: &ProjectFacts) -> Option<(NaiveDate, Option<NaiveDate>)> {
    let start = p.operation_start?;
    let last = p.closed_on.and_then(|c| c.pred_opt());
    match last {
        Some(l) if l < start => None,
        _ => Some((start, last)),
    }
}

/// Done inspections covering `kind` in a calendar period (whole months, `from` the first
/// day of one, `to` the last of one), listed or tallied.
fn done_in(
    ins: &[&Inspection],
    tallies: &[&InspectionTally],
    kind: InspectionKind,
    from: NaiveDate,
    to: NaiveDate,
) -> u32 {
    let listed = ins
        .iter()
        .filter(|i| i.covers(kind) && from <= i.date && i.date <= to)
        .count() as u32;
    let counted: u32 = tallies
        .iter()
        .filter(|t| t.kinds.contains(kind) && from <= t.month && t.month <= to)
        .map(|t| t.count)
        .sum();
    listed + counted
}

/// The finding for a quota period: a warning with what remains while it runs, serious after.
#[allow(clippy::too_many_arguments)]
fn quota_draft(
    ctx: &Ctx,
    p: &ProjectFacts,
    rule: &'static str,
    what: &str,
    period_label: String,
    period_key: String,
    end: NaiveDate,
    required: u32,
    done: u32,
) -> Draft {
    let current = ctx.as_of <= end;
    let message = if current {
        format!(
            "“{}”{}应进行{} {} 次，已检查 {} 次，还需 {} 次；本期还剩 {}（含今天），截止{}。",
            p.name,
            period_label,
            what,
            required,
            done,
            required - done,
            days_text((end - ctx.as_of).num_days() + 1),
            format_cn_date(end)
        )
    } else {
        format!(
            "“{}”{}应进行{} {} 次，实际只检查了 {} 次，少 {} 次，未达到规定频次。",
            p.name,
            period_label,
            what,
            required,
            done,
            required - done
        )
    };
    Draft {
        rule,
        subject: ctx.project_subject(p),
        period: Some(period_key),
        message,
        due: Some(end),
        current,
    }
}

/// A project's done inspections and tallies, as grouped once in [`Ctx`].
fn of_project<'a>(
    ctx: &'a Ctx,
    p: &ProjectFacts,
) -> (&'a [&'a Inspection], &'a [&'a InspectionTally]) {
    (
        ctx.done_by_project
            .get(p.id.as_str())
            .map_or(&[][..], Vec::as_slice),
        ctx.tallies_by_project
            .get(p.id.as_str())
            .map_or(&[][..], Vec::as_slice),
    )
}

/// Construction inspections a project owes in quarter `q` (prorated to its days under
/// construction) and has done then; `None` when it is not under construction then.
fn construction_need(ctx: &Ctx, p: &ProjectFacts, q: NaiveDate) -> Option<(u32, u32)> {
    let (start, last) = construction_span(p).filter(|(start, _)| *start <= ctx.as_of)?;
    let q_end = quarter_end(q);
    let in_state = overlap(start, last, q, q_end);
    if in_state <= 0 {
        return None;
    }
    let t = &ctx.profile.thresholds;
    let required = prorated(
        t.construction_inspections_per_quarter,
        in_state,
        days(q, q_end),
    );
    let (mine, tallied) = of_project(ctx, p);
    let done = done_in(mine, tallied, InspectionKind::Construction, q, q_end);
    Some((required, done))
}

/// Operating inspections a project owes in month `m` (prorated to its days operating) and
/// has done then; `None` when it is not operating then.
fn operation_need(ctx: &Ctx, p: &ProjectFacts, m: NaiveDate) -> Option<(u32, u32)> {
    let (start, last) = operating_span(p).filter(|(start, _)| *start <= ctx.as_of)?;
    let m_end = month_end(m);
    let in_state = overlap(start, last.unwrap_or(NaiveDate::MAX), m, m_end);
    if in_state <= 0 {
        return None;
    }
    let t = &ctx.profile.thresholds;
    let required = prorated(t.operation_inspections_per_month, in_state, days(m, m_end));
    let (mine, tallied) = of_project(ctx, p);
    let done = done_in(mine, tallied, InspectionKind::Operations, m, m_end);
    Some((required, done))
}

pub(crate) fn construction_quota(ctx: &Ctx, out: &mut Vec<Draft>) {
    let d = ctx.as_of;
    for p in &ctx.facts.projects {
        let Some((start, last)) = construction_span(p).filter(|(start, _)| *start <= d) else {
            continue;
        };
        for q in quarters_between(start, last.min(d)) {
            let Some((required, n)) = construction_need(ctx, p, q) else {
                continue;
            };
            if n < required {
                out.push(quota_draft(
                    ctx,
                    p,
                    "inspection.construction_quota",
                    "项目建设进度检查",
                    quarter_label(q),
                    quarter_key(q),
                    quarter_end(q),
                    required,
                    n,
                ));
            }
        }
    }
}

/// Monthly operating inspections; a project marked operating without a start date cannot
/// be counted and says so.
pub(crate) fn operation_quota(ctx: &Ctx, out: &mut Vec<Draft>) {
    let d = ctx.as_of;
    for p in &ctx.facts.projects {
        match operating_span(p) {
            Some((start, _)) if d < start => {}
            Some((start, last)) => {
                let open_end = last.unwrap_or(NaiveDate::MAX);
                for m in months_between(start, open_end.min(d)) {
                    let Some((required, n)) = operation_need(ctx, p, m) else {
                        continue;
                    };
                    if n < required {
                        out.push(quota_draft(
                            ctx,
                            p,
                            "inspection.operation_quota",
                            "运营情况检查",
                            month_label(m),
                            month_key(m),
                            month_end(m),
                            required,
                            n,
                        ));
                    }
                }
            }
            None if p.marked_operating && p.operation_start.is_none() && p.closed_on.is_none() => out.push(Draft {
                rule: super::DATA_INCOMPLETE,
                subject: ctx.project_subject(p),
                period: Some("operation_start".into()),
                message: format!("“{}”已标为运营中，但没有填写运营开始日期，无法计算运营情况检查频次。请补填运营开始日期。", p.name),
                due: None,
                current: false,
            }),
            None => {}
        }
    }
}

/// One line of a quarter's inspection figures: a kind in a period, required against done,
/// summed over the county's projects as the quota rules count each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaLine {
    pub kind: InspectionKind,
    /// "2026年第一季度" or "2026年4月".
    pub period: String,
    pub required: u32,
    pub done: u32,
    /// Projects that owe inspections of this kind in the period.
    pub projects: u32,
}

/// The quarter beginning `q`, as far as `as_of`: construction inspections for the
/// quarter, then operating inspections for each of its months that has begun.
pub fn quarter_quota(
    facts: &Facts,
    profile: &Profile,
    as_of: NaiveDate,
    q: NaiveDate,
) -> Vec<QuotaLine> {
    let ctx = Ctx::new(facts, profile, as_of);
    let sum = |kind, period: String, need: &dyn Fn(&ProjectFacts) -> Option<(u32, u32)>| {
        let mut line = QuotaLine {
            kind,
            period,
            required: 0,
            done: 0,
            projects: 0,
        };
        for p in &facts.projects {
            if let Some((required, done)) = need(p) {
                line.required += required;
                line.done += done;
                line.projects += 1;
            }
        }
        line
    };
    let mut lines = Vec::new();
    if q <= as_of {
        lines.push(sum(InspectionKind::Construction, quarter_label(q), &|p| {
            construction_need(&ctx, p, q)
        }));
    }
    for m in months_between(q, quarter_end(q).min(as_of)) {
        lines.push(sum(InspectionKind::Operations, month_label(m), &|p| {
            operation_need(&ctx, p, m)
        }));
    }
    lines
}

pub(crate) fn training_class(ctx: &Ctx, out: &mut Vec<Draft>) {
    let t = &ctx.profile.thresholds;
    let d = ctx.as_of;
    for c in &ctx.facts.training_classes {
        if d <= c.last_day {
            continue;
        }
        let n = ctx
            .done
            .iter()
            .filter(|i| {
                i.covers(InspectionKind::Training)
                    && i.training_class_id.as_deref() == Some(c.id.as_str())
                    && c.first_day <= i.date
                    && i.date <= c.last_day
            })
            .count() as u32;
        if n < t.inspections_per_training_class {
            out.push(Draft {
                rule: "inspection.training_class",
                subject: ctx.of_project("training_class", &c.id, c.name.clone(), &c.project_id),
                period: None,
                message: format!(
                    "培训班“{}”（{}至{}，{}）结束前没有进行培训情况检查，每期培训班应检查 {} 次。",
                    c.name,
                    format_cn_date(c.first_day),
                    format_cn_date(c.last_day),
                    ctx.project_name(&c.project_id),
                    t.inspections_per_training_class
                ),
                due: Some(c.last_day),
                current: false,
            });
        }
    }
}

pub(crate) fn funds_followup(ctx: &Ctx, out: &mut Vec<Draft>) {
    let t = &ctx.profile.thresholds;
    let d = ctx.as_of;
    // Only a confirmed disbursement is money paid; the check follows it.
    for b in ctx.facts.disbursements.iter().filter(|b| b.confirmed) {
        let deadline = b
            .date
            .checked_add_days(Days::new(u64::from(t.funds_followup_days)))
            .unwrap_or(b.date);
        if d <= deadline {
            continue;
        }
        let followed = ctx.done.iter().any(|i| {
            i.project_id == b.project_id
                && i.covers(InspectionKind::Funds)
                && b.date <= i.date
                && i.date <= deadline
        });
        if !followed {
            let money = crate::Money::from_fen(b.amount_fen)
                .map(|m| m.to_string())
                .unwrap_or_default();
            // A late check does not make up for the deadline, but the message says it exists.
            let late = ctx
                .done
                .iter()
                .filter(|i| {
                    i.project_id == b.project_id
                        && i.covers(InspectionKind::Funds)
                        && i.date > deadline
                })
                .map(|i| i.date)
                .min();
            let state = match late {
                Some(on) => format!(
                    "直到{}才进行检查，晚了 {}",
                    format_cn_date(on),
                    days_text((on - deadline).num_days())
                ),
                None => format!(
                    "至今没有检查记录，已逾期 {}",
                    days_text((d - deadline).num_days())
                ),
            };
            out.push(Draft {
                rule: "inspection.funds_followup",
                subject: ctx.of_project(
                    "disbursement",
                    &b.id,
                    format!("{}（{}）", b.batch, money),
                    &b.project_id,
                ),
                period: None,
                message: format!(
                    "“{}”{}拨付资金{}后，应在{}前进行资金使用情况检查，{state}。",
                    ctx.project_name(&b.project_id),
                    format_cn_date(b.date),
                    money,
                    format_cn_date(deadline)
                ),
                due: Some(deadline),
                current: false,
            });
        }
    }
}

/// 三（二）5: every inspection has its minutes and photos.
pub(crate) fn evidence_missing(ctx: &Ctx, out: &mut Vec<Draft>) {
    let t = &ctx.profile.thresholds;
    for i in &ctx.done {
        let mut missing = Vec::new();
        if !i.has_minutes {
            missing.push("会议记录".to_string());
        }
        if i.photo_count < t.evidence_min_photos {
            missing.push(format!(
                "图片资料（至少 {} 张，现有 {} 张）",
                t.evidence_min_photos, i.photo_count
            ));
        }
        if !missing.is_empty() {
            out.push(Draft {
                rule: "inspection.evidence_missing",
                subject: ctx.of_project(
                    "inspection",
                    &i.id,
                    format!("{}的检查", format_cn_date(i.date)),
                    &i.project_id,
                ),
                period: None,
                message: format!(
                    "“{}”{}的监督检查缺少{}，请补齐。",
                    ctx.project_name(&i.project_id),
                    format_cn_date(i.date),
                    missing.join("和")
                ),
                due: None,
                current: false,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    fn construction(n: usize, dates: &[NaiveDate]) -> Facts {
        let mut f = world();
        f.plans
            .push(plan("p1", d(2026, 1, 1), &[(d(2026, 12, 31), 100.0)]));
        for (k, date) in dates.iter().enumerate().take(n) {
            f.inspections.push(inspection(
                &format!("i{k}"),
                "p1",
                &[InspectionKind::Construction],
                *date,
            ));
        }
        f
    }

    #[test]
    fn construction_quota_warns_during_the_quarter_and_is_serious_after() {
        let f = construction(1, &[d(2026, 2, 10)]);
        let w = fired(&f, d(2026, 3, 31), "inspection.construction_quota");
        assert_eq!(
            (w.severity, w.period.as_deref()),
            (Severity::Warning, Some("2026-Q1"))
        );
        assert!(
            w.message.contains("还需 1 次") && w.message.contains("还剩 1 天"),
            "{}",
            w.message
        );
        assert_eq!(w.due, Some(d(2026, 3, 31)));
        let s = all(&f, d(2026, 4, 1), "inspection.construction_quota");
        let q1 = s
            .iter()
            .find(|x| x.period.as_deref() == Some("2026-Q1"))
            .unwrap();
        assert_eq!(q1.severity, Severity::Serious);
        // Q2 has started on 1 April: a warning for it, with all of it still to do.
        let q2 = s
            .iter()
            .find(|x| x.period.as_deref() == Some("2026-Q2"))
            .unwrap();
        assert_eq!(q2.severity, Severity::Warning);
        assert!(q2.message.contains("还需 2 次"));
        // Two in the quarter: nothing for Q1, before or after it ends.
        let ok = construction(2, &[d(2026, 2, 10), d(2026, 3, 31)]);
        assert!(!has(
            &ok,
            d(2026, 3, 31),
            "inspection.construction_quota",
            Some("2026-Q1")
        ));
        assert!(!has(
            &ok,
            d(2026, 4, 1),
            "inspection.construction_quota",
            Some("2026-Q1")
        ));
    }

    #[test]
    fn inspections_count_in_the_period_of_their_date_and_only_when_done() {
        let mut f = construction(2, &[d(2026, 3, 31), d(2026, 4, 1)]);
        assert!(has(
            &f,
            d(2026, 4, 2),
            "inspection.construction_quota",
            Some("2026-Q1")
        ));
        f.inspections[0].date = d(2026, 3, 30);
        f.inspections[1].date = d(2026, 3, 31);
        f.inspections[1].done = false; // planned, not yet recorded
        assert!(has(
            &f,
            d(2026, 4, 2),
            "inspection.construction_quota",
            Some("2026-Q1")
        ));
        // One visit may cover several kinds.
        let mut g = construction(0, &[]);
        for (k, date) in [d(2026, 1, 5), d(2026, 1, 6)].iter().enumerate() {
            g.inspections.push(inspection(
                &format!("x{k}"),
                "p1",
                &[InspectionKind::Funds, InspectionKind::Construction],
                *date,
            ));
        }
        assert!(!has(
            &g,
            d(2026, 4, 2),
            "inspection.construction_quota",
            Some("2026-Q1")
        ));
    }

    #[test]
    fn a_quarter_s_figures_count_as_the_quota_rules_do() {
        let mut f = construction(1, &[d(2026, 2, 10)]);
        // A second project, operating from 15 February.
        let mut op = f.projects[0].clone();
        op.id = "p2".into();
        op.operation_start = Some(d(2026, 2, 15));
        op.construction_end = d(2026, 2, 14);
        f.projects.push(op);
        f.inspections.push(inspection(
            "o1",
            "p2",
            &[InspectionKind::Operations],
            d(2026, 3, 3),
        ));
        let lines = super::quarter_quota(&f, &profile(), d(2026, 3, 31), d(2026, 1, 1));
        let t = &profile().thresholds;
        let c = &lines[0];
        assert_eq!(c.kind, InspectionKind::Construction);
        assert_eq!(c.projects, 2, "both were under construction in Q1");
        assert_eq!(c.done, 1);
        // p1 owes the whole quarter's; p2 its 45 days of 90, prorated as the rule does.
        let p2_part =
            crate::rules::calendar::prorated(t.construction_inspections_per_quarter, 45, 90);
        assert_eq!(c.required, t.construction_inspections_per_quarter + p2_part);
        let months: Vec<_> = lines[1..]
            .iter()
            .map(|l| (l.period.as_str(), l.projects, l.done))
            .collect();
        assert_eq!(
            months,
            vec![
                ("2026年1月", 0, 0),
                ("2026年2月", 1, 0),
                ("2026年3月", 1, 1)
            ]
        );
        // As of mid-February: March has not begun.
        let early = super::quarter_quota(&f, &profile(), d(2026, 2, 20), d(2026, 1, 1));
        assert_eq!(early.len(), 3);
        // The quota rule agrees: Q1's construction shortfall is what the figures show.
        let q1: Vec<String> = all(&f, d(2026, 4, 1), "inspection.construction_quota")
            .into_iter()
            .filter(|x| x.period.as_deref() == Some("2026-Q1"))
            .map(|x| x.message)
            .collect();
        assert!(
            q1.iter()
                .any(|m| m.contains("应进行项目建设进度检查 2 次，实际只检查了 1 次")),
            "{q1:?}"
        );
    }

    #[test]
    fn construction_quota_is_prorated_for_a_partial_first_quarter() {
        let mut f = construction(0, &[]);
        // Starts 16 Feb: 44 of 90 days of Q1 → ceil(2 × 44 / 90) = 1.
        f.projects[0].construction_start = d(2026, 2, 16);
        let q = fired(&f, d(2026, 4, 1), "inspection.construction_quota");
        assert!(
            q.message.contains("应进行项目建设进度检查 1 次"),
            "{}",
            q.message
        );
        f.inspections.push(inspection(
            "i",
            "p1",
            &[InspectionKind::Construction],
            d(2026, 3, 1),
        ));
        assert!(!has(
            &f,
            d(2026, 4, 1),
            "inspection.construction_quota",
            Some("2026-Q1")
        ));
        // Starts 14 Feb: 46 of 90 days → 2.
        f.projects[0].construction_start = d(2026, 2, 14);
        assert!(has(
            &f,
            d(2026, 4, 1),
            "inspection.construction_quota",
            Some("2026-Q1")
        ));
        // Before construction starts nothing is due.
        assert!(!rules(&f, d(2026, 2, 13)).contains(&"inspection.construction_quota"));
    }

    fn operating(from: NaiveDate) -> Facts {
        let mut f = world();
        f.projects[0].construction_start = d(2025, 6, 1);
        f.projects[0].construction_end = from.pred_opt().unwrap();
        f.projects[0].operation_start = Some(from);
        f.plans.push(plan("p1", d(2025, 6, 1), &[(from, 100.0)]));
        f.progress_reports
            .push(report("p1", d(2025, 12, 1), d(2025, 12, 31), 100.0));
        f
    }

    #[test]
    fn operation_quota_prorated_in_the_first_month() {
        // Operating from 17 Mar: 15 of 31 days → ceil(2 × 15 / 31) = 1.
        let mut f = operating(d(2026, 3, 17));
        let w = fired(&f, d(2026, 3, 20), "inspection.operation_quota");
        assert_eq!(w.severity, Severity::Warning);
        assert!(w.message.contains("运营情况检查 1 次"), "{}", w.message);
        f.inspections.push(inspection(
            "o1",
            "p1",
            &[InspectionKind::Operations],
            d(2026, 3, 31),
        ));
        assert!(!has(
            &f,
            d(2026, 4, 1),
            "inspection.operation_quota",
            Some("2026-03")
        ));
        // Nothing is due before operation starts, even within the month.
        assert!(
            !rules(&operating(d(2026, 3, 17)), d(2026, 3, 16))
                .contains(&"inspection.operation_quota")
        );
        // From 16 Mar: 16 of 31 days → 2.
        let mut g = operating(d(2026, 3, 16));
        g.inspections.push(inspection(
            "o1",
            "p1",
            &[InspectionKind::Operations],
            d(2026, 3, 31),
        ));
        let s = fired(&g, d(2026, 4, 1), "inspection.operation_quota");
        assert_eq!(
            (s.severity, s.period.as_deref()),
            (Severity::Serious, Some("2026-03"))
        );
        // A full month needs two.
        assert!(has(
            &g,
            d(2026, 5, 1),
            "inspection.operation_quota",
            Some("2026-04")
        ));
        g.inspections.push(inspection(
            "o2",
            "p1",
            &[InspectionKind::Operations],
            d(2026, 4, 1),
        ));
        g.inspections.push(inspection(
            "o3",
            "p1",
            &[InspectionKind::Operations],
            d(2026, 4, 30),
        ));
        assert!(!has(
            &g,
            d(2026, 5, 1),
            "inspection.operation_quota",
            Some("2026-04")
        ));
    }

    #[test]
    fn operation_quota_ends_with_acceptance() {
        let mut f = operating(d(2026, 3, 1));
        f.projects[0].closed_on = Some(d(2026, 4, 1));
        assert!(!has(
            &f,
            d(2026, 5, 1),
            "inspection.operation_quota",
            Some("2026-04")
        ));
        assert!(has(
            &f,
            d(2026, 5, 1),
            "inspection.operation_quota",
            Some("2026-03")
        ));
    }

    #[test]
    fn operating_without_a_start_date_is_incomplete_data() {
        let mut f = world();
        f.plans
            .push(plan("p1", d(2026, 1, 1), &[(d(2026, 12, 31), 100.0)]));
        f.projects[0].marked_operating = true;
        assert!(has(
            &f,
            d(2026, 3, 1),
            "data.incomplete",
            Some("operation_start")
        ));
        f.projects[0].operation_start = Some(d(2026, 2, 1));
        assert!(!has(
            &f,
            d(2026, 3, 1),
            "data.incomplete",
            Some("operation_start")
        ));
    }

    fn training_world(inspected_on: Option<NaiveDate>) -> Facts {
        let mut f = world();
        f.plans
            .push(plan("p1", d(2026, 1, 1), &[(d(2026, 12, 31), 100.0)]));
        f.training_classes.push(TrainingClass {
            id: "c1".into(),
            project_id: "p1".into(),
            name: "第一期电商带头人培训班".into(),
            first_day: d(2026, 5, 11),
            last_day: d(2026, 5, 15),
        });
        if let Some(date) = inspected_on {
            let mut i = inspection("t1", "p1", &[InspectionKind::Training], date);
            i.training_class_id = Some("c1".into());
            f.inspections.push(i);
        }
        f
    }

    #[test]
    fn training_class_needs_an_inspection_within_its_dates() {
        let f = training_world(None);
        assert!(
            !rules(&f, d(2026, 5, 15)).contains(&"inspection.training_class"),
            "on its last day"
        );
        let x = fired(&f, d(2026, 5, 16), "inspection.training_class");
        assert_eq!(
            (x.severity, x.subject.kind.as_str()),
            (Severity::Serious, "training_class")
        );
        assert!(
            !rules(&training_world(Some(d(2026, 5, 15))), d(2026, 5, 16))
                .contains(&"inspection.training_class")
        );
        assert!(
            !rules(&training_world(Some(d(2026, 5, 11))), d(2026, 5, 16))
                .contains(&"inspection.training_class")
        );
        assert!(
            rules(&training_world(Some(d(2026, 5, 16))), d(2026, 5, 17))
                .contains(&"inspection.training_class")
        );
        assert!(
            rules(&training_world(Some(d(2026, 5, 10))), d(2026, 5, 17))
                .contains(&"inspection.training_class")
        );
    }

    fn funds_world(inspected_on: Option<NaiveDate>, kind: InspectionKind) -> Facts {
        let mut f = world();
        f.plans
            .push(plan("p1", d(2026, 1, 1), &[(d(2026, 12, 31), 100.0)]));
        f.disbursements.push(Disbursement {
            id: "b1".into(),
            project_id: "p1".into(),
            date: d(2026, 6, 1),
            amount_fen: 50_000_000,
            batch: "第一批".into(),
            confirmed: true,
        });
        if let Some(date) = inspected_on {
            f.inspections.push(inspection("f1", "p1", &[kind], date));
        }
        f
    }

    #[test]
    fn an_unconfirmed_disbursement_starts_no_followup() {
        let mut f = funds_world(None, InspectionKind::Funds);
        f.disbursements[0].confirmed = false;
        assert!(!rules(&f, d(2026, 9, 1)).contains(&"inspection.funds_followup"));
        f.disbursements[0].confirmed = true;
        assert!(rules(&f, d(2026, 9, 1)).contains(&"inspection.funds_followup"));
    }

    #[test]
    fn funds_followup_within_thirty_days_inclusive() {
        let none = funds_world(None, InspectionKind::Funds);
        assert!(
            !rules(&none, d(2026, 7, 1)).contains(&"inspection.funds_followup"),
            "day 30 is still in time"
        );
        let x = fired(&none, d(2026, 7, 2), "inspection.funds_followup");
        assert_eq!(
            (x.severity, x.due),
            (Severity::Serious, Some(d(2026, 7, 1)))
        );
        assert!(x.message.contains("¥500,000.00"));
        assert!(
            !rules(
                &funds_world(Some(d(2026, 7, 1)), InspectionKind::Funds),
                d(2026, 7, 2)
            )
            .contains(&"inspection.funds_followup")
        );
        assert!(
            !rules(
                &funds_world(Some(d(2026, 6, 1)), InspectionKind::Funds),
                d(2026, 7, 2)
            )
            .contains(&"inspection.funds_followup")
        );
        assert!(
            rules(
                &funds_world(Some(d(2026, 5, 31)), InspectionKind::Funds),
                d(2026, 7, 2)
            )
            .contains(&"inspection.funds_followup")
        );
        assert!(
            rules(
                &funds_world(Some(d(2026, 7, 2)), InspectionKind::Funds),
                d(2026, 7, 3)
            )
            .contains(&"inspection.funds_followup")
        );
        // A late check still misses the deadline, and the message says when it came.
        let late = fired(
            &funds_world(Some(d(2026, 7, 4)), InspectionKind::Funds),
            d(2026, 7, 10),
            "inspection.funds_followup",
        );
        assert!(
            late.message
                .contains("直到2026年7月4日才进行检查，晚了 3 天")
                && !late.message.contains("没有检查记录"),
            "{}",
            late.message
        );
        assert!(x.message.contains("至今没有检查记录"));
        assert!(
            rules(
                &funds_world(Some(d(2026, 6, 10)), InspectionKind::Operations),
                d(2026, 7, 2)
            )
            .contains(&"inspection.funds_followup")
        );
    }

    #[test]
    fn every_inspection_needs_minutes_and_a_photo() {
        let mut f = construction(1, &[d(2026, 2, 10)]);
        assert!(!rules(&f, d(2026, 2, 11)).contains(&"inspection.evidence_missing"));
        f.inspections[0].photo_count = 0;
        let x = fired(&f, d(2026, 2, 11), "inspection.evidence_missing");
        assert!(
            x.message.contains("图片资料") && !x.message.contains("会议记录"),
            "{}",
            x.message
        );
        f.inspections[0].photo_count = 1;
        f.inspections[0].has_minutes = false;
        assert!(
            fired(&f, d(2026, 2, 11), "inspection.evidence_missing")
                .message
                .contains("会议记录")
        );
        // A planned inspection is not yet a record.
        f.inspections[0].done = false;
        assert!(!rules(&f, d(2026, 2, 11)).contains(&"inspection.evidence_missing"));
    }
}
