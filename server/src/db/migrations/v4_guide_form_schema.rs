//! Version 4: every guide names the form schema its application drafts use
//! (`form_schema_id`). No schema change: guides stored before the field
//! existed get it, a new revision and a logged change, so a client's copy
//! is updated by its next `/changes` sync and the guide's ETag (made of its
//! revision) moves on. A fresh database has no guides yet at this point; the
//! generator writes the field itself.
//!
//! The body is edited as plain JSON rather than through `catalog::model`,
//! so this migration keeps working when the model grows later fields.

use rusqlite::{Transaction, params};
use serde_json::Value;

use crate::catalog::form_schema;

pub(super) fn apply(tx: &Transaction<'_>) -> anyhow::Result<()> {
    let stored: Vec<(String, String)> = tx
        .prepare("SELECT code, body FROM catalog_guides ORDER BY code")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (code, body) in stored {
        let mut guide: Value = serde_json::from_str(&body)?;
        let Some(fields) = guide.as_object_mut() else {
            anyhow::bail!("guide {code} is not a JSON object");
        };
        if fields.contains_key("form_schema_id") {
            continue;
        }
        let revision = fields.get("revision").and_then(Value::as_i64).unwrap_or(0) + 1;
        fields.insert(
            "form_schema_id".to_owned(),
            Value::String(form_schema::for_guide_code(&code)),
        );
        fields.insert("revision".to_owned(), Value::from(revision));
        tx.execute(
            "UPDATE catalog_guides SET revision = ?2, body = ?3 WHERE code = ?1",
            params![code, revision, serde_json::to_string(&guide)?],
        )?;
        // As `catalog::store` logs a change, spelled out against the
        // version-3 tables so later changes to the store can't alter it.
        tx.execute("DELETE FROM catalog_changes WHERE code = ?1", [&code])?;
        tx.execute(
            "INSERT INTO catalog_changes (code, deleted) VALUES (?1, 0)",
            [&code],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;

    fn at_version_3() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        let tx = conn.transaction().unwrap();
        super::super::v1_regions_and_departments::apply(&tx).unwrap();
        super::super::v2_accounts_and_sign_ins::apply(&tx).unwrap();
        super::super::v3_catalog::apply(&tx).unwrap();
        tx.commit().unwrap();
        conn
    }

    #[test]
    fn old_guides_get_the_field_a_revision_and_a_change() {
        let mut conn = at_version_3();
        for (code, revision) in [("GA001-530102", 1), ("GA001-530000", 3)] {
            let body =
                format!(r#"{{"code":"{code}","name":"居民身份证换领","revision":{revision}}}"#);
            conn.execute(
                "INSERT INTO catalog_guides (code, name, department_code, revision, body) \
                 VALUES (?1, 'x', '530100-ga', ?2, ?3)",
                params![code, revision, body],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO catalog_changes (code, deleted) VALUES (?1, 0)",
                [code],
            )
            .unwrap();
        }
        let tx = conn.transaction().unwrap();
        apply(&tx).unwrap();
        tx.commit().unwrap();

        let (revision, body): (u32, String) = conn
            .query_row(
                "SELECT revision, body FROM catalog_guides WHERE code = 'GA001-530000'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let guide: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(revision, 4);
        assert_eq!(guide["revision"], 4);
        assert_eq!(guide["form_schema_id"], "GA001.v1");
        assert_eq!(guide["name"], "居民身份证换领");
        // Both changes were logged again, after the original two.
        let seqs: Vec<i64> = conn
            .prepare("SELECT seq FROM catalog_changes ORDER BY seq")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(seqs, [3, 4]);

        // Running it again changes nothing.
        let tx = conn.transaction().unwrap();
        apply(&tx).unwrap();
        tx.commit().unwrap();
        let again: u32 = conn
            .query_row(
                "SELECT revision FROM catalog_guides WHERE code = 'GA001-530000'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(again, 4);
    }
}
