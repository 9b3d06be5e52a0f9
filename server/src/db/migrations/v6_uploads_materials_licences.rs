//! Version 6: resumable uploads (tus), the material library they fill,
//! and the electronic licences issued to users.
//!
//! Bytes live in files under the data dir (`uploads/<id>`,
//! `materials/<id>`); these tables hold what those files are.

use rusqlite::Transaction;

const SCHEMA: &str = "
-- A file the platform keeps for a user. One per (user, sha256): a second
-- upload of the same bytes resolves to the first.
CREATE TABLE materials (
    id            TEXT PRIMARY KEY NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users(id),
    sha256        TEXT NOT NULL,
    size          INTEGER NOT NULL,
    media_type    TEXT NOT NULL CHECK (media_type IN ('jpeg', 'png', 'pdf')),
    filename      TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX materials_by_user_sha256 ON materials(user_id, sha256);
CREATE INDEX materials_by_user_created ON materials(user_id, created_at_ms);

-- One tus upload. upload_offset is the truth about how many bytes of the
-- file count: a crash after writing but before this row was updated leaves
-- extra bytes, cut off by the next PATCH. An expired upload stays a while
-- as a tombstone (its file deleted, expires_at_ms now the time it was
-- expired) so HEAD can answer 410, not 404.
-- received_bytes and patches count every PATCH body byte read and every
-- PATCH, kept or discarded, for the dev view.
CREATE TABLE uploads (
    id             TEXT PRIMARY KEY NOT NULL,
    user_id        TEXT NOT NULL REFERENCES users(id),
    upload_length  INTEGER NOT NULL,
    upload_offset  INTEGER NOT NULL,
    metadata       TEXT NOT NULL,
    filename       TEXT,
    filetype       TEXT,
    sha256         TEXT,
    state          TEXT NOT NULL CHECK (state IN ('receiving', 'finished', 'expired')),
    material_id    TEXT REFERENCES materials(id),
    received_bytes INTEGER NOT NULL,
    patches        INTEGER NOT NULL,
    created_at_ms  INTEGER NOT NULL,
    expires_at_ms  INTEGER NOT NULL
) STRICT;
CREATE INDEX uploads_by_state_expiry ON uploads(state, expires_at_ms);
CREATE INDEX uploads_by_user ON uploads(user_id);

-- An electronic licence (电子证照) issued to a user, for a holder: the
-- user's ID number or a company's credit code. Issued once per (user,
-- type, holder) when the platform learns the holder (verification, a
-- company added), the way a department's register would have them.
CREATE TABLE licences (
    id            TEXT PRIMARY KEY NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users(id),
    licence_type  TEXT NOT NULL,
    holder        TEXT NOT NULL,
    title         TEXT NOT NULL,
    issuer        TEXT NOT NULL,
    valid_until   TEXT,
    issued_at_ms  INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX licences_by_user_type_holder ON licences(user_id, licence_type, holder);
";

pub(super) fn apply(tx: &Transaction<'_>) -> anyhow::Result<()> {
    tx.execute_batch(SCHEMA)?;
    Ok(())
}
