//! The application workflow as a pure state machine: which action may move
//! an application in which status, and to what. No SQL and no clock, so
//! every transition (and every refusal) is tested here; `steps` applies
//! them to stored applications.
//!
//! ```text
//! submitted ─accept→ accepted ─start_review→ under_review ─approve/refuse→ decided
//!     │                 │   └request_supplement→ supplement_required ─answer→ under_review
//!     └not_accept→ not_accepted                 (under_review may request one too)
//! decided ─pay_fee→ decided (fee paid) ─complete→ completed ─deliver_*→ delivered
//! submitted / accepted / supplement_required ─withdraw→ withdrawn
//! ```
//!
//! A refused decision ends at `completed`; an approval with a fee can't
//! complete before the fee is paid.

use std::fmt;

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Status {
    Submitted,
    Accepted,
    NotAccepted,
    SupplementRequired,
    UnderReview,
    Decided,
    Completed,
    Delivered,
    Withdrawn,
}

/// What moves an application on: the office's actions, the payment
/// platform's notice (`PayFee`), and the applicant's two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Action {
    Accept,
    NotAccept,
    RequestSupplement,
    StartReview,
    Approve,
    Refuse,
    PayFee,
    Complete,
    DeliverCourier,
    DeliverLicence,
    Withdraw,
    AnswerSupplement,
}

/// What a decided application's outcome is, as far as the workflow cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Facts {
    /// `Some(true)` approved, `Some(false)` refused, `None` not decided.
    pub(crate) approved: Option<bool>,
    /// An approval's fee that is not paid yet.
    pub(crate) fee_unpaid: bool,
}

/// An action the status does not allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IllegalTransition {
    pub(crate) status: Status,
    pub(crate) action: Action,
    pub(crate) allowed: Vec<Action>,
}

impl fmt::Display for IllegalTransition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let allowed: Vec<&str> = self.allowed.iter().map(|a| a.as_str()).collect();
        write!(
            f,
            "An application that is {} can't take {}; ",
            self.status.as_str(),
            self.action.as_str()
        )?;
        if allowed.is_empty() {
            write!(f, "it is final.")
        } else {
            write!(f, "allowed: {}.", allowed.join(", "))
        }
    }
}

impl Status {
    pub(crate) const ALL: [Status; 9] = [
        Status::Submitted,
        Status::Accepted,
        Status::NotAccepted,
        Status::SupplementRequired,
        Status::UnderReview,
        Status::Decided,
        Status::Completed,
        Status::Delivered,
        Status::Withdrawn,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Accepted => "accepted",
            Status::NotAccepted => "not_accepted",
            Status::SupplementRequired => "supplement_required",
            Status::UnderReview => "under_review",
            Status::Decided => "decided",
            Status::Completed => "completed",
            Status::Delivered => "delivered",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Status> {
        Status::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
    }

    /// Whether the applicant may still withdraw.
    pub(crate) fn can_withdraw(self) -> bool {
        matches!(
            self,
            Status::Submitted | Status::Accepted | Status::SupplementRequired
        )
    }
}

impl Action {
    pub(crate) const ALL: [Action; 12] = [
        Action::Accept,
        Action::NotAccept,
        Action::RequestSupplement,
        Action::StartReview,
        Action::Approve,
        Action::Refuse,
        Action::PayFee,
        Action::Complete,
        Action::DeliverCourier,
        Action::DeliverLicence,
        Action::Withdraw,
        Action::AnswerSupplement,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::NotAccept => "not_accept",
            Action::RequestSupplement => "request_supplement",
            Action::StartReview => "start_review",
            Action::Approve => "approve",
            Action::Refuse => "refuse",
            Action::PayFee => "pay_fee",
            Action::Complete => "complete",
            Action::DeliverCourier => "deliver_courier",
            Action::DeliverLicence => "deliver_licence",
            Action::Withdraw => "withdraw",
            Action::AnswerSupplement => "answer_supplement",
        }
    }

    /// The office's and payment platform's actions (what the dev route
    /// takes); the applicant's two have their own routes.
    pub(crate) fn parse_platform(text: &str) -> Option<Action> {
        Action::ALL
            .into_iter()
            .filter(|action| !matches!(action, Action::Withdraw | Action::AnswerSupplement))
            .find(|action| action.as_str() == text)
    }

    /// The timeline entry the action leaves.
    pub(crate) fn entry_kind(self) -> &'static str {
        match self {
            Action::Accept => "accepted",
            Action::NotAccept => "not_accepted",
            Action::RequestSupplement => "supplement_requested",
            Action::StartReview => "review_started",
            Action::Approve => "approved",
            Action::Refuse => "refused",
            Action::PayFee => "fee_paid",
            Action::Complete => "completed",
            Action::DeliverCourier | Action::DeliverLicence => "delivered",
            Action::Withdraw => "withdrawn",
            Action::AnswerSupplement => "supplement_answered",
        }
    }
}

/// The status `action` moves an application in `status` to, or why not.
pub(crate) fn next(
    status: Status,
    action: Action,
    facts: Facts,
) -> Result<Status, IllegalTransition> {
    use Action as A;
    use Status as S;
    let to = match (status, action) {
        (S::Submitted, A::Accept) => Some(S::Accepted),
        (S::Submitted, A::NotAccept) => Some(S::NotAccepted),
        (S::Accepted | S::UnderReview, A::RequestSupplement) => Some(S::SupplementRequired),
        (S::Accepted, A::StartReview) => Some(S::UnderReview),
        (S::SupplementRequired, A::AnswerSupplement) => Some(S::UnderReview),
        (S::UnderReview, A::Approve | A::Refuse) => Some(S::Decided),
        (S::Decided, A::PayFee) if facts.approved == Some(true) && facts.fee_unpaid => {
            Some(S::Decided)
        }
        (S::Decided, A::Complete) if !(facts.approved == Some(true) && facts.fee_unpaid) => {
            Some(S::Completed)
        }
        (S::Completed, A::DeliverCourier | A::DeliverLicence) if facts.approved == Some(true) => {
            Some(S::Delivered)
        }
        (S::Submitted | S::Accepted | S::SupplementRequired, A::Withdraw) => Some(S::Withdrawn),
        _ => None,
    };
    to.ok_or_else(|| IllegalTransition {
        status,
        action,
        allowed: allowed(status, facts),
    })
}

/// Every action `status` allows, in the order of [`Action::ALL`].
pub(crate) fn allowed(status: Status, facts: Facts) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|&action| next_is_legal(status, action, facts))
        .collect()
}

fn next_is_legal(status: Status, action: Action, facts: Facts) -> bool {
    // `next` without building the refusal (which would call back here).
    use Action as A;
    use Status as S;
    match (status, action) {
        (S::Submitted, A::Accept | A::NotAccept | A::Withdraw) => true,
        (S::Accepted, A::RequestSupplement | A::StartReview | A::Withdraw) => true,
        (S::SupplementRequired, A::AnswerSupplement | A::Withdraw) => true,
        (S::UnderReview, A::RequestSupplement | A::Approve | A::Refuse) => true,
        (S::Decided, A::PayFee) => facts.approved == Some(true) && facts.fee_unpaid,
        (S::Decided, A::Complete) => !(facts.approved == Some(true) && facts.fee_unpaid),
        (S::Completed, A::DeliverCourier | A::DeliverLicence) => facts.approved == Some(true),
        _ => false,
    }
}

/// The next step of the happy path from `status` (what the dev route takes
/// when it is given no action): accept, start the review, approve, pay a
/// fee that is due, complete, deliver (a licence when `licence_known`).
/// `None` where the applicant must act (a supplement) or nothing follows.
pub(crate) fn happy_path_step(status: Status, facts: Facts, licence_known: bool) -> Option<Action> {
    match status {
        Status::Submitted => Some(Action::Accept),
        Status::Accepted => Some(Action::StartReview),
        Status::UnderReview => Some(Action::Approve),
        Status::Decided if facts.approved == Some(true) && facts.fee_unpaid => Some(Action::PayFee),
        Status::Decided => Some(Action::Complete),
        Status::Completed if facts.approved == Some(true) => Some(if licence_known {
            Action::DeliverLicence
        } else {
            Action::DeliverCourier
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action as A;
    use Status as S;

    const UNDECIDED: Facts = Facts {
        approved: None,
        fee_unpaid: false,
    };
    const APPROVED: Facts = Facts {
        approved: Some(true),
        fee_unpaid: false,
    };
    const APPROVED_FEE_DUE: Facts = Facts {
        approved: Some(true),
        fee_unpaid: true,
    };
    const REFUSED: Facts = Facts {
        approved: Some(false),
        fee_unpaid: false,
    };

    /// Every legal (status, action, facts) → status, listed once.
    fn legal() -> Vec<(Status, Action, Facts, Status)> {
        vec![
            (S::Submitted, A::Accept, UNDECIDED, S::Accepted),
            (S::Submitted, A::NotAccept, UNDECIDED, S::NotAccepted),
            (S::Submitted, A::Withdraw, UNDECIDED, S::Withdrawn),
            (
                S::Accepted,
                A::RequestSupplement,
                UNDECIDED,
                S::SupplementRequired,
            ),
            (S::Accepted, A::StartReview, UNDECIDED, S::UnderReview),
            (S::Accepted, A::Withdraw, UNDECIDED, S::Withdrawn),
            (
                S::SupplementRequired,
                A::AnswerSupplement,
                UNDECIDED,
                S::UnderReview,
            ),
            (S::SupplementRequired, A::Withdraw, UNDECIDED, S::Withdrawn),
            (
                S::UnderReview,
                A::RequestSupplement,
                UNDECIDED,
                S::SupplementRequired,
            ),
            (S::UnderReview, A::Approve, UNDECIDED, S::Decided),
            (S::UnderReview, A::Refuse, UNDECIDED, S::Decided),
            (S::Decided, A::PayFee, APPROVED_FEE_DUE, S::Decided),
            (S::Decided, A::Complete, APPROVED, S::Completed),
            (S::Decided, A::Complete, REFUSED, S::Completed),
            (S::Completed, A::DeliverCourier, APPROVED, S::Delivered),
            (S::Completed, A::DeliverLicence, APPROVED, S::Delivered),
        ]
    }

    #[test]
    fn every_legal_transition() {
        for (from, action, facts, to) in legal() {
            assert_eq!(next(from, action, facts), Ok(to), "{from:?} {action:?}");
            assert!(
                allowed(from, facts).contains(&action),
                "{from:?} {action:?}"
            );
        }
    }

    /// The facts an application in `status` can have.
    fn possible_facts(status: Status) -> Vec<Facts> {
        match status {
            S::Decided => vec![APPROVED, APPROVED_FEE_DUE, REFUSED],
            S::Completed | S::Delivered => vec![APPROVED, REFUSED],
            _ => vec![UNDECIDED],
        }
    }

    /// Every other combination is refused, naming what is allowed.
    #[test]
    fn every_other_transition_is_illegal() {
        let legal = legal();
        let mut refused = 0;
        for from in Status::ALL {
            for facts in possible_facts(from) {
                for action in Action::ALL {
                    if legal
                        .iter()
                        .any(|&(f, a, x, _)| f == from && a == action && x == facts)
                    {
                        continue;
                    }
                    let refusal = next(from, action, facts)
                        .expect_err(&format!("{from:?} {action:?} {facts:?} should be illegal"));
                    assert_eq!(refusal.status, from);
                    assert_eq!(refusal.action, action);
                    assert!(!refusal.allowed.contains(&action));
                    assert_eq!(refusal.allowed, allowed(from, facts));
                    refused += 1;
                }
            }
        }
        // 13 statuses-with-facts × 12 actions, minus the 16 legal ones.
        assert_eq!(refused, 13 * 12 - 16);
    }

    #[test]
    fn final_statuses_allow_nothing() {
        for status in [S::NotAccepted, S::Withdrawn, S::Delivered] {
            for facts in [UNDECIDED, APPROVED, REFUSED] {
                assert!(allowed(status, facts).is_empty(), "{status:?}");
            }
        }
        assert!(allowed(S::Completed, REFUSED).is_empty());
        let refusal = next(S::Delivered, A::Withdraw, APPROVED).unwrap_err();
        assert_eq!(
            refusal.to_string(),
            "An application that is delivered can't take withdraw; it is final."
        );
        let refusal = next(S::Decided, A::Complete, APPROVED_FEE_DUE).unwrap_err();
        assert_eq!(
            refusal.to_string(),
            "An application that is decided can't take complete; allowed: pay_fee."
        );
    }

    #[test]
    fn the_happy_path() {
        let mut status = S::Submitted;
        let mut facts = UNDECIDED;
        let mut taken = Vec::new();
        while let Some(action) = happy_path_step(status, facts, true) {
            status = next(status, action, facts).unwrap();
            if action == A::Approve {
                facts = APPROVED_FEE_DUE;
            }
            if action == A::PayFee {
                facts = APPROVED;
            }
            taken.push(action);
        }
        assert_eq!(
            taken,
            [
                A::Accept,
                A::StartReview,
                A::Approve,
                A::PayFee,
                A::Complete,
                A::DeliverLicence
            ]
        );
        assert_eq!(status, S::Delivered);
        assert_eq!(
            happy_path_step(S::Completed, APPROVED, false),
            Some(A::DeliverCourier)
        );
        assert_eq!(happy_path_step(S::Completed, REFUSED, true), None);
        assert_eq!(
            happy_path_step(S::SupplementRequired, UNDECIDED, true),
            None
        );
    }

    #[test]
    fn names_round_trip() {
        for status in Status::ALL {
            assert_eq!(Status::parse(status.as_str()), Some(status));
        }
        assert_eq!(Action::parse_platform("accept"), Some(A::Accept));
        assert_eq!(Action::parse_platform("withdraw"), None);
        assert_eq!(Action::parse_platform("answer_supplement"), None);
        assert_eq!(Action::parse_platform("fly"), None);
        assert!(S::Accepted.can_withdraw());
        assert!(!S::UnderReview.can_withdraw());
    }
}
