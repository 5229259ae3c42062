//! The rule engine: facts for one county + regulation profile + date → ordered findings.
//! A pure function: no clock, no I/O, the same input gives the same output.

pub mod calendar;
pub mod facts;
pub mod profile;

// One module per rule-code prefix: `progress.deviation` is `progress::deviation`.
mod assets;
pub mod data;
mod funds;
mod inspection;
mod market;
mod operations;
mod performance;
mod progress;
mod qualification;
mod rectification;
mod tipoff;

#[cfg(test)]
mod planted;
#[cfg(test)]
mod props;
#[cfg(test)]
mod testing;

pub use data::{MonthReport, ReportingRow, reporting_matrix};
pub use facts::Facts;
pub use funds::{InvoiceComparison, claim_fingerprint, compare_invoices, pair_fingerprint};
pub use inspection::{QuotaLine, quarter_quota};
pub use profile::{DATA_INCOMPLETE, Party, Profile, ProfileError, RULE_CODES};
pub use progress::planned_percent;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    Serious,
    Warning,
    Info,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::Serious,
        Severity::Warning,
        Severity::Info,
    ];

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Critical first.
    pub fn rank(self) -> u8 {
        match self {
            Severity::Critical => 0,
            Severity::Serious => 1,
            Severity::Warning => 2,
            Severity::Info => 3,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Serious => "serious",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Severity::Critical => "紧急",
            Severity::Serious => "严重",
            Severity::Warning => "提醒",
            Severity::Info => "提示",
        }
    }
}

/// What a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// project, enterprise, inspection, training_class, disbursement, subsidy_claim,
    /// rectification_order, fund_recovery, incident, market_finding, asset, tipoff.
    pub kind: String,
    pub id: String,
    pub name: String,
    /// The enterprise responsible, when there is one: for the contractor's own docket.
    pub enterprise_id: Option<String>,
    /// The project concerned, when there is one.
    pub project_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub subject: Subject,
    /// The period the finding is about: "2026-05", "2026-Q2", a licence kind, or none.
    pub period: Option<String>,
    pub clause: String,
    pub message: String,
    pub due: Option<NaiveDate>,
    pub action: String,
    /// Who must act on it, from the profile.
    pub acts: Party,
    /// rule + subject + period: the same finding on another day has the same key.
    pub key: String,
}

/// Everything a rule needs, with indexes built once.
pub(crate) struct Ctx<'a> {
    pub facts: &'a Facts,
    pub profile: &'a Profile,
    pub as_of: NaiveDate,
    pub projects: HashMap<&'a str, &'a facts::ProjectFacts>,
    pub enterprises: HashMap<&'a str, &'a facts::EnterpriseFacts>,
    /// Inspections done by the day, all and by project (a county has thousands).
    pub done: Vec<&'a facts::Inspection>,
    pub done_by_project: HashMap<&'a str, Vec<&'a facts::Inspection>>,
    pub tallies_by_project: HashMap<&'a str, Vec<&'a facts::InspectionTally>>,
    /// Each enterprise's data reports known on the day, the first for each month (four
    /// rules ask, for every enterprise: scanning all reports each time was most of the
    /// engine's string comparisons).
    pub first_reports: HashMap<&'a str, BTreeMap<NaiveDate, &'a facts::DataReport>>,
    /// Progress reports and plan versions by project, in the facts' order.
    pub reports_by_project: HashMap<&'a str, Vec<&'a facts::ProgressReport>>,
    pub plans_by_project: HashMap<&'a str, Vec<&'a facts::PlanVersion>>,
}

/// `items` grouped by `key`, each group in the items' order.
fn grouped<'a, T>(items: &'a [T], key: impl Fn(&'a T) -> &'a str) -> HashMap<&'a str, Vec<&'a T>> {
    let mut out: HashMap<&str, Vec<&T>> = HashMap::new();
    for i in items {
        out.entry(key(i)).or_default().push(i);
    }
    out
}

/// Where a finding is about and what it says, before the profile adds the rest.
pub(crate) struct Draft {
    pub rule: &'static str,
    pub subject: Subject,
    pub period: Option<String>,
    pub message: String,
    pub due: Option<NaiveDate>,
    /// For quota rules: the period is still running (a warning, not yet a failure).
    pub current: bool,
}

impl<'a> Ctx<'a> {
    pub fn project_subject(&self, p: &facts::ProjectFacts) -> Subject {
        Subject {
            kind: "project".into(),
            id: p.id.clone(),
            name: p.name.clone(),
            enterprise_id: Some(p.enterprise_id.clone()),
            project_id: Some(p.id.clone()),
        }
    }

    pub fn enterprise_name(&self, id: &str) -> String {
        self.enterprises
            .get(id)
            .map(|e| e.name.clone())
            .unwrap_or_else(|| id.to_string())
    }

    pub fn project_name(&self, id: &str) -> String {
        self.projects
            .get(id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| id.to_string())
    }

    /// A subject of another kind that belongs to a project.
    pub fn of_project(&self, kind: &str, id: &str, name: String, project_id: &str) -> Subject {
        Subject {
            kind: kind.into(),
            id: id.into(),
            name,
            enterprise_id: self
                .projects
                .get(project_id)
                .map(|p| p.enterprise_id.clone()),
            project_id: Some(project_id.into()),
        }
    }

    pub fn enterprise_subject(&self, id: &str) -> Subject {
        Subject {
            kind: "enterprise".into(),
            id: id.into(),
            name: self.enterprise_name(id),
            enterprise_id: Some(id.into()),
            project_id: None,
        }
    }

    fn finish(&self, d: Draft) -> Option<Finding> {
        let setting = self.profile.rule(d.rule)?;
        if !setting.enabled {
            return None;
        }
        let severity = if d.current {
            setting.severity_current.unwrap_or(Severity::Warning)
        } else {
            setting.severity
        };
        let key = format!(
            "{}|{}:{}|{}",
            d.rule,
            d.subject.kind,
            d.subject.id,
            d.period.as_deref().unwrap_or("-")
        );
        Some(Finding {
            rule: d.rule.into(),
            severity,
            subject: d.subject,
            period: d.period,
            clause: setting.clause.clone(),
            message: d.message,
            due: d.due,
            action: setting.action.clone(),
            acts: setting.acts,
            key,
        })
    }
}

/// The docket's areas: a rule code's prefix and what a person calls it.
pub const AREAS: [(&str, &str); 11] = [
    ("progress", "进度"),
    ("inspection", "监督检查"),
    ("qualification", "资质"),
    ("rectification", "整改"),
    ("performance", "绩效"),
    ("operations", "运行"),
    ("market", "市场秩序"),
    ("funds", "资金"),
    ("data", "数据报送"),
    ("assets", "资产"),
    ("tipoff", "举报"),
];

/// One rule: adds its drafts for the day.
type Rule = fn(&Ctx, &mut Vec<Draft>);

/// Every rule with the one function that evaluates it. The code is written once, as the
/// module and the function (`progress::deviation` is `progress.deviation`), so a code's
/// prefix always names its file.
macro_rules! rules {
    ($($module:ident::$rule:ident),* $(,)?) => {
        pub(crate) const RULES: &[(&str, Rule)] = &[
            $((concat!(stringify!($module), ".", stringify!($rule)), $module::$rule)),*
        ];
    };
}

rules![
    progress::deviation,
    progress::severe_lag,
    progress::report_missing,
    inspection::construction_quota,
    inspection::operation_quota,
    inspection::training_class,
    inspection::funds_followup,
    inspection::evidence_missing,
    qualification::invalid,
    qualification::expiring,
    rectification::overdue,
    rectification::escalate,
    performance::evaluation_due,
    operations::incident_open,
    market::violation_open,
    funds::duplicate_claim,
    funds::recovery_outstanding,
    funds::suspected_duplicate,
    funds::over_budget,
    data::report_late,
    data::uncooperative,
    data::report_suspicious,
    assets::unlabelled,
    assets::inventory_due,
    assets::discrepancy_open,
    assets::handover_due,
    tipoff::unanswered,
];

impl<'a> Ctx<'a> {
    /// The facts indexed once for every rule (and for the reporting matrix).
    pub(crate) fn new(facts: &'a Facts, profile: &'a Profile, as_of: NaiveDate) -> Self {
        let done: Vec<&facts::Inspection> = facts
            .inspections
            .iter()
            .filter(|i| i.done && i.date <= as_of)
            .collect();
        let mut done_by_project: HashMap<&str, Vec<&facts::Inspection>> = HashMap::new();
        for i in &done {
            done_by_project
                .entry(i.project_id.as_str())
                .or_default()
                .push(i);
        }
        let tallies_by_project = grouped(&facts.inspection_tallies, |t| t.project_id.as_str());
        let mut first_reports: HashMap<&str, BTreeMap<NaiveDate, &facts::DataReport>> =
            HashMap::new();
        for r in facts
            .data_reports
            .iter()
            .filter(|r| r.submitted_on <= as_of)
        {
            first_reports
                .entry(r.enterprise_id.as_str())
                .or_default()
                .entry(r.month)
                .and_modify(|x| {
                    if r.submitted_on < x.submitted_on {
                        *x = r
                    }
                })
                .or_insert(r);
        }
        Ctx {
            facts,
            profile,
            as_of,
            first_reports,
            reports_by_project: grouped(&facts.progress_reports, |r| r.project_id.as_str()),
            plans_by_project: grouped(&facts.plans, |v| v.project_id.as_str()),
            projects: facts.projects.iter().map(|p| (p.id.as_str(), p)).collect(),
            enterprises: facts
                .enterprises
                .iter()
                .map(|e| (e.id.as_str(), e))
                .collect(),
            done,
            done_by_project,
            tallies_by_project,
        }
    }
}

/// Evaluates every rule of the profile for one county's facts as of a date.
pub fn evaluate(facts: &Facts, profile: &Profile, as_of: NaiveDate) -> Vec<Finding> {
    let ctx = Ctx::new(facts, profile, as_of);
    let mut drafts = Vec::new();
    // Every rule runs: one switched off in the profile is dropped in `finish`, while the
    // `data.incomplete` it may report has its own switch.
    for (_, rule) in RULES {
        rule(&ctx, &mut drafts);
    }
    let mut findings: Vec<Finding> = drafts.into_iter().filter_map(|d| ctx.finish(d)).collect();
    sort(&mut findings);
    findings.dedup_by(|a, b| a.key == b.key);
    findings
}

/// Severity (critical first), then rule code, subject, period; the key breaks any tie.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (
            a.severity.rank(),
            &a.rule,
            &a.subject.kind,
            &a.subject.id,
            &a.period,
            &a.key,
        )
            .cmp(&(
                b.severity.rank(),
                &b.rule,
                &b.subject.kind,
                &b.subject.id,
                &b.period,
                &b.key,
            ))
    });
}

/// "3 天", "1 天" — days as people count them.
pub(crate) fn days_text(n: i64) -> String {
    format!("{n} 天")
}

/// A percent as people read it: "35%", "12.5%".
pub(crate) fn pct(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if (r - r.round()).abs() < 1e-9 {
        format!("{}%", r.round() as i64)
    } else {
        format!("{r:.1}%")
    }
}

#[cfg(test)]
mod registry {
    #[test]
    fn every_rule_code_has_one_function_in_the_file_its_prefix_names() {
        let codes: Vec<&str> = super::RULES.iter().map(|(c, _)| *c).collect();
        assert_eq!(codes, super::RULE_CODES.to_vec());
        for code in codes {
            let prefix = code.split('.').next().unwrap_or_default();
            assert!(super::AREAS.iter().any(|(a, _)| *a == prefix), "{code}");
        }
    }
}
