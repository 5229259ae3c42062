//! 一（四）市场秩序: a violation found in the market stays open until it is closed.

use super::{Ctx, Draft};
use crate::dates::format_cn_date;

pub(crate) fn violation_open(ctx: &Ctx, out: &mut Vec<Draft>) {
    let d = ctx.as_of;
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
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn every_category_reads_back_from_its_stored_code() {
        for c in MarketCategory::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.code());
            assert_eq!(MarketCategory::parse(c.code()), Some(c));
        }
        assert_eq!(MarketCategory::parse("weather"), None);
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
}
