//! 处理 (一（一）–（四）): inspectors propose, only the responsible person (监管责任人)
//! decides. A decided public criticism or disqualification is published on the public
//! notice board; withdrawing it marks it withdrawn there, it never disappears.

use crate::Role;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SanctionKind {
    /// 通知书 (e.g. 限期整改通知书).
    Notice,
    /// 通报批评 / 批评公示.
    PublicCriticism,
    /// 追回资金.
    FundRecovery,
    /// 取消承办资格.
    Disqualification,
    /// 追究责任.
    Accountability,
}

impl SanctionKind {
    pub const ALL: [SanctionKind; 5] = [
        SanctionKind::Notice,
        SanctionKind::PublicCriticism,
        SanctionKind::FundRecovery,
        SanctionKind::Disqualification,
        SanctionKind::Accountability,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SanctionKind::Notice => "notice",
            SanctionKind::PublicCriticism => "public_criticism",
            SanctionKind::FundRecovery => "fund_recovery",
            SanctionKind::Disqualification => "disqualification",
            SanctionKind::Accountability => "accountability",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            SanctionKind::Notice => "通知书",
            SanctionKind::PublicCriticism => "通报批评（批评公示）",
            SanctionKind::FundRecovery => "追回资金",
            SanctionKind::Disqualification => "取消承办资格",
            SanctionKind::Accountability => "追究责任",
        }
    }

    /// Published on the public notice board once decided.
    pub fn is_public(self) -> bool {
        matches!(
            self,
            SanctionKind::PublicCriticism | SanctionKind::Disqualification
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SanctionState {
    Proposed,
    Decided,
    /// The responsible person decided against the proposal.
    Declined,
    /// A decision taken back (e.g. on review); stays visible as withdrawn.
    Withdrawn,
}

impl SanctionState {
    pub const ALL: [SanctionState; 4] = [
        SanctionState::Proposed,
        SanctionState::Decided,
        SanctionState::Declined,
        SanctionState::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SanctionState::Proposed => "proposed",
            SanctionState::Decided => "decided",
            SanctionState::Declined => "declined",
            SanctionState::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            SanctionState::Proposed => "已提议，待责任人决定",
            SanctionState::Decided => "已决定",
            SanctionState::Declined => "责任人未同意",
            SanctionState::Withdrawn => "已撤销",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SanctionAction {
    Decide,
    Decline,
    Withdraw,
}

/// Only the responsible person (or an administrator acting for the county) decides.
pub fn may_decide(role: Role) -> bool {
    role == Role::Chief
}

/// Inspectors and the responsible person may propose.
pub fn may_propose(role: Role) -> bool {
    role.supervises()
}

pub fn next(state: SanctionState, action: SanctionAction) -> Result<SanctionState, String> {
    use SanctionAction as A;
    use SanctionState as S;
    match (state, action) {
        (S::Proposed, A::Decide) => Ok(S::Decided),
        (S::Proposed, A::Decline) => Ok(S::Declined),
        (S::Decided, A::Withdraw) => Ok(S::Withdrawn),
        (S::Proposed, A::Withdraw) => Err("提议尚未决定，无需撤销；可由责任人不予同意。".into()),
        (S::Decided, _) => Err("已作出决定；如需变更，请撤销该决定。".into()),
        (S::Declined | S::Withdrawn, _) => Err(format!("该处理{}，不能再更改。", state.label())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proposals_are_decided_or_declined_and_decisions_withdrawn() {
        let legal = [
            (SanctionState::Proposed, SanctionAction::Decide),
            (SanctionState::Proposed, SanctionAction::Decline),
            (SanctionState::Decided, SanctionAction::Withdraw),
        ];
        let mut refused = 0;
        for s in SanctionState::ALL {
            for a in [
                SanctionAction::Decide,
                SanctionAction::Decline,
                SanctionAction::Withdraw,
            ] {
                match next(s, a) {
                    Ok(_) => assert!(legal.contains(&(s, a)), "{s:?} {a:?}"),
                    Err(m) => {
                        assert!(!legal.contains(&(s, a)) && !m.is_empty(), "{s:?} {a:?}");
                        refused += 1;
                    }
                }
            }
        }
        assert_eq!(refused, 9);
        assert_eq!(
            next(SanctionState::Decided, SanctionAction::Withdraw),
            Ok(SanctionState::Withdrawn)
        );
    }

    #[test]
    fn only_the_responsible_person_decides() {
        assert!(may_decide(Role::Chief));
        for r in [Role::Inspector, Role::Viewer, Role::Contractor, Role::Admin] {
            assert!(!may_decide(r), "{r:?}");
        }
        assert!(may_propose(Role::Inspector) && !may_propose(Role::Contractor));
    }

    #[test]
    fn only_criticism_and_disqualification_are_public() {
        let public: Vec<_> = SanctionKind::ALL
            .into_iter()
            .filter(|k| k.is_public())
            .collect();
        assert_eq!(
            public,
            [
                SanctionKind::PublicCriticism,
                SanctionKind::Disqualification
            ]
        );
        for k in SanctionKind::ALL {
            assert_eq!(SanctionKind::parse(k.code()), Some(k));
        }
    }
}
