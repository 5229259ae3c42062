//! 二（四）整改: an order past its deadline, and one so late (or a 限期整改通知书 for severe
//! lag, 一（一）) that the responsible person must decide on disqualification.

use super::facts::{OrderState, RectificationOrder};
use super::{Ctx, Draft, days_text};
use crate::dates::format_cn_date;

/// Open orders past their deadline on the day, with the days late.
fn late_orders<'a>(ctx: &'a Ctx) -> impl Iterator<Item = (&'a RectificationOrder, i64)> + 'a {
    let d = ctx.as_of;
    ctx.facts.rectification_orders.iter().filter_map(move |o| {
        let accepted = o.state == OrderState::Accepted && o.accepted_on.is_none_or(|a| a <= d);
        (o.issued_on <= d && !accepted && d > o.deadline).then(|| (o, (d - o.deadline).num_days()))
    })
}

pub(crate) fn overdue(ctx: &Ctx, out: &mut Vec<Draft>) {
    for (o, late) in late_orders(ctx) {
        let enterprise = ctx.enterprise_name(&o.enterprise_id);
        let waiting = match o.state {
            OrderState::Submitted | OrderState::Resubmitted => "整改材料已提交但尚未验收通过",
            OrderState::Rejected => "整改材料被退回后尚未重新提交",
            _ => "尚未提交书面整改材料",
        };
        out.push(Draft {
            rule: "rectification.overdue",
            subject: ctx.of_project("rectification_order", &o.id, o.title.clone(), &o.project_id),
            period: None,
            message: format!(
                "{enterprise}的整改通知“{}”整改期限为{}，已逾期 {}，{waiting}。",
                o.title,
                format_cn_date(o.deadline),
                days_text(late)
            ),
            due: Some(o.deadline),
            current: false,
        });
    }
}

pub(crate) fn escalate(ctx: &Ctx, out: &mut Vec<Draft>) {
    let limit = i64::from(ctx.profile.thresholds.rectification_escalate_days);
    for (o, late) in late_orders(ctx) {
        if late <= limit && !o.progress_notice {
            continue;
        }
        let why = if o.progress_notice {
            "项目建设进度严重滞后的限期整改通知书逾期未整改".to_string()
        } else {
            format!("逾期超过 {}", days_text(limit))
        };
        out.push(Draft {
            rule: "rectification.escalate",
            subject: ctx.of_project("rectification_order", &o.id, o.title.clone(), &o.project_id),
            period: None,
            message: format!(
                "{}的“{}”{why}（已逾期 {}），请监管责任人决定是否取消其承办资格。",
                ctx.enterprise_name(&o.enterprise_id),
                o.title,
                days_text(late)
            ),
            due: Some(o.deadline),
            current: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    fn order(state: OrderState, notice: bool) -> Facts {
        let mut f = world();
        f.plans
            .push(plan("p1", d(2026, 1, 1), &[(d(2026, 12, 31), 100.0)]));
        f.rectification_orders.push(RectificationOrder {
            id: "o1".into(),
            project_id: "p1".into(),
            enterprise_id: "e1".into(),
            title: "安全生产责任制未落实".into(),
            issued_on: d(2026, 5, 1),
            deadline: d(2026, 5, 31),
            state,
            accepted_on: (state == OrderState::Accepted).then(|| d(2026, 5, 20)),
            progress_notice: notice,
        });
        f
    }

    #[test]
    fn overdue_from_the_day_after_the_deadline_until_accepted() {
        let f = order(OrderState::Issued, false);
        assert!(!rules(&f, d(2026, 5, 31)).contains(&"rectification.overdue"));
        let x = fired(&f, d(2026, 6, 1), "rectification.overdue");
        assert_eq!(
            (x.severity, x.due),
            (Severity::Serious, Some(d(2026, 5, 31)))
        );
        assert!(
            x.message.contains("已逾期1 天")
                || x.message.contains("已逾期 1 天")
                || x.message.contains("1 天")
        );
        assert!(
            rules(&order(OrderState::Submitted, false), d(2026, 6, 1))
                .contains(&"rectification.overdue")
        );
        assert!(
            rules(&order(OrderState::Rejected, false), d(2026, 6, 1))
                .contains(&"rectification.overdue")
        );
        assert!(
            !rules(&order(OrderState::Accepted, false), d(2026, 6, 1))
                .contains(&"rectification.overdue")
        );
    }

    #[test]
    fn escalation_after_fifteen_days_or_at_once_for_a_progress_notice() {
        let f = order(OrderState::Issued, false);
        assert!(
            !rules(&f, d(2026, 6, 15)).contains(&"rectification.escalate"),
            "15 days late"
        );
        let x = fired(&f, d(2026, 6, 16), "rectification.escalate");
        assert_eq!(x.severity, Severity::Critical);
        assert!(x.message.contains("取消其承办资格"));
        let n = order(OrderState::Issued, true);
        assert!(!rules(&n, d(2026, 5, 31)).contains(&"rectification.escalate"));
        assert!(rules(&n, d(2026, 6, 1)).contains(&"rectification.escalate"));
        assert!(
            !rules(&order(OrderState::Accepted, true), d(2026, 7, 1))
                .contains(&"rectification.escalate")
        );
    }
}
