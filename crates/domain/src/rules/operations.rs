//! 一（二）安全生产: an accident stays open until accountability is decided.

use super::{Ctx, Draft, days_text};
use crate::dates::format_cn_date;

pub(crate) fn incident_open(ctx: &Ctx, out: &mut Vec<Draft>) {
    let d = ctx.as_of;
    for i in &ctx.facts.incidents {
        if i.date > d || i.accountability_decided_on.is_some_and(|x| x <= d) {
            continue;
        }
        out.push(Draft {
            rule: "operations.incident_open",
            subject: ctx.of_project("incident", &i.id, i.summary.clone(), &i.project_id),
            period: None,
            message: format!(
                "“{}”{}发生事故（{}），已过 {}，仍未作出追责决定。",
                ctx.project_name(&i.project_id),
                format_cn_date(i.date),
                i.summary,
                days_text((d - i.date).num_days())
            ),
            due: None,
            current: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn incidents_stay_open_until_accountability_is_decided() {
        let mut f = world();
        f.plans
            .push(plan("p1", d(2026, 1, 1), &[(d(2026, 12, 31), 100.0)]));
        f.incidents.push(Incident {
            id: "a".into(),
            project_id: "p1".into(),
            date: d(2026, 4, 2),
            summary: "仓库火灾".into(),
            accountability_decided_on: Some(d(2026, 4, 20)),
        });
        assert!(!rules(&f, d(2026, 4, 1)).contains(&"operations.incident_open"));
        assert_eq!(
            fired(&f, d(2026, 4, 2), "operations.incident_open").severity,
            Severity::Serious
        );
        assert!(rules(&f, d(2026, 4, 19)).contains(&"operations.incident_open"));
        assert!(!rules(&f, d(2026, 4, 20)).contains(&"operations.incident_open"));
    }
}
