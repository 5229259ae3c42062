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
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)
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
