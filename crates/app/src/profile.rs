//! Loading the regulation profile: the Jiaocheng 2022 profile is embedded in the binary;
//! a county with other numbers points to its own file.

use jianguan_domain::rules::Profile;

pub const DEFAULT_PROFILE_TOML: &str = include_str!("../../../profiles/jiaocheng-2022.toml");

#[derive(Debug, thiserror::Error)]
pub enum ProfileLoadError {
    #[error("无法读取监管规则配置文件 {path}：{source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("监管规则配置文件 {path} 格式有误：{message}")]
    Parse { path: String, message: String },
    #[error("监管规则配置文件 {path}：{source}")]
    Invalid {
        path: String,
        source: jianguan_domain::rules::ProfileError,
    },
}

pub fn parse(text: &str, path: &str) -> Result<Profile, ProfileLoadError> {
    let profile: Profile = toml::from_str(text).map_err(|e| ProfileLoadError::Parse {
        path: path.into(),
        message: e.to_string(),
    })?;
    profile
        .validate()
        .map_err(|source| ProfileLoadError::Invalid {
            path: path.into(),
            source,
        })?;
    Ok(profile)
}

/// The embedded default. It is tested to parse and validate, so failure here is a build
/// defect, not an operator's mistake.
pub fn default_profile() -> Profile {
    parse(DEFAULT_PROFILE_TOML, "profiles/jiaocheng-2022.toml")
        .expect("the embedded profile is valid")
}

pub fn load(path: Option<&str>) -> Result<Profile, ProfileLoadError> {
    match path {
        None => Ok(default_profile()),
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|source| ProfileLoadError::Read {
                path: p.into(),
                source,
            })?;
            parse(&text, p)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_profile_carries_the_seed_numbers() {
        let p = default_profile();
        assert_eq!(p.id, "jiaocheng-2022");
        assert_eq!(p.thresholds.construction_inspections_per_quarter, 2);
        assert_eq!(p.thresholds.operation_inspections_per_month, 2);
        assert_eq!(p.thresholds.severe_lag_overall_below, 40.0);
        assert_eq!(
            p.rule("inspection.funds_followup")
                .map(|r| r.clause.as_str()),
            Some("三（一）4")
        );
    }

    /// regulation.md, "Who acts": the contractor, the responsible person, the bureau for
    /// everything else.
    #[test]
    fn the_default_profile_says_who_acts_as_the_regulation_reads() {
        use jianguan_domain::rules::Party;
        let p = default_profile();
        let mut contractor = p.acted_on_by(Party::Contractor);
        contractor.sort();
        assert_eq!(
            contractor,
            [
                "assets.discrepancy_open",
                "assets.handover_due",
                "assets.inventory_due",
                "assets.unlabelled",
                "data.report_late",
                "funds.recovery_outstanding",
                "progress.deviation",
                "progress.report_missing",
                "qualification.expiring",
                "qualification.invalid",
                "rectification.overdue",
            ]
        );
        let mut chief = p.acted_on_by(Party::Chief);
        chief.sort();
        assert_eq!(
            chief,
            [
                "data.uncooperative",
                "funds.duplicate_claim",
                "operations.incident_open",
                "rectification.escalate",
            ]
        );
        for code in [
            "inspection.construction_quota",
            "inspection.funds_followup",
            "progress.severe_lag",
            "data.incomplete",
            "tipoff.unanswered",
        ] {
            assert_eq!(p.acts(code), Party::Bureau, "{code}");
        }
        // Every rule says it: a profile without it is refused, naming the rule.
        let without = DEFAULT_PROFILE_TOML.replacen("acts = \"contractor\"\n", "", 1);
        let e = parse(&without, "x.toml").unwrap_err().to_string();
        assert!(e.contains("acts"), "{e}");
    }

    #[test]
    fn a_bad_file_names_the_key() {
        let bad = DEFAULT_PROFILE_TOML.replace(
            "funds_followup_days = 30",
            "funds_followup_days = \"thirty\"",
        );
        let e = parse(&bad, "x.toml").unwrap_err().to_string();
        assert!(e.contains("funds_followup_days"), "{e}");
        let missing = DEFAULT_PROFILE_TOML.replace("tipoff_reply_days = 15", "");
        let e = parse(&missing, "x.toml").unwrap_err().to_string();
        assert!(e.contains("tipoff_reply_days"), "{e}");
        let e = load(Some("/nonexistent/p.toml")).unwrap_err().to_string();
        assert!(e.contains("无法读取"), "{e}");
    }
}
