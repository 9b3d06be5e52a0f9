//! The schemas of our two databases, as append-only migration steps.
//! Each domain's tables are added by a new step here; the domain's own
//! `store.rs` holds the queries.

use super::Migrations;

/// `catalog.db`: public data, shared by every user of the device.
pub const CATALOG: Migrations = Migrations(&[
    // 1: reference data (regions, departments) and when each list was fetched.
    "CREATE TABLE regions (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        parent_code TEXT,
        level TEXT NOT NULL
     );
     CREATE INDEX regions_parent ON regions(parent_code);
     CREATE TABLE departments (
        code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        region_code TEXT NOT NULL,
        level TEXT NOT NULL,
        kind TEXT NOT NULL
     );
     CREATE INDEX departments_region ON departments(region_code);
     CREATE TABLE fetch_state (
        resource TEXT PRIMARY KEY,
        fetched_at_ms INTEGER NOT NULL,
        etag TEXT
     );",
    // 2: the offline service-guide catalog and its search index
    // (catalog/guides, catalog/search; docs/decisions/0002-guide-search.md).
    "CREATE TABLE guides (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        department_code TEXT NOT NULL,
        department_name TEXT NOT NULL,
        material_names TEXT NOT NULL,
        revision INTEGER NOT NULL,
        body TEXT NOT NULL,
        generation INTEGER NOT NULL
     );
     CREATE INDEX guides_generation ON guides(generation);
     CREATE TABLE guide_facets (
        facet TEXT NOT NULL,
        guide_id INTEGER NOT NULL REFERENCES guides(id) ON DELETE CASCADE,
        PRIMARY KEY (facet, guide_id)
     ) WITHOUT ROWID;
     CREATE INDEX guide_facets_by_guide ON guide_facets(guide_id);
     CREATE VIRTUAL TABLE guide_index USING fts5(
        tokens, content='', contentless_delete=1, prefix='2',
        tokenize='unicode61 remove_diacritics 0'
     );
     CREATE TABLE guide_sync (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        cursor TEXT,
        generation INTEGER NOT NULL,
        full_pass_open INTEGER NOT NULL,
        last_synced_at_ms INTEGER,
        snapshot_etag TEXT
     );
     INSERT INTO guide_sync (id, cursor, generation, full_pass_open) VALUES (1, NULL, 0, 0);",
    // 3: application form schemas, cached for offline drafting (drafts/).
    "CREATE TABLE form_schemas (
        id TEXT PRIMARY KEY,
        body TEXT NOT NULL,
        etag TEXT,
        fetched_at_ms INTEGER NOT NULL
     );",
    // 4: the licence verifier's caches (licences/verifier): trusted issuer
    // keys, signed status lists with their fetch time, and the nonces of
    // presentations already seen, so a replay is refused after a restart.
    "CREATE TABLE trusted_issuers (
        kid BLOB PRIMARY KEY,
        suite TEXT NOT NULL,
        public_key BLOB NOT NULL,
        name TEXT NOT NULL,
        fetched_at_ms INTEGER NOT NULL
     );
     CREATE TABLE status_lists (
        id TEXT PRIMARY KEY,
        cose BLOB NOT NULL,
        fetched_at_ms INTEGER NOT NULL
     );
     CREATE TABLE seen_nonces (
        nonce BLOB PRIMARY KEY,
        until_ms INTEGER NOT NULL
     ) WITHOUT ROWID;
     CREATE INDEX seen_nonces_until ON seen_nonces(until_ms);",
]);

/// `user-<id>.db`: one person's data, encrypted at rest.
pub const PERSONAL: Migrations = Migrations(&[
    // 1: the user's settings on this device (preferred region, language, ...).
    "CREATE TABLE preferences (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at_ms INTEGER NOT NULL
     );",
    // 2: application drafts and the submission outbox (drafts/).
    "CREATE TABLE drafts (
        id TEXT PRIMARY KEY,
        guide_code TEXT NOT NULL,
        guide_name TEXT NOT NULL,
        schema_id TEXT NOT NULL,
        title TEXT NOT NULL,
        values_json TEXT NOT NULL,
        materials_json TEXT NOT NULL,
        revision INTEGER NOT NULL,
        synced_revision INTEGER NOT NULL,
        server_revision INTEGER,
        state TEXT NOT NULL,
        application_no TEXT,
        errors_json TEXT NOT NULL,
        submit_error TEXT,
        conflict_of TEXT,
        deleted INTEGER NOT NULL,
        created_at_ms INTEGER NOT NULL,
        updated_at_ms INTEGER NOT NULL
     );
     CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        draft_id TEXT NOT NULL,
        idempotency_key TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        next_attempt_at_ms INTEGER NOT NULL,
        last_error TEXT,
        created_at_ms INTEGER NOT NULL
     );",
    // 3: the material upload queue and the cached material library (materials/).
    "CREATE TABLE uploads (
        id TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        display_name TEXT NOT NULL,
        media_type TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        file_name TEXT,
        draft_id TEXT,
        slot_key TEXT,
        upload_url TEXT,
        confirmed_offset INTEGER NOT NULL,
        material_ref TEXT,
        reuse TEXT,
        attempts INTEGER NOT NULL,
        next_attempt_at_ms INTEGER NOT NULL,
        last_error TEXT,
        created_at_ms INTEGER NOT NULL,
        updated_at_ms INTEGER NOT NULL
     );
     CREATE INDEX uploads_by_state ON uploads(state, next_attempt_at_ms);
     CREATE TABLE material_library (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        body TEXT NOT NULL,
        fetched_at_ms INTEGER NOT NULL
     );",
    // 4: the user's electronic licences, synced for offline showing, and
    // the device certificates that bind this device's key to the user
    // (licences/).
    "CREATE TABLE licences (
        id TEXT PRIMARY KEY,
        licence_type TEXT NOT NULL,
        title TEXT NOT NULL,
        issuer TEXT NOT NULL,
        suite TEXT NOT NULL,
        cose BLOB NOT NULL,
        claims_json TEXT NOT NULL,
        valid_from TEXT,
        valid_until TEXT,
        status TEXT NOT NULL,
        status_list_id TEXT,
        status_list_index INTEGER,
        synced_at_ms INTEGER NOT NULL
     );
     CREATE TABLE licence_devices (
        suite TEXT PRIMARY KEY,
        device_id TEXT NOT NULL,
        public_key BLOB NOT NULL,
        certificate BLOB NOT NULL,
        expires_at_ms INTEGER,
        registered_at_ms INTEGER NOT NULL
     );",
    // 5: the user's applications as the platform last reported them, kept
    // for offline reading, and the change-feed cursor (applications/).
    // `body` is the platform's object as received; the other columns are
    // what the filters, the order and the sync need. `pass` marks the rows
    // a full resync saw, so the ones it did not see can be dropped.
    "CREATE TABLE applications (
        application_no TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        needs_action TEXT,
        is_final INTEGER NOT NULL,
        submitted_at_ms INTEGER NOT NULL,
        updated_at_ms INTEGER NOT NULL,
        promised_due_at_ms INTEGER,
        change_seq INTEGER NOT NULL,
        body TEXT NOT NULL,
        pass INTEGER NOT NULL,
        stored_at_ms INTEGER NOT NULL
     );
     CREATE INDEX applications_by_update ON applications(updated_at_ms DESC);
     CREATE TABLE application_sync (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        cursor TEXT,
        pass INTEGER NOT NULL,
        full_pass_open INTEGER NOT NULL,
        last_full_sync_at_ms INTEGER,
        last_synced_at_ms INTEGER
     );
     INSERT INTO application_sync (id, cursor, pass, full_pass_open) VALUES (1, NULL, 0, 0);",
    // 6: answers to supplement requests (补正), which are drafts: the
    // request each answers and the form made for it on the device
    // (drafts/supplement/). The draft is a row of `drafts`; an outbox row
    // whose draft is here goes to the application's supplement endpoint.
    "CREATE TABLE supplement_forms (
        schema_id TEXT PRIMARY KEY,
        draft_id TEXT NOT NULL UNIQUE,
        application_no TEXT NOT NULL,
        request_seq INTEGER NOT NULL,
        request_json TEXT NOT NULL,
        schema_json TEXT NOT NULL,
        superseded INTEGER NOT NULL,
        created_at_ms INTEGER NOT NULL
     );
     CREATE INDEX supplement_forms_by_application
        ON supplement_forms(application_no, request_seq);",
]);
