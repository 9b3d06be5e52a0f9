//! Reference data in `catalog.db`. A fetched list replaces the cached one in
//! a single transaction, so readers see either the old list or the new one.

use rusqlite::{Connection, OptionalExtension, params};
use serde::de::DeserializeOwned;

use super::model::{Department, Region};
use crate::error::{Error, Result};
use crate::time_util::now_ms;

pub(super) const REGIONS: &str = "regions";
pub(super) const DEPARTMENTS: &str = "departments";

pub(super) fn replace_regions(conn: &mut Connection, regions: &[Region]) -> Result<()> {
    let tx = conn.transaction()?;
    tx.execute("DELETE FROM regions", [])?;
    {
        let mut insert = tx.prepare(
            "INSERT INTO regions (code, name, parent_code, level) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for r in regions {
            insert.execute(params![r.code, r.name, r.parent_code, r.level.as_str()])?;
        }
    }
    mark_fetched(&tx, REGIONS)?;
    tx.commit()?;
    Ok(())
}

pub(super) fn load_regions(conn: &Connection) -> Result<Vec<Region>> {
    let mut query =
        conn.prepare("SELECT code, name, parent_code, level FROM regions ORDER BY code")?;
    let rows = query.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Option<String>>(2)?,
            row.get::<_, String>(3)?,
        ))
    })?;
    rows.map(|row| {
        let (code, name, parent_code, level) = row?;
        Ok(Region {
            code,
            name,
            parent_code,
            level: parse_enum(&level)?,
        })
    })
    .collect()
}

pub(super) fn replace_departments(conn: &mut Connection, departments: &[Department]) -> Result<()> {
    let tx = conn.transaction()?;
    tx.execute("DELETE FROM departments", [])?;
    {
        let mut insert = tx.prepare(
            "INSERT INTO departments (code, name, region_code, level, kind) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for d in departments {
            insert.execute(params![
                d.code,
                d.name,
                d.region_code,
                d.level.as_str(),
                d.kind
            ])?;
        }
    }
    mark_fetched(&tx, DEPARTMENTS)?;
    tx.commit()?;
    Ok(())
}

pub(super) fn load_departments(conn: &Connection, region: Option<&str>) -> Result<Vec<Department>> {
    let mut query = conn.prepare(
        "SELECT code, name, region_code, level, kind FROM departments
         WHERE ?1 IS NULL OR region_code = ?1 ORDER BY region_code, code",
    )?;
    let rows = query.query_map([region], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, String>(4)?,
        ))
    })?;
    rows.map(|row| {
        let (code, name, region_code, level, kind) = row?;
        Ok(Department {
            code,
            name,
            region_code,
            level: parse_enum(&level)?,
            kind,
        })
    })
    .collect()
}

pub(super) fn fetched_at_ms(conn: &Connection, resource: &str) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT fetched_at_ms FROM fetch_state WHERE resource = ?1",
            [resource],
            |row| row.get(0),
        )
        .optional()?)
}

fn mark_fetched(conn: &Connection, resource: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO fetch_state (resource, fetched_at_ms) VALUES (?1, ?2)
         ON CONFLICT(resource) DO UPDATE SET fetched_at_ms = excluded.fetched_at_ms",
        params![resource, now_ms()],
    )?;
    Ok(())
}

/// Enums are stored as their serde names, so the JSON and the cache agree.
fn parse_enum<T: DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| Error::storage(format!("unknown value '{text}' in the catalog cache")))
}
