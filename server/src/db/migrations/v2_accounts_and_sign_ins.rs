//! Version 2: accounts, SMS codes, password throttling and OAuth state
//! (sign-ins, refresh and access tokens, authorization codes).
//!
//! Times are Unix milliseconds from the server's clock. Tokens and codes are
//! stored only as SHA-256 hashes (BLOBs), never in plain text.

use rusqlite::Transaction;

const SCHEMA: &str = "
CREATE TABLE users (
    id             TEXT PRIMARY KEY NOT NULL,
    phone          TEXT NOT NULL UNIQUE,
    tier           TEXT NOT NULL CHECK (tier IN ('registered', 'verified')),
    password_hash  TEXT,
    real_name      TEXT,
    id_number      TEXT,
    verified_with  TEXT CHECK (verified_with IN ('bank_card', 'face')),
    created_at_ms  INTEGER NOT NULL,
    verified_at_ms INTEGER
) STRICT;

CREATE TABLE companies (
    user_id     TEXT NOT NULL REFERENCES users(id),
    uscc        TEXT NOT NULL,
    name        TEXT NOT NULL,
    added_at_ms INTEGER NOT NULL,
    PRIMARY KEY (user_id, uscc)
) STRICT;

-- One row per number: the latest code sent to it. code_hash is NULL once the
-- code was used or tried too often; sent_at_ms still paces the next send.
CREATE TABLE sms_codes (
    phone           TEXT PRIMARY KEY NOT NULL,
    code_hash       BLOB,
    sent_at_ms      INTEGER NOT NULL,
    expires_at_ms   INTEGER NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Keyed by the number tried, whether or not an account has it.
CREATE TABLE password_failures (
    phone           TEXT PRIMARY KEY NOT NULL,
    consecutive     INTEGER NOT NULL,
    last_failure_ms INTEGER NOT NULL
) STRICT;

-- One sign-in: the family of refresh tokens rotated from one grant, and the
-- access tokens issued with them. Revoking it ends them all.
CREATE TABLE sessions (
    id            TEXT PRIMARY KEY NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users(id),
    client_id     TEXT NOT NULL,
    scope         TEXT NOT NULL,
    acting_as     TEXT,
    created_at_ms INTEGER NOT NULL,
    revoked_at_ms INTEGER
) STRICT;
CREATE INDEX sessions_by_user ON sessions(user_id);

CREATE TABLE refresh_tokens (
    token_hash    BLOB PRIMARY KEY NOT NULL,
    session_id    TEXT NOT NULL REFERENCES sessions(id),
    expires_at_ms INTEGER NOT NULL,
    used_at_ms    INTEGER
) STRICT;
CREATE INDEX refresh_tokens_by_session ON refresh_tokens(session_id);

CREATE TABLE access_tokens (
    token_hash    BLOB PRIMARY KEY NOT NULL,
    session_id    TEXT NOT NULL REFERENCES sessions(id),
    scope         TEXT NOT NULL,
    expires_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX access_tokens_by_session ON access_tokens(session_id);

CREATE TABLE authorization_codes (
    code_hash      BLOB PRIMARY KEY NOT NULL,
    user_id        TEXT NOT NULL REFERENCES users(id),
    client_id      TEXT NOT NULL,
    redirect_uri   TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    scope          TEXT NOT NULL,
    expires_at_ms  INTEGER NOT NULL,
    used_at_ms     INTEGER,
    session_id     TEXT REFERENCES sessions(id)
) STRICT;
";

pub(super) fn apply(tx: &Transaction<'_>) -> anyhow::Result<()> {
    tx.execute_batch(SCHEMA)?;
    Ok(())
}
