//! Invariants of the engine over generated counties.

use super::testing::*;
use proptest::prelude::*;
use std::collections::BTreeSet;

fn date_in(from: NaiveDate, span_days: u64) -> impl Strategy<Value = NaiveDate> {
    (0..span_days).prop_map(move |n| from + chrono::Days::new(n))
}

fn kinds() -> impl Strategy<Value = Vec<InspectionKind>> {
    proptest::sample::subsequence(
        vec![
            InspectionKind::Construction,
            InspectionKind::Operations,
            InspectionKind::Training,
            InspectionKind::Funds,
        ],
        1..=2,
    )
}

prop_compose! {
    fn project(i: usize)(start in date_in(d(2025, 1, 1), 500), len in 30u64..400, op in proptest::option::of(0u64..60))
        -> ProjectFacts {
        let end = start + chrono::Days::new(len);
        ProjectFacts {
            id: format!("p{i}"),
            name: format!("项目{i}"),
            enterprise_id: format!("e{}", i % 2),
            system: crate::System::ALL[i % 5],
            construction_start: start,
            construction_end: end,
            operation_start: op.map(|o| end + chrono::Days::new(o)),
            marked_operating: false,
            closed_on: None,
            disqualified: false,
            central_funds_fen: 1_000_000,
            service_period_end: None,
        }
    }
}

prop_compose! {
    fn county()(
        p0 in project(0), p1 in project(1), p2 in project(2),
        ins in proptest::collection::vec((0usize..3, kinds(), date_in(d(2025, 1, 1), 900), any::<bool>()), 0..25),
        classes in proptest::collection::vec((0usize..3, date_in(d(2025, 1, 1), 800), 0u64..10), 0..3),
        disb in proptest::collection::vec((0usize..3, date_in(d(2025, 1, 1), 800)), 0..4),
        orders in proptest::collection::vec((0usize..3, date_in(d(2025, 1, 1), 800), 1u64..60, any::<bool>()), 0..3),
        tips in proptest::collection::vec(date_in(d(2025, 1, 1), 800), 0..3),
        reports in proptest::collection::vec((0usize..3, date_in(d(2025, 1, 1), 900), 0.0f64..100.0), 0..10),
    ) -> Facts {
        let mut f = world();
        f.enterprises.push(EnterpriseFacts { id: "e0".into(), name: "企业甲".into(), handles_food: false });
        f.enterprises[0].id = "e1".into();
        f.projects = vec![p0, p1, p2];
        for p in &f.projects {
            f.plans.push(plan(&p.id, p.construction_start, &[(p.construction_end, 100.0)]));
        }
        for (k, (p, ks, date, minutes)) in ins.into_iter().enumerate() {
            let mut i = inspection(&format!("i{k}"), &format!("p{p}"), &ks, date);
            i.has_minutes = minutes;
            f.inspections.push(i);
        }
        for (k, (p, first, len)) in classes.into_iter().enumerate() {
            f.training_classes.push(TrainingClass { id: format!("c{k}"), project_id: format!("p{p}"), name: format!("班{k}"), first_day: first, last_day: first + chrono::Days::new(len) });
        }
        for (k, (p, date)) in disb.into_iter().enumerate() {
            f.disbursements.push(Disbursement { id: format!("b{k}"), project_id: format!("p{p}"), date, amount_fen: 100, batch: format!("第{k}批"), confirmed: true });
        }
        for (k, (p, issued, len, notice)) in orders.into_iter().enumerate() {
            f.rectification_orders.push(RectificationOrder {
                id: format!("o{k}"), project_id: format!("p{p}"), enterprise_id: "e1".into(), title: format!("整改{k}"),
                issued_on: issued, deadline: issued + chrono::Days::new(len), state: OrderState::Issued, accepted_on: None, progress_notice: notice,
            });
        }
        for (k, date) in tips.into_iter().enumerate() {
            f.tipoffs.push(TipOff { id: format!("t{k}"), received_on: date, summary: "举报".into(), replied_on: None });
        }
        for (p, date, pc) in reports {
            f.progress_reports.push(report(&format!("p{p}"), super::calendar::month_start(date), date, pc));
        }
        f
    }
}

fn keys(f: &Facts, on: NaiveDate, rules: &[&str]) -> BTreeSet<String> {
    evaluate(f, &profile(), on)
        .into_iter()
        .filter(|x| rules.contains(&x.rule.as_str()))
        .map(|x| x.key)
        .collect()
}

const QUOTAS: [&str; 4] = [
    "inspection.construction_quota",
    "inspection.operation_quota",
    "inspection.training_class",
    "inspection.funds_followup",
];

/// Findings of a deadline missed: once missed, only a recorded act (a reply, an
/// acceptance, a report) resolves them, and the generated county records none after.
const MISSED: [&str; 7] = [
    "rectification.overdue",
    "rectification.escalate",
    "tipoff.unanswered",
    "inspection.training_class",
    "inspection.funds_followup",
    "performance.evaluation_due",
    "assets.inventory_due",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn deterministic_and_independent_of_input_order(f in county(), on in date_in(d(2025, 1, 1), 1000)) {
        let a = evaluate(&f, &profile(), on);
        prop_assert_eq!(&a, &evaluate(&f, &profile(), on));
        let mut g = f.clone();
        g.projects.reverse();
        g.inspections.reverse();
        g.training_classes.reverse();
        g.disbursements.reverse();
        g.rectification_orders.reverse();
        g.tipoffs.reverse();
        g.progress_reports.reverse();
        prop_assert_eq!(a, evaluate(&g, &profile(), on));
    }

    #[test]
    fn adding_an_inspection_never_adds_a_quota_finding(
        f in county(), on in date_in(d(2025, 1, 1), 1000), p in 0usize..3, ks in kinds(), date in date_in(d(2025, 1, 1), 1000), class in proptest::option::of(0usize..3)
    ) {
        let before = keys(&f, on, &QUOTAS);
        let mut g = f.clone();
        let mut i = inspection("new", &format!("p{p}"), &ks, date);
        i.training_class_id = class.map(|c| format!("c{c}"));
        g.inspections.push(i);
        let after = keys(&g, on, &QUOTAS);
        prop_assert!(after.is_subset(&before), "added: {:?}", after.difference(&before).collect::<Vec<_>>());
    }

    #[test]
    fn moving_the_date_forward_never_resolves_a_missed_deadline(f in county(), on in date_in(d(2025, 1, 1), 900), later in 1u64..400) {
        let mut f = f;
        f.evaluations.clear();
        let before = keys(&f, on, &MISSED);
        let after = keys(&f, on + chrono::Days::new(later), &MISSED);
        prop_assert!(before.is_subset(&after), "resolved by time alone: {:?}", before.difference(&after).collect::<Vec<_>>());
    }

    #[test]
    fn counting_inspections_instead_of_listing_them_changes_no_finding(
        f in county(), on in date_in(d(2025, 1, 1), 1000), photos in proptest::collection::vec(0u32..3, 25), planned in proptest::collection::vec(any::<bool>(), 25)
    ) {
        let mut f = f;
        for (k, i) in f.inspections.iter_mut().enumerate() {
            i.photo_count = photos[k];
            i.done = !planned[k];
        }
        let mut g = f.clone();
        super::facts::Tally::new(&profile(), on).apply(&mut g);
        prop_assert_eq!(evaluate(&f, &profile(), on), evaluate(&g, &profile(), on));
    }

    #[test]
    fn findings_are_ordered_and_keys_unique(f in county(), on in date_in(d(2025, 1, 1), 1000)) {
        let fs = evaluate(&f, &profile(), on);
        for w in fs.windows(2) {
            prop_assert!((w[0].severity.rank(), &w[0].rule) <= (w[1].severity.rank(), &w[1].rule));
        }
        let keys: BTreeSet<_> = fs.iter().map(|x| &x.key).collect();
        prop_assert_eq!(keys.len(), fs.len());
    }
}

#[test]
fn a_disabled_rule_does_not_fire_and_severities_come_from_the_profile() {
    let f = world(); // no plan: data.incomplete
    let mut p = profile();
    assert!(
        evaluate(&f, &p, d(2026, 2, 1))
            .iter()
            .any(|x| x.rule == "data.incomplete")
    );
    p.rules.get_mut("data.incomplete").unwrap().enabled = false;
    assert!(
        !evaluate(&f, &p, d(2026, 2, 1))
            .iter()
            .any(|x| x.rule == "data.incomplete")
    );
    let mut p = profile();
    p.rules.get_mut("data.incomplete").unwrap().severity = Severity::Warning;
    let x = evaluate(&f, &p, d(2026, 2, 1))
        .into_iter()
        .find(|x| x.rule == "data.incomplete")
        .unwrap();
    assert_eq!(x.severity, Severity::Warning);
    assert_eq!(x.clause, "—");
    assert!(x.key.starts_with("data.incomplete|project:p1|"));
}

#[test]
fn profile_errors_name_the_key() {
    let text = include_str!("../../../../profiles/jiaocheng-2022.toml");
    let missing = text.replace(
        "[rules.\"tipoff.unanswered\"]",
        "[rules.\"tipoff.unanswered_typo\"]",
    );
    let p: Profile = toml::from_str(&missing).unwrap();
    let e = p.validate().unwrap_err();
    assert_eq!(e.key, "rules.\"tipoff.unanswered\"", "{e}");
    let bad_day = text.replace("data_report_due_day = 10", "data_report_due_day = 31");
    let e = toml::from_str::<Profile>(&bad_day)
        .unwrap()
        .validate()
        .unwrap_err();
    assert_eq!(e.key, "thresholds.data_report_due_day");
    let unknown = text.replace(
        "deviation_points = 10.0",
        "deviation_points = 10.0\ndeviation_pionts = 3",
    );
    let e = toml::from_str::<Profile>(&unknown).unwrap_err().to_string();
    assert!(e.contains("deviation_pionts"), "{e}");
    // Every rule is named in the profile: a blank title is refused, naming the rule.
    let untitled = text.replace("title = \"整改逾期\"", "title = \" \"");
    let e = toml::from_str::<Profile>(&untitled)
        .unwrap()
        .validate()
        .unwrap_err();
    assert_eq!(e.key, "rules.\"rectification.overdue\".title", "{e}");
}
