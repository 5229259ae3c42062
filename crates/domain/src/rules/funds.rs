//! 一（四）资金安全: duplicate subsidy claims and fund recoveries not repaid in time.

use super::facts::{Invoice, SubsidyClaim};
use super::{Ctx, Draft, days_text};
use crate::Money;
use crate::dates::format_cn_date;
use std::collections::{BTreeMap, BTreeSet};

fn money(fen: i64) -> String {
    Money::from_fen(fen.max(0))
        .map(|m| m.to_string())
        .unwrap_or_else(|_| format!("{fen} 分"))
}

/// Claims that cite an invoice, grouped by what makes two invoices the same.
type Citations<'a, K> = BTreeMap<K, Vec<(&'a SubsidyClaim, &'a Invoice)>>;

/// 一（四）: an invoice cited by two claims.
pub(crate) fn duplicate_claim(ctx: &Ctx, out: &mut Vec<Draft>) {
    let d = ctx.as_of;
    let mut claims: Vec<&SubsidyClaim> = ctx
        .facts
        .subsidy_claims
        .iter()
        .filter(|c| c.submitted_on <= d)
        .collect();
    claims.sort_by(|a, b| (a.submitted_on, &a.id).cmp(&(b.submitted_on, &b.id)));

    // The same invoice (code + number), or the same seller, amount and date, in two claims.
    let mut by_number: Citations<(String, String)> = BTreeMap::new();
    let mut by_content: Citations<(String, i64, chrono::NaiveDate)> = BTreeMap::new();
    for c in &claims {
        for inv in &c.invoices {
            by_number
                .entry((inv.code.trim().to_string(), inv.number.trim().to_string()))
                .or_default()
                .push((c, inv));
            by_content
                .entry((inv.seller.trim().to_string(), inv.amount_fen, inv.date))
                .or_default()
                .push((c, inv));
        }
    }
    let mut reported: BTreeSet<(String, String)> = BTreeSet::new();
    let groups = by_number
        .values()
        .map(|g| (g, true))
        .chain(by_content.values().map(|g| (g, false)));
    for (group, same_number) in groups {
        let Some((first, first_inv)) = group.first() else {
            continue;
        };
        for (c, inv) in group.iter().skip(1) {
            if c.id == first.id || !reported.insert((first.id.clone(), c.id.clone())) {
                continue;
            }
            let what = if same_number {
                format!("发票（代码 {}，号码 {}）", inv.code, inv.number)
            } else {
                format!(
                    "{}开具的{}、金额{}的发票",
                    inv.seller,
                    format_cn_date(inv.date),
                    money(inv.amount_fen)
                )
            };
            out.push(Draft {
                rule: "funds.duplicate_claim",
                subject: ctx.of_project(
                    "subsidy_claim",
                    &c.id,
                    format!("{}的补助资金申请（{}）", format_cn_date(c.submitted_on), money(c.amount_fen)),
                    &c.project_id,
                ),
                period: Some(first.id.clone()),
                message: format!(
                    "“{}”{}提交的补助资金申请引用的{}，已在“{}”{}的申请中使用过（{}），涉嫌重复申请补助资金。",
                    ctx.project_name(&c.project_id),
                    format_cn_date(c.submitted_on),
                    what,
                    ctx.project_name(&first.project_id),
                    format_cn_date(first.submitted_on),
                    if same_number { format!("发票号码 {}", first_inv.number) } else { "销售方、金额、日期相同".into() }
                ),
                due: None,
                current: false,
            });
        }
    }
}

pub(crate) fn recovery_outstanding(ctx: &Ctx, out: &mut Vec<Draft>) {
    let d = ctx.as_of;
    for r in &ctx.facts.fund_recoveries {
        if r.decided_on > d || d <= r.deadline {
            continue;
        }
        let repaid: i64 = r
            .repayments
            .iter()
            .filter(|p| p.date <= d)
            .map(|p| p.amount_fen)
            .sum();
        if repaid >= r.amount_fen {
            continue;
        }
        out.push(Draft {
            rule: "funds.recovery_outstanding",
            subject: ctx.of_project(
                "fund_recovery",
                &r.id,
                format!("追回资金{}", money(r.amount_fen)),
                &r.project_id,
            ),
            period: None,
            message: format!(
                "{}应于{}前退回资金{}，已退回{}，尚欠{}，已逾期 {}。",
                ctx.enterprise_name(&r.enterprise_id),
                format_cn_date(r.deadline),
                money(r.amount_fen),
                money(repaid),
                money(r.amount_fen - repaid),
                days_text((d - r.deadline).num_days())
            ),
            due: Some(r.deadline),
            current: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    fn invoice(code: &str, number: &str, seller: &str, amount: i64, date: NaiveDate) -> Invoice {
        Invoice {
            code: code.into(),
            number: number.into(),
            date,
            seller: seller.into(),
            amount_fen: amount,
        }
    }

    fn claims(a: Invoice, b: Invoice, second_on: NaiveDate) -> Facts {
        let mut f = world();
        f.plans
            .push(plan("p1", d(2026, 1, 1), &[(d(2026, 12, 31), 100.0)]));
        f.projects.push(ProjectFacts {
            id: "p2".into(),
            name: "物流配送中心".into(),
            ..f.projects[0].clone()
        });
        f.plans
            .push(plan("p2", d(2026, 1, 1), &[(d(2026, 12, 31), 100.0)]));
        f.subsidy_claims.push(SubsidyClaim {
            id: "c1".into(),
            project_id: "p1".into(),
            submitted_on: d(2026, 4, 1),
            amount_fen: 1_000_000,
            invoices: vec![a],
        });
        f.subsidy_claims.push(SubsidyClaim {
            id: "c2".into(),
            project_id: "p2".into(),
            submitted_on: second_on,
            amount_fen: 2_000_000,
            invoices: vec![b],
        });
        f
    }

    #[test]
    fn the_same_invoice_number_in_two_claims_is_critical() {
        let f = claims(
            invoice(
                "1400221130",
                "00012345",
                "太原某设备公司",
                500_000,
                d(2026, 3, 1),
            ),
            invoice(
                "1400221130",
                "00012345",
                "太原某设备公司",
                500_000,
                d(2026, 3, 1),
            ),
            d(2026, 5, 1),
        );
        assert!(
            !rules(&f, d(2026, 4, 30)).contains(&"funds.duplicate_claim"),
            "second claim not yet made"
        );
        let found = all(&f, d(2026, 5, 1), "funds.duplicate_claim");
        assert_eq!(found.len(), 1, "one finding per pair of claims: {found:?}");
        assert_eq!(
            (found[0].severity, found[0].subject.id.as_str()),
            (Severity::Critical, "c2")
        );
        assert!(found[0].message.contains("00012345"));
    }

    #[test]
    fn same_seller_amount_and_date_with_other_numbers_is_also_a_duplicate() {
        let f = claims(
            invoice(
                "1400221130",
                "00000001",
                "交城县某商贸",
                300_000,
                d(2026, 3, 1),
            ),
            invoice(
                "1400221130",
                "00000002",
                "交城县某商贸",
                300_000,
                d(2026, 3, 1),
            ),
            d(2026, 5, 1),
        );
        assert!(
            fired(&f, d(2026, 5, 1), "funds.duplicate_claim")
                .message
                .contains("销售方、金额、日期相同")
        );
        let g = claims(
            invoice(
                "1400221130",
                "00000001",
                "交城县某商贸",
                300_000,
                d(2026, 3, 1),
            ),
            invoice(
                "1400221130",
                "00000002",
                "交城县某商贸",
                300_001,
                d(2026, 3, 1),
            ),
            d(2026, 5, 1),
        );
        assert!(!rules(&g, d(2026, 5, 1)).contains(&"funds.duplicate_claim"));
    }

    #[test]
    fn recovery_outstanding_after_the_deadline_until_repaid() {
        let mut f = world();
        f.plans
            .push(plan("p1", d(2026, 1, 1), &[(d(2026, 12, 31), 100.0)]));
        f.fund_recoveries.push(FundRecovery {
            id: "r".into(),
            project_id: "p1".into(),
            enterprise_id: "e1".into(),
            decided_on: d(2026, 5, 1),
            amount_fen: 1_000_000,
            deadline: d(2026, 5, 31),
            repayments: vec![
                Repayment {
                    date: d(2026, 5, 20),
                    amount_fen: 400_000,
                },
                Repayment {
                    date: d(2026, 6, 10),
                    amount_fen: 600_000,
                },
            ],
        });
        assert!(!rules(&f, d(2026, 5, 31)).contains(&"funds.recovery_outstanding"));
        let x = fired(&f, d(2026, 6, 1), "funds.recovery_outstanding");
        assert!(
            x.message.contains("尚欠¥6,000.00") && x.severity == Severity::Serious,
            "{}",
            x.message
        );
        assert!(rules(&f, d(2026, 6, 9)).contains(&"funds.recovery_outstanding"));
        assert!(!rules(&f, d(2026, 6, 10)).contains(&"funds.recovery_outstanding"));
    }
}
