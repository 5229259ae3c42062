//! 五大体系: the five systems every project belongs to exactly one of (二（五）).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum System {
    PublicService,
    Logistics,
    EnterpriseUpgrade,
    LeaderTraining,
    ProductionSalesMatching,
}

impl System {
    pub const ALL: [System; 5] = [
        System::PublicService,
        System::Logistics,
        System::EnterpriseUpgrade,
        System::LeaderTraining,
        System::ProductionSalesMatching,
    ];

    /// The stable code used in storage, JSON and URLs.
    pub fn code(self) -> &'static str {
        match self {
            System::PublicService => "public_service",
            System::Logistics => "logistics",
            System::EnterpriseUpgrade => "enterprise_upgrade",
            System::LeaderTraining => "leader_training",
            System::ProductionSalesMatching => "production_sales_matching",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The name the regulation uses.
    pub fn label(self) -> &'static str {
        match self {
            System::PublicService => "农村电子商务公共服务体系",
            System::Logistics => "县乡村三级物流配送体系",
            System::EnterpriseUpgrade => "农村商贸流通企业转型升级",
            System::LeaderTraining => "农村电商带头人培训",
            System::ProductionSalesMatching => "产销对接",
        }
    }

    /// 1–5, the order the regulation lists them in.
    pub fn number(self) -> u8 {
        match self {
            System::PublicService => 1,
            System::Logistics => 2,
            System::EnterpriseUpgrade => 3,
            System::LeaderTraining => 4,
            System::ProductionSalesMatching => 5,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_match_serde() {
        for s in System::ALL {
            assert_eq!(System::parse(s.code()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.code())
            );
        }
        assert_eq!(System::parse("other"), None);
    }
}
