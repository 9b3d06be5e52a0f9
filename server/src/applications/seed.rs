//! The bench fixture behind `POST /dev/applications/seed`: many
//! applications for one user, each walked through a legal path of the
//! workflow so it has a chosen number of timeline entries, in one
//! transaction.

use rusqlite::{Connection, TransactionBehavior, params};

use super::feed;
use super::number::new_number;
use super::steps::{self, Answer, Details, StepError};
use super::view;
use super::workflow::Action;
use crate::catalog::model::Guide;
use crate::trust::IssuerKeys;

/// The most applications and entries one seed request makes.
pub(crate) const MAX_COUNT: usize = 10_000;
pub(crate) const MAX_ENTRIES: usize = 64;

/// The actions after submission that give `entries` timeline entries in
/// all: a prefix of the happy path for up to 5; from 6 on, accepted,
/// review started, as many supplement rounds as fit, approved, completed,
/// and delivered by courier when the count is even.
pub(crate) fn path(entries: usize) -> Vec<Action> {
    use Action as A;
    let happy = [A::Accept, A::StartReview, A::Approve, A::Complete];
    if entries <= 5 {
        return happy[..entries.saturating_sub(1)].to_vec();
    }
    let (rounds, deliver) = if entries % 2 == 0 {
        ((entries - 6) / 2, true)
    } else {
        ((entries - 5) / 2, false)
    };
    let mut actions = vec![A::Accept, A::StartReview];
    for _ in 0..rounds {
        actions.extend([A::RequestSupplement, A::AnswerSupplement]);
    }
    actions.extend([A::Approve, A::Complete]);
    if deliver {
        actions.push(A::DeliverCourier);
    }
    actions
}

/// Creates `count` applications of `guide` for `user_id`, each with
/// `entries` timeline entries, their steps an hour apart and ending by
/// `now_ms`. Returns the last `change_seq`.
pub(crate) fn seed(
    conn: &mut Connection,
    user_id: &str,
    guide: &Guide,
    count: usize,
    entries: usize,
    keys: &IssuerKeys,
    now_ms: i64,
) -> Result<i64, StepError> {
    const HOUR_MS: i64 = 3_600_000;
    let actions = path(entries);
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let steps_ms = i64::try_from(actions.len()).unwrap_or(0) * HOUR_MS;
    let submitted_at = now_ms - steps_ms;
    for _ in 0..count {
        let number = new_number(&tx, submitted_at)?;
        let change_seq = feed::next_seq(&tx)?;
        tx.prepare_cached(
            "INSERT INTO applications (application_no, user_id, guide_code, guide_name, \
                 schema_id, status, values_json, materials_json, draft_id, submitted_at_ms, \
                 department_name, change_seq, updated_at_ms, promised_days, legal_days) \
             VALUES (?1, ?2, ?3, ?4, ?5, 'submitted', '{}', '[]', NULL, ?6, ?7, ?8, ?6, ?9, ?10)",
        )?
        .execute(params![
            number,
            user_id,
            guide.code,
            guide.name,
            guide.form_schema_id,
            submitted_at,
            guide.department_name,
            change_seq,
            guide.promised_time_limit_days,
            guide.legal_time_limit_days
        ])?;
        tx.prepare_cached(
            "INSERT INTO application_timeline (application_no, seq, kind, at_ms, department, \
                 comment, details_json) VALUES (?1, 1, 'submitted', ?2, ?3, '', '{}')",
        )?
        .execute(params![number, submitted_at, guide.department_name])?;
        let mut record =
            view::load_any(&tx, &number)?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
        let mut at = submitted_at;
        for &action in &actions {
            at += HOUR_MS;
            let details = if action == Action::AnswerSupplement {
                let request_seq = record
                    .supplement
                    .as_ref()
                    .and_then(|supplement| supplement["request_seq"].as_i64())
                    .unwrap_or_default();
                Details {
                    answer: Some(Answer {
                        request_seq,
                        materials: Vec::new(),
                        comment: Some("已补正".to_owned()),
                    }),
                    ..Details::default()
                }
            } else {
                Details::default()
            };
            record = steps::take(&tx, &record, action, &details, keys, at)?;
        }
        steps::queue_push(&tx, &record, now_ms)?;
    }
    let (last, _) = feed::bounds(&tx)?;
    tx.commit()?;
    Ok(last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::applications::workflow::{Facts, Status, next};

    #[test]
    fn every_path_is_legal_and_as_long_as_asked() {
        for entries in 1..=MAX_ENTRIES {
            let actions = path(entries);
            assert_eq!(actions.len() + 1, entries, "{entries}");
            let mut status = Status::Submitted;
            let mut facts = Facts::default();
            for action in actions {
                status = next(status, action, facts).unwrap();
                if action == Action::Approve {
                    facts.approved = Some(true);
                }
            }
            if entries >= 6 {
                let end = if entries % 2 == 0 {
                    Status::Delivered
                } else {
                    Status::Completed
                };
                assert_eq!(status, end, "{entries}");
            }
        }
        assert_eq!(
            path(10),
            [
                Action::Accept,
                Action::StartReview,
                Action::RequestSupplement,
                Action::AnswerSupplement,
                Action::RequestSupplement,
                Action::AnswerSupplement,
                Action::Approve,
                Action::Complete,
                Action::DeliverCourier
            ]
        );
    }
}
