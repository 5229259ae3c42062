//! What the rules read: one county's records, loaded in bulk, as plain data.
//! Ids are the records' own ids; dates are civil dates in China (UTC+8).

use crate::system::System;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    pub projects: Vec<ProjectFacts>,
    pub enterprises: Vec<EnterpriseFacts>,
    pub plans: Vec<PlanVersion>,
    pub progress_reports: Vec<ProgressReport>,
    pub inspections: Vec<Inspection>,
    /// Inspections that only count towards quotas, counted per project, month and kinds
    /// instead of listed one by one (see [`Tally`]). Empty when loaded in full.
    pub inspection_tallies: Vec<InspectionTally>,
    pub training_classes: Vec<TrainingClass>,
    pub disbursements: Vec<Disbursement>,
    pub subsidy_claims: Vec<SubsidyClaim>,
    /// Decisions on suspected duplicate pairs.
    pub duplicate_decisions: Vec<PairDecision>,
    /// Other counties' invoices that match this county's (deployment-wide detection).
    pub invoices_elsewhere: Vec<InvoiceElsewhere>,
    pub data_reports: Vec<DataReport>,
    pub licences: Vec<Licence>,
    pub rectification_orders: Vec<RectificationOrder>,
    pub fund_recoveries: Vec<FundRecovery>,
    pub incidents: Vec<Incident>,
    pub evaluations: Vec<PerformanceEvaluation>,
    pub market_findings: Vec<MarketFinding>,
    pub assets: Vec<Asset>,
    pub inventory_counts: Vec<InventoryCount>,
    pub tipoffs: Vec<TipOff>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectFacts {
    pub id: String,
    pub name: String,
    pub enterprise_id: String,
    pub system: System,
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub construction_start: NaiveDate,
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub construction_end: NaiveDate,
    #[serde(default, deserialize_with = "crate::dates::wire::optional_date")]
    pub operation_start: Option<NaiveDate>,
    /// Declared operating (status) although no operation start date is known.
    pub marked_operating: bool,
    /// Acceptance or disqualification: supervision of the project ends that day.
    #[serde(default, deserialize_with = "crate::dates::wire::optional_date")]
    pub closed_on: Option<NaiveDate>,
    pub disqualified: bool,
    /// 中央财政资金: what the project may receive in all.
    #[serde(default)]
    pub central_funds_fen: i64,
    /// 服务期 ends that day: the government's assets are then handed over or renewed.
    #[serde(default, deserialize_with = "crate::dates::wire::optional_date")]
    pub service_period_end: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnterpriseFacts {
    pub id: String,
    pub name: String,
    pub handles_food: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub date: NaiveDate,
    /// Planned cumulative percent, 0–100.
    pub percent: f64,
}

/// An approved progress plan, in force from `effective_from` until a later version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanVersion {
    pub project_id: String,
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub effective_from: NaiveDate,
    pub milestones: Vec<Milestone>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgressReport {
    pub id: String,
    pub project_id: String,
    /// First day of the month the report covers.
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub month: NaiveDate,
    /// The date of the report (as of which the percent is stated).
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub report_date: NaiveDate,
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub submitted_on: NaiveDate,
    pub cumulative_percent: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InspectionKind {
    Construction,
    Operations,
    Training,
    Funds,
    AdHoc,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inspection {
    pub id: String,
    pub project_id: String,
    pub kinds: Vec<InspectionKind>,
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub date: NaiveDate,
    /// Planned inspections do not count until they are recorded.
    pub done: bool,
    pub training_class_id: Option<String>,
    pub disbursement_id: Option<String>,
    pub has_minutes: bool,
    pub photo_count: u32,
}

impl Inspection {
    pub fn covers(&self, kind: InspectionKind) -> bool {
        self.kinds.contains(&kind)
    }
}

impl InspectionKind {
    /// This kind's bit in a [`KindSet`]. Stable: the database keeps tallies keyed by it.
    pub const fn bit(self) -> u8 {
        match self {
            InspectionKind::Construction => 1,
            InspectionKind::Operations => 2,
            InspectionKind::Training => 4,
            InspectionKind::Funds => 8,
            InspectionKind::AdHoc => 16,
        }
    }
}

/// The kinds one inspection covers, as bits (see [`InspectionKind::bit`]): what a tally
/// needs of them, in a byte.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct KindSet(pub u8);

impl KindSet {
    pub fn of(kinds: &[InspectionKind]) -> Self {
        KindSet(kinds.iter().fold(0, |bits, k| bits | k.bit()))
    }

    pub fn contains(self, kind: InspectionKind) -> bool {
        self.0 & kind.bit() != 0
    }
}

/// Done inspections of one project in one month covering the same kinds, counted.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct InspectionTally {
    pub project_id: String,
    /// First day of the month.
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub month: NaiveDate,
    pub kinds: KindSet,
    pub count: u32,
}

/// Which inspections the rules only count. The quota rules need no more of an inspection
/// than its project, month and kinds; the other inspection rules look at each one. So a
/// done inspection dated on or before `as_of`, with complete evidence, linked to no
/// training class and not covering funds, may be counted rather than listed. Tallies hold
/// for evaluation on `as_of` only: a later inspection of the same month is not in them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub as_of: NaiveDate,
    pub min_photos: u32,
}

impl Tally {
    pub fn new(profile: &super::Profile, as_of: NaiveDate) -> Self {
        Tally {
            as_of,
            min_photos: profile.thresholds.evidence_min_photos,
        }
    }

    /// Whether the rules on `self.as_of` need no more of `i` than a count.
    pub fn countable(&self, i: &Inspection) -> bool {
        i.done
            && i.date <= self.as_of
            && i.has_minutes
            && i.photo_count >= self.min_photos
            && i.training_class_id.is_none()
            && !i.covers(InspectionKind::Funds)
    }

    /// The reference for what a store computes in its query: moves every countable
    /// inspection of `facts` into tallies (months ascending), and drops
    /// those the rules do not see on `as_of` (planned, or dated after it).
    pub fn apply(&self, facts: &mut Facts) {
        let mut counts: BTreeMap<(String, NaiveDate, KindSet), u32> = BTreeMap::new();
        facts.inspections.retain(|i| {
            if !i.done || i.date > self.as_of {
                return false;
            }
            if !self.countable(i) {
                return true;
            }
            let month = i.date.with_day(1).unwrap_or(i.date);
            *counts
                .entry((i.project_id.clone(), month, KindSet::of(&i.kinds)))
                .or_default() += 1;
            false
        });
        facts.inspection_tallies.extend(counts.into_iter().map(
            |((project_id, month, kinds), count)| InspectionTally {
                project_id,
                month,
                kinds,
                count,
            },
        ));
        facts.inspection_tallies.sort();
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingClass {
    pub id: String,
    pub project_id: String,
    pub name: String,
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub first_day: NaiveDate,
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub last_day: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Disbursement {
    pub id: String,
    pub project_id: String,
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub date: NaiveDate,
    pub amount_fen: i64,
    pub batch: String,
    /// Counts only once a second person confirmed it (imported ones arrive confirmed).
    #[serde(default = "confirmed")]
    pub confirmed: bool,
}

fn confirmed() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    pub code: String,
    pub number: String,
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub date: NaiveDate,
    pub seller: String,
    /// 金额 (without tax).
    pub amount_fen: i64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub buyer: String,
    /// 税额.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub tax_fen: i64,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

impl Invoice {
    /// 价税合计: what the invoice says was paid.
    pub fn total_fen(&self) -> i64 {
        self.amount_fen.saturating_add(self.tax_fen)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubsidyClaim {
    pub id: String,
    pub project_id: String,
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub submitted_on: NaiveDate,
    pub amount_fen: i64,
    pub invoices: Vec<Invoice>,
    /// The amount approved on review (审核通过), which may be lower than claimed.
    #[serde(default)]
    pub approved_fen: Option<i64>,
    #[serde(default, deserialize_with = "crate::dates::wire::optional_date")]
    pub approved_on: Option<NaiveDate>,
}

/// A person's decision on a pair of claims `funds.suspected_duplicate` raised: confirmed
/// (it is a duplicate) or cleared (with a reason, kept elsewhere). It holds while both
/// claims are as they were when decided (`fingerprint`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairDecision {
    pub claim_a: String,
    pub claim_b: String,
    pub confirmed: bool,
    pub fingerprint: String,
}

/// An invoice of another county's claim that matches one of this county's: this county
/// learns the other county's name and nothing of the claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceElsewhere {
    pub county: String,
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub submitted_on: NaiveDate,
    pub invoice: Invoice,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataReport {
    pub id: String,
    pub enterprise_id: String,
    /// First day of the month the figures cover.
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub month: NaiveDate,
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub submitted_on: NaiveDate,
    /// Metric code → value (money in 分, counts as counts).
    pub figures: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Licence {
    pub id: String,
    pub enterprise_id: String,
    /// e.g. business_licence, food_business, hygiene, commodity_circulation.
    pub kind: String,
    pub number: String,
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub valid_from: NaiveDate,
    /// None: valid without limit (长期).
    #[serde(default, deserialize_with = "crate::dates::wire::optional_date")]
    pub valid_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    Issued,
    Submitted,
    Rejected,
    Resubmitted,
    Accepted,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RectificationOrder {
    pub id: String,
    pub project_id: String,
    pub enterprise_id: String,
    pub title: String,
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub issued_on: NaiveDate,
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub deadline: NaiveDate,
    pub state: OrderState,
    /// The day the material was accepted, if it was.
    #[serde(default, deserialize_with = "crate::dates::wire::optional_date")]
    pub accepted_on: Option<NaiveDate>,
    /// Issued because of `progress.severe_lag` (a 限期整改通知书 under 一（一）).
    pub progress_notice: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Repayment {
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub date: NaiveDate,
    pub amount_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FundRecovery {
    pub id: String,
    pub project_id: String,
    pub enterprise_id: String,
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub decided_on: NaiveDate,
    pub amount_fen: i64,
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub deadline: NaiveDate,
    pub repayments: Vec<Repayment>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub id: String,
    pub project_id: String,
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub date: NaiveDate,
    pub summary: String,
    #[serde(default, deserialize_with = "crate::dates::wire::optional_date")]
    pub accountability_decided_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PerformanceEvaluation {
    pub id: String,
    pub project_id: String,
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub date: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarketCategory {
    Counterfeit,
    QualitySafety,
    Expired,
    ConsumerFraud,
}

impl MarketCategory {
    pub const ALL: [MarketCategory; 4] = [
        MarketCategory::Counterfeit,
        MarketCategory::QualitySafety,
        MarketCategory::Expired,
        MarketCategory::ConsumerFraud,
    ];

    /// The code stored and imported (the serde name).
    pub fn code(self) -> &'static str {
        match self {
            MarketCategory::Counterfeit => "counterfeit",
            MarketCategory::QualitySafety => "quality_safety",
            MarketCategory::Expired => "expired",
            MarketCategory::ConsumerFraud => "consumer_fraud",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            MarketCategory::Counterfeit => "销售假冒伪劣产品",
            MarketCategory::QualitySafety => "农副产品质量安全问题",
            MarketCategory::Expired => "销售过期商品",
            MarketCategory::ConsumerFraud => "欺诈消费者",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarketFinding {
    pub id: String,
    pub enterprise_id: String,
    pub project_id: Option<String>,
    pub category: MarketCategory,
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub raised_on: NaiveDate,
    #[serde(default, deserialize_with = "crate::dates::wire::optional_date")]
    pub closed_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Asset {
    pub id: String,
    pub enterprise_id: String,
    pub project_id: String,
    pub name: String,
    pub tag: Option<String>,
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub purchase_date: NaiveDate,
    pub central_funds: bool,
    #[serde(default, deserialize_with = "crate::dates::wire::optional_date")]
    pub disposed_on: Option<NaiveDate>,
    /// 移交: handed over (to the government or the party it names) on that day.
    #[serde(default, deserialize_with = "crate::dates::wire::optional_date")]
    pub handed_over_on: Option<NaiveDate>,
    /// 续用: by decision, the contractor keeps using it through that day.
    #[serde(default, deserialize_with = "crate::dates::wire::optional_date")]
    pub renewed_until: Option<NaiveDate>,
}

pub use crate::inventory::{CountItem, CountResult};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InventoryCount {
    pub id: String,
    pub enterprise_id: String,
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub date: NaiveDate,
    pub items: Vec<CountItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TipOff {
    pub id: String,
    #[serde(deserialize_with = "crate::dates::wire::date")]
    pub received_on: NaiveDate,
    pub summary: String,
    #[serde(default, deserialize_with = "crate::dates::wire::optional_date")]
    pub replied_on: Option<NaiveDate>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [InspectionKind; 5] = [
        InspectionKind::Construction,
        InspectionKind::Operations,
        InspectionKind::Training,
        InspectionKind::Funds,
        InspectionKind::AdHoc,
    ];

    #[test]
    fn a_kind_set_holds_exactly_the_kinds_it_was_made_of() {
        // The database keys kept counts by these bits: one bit each, none shared.
        let bits: Vec<u8> = ALL.iter().map(|k| k.bit()).collect();
        assert_eq!(bits, [1, 2, 4, 8, 16]);
        for (i, a) in ALL.iter().enumerate() {
            for b in &ALL[i..] {
                let set = KindSet::of(&[*a, *b]);
                for k in ALL {
                    assert_eq!(set.contains(k), k == *a || k == *b, "{a:?}+{b:?} ∋ {k:?}");
                }
                // Order and repetition make no difference.
                assert_eq!(set, KindSet::of(&[*b, *a, *b]));
            }
        }
        assert!(!ALL.iter().any(|k| KindSet::default().contains(*k)));
    }
}
