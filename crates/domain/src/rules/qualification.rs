//! 四（一）: the licences an enterprise's business requires, valid on the date.

use super::facts::{EnterpriseFacts, Licence, ProjectFacts};
use super::{Ctx, Draft, days_text};
use crate::dates::format_cn_date;
use chrono::NaiveDate;
use std::collections::BTreeSet;

fn valid_on(l: &Licence, d: NaiveDate) -> bool {
    l.valid_from <= d && l.valid_to.is_none_or(|to| d <= to)
}

/// The licence of a kind that lasts longest among those valid on `d`.
fn best<'a>(licences: &[&'a Licence], kind: &str, d: NaiveDate) -> Option<&'a Licence> {
    licences
        .iter()
        .filter(|l| l.kind == kind && valid_on(l, d))
        .max_by_key(|l| l.valid_to.unwrap_or(NaiveDate::MAX))
        .copied()
}

/// Enterprises with a project still under supervision on the day, with the licences they
/// hold: only they need to hold licences.
fn supervised<'a>(
    ctx: &'a Ctx,
) -> Vec<(&'a EnterpriseFacts, Vec<&'a ProjectFacts>, Vec<&'a Licence>)> {
    let d = ctx.as_of;
    ctx.facts
        .enterprises
        .iter()
        .filter_map(|e| {
            let projects: Vec<_> = ctx
                .facts
                .projects
                .iter()
                .filter(|p| p.enterprise_id == e.id && p.closed_on.is_none_or(|c| c > d))
                .collect();
            let held = ctx
                .facts
                .licences
                .iter()
                .filter(|l| l.enterprise_id == e.id)
                .collect();
            (!projects.is_empty()).then_some((e, projects, held))
        })
        .collect()
}

pub(crate) fn invalid(ctx: &Ctx, out: &mut Vec<Draft>) {
    let d = ctx.as_of;
    let rules = &ctx.profile.licences;
    for (e, projects, held) in supervised(ctx) {
        // Each requirement: a set of kinds, any one of which satisfies it.
        let mut needs: Vec<Vec<String>> = rules.required.iter().map(|k| vec![k.clone()]).collect();
        if e.handles_food && !rules.food_any_of.is_empty() {
            needs.push(rules.food_any_of.clone());
        }
        let systems: BTreeSet<&str> = projects.iter().map(|p| p.system.code()).collect();
        for s in systems {
            for k in rules.by_system.get(s).into_iter().flatten() {
                needs.push(vec![k.clone()]);
            }
        }
        needs.dedup();
        for kinds in &needs {
            if kinds.iter().any(|k| best(&held, k, d).is_some()) {
                continue;
            }
            let names: Vec<&str> = kinds.iter().map(|k| ctx.profile.licence_name(k)).collect();
            let expired = held
                .iter()
                .filter(|l| kinds.contains(&l.kind) && l.valid_to.is_some_and(|to| to < d))
                .max_by_key(|l| l.valid_to);
            let message = match expired {
                Some(l) => format!(
                    "{}的{}（{}）已于{}到期，已过期 {}，须及时换证。",
                    e.name,
                    ctx.profile.licence_name(&l.kind),
                    l.number,
                    format_cn_date(l.valid_to.unwrap_or(d)),
                    days_text((d - l.valid_to.unwrap_or(d)).num_days())
                ),
                None => format!(
                    "{}缺少{}，不具备承办项目所需的资质。",
                    e.name,
                    names.join("或")
                ),
            };
            out.push(Draft {
                rule: "qualification.invalid",
                subject: ctx.enterprise_subject(&e.id),
                period: Some(kinds.join("|")),
                message,
                due: None,
                current: false,
            });
        }
    }
}

/// Expiring soon: every kind it holds, judged by the licence that lasts longest.
pub(crate) fn expiring(ctx: &Ctx, out: &mut Vec<Draft>) {
    let d = ctx.as_of;
    let expiring_days = i64::from(ctx.profile.thresholds.licence_expiring_days);
    for (e, _, held) in supervised(ctx) {
        let kinds: BTreeSet<&str> = held.iter().map(|l| l.kind.as_str()).collect();
        for kind in kinds {
            let Some(l) = best(&held, kind, d) else {
                continue;
            };
            let Some(to) = l.valid_to else { continue };
            let left = (to - d).num_days();
            if left <= expiring_days {
                out.push(Draft {
                    rule: "qualification.expiring",
                    subject: ctx.enterprise_subject(&e.id),
                    period: Some(kind.to_string()),
                    message: format!(
                        "{}的{}（{}）将于{}到期，还有 {}，请提前办理换证。",
                        e.name,
                        ctx.profile.licence_name(kind),
                        l.number,
                        format_cn_date(to),
                        days_text(left)
                    ),
                    due: Some(to),
                    current: false,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    fn with_licence(kind: &str, from: NaiveDate, to: Option<NaiveDate>) -> Facts {
        let mut f = world();
        f.plans
            .push(plan("p1", d(2026, 1, 1), &[(d(2026, 12, 31), 100.0)]));
        f.licences.clear();
        f.licences.push(Licence {
            id: "l".into(),
            enterprise_id: "e1".into(),
            kind: kind.into(),
            number: "N-1".into(),
            valid_from: from,
            valid_to: to,
        });
        f
    }

    #[test]
    fn business_licence_required_and_expiry_counts_from_the_day_after() {
        let f = with_licence("business_licence", d(2020, 1, 1), Some(d(2026, 6, 30)));
        assert!(
            !rules(&f, d(2026, 6, 30)).contains(&"qualification.invalid"),
            "valid on its last day"
        );
        let x = fired(&f, d(2026, 7, 1), "qualification.invalid");
        assert_eq!(x.severity, Severity::Serious);
        assert!(x.message.contains("已于2026年6月30日到期"), "{}", x.message);
        let none = with_licence("commodity_circulation", d(2020, 1, 1), None);
        assert!(
            fired(&none, d(2026, 3, 1), "qualification.invalid")
                .message
                .contains("缺少营业执照")
        );
        // Not yet valid is not valid.
        let later = with_licence("business_licence", d(2026, 3, 2), None);
        assert!(rules(&later, d(2026, 3, 1)).contains(&"qualification.invalid"));
        assert!(!rules(&later, d(2026, 3, 2)).contains(&"qualification.invalid"));
    }

    #[test]
    fn food_enterprises_need_a_food_or_hygiene_licence() {
        let mut f = world();
        f.enterprises[0].handles_food = true;
        assert!(
            fired(&f, d(2026, 3, 1), "qualification.invalid")
                .message
                .contains("食品经营许可证或卫生许可证")
        );
        f.licences.push(Licence {
            id: "h".into(),
            enterprise_id: "e1".into(),
            kind: "hygiene".into(),
            number: "卫-1".into(),
            valid_from: d(2020, 1, 1),
            valid_to: None,
        });
        assert!(!rules(&f, d(2026, 3, 1)).contains(&"qualification.invalid"));
    }

    #[test]
    fn expiring_within_thirty_days() {
        let f = with_licence("business_licence", d(2020, 1, 1), Some(d(2026, 6, 30)));
        assert!(
            !rules(&f, d(2026, 5, 30)).contains(&"qualification.expiring"),
            "31 days left"
        );
        let x = fired(&f, d(2026, 5, 31), "qualification.expiring");
        assert_eq!(
            (x.severity, x.due),
            (Severity::Warning, Some(d(2026, 6, 30)))
        );
        assert!(
            x.message.contains("还有30 天")
                || x.message.contains("还有 30 天")
                || x.message.contains("30 天"),
            "{}",
            x.message
        );
        assert!(rules(&f, d(2026, 6, 30)).contains(&"qualification.expiring"));
        assert!(
            !rules(&f, d(2026, 7, 1)).contains(&"qualification.expiring"),
            "expired is invalid, not expiring"
        );
        // A renewed licence already in hand: no warning.
        let mut g = f.clone();
        g.licences.push(Licence {
            id: "n".into(),
            enterprise_id: "e1".into(),
            kind: "business_licence".into(),
            number: "N-2".into(),
            valid_from: d(2026, 6, 1),
            valid_to: Some(d(2036, 5, 31)),
        });
        assert!(!rules(&g, d(2026, 6, 15)).contains(&"qualification.expiring"));
    }

    #[test]
    fn closed_projects_need_no_licence() {
        let mut f = with_licence("business_licence", d(2020, 1, 1), Some(d(2026, 6, 30)));
        f.projects[0].closed_on = Some(d(2026, 7, 1));
        assert!(!rules(&f, d(2026, 7, 2)).contains(&"qualification.invalid"));
    }
}
