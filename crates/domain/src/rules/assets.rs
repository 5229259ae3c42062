//! 一（五）固定资产管理: labels, periodic counts, discrepancies resolved, and the
//! government's assets handed over (or their use renewed) when a service period ends.

use super::calendar::months_after;
use super::facts::{Asset, CountResult};
use super::{Ctx, Draft, days_text};
use crate::dates::format_cn_date;
use std::collections::BTreeMap;

/// Central-funds assets held on the day (bought, not disposed of).
fn live<'a>(ctx: &'a Ctx) -> Vec<&'a Asset> {
    let d = ctx.as_of;
    ctx.facts
        .assets
        .iter()
        .filter(|a| a.central_funds && a.purchase_date <= d && a.disposed_on.is_none_or(|x| x > d))
        .collect()
}

pub(crate) fn unlabelled(ctx: &Ctx, out: &mut Vec<Draft>) {
    let live = live(ctx);
    for a in &live {
        if a.tag.as_deref().is_none_or(|t| t.trim().is_empty()) {
            out.push(Draft {
                rule: "assets.unlabelled",
                subject: ctx.of_project("asset", &a.id, a.name.clone(), &a.project_id),
                period: None,
                message: format!(
                    "{}使用中央财政资金购置的“{}”（{}购置）没有资产标签，请贴标签并登记台账。",
                    ctx.enterprise_name(&a.enterprise_id),
                    a.name,
                    format_cn_date(a.purchase_date)
                ),
                due: None,
                current: false,
            });
        }
    }
}

pub(crate) fn inventory_due(ctx: &Ctx, out: &mut Vec<Draft>) {
    let t = &ctx.profile.thresholds;
    let d = ctx.as_of;
    let live = live(ctx);
    let mut first_purchase: BTreeMap<&str, chrono::NaiveDate> = BTreeMap::new();
    for a in &live {
        first_purchase
            .entry(a.enterprise_id.as_str())
            .and_modify(|x| *x = (*x).min(a.purchase_date))
            .or_insert(a.purchase_date);
    }
    for (enterprise, first) in first_purchase {
        let last_count = ctx
            .facts
            .inventory_counts
            .iter()
            .filter(|c| c.enterprise_id == enterprise && c.date <= d)
            .map(|c| c.date)
            .max();
        let since = last_count.unwrap_or(first);
        let due = months_after(since, t.inventory_interval_months);
        if d > due {
            let basis = match last_count {
                Some(c) => format!("上次清查盘点为{}", format_cn_date(c)),
                None => format!("自{}购置资产以来从未清查盘点", format_cn_date(first)),
            };
            out.push(Draft {
                rule: "assets.inventory_due",
                subject: ctx.enterprise_subject(enterprise),
                period: None,
                message: format!(
                    "{}{}，应于{}前完成清查盘点，已逾期 {}。",
                    ctx.enterprise_name(enterprise),
                    basis,
                    format_cn_date(due),
                    days_text((d - due).num_days())
                ),
                due: Some(due),
                current: false,
            });
        }
    }
}

pub(crate) fn discrepancy_open(ctx: &Ctx, out: &mut Vec<Draft>) {
    let d = ctx.as_of;
    for c in ctx.facts.inventory_counts.iter().filter(|c| c.date <= d) {
        for (n, item) in c.items.iter().enumerate() {
            if !item.open_on(d) {
                continue;
            }
            let asset = item
                .asset_id
                .as_deref()
                .and_then(|id| ctx.facts.assets.iter().find(|a| a.id == id));
            let code = item.code.as_deref().unwrap_or_default();
            let name = match (asset, &item.asset_id) {
                (Some(a), _) => a.name.clone(),
                (None, Some(id)) => id.clone(),
                (None, None) => format!("标签 {code}"),
            };
            let problem = match item.result {
                CountResult::Missing => "缺失".to_string(),
                CountResult::Damaged => "损坏".to_string(),
                CountResult::Unexpected => "不属于该次盘点的企业或地点（外来资产）".to_string(),
                _ => "不是本县任何资产的标签（未知标签）".to_string(),
            };
            let pending = item
                .pending
                .as_ref()
                .map(|p| format!("已申请{}，待监管责任人决定", p.kind.label()))
                .unwrap_or_else(|| "尚未处理（查明原因、修复或追回）".into());
            // Missing and damaged keep the key they always had (asset + count); the others
            // may be many per count, so each is its own item of the count.
            let (subject, period) = match (asset, &item.asset_id, item.result) {
                (Some(a), _, CountResult::Missing | CountResult::Damaged) => (
                    ctx.of_project("asset", &a.id, name.clone(), &a.project_id),
                    c.id.clone(),
                ),
                (None, Some(id), CountResult::Missing | CountResult::Damaged) => {
                    let mut s = ctx.enterprise_subject(&c.enterprise_id);
                    s.kind = "asset".into();
                    s.id = id.clone();
                    s.name = name.clone();
                    (s, c.id.clone())
                }
                _ => {
                    let mut s = ctx.enterprise_subject(&c.enterprise_id);
                    s.kind = "inventory_count".into();
                    s.id = c.id.clone();
                    s.name = name.clone();
                    (s, format!("{}#{n}", c.id))
                }
            };
            let what = if asset.is_some() || item.asset_id.is_some() {
                format!("“{name}”")
            } else {
                name.clone()
            };
            out.push(Draft {
                rule: "assets.discrepancy_open",
                subject,
                period: Some(period),
                message: format!(
                    "{}清查盘点发现{}的{what}{problem}，{pending}。",
                    format_cn_date(c.date),
                    ctx.enterprise_name(&c.enterprise_id)
                ),
                due: None,
                current: false,
            });
        }
    }
}

/// 一（五）: the project's service period has ended (its last day is before the day) and a
/// central-funds asset of it is neither handed over nor kept by a renewal decision that
/// still runs. Only what was known on the day counts: a hand-over dated later does not.
pub(crate) fn handover_due(ctx: &Ctx, out: &mut Vec<Draft>) {
    let d = ctx.as_of;
    for a in live(ctx) {
        let Some(project) = ctx.facts.projects.iter().find(|p| p.id == a.project_id) else {
            continue;
        };
        let Some(end) = project.service_period_end.filter(|e| *e < d) else {
            continue;
        };
        if a.handed_over_on.is_some_and(|h| h <= d) {
            continue;
        }
        let renewal = a.renewed_until;
        if renewal.is_some_and(|r| r >= d) {
            continue;
        }
        let lapsed = match renewal {
            Some(r) => format!("续用期已于{}届满", format_cn_date(r)),
            None => "也没有续用决定".to_string(),
        };
        let tag = a
            .tag
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .map(|t| format!("（标签 {t}）"))
            .unwrap_or_default();
        out.push(Draft {
            rule: "assets.handover_due",
            subject: ctx.of_project("asset", &a.id, a.name.clone(), &a.project_id),
            period: None,
            message: format!(
                "“{}”的服务期已于{}届满，{}使用中央财政资金购置的“{}”{tag}尚未移交，{lapsed}；请按规定移交或报请续用。",
                project.name,
                format_cn_date(end),
                ctx.enterprise_name(&a.enterprise_id),
                a.name,
            ),
            due: Some(renewal.map_or(end, |r| r.max(end))),
            current: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    fn assets(tag: Option<&str>) -> Facts {
        let mut f = world();
        f.plans
            .push(plan("p1", d(2026, 1, 1), &[(d(2026, 12, 31), 100.0)]));
        f.assets.push(Asset {
            id: "a1".into(),
            enterprise_id: "e1".into(),
            project_id: "p1".into(),
            name: "冷藏配送车".into(),
            tag: tag.map(str::to_string),
            purchase_date: d(2026, 2, 28),
            central_funds: true,
            disposed_on: None,
            handed_over_on: None,
            renewed_until: None,
        });
        f
    }

    fn item(asset: Option<&str>, result: CountResult, resolved_on: Option<NaiveDate>) -> CountItem {
        CountItem {
            asset_id: asset.map(str::to_string),
            result,
            resolved_on,
            code: None,
            note: None,
            scan_id: None,
            pending: None,
            resolution: None,
        }
    }

    /// The service period of p1 ends on 30 June 2026.
    fn service_ended() -> Facts {
        let mut f = assets(Some("JG-141122-00001"));
        f.projects[0].service_period_end = Some(d(2026, 6, 30));
        f
    }

    #[test]
    fn an_asset_is_due_for_hand_over_from_the_day_after_the_service_period() {
        let f = service_ended();
        assert!(
            !rules(&f, d(2026, 6, 30)).contains(&"assets.handover_due"),
            "the last day still serves"
        );
        let x = fired(&f, d(2026, 7, 1), "assets.handover_due");
        assert_eq!(
            (x.severity, x.due),
            (Severity::Warning, Some(d(2026, 6, 30)))
        );
        assert!(
            x.message.contains("冷藏配送车") && x.message.contains("JG-141122-00001"),
            "{}",
            x.message
        );
        assert!(x.message.contains("2026年6月30日") && x.message.contains("也没有续用决定"));
        // No service period known, or not a central-funds asset: nothing to hand over.
        let mut none = service_ended();
        none.projects[0].service_period_end = None;
        assert!(!rules(&none, d(2027, 1, 1)).contains(&"assets.handover_due"));
        let mut own = service_ended();
        own.assets[0].central_funds = false;
        assert!(!rules(&own, d(2027, 1, 1)).contains(&"assets.handover_due"));
        let mut gone = service_ended();
        gone.assets[0].disposed_on = Some(d(2026, 6, 1));
        assert!(!rules(&gone, d(2027, 1, 1)).contains(&"assets.handover_due"));
    }

    #[test]
    fn a_hand_over_counts_from_its_day_and_a_renewal_until_its_last_day() {
        let mut f = service_ended();
        f.assets[0].handed_over_on = Some(d(2026, 7, 10));
        assert!(
            rules(&f, d(2026, 7, 9)).contains(&"assets.handover_due"),
            "not yet known"
        );
        assert!(!rules(&f, d(2026, 7, 10)).contains(&"assets.handover_due"));
        let mut r = service_ended();
        r.assets[0].renewed_until = Some(d(2026, 12, 31));
        assert!(!rules(&r, d(2026, 12, 31)).contains(&"assets.handover_due"));
        let x = fired(&r, d(2027, 1, 1), "assets.handover_due");
        assert_eq!(x.due, Some(d(2026, 12, 31)));
        assert!(
            x.message.contains("续用期已于2026年12月31日届满"),
            "{}",
            x.message
        );
    }

    #[test]
    fn central_funds_assets_need_a_tag() {
        assert!(!rules(&assets(Some("JC-2026-001")), d(2026, 3, 1)).contains(&"assets.unlabelled"));
        assert!(rules(&assets(None), d(2026, 3, 1)).contains(&"assets.unlabelled"));
        assert!(rules(&assets(Some("  ")), d(2026, 3, 1)).contains(&"assets.unlabelled"));
        assert!(
            !rules(&assets(None), d(2026, 2, 27)).contains(&"assets.unlabelled"),
            "not yet bought"
        );
        let mut own = assets(None);
        own.assets[0].central_funds = false;
        assert!(!rules(&own, d(2026, 3, 1)).contains(&"assets.unlabelled"));
    }

    #[test]
    fn inventory_every_six_months_counted_to_the_same_day() {
        // Bought 28 Feb: due by 28 Aug; missing from 29 Aug.
        let mut f = assets(Some("JC-1"));
        assert!(!rules(&f, d(2026, 8, 28)).contains(&"assets.inventory_due"));
        let x = fired(&f, d(2026, 8, 29), "assets.inventory_due");
        assert_eq!(
            (x.severity, x.due),
            (Severity::Warning, Some(d(2026, 8, 28)))
        );
        // A count on 31 Aug: next due 28 Feb 2027 (February has no 31st).
        f.inventory_counts.push(InventoryCount {
            id: "k".into(),
            enterprise_id: "e1".into(),
            date: d(2026, 8, 31),
            items: vec![],
        });
        assert!(!rules(&f, d(2027, 2, 28)).contains(&"assets.inventory_due"));
        assert!(rules(&f, d(2027, 3, 1)).contains(&"assets.inventory_due"));
    }

    #[test]
    fn missing_or_damaged_assets_stay_open_until_resolved() {
        let mut f = assets(Some("JC-1"));
        f.inventory_counts.push(InventoryCount {
            id: "k".into(),
            enterprise_id: "e1".into(),
            date: d(2026, 6, 1),
            items: vec![item(Some("a1"), CountResult::Missing, Some(d(2026, 6, 20)))],
        });
        assert!(!rules(&f, d(2026, 5, 31)).contains(&"assets.discrepancy_open"));
        let x = fired(&f, d(2026, 6, 1), "assets.discrepancy_open");
        assert!(
            x.message.contains("冷藏配送车")
                && x.message.contains("缺失")
                && x.severity == Severity::Serious
        );
        assert!(!rules(&f, d(2026, 6, 20)).contains(&"assets.discrepancy_open"));
        f.inventory_counts[0].items[0].result = CountResult::Relocated;
        assert!(!rules(&f, d(2026, 6, 1)).contains(&"assets.discrepancy_open"));
    }

    #[test]
    fn labels_found_besides_are_discrepancies_of_the_count_until_explained() {
        let mut f = assets(Some("JG-141122-00001"));
        let mut unknown = item(None, CountResult::Unknown, None);
        unknown.code = Some("JG-141122-09999".into());
        let mut unexpected = item(Some("a1"), CountResult::Unexpected, Some(d(2026, 6, 10)));
        unexpected.code = Some("JG-141122-00001".into());
        f.inventory_counts.push(InventoryCount {
            id: "k".into(),
            enterprise_id: "e1".into(),
            date: d(2026, 6, 1),
            items: vec![
                item(Some("a1"), CountResult::Present, None),
                unknown,
                unexpected,
            ],
        });
        let all = evaluate(&f, &profile(), d(2026, 6, 1));
        let open: Vec<_> = all
            .iter()
            .filter(|x| x.rule == "assets.discrepancy_open")
            .collect();
        assert_eq!(open.len(), 2, "{open:?}");
        // Each item of the count is a finding of its own, keyed by its place in the count.
        assert_eq!(
            open.iter()
                .map(|x| x.period.clone().unwrap())
                .collect::<Vec<_>>(),
            vec!["k#1".to_string(), "k#2".into()]
        );
        assert!(
            open.iter()
                .all(|x| x.subject.kind == "inventory_count" && x.subject.id == "k")
        );
        assert!(
            open[0].message.contains("标签 JG-141122-09999")
                && open[0].message.contains("未知标签")
        );
        assert!(open[1].message.contains("冷藏配送车") && open[1].message.contains("外来资产"));
        // Explained on the 10th: the unexpected one is gone from that day, the other stays.
        let later = evaluate(&f, &profile(), d(2026, 6, 10));
        let open: Vec<_> = later
            .iter()
            .filter(|x| x.rule == "assets.discrepancy_open")
            .collect();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].period.as_deref(), Some("k#1"));
    }

    #[test]
    fn a_write_off_asked_for_does_not_settle_a_discrepancy_until_decided() {
        let mut f = assets(Some("JC-1"));
        let mut missing = item(Some("a1"), CountResult::Missing, None);
        missing.pending = Some(crate::inventory::Resolution {
            kind: crate::inventory::ResolutionKind::WrittenOff,
            on: d(2026, 6, 5),
            by: "王建国".into(),
            note: "车辆报废".into(),
            sanction_id: None,
        });
        f.inventory_counts.push(InventoryCount {
            id: "k".into(),
            enterprise_id: "e1".into(),
            date: d(2026, 6, 1),
            items: vec![missing],
        });
        let x = fired(&f, d(2026, 6, 6), "assets.discrepancy_open");
        assert!(
            x.message.contains("已申请经批准核销，待监管责任人决定"),
            "{}",
            x.message
        );
        assert_eq!(x.subject.kind, "asset");
        assert_eq!(x.period.as_deref(), Some("k"));
        f.inventory_counts[0].items[0].resolved_on = Some(d(2026, 6, 8));
        assert!(rules(&f, d(2026, 6, 7)).contains(&"assets.discrepancy_open"));
        assert!(!rules(&f, d(2026, 6, 8)).contains(&"assets.discrepancy_open"));
    }
}
