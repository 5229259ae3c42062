//! 监管规则配置: every threshold and period of the rules, and each rule's clause, severity
//! and suggested action. Another county with other numbers configures, not forks.

use super::Severity;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Every rule code; a profile must configure each of them. The codes are a public interface.
pub const RULE_CODES: [&str; 27] = [
    "progress.deviation",
    "progress.severe_lag",
    "progress.report_missing",
    "inspection.construction_quota",
    "inspection.operation_quota",
    "inspection.training_class",
    "inspection.funds_followup",
    "inspection.evidence_missing",
    "qualification.invalid",
    "qualification.expiring",
    "rectification.overdue",
    "rectification.escalate",
    "performance.evaluation_due",
    "operations.incident_open",
    "market.violation_open",
    "funds.duplicate_claim",
    "funds.recovery_outstanding",
    "funds.suspected_duplicate",
    "funds.over_budget",
    "data.report_late",
    "data.uncooperative",
    "data.report_suspicious",
    "assets.unlabelled",
    "assets.inventory_due",
    "assets.discrepancy_open",
    "assets.handover_due",
    "tipoff.unanswered",
];

/// Not a rule of the table: what a rule says when it cannot be evaluated.
pub const DATA_INCOMPLETE: &str = "data.incomplete";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub id: String,
    pub version: u32,
    pub name: String,
    /// The document the numbers come from, e.g. 交电商办〔2022〕9号.
    pub source: String,
    /// The supervising bureau, as the public notice board names it.
    pub authority: String,
    /// The public supervision and tip-off line (监督举报电话).
    pub hotline: String,
    pub thresholds: Thresholds,
    pub licences: LicenceRules,
    /// Rule code → its setting; every code of [`RULE_CODES`] and `data.incomplete`.
    pub rules: BTreeMap<String, RuleSetting>,
    /// Operating-data metrics: code → what it is and which systems report it.
    #[serde(default)]
    pub metrics: BTreeMap<String, MetricDef>,
    /// 一（二）运行管理: what an operations inspection checks at the enterprise, in order
    /// (组织机制, 人员管理, 安全生产责任制 …); each is answered before the record is final.
    #[serde(default)]
    pub operations_checks: Vec<CheckItem>,
    /// 一（五）: the tag pattern and the asset categories with their useful lives.
    #[serde(default)]
    pub assets: crate::asset::AssetSettings,
    /// 举报: the kinds of problem the public may report, the assignee's days.
    #[serde(default)]
    pub tipoff: crate::tipoff::TipOffSettings,
}

/// One item of an inspection's checklist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckItem {
    /// Lower-case letters, digits and `_`; kept with the record, so never renamed.
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricDef {
    pub name: String,
    /// 元, 单, 件, 个, 人次 …; money metrics are reported in 分 and shown in 元.
    pub unit: String,
    /// System codes whose projects report this metric.
    pub systems: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Points behind plan above which `progress.deviation` fires (strictly more than).
    pub deviation_points: f64,
    /// Points behind plan from which, with overall progress under `severe_lag_overall_below`,
    /// `progress.severe_lag` fires.
    pub severe_lag_points: f64,
    pub severe_lag_overall_below: f64,
    /// Deadline to set in the notice (限期整改通知书), in days.
    pub severe_lag_deadline_days: u32,
    /// Progress reports for month M are due by this day of M+1.
    pub progress_report_due_day: u32,
    pub construction_inspections_per_quarter: u32,
    pub operation_inspections_per_month: u32,
    pub inspections_per_training_class: u32,
    pub funds_followup_days: u32,
    /// Invoices of one seller with one amount this many days apart or fewer (inclusive)
    /// are a suspected duplicate (`funds.suspected_duplicate`).
    #[serde(default = "thirty")]
    pub suspected_duplicate_days: u32,
    pub evidence_min_photos: u32,
    /// Inspectors to plan for each visit (三: the supervision group inspects in twos).
    pub inspectors_per_inspection: u32,
    pub licence_expiring_days: u32,
    pub rectification_escalate_days: u32,
    /// Operating data for month M are due by this day of M+1.
    pub data_report_due_day: u32,
    pub uncooperative_count: u32,
    pub uncooperative_window_months: u32,
    pub suspicious_factor: f64,
    pub inventory_interval_months: u32,
    pub tipoff_reply_days: u32,
}

fn thirty() -> u32 {
    30
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LicenceRules {
    /// Licence kinds every enterprise needs (any one licence of the kind, valid).
    pub required: Vec<String>,
    /// For enterprises handling food: at least one of these kinds.
    pub food_any_of: Vec<String>,
    /// Further kinds required per system (system code → kinds).
    #[serde(default)]
    pub by_system: BTreeMap<String, Vec<String>>,
    /// Chinese names of licence kinds, for messages.
    pub names: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSetting {
    /// What a person calls the finding, e.g. 整改逾期: its name on the docket and its page.
    pub title: String,
    /// Clause reference, e.g. 三（一）1.
    pub clause: String,
    /// The clause's words, quoted on the finding's page.
    pub text: String,
    pub severity: Severity,
    /// For quota rules: the severity while the period is still running.
    #[serde(default)]
    pub severity_current: Option<Severity>,
    pub action: String,
    /// Who acts on the finding: the docket shows it, and a contractor sees only its own.
    pub acts: Party,
    #[serde(default = "yes")]
    pub enabled: bool,
}

/// Who must act on a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// The bureau's supervision group (inspectors).
    Bureau,
    /// The contracted enterprise.
    Contractor,
    /// The responsible person (监管责任人), who decides.
    Chief,
}

impl Party {
    pub const ALL: [Party; 3] = [Party::Bureau, Party::Contractor, Party::Chief];

    pub fn code(self) -> &'static str {
        match self {
            Party::Bureau => "bureau",
            Party::Contractor => "contractor",
            Party::Chief => "chief",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Party::Bureau => "监管工作组",
            Party::Contractor => "承办企业",
            Party::Chief => "监管责任人",
        }
    }
}

fn yes() -> bool {
    true
}

/// A profile that cannot be used, with the key at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("监管规则配置有误（{key}）：{message}")]
pub struct ProfileError {
    pub key: String,
    pub message: String,
}

fn err(key: &str, message: &str) -> ProfileError {
    ProfileError {
        key: key.into(),
        message: message.into(),
    }
}

impl Profile {
    /// Who acts on findings of `rule` (the bureau for a code the profile does not know).
    pub fn acts(&self, rule: &str) -> Party {
        self.rule(rule).map_or(Party::Bureau, |r| r.acts)
    }

    /// The rule codes on which `party` acts, `data.incomplete` included.
    pub fn acted_on_by(&self, party: Party) -> Vec<&str> {
        self.rules
            .iter()
            .filter(|(_, r)| r.acts == party)
            .map(|(code, _)| code.as_str())
            .collect()
    }

    /// Checks what the types cannot: every rule configured, numbers in range.
    pub fn validate(&self) -> Result<(), ProfileError> {
        if self.id.trim().is_empty() {
            return Err(err("id", "不能为空"));
        }
        for code in RULE_CODES.iter().chain(std::iter::once(&DATA_INCOMPLETE)) {
            let Some(r) = self.rules.get(*code) else {
                return Err(err(&format!("rules.\"{code}\""), "缺少该规则的配置"));
            };
            if r.clause.trim().is_empty() {
                return Err(err(&format!("rules.\"{code}\".clause"), "不能为空"));
            }
            if r.title.trim().is_empty() {
                return Err(err(&format!("rules.\"{code}\".title"), "不能为空"));
            }
        }
        if let Some(unknown) = self
            .rules
            .keys()
            .find(|k| !RULE_CODES.contains(&k.as_str()) && *k != DATA_INCOMPLETE)
        {
            return Err(err(&format!("rules.\"{unknown}\""), "没有这个规则代码"));
        }
        let t = &self.thresholds;
        for (key, day) in [
            ("progress_report_due_day", t.progress_report_due_day),
            ("data_report_due_day", t.data_report_due_day),
        ] {
            if !(1..=28).contains(&day) {
                return Err(err(&format!("thresholds.{key}"), "应为 1 到 28 之间的日"));
            }
        }
        for (key, v) in [
            ("deviation_points", t.deviation_points),
            ("severe_lag_points", t.severe_lag_points),
            ("severe_lag_overall_below", t.severe_lag_overall_below),
        ] {
            if !(0.0..=100.0).contains(&v) {
                return Err(err(&format!("thresholds.{key}"), "应在 0 到 100 之间"));
            }
        }
        if t.severe_lag_points < t.deviation_points {
            return Err(err(
                "thresholds.severe_lag_points",
                "不能小于 deviation_points",
            ));
        }
        if t.suspicious_factor <= 1.0 || !t.suspicious_factor.is_finite() {
            return Err(err("thresholds.suspicious_factor", "应大于 1"));
        }
        for (key, v) in [
            ("uncooperative_window_months", t.uncooperative_window_months),
            ("inventory_interval_months", t.inventory_interval_months),
            ("uncooperative_count", t.uncooperative_count),
            ("inspectors_per_inspection", t.inspectors_per_inspection),
        ] {
            if v == 0 {
                return Err(err(&format!("thresholds.{key}"), "应大于 0"));
            }
        }
        for (code, m) in &self.metrics {
            if let Some(s) = m.systems.iter().find(|s| crate::System::parse(s).is_none()) {
                return Err(err(
                    &format!("metrics.{code}.systems"),
                    &format!("“{s}”不是五大体系的代码"),
                ));
            }
        }
        for s in self.licences.by_system.keys() {
            if crate::System::parse(s).is_none() {
                return Err(err(
                    &format!("licences.by_system.{s}"),
                    "不是五大体系的代码",
                ));
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for (n, c) in self.operations_checks.iter().enumerate() {
            let key = format!("operations_checks[{n}]");
            let well_formed = !c.code.is_empty()
                && c.code.len() <= 40
                && c.code
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !well_formed {
                return Err(err(
                    &format!("{key}.code"),
                    "只能由小写字母、数字和下划线组成",
                ));
            }
            if !seen.insert(c.code.as_str()) {
                return Err(err(&format!("{key}.code"), "与前面的检查项重复"));
            }
            if c.name.trim().is_empty() || c.name.chars().count() > 30 {
                return Err(err(&format!("{key}.name"), "应为 1 到 30 个字"));
            }
        }
        if self.licences.required.is_empty() {
            return Err(err("licences.required", "至少应要求营业执照"));
        }
        self.validate_assets()
    }

    fn validate_assets(&self) -> Result<(), ProfileError> {
        let a = &self.assets;
        let prefix_ok = (1..=8).contains(&a.tag_prefix.len())
            && a.tag_prefix
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if !prefix_ok {
            return Err(err("assets.tag_prefix", "应为 1 到 8 个大写字母或数字"));
        }
        if !(3..=8).contains(&a.tag_digits) {
            return Err(err("assets.tag_digits", "流水号应为 3 到 8 位"));
        }
        if a.categories.is_empty() {
            return Err(err("assets.categories", "至少应有一个资产类别"));
        }
        let mut seen = std::collections::BTreeSet::new();
        for (n, c) in a.categories.iter().enumerate() {
            let key = format!("assets.categories[{n}]");
            let well_formed = !c.code.is_empty()
                && c.code.len() <= 40
                && c.code
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !well_formed || !seen.insert(c.code.as_str()) {
                return Err(err(
                    &format!("{key}.code"),
                    "只能由小写字母、数字和下划线组成，且不能重复",
                ));
            }
            if c.name.trim().is_empty() || c.name.chars().count() > 30 {
                return Err(err(&format!("{key}.name"), "应为 1 到 30 个字"));
            }
            if !(1..=100).contains(&c.life_years) {
                return Err(err(
                    &format!("{key}.life_years"),
                    "折旧年限应为 1 到 100 年",
                ));
            }
        }
        Ok(())
    }

    pub fn rule(&self, code: &str) -> Option<&RuleSetting> {
        self.rules.get(code)
    }

    pub fn metric_name<'a>(&'a self, code: &'a str) -> &'a str {
        self.metrics
            .get(code)
            .map(|m| m.name.as_str())
            .unwrap_or(code)
    }

    pub fn licence_name<'a>(&'a self, kind: &'a str) -> &'a str {
        self.licences
            .names
            .get(kind)
            .map(String::as_str)
            .unwrap_or(kind)
    }
}
