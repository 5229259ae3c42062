//! The coded values of the API as the OpenAPI document states them. Requests and answers
//! carry them as strings; these enums exist so that the document says which strings (a
//! generated client, or schemathesis, then sends real ones), and a test keeps each equal
//! to the domain's own list.

use utoipa::ToSchema;

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum SystemCode {
    PublicService,
    Logistics,
    EnterpriseUpgrade,
    LeaderTraining,
    ProductionSalesMatching,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum RoleCode {
    Admin,
    Chief,
    Inspector,
    Viewer,
    Contractor,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ProjectStatusCode {
    Planned,
    UnderConstruction,
    Operating,
    DeferredAcceptance,
    Accepted,
    Disqualified,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum InspectionKindCode {
    Construction,
    Operations,
    Training,
    Funds,
    AdHoc,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum MethodCode {
    OnSite,
    Hearing,
    Materials,
    Other,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum SanctionKindCode {
    Notice,
    PublicCriticism,
    FundRecovery,
    Disqualification,
    Accountability,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum SanctionActionCode {
    Decide,
    Decline,
    Withdraw,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum SeverityCode {
    Critical,
    Serious,
    Warning,
    Info,
}

/// Who acts on a finding.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum PartyCode {
    Bureau,
    Contractor,
    Chief,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum VerdictCode {
    Approved,
    HasIssues,
    Rejected,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ModeCode {
    Plan,
    Record,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum MarketCategoryCode {
    Counterfeit,
    QualitySafety,
    Expired,
    ConsumerFraud,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum AssetKindCode {
    Fixed,
    Intangible,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum AssetStatusCode {
    InUse,
    Idle,
    UnderRepair,
    Damaged,
    Disposed,
    HandedOver,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum CountResultCode {
    Present,
    Missing,
    Damaged,
    Relocated,
    Unexpected,
    Unknown,
}

/// What a person scanning may record of an asset the count covers.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ScanResultCode {
    Present,
    Damaged,
    Relocated,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ResolutionKindCode {
    Found,
    Repaired,
    Explained,
    WrittenOff,
    Recovered,
}

/// How a discrepancy is settled by whoever counts (a recovery is the supervision group's
/// proposal, on its own route).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ResolveKindCode {
    Found,
    Repaired,
    Explained,
    WrittenOff,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum DocumentKindCode {
    RectificationNotice,
    RectificationOpinion,
    Criticism,
    Disqualification,
    RecoveryNotice,
    Accountability,
    Minutes,
    AcceptanceOpinion,
    DeferralNotice,
    QuarterlyReport,
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::PartialSchema;

    fn values<T: PartialSchema>() -> Vec<String> {
        let v = serde_json::to_value(T::schema()).unwrap();
        v["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn the_document_lists_the_codes_the_domain_takes() {
        use jianguan_domain::{Role, System, project::ProjectStatus, sanction::SanctionKind};
        let codes = |it: Vec<&str>| it.into_iter().map(String::from).collect::<Vec<_>>();
        assert_eq!(
            values::<SystemCode>(),
            codes(System::ALL.iter().map(|s| s.code()).collect())
        );
        assert_eq!(
            values::<RoleCode>(),
            codes(Role::ALL.iter().map(|s| s.code()).collect())
        );
        assert_eq!(
            values::<ProjectStatusCode>(),
            codes(ProjectStatus::ALL.iter().map(|s| s.code()).collect())
        );
        assert_eq!(
            values::<SanctionKindCode>(),
            codes(SanctionKind::ALL.iter().map(|s| s.code()).collect())
        );
        assert_eq!(
            values::<InspectionKindCode>(),
            codes(
                jianguan_domain::inspection::KINDS
                    .iter()
                    .map(|k| k.1)
                    .collect()
            )
        );
        assert_eq!(
            values::<MethodCode>(),
            codes(
                jianguan_domain::inspection::METHODS
                    .iter()
                    .map(|k| k.0)
                    .collect()
            )
        );
        use jianguan_domain::asset::{AssetKind, AssetStatus};
        assert_eq!(
            values::<AssetKindCode>(),
            codes(AssetKind::ALL.iter().map(|s| s.code()).collect())
        );
        assert_eq!(
            values::<AssetStatusCode>(),
            codes(AssetStatus::ALL.iter().map(|s| s.code()).collect())
        );
        use jianguan_domain::document::DocumentKind;
        assert_eq!(
            values::<DocumentKindCode>(),
            codes(DocumentKind::ALL.iter().map(|s| s.code()).collect())
        );
        use jianguan_domain::inventory::{CountResult, ResolutionKind, Scanned};
        assert_eq!(
            values::<CountResultCode>(),
            codes(CountResult::ALL.iter().map(|s| s.code()).collect())
        );
        assert_eq!(
            values::<ScanResultCode>(),
            codes(
                Scanned::Expected(String::new())
                    .results()
                    .iter()
                    .map(|s| s.code())
                    .collect()
            )
        );
        assert_eq!(
            values::<ResolutionKindCode>(),
            codes(ResolutionKind::ALL.iter().map(|s| s.code()).collect())
        );
        assert_eq!(
            values::<ResolveKindCode>(),
            codes(
                ResolutionKind::ALL
                    .iter()
                    .filter(|k| **k != ResolutionKind::Recovered)
                    .map(|s| s.code())
                    .collect()
            )
        );
        use jianguan_domain::rules::facts::MarketCategory;
        assert_eq!(
            values::<MarketCategoryCode>(),
            codes(MarketCategory::ALL.iter().map(|s| s.code()).collect())
        );
        use jianguan_domain::rules::{Party, Severity};
        assert_eq!(
            values::<SeverityCode>(),
            codes(Severity::ALL.iter().map(|s| s.code()).collect())
        );
        assert_eq!(
            values::<PartyCode>(),
            codes(Party::ALL.iter().map(|s| s.code()).collect())
        );
    }
}
