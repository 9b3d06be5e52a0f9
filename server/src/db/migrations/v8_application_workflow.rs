//! Version 8: the application workflow (issue 9). Applications get every
//! status of the workflow, a place in one server-wide change sequence, the
//! department, the time limits and what each step decided; every step is a
//! timeline row; an application taken out of a user's list leaves a
//! tombstone; the push data messages the platform would send are kept in an
//! outbox.
//!
//! The status CHECK of version 5 only allows `submitted`, and SQLite can't
//! change a CHECK in place, so `applications` is rebuilt: copied aside,
//! dropped, created anew and filled back. `idempotency_keys` and `drafts`
//! reference it; with foreign keys deferred, dropping the table leaves their
//! rows dangling for a moment, and refilling it settles them again before
//! the migration commits.

use rusqlite::Transaction;

const SCHEMA: &str = "
PRAGMA defer_foreign_keys = ON;

CREATE TABLE applications_before_v8 AS SELECT * FROM applications;
DROP TABLE applications;

-- One application. change_seq is its place in the server-wide sequence of
-- application changes (application_feed.last_seq hands them out); every
-- change takes a new one. promised_days and legal_days are the guide's time
-- limits in working days, copied at submission; suspended_days counts the
-- working days spent waiting for supplements. The *_json columns hold the
-- open supplement request, the decision, the fee and the delivery as the
-- API shows them. archived_at_ms: taken out of the owner's list (a
-- tombstone says so); the row stays for the keys and drafts naming it.
CREATE TABLE applications (
    application_no           TEXT PRIMARY KEY NOT NULL,
    user_id                  TEXT NOT NULL REFERENCES users(id),
    guide_code               TEXT NOT NULL,
    guide_name               TEXT NOT NULL,
    schema_id                TEXT NOT NULL,
    status                   TEXT NOT NULL CHECK (status IN ('submitted', 'accepted',
                                 'not_accepted', 'supplement_required', 'under_review',
                                 'decided', 'completed', 'delivered', 'withdrawn')),
    values_json              TEXT NOT NULL,
    materials_json           TEXT NOT NULL,
    draft_id                 TEXT,
    submitted_at_ms          INTEGER NOT NULL,
    department_name          TEXT NOT NULL,
    change_seq               INTEGER NOT NULL,
    updated_at_ms            INTEGER NOT NULL,
    promised_days            INTEGER NOT NULL,
    legal_days               INTEGER NOT NULL,
    accepted_at_ms           INTEGER,
    suspended_days           INTEGER NOT NULL DEFAULT 0,
    supplement_requested_at_ms INTEGER,
    supplement_json          TEXT,
    decision_json            TEXT,
    fee_json                 TEXT,
    delivery_json            TEXT,
    completed_at_ms          INTEGER,
    archived_at_ms           INTEGER
) STRICT;
CREATE INDEX applications_by_user ON applications(user_id, submitted_at_ms);
CREATE INDEX applications_by_user_change ON applications(user_id, change_seq);

INSERT INTO applications (application_no, user_id, guide_code, guide_name, schema_id, status,
    values_json, materials_json, draft_id, submitted_at_ms, department_name, change_seq,
    updated_at_ms, promised_days, legal_days)
SELECT a.application_no, a.user_id, a.guide_code, a.guide_name, a.schema_id, a.status,
    a.values_json, a.materials_json, a.draft_id, a.submitted_at_ms,
    coalesce(json_extract(g.body, '$.department_name'), ''),
    row_number() OVER (ORDER BY a.submitted_at_ms, a.application_no),
    a.submitted_at_ms,
    coalesce(json_extract(g.body, '$.promised_time_limit_days'), 0),
    coalesce(json_extract(g.body, '$.legal_time_limit_days'), 0)
FROM applications_before_v8 a LEFT JOIN catalog_guides g ON g.code = a.guide_code;
DROP TABLE applications_before_v8;

-- The sequence and the compaction horizon: a change cursor (or a
-- Last-Event-ID) below horizon_seq may have missed a dropped tombstone.
CREATE TABLE application_feed (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq      INTEGER NOT NULL,
    horizon_seq   INTEGER NOT NULL,
    horizon_at_ms INTEGER
) STRICT;
INSERT INTO application_feed (id, last_seq, horizon_seq)
    VALUES (1, (SELECT count(*) FROM applications), 0);

-- One step of an application: seq counts from 1 per application.
CREATE TABLE application_timeline (
    application_no TEXT NOT NULL REFERENCES applications(application_no),
    seq            INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    at_ms          INTEGER NOT NULL,
    department     TEXT NOT NULL,
    comment        TEXT NOT NULL,
    details_json   TEXT NOT NULL,
    PRIMARY KEY (application_no, seq)
) STRICT;
INSERT INTO application_timeline (application_no, seq, kind, at_ms, department, comment,
    details_json)
SELECT application_no, 1, 'submitted', submitted_at_ms, department_name, '', '{}'
FROM applications;

-- An application taken out of its owner's list, until a compaction drops
-- the tombstone (and moves the horizon past it).
CREATE TABLE application_tombstones (
    application_no TEXT PRIMARY KEY NOT NULL REFERENCES applications(application_no),
    user_id        TEXT NOT NULL REFERENCES users(id),
    change_seq     INTEGER NOT NULL,
    removed_at_ms  INTEGER NOT NULL
) STRICT;
CREATE INDEX application_tombstones_by_user ON application_tombstones(user_id, change_seq);

-- The data messages (FCM/APNs) the platform would have pushed to a user's
-- devices: a flat string map as JSON. Only the newest few per user stay.
CREATE TABLE push_outbox (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       TEXT NOT NULL REFERENCES users(id),
    data_json     TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX push_outbox_by_user ON push_outbox(user_id, id);

-- A licence delivered as the result of an application (deliver_licence)
-- names it. Those are new licences beside the ones the holder's identity
-- comes with, so only the latter stay one per (user, type, holder).
ALTER TABLE licences ADD COLUMN application_no TEXT REFERENCES applications(application_no);
DROP INDEX licences_by_user_type_holder;
CREATE UNIQUE INDEX licences_by_user_type_holder ON licences(user_id, licence_type, holder)
    WHERE application_no IS NULL;
";

pub(super) fn apply(tx: &Transaction<'_>) -> anyhow::Result<()> {
    tx.execute_batch(SCHEMA)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::super::MIGRATIONS;

    /// A version 7 database with a submitted application, its key and the
    /// draft it closed migrates: the row keeps its answers and gets a
    /// sequence number, the department and a `submitted` timeline entry.
    #[test]
    fn submitted_applications_of_version_7_migrate() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        for migration in MIGRATIONS.iter().filter(|m| m.version < 8) {
            let tx = conn.transaction().unwrap();
            (migration.apply)(&tx).unwrap();
            tx.pragma_update(None, "user_version", migration.version)
                .unwrap();
            tx.commit().unwrap();
        }
        conn.execute_batch(
            "INSERT INTO users (id, phone, tier, created_at_ms) \
                 VALUES ('u_1', '13800000001', 'registered', 0);
             INSERT INTO applications (application_no, user_id, guide_code, guide_name, \
                 schema_id, status, values_json, materials_json, draft_id, submitted_at_ms) \
                 VALUES ('YN2026011500000001', 'u_1', 'GA001-530102', '居民身份证换领', \
                 'GA001.v1', 'submitted', '{\"a\":1}', '[]', 'd1', 1000);
             INSERT INTO idempotency_keys (user_id, key, fingerprint, status, body, \
                 application_no, created_at_ms) \
                 VALUES ('u_1', 'k', x'00', 201, '{}', 'YN2026011500000001', 1000);
             INSERT INTO drafts (user_id, id, revision, deleted, guide_code, schema_id, \
                 values_json, materials_json, updated_at_ms, synced_at_ms, application_no) \
                 VALUES ('u_1', 'd1', 2, 1, 'GA001-530102', 'GA001.v1', '{}', '[]', 1, 1000, \
                 'YN2026011500000001');",
        )
        .unwrap();
        super::super::migrate(&mut conn).unwrap();
        let (status, seq, values, entries): (String, i64, String, i64) = conn
            .query_row(
                "SELECT status, change_seq, values_json, \
                 (SELECT count(*) FROM application_timeline t \
                  WHERE t.application_no = a.application_no AND t.kind = 'submitted') \
                 FROM applications a",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
            )
            .unwrap();
        assert_eq!(
            (status.as_str(), seq, values.as_str(), entries),
            ("submitted", 1, "{\"a\":1}", 1)
        );
        let last: i64 = conn
            .query_row("SELECT last_seq FROM application_feed", [], |row| {
                row.get(0)
            })
            .unwrap();
        assert_eq!(last, 1);
        let violations: i64 = conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |row| {
                row.get(0)
            })
            .unwrap();
        assert_eq!(violations, 0);
    }
}
