//! What the API sends and accepts. Inputs refuse unknown fields; amounts are in 分.

use super::codes;
use jianguan_store::entity::{county, enterprise, programme, project};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine code, e.g. `validation_failed`, `not_found`.
    pub error: String,
    /// What happened and what to do, in Chinese.
    pub message: String,
    /// Per-field messages for validation errors.
    pub fields: std::collections::BTreeMap<String, String>,
    /// This request's id, as in the server's log: quote it to the administrator.
    pub request_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeDto {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub county_code: Option<String>,
    pub enterprise_id: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// What the token is for, e.g. "数据报送接口".
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
    /// Days it stays valid: 90 when not given, at most 366.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 366)]
    pub days: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenCreated {
    pub id: String,
    /// Shown once; store it safely. Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// A token as its owner and the administrator see it (never the secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenDto {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<jianguan_app::accounts::TokenView> for TokenDto {
    fn from(t: jianguan_app::accounts::TokenView) -> Self {
        TokenDto {
            id: t.id,
            user_id: t.user_id,
            name: t.name,
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnlockDto {
    /// Failed logins forgotten.
    pub failures_cleared: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CountyDto {
    pub code: String,
    pub name: String,
    pub prefecture: String,
    pub province: String,
    pub townships: Vec<String>,
}

impl From<county::Model> for CountyDto {
    fn from(c: county::Model) -> Self {
        let townships = c.township_list();
        Self {
            code: c.code,
            name: c.name,
            prefecture: c.prefecture,
            province: c.province,
            townships,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProgrammeDto {
    pub id: String,
    pub county_code: String,
    pub name: String,
    pub plan_document: Option<String>,
    pub period_start: chrono::NaiveDate,
    pub period_end: chrono::NaiveDate,
    pub budget_fen: i64,
    pub responsible_person: String,
    pub profile: String,
    pub voided_at: Option<chrono::DateTime<chrono::Utc>>,
    pub void_reason: Option<String>,
}

impl From<programme::Model> for ProgrammeDto {
    fn from(p: programme::Model) -> Self {
        Self {
            id: p.id,
            county_code: p.county_code,
            name: p.name,
            plan_document: p.plan_document,
            period_start: p.period_start,
            period_end: p.period_end,
            budget_fen: p.budget_fen,
            responsible_person: p.responsible_person,
            profile: p.profile,
            voided_at: p.voided_at,
            void_reason: p.void_reason,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeIn {
    /// Only for an administrator of the whole deployment; others create in their county.
    pub county_code: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    pub plan_document: Option<String>,
    /// YYYY-MM-DD
    #[schema(format = Date)]
    pub period_start: String,
    #[schema(format = Date)]
    pub period_end: String,
    #[schema(minimum = 0)]
    pub budget_fen: i64,
    pub responsible_person: String,
}

impl ProgrammeIn {
    pub fn into_input(self) -> jianguan_app::records::ProgrammeInput {
        jianguan_app::records::ProgrammeInput {
            county_code: self.county_code,
            name: self.name,
            plan_document: self.plan_document,
            period_start: self.period_start,
            period_end: self.period_end,
            budget_fen: Some(self.budget_fen),
            responsible_person: self.responsible_person,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnterpriseDto {
    pub id: String,
    pub county_code: String,
    pub name: String,
    /// 统一社会信用代码
    pub uscc: String,
    pub legal_representative: Option<String>,
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
    pub address: Option<String>,
    pub handles_food: bool,
    pub voided_at: Option<chrono::DateTime<chrono::Utc>>,
    pub void_reason: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<enterprise::Model> for EnterpriseDto {
    fn from(e: enterprise::Model) -> Self {
        Self {
            id: e.id,
            county_code: e.county_code,
            name: e.name,
            uscc: e.uscc,
            legal_representative: e.legal_representative,
            contact_person: e.contact_person,
            contact_phone: e.contact_phone,
            address: e.address,
            handles_food: e.handles_food,
            voided_at: e.voided_at,
            void_reason: e.void_reason,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseIn {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[schema(pattern = "^[0-9A-HJ-NPQRTUWXY]{18}$")]
    pub uscc: String,
    pub legal_representative: Option<String>,
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
    pub address: Option<String>,
    #[serde(default)]
    pub handles_food: bool,
    /// Only for an administrator of the whole deployment.
    pub county_code: Option<String>,
}

impl EnterpriseIn {
    pub fn into_domain(self) -> (jianguan_domain::enterprise::EnterpriseInput, Option<String>) {
        (
            jianguan_domain::enterprise::EnterpriseInput {
                name: self.name,
                uscc: self.uscc,
                legal_representative: self.legal_representative,
                contact_person: self.contact_person,
                contact_phone: self.contact_phone,
                address: self.address,
                handles_food: self.handles_food,
            },
            self.county_code,
        )
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetDto {
    /// e.g. 村级服务站
    pub name: String,
    pub quantity: i64,
    /// e.g. 个
    pub unit: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectDto {
    pub id: String,
    pub county_code: String,
    pub programme_id: String,
    pub enterprise_id: String,
    pub name: String,
    /// One of public_service, logistics, enterprise_upgrade, leader_training, production_sales_matching.
    pub system: String,
    pub township: String,
    pub village: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub central_funds_fen: i64,
    pub construction_start: chrono::NaiveDate,
    pub construction_end: chrono::NaiveDate,
    pub operation_start: Option<chrono::NaiveDate>,
    pub service_period_end: Option<chrono::NaiveDate>,
    /// planned, under_construction, operating, deferred_acceptance, accepted, disqualified.
    pub status: String,
    pub targets: Vec<TargetDto>,
    pub voided_at: Option<chrono::DateTime<chrono::Utc>>,
    pub void_reason: Option<String>,
}

impl TryFrom<project::Model> for ProjectDto {
    type Error = jianguan_app::AppError;

    fn try_from(p: project::Model) -> Result<Self, Self::Error> {
        let targets = jianguan_store::json::column("projects", &p.id, "targets", &p.targets)?;
        Ok(Self {
            id: p.id,
            county_code: p.county_code,
            programme_id: p.programme_id,
            enterprise_id: p.enterprise_id,
            name: p.name,
            system: p.system,
            township: p.township,
            village: p.village,
            latitude: p.latitude,
            longitude: p.longitude,
            central_funds_fen: p.central_funds_fen,
            construction_start: p.construction_start,
            construction_end: p.construction_end,
            operation_start: p.operation_start,
            service_period_end: p.service_period_end,
            status: p.status,
            targets,
            voided_at: p.voided_at,
            void_reason: p.void_reason,
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectIn {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    pub programme_id: String,
    pub enterprise_id: String,
    #[schema(value_type = codes::SystemCode)]
    pub system: String,
    pub township: String,
    pub village: Option<String>,
    #[schema(minimum = -90, maximum = 90)]
    pub latitude: Option<f64>,
    #[schema(minimum = -180, maximum = 180)]
    pub longitude: Option<f64>,
    /// Central funds allotted, in 分 (1 元 = 100 分).
    #[schema(minimum = 0)]
    pub central_funds_fen: i64,
    /// YYYY-MM-DD
    #[schema(format = Date)]
    pub construction_start: String,
    #[schema(format = Date)]
    pub construction_end: String,
    #[schema(format = Date)]
    pub operation_start: Option<String>,
    #[schema(format = Date)]
    pub service_period_end: Option<String>,
    #[schema(value_type = Option<codes::ProjectStatusCode>)]
    pub status: Option<String>,
    #[serde(default)]
    pub targets: Vec<TargetDto>,
    pub county_code: Option<String>,
}

impl ProjectIn {
    pub fn into_domain(self) -> (jianguan_domain::project::ProjectInput, Option<String>) {
        (
            jianguan_domain::project::ProjectInput {
                name: self.name,
                programme_id: self.programme_id,
                enterprise_id: self.enterprise_id,
                system: self.system,
                township: self.township,
                village: self.village,
                latitude: self.latitude,
                longitude: self.longitude,
                central_funds_fen: Some(self.central_funds_fen),
                construction_start: self.construction_start,
                construction_end: self.construction_end,
                operation_start: self.operation_start,
                service_period_end: self.service_period_end,
                status: self.status,
                targets: self
                    .targets
                    .into_iter()
                    .map(|t| jianguan_domain::project::Target {
                        name: t.name,
                        quantity: t.quantity,
                        unit: t.unit,
                    })
                    .collect(),
            },
            self.county_code,
        )
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoidIn {
    /// 作废原因 (required).
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub items: Vec<T>,
    pub total: u64,
    pub offset: u64,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Text to look for in names (and USCC).
    pub q: Option<String>,
    #[param(value_type = Option<codes::SystemCode>, inline)]
    pub system: Option<String>,
    pub township: Option<String>,
    pub status: Option<String>,
    pub enterprise_id: Option<String>,
    pub programme_id: Option<String>,
    #[serde(default)]
    pub include_voided: bool,
    #[serde(default)]
    #[param(minimum = 0, maximum = 10000000)]
    pub offset: u64,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

impl ListQuery {
    pub fn filter(&self) -> jianguan_store::queries::ListFilter {
        jianguan_store::queries::ListFilter {
            q: self.q.clone(),
            include_voided: self.include_voided,
            system: self.system.clone().filter(|s| !s.is_empty()),
            township: self.township.clone().filter(|s| !s.is_empty()),
            status: self.status.clone().filter(|s| !s.is_empty()),
            enterprise_id: self.enterprise_id.clone().filter(|s| !s.is_empty()),
            programme_id: self.programme_id.clone().filter(|s| !s.is_empty()),
            offset: self.offset,
            limit: self.limit.unwrap_or(50),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserDto {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub county_code: Option<String>,
    pub enterprise_id: Option<String>,
    pub disabled: bool,
}

impl From<jianguan_app::accounts::UserView> for UserDto {
    fn from(u: jianguan_app::accounts::UserView) -> Self {
        Self {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role,
            county_code: u.county_code,
            enterprise_id: u.enterprise_id,
            disabled: u.disabled,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserIn {
    pub username: String,
    pub display_name: String,
    /// admin, chief, inspector, viewer, contractor
    #[schema(value_type = codes::RoleCode)]
    pub role: String,
    pub county_code: Option<String>,
    pub enterprise_id: Option<String>,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectDto {
    pub kind: String,
    pub id: String,
    pub name: String,
    pub enterprise_id: Option<String>,
    pub project_id: Option<String>,
}

/// A finding of the docket. `rule` is the stable rule code (see regulation.md).
#[derive(Debug, Serialize, ToSchema)]
pub struct FindingDto {
    /// The stored finding's id (absent for a live evaluation).
    pub id: Option<String>,
    pub rule: String,
    /// critical, serious, warning or info.
    pub severity: String,
    pub subject: SubjectDto,
    pub period: Option<String>,
    pub clause: String,
    pub message: String,
    pub due: Option<chrono::NaiveDate>,
    pub action: String,
    /// Who acts on it: bureau, contractor or chief (from the profile).
    #[schema(value_type = codes::PartyCode)]
    pub acts: String,
    pub key: String,
    pub first_seen: Option<chrono::NaiveDate>,
    pub resolved_on: Option<chrono::NaiveDate>,
}

impl FindingDto {
    /// A stored finding; who acts on it comes from the profile in force.
    pub fn stored(
        f: jianguan_store::entity::finding::Model,
        profile: &jianguan_domain::rules::Profile,
    ) -> Self {
        Self {
            acts: profile.acts(&f.rule).code().into(),
            id: Some(f.id),
            rule: f.rule,
            severity: f.severity,
            subject: SubjectDto {
                kind: f.subject_kind,
                id: f.subject_id,
                name: f.subject_name,
                enterprise_id: f.enterprise_id,
                project_id: f.project_id,
            },
            period: f.period,
            clause: f.clause,
            message: f.message,
            due: f.due,
            action: f.action,
            key: f.key,
            first_seen: Some(f.first_seen),
            resolved_on: f.resolved_on,
        }
    }
}

impl From<jianguan_domain::rules::Finding> for FindingDto {
    fn from(f: jianguan_domain::rules::Finding) -> Self {
        Self {
            id: None,
            rule: f.rule,
            severity: f.severity.code().into(),
            subject: SubjectDto {
                kind: f.subject.kind,
                id: f.subject.id,
                name: f.subject.name,
                enterprise_id: f.subject.enterprise_id,
                project_id: f.subject.project_id,
            },
            period: f.period,
            clause: f.clause,
            message: f.message,
            due: f.due,
            action: f.action,
            acts: f.acts.code().into(),
            key: f.key,
            first_seen: None,
            resolved_on: None,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RecordsQuery {
    /// Only this project's records (kinds that belong to a project).
    pub project_id: Option<String>,
    /// Only the record with this id.
    pub id: Option<String>,
    /// Records to skip (ordered by id).
    #[serde(default)]
    #[param(minimum = 0, maximum = 10000000)]
    pub offset: u64,
    /// Records to answer, at most 500 (the default).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

/// One kind of the county's live records, each as in the import bundle.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RecordsDto {
    pub county: String,
    pub kind: String,
    #[schema(value_type = Vec<Object>)]
    pub records: Vec<serde_json::Value>,
    /// All records matching, of which these are `offset`… .
    pub total: u64,
    pub offset: u64,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DocketQuery {
    /// critical, serious, warning, info
    #[param(value_type = Option<codes::SeverityCode>, inline)]
    pub severity: Option<String>,
    /// Rule area: progress, inspection, qualification, rectification, performance, operations, market, funds, data, assets, tipoff.
    pub area: Option<String>,
    #[param(value_type = Option<codes::SystemCode>, inline)]
    pub system: Option<String>,
    pub project_id: Option<String>,
    /// An inspector's name as written on inspections: the findings of the projects they inspect.
    pub inspector: Option<String>,
    /// Who acts: bureau, contractor, chief (a contractor sees only its own duties).
    #[param(value_type = Option<codes::PartyCode>, inline)]
    pub acts: Option<String>,
    #[serde(default)]
    pub include_resolved: bool,
    /// Findings to skip, in the docket's order (a page of a big county's docket).
    #[serde(default)]
    #[param(minimum = 0, maximum = 10000000)]
    pub offset: u64,
    /// Findings to answer, at most 500; without it (and without `offset`), the whole docket.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CheckQuery {
    /// YYYY-MM-DD; today (China time) when not given.
    #[param(format = Date)]
    pub as_of: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RefreshDto {
    pub county: String,
    pub open: usize,
    pub new: usize,
    pub resolved: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationDto {
    pub id: String,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub finding_key: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub read_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CountDto {
    pub count: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReportDto {
    pub county: String,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportErrorItem {
    /// JSON path, e.g. `$.enterprises[3].uscc`.
    pub path: String,
    pub message: String,
}
