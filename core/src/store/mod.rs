//! Opening SQLite: pragmas, migrations, the personal database's key, and
//! what to do when a file is damaged.
//!
//! Two databases, as the design says: `catalog.db` holds public data every
//! user shares (regions, departments, guides) and may be thrown away and
//! rebuilt at any time; `user-<id>.db` holds one person's data, is encrypted
//! with SQLCipher under a key kept in the SecretStore, and is never deleted
//! behind the user's back.

mod catalog_db;
mod connection;
mod database;
mod error;
mod migrations;
mod personal_db;
mod personal_dbs;
pub mod schema;

pub use catalog_db::open_catalog_db;
pub use database::Database;
pub use migrations::Migrations;
pub use personal_db::{PersonalDbFiles, open_personal_db};
pub use personal_dbs::PersonalDbs;
