//! Who may do what (regulation.md, "People").

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 管理员: users, counties, programmes.
    Admin,
    /// 监管责任人: everything an inspector may, plus sanctions and acceptance.
    Chief,
    /// 检查组成员.
    Inspector,
    /// 领导组 / 审计: read everything in the county, export.
    Viewer,
    /// 承办企业用户: only their own enterprise.
    Contractor,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Chief,
        Role::Inspector,
        Role::Viewer,
        Role::Contractor,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Chief => "chief",
            Role::Inspector => "inspector",
            Role::Viewer => "viewer",
            Role::Contractor => "contractor",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "管理员",
            Role::Chief => "监管责任人",
            Role::Inspector => "检查组成员",
            Role::Viewer => "领导组/审计",
            Role::Contractor => "承办企业",
        }
    }

    /// May create and edit the county's records (enterprises, projects).
    /// The county's supervising staff: inspectors and the responsible person.
    pub fn supervises(self) -> bool {
        matches!(self, Role::Inspector | Role::Chief)
    }

    pub fn may_edit_records(self) -> bool {
        matches!(self, Role::Admin | Role::Chief | Role::Inspector)
    }

    /// Where the role lands after logging in: an inspector on today's docket; the responsible
    /// person on the overview, which opens with what waits for his decision; a viewer on the
    /// county overview; a contractor on its own duties; the administrator on the overview.
    pub fn home(self) -> &'static str {
        match self {
            Role::Inspector => "/docket",
            Role::Chief | Role::Viewer | Role::Contractor | Role::Admin => "/",
        }
    }

    /// Sees every enterprise of its county rather than one.
    pub fn sees_whole_county(self) -> bool {
        !matches!(self, Role::Contractor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Some(r));
        }
        assert!(!Role::Viewer.may_edit_records());
        assert!(!Role::Contractor.may_edit_records());
        assert!(Role::Inspector.may_edit_records());
        assert!(!Role::Contractor.sees_whole_county());
    }
}
