//! 整改 (二（四）): a rectification order's life. The inspector issues it; the contractor
//! answers with rectification material (整改材料); the inspector accepts it or rejects it
//! with a reason, and after a rejection the contractor answers again. Overdue and
//! escalation are the rule engine's business (`rectification.overdue`, `.escalate`).

use crate::Role;
use crate::rules::facts::OrderState;

/// What someone does to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderAction {
    /// The contractor hands in rectification material.
    Submit,
    /// The inspector accepts the material: the order is done.
    Accept,
    /// The inspector sends the material back with a reason.
    Reject,
}

impl OrderAction {
    pub fn label(self) -> &'static str {
        match self {
            OrderAction::Submit => "提交整改材料",
            OrderAction::Accept => "验收通过",
            OrderAction::Reject => "退回重新整改",
        }
    }

    /// Who may take the action: the contractor answers, the supervision group reviews.
    pub fn allowed_for(self, role: Role) -> bool {
        match self {
            OrderAction::Submit => role == Role::Contractor,
            OrderAction::Accept | OrderAction::Reject => role.supervises(),
        }
    }
}

/// Why an action cannot be taken in the order's state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct IllegalTransition(pub String);

impl OrderState {
    pub const ALL: [OrderState; 5] = [
        OrderState::Issued,
        OrderState::Submitted,
        OrderState::Rejected,
        OrderState::Resubmitted,
        OrderState::Accepted,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrderState::Issued => "issued",
            OrderState::Submitted => "submitted",
            OrderState::Rejected => "rejected",
            OrderState::Resubmitted => "resubmitted",
            OrderState::Accepted => "accepted",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            OrderState::Issued => "待整改",
            OrderState::Submitted => "已提交整改材料，待验收",
            OrderState::Rejected => "被退回，待重新整改",
            OrderState::Resubmitted => "已重新提交，待验收",
            OrderState::Accepted => "整改完成",
        }
    }

    /// Whether a stored code is this state.
    pub fn is(self, code: &str) -> bool {
        self.code() == code
    }
}

/// The inspector's verdict on one hand-in of rectification material.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaterialReview {
    Pending,
    Accepted,
    Rejected,
}

impl MaterialReview {
    pub const ALL: [MaterialReview; 3] = [
        MaterialReview::Pending,
        MaterialReview::Accepted,
        MaterialReview::Rejected,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MaterialReview::Pending => "pending",
            MaterialReview::Accepted => "accepted",
            MaterialReview::Rejected => "rejected",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            MaterialReview::Pending => "待验收",
            MaterialReview::Accepted => "已验收通过",
            MaterialReview::Rejected => "被退回",
        }
    }

    /// Whether a stored code is this verdict.
    pub fn is(self, code: &str) -> bool {
        self.code() == code
    }
}

/// The state after `action`, or why it is not allowed now.
pub fn next(state: OrderState, action: OrderAction) -> Result<OrderState, IllegalTransition> {
    use OrderAction as A;
    use OrderState as S;
    match (state, action) {
        (S::Issued, A::Submit) => Ok(S::Submitted),
        (S::Rejected, A::Submit) => Ok(S::Resubmitted),
        (S::Submitted | S::Resubmitted, A::Accept) => Ok(S::Accepted),
        (S::Submitted | S::Resubmitted, A::Reject) => Ok(S::Rejected),
        (S::Accepted, _) => Err(IllegalTransition("整改已验收完成，不能再更改。".into())),
        (S::Submitted | S::Resubmitted, A::Submit) => Err(IllegalTransition(
            "整改材料已提交，正在等待验收，请等待审核结果。".into(),
        )),
        (S::Issued | S::Rejected, A::Accept | A::Reject) => Err(IllegalTransition(
            "企业尚未提交（重新提交）整改材料，不能验收或退回。".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_happy_path_and_a_rejection() {
        let s = next(OrderState::Issued, OrderAction::Submit).unwrap();
        assert_eq!(s, OrderState::Submitted);
        let s = next(s, OrderAction::Reject).unwrap();
        assert_eq!(s, OrderState::Rejected);
        let s = next(s, OrderAction::Submit).unwrap();
        assert_eq!(s, OrderState::Resubmitted);
        let s = next(s, OrderAction::Reject).unwrap();
        let s = next(s, OrderAction::Submit).unwrap();
        assert_eq!(next(s, OrderAction::Accept).unwrap(), OrderState::Accepted);
    }

    /// Every pair not in the table above is refused, with a message.
    #[test]
    fn every_other_transition_is_illegal() {
        let legal = [
            (OrderState::Issued, OrderAction::Submit),
            (OrderState::Rejected, OrderAction::Submit),
            (OrderState::Submitted, OrderAction::Accept),
            (OrderState::Submitted, OrderAction::Reject),
            (OrderState::Resubmitted, OrderAction::Accept),
            (OrderState::Resubmitted, OrderAction::Reject),
        ];
        let mut illegal = 0;
        for s in OrderState::ALL {
            for a in [
                OrderAction::Submit,
                OrderAction::Accept,
                OrderAction::Reject,
            ] {
                match next(s, a) {
                    Ok(_) => assert!(legal.contains(&(s, a)), "{s:?} {a:?} allowed"),
                    Err(e) => {
                        assert!(!legal.contains(&(s, a)), "{s:?} {a:?} refused");
                        assert!(!e.0.is_empty());
                        illegal += 1;
                    }
                }
            }
        }
        assert_eq!(illegal, 9);
    }

    #[test]
    fn contractors_answer_and_inspectors_review() {
        assert!(OrderAction::Submit.allowed_for(Role::Contractor));
        assert!(!OrderAction::Submit.allowed_for(Role::Inspector));
        for a in [OrderAction::Accept, OrderAction::Reject] {
            assert!(a.allowed_for(Role::Inspector) && a.allowed_for(Role::Chief));
            assert!(!a.allowed_for(Role::Contractor) && !a.allowed_for(Role::Viewer));
        }
    }

    #[test]
    fn state_codes_round_trip() {
        for s in OrderState::ALL {
            assert_eq!(OrderState::parse(s.code()), Some(s));
            assert!(s.is(s.code()) && !s.label().is_empty());
        }
        assert_eq!(OrderState::parse("done"), None);
        for r in MaterialReview::ALL {
            assert_eq!(MaterialReview::parse(r.code()), Some(r));
            assert!(!r.label().is_empty());
        }
        assert_eq!(MaterialReview::parse("done"), None);
    }
}
