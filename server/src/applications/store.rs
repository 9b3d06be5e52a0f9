//! Submitted applications: the race-free submission (application, key and
//! draft, first timeline entry and push message in one transaction) and the
//! list the dev route shows.

use rusqlite::{Connection, TransactionBehavior, params};
use serde::Serialize;

use super::idempotency::{self, Stored};
use super::number::new_number;
use super::{drafts, feed, push};
use crate::clock::rfc3339_utc;

/// A validated submission, ready to store.
pub(crate) struct NewApplication {
    pub(crate) user_id: String,
    pub(crate) idempotency_key: String,
    pub(crate) fingerprint: Vec<u8>,
    pub(crate) guide_code: String,
    pub(crate) guide_name: String,
    pub(crate) schema_id: String,
    pub(crate) values: serde_json::Value,
    pub(crate) materials: serde_json::Value,
    pub(crate) draft_id: Option<String>,
    /// The guide's department and time limits (working days), kept with
    /// the application so a later change of the guide doesn't move them.
    pub(crate) department_name: String,
    pub(crate) promised_days: u32,
    pub(crate) legal_days: u32,
}

/// What `POST /api/v1/applications` answers with 201 (and replays).
#[derive(Serialize)]
struct Receipt<'a> {
    application_no: &'a str,
    status: &'static str,
    guide_code: &'a str,
    submitted_at: String,
    draft_id: Option<&'a str>,
}

pub(crate) enum Submitted {
    /// A new application and its `change_seq`; the answer is also stored
    /// under the key.
    Created(Stored, i64),
    /// The key was used before with the same body: its stored answer.
    Replayed(Stored),
    /// The key was used before with another body.
    KeyReused,
}

/// Stores the application and its key's answer, or finds the key's earlier
/// answer. One immediate transaction: the write lock is taken before the
/// key is looked up, so of two requests with one key the second sees the
/// first's row (and the unique index on the key would refuse a second row
/// even so). A draft named by `draft_id` that the user still has is
/// closed in the same transaction: it becomes a tombstone naming the
/// application, so the user's other devices learn it was submitted.
pub(crate) fn submit(
    conn: &mut Connection,
    new: &NewApplication,
    now_ms: i64,
) -> rusqlite::Result<Submitted> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    idempotency::purge_expired(&tx, now_ms)?;
    if let Some(stored) = idempotency::lookup(&tx, &new.user_id, &new.idempotency_key, now_ms)? {
        return Ok(if stored.fingerprint == new.fingerprint {
            Submitted::Replayed(stored)
        } else {
            Submitted::KeyReused
        });
    }
    let number = new_number(&tx, now_ms)?;
    let change_seq = feed::next_seq(&tx)?;
    tx.prepare_cached(
        "INSERT INTO applications (application_no, user_id, guide_code, guide_name, schema_id, \
             status, values_json, materials_json, draft_id, submitted_at_ms, department_name, \
             change_seq, updated_at_ms, promised_days, legal_days) \
         VALUES (?1, ?2, ?3, ?4, ?5, 'submitted', ?6, ?7, ?8, ?9, ?10, ?11, ?9, ?12, ?13)",
    )?
    .execute(params![
        number,
        new.user_id,
        new.guide_code,
        new.guide_name,
        new.schema_id,
        new.values.to_string(),
        new.materials.to_string(),
        new.draft_id,
        now_ms,
        new.department_name,
        change_seq,
        new.promised_days,
        new.legal_days
    ])?;
    tx.prepare_cached(
        "INSERT INTO application_timeline (application_no, seq, kind, at_ms, department, \
             comment, details_json) VALUES (?1, 1, 'submitted', ?2, ?3, '', '{}')",
    )?
    .execute(params![number, now_ms, new.department_name])?;
    push::append(
        &tx,
        &new.user_id,
        &push::message(&new.user_id, &number, "submitted", change_seq),
        now_ms,
    )?;
    let receipt = Receipt {
        application_no: &number,
        status: "submitted",
        guide_code: &new.guide_code,
        submitted_at: rfc3339_utc(now_ms),
        draft_id: new.draft_id.as_deref(),
    };
    let stored = Stored {
        fingerprint: new.fingerprint.clone(),
        status: 201,
        body: serde_json::to_string(&receipt)
            .map_err(|error| rusqlite::Error::ToSqlConversionFailure(Box::new(error)))?,
        application_no: number.clone(),
    };
    idempotency::store(&tx, &new.user_id, &new.idempotency_key, &stored, now_ms)?;
    if let Some(draft_id) = &new.draft_id {
        drafts::close_for_application(&tx, &new.user_id, draft_id, &number, now_ms)?;
    }
    tx.commit()?;
    Ok(Submitted::Created(stored, change_seq))
}

/// An application as the dev route lists it: who, what, when; no answers.
#[derive(Serialize)]
pub(crate) struct Listed {
    application_no: String,
    user_id: String,
    guide_code: String,
    status: String,
    submitted_at: String,
}

/// Every application (of `user_id`, or of everyone), oldest first.
pub(crate) fn list(conn: &Connection, user_id: Option<&str>) -> rusqlite::Result<Vec<Listed>> {
    conn.prepare_cached(
        "SELECT application_no, user_id, guide_code, status, submitted_at_ms FROM applications \
         WHERE ?1 IS NULL OR user_id = ?1 ORDER BY submitted_at_ms, application_no",
    )?
    .query_map(params![user_id], |row| {
        Ok(Listed {
            application_no: row.get(0)?,
            user_id: row.get(1)?,
            guide_code: row.get(2)?,
            status: row.get(3)?,
            submitted_at: rfc3339_utc(row.get(4)?),
        })
    })?
    .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::clock::ms;

    fn new(fingerprint: u8) -> NewApplication {
        NewApplication {
            user_id: "u_0000000000000001".into(),
            idempotency_key: "key-1".into(),
            fingerprint: vec![fingerprint; 32],
            guide_code: "GA001-530102".into(),
            guide_name: "居民身份证换领".into(),
            schema_id: "GA001.v1".into(),
            values: json!({}),
            materials: json!([]),
            draft_id: None,
            department_name: "昆明市公安局五华分局".into(),
            promised_days: 5,
            legal_days: 20,
        }
    }

    /// The checks inside the transaction, which settle requests that passed
    /// the handler's first look-up together.
    #[test]
    fn the_transaction_replays_refuses_and_forgets() {
        let mut conn = crate::db::open_in_memory();
        conn.execute(
            "INSERT INTO users (id, phone, tier, created_at_ms)              VALUES ('u_0000000000000001', '13800000001', 'registered', 0)",
            [],
        )
        .unwrap();
        let now = 1_767_225_600_000;
        let Submitted::Created(first, _) = submit(&mut conn, &new(1), now).unwrap() else {
            panic!("not created")
        };
        let Submitted::Replayed(again) = submit(&mut conn, &new(1), now + 1).unwrap() else {
            panic!("not replayed")
        };
        assert_eq!((again.status, &again.body), (201, &first.body));
        assert!(matches!(
            submit(&mut conn, &new(2), now + 2).unwrap(),
            Submitted::KeyReused
        ));
        let later = now + ms(idempotency::TTL);
        let Submitted::Created(fresh, _) = submit(&mut conn, &new(2), later).unwrap() else {
            panic!("not created after the key expired")
        };
        assert_ne!(fresh.application_no, first.application_no);
        assert_eq!(list(&conn, None).unwrap().len(), 2);
    }
}
