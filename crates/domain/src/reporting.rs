//! 进度计划表 and 书面材料 (一（一）, 二（二）): what a contractor submits about a project's
//! progress, and the review each submission gets. Pure validation; the app layer reads the
//! earlier reports and plans it needs.

use crate::FieldErrors;
use crate::rules::facts::Milestone;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A review of a contractor's submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Review {
    /// 已提交，待审核
    Submitted,
    /// 审核通过
    Approved,
    /// 有问题，需修改后重新提交
    HasIssues,
    /// 退回
    Rejected,
}

impl Review {
    pub const ALL: [Review; 4] = [
        Review::Submitted,
        Review::Approved,
        Review::HasIssues,
        Review::Rejected,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Review::Submitted => "submitted",
            Review::Approved => "approved",
            Review::HasIssues => "has_issues",
            Review::Rejected => "rejected",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Review::Submitted => "待审核",
            Review::Approved => "审核通过",
            Review::HasIssues => "有问题，待修改",
            Review::Rejected => "退回",
        }
    }

    /// A reviewer's verdict on a submission that awaits review; anything else is refused.
    pub fn review(self, verdict: Review, note: &str) -> Result<Review, String> {
        if self != Review::Submitted {
            return Err(format!(
                "该材料{}，不能再审核；企业修改后会作为新版本重新提交。",
                self.label()
            ));
        }
        match verdict {
            Review::Submitted => Err("请选择审核结论".into()),
            Review::HasIssues | Review::Rejected if note.trim().is_empty() => {
                Err("请写明问题或退回原因，企业据此修改".into())
            }
            v => Ok(v),
        }
    }

    /// Whether the contractor may hand in a new version after this one.
    pub fn may_resubmit(self) -> bool {
        matches!(self, Review::HasIssues | Review::Rejected)
    }
}

/// A progress report as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReportInput {
    pub project_id: String,
    /// YYYY-MM
    pub month: String,
    pub cumulative_percent: String,
    pub narrative: String,
    /// Why the cumulative percent went down, when it did.
    #[serde(default)]
    pub explanation: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportFields {
    pub month: NaiveDate,
    pub cumulative_percent: f64,
    pub narrative: String,
    pub explanation: Option<String>,
}

pub fn parse_month(s: &str) -> Option<NaiveDate> {
    let (y, m) = s.trim().split_once('-')?;
    let d = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)?;
    crate::dates::check_year(d).ok()
}

impl ReportInput {
    /// `previous`: the cumulative percent of the latest report for an earlier month.
    pub fn validate(
        &self,
        today: NaiveDate,
        previous: Option<f64>,
    ) -> Result<ReportFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let month = parse_month(&self.month);
        match month {
            None => e.add("month", "请填写报告月份（格式如 2026-05）"),
            Some(m) if m > today.with_day(1).unwrap_or(today) => {
                e.add("month", "不能为将来的月份报告进度")
            }
            _ => {}
        }
        let percent = match self
            .cumulative_percent
            .trim()
            .trim_end_matches('%')
            .parse::<f64>()
        {
            Ok(p) if p.is_finite() && (0.0..=100.0).contains(&p) => Some(p),
            Ok(_) => {
                e.add("cumulative_percent", "累计完成比例应在 0 到 100 之间");
                None
            }
            Err(_) => {
                e.add(
                    "cumulative_percent",
                    "累计完成比例请填写数字，例如 45 或 45.5",
                );
                None
            }
        };
        let explanation = e.optional_text("explanation", "说明", self.explanation.as_deref(), 2000);
        if let (Some(p), Some(prev)) = (percent, previous)
            && p < prev
            && explanation.is_none()
        {
            e.add(
                "explanation",
                format!("累计完成比例比上次报告（{prev}%）低，请说明原因"),
            );
        }
        let narrative = e.required_text("narrative", "进度情况说明", &self.narrative, 10_000);
        let (Some(month), Some(cumulative_percent), true) = (month, percent, e.is_empty()) else {
            return Err(e);
        };
        Ok(ReportFields {
            month,
            cumulative_percent,
            narrative,
            explanation,
        })
    }
}

/// A progress plan as typed: one milestone per line, "YYYY-MM-DD 百分比 说明".
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PlanInput {
    pub project_id: String,
    pub effective_from: String,
    pub milestones: String,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedMilestone {
    pub date: NaiveDate,
    pub percent: f64,
    #[serde(default)]
    pub description: String,
}

impl PlannedMilestone {
    pub fn milestone(&self) -> Milestone {
        Milestone {
            date: self.date,
            percent: self.percent,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlanFields {
    pub effective_from: NaiveDate,
    pub milestones: Vec<PlannedMilestone>,
    pub note: Option<String>,
}

impl PlanInput {
    pub fn validate(&self) -> Result<PlanFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let effective_from = match crate::dates::parse_date(&self.effective_from) {
            Ok(d) => Some(d),
            Err(m) => {
                e.add("effective_from", format!("生效日期：{m}"));
                None
            }
        };
        let mut milestones: Vec<PlannedMilestone> = Vec::new();
        for (n, line) in self
            .milestones
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .enumerate()
        {
            let mut parts = line.splitn(3, char::is_whitespace);
            let date = parts.next().and_then(|d| crate::dates::parse_date(d).ok());
            let percent = parts
                .next()
                .and_then(|p| p.trim_end_matches('%').parse::<f64>().ok())
                .filter(|p| p.is_finite() && (0.0..=100.0).contains(p));
            let (Some(date), Some(percent)) = (date, percent) else {
                e.add(
                    "milestones",
                    format!("第 {} 行“{line}”：应为“日期 累计百分比 说明”，例如“2026-06-30 40 仓库主体完工”", n + 1),
                );
                continue;
            };
            if let Some(prev) = milestones.last() {
                if date <= prev.date {
                    e.add(
                        "milestones",
                        format!("第 {} 行：节点日期应晚于上一行", n + 1),
                    );
                }
                if percent < prev.percent {
                    e.add(
                        "milestones",
                        format!("第 {} 行：累计百分比不能低于上一行", n + 1),
                    );
                }
            }
            milestones.push(PlannedMilestone {
                date,
                percent,
                description: parts.next().unwrap_or("").trim().to_string(),
            });
        }
        if milestones.is_empty() && e.get("milestones").is_none() {
            e.add("milestones", "请至少填写一个进度节点");
        }
        if milestones.last().is_some_and(|m| m.percent < 100.0) && e.get("milestones").is_none() {
            e.add("milestones", "最后一个节点应达到 100%（建设完成）");
        }
        let note = e.optional_text("note", "说明", self.note.as_deref(), 2000);
        let (Some(effective_from), true) = (effective_from, e.is_empty()) else {
            return Err(e);
        };
        Ok(PlanFields {
            effective_from,
            milestones,
            note,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn report(month: &str, pc: &str) -> ReportInput {
        ReportInput {
            project_id: "p1".into(),
            month: month.into(),
            cumulative_percent: pc.into(),
            narrative: "本月完成仓库主体。".into(),
            explanation: None,
        }
    }

    #[test]
    fn a_report_is_for_this_month_or_before() {
        let today = d(2026, 5, 31);
        assert!(report("2026-05", "40").validate(today, None).is_ok());
        let e = report("2026-06", "40").validate(today, None).unwrap_err();
        assert!(e.get("month").unwrap().contains("将来"));
        assert!(report("2026-13", "40").validate(today, None).is_err());
    }

    #[test]
    fn the_percent_is_a_number_up_to_100_and_goes_down_only_with_a_reason() {
        let today = d(2026, 5, 31);
        for bad in ["abc", "101", "-1", "NaN"] {
            assert!(
                report("2026-05", bad)
                    .validate(today, None)
                    .unwrap_err()
                    .get("cumulative_percent")
                    .is_some(),
                "{bad}"
            );
        }
        assert_eq!(
            report("2026-05", "45.5%")
                .validate(today, None)
                .unwrap()
                .cumulative_percent,
            45.5
        );
        let e = report("2026-05", "30")
            .validate(today, Some(35.0))
            .unwrap_err();
        assert!(e.get("explanation").unwrap().contains("35%"));
        let mut r = report("2026-05", "30");
        r.explanation = Some("上月多报，已核减".into());
        assert!(r.validate(today, Some(35.0)).is_ok());
        assert!(report("2026-05", "35").validate(today, Some(35.0)).is_ok());
    }

    #[test]
    fn reviews_need_a_note_to_send_back_and_happen_once() {
        assert_eq!(
            Review::Submitted.review(Review::Approved, ""),
            Ok(Review::Approved)
        );
        assert!(Review::Submitted.review(Review::HasIssues, " ").is_err());
        assert_eq!(
            Review::Submitted.review(Review::HasIssues, "数字不符"),
            Ok(Review::HasIssues)
        );
        assert!(Review::Submitted.review(Review::Submitted, "x").is_err());
        for done in [Review::Approved, Review::HasIssues, Review::Rejected] {
            assert!(done.review(Review::Approved, "x").is_err(), "{done:?}");
        }
        assert!(Review::HasIssues.may_resubmit() && !Review::Approved.may_resubmit());
    }

    #[test]
    fn a_plan_climbs_to_100_in_date_order() {
        let ok = PlanInput {
            project_id: "p1".into(),
            effective_from: "2026-01-01".into(),
            milestones: "2026-03-31 30 主体\n2026-06-30 100% 完工".into(),
            note: None,
        };
        let f = ok.validate().unwrap();
        assert_eq!(f.milestones.len(), 2);
        assert_eq!(f.milestones[0].description, "主体");
        for (bad, says) in [
            ("", "至少"),
            ("2026-03-31 30", "100%"),
            ("2026-06-30 50\n2026-03-31 100", "晚于"),
            ("2026-03-31 60\n2026-06-30 50\n2026-07-31 100", "不能低于"),
            ("三月底 30", "第 1 行"),
        ] {
            let e = PlanInput {
                milestones: bad.into(),
                ..ok.clone()
            }
            .validate()
            .unwrap_err();
            assert!(e.get("milestones").unwrap().contains(says), "{bad}: {e:?}");
        }
    }
}

/// One operating-data metric as the form and template show it.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricSpec {
    pub code: String,
    pub name: String,
    pub unit: String,
}

impl MetricSpec {
    /// Money metrics are typed in 元 and kept in 分.
    pub fn is_money(&self) -> bool {
        self.unit == "元"
    }
}

/// A month's operating data as typed (or read from the template).
#[derive(Debug, Clone, Default)]
pub struct DataInput {
    /// YYYY-MM
    pub month: String,
    /// Metric code → value as typed.
    pub figures: std::collections::BTreeMap<String, String>,
    pub explanation: Option<String>,
    /// The contractor has checked figures flagged as unusual and stands by them.
    pub confirmed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DataFields {
    pub month: NaiveDate,
    pub figures: std::collections::BTreeMap<String, i64>,
    pub explanation: Option<String>,
}

impl DataInput {
    /// `previous`: last month's figures, to flag unusual changes before submitting.
    pub fn validate(
        &self,
        metrics: &[MetricSpec],
        today: NaiveDate,
        previous: Option<&std::collections::BTreeMap<String, i64>>,
        factor: f64,
    ) -> Result<DataFields, FieldErrors> {
        let mut e = FieldErrors::new();
        let month = parse_month(&self.month);
        match month {
            None => e.add("month", "请填写数据月份（格式如 2026-05）"),
            Some(m) if m > today.with_day(1).unwrap_or(today) => {
                e.add("month", "不能报送将来月份的数据")
            }
            _ => {}
        }
        for code in self.figures.keys() {
            if !metrics.iter().any(|m| &m.code == code) {
                e.add(
                    &format!("figures.{code}"),
                    format!("没有“{code}”这个指标，请使用本月模板"),
                );
            }
        }
        let mut figures = std::collections::BTreeMap::new();
        for m in metrics {
            let field = format!("figures.{}", m.code);
            let raw = self
                .figures
                .get(&m.code)
                .map(|v| v.trim().replace(',', ""))
                .unwrap_or_default();
            if raw.is_empty() {
                e.add(&field, format!("请填写{}（没有请填 0）", m.name));
                continue;
            }
            let value = if m.is_money() {
                crate::Money::parse_yuan(&raw)
                    .map(|x| x.fen())
                    .map_err(|err| err.to_string())
            } else {
                raw.parse::<i64>()
                    .ok()
                    .filter(|v| *v >= 0)
                    .ok_or_else(|| format!("{}应为不小于 0 的整数（{}）", m.name, m.unit))
            };
            match value {
                Ok(v) => {
                    figures.insert(m.code.clone(), v);
                }
                Err(msg) => e.add(&field, msg),
            }
        }
        let explanation = e.optional_text("explanation", "说明", self.explanation.as_deref(), 2000);
        if e.is_empty() {
            let unusual: Vec<String> = metrics
                .iter()
                .filter_map(|m| {
                    let v = *figures.get(&m.code)?;
                    let why = crate::rules::data::suspicious_change(
                        v,
                        previous.and_then(|p| p.get(&m.code)).copied(),
                        factor,
                        &m.unit,
                    )?;
                    Some(format!("“{}”{why}", m.name))
                })
                .collect();
            if !unusual.is_empty() && !self.confirmed {
                e.add(
                    "confirm",
                    format!("以下数据与上月相比变化异常，请核实：{}。如确认无误，请勾选“确认数据无误”并说明原因后再提交。", unusual.join("；")),
                );
            } else if !unusual.is_empty() && explanation.is_none() {
                e.add("explanation", "请说明数据变化的原因");
            }
        }
        let (Some(month), true) = (month, e.is_empty()) else {
            return Err(e);
        };
        Ok(DataFields {
            month,
            figures,
            explanation,
        })
    }
}

#[cfg(test)]
mod data_tests {
    use super::*;
    use std::collections::BTreeMap;

    fn specs() -> Vec<MetricSpec> {
        vec![
            MetricSpec {
                code: "orders".into(),
                name: "网络订单数".into(),
                unit: "单".into(),
            },
            MetricSpec {
                code: "online_sales_fen".into(),
                name: "农产品网络零售额".into(),
                unit: "元".into(),
            },
        ]
    }

    fn input(orders: &str, sales: &str) -> DataInput {
        DataInput {
            month: "2026-10".into(),
            figures: [
                ("orders".to_string(), orders.to_string()),
                ("online_sales_fen".to_string(), sales.to_string()),
            ]
            .into(),
            ..Default::default()
        }
    }

    #[test]
    fn figures_are_numbers_money_in_yuan() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 5).unwrap();
        let f = input("120", "12,500.50")
            .validate(&specs(), today, None, 5.0)
            .unwrap();
        assert_eq!(f.figures["online_sales_fen"], 1_250_050);
        let e = input("一百", "")
            .validate(&specs(), today, None, 5.0)
            .unwrap_err();
        assert!(e.get("figures.orders").unwrap().contains("整数"));
        assert!(
            e.get("figures.online_sales_fen")
                .unwrap()
                .contains("没有请填 0")
        );
        let mut future = input("1", "1");
        future.month = "2026-12".into();
        assert!(
            future
                .validate(&specs(), today, None, 5.0)
                .unwrap_err()
                .get("month")
                .is_some()
        );
    }

    #[test]
    fn unusual_changes_are_shown_before_submitting_and_confirmed_with_a_reason() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 5).unwrap();
        let prev: BTreeMap<String, i64> = [
            ("orders".to_string(), 100),
            ("online_sales_fen".to_string(), 100_000),
        ]
        .into();
        let e = input("1000", "1000")
            .validate(&specs(), today, Some(&prev), 5.0)
            .unwrap_err();
        let why = e.get("confirm").unwrap();
        assert!(
            why.contains("网络订单数") && why.contains("变化超过 5 倍"),
            "{why}"
        );
        let mut ok = input("1000", "1000");
        ok.confirmed = true;
        assert!(
            ok.validate(&specs(), today, Some(&prev), 5.0)
                .unwrap_err()
                .get("explanation")
                .is_some()
        );
        ok.explanation = Some("双十一促销".into());
        assert!(ok.validate(&specs(), today, Some(&prev), 5.0).is_ok());
        assert!(
            input("110", "1100")
                .validate(&specs(), today, Some(&prev), 5.0)
                .is_ok()
        );
    }
}
