//! One workflow step applied to a stored application: the state machine
//! says whether the action is legal, then the row gets what the step
//! decided (acceptance time, the supplement request, the decision, the
//! fee, the delivery, a licence issued), a timeline entry, a new
//! `change_seq` — all in the caller's transaction. `queue_push` then gives
//! the owner a push message.

use banshitong_forms::SlotFill;
use rusqlite::{Connection, params};
use serde::Deserialize;
use serde_json::{Value, json};

use super::deadlines::working_days_between;
use super::view::{self, Application, Record};
use super::workflow::{self, Action, IllegalTransition, Status};
use super::{feed, push};

use crate::catalog;
use crate::catalog::items::LICENCES;
use crate::catalog::model::Guide;
use crate::clock::rfc3339_utc;
use crate::licences;
use crate::trust::IssuerKeys;

/// A material the office asks for.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
pub(crate) struct RequestedMaterial {
    pub(crate) key: String,
    #[serde(default)]
    pub(crate) name: Option<String>,
    #[serde(default)]
    pub(crate) reason: Option<String>,
}

/// The applicant's answer to the open supplement request.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub(crate) request_seq: i64,
    pub(crate) materials: Vec<SlotFill>,
    pub(crate) comment: Option<String>,
}

/// What a step says besides its action; every part optional.
#[derive(Debug, Clone, Default)]
pub(crate) struct Details {
    pub(crate) comment: Option<String>,
    pub(crate) department: Option<String>,
    pub(crate) reasons: Vec<String>,
    pub(crate) materials: Vec<RequestedMaterial>,
    pub(crate) tracking_no: Option<String>,
    pub(crate) carrier: Option<String>,
    pub(crate) licence_type: Option<String>,
    pub(crate) answer: Option<Answer>,
    /// The applicant's reason for withdrawing.
    pub(crate) reason: Option<String>,
}

/// Why a step was not taken.
#[derive(Debug)]
pub(crate) enum StepError {
    Illegal(IllegalTransition),
    /// The action is legal but can't be carried out as asked; says why.
    Refused(String),
    Db(rusqlite::Error),
}

impl From<rusqlite::Error> for StepError {
    fn from(error: rusqlite::Error) -> StepError {
        StepError::Db(error)
    }
}

/// The guide `code` as stored now, if it still exists and parses.
pub(crate) fn guide(conn: &Connection, code: &str) -> rusqlite::Result<Option<Guide>> {
    Ok(catalog::store::get(conn, code)?.and_then(|(body, _)| serde_json::from_str(&body).ok()))
}

/// The licence type an item issues, read from its name: the longest
/// licence type of the licence library the name contains (居民身份证换领 →
/// 居民身份证). A cancellation (注销) issues nothing.
pub(crate) fn licence_type_issued(guide_name: &str) -> Option<&'static str> {
    if guide_name.contains("注销") {
        return None;
    }
    LICENCES
        .iter()
        .copied()
        .filter(|licence| guide_name.contains(licence))
        .max_by_key(|licence| licence.chars().count())
}

/// A courier tracking number for the dev route when none is given.
/// `EM`, nine digits and `CN`, as EMS numbers look.
fn tracking_number(application_no: &str, seq: i64) -> String {
    let digits: String = application_no.chars().rev().take(8).collect();
    format!("EM{digits}{}CN", seq.rem_euclid(10))
}

/// Takes `action` on `record` at `now_ms`: checks the workflow, writes the
/// row and the timeline entry (the push message is [`queue_push`]'s).
/// Returns the row after it.
pub(crate) fn take(
    conn: &Connection,
    record: &Record,
    action: Action,
    details: &Details,
    keys: &IssuerKeys,
    now_ms: i64,
) -> Result<Record, StepError> {
    let status =
        workflow::next(record.status, action, record.facts()).map_err(StepError::Illegal)?;
    let mut after = record.clone();
    after.status = status;
    let entry_seq: i64 = conn
        .prepare_cached(
            "SELECT coalesce(max(seq), 0) + 1 FROM application_timeline WHERE application_no = ?1",
        )?
        .query_row([&record.application_no], |row| row.get(0))?;
    let reasons = || json!(details.reasons);
    let entry_details = match action {
        Action::Accept => {
            after.accepted_at_ms = Some(now_ms);
            json!({})
        }
        Action::NotAccept | Action::Refuse => {
            if action == Action::Refuse {
                after.decision = Some(json!({
                    "outcome": "refused", "reasons": reasons(), "decided_at": rfc3339_utc(now_ms)
                }));
            }
            json!({ "reasons": reasons() })
        }
        Action::RequestSupplement => {
            let materials = requested_materials(record, &details.materials);
            after.supplement = Some(json!({
                "request_seq": entry_seq,
                "requested_at": rfc3339_utc(now_ms),
                "comment": details.comment.clone().unwrap_or_default(),
                "materials": materials,
            }));
            after.supplement_requested_at_ms = Some(now_ms);
            json!({ "request_seq": entry_seq, "materials": materials })
        }
        Action::AnswerSupplement => {
            let Some(answer) = &details.answer else {
                return Err(StepError::Refused("An answer needs its materials.".into()));
            };
            let open = record
                .supplement
                .as_ref()
                .and_then(|supplement| supplement["request_seq"].as_i64());
            if open != Some(answer.request_seq) {
                return Err(StepError::Illegal(IllegalTransition {
                    status: record.status,
                    action,
                    allowed: workflow::allowed(record.status, record.facts()),
                }));
            }
            if let Some(requested_at) = record.supplement_requested_at_ms {
                after.suspended_days = record
                    .suspended_days
                    .saturating_add(working_days_between(requested_at, now_ms));
            }
            after.supplement_requested_at_ms = None;
            json!({ "request_seq": answer.request_seq, "materials": answer.materials
                .iter()
                .map(|fill| json!({"slot_key": fill.slot_key, "material_refs": fill.material_refs}))
                .collect::<Vec<_>>() })
        }
        Action::StartReview => json!({}),
        Action::Approve => {
            after.decision = Some(json!({
                "outcome": "approved", "reasons": reasons(), "decided_at": rfc3339_utc(now_ms)
            }));
            after.fee = guide(conn, &record.guide_code)?
                .filter(|guide| !guide.fees.is_empty())
                .map(|guide| {
                    let total: u64 = guide.fees.iter().map(|fee| u64::from(fee.amount_fen)).sum();
                    json!({
                        "amount_fen": total,
                        "items": guide.fees.iter()
                            .map(|fee| json!({"name": fee.name, "amount_fen": fee.amount_fen}))
                            .collect::<Vec<_>>(),
                        "paid_at": null,
                    })
                });
            json!({ "reasons": reasons() })
        }
        Action::PayFee => {
            let mut fee = record.fee.clone().unwrap_or_else(|| json!({}));
            fee["paid_at"] = json!(rfc3339_utc(now_ms));
            let amount = fee["amount_fen"].clone();
            after.fee = Some(fee);
            json!({ "amount_fen": amount })
        }
        Action::Complete => {
            after.completed_at_ms = Some(now_ms);
            json!({})
        }
        Action::DeliverCourier => {
            let delivery = json!({
                "method": "courier",
                "carrier": details.carrier.clone().unwrap_or_else(|| "中国邮政EMS".to_owned()),
                "tracking_no": details.tracking_no.clone()
                    .unwrap_or_else(|| tracking_number(&record.application_no, entry_seq)),
            });
            after.delivery = Some(delivery.clone());
            delivery
        }
        Action::DeliverLicence => {
            let delivery = deliver_licence(conn, record, details, keys, now_ms)?;
            after.delivery = Some(delivery.clone());
            delivery
        }
        Action::Withdraw => json!({ "reason": details.reason.clone().unwrap_or_default() }),
    };
    let department = details
        .department
        .clone()
        .unwrap_or_else(|| record.department_name.clone());
    let comment = details
        .comment
        .clone()
        .or_else(|| {
            details
                .answer
                .as_ref()
                .and_then(|answer| answer.comment.clone())
        })
        .unwrap_or_default();
    conn.prepare_cached(
        "INSERT INTO application_timeline (application_no, seq, kind, at_ms, department, comment, \
         details_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        record.application_no,
        entry_seq,
        action.entry_kind(),
        now_ms,
        department,
        comment,
        entry_details.to_string()
    ])?;
    after.change_seq = feed::next_seq(conn)?;
    after.updated_at_ms = now_ms;
    save(conn, &after)?;
    Ok(after)
}

/// Takes one step as a whole request: the step, its push message and the
/// application as its owner now sees it, in the caller's transaction. A
/// refusal is the inner `Err`; a database failure the outer one.
pub(crate) fn take_alone(
    conn: &Connection,
    record: &Record,
    action: Action,
    details: &Details,
    keys: &IssuerKeys,
    now_ms: i64,
) -> rusqlite::Result<Result<(Record, Application), StepError>> {
    let after = match take(conn, record, action, details, keys, now_ms) {
        Ok(after) => after,
        Err(StepError::Db(error)) => return Err(error),
        Err(refused) => return Ok(Err(refused)),
    };
    queue_push(conn, &after, now_ms)?;
    let application = view::render(conn, &after, true)?;
    Ok(Ok((after, application)))
}

/// Queues the push message for `record`'s latest change (once per request,
/// after its last step).
pub(crate) fn queue_push(conn: &Connection, record: &Record, now_ms: i64) -> rusqlite::Result<()> {
    push::append(
        conn,
        &record.user_id,
        &push::message(
            &record.user_id,
            &record.application_no,
            record.status.as_str(),
            record.change_seq,
        ),
        now_ms,
    )
}

/// The materials of a supplement request: the ones asked for, each named
/// (by its slot in the form when the key is one), or the form's first
/// material slot when none is given.
fn requested_materials(record: &Record, asked: &[RequestedMaterial]) -> Vec<Value> {
    let slots = crate::forms::schema(&record.schema_id)
        .map(|schema| schema.material_slots)
        .unwrap_or_default();
    let slot_name = |key: &str| {
        slots
            .iter()
            .find(|slot| slot.key == key)
            .map(|slot| slot.name.clone())
    };
    let asked: Vec<RequestedMaterial> = if asked.is_empty() {
        slots
            .first()
            .map(|slot| RequestedMaterial {
                key: slot.key.clone(),
                name: Some(slot.name.clone()),
                reason: None,
            })
            .into_iter()
            .collect()
    } else {
        asked.to_vec()
    };
    asked
        .into_iter()
        .map(|material| {
            let name = material
                .name
                .clone()
                .or_else(|| slot_name(&material.key))
                .unwrap_or_else(|| material.key.clone());
            json!({
                "key": material.key,
                "name": name,
                "reason": material.reason.unwrap_or_else(|| "材料不清晰或不完整，请重新提供".to_owned()),
            })
        })
        .collect()
}

/// Issues the electronic licence the application results in and signs it.
fn deliver_licence(
    conn: &Connection,
    record: &Record,
    details: &Details,
    keys: &IssuerKeys,
    now_ms: i64,
) -> Result<Value, StepError> {
    let licence_type = details
        .licence_type
        .clone()
        .or_else(|| licence_type_issued(&record.guide_name).map(str::to_owned))
        .ok_or_else(|| {
            StepError::Refused(
                "This item issues no licence type the licence library knows; give licence_type \
                 or deliver by courier."
                    .to_owned(),
            )
        })?;
    let issuer = details
        .department
        .clone()
        .unwrap_or_else(|| record.department_name.clone());
    let id = licences::issue::issue_for_application(
        conn,
        &record.user_id,
        &licence_type,
        &record.application_no,
        &issuer,
        now_ms,
    )?
    .ok_or_else(|| {
        StepError::Refused(
            "The applicant has no verified identity (or company) to hold a licence; deliver by \
             courier."
                .to_owned(),
        )
    })?;
    licences::sign::ensure_signed(conn, keys, &record.user_id)?;
    Ok(json!({ "method": "licence", "licence_id": id, "licence_type": licence_type }))
}

/// Whether a licence can be delivered for `record` without being told
/// which: the item issues a known type and the user can hold it.
pub(crate) fn licence_deliverable(conn: &Connection, record: &Record) -> rusqlite::Result<bool> {
    let Some(licence_type) = licence_type_issued(&record.guide_name) else {
        return Ok(false);
    };
    let sql = if licence_type == licences::issue::BUSINESS_LICENCE {
        "SELECT EXISTS (SELECT 1 FROM companies WHERE user_id = ?1)"
    } else {
        "SELECT EXISTS (SELECT 1 FROM users WHERE id = ?1 AND tier = 'verified' \
         AND id_number IS NOT NULL)"
    };
    conn.prepare_cached(sql)?
        .query_row([&record.user_id], |row| row.get(0))
}

fn optional_json(value: &Option<Value>) -> Option<String> {
    value.as_ref().map(Value::to_string)
}

/// Writes the workflow columns of `record`.
fn save(conn: &Connection, record: &Record) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE applications SET status = ?2, change_seq = ?3, updated_at_ms = ?4, \
         accepted_at_ms = ?5, suspended_days = ?6, supplement_requested_at_ms = ?7, \
         supplement_json = ?8, decision_json = ?9, fee_json = ?10, delivery_json = ?11, \
         completed_at_ms = ?12 WHERE application_no = ?1",
    )?
    .execute(params![
        record.application_no,
        record.status.as_str(),
        record.change_seq,
        record.updated_at_ms,
        record.accepted_at_ms,
        record.suspended_days,
        record.supplement_requested_at_ms,
        optional_json(&record.supplement),
        optional_json(&record.decision),
        optional_json(&record.fee),
        optional_json(&record.delivery),
        record.completed_at_ms
    ])?;
    Ok(())
}

/// The status after `record`'s happy-path step, or why there is none:
/// `None` in `supplement_required` (the applicant must answer) and in a
/// final status.
pub(crate) fn happy_path_step(
    conn: &Connection,
    record: &Record,
) -> rusqlite::Result<Option<Action>> {
    let licence = record.status == Status::Completed && licence_deliverable(conn, record)?;
    Ok(workflow::happy_path_step(
        record.status,
        record.facts(),
        licence,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_licence_an_item_issues() {
        assert_eq!(licence_type_issued("居民身份证换领"), Some("居民身份证"));
        assert_eq!(
            licence_type_issued("临时居民身份证办理"),
            Some("居民身份证")
        );
        assert_eq!(
            licence_type_issued("企业设立登记（营业执照）"),
            Some("营业执照")
        );
        assert_eq!(
            licence_type_issued("药品经营许可证换证"),
            Some("药品经营许可证")
        );
        assert_eq!(licence_type_issued("补领结婚证"), Some("结婚证"));
        assert_eq!(licence_type_issued("企业注销登记"), None);
        assert_eq!(licence_type_issued("户口迁移"), None);
    }
}
