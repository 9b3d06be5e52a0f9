//! Schema migrations, tracked by `PRAGMA user_version`.
//!
//! Migration N brings the database from version N-1 to N inside one
//! transaction, so a crash mid-migration leaves the previous version intact.
//! Seed data ships in the migration that creates its tables: a database is
//! seeded exactly once, on first start, and a restart never overwrites what
//! the platform has changed since. Never edit a released migration; add one.

mod v1_regions_and_departments;
mod v2_accounts_and_sign_ins;
mod v3_catalog;
mod v4_guide_form_schema;
mod v5_applications_and_drafts;
mod v6_uploads_materials_licences;
mod v7_licence_signing;
mod v8_application_workflow;

use rusqlite::{Connection, Transaction};

struct Migration {
    version: u32,
    apply: fn(&Transaction<'_>) -> anyhow::Result<()>,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        apply: v1_regions_and_departments::apply,
    },
    Migration {
        version: 2,
        apply: v2_accounts_and_sign_ins::apply,
    },
    Migration {
        version: 3,
        apply: v3_catalog::apply,
    },
    Migration {
        version: 4,
        apply: v4_guide_form_schema::apply,
    },
    Migration {
        version: 5,
        apply: v5_applications_and_drafts::apply,
    },
    Migration {
        version: 6,
        apply: v6_uploads_materials_licences::apply,
    },
    Migration {
        version: 7,
        apply: v7_licence_signing::apply,
    },
    Migration {
        version: 8,
        apply: v8_application_workflow::apply,
    },
];

/// The schema version this build of the server writes.
pub(crate) fn latest_version() -> u32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

pub(crate) fn migrate(conn: &mut Connection) -> anyhow::Result<()> {
    let current: u32 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let latest = latest_version();
    if current > latest {
        anyhow::bail!(
            "database is at schema version {current}, newer than this server's {latest}; \
             use a newer server or another data dir"
        );
    }
    for migration in MIGRATIONS.iter().filter(|m| m.version > current) {
        let tx = conn.transaction()?;
        (migration.apply)(&tx)?;
        tx.pragma_update(None, "user_version", migration.version)?;
        tx.commit()?;
        tracing::info!(version = migration.version, "applied database migration");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_consecutive_from_one() {
        for (index, migration) in MIGRATIONS.iter().enumerate() {
            assert_eq!(migration.version as usize, index + 1);
        }
    }

    #[test]
    fn migrating_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let regions: i64 = conn
            .query_row("SELECT count(*) FROM regions", [], |row| row.get(0))
            .unwrap();
        migrate(&mut conn).unwrap();
        let again: i64 = conn
            .query_row("SELECT count(*) FROM regions", [], |row| row.get(0))
            .unwrap();
        assert_eq!(regions, again);
        let version: u32 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .unwrap();
        assert_eq!(version, latest_version());
    }

    #[test]
    fn refuses_a_database_from_a_newer_server() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", latest_version() + 1)
            .unwrap();
        assert!(migrate(&mut conn).is_err());
    }
}
