//! The personal database: encrypted at rest, and never silently deleted.

mod common;

use std::sync::Arc;

use banshitong_core::Error;
use banshitong_core::platform::{MemorySecretStore, SecretStore};
use banshitong_core::store::PersonalDbFiles;
use common::*;

const MARKER: &str = "PLAINTEXT-MARKER-云南-5301-QZ9";
const USER: &str = "u-test-0001";

fn personal_files_in(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("user-")
        })
        .collect()
}

#[tokio::test]
async fn personal_data_is_encrypted_at_rest() {
    let t = client_for("http://127.0.0.1:9");
    let prefs = t.client.preferences(USER).await.unwrap();
    prefs.set("note", MARKER).await.unwrap();
    assert_eq!(prefs.get("note").await.unwrap().as_deref(), Some(MARKER));
    drop(prefs);
    drop(t.client);

    let files = personal_files_in(t.dir.path());
    assert!(!files.is_empty());
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        let needle = MARKER.as_bytes();
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "{} holds the marker in clear",
            file.display()
        );
        assert!(
            !bytes.starts_with(b"SQLite format 3"),
            "not a plain SQLite file"
        );
    }
    assert!(
        !String::from_utf8_lossy(&std::fs::read(t.dir.path().join("catalog.db")).unwrap())
            .contains(USER),
        "the user id does not leak into the shared catalog"
    );
}

#[tokio::test]
async fn reopening_with_the_same_key_reads_the_data_back() {
    let t = client_for("http://127.0.0.1:9");
    t.client
        .preferences(USER)
        .await
        .unwrap()
        .set("region", "530102")
        .await
        .unwrap();
    drop(t.client);

    let reopened = client_in("http://127.0.0.1:9", &t.dir, t.secrets.clone());
    let prefs = reopened.preferences(USER).await.unwrap();

    assert_eq!(
        prefs.get("region").await.unwrap().as_deref(),
        Some("530102")
    );
}

#[tokio::test]
async fn a_wrong_key_fails_clearly_and_keeps_the_file() {
    let t = client_for("http://127.0.0.1:9");
    t.client
        .preferences(USER)
        .await
        .unwrap()
        .set("note", MARKER)
        .await
        .unwrap();
    drop(t.client);
    let other_secrets = Arc::new(MemorySecretStore::new());
    let key_name = PersonalDbFiles::for_user(t.dir.path(), USER).current_key_name();
    other_secrets.set(&key_name, &[7u8; 32]).unwrap();

    let client = client_in("http://127.0.0.1:9", &t.dir, other_secrets);
    let err = client.preferences(USER).await.err().expect("refused");

    let Error::PersonalDataKeptAside { kept_at, reason } = err else {
        panic!("expected PersonalDataKeptAside, got {err:?}");
    };
    assert!(reason.contains("key"), "{reason}");
    assert!(kept_at.exists(), "the file is kept, not deleted");

    // The kept file still opens with the right key: nothing was lost (its
    // key id, kept aside with it, says which key).
    let files = PersonalDbFiles::for_user(t.dir.path(), USER);
    let kept_key_id = kept_at
        .to_string_lossy()
        .replace(".db.unreadable-", ".db.key-id.unreadable-");
    std::fs::rename(&kept_key_id, format!("{}.key-id", files.path.display())).unwrap();
    std::fs::rename(&kept_at, &files.path).unwrap();
    let right = client_in("http://127.0.0.1:9", &t.dir, t.secrets.clone());
    let prefs = right.preferences(USER).await.unwrap();
    assert_eq!(prefs.get("note").await.unwrap().as_deref(), Some(MARKER));
}

#[tokio::test]
async fn a_garbage_personal_database_is_kept_aside_and_reported() {
    let t = client_for("http://127.0.0.1:9");
    let files = PersonalDbFiles::for_user(t.dir.path(), USER);
    t.secrets.set(&files.key_name, &[1u8; 32]).unwrap();
    let garbage = vec![0xA5u8; 8192];
    std::fs::write(&files.path, &garbage).unwrap();

    let err = t.client.preferences(USER).await.err().expect("refused");

    let Error::PersonalDataKeptAside { kept_at, .. } = &err else {
        panic!("expected PersonalDataKeptAside, got {err:?}");
    };
    assert_eq!(
        std::fs::read(kept_at).unwrap(),
        garbage,
        "kept byte for byte"
    );
    assert!(err.to_string().contains("kept aside"));
    // The next open starts a fresh, working database.
    let prefs = t.client.preferences(USER).await.unwrap();
    prefs.set("fresh", "yes").await.unwrap();
}

#[tokio::test]
async fn a_lost_key_keeps_the_file_aside() {
    let t = client_for("http://127.0.0.1:9");
    t.client
        .preferences(USER)
        .await
        .unwrap()
        .set("note", MARKER)
        .await
        .unwrap();
    drop(t.client);

    let client = client_in(
        "http://127.0.0.1:9",
        &t.dir,
        Arc::new(MemorySecretStore::new()),
    );
    let err = client.preferences(USER).await.err().expect("refused");

    assert!(
        matches!(err, Error::PersonalDataKeptAside { .. }),
        "got {err:?}"
    );
}

#[tokio::test]
async fn two_users_get_two_databases() {
    let t = client_for("http://127.0.0.1:9");
    t.client
        .preferences("alice")
        .await
        .unwrap()
        .set("k", "a")
        .await
        .unwrap();
    t.client
        .preferences("bob")
        .await
        .unwrap()
        .set("k", "b")
        .await
        .unwrap();

    assert_eq!(
        personal_files_in(t.dir.path())
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "db"))
            .count(),
        2
    );
    let alice = t.client.preferences("alice").await.unwrap();
    assert_eq!(alice.get("k").await.unwrap().as_deref(), Some("a"));
}

#[tokio::test]
async fn a_key_the_store_missed_once_is_never_overwritten() {
    // A keystore that fails to find an existing key makes the core keep the
    // database aside; the fresh database that follows must get a key of its
    // own, so the old key, when the store finds it again, still opens the
    // file kept aside.
    let t = client_for("http://127.0.0.1:9");
    t.client
        .preferences(USER)
        .await
        .unwrap()
        .set("note", MARKER)
        .await
        .unwrap();
    drop(t.client);
    let files = PersonalDbFiles::for_user(t.dir.path(), USER);
    let old_name = files.current_key_name();
    let old_key = t.secrets.get(&old_name).unwrap().unwrap();

    t.secrets.delete(&old_name).unwrap(); // the store misses it
    let client = client_in("http://127.0.0.1:9", &t.dir, t.secrets.clone());
    let err = client.preferences(USER).await.err().expect("refused");
    assert!(
        matches!(err, Error::PersonalDataKeptAside { .. }),
        "{err:?}"
    );

    t.secrets.set(&old_name, &old_key).unwrap(); // and finds it again
    let fresh = client.preferences(USER).await.unwrap();
    fresh.set("fresh", "yes").await.unwrap();
    assert_ne!(files.current_key_name(), old_name);
    assert_eq!(
        t.secrets.get(&old_name).unwrap().unwrap(),
        old_key,
        "not overwritten"
    );
}
