//! Builders for rule tests: a small county with one enterprise and one project under
//! construction through 2026, and the Jiaocheng 2022 profile as shipped.

pub use super::facts::*;
pub use super::{Facts, Finding, Profile, Severity, evaluate};
pub use chrono::NaiveDate;

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
}

pub fn profile() -> Profile {
    let p: Profile = toml::from_str(include_str!("../../../../profiles/jiaocheng-2022.toml"))
        .expect("profile parses");
    p.validate().expect("profile valid");
    p
}

/// Enterprise e1 (a valid business licence without end), project p1 under construction
/// from 1 Jan to 31 Dec 2026 with no operation start and ¥1,000,000 of central funds.
pub fn world() -> Facts {
    Facts {
        enterprises: vec![EnterpriseFacts {
            id: "e1".into(),
            name: "交城县测试电商有限公司".into(),
            handles_food: false,
        }],
        projects: vec![ProjectFacts {
            id: "p1".into(),
            name: "县级电商公共服务中心".into(),
            enterprise_id: "e1".into(),
            system: crate::System::PublicService,
            construction_start: d(2026, 1, 1),
            construction_end: d(2026, 12, 31),
            operation_start: None,
            marked_operating: false,
            closed_on: None,
            disqualified: false,
            central_funds_fen: 100_000_000,
            service_period_end: None,
        }],
        licences: vec![Licence {
            id: "l1".into(),
            enterprise_id: "e1".into(),
            kind: "business_licence".into(),
            number: "91141122MA0K3B2C1X".into(),
            valid_from: d(2020, 1, 1),
            valid_to: None,
        }],
        ..Default::default()
    }
}

pub fn plan(project: &str, from: NaiveDate, milestones: &[(NaiveDate, f64)]) -> PlanVersion {
    PlanVersion {
        project_id: project.into(),
        effective_from: from,
        milestones: milestones
            .iter()
            .map(|(date, percent)| Milestone {
                date: *date,
                percent: *percent,
            })
            .collect(),
    }
}

pub fn report(project: &str, month: NaiveDate, date: NaiveDate, percent: f64) -> ProgressReport {
    ProgressReport {
        id: format!("r-{project}-{date}"),
        project_id: project.into(),
        month,
        report_date: date,
        submitted_on: date,
        cumulative_percent: percent,
    }
}

pub fn inspection(
    id: &str,
    project: &str,
    kinds: &[InspectionKind],
    date: NaiveDate,
) -> Inspection {
    Inspection {
        id: id.into(),
        project_id: project.into(),
        kinds: kinds.to_vec(),
        date,
        done: true,
        training_class_id: None,
        disbursement_id: None,
        has_minutes: true,
        photo_count: 3,
    }
}

/// The codes of the findings on a date (as static strings, to compare with literals).
pub fn rules(f: &Facts, on: NaiveDate) -> Vec<&'static str> {
    evaluate(f, &profile(), on)
        .iter()
        .map(|x| {
            super::RULE_CODES
                .iter()
                .chain(std::iter::once(&super::DATA_INCOMPLETE))
                .find(|c| **c == x.rule)
                .copied()
                .expect("known rule code")
        })
        .collect()
}

pub fn all(f: &Facts, on: NaiveDate, rule: &str) -> Vec<Finding> {
    evaluate(f, &profile(), on)
        .into_iter()
        .filter(|x| x.rule == rule)
        .collect()
}

pub fn fired(f: &Facts, on: NaiveDate, rule: &str) -> Finding {
    all(f, on, rule)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{rule} did not fire on {on}"))
}

pub fn has(f: &Facts, on: NaiveDate, rule: &str, period: Option<&str>) -> bool {
    all(f, on, rule)
        .iter()
        .any(|x| x.period.as_deref() == period)
}
