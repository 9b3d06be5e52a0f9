//! Version 7: licences signed by the platform as issuer (issue 8), the
//! status lists that revoke them, registered devices and online
//! presentation tokens.
//!
//! The issuer's private keys are files in the data dir (owner-only), not
//! rows: a copy of the database (a backup, a bug report) must not carry
//! them.

use rusqlite::Transaction;

const SCHEMA: &str = "
-- A licence row issued before version 7 gets its signature the first time
-- its holder lists it, so all of these start NULL.
-- suite: which issuer key signed `signed` (a COSE_Sign1).
-- claims: the claim values and their salts (JSON), which the holder gets
-- and the signed digests commit to.
-- status_list_id + status_index: its bit in a status list; revoked_at_ms
-- set flips that bit.
ALTER TABLE licences ADD COLUMN suite TEXT;
ALTER TABLE licences ADD COLUMN signed BLOB;
ALTER TABLE licences ADD COLUMN claims TEXT;
ALTER TABLE licences ADD COLUMN status_list_id TEXT;
ALTER TABLE licences ADD COLUMN status_index INTEGER;
ALTER TABLE licences ADD COLUMN revoked_at_ms INTEGER;
CREATE UNIQUE INDEX licences_by_status ON licences(status_list_id, status_index);

-- One status list per issuer suite (a verifier checks it with the key that
-- signed the licence). next_index hands out indexes; signed is the last
-- signature over its bits, NULL after a change until re-signed.
CREATE TABLE status_lists (
    id            TEXT PRIMARY KEY NOT NULL,
    suite         TEXT NOT NULL,
    next_index    INTEGER NOT NULL,
    signed        BLOB,
    signed_at_ms  INTEGER
) STRICT;

-- A device key registered by a user, and the certificate the issuer made
-- for it.
CREATE TABLE devices (
    id            TEXT PRIMARY KEY NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users(id),
    suite         TEXT NOT NULL,
    public_key    BLOB NOT NULL,
    certificate   BLOB NOT NULL,
    created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX devices_by_user ON devices(user_id);

-- An online presentation: a short token a verifier sends back to
-- POST /api/v1/verify, for one licence and the claims its holder chose to
-- show (a JSON array of names). Checked any number of times until it
-- expires; rows expired a while ago are deleted when new ones are made.
CREATE TABLE presentation_tokens (
    token         TEXT PRIMARY KEY NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users(id),
    licence_id    TEXT NOT NULL REFERENCES licences(id),
    disclose      TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX presentation_tokens_by_expiry ON presentation_tokens(expires_at_ms);
";

pub(super) fn apply(tx: &Transaction<'_>) -> anyhow::Result<()> {
    tx.execute_batch(SCHEMA)?;
    Ok(())
}
