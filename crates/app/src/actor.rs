//! Who is asking, and what they may do.

use crate::AppError;
use jianguan_domain::Role;
use jianguan_store::Scope;
use jianguan_store::entity::user;

/// What a route requires. Every route of the web layer declares one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Anyone, logged in or not (login page, public notices, static assets).
    Public,
    /// Any logged-in user.
    Authenticated,
    /// Read the county's records (contractors: their own enterprise's).
    ReadRecords,
    /// Read and export the whole county's records: everyone but contractors.
    ReadCounty,
    /// Create and edit the county's records: inspectors, the responsible person, admins.
    EditRecords,
    /// A contractor's hand-in for its own enterprise: plans, progress reports, operating
    /// data, licences, training classes and rosters, rectification material.
    HandIn,
    /// A supervisory action of the county's staff (inspectors and the responsible person):
    /// inspections, rectification orders and their review, reviews of hand-ins, sanction
    /// proposals, incidents, repayments.
    Supervise,
    /// 清查盘点: the one write both sides make. The contractor counts its own assets (一（五）
    /// makes it responsible for periodic counts) and the supervision group checks by
    /// counting; each side only within what it may see.
    Count,
    /// A decision that is the responsible person's alone: sanctions, accountability for an
    /// accident, a project's evaluation.
    Decide,
    /// Manage users and counties.
    Administer,
}

impl Permission {
    pub fn label(self) -> &'static str {
        match self {
            Permission::Public => "公开",
            Permission::Authenticated => "登录用户",
            Permission::ReadRecords => "查看记录",
            Permission::ReadCounty => "查看全县记录",
            Permission::EditRecords => "编辑记录",
            Permission::HandIn => "承办企业报送",
            Permission::Supervise => "监管工作",
            Permission::Count => "清查盘点",
            Permission::Decide => "责任人决定",
            Permission::Administer => "系统管理",
        }
    }
}

/// The user id of whoever writes without an account: the public form, a partner system.
/// No user's id (they are UUIDs) can be it.
pub const PUBLIC: &str = "public";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub county_code: Option<String>,
    pub enterprise_id: Option<String>,
}

impl Actor {
    pub fn from_user(u: &user::Model) -> Result<Self, AppError> {
        let role = Role::parse(&u.role)
            .ok_or_else(|| AppError::corrupt("user", &u.id, "role", &u.role))?;
        Ok(Self {
            user_id: u.id.clone(),
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role,
            county_code: u.county_code.clone(),
            enterprise_id: u.enterprise_id.clone(),
        })
    }

    pub fn may(&self, p: Permission) -> bool {
        match p {
            Permission::Public | Permission::Authenticated | Permission::ReadRecords => true,
            Permission::ReadCounty => self.role.sees_whole_county(),
            Permission::EditRecords => self.role.may_edit_records(),
            Permission::HandIn => self.role == Role::Contractor,
            Permission::Supervise => self.role.supervises(),
            Permission::Count => self.role == Role::Contractor || self.role.supervises(),
            Permission::Decide => self.role == Role::Chief,
            Permission::Administer => self.role == Role::Admin,
        }
    }

    pub fn require(&self, p: Permission) -> Result<(), AppError> {
        if self.may(p) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The county's own staff writing a record: may edit records and supervises (an
    /// administrator edits records but is not of the supervision group).
    pub fn require_staff(&self) -> Result<(), AppError> {
        self.require(Permission::EditRecords)?;
        if self.role.supervises() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// What this actor may see. A contractor without an enterprise sees nothing: the
    /// scope names an enterprise id that cannot exist.
    pub fn scope(&self) -> Scope {
        Scope {
            county: self.county_code.clone(),
            enterprise: if self.role == Role::Contractor {
                Some(self.enterprise_id.clone().unwrap_or_else(|| "-".into()))
            } else {
                None
            },
        }
    }

    /// Whether a record of county `county` is within this actor's county (the check for a
    /// module that already holds the row); another county's record is not there for them.
    pub fn check_county(&self, county: &str) -> Result<(), AppError> {
        if self.county_code.as_deref().is_none_or(|c| c == county) {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// The county a new record goes into: the actor's own. An administrator of the whole
    /// deployment must name one.
    pub fn county_for_write(&self, requested: Option<&str>) -> Result<String, AppError> {
        match (&self.county_code, requested) {
            (Some(own), None) => Ok(own.clone()),
            (Some(own), Some(r)) if r == own => Ok(own.clone()),
            (Some(_), Some(_)) => Err(AppError::NotFound),
            (None, Some(r)) => Ok(r.to_string()),
            (None, None) => Err(AppError::field("county_code", "请选择所属县")),
        }
    }

    /// The audit trail's description of who acted.
    pub fn audit_name(&self) -> String {
        if self.user_id == PUBLIC {
            // No account: no login or role to name.
            return self.display_name.clone();
        }
        format!(
            "{}（{}，{}）",
            self.display_name,
            self.username,
            self.role.label()
        )
    }
}
