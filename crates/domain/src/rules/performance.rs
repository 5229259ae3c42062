//! 一（三）绩效评价: a project whose construction period has ended is evaluated.

use super::{Ctx, Draft};
use crate::dates::format_cn_date;
use chrono::Days;

pub(crate) fn evaluation_due(ctx: &Ctx, out: &mut Vec<Draft>) {
    let d = ctx.as_of;
    for p in &ctx.facts.projects {
        if p.disqualified || p.construction_end >= d {
            continue;
        }
        let evaluated = ctx
            .facts
            .evaluations
            .iter()
            .any(|e| e.project_id == p.id && e.date <= d);
        if !evaluated {
            out.push(Draft {
                rule: "performance.evaluation_due",
                subject: ctx.project_subject(p),
                period: None,
                message: format!(
                    "“{}”建设期已于{}结束，尚未进行绩效评价。请对照建设要求测评：达到要求的安排验收并下发补助资金，未完全达到的延期验收，明显达不到的限期整改。",
                    p.name,
                    format_cn_date(p.construction_end)
                ),
                due: p.construction_end.checked_add_days(Days::new(1)),
                current: false,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn evaluation_due_after_construction_ends() {
        let mut f = world();
        f.projects[0].construction_end = d(2026, 6, 30);
        f.projects[0].operation_start = Some(d(2026, 7, 1));
        f.plans
            .push(plan("p1", d(2026, 1, 1), &[(d(2026, 6, 30), 100.0)]));
        assert!(!rules(&f, d(2026, 6, 30)).contains(&"performance.evaluation_due"));
        let x = fired(&f, d(2026, 7, 1), "performance.evaluation_due");
        assert_eq!(
            (x.severity, x.due),
            (Severity::Warning, Some(d(2026, 7, 1)))
        );
        f.evaluations.push(PerformanceEvaluation {
            id: "v".into(),
            project_id: "p1".into(),
            date: d(2026, 7, 10),
        });
        assert!(rules(&f, d(2026, 7, 9)).contains(&"performance.evaluation_due"));
        assert!(!rules(&f, d(2026, 7, 10)).contains(&"performance.evaluation_due"));
        f.evaluations.clear();
        f.projects[0].disqualified = true;
        assert!(!rules(&f, d(2026, 7, 2)).contains(&"performance.evaluation_due"));
    }
}
