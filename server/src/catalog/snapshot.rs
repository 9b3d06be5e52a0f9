//! The full catalog as one gzip file, for a first install: an app downloads
//! it (or ships it in its package) and imports it with no further network,
//! then continues with `/changes?cursor=` from the cursor inside.
//!
//! Document (format 1), gzipped:
//! `{"format":1,"cursor":"c<seq>","generated_at":"<RFC 3339 UTC>","guides":[…]}`.

use std::io::Write;

use axum::body::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;
use rusqlite::{Connection, TransactionBehavior};

use super::store;

/// Bumped when the document changes incompatibly, so an importer can refuse
/// a file it doesn't understand instead of misreading it.
pub(crate) const FORMAT: u32 = 1;

/// What a snapshot is made of: every live guide and the change-log position
/// they reflect, read together.
pub(crate) struct Source {
    pub(crate) seq: i64,
    /// Stored guide JSON, ordered by code.
    pub(crate) guides: Vec<String>,
}

/// Reads the guides and the latest seq in one read transaction. Read apart,
/// a change landing in between could be in the guides and again after the
/// cursor (harmless), or in neither (lost until it changes again), so they
/// are one consistent view: `/changes` after `seq` is exactly what happened
/// since.
pub(crate) fn read(conn: &mut Connection) -> rusqlite::Result<Source> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
    let seq = store::latest_seq(&tx)?;
    let guides = tx
        .prepare("SELECT body FROM catalog_guides ORDER BY code")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    tx.commit()?;
    Ok(Source { seq, guides })
}

/// A built snapshot: the gzip bytes served, and sizes for the log.
pub(crate) struct Snapshot {
    pub(crate) seq: i64,
    pub(crate) gzip: Bytes,
    pub(crate) json_len: usize,
    pub(crate) guides: usize,
}

/// Splices the stored guide JSON into the document (nothing is parsed or
/// re-serialised) and gzips it as it goes, so the plain document is never
/// held whole. CPU-bound: call it off the async runtime.
pub(crate) fn build(source: &Source, generated_at: &str) -> std::io::Result<Snapshot> {
    let head = format!(
        "{{\"format\":{FORMAT},\"cursor\":\"c{}\",\"generated_at\":\"{generated_at}\",\"guides\":[",
        source.seq
    );
    let plain_len = head.len()
        + source.guides.iter().map(String::len).sum::<usize>()
        + source.guides.len().saturating_sub(1)
        + 2;
    // Guides share most of their wording: the generated catalog shrinks
    // about thirtyfold, real guides somewhat less.
    let mut gzip = GzEncoder::new(Vec::with_capacity(plain_len / 16), Compression::default());
    gzip.write_all(head.as_bytes())?;
    for (i, guide) in source.guides.iter().enumerate() {
        if i > 0 {
            gzip.write_all(b",")?;
        }
        gzip.write_all(guide.as_bytes())?;
    }
    gzip.write_all(b"]}")?;
    Ok(Snapshot {
        seq: source.seq,
        gzip: Bytes::from(gzip.finish()?),
        json_len: plain_len,
        guides: source.guides.len(),
    })
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use flate2::read::GzDecoder;
    use serde_json::Value;

    use super::*;
    use crate::catalog::model::Guide;
    use crate::db::open_in_memory;

    fn unzip(snapshot: &Snapshot) -> String {
        let mut json = String::new();
        GzDecoder::new(&snapshot.gzip[..])
            .read_to_string(&mut json)
            .unwrap();
        json
    }

    #[test]
    fn holds_every_guide_and_the_latest_cursor() {
        let mut conn = open_in_memory();
        store::seed(&mut conn, 300).unwrap();
        let source = read(&mut conn).unwrap();
        assert_eq!(source.seq, store::latest_seq(&conn).unwrap());
        let snapshot = build(&source, "2026-01-01T00:00:00Z").unwrap();
        let json = unzip(&snapshot);
        assert_eq!(json.len(), snapshot.json_len);
        let document: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(document["format"], 1);
        assert_eq!(document["cursor"], format!("c{}", source.seq));
        assert_eq!(document["generated_at"], "2026-01-01T00:00:00Z");
        let guides: Vec<Guide> = serde_json::from_value(document["guides"].clone()).unwrap();
        assert_eq!(guides.len(), 300);
        assert!(guides.windows(2).all(|w| w[0].code < w[1].code));
        assert!(snapshot.gzip.len() < snapshot.json_len / 5);
    }

    #[test]
    fn an_empty_catalog_is_a_valid_document() {
        let mut conn = open_in_memory();
        let snapshot = build(&read(&mut conn).unwrap(), "2026-01-01T00:00:00Z").unwrap();
        let document: Value = serde_json::from_str(&unzip(&snapshot)).unwrap();
        assert_eq!(document["cursor"], "c0");
        assert_eq!(document["guides"], Value::Array(Vec::new()));
    }

    /// `cargo test -p banshitong-server --release --lib -- --ignored snapshot_sizes --nocapture`
    #[test]
    #[ignore = "measurement; run with --release --nocapture"]
    fn snapshot_sizes() {
        for count in [3_000, 20_000] {
            let mut conn = open_in_memory();
            store::seed(&mut conn, count).unwrap();
            let started = std::time::Instant::now();
            let source = read(&mut conn).unwrap();
            let read_took = started.elapsed();
            let snapshot = build(&source, "2026-01-01T00:00:00Z").unwrap();
            eprintln!(
                "{count} guides: {} bytes JSON, {} bytes gzip; read {read_took:?}, built {:?}",
                snapshot.json_len,
                snapshot.gzip.len(),
                started.elapsed() - read_took
            );
        }
    }
}
