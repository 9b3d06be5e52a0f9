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
]);

/// `user-<id>.db`: one person's data, encrypted at rest.
pub const PERSONAL: Migrations = Migrations(&[
    // 1: the user's settings on this device (preferred region, language, ...).
    "CREATE TABLE preferences (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at_ms INTEGER NOT NULL
     );",
]);
