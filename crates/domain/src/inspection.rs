//! 监督检查 as a record (三, 四): what an inspector plans and writes down, and when it may
//! be finalised. A finalised record is locked; a correction is a new version with a reason.

use crate::FieldErrors;
use crate::rules::facts::InspectionKind;
use crate::rules::profile::CheckItem;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const KINDS: [(InspectionKind, &str, &str); 5] = [
    (
        InspectionKind::Construction,
        "construction",
        "项目建设进度检查",
    ),
    (InspectionKind::Operations, "operations", "运营情况检查"),
    (InspectionKind::Training, "training", "培训情况检查"),
    (InspectionKind::Funds, "funds", "资金使用情况检查"),
    (InspectionKind::AdHoc, "ad_hoc", "专项/临时检查"),
];

pub fn kind_code(k: InspectionKind) -> &'static str {
    KINDS.iter().find(|x| x.0 == k).map_or("ad_hoc", |x| x.1)
}

pub fn kind_label(k: InspectionKind) -> &'static str {
    KINDS.iter().find(|x| x.0 == k).map_or("检查", |x| x.2)
}

pub fn parse_kind(code: &str) -> Option<InspectionKind> {
    KINDS.iter().find(|x| x.1 == code).map(|x| x.0)
}

/// 实地考察 / 听取报告 / 查看材料 / 其他.
/// Where an inspection stands: planned (a visit to come), recorded (done, minutes still
/// open to edit), finalised (locked; changed only by a correction that keeps the old).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InspectionStatus {
    Planned,
    Recorded,
    Finalised,
}

impl InspectionStatus {
    pub const ALL: [InspectionStatus; 3] = [
        InspectionStatus::Planned,
        InspectionStatus::Recorded,
        InspectionStatus::Finalised,
    ];

    pub fn code(self) -> &'static str {
        match self {
            InspectionStatus::Planned => "planned",
            InspectionStatus::Recorded => "recorded",
            InspectionStatus::Finalised => "finalised",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            InspectionStatus::Planned => "计划中",
            InspectionStatus::Recorded => "已记录（未定稿）",
            InspectionStatus::Finalised => "已定稿",
        }
    }

    /// Whether a stored `code` is this status.
    pub fn is(self, code: &str) -> bool {
        self.code() == code
    }
}

pub const METHODS: [(&str, &str); 4] = [
    ("on_site", "实地考察"),
    ("hearing", "听取报告"),
    ("materials", "查看材料"),
    ("other", "其他"),
];

/// 四、检查标准 (一)–(四).
pub const STANDARDS: [(&str, &str); 4] = [
    ("qualification", "资质标准"),
    ("construction", "建设标准"),
    ("operation", "运营标准"),
    ("funds", "资金使用标准"),
];

pub const RESULTS: [(&str, &str); 3] = [("pass", "符合"), ("fail", "不符合"), ("na", "不适用")];

/// The prefix of a checklist item's key among an inspection's standards: the 一（二）
/// checks are stored beside 运营标准 as `operation.organisation`, `operation.safety` ….
pub const CHECK_PREFIX: &str = "operation.";

/// Every line an inspection's results may hold, in the order the form and the record show
/// them: the four standards of 四, then the profile's operations checks (一（二）).
pub fn standard_lines(checks: &[CheckItem]) -> Vec<(String, String)> {
    STANDARDS
        .iter()
        .map(|(c, l)| (c.to_string(), l.to_string()))
        .chain(checks.iter().map(|c| {
            (
                format!("{CHECK_PREFIX}{}", c.code),
                format!("运行管理：{}", c.name),
            )
        }))
        .collect()
}

/// What an operations inspection still lacks before it is final: every check of 一（二）
/// answered (符合, 不符合 or 不适用), each one named under its own key.
pub fn checklist_errors(
    kinds: &[InspectionKind],
    standards: &BTreeMap<String, StandardResult>,
    checks: &[CheckItem],
) -> FieldErrors {
    let mut e = FieldErrors::new();
    if kinds.contains(&InspectionKind::Operations) {
        for c in checks {
            let key = format!("{CHECK_PREFIX}{}", c.code);
            if standards.get(&key).is_none_or(|r| r.result.is_empty()) {
                e.add(
                    &format!("standards.{key}"),
                    format!("运营情况检查定稿前请填写“{}”的检查结论", c.name),
                );
            }
        }
    }
    e
}

pub fn label_of(table: &[(&'static str, &'static str)], code: &str) -> &'static str {
    table.iter().find(|x| x.0 == code).map_or("", |x| x.1)
}

/// One standard's result with the inspector's note. Read from either `{"result": "fail",
/// "note": "…"}` or, as older imports have it, a bare `"pass"`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StandardResult {
    pub result: String,
    pub note: String,
}

impl<'de> Deserialize<'de> for StandardResult {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Bare(String),
            Full {
                result: String,
                #[serde(default)]
                note: String,
            },
        }
        Ok(match Repr::deserialize(d)? {
            Repr::Bare(result) => StandardResult {
                result,
                note: String::new(),
            },
            Repr::Full { result, note } => StandardResult { result, note },
        })
    }
}

/// An inspection as planned or recorded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InspectionInput {
    pub project_id: String,
    pub kinds: Vec<String>,
    pub date: String,
    #[serde(default)]
    pub training_class_id: Option<String>,
    #[serde(default)]
    pub disbursement_id: Option<String>,
    #[serde(default)]
    pub methods: Vec<String>,
    #[serde(default)]
    pub standards: BTreeMap<String, StandardResult>,
    #[serde(default)]
    pub inspectors: Vec<String>,
    #[serde(default)]
    pub minutes: Option<String>,
    /// 发现的问题.
    #[serde(default)]
    pub problems: Option<String>,
    /// Whether the contractor is told of the visit beforehand (事先通知). Not given: a funds
    /// inspection is announced to the units concerned (三（一）4), any other is not (不打招呼).
    #[serde(default)]
    pub announced: Option<bool>,
}

/// Validated fields of an inspection.
#[derive(Debug, Clone, PartialEq)]
pub struct InspectionFields {
    pub project_id: String,
    pub kinds: Vec<InspectionKind>,
    pub date: NaiveDate,
    pub training_class_id: Option<String>,
    pub disbursement_id: Option<String>,
    pub methods: Vec<String>,
    pub standards: BTreeMap<String, StandardResult>,
    pub inspectors: Vec<String>,
    pub minutes: Option<String>,
    pub problems: Option<String>,
    /// As given; see [`InspectionFields::announced`].
    pub announced_given: Option<bool>,
}

impl InspectionFields {
    /// Whether the visit is announced: as given, else as it was (an edit that does not say),
    /// else a funds inspection is (三（一）4 notifies the units concerned) and others are not.
    pub fn announced(&self, before: Option<bool>) -> bool {
        self.announced_given
            .or(before)
            .unwrap_or(self.kinds.contains(&InspectionKind::Funds))
    }
}

/// Whether the input plans a future visit or records one that took place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Plan {
        min_inspectors: usize,
    },
    /// A visit that took place, by at least as many inspectors as the profile asks (三).
    Record {
        min_inspectors: usize,
    },
}

impl InspectionInput {
    /// Everything that needs no database; the caller checks the project, class and
    /// disbursement exist in the county. `today` is the civil date in China.
    pub fn validate(
        &self,
        stage: Stage,
        today: NaiveDate,
        checks: &[CheckItem],
        mut e: FieldErrors,
    ) -> Result<InspectionFields, FieldErrors> {
        if self.project_id.trim().is_empty() {
            e.add("project_id", "请选择被检查的项目");
        }
        let mut kinds = Vec::new();
        for k in &self.kinds {
            match parse_kind(k.trim()) {
                Some(k) if !kinds.contains(&k) => kinds.push(k),
                Some(_) => {}
                None => e.add("kinds", format!("没有“{k}”这种检查类型")),
            }
        }
        if kinds.is_empty() {
            e.add("kinds", "请至少选择一种检查类型");
        }
        let date = match crate::dates::parse_date(self.date.trim()) {
            _ if self.date.trim().is_empty() => {
                e.add("date", "请填写检查日期");
                None
            }
            Ok(d) => Some(d),
            Err(m) => {
                e.add("date", format!("检查日期：{m}"));
                None
            }
        };
        if let Some(d) = date {
            match stage {
                Stage::Record { .. } if d > today => {
                    e.add(
                        "date",
                        "检查尚未进行：记录的检查日期不能晚于今天。计划中的检查请用“安排检查”。",
                    );
                }
                Stage::Plan { .. } if d < today => {
                    e.add(
                        "date",
                        "安排的检查日期不能早于今天；已进行的检查请直接记录。",
                    );
                }
                _ => {}
            }
        }
        let class = self
            .training_class_id
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        if kinds.contains(&InspectionKind::Training)
            && class.is_none()
            && matches!(stage, Stage::Record { .. })
        {
            e.add("training_class_id", "培训情况检查请选择所检查的培训班");
        }
        let disbursement = self
            .disbursement_id
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        let mut methods = Vec::new();
        for m in &self.methods {
            if label_of(&METHODS, m).is_empty() {
                e.add("methods", format!("没有“{m}”这种检查方式"));
            } else if !methods.contains(m) {
                methods.push(m.clone());
            }
        }
        let lines = standard_lines(checks);
        let mut standards = BTreeMap::new();
        for (k, r) in &self.standards {
            let Some((_, label)) = lines.iter().find(|l| l.0 == *k) else {
                e.add("standards", format!("没有“{k}”这项检查标准"));
                continue;
            };
            let note = r.note.trim().to_string();
            match r.result.as_str() {
                "" => continue,
                "fail" if note.is_empty() => e.add(
                    &format!("standards.{k}"),
                    format!("{label}不符合：请写明问题"),
                ),
                x if label_of(&RESULTS, x).is_empty() => {
                    e.add(&format!("standards.{k}"), "请选择符合、不符合或不适用")
                }
                _ => {}
            }
            if note.chars().count() > 2000 {
                e.add(&format!("standards.{k}"), "说明不能超过 2000 个字");
            }
            standards.insert(
                k.clone(),
                StandardResult {
                    result: r.result.clone(),
                    note,
                },
            );
        }
        let mut inspectors: Vec<String> = Vec::new();
        for name in &self.inspectors {
            let n = name.trim();
            if !n.is_empty() && !inspectors.iter().any(|x| x == n) {
                inspectors.push(n.to_string());
            }
        }
        match stage {
            Stage::Plan { min_inspectors } if inspectors.len() < min_inspectors => e.add(
                "inspectors",
                format!("每次检查至少安排 {min_inspectors} 名检查人员"),
            ),
            Stage::Record { min_inspectors } if inspectors.len() < min_inspectors => e.add(
                "inspectors",
                format!("每次检查应由至少 {min_inspectors} 名检查人员进行，请填写全部检查人员"),
            ),
            _ => {}
        }
        let minutes = e.optional_text("minutes", "会议记录", self.minutes.as_deref(), 20_000);
        let problems = e.optional_text("problems", "发现的问题", self.problems.as_deref(), 5_000);
        let (Some(date), true) = (date, e.is_empty()) else {
            return Err(e);
        };
        Ok(InspectionFields {
            project_id: self.project_id.trim().to_string(),
            date,
            training_class_id: class.map(str::to_string),
            disbursement_id: disbursement.map(str::to_string),
            methods,
            standards,
            inspectors,
            minutes,
            problems,
            announced_given: self.announced,
            kinds,
        })
    }
}

/// What is missing before a record may be finalised (三（二）5: minutes and photos).
pub fn finalise_errors(minutes: Option<&str>, photos: u32, min_photos: u32) -> FieldErrors {
    let mut e = FieldErrors::new();
    if minutes.is_none_or(|m| m.trim().is_empty()) {
        e.add("minutes", "定稿前请填写会议记录");
    }
    let needed = min_photos.max(1);
    if photos < needed {
        e.add(
            "photos",
            format!("定稿前请至少上传 {needed} 张现场图片（现有 {photos} 张）"),
        );
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_inspection_status_reads_back_from_its_code_and_has_a_label() {
        for s in InspectionStatus::ALL {
            assert_eq!(InspectionStatus::parse(s.code()), Some(s));
            assert!(s.is(s.code()) && !s.label().is_empty());
        }
        assert_eq!(InspectionStatus::parse("done"), None);
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn input() -> InspectionInput {
        InspectionInput {
            project_id: "p1".into(),
            kinds: vec!["construction".into(), "operations".into()],
            date: "2026-03-15".into(),
            methods: vec!["on_site".into()],
            inspectors: vec!["王检查".into(), "李检查".into()],
            ..Default::default()
        }
    }

    /// Validates `i` as the record of a visit on 15 March 2026 by at least two inspectors.
    fn record(i: &InspectionInput) -> Result<InspectionFields, FieldErrors> {
        i.validate(
            Stage::Record { min_inspectors: 2 },
            d(2026, 3, 15),
            &[],
            FieldErrors::new(),
        )
    }

    #[test]
    fn an_empty_date_is_asked_for_not_called_malformed() {
        let mut no_date = input();
        no_date.date = " ".into();
        let e = record(&no_date).unwrap_err();
        assert_eq!(e.get("date"), Some("请填写检查日期"));
        let mut bad = input();
        bad.date = "2026-02-30".into();
        let e = record(&bad).unwrap_err();
        assert!(e.get("date").unwrap().starts_with("检查日期："));
    }

    /// 三: the supervision group inspects together — a record names as many inspectors as
    /// the profile asks, as a plan does.
    #[test]
    fn a_record_names_enough_inspectors() {
        let mut one = input();
        one.inspectors = vec!["王检查".into()];
        let e = record(&one).unwrap_err();
        assert!(e.get("inspectors").unwrap().contains("至少 2 名"), "{e:?}");
        assert!(record(&input()).is_ok());
        let one_is_enough = Stage::Record { min_inspectors: 1 };
        assert!(
            one.validate(one_is_enough, d(2026, 3, 15), &[], FieldErrors::new())
                .is_ok()
        );
    }

    #[test]
    fn a_record_is_dated_today_or_before_and_a_plan_today_or_after() {
        let today = d(2026, 3, 15);
        assert!(
            input()
                .validate(
                    Stage::Record { min_inspectors: 2 },
                    today,
                    &[],
                    FieldErrors::new()
                )
                .is_ok()
        );
        let plan = Stage::Plan { min_inspectors: 2 };
        assert!(
            input()
                .validate(plan, today, &[], FieldErrors::new())
                .is_ok()
        );
        let e = input()
            .validate(
                Stage::Record { min_inspectors: 2 },
                d(2026, 3, 14),
                &[],
                FieldErrors::new(),
            )
            .unwrap_err();
        assert!(e.get("date").unwrap().contains("不能晚于今天"));
        let e = input()
            .validate(plan, d(2026, 3, 16), &[], FieldErrors::new())
            .unwrap_err();
        assert!(e.get("date").unwrap().contains("不能早于今天"));
    }

    #[test]
    fn bad_values_are_named() {
        let mut i = input();
        i.kinds = vec!["weather".into()];
        i.methods = vec!["telepathy".into()];
        i.date = "15/03/2026".into();
        i.standards.insert(
            "funds".into(),
            StandardResult {
                result: "fail".into(),
                note: " ".into(),
            },
        );
        let e = i
            .validate(
                Stage::Record { min_inspectors: 2 },
                d(2026, 3, 15),
                &[],
                FieldErrors::new(),
            )
            .unwrap_err();
        assert!(e.get("kinds").unwrap().contains("weather"));
        assert!(e.get("methods").unwrap().contains("telepathy"));
        assert!(e.get("date").is_some());
        assert!(e.get("standards.funds").unwrap().contains("写明问题"));
    }

    #[test]
    fn a_plan_needs_two_inspectors_by_default_and_training_a_class() {
        let mut i = input();
        i.inspectors = vec!["王检查".into(), " 王检查 ".into()];
        let e = i
            .validate(
                Stage::Plan { min_inspectors: 2 },
                d(2026, 3, 1),
                &[],
                FieldErrors::new(),
            )
            .unwrap_err();
        assert!(e.get("inspectors").unwrap().contains("2 名"));
        let mut i = input();
        i.kinds = vec!["training".into()];
        let e = i
            .validate(
                Stage::Record { min_inspectors: 2 },
                d(2026, 3, 15),
                &[],
                FieldErrors::new(),
            )
            .unwrap_err();
        assert!(e.get("training_class_id").is_some());
    }

    fn checks() -> Vec<CheckItem> {
        [
            ("organisation", "组织机制"),
            ("personnel", "人员管理"),
            ("safety", "安全生产责任制"),
        ]
        .map(|(code, name)| CheckItem {
            code: code.into(),
            name: name.into(),
        })
        .to_vec()
    }

    /// 一（二）: the profile's operations checks are lines of their own beside the four
    /// standards; an unknown one is refused, a 不符合 needs its note like a standard's.
    #[test]
    fn operations_checks_are_recorded_like_standards() {
        let lines = standard_lines(&checks());
        assert_eq!(lines.len(), 7);
        assert_eq!(
            lines[6],
            ("operation.safety".into(), "运行管理：安全生产责任制".into())
        );
        let mut i = input();
        let r = |result: &str, note: &str| StandardResult {
            result: result.into(),
            note: note.into(),
        };
        i.standards.insert("operation.safety".into(), r("fail", ""));
        i.standards
            .insert("operation.weather".into(), r("pass", ""));
        let e = i
            .validate(
                Stage::Record { min_inspectors: 2 },
                d(2026, 3, 15),
                &checks(),
                FieldErrors::new(),
            )
            .unwrap_err();
        assert_eq!(
            e.get("standards.operation.safety"),
            Some("运行管理：安全生产责任制不符合：请写明问题")
        );
        assert!(e.get("standards").unwrap().contains("operation.weather"));
        // Without the profile's checks the same key is not a standard at all.
        i.standards.remove("operation.weather");
        i.standards
            .insert("operation.safety".into(), r("fail", "未签订安全生产责任书"));
        let f = i
            .validate(
                Stage::Record { min_inspectors: 2 },
                d(2026, 3, 15),
                &checks(),
                FieldErrors::new(),
            )
            .unwrap();
        assert_eq!(f.standards["operation.safety"].note, "未签订安全生产责任书");
        assert!(record(&i).unwrap_err().get("standards").is_some());
    }

    /// An operations inspection is final only with every check answered; another kind
    /// needs none.
    #[test]
    fn finalising_an_operations_inspection_needs_every_check() {
        let mut answers = BTreeMap::new();
        let ops = [InspectionKind::Operations];
        let e = checklist_errors(&ops, &answers, &checks());
        assert_eq!(e.iter().count(), 3, "{e:?}");
        assert!(
            e.get("standards.operation.personnel")
                .unwrap()
                .contains("人员管理")
        );
        for (code, result) in [("organisation", "pass"), ("personnel", "na")] {
            answers.insert(
                format!("operation.{code}"),
                StandardResult {
                    result: result.into(),
                    note: String::new(),
                },
            );
        }
        let e = checklist_errors(&ops, &answers, &checks());
        assert_eq!(e.iter().count(), 1);
        assert!(e.get("standards.operation.safety").is_some());
        assert!(
            checklist_errors(&[InspectionKind::Construction], &BTreeMap::new(), &checks())
                .is_empty()
        );
        assert!(checklist_errors(&ops, &BTreeMap::new(), &[]).is_empty());
    }

    #[test]
    fn standards_read_bare_or_with_a_note() {
        let m: BTreeMap<String, StandardResult> = serde_json::from_str(
            r#"{"funds": "pass", "operation": {"result": "fail", "note": "未挂牌"}}"#,
        )
        .unwrap();
        assert_eq!(m["funds"].result, "pass");
        assert_eq!(
            (m["operation"].result.as_str(), m["operation"].note.as_str()),
            ("fail", "未挂牌")
        );
    }

    #[test]
    fn finalising_needs_minutes_and_a_photo() {
        assert!(finalise_errors(Some("会议记录"), 1, 1).is_empty());
        let e = finalise_errors(Some("  "), 0, 1);
        assert!(e.get("minutes").is_some() && e.get("photos").is_some());
        // A profile asking for none still needs one: 三（二）5 asks for photos.
        assert!(finalise_errors(Some("x"), 0, 0).get("photos").is_some());
        assert!(
            finalise_errors(Some("x"), 2, 3)
                .get("photos")
                .unwrap()
                .contains("3 张")
        );
    }
}
