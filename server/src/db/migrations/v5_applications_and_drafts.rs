//! Version 5: submitted applications (办件), the idempotency keys their
//! submissions carry, and application drafts synced between a user's
//! devices.

use rusqlite::Transaction;

const SCHEMA: &str = "
-- One submitted application. values_json and materials_json are the form's
-- answers and material fills as validated at submission.
CREATE TABLE applications (
    application_no  TEXT PRIMARY KEY NOT NULL,
    user_id         TEXT NOT NULL REFERENCES users(id),
    guide_code      TEXT NOT NULL,
    guide_name      TEXT NOT NULL,
    schema_id       TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('submitted')),
    values_json     TEXT NOT NULL,
    materials_json  TEXT NOT NULL,
    draft_id        TEXT,
    submitted_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX applications_by_user ON applications(user_id, submitted_at_ms);

-- The answer a submission got, kept 24 hours under the user's key so a
-- retried request gets it again instead of a second application. The
-- unique index is what makes two racing inserts of one key impossible.
CREATE TABLE idempotency_keys (
    user_id        TEXT NOT NULL REFERENCES users(id),
    key            TEXT NOT NULL,
    fingerprint    BLOB NOT NULL,
    status         INTEGER NOT NULL,
    body           TEXT NOT NULL,
    application_no TEXT NOT NULL REFERENCES applications(application_no),
    created_at_ms  INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX idempotency_keys_by_user_key ON idempotency_keys(user_id, key);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys(created_at_ms);

-- A draft, keyed by its owner and the id the client chose. A deleted draft
-- stays as a tombstone (deleted = 1, answers dropped) so the owner's other
-- devices learn of it. synced_at_ms is the server's clock at the write;
-- updated_at_ms is the client's.
CREATE TABLE drafts (
    user_id        TEXT NOT NULL REFERENCES users(id),
    id             TEXT NOT NULL,
    revision       INTEGER NOT NULL,
    deleted        INTEGER NOT NULL CHECK (deleted IN (0, 1)),
    guide_code     TEXT NOT NULL,
    schema_id      TEXT NOT NULL,
    title          TEXT,
    values_json    TEXT NOT NULL,
    materials_json TEXT NOT NULL,
    updated_at_ms  INTEGER NOT NULL,
    synced_at_ms   INTEGER NOT NULL,
    application_no TEXT REFERENCES applications(application_no),
    PRIMARY KEY (user_id, id)
) STRICT;
CREATE INDEX drafts_by_user_synced ON drafts(user_id, synced_at_ms);
";

pub(super) fn apply(tx: &Transaction<'_>) -> anyhow::Result<()> {
    tx.execute_batch(SCHEMA)?;
    Ok(())
}
