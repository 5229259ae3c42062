//! 末段 群众监督: a tip-off is answered within the profile's days.

use super::{Ctx, Draft, days_text};
use crate::dates::format_cn_date;
use chrono::Days;

pub(crate) fn unanswered(ctx: &Ctx, out: &mut Vec<Draft>) {
    let t = &ctx.profile.thresholds;
    let d = ctx.as_of;
    for tip in &ctx.facts.tipoffs {
        let deadline = tip
            .received_on
            .checked_add_days(Days::new(u64::from(t.tipoff_reply_days)))
            .unwrap_or(tip.received_on);
        if d <= deadline || tip.replied_on.is_some_and(|r| r <= d) {
            continue;
        }
        out.push(Draft {
            rule: "tipoff.unanswered",
            subject: super::Subject {
                kind: "tipoff".into(),
                id: tip.id.clone(),
                name: tip.summary.clone(),
                enterprise_id: None,
                project_id: None,
            },
            period: None,
            message: format!(
                "{}收到的举报“{}”应在{}前答复，已逾期 {}。",
                format_cn_date(tip.received_on),
                tip.summary,
                format_cn_date(deadline),
                days_text((d - deadline).num_days())
            ),
            due: Some(deadline),
            current: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn tipoffs_need_a_reply_within_fifteen_days() {
        let mut f = world();
        f.plans
            .push(plan("p1", d(2026, 1, 1), &[(d(2026, 12, 31), 100.0)]));
        f.tipoffs.push(TipOff {
            id: "t".into(),
            received_on: d(2026, 3, 1),
            summary: "服务站长期不开门".into(),
            replied_on: None,
        });
        assert!(!rules(&f, d(2026, 3, 16)).contains(&"tipoff.unanswered"));
        let x = fired(&f, d(2026, 3, 17), "tipoff.unanswered");
        assert_eq!(
            (x.severity, x.due),
            (Severity::Warning, Some(d(2026, 3, 16)))
        );
        f.tipoffs[0].replied_on = Some(d(2026, 3, 20));
        assert!(rules(&f, d(2026, 3, 19)).contains(&"tipoff.unanswered"));
        assert!(!rules(&f, d(2026, 3, 20)).contains(&"tipoff.unanswered"));
    }
}
