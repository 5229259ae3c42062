//! 承办项目: a contracted piece of work under one of the five systems.

use crate::dates::{DateRange, format_cn_date, parse_date};
use crate::money::Money;
use crate::system::System;
use crate::validation::FieldErrors;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    Planned,
    UnderConstruction,
    Operating,
    Accepted,
    DeferredAcceptance,
    Disqualified,
}

impl ProjectStatus {
    pub const ALL: [ProjectStatus; 6] = [
        ProjectStatus::Planned,
        ProjectStatus::UnderConstruction,
        ProjectStatus::Operating,
        ProjectStatus::DeferredAcceptance,
        ProjectStatus::Accepted,
        ProjectStatus::Disqualified,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ProjectStatus::Planned => "planned",
            ProjectStatus::UnderConstruction => "under_construction",
            ProjectStatus::Operating => "operating",
            ProjectStatus::Accepted => "accepted",
            ProjectStatus::DeferredAcceptance => "deferred_acceptance",
            ProjectStatus::Disqualified => "disqualified",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            ProjectStatus::Planned => "计划中",
            ProjectStatus::UnderConstruction => "建设中",
            ProjectStatus::Operating => "运营中",
            ProjectStatus::Accepted => "已验收",
            ProjectStatus::DeferredAcceptance => "延期验收",
            ProjectStatus::Disqualified => "已取消承办资格",
        }
    }

    /// Accepted and disqualified end a project's course.
    pub fn is_final(self) -> bool {
        matches!(self, ProjectStatus::Accepted | ProjectStatus::Disqualified)
    }

    /// The moves the regulation allows: forward through construction and operation to
    /// acceptance (possibly deferred first), or disqualification from any open state.
    /// Accepted and disqualified are final.
    pub fn may_become(self, next: ProjectStatus) -> bool {
        use ProjectStatus::*;
        if self == next {
            return true;
        }
        match (self, next) {
            (Accepted | Disqualified, _) => false,
            (_, Disqualified) => true,
            (Planned, UnderConstruction) => true,
            (UnderConstruction, Operating) => true,
            // Construction done and evaluated: accepted, or acceptance deferred.
            (UnderConstruction, Accepted | DeferredAcceptance) => true,
            (Operating, Accepted | DeferredAcceptance) => true,
            (DeferredAcceptance, Accepted) => true,
            _ => false,
        }
    }
}

/// 建设要求: one measurable target, e.g. 12 个 村级服务站.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub name: String,
    pub quantity: i64,
    pub unit: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProjectInput {
    pub name: String,
    pub programme_id: String,
    pub enterprise_id: String,
    /// One of [`System::code`].
    pub system: String,
    pub township: String,
    pub village: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// Central funds allotted, in 分.
    pub central_funds_fen: Option<i64>,
    pub construction_start: String,
    pub construction_end: String,
    pub operation_start: Option<String>,
    pub service_period_end: Option<String>,
    pub status: Option<String>,
    #[serde(default)]
    pub targets: Vec<Target>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectFields {
    pub name: String,
    pub programme_id: String,
    pub enterprise_id: String,
    pub system: System,
    pub township: String,
    pub village: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub central_funds: Money,
    pub construction: DateRange,
    pub operation_start: Option<NaiveDate>,
    pub service_period_end: Option<NaiveDate>,
    pub status: ProjectStatus,
    pub targets: Vec<Target>,
}

fn date_field(e: &mut FieldErrors, field: &str, label: &str, value: &str) -> Option<NaiveDate> {
    if value.trim().is_empty() {
        e.add(field, format!("请填写{label}"));
        return None;
    }
    parse_date(value).map_err(|m| e.add(field, m)).ok()
}

fn optional_date(e: &mut FieldErrors, field: &str, value: Option<&str>) -> Option<NaiveDate> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    parse_date(v).map_err(|m| e.add(field, m)).ok()
}

impl ProjectInput {
    /// Validates everything that does not need the database; the caller checks that the
    /// programme, enterprise and township exist in the county. `errors` may already hold
    /// messages from parsing the form (e.g. an amount that was not a number).
    pub fn validate(&self, mut e: FieldErrors) -> Result<ProjectFields, FieldErrors> {
        let name = e.required_text("name", "项目名称", &self.name, 100);
        if self.programme_id.trim().is_empty() {
            e.add("programme_id", "请选择所属综合示范项目");
        }
        if self.enterprise_id.trim().is_empty() {
            e.add("enterprise_id", "请选择承办企业");
        }
        let system = System::parse(self.system.trim());
        if system.is_none() {
            e.add("system", "请选择所属体系（五大体系之一）");
        }
        let township = e.required_text("township", "所在乡镇", &self.township, 50);
        let village = e.optional_text("village", "所在村", self.village.as_deref(), 50);
        if let Some(lat) = self.latitude
            && (!(-90.0..=90.0).contains(&lat) || !lat.is_finite())
        {
            e.add("latitude", "纬度应在 -90 到 90 之间");
        }
        if let Some(lon) = self.longitude
            && (!(-180.0..=180.0).contains(&lon) || !lon.is_finite())
        {
            e.add("longitude", "经度应在 -180 到 180 之间");
        }
        if self.latitude.is_some() != self.longitude.is_some() {
            e.add("longitude", "经纬度需同时填写，或都不填");
        }
        let central_funds = match self.central_funds_fen.map(Money::from_fen) {
            Some(Ok(m)) => Some(m),
            Some(Err(err)) => {
                e.add("central_funds", err.to_string());
                None
            }
            None => {
                e.add("central_funds", "请填写中央财政资金金额（元）");
                None
            }
        };
        let start = date_field(
            &mut e,
            "construction_start",
            "建设开始日期",
            &self.construction_start,
        );
        let end = date_field(
            &mut e,
            "construction_end",
            "建设结束日期",
            &self.construction_end,
        );
        let construction = match (start, end) {
            (Some(s), Some(en)) => DateRange::new(s, en)
                .map_err(|err| e.add("construction_end", err.to_string()))
                .ok(),
            _ => None,
        };
        let operation_start =
            optional_date(&mut e, "operation_start", self.operation_start.as_deref());
        if let (Some(op), Some(s)) = (operation_start, start)
            && op < s
        {
            e.add(
                "operation_start",
                format!("运营开始日期不能早于建设开始日期（{}）", format_cn_date(s)),
            );
        }
        let service_period_end = optional_date(
            &mut e,
            "service_period_end",
            self.service_period_end.as_deref(),
        );
        if let (Some(sp), Some(s)) = (service_period_end, start)
            && sp < s
        {
            e.add("service_period_end", "服务期结束日期不能早于建设开始日期");
        }
        let status = match self
            .status
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => Some(ProjectStatus::Planned),
            Some(code) => {
                let s = ProjectStatus::parse(code);
                if s.is_none() {
                    e.add("status", "项目状态无效");
                }
                s
            }
        };
        if self.targets.len() > 50 {
            e.add("targets", "建设要求最多 50 条");
        }
        let mut targets = Vec::new();
        for (i, t) in self.targets.iter().enumerate() {
            let n = i + 1;
            let tname = t.name.trim();
            let unit = t.unit.trim();
            if tname.is_empty() || tname.chars().count() > 100 {
                e.add("targets", format!("第 {n} 条建设要求缺少内容或超过 100 字"));
            } else if t.quantity <= 0 {
                e.add("targets", format!("第 {n} 条建设要求的数量应大于 0"));
            } else if unit.is_empty() || unit.chars().count() > 10 {
                e.add(
                    "targets",
                    format!("第 {n} 条建设要求请填写单位，例如“个”“人次”"),
                );
            } else {
                targets.push(Target {
                    name: tname.to_string(),
                    quantity: t.quantity,
                    unit: unit.to_string(),
                });
            }
        }
        match (system, central_funds, construction, status) {
            (Some(system), Some(central_funds), Some(construction), Some(status))
                if e.is_empty() =>
            {
                Ok(ProjectFields {
                    name,
                    programme_id: self.programme_id.trim().to_string(),
                    enterprise_id: self.enterprise_id.trim().to_string(),
                    system,
                    township,
                    village,
                    latitude: self.latitude,
                    longitude: self.longitude,
                    central_funds,
                    construction,
                    operation_start,
                    service_period_end,
                    status,
                    targets,
                })
            }
            _ => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> ProjectInput {
        ProjectInput {
            name: "县级电子商务公共服务中心".into(),
            programme_id: "p".into(),
            enterprise_id: "e".into(),
            system: "public_service".into(),
            township: "天宁镇".into(),
            central_funds_fen: Some(150_000_000),
            construction_start: "2026-03-01".into(),
            construction_end: "2026-09-30".into(),
            operation_start: Some("2026-10-01".into()),
            targets: vec![Target {
                name: "村级服务站".into(),
                quantity: 12,
                unit: "个".into(),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn valid_project() {
        let f = good().validate(FieldErrors::new()).unwrap();
        assert_eq!(f.system, System::PublicService);
        assert_eq!(f.status, ProjectStatus::Planned);
        assert_eq!(f.central_funds.fen(), 150_000_000);
    }

    #[test]
    fn end_before_start_negative_money_bad_target() {
        let mut i = good();
        i.construction_end = "2026-02-28".into();
        i.central_funds_fen = Some(-1);
        i.targets[0].quantity = 0;
        i.system = "x".into();
        let e = i.validate(FieldErrors::new()).unwrap_err();
        assert!(e.get("construction_end").unwrap().contains("早于开始日期"));
        assert_eq!(e.get("central_funds"), Some("金额不能为负数"));
        assert!(e.get("targets").unwrap().contains("第 1 条"));
        assert!(e.get("system").is_some());
    }

    #[test]
    fn operation_start_not_before_construction() {
        let mut i = good();
        i.operation_start = Some("2026-02-01".into());
        let e = i.validate(FieldErrors::new()).unwrap_err();
        assert!(e.get("operation_start").is_some());
    }

    #[test]
    fn status_transitions() {
        use ProjectStatus::*;
        assert!(Planned.may_become(UnderConstruction));
        assert!(UnderConstruction.may_become(Disqualified));
        assert!(Operating.may_become(DeferredAcceptance));
        assert!(UnderConstruction.may_become(Accepted));
        assert!(!Planned.may_become(Accepted));
        assert!(DeferredAcceptance.may_become(Accepted));
        assert!(!Planned.may_become(Accepted));
        assert!(!Accepted.may_become(Operating));
        assert!(!Disqualified.may_become(Planned));
        assert!(!Operating.may_become(Planned));
    }
}
