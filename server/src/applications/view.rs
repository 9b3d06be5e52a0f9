//! An application as the API shows it (one JSON shape everywhere: the
//! change feed, the live events, `GET /api/v1/applications/{no}` and the
//! answers of the actions), read from its row and timeline.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

use super::deadlines::Deadlines;
use super::workflow::{Facts, Status};
use crate::clock::rfc3339_utc;

/// An application's row, as the workflow needs it.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub(crate) application_no: String,
    pub(crate) user_id: String,
    pub(crate) guide_code: String,
    pub(crate) guide_name: String,
    pub(crate) schema_id: String,
    pub(crate) status: Status,
    pub(crate) values: serde_json::Value,
    pub(crate) materials: serde_json::Value,
    pub(crate) draft_id: Option<String>,
    pub(crate) submitted_at_ms: i64,
    pub(crate) department_name: String,
    pub(crate) change_seq: i64,
    pub(crate) updated_at_ms: i64,
    pub(crate) promised_days: u32,
    pub(crate) legal_days: u32,
    pub(crate) accepted_at_ms: Option<i64>,
    pub(crate) suspended_days: u32,
    pub(crate) supplement_requested_at_ms: Option<i64>,
    pub(crate) supplement: Option<serde_json::Value>,
    pub(crate) decision: Option<serde_json::Value>,
    pub(crate) fee: Option<serde_json::Value>,
    pub(crate) delivery: Option<serde_json::Value>,
    pub(crate) completed_at_ms: Option<i64>,
}

pub(crate) const COLUMNS: &str = "application_no, user_id, guide_code, guide_name, schema_id, \
    status, values_json, materials_json, draft_id, submitted_at_ms, department_name, change_seq, \
    updated_at_ms, promised_days, legal_days, accepted_at_ms, suspended_days, \
    supplement_requested_at_ms, supplement_json, decision_json, fee_json, delivery_json, \
    completed_at_ms";

fn json(text: Option<String>) -> Option<serde_json::Value> {
    text.and_then(|text| serde_json::from_str(&text).ok())
}

pub(crate) fn from_row(row: &Row<'_>) -> rusqlite::Result<Record> {
    let status: String = row.get(5)?;
    let status = Status::parse(&status).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            5,
            rusqlite::types::Type::Text,
            format!("unknown status {status}").into(),
        )
    })?;
    Ok(Record {
        application_no: row.get(0)?,
        user_id: row.get(1)?,
        guide_code: row.get(2)?,
        guide_name: row.get(3)?,
        schema_id: row.get(4)?,
        status,
        values: json(row.get(6)?).unwrap_or(serde_json::Value::Null),
        materials: json(row.get(7)?).unwrap_or(serde_json::Value::Null),
        draft_id: row.get(8)?,
        submitted_at_ms: row.get(9)?,
        department_name: row.get(10)?,
        change_seq: row.get(11)?,
        updated_at_ms: row.get(12)?,
        promised_days: row.get(13)?,
        legal_days: row.get(14)?,
        accepted_at_ms: row.get(15)?,
        suspended_days: row.get(16)?,
        supplement_requested_at_ms: row.get(17)?,
        supplement: json(row.get(18)?),
        decision: json(row.get(19)?),
        fee: json(row.get(20)?),
        delivery: json(row.get(21)?),
        completed_at_ms: row.get(22)?,
    })
}

impl Record {
    /// What the workflow needs to know of the decision and the fee.
    pub(crate) fn facts(&self) -> Facts {
        Facts {
            approved: self
                .decision
                .as_ref()
                .and_then(|decision| decision["outcome"].as_str())
                .map(|outcome| outcome == "approved"),
            fee_unpaid: self
                .fee
                .as_ref()
                .is_some_and(|fee| fee["paid_at"].is_null()),
        }
    }

    /// `supplement` or `fee` when the applicant has to act.
    pub(crate) fn needs_action(&self) -> Option<&'static str> {
        match self.status {
            Status::SupplementRequired => Some("supplement"),
            Status::Decided if self.facts().approved == Some(true) && self.facts().fee_unpaid => {
                Some("fee")
            }
            _ => None,
        }
    }

    fn deadlines(&self) -> Option<Deadlines> {
        let accepted = self.accepted_at_ms?;
        (!matches!(self.status, Status::NotAccepted | Status::Withdrawn)).then(|| {
            Deadlines::new(
                accepted,
                self.promised_days,
                self.legal_days,
                self.suspended_days,
            )
        })
    }
}

/// The user's live (not archived) application `number`.
pub(crate) fn load(
    conn: &Connection,
    user_id: &str,
    number: &str,
) -> rusqlite::Result<Option<Record>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM applications \
         WHERE application_no = ?1 AND user_id = ?2 AND archived_at_ms IS NULL"
    ))?
    .query_row(params![number, user_id], from_row)
    .optional()
}

/// Application `number` whoever holds it (the dev routes).
pub(crate) fn load_any(conn: &Connection, number: &str) -> rusqlite::Result<Option<Record>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM applications WHERE application_no = ?1 AND archived_at_ms IS NULL"
    ))?
    .query_row([number], from_row)
    .optional()
}

/// One timeline entry.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Entry {
    pub(crate) seq: i64,
    pub(crate) kind: String,
    pub(crate) at: String,
    pub(crate) department: String,
    pub(crate) comment: String,
    pub(crate) details: serde_json::Value,
}

pub(crate) fn timeline(conn: &Connection, number: &str) -> rusqlite::Result<Vec<Entry>> {
    conn.prepare_cached(
        "SELECT seq, kind, at_ms, department, comment, details_json FROM application_timeline \
         WHERE application_no = ?1 ORDER BY seq",
    )?
    .query_map([number], |row| {
        let details: String = row.get(5)?;
        Ok(Entry {
            seq: row.get(0)?,
            kind: row.get(1)?,
            at: rfc3339_utc(row.get(2)?),
            department: row.get(3)?,
            comment: row.get(4)?,
            details: serde_json::from_str(&details).unwrap_or_default(),
        })
    })?
    .collect()
}

/// The submission's own answers, shown only by the single-application
/// read, not in the feed.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Submission {
    schema_id: String,
    draft_id: Option<String>,
    values: serde_json::Value,
    materials: serde_json::Value,
}

/// The application object of decision 0005.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Application {
    pub(crate) application_no: String,
    pub(crate) status: &'static str,
    pub(crate) guide_code: String,
    pub(crate) guide_name: String,
    pub(crate) department_name: String,
    pub(crate) submitted_at: String,
    pub(crate) updated_at: String,
    pub(crate) change_seq: i64,
    pub(crate) deadlines: Option<Deadlines>,
    pub(crate) supplement: Option<serde_json::Value>,
    pub(crate) decision: Option<serde_json::Value>,
    pub(crate) fee: Option<serde_json::Value>,
    pub(crate) delivery: Option<serde_json::Value>,
    pub(crate) completed_at: Option<String>,
    pub(crate) needs_action: Option<&'static str>,
    pub(crate) can_withdraw: bool,
    pub(crate) timeline: Vec<Entry>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub(crate) submission: Option<Submission>,
}

/// The object for `record`, its timeline read; with the submission's
/// answers when `with_submission`.
pub(crate) fn render(
    conn: &Connection,
    record: &Record,
    with_submission: bool,
) -> rusqlite::Result<Application> {
    Ok(Application {
        application_no: record.application_no.clone(),
        status: record.status.as_str(),
        guide_code: record.guide_code.clone(),
        guide_name: record.guide_name.clone(),
        department_name: record.department_name.clone(),
        submitted_at: rfc3339_utc(record.submitted_at_ms),
        updated_at: rfc3339_utc(record.updated_at_ms),
        change_seq: record.change_seq,
        deadlines: record.deadlines(),
        // An answered request is history (in the timeline), not an open one.
        supplement: (record.status == Status::SupplementRequired)
            .then(|| record.supplement.clone())
            .flatten(),
        decision: record.decision.clone(),
        fee: record.fee.clone(),
        delivery: record.delivery.clone(),
        completed_at: record.completed_at_ms.map(rfc3339_utc),
        needs_action: record.needs_action(),
        can_withdraw: record.status.can_withdraw(),
        timeline: timeline(conn, &record.application_no)?,
        submission: with_submission.then(|| Submission {
            schema_id: record.schema_id.clone(),
            draft_id: record.draft_id.clone(),
            values: record.values.clone(),
            materials: record.materials.clone(),
        }),
    })
}
