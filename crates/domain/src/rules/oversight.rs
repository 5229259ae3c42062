//! 二（四）整改, 一（二）事故, 一（三）绩效, 一（四）市场秩序, and the tip-off line (末段).

use super::facts::OrderState;
use super::{Ctx, Draft, days_text};
use crate::dates::format_cn_date;
use chrono::Days;

pub(crate) fn check(ctx: &Ctx, out: &mut Vec<Draft>) {
    let t = &ctx.profile.thresholds;
    let d = ctx.as_of;

    for o in &ctx.facts.rectification_orders {
        if o.issued_on > d {
            continue;
        }
        let accepted = o.state == OrderState::Accepted && o.accepted_on.is_none_or(|a| a <= d);
        if accepted || d <= o.deadline {
            continue;
        }
        let late = (d - o.deadline).num_days();
        let enterprise = ctx.enterprise_name(&o.enterprise_id);
        let subject = ctx.of_project("rectification_order", &o.id, o.title.clone(), &o.project_id);
        let waiting = match o.state {
            OrderState::Submitted | OrderState::Resubmitted => "整改材料已提交但尚未验收通过",
            OrderState::Rejected => "整改材料被退回后尚未重新提交",
            _ => "尚未提交书面整改材料",
        };
        out.push(Draft {
            rule: "rectification.overdue",
            subject: subject.clone(),
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
        if late > i64::from(t.rectification_escalate_days) || o.progress_notice {
            let why = if o.progress_notice {
                "项目建设进度严重滞后的限期整改通知书逾期未整改".to_string()
            } else {
                format!(
                    "逾期超过 {}",
                    days_text(i64::from(t.rectification_escalate_days))
                )
            };
            out.push(Draft {
                rule: "rectification.escalate",
                subject,
                period: None,
                message: format!(
                    "{enterprise}的“{}”{why}（已逾期 {}），请监管责任人决定是否取消其承办资格。",
                    o.title,
                    days_text(late)
                ),
                due: Some(o.deadline),
                current: false,
            });
        }
    }

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

    for m in &ctx.facts.market_findings {
        if m.raised_on > d || m.closed_on.is_some_and(|c| c <= d) {
            continue;
        }
        let mut subject = ctx.enterprise_subject(&m.enterprise_id);
        subject.kind = "market_finding".into();
        subject.id = m.id.clone();
        subject.name = m.category.label().into();
        subject.project_id = m.project_id.clone();
        out.push(Draft {
            rule: "market.violation_open",
            subject,
            period: None,
            message: format!(
                "{}存在{}问题（{}发现），尚未整改处理完毕。",
                ctx.enterprise_name(&m.enterprise_id),
                m.category.label(),
                format_cn_date(m.raised_on)
            ),
            due: None,
            current: false,
        });
    }

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

    #[test]
    fn market_violations_stay_open_until_closed() {
        let mut f = world();
        f.plans
            .push(plan("p1", d(2026, 1, 1), &[(d(2026, 12, 31), 100.0)]));
        f.market_findings.push(MarketFinding {
            id: "m".into(),
            enterprise_id: "e1".into(),
            project_id: None,
            category: MarketCategory::Expired,
            raised_on: d(2026, 3, 1),
            closed_on: Some(d(2026, 3, 10)),
        });
        assert!(!rules(&f, d(2026, 2, 28)).contains(&"market.violation_open"));
        let x = fired(&f, d(2026, 3, 1), "market.violation_open");
        assert!(x.message.contains("销售过期商品") && x.severity == Severity::Serious);
        assert!(!rules(&f, d(2026, 3, 10)).contains(&"market.violation_open"));
    }

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
