//! A draft edited by a child process that is killed with SIGKILL at random
//! moments, 50 times: every edit the child reported as saved is there when
//! the draft is reopened, and the encrypted database passes integrity_check.
//!
//! The child is this test binary itself, run with `--ignored --exact
//! edit_until_killed` and the draft to edit in its environment.

mod common;

use std::io::{BufRead, BufReader};
use std::sync::Arc;

use banshitong_core::platform::{KeyringSecretStore, SecretStore};
use banshitong_core::{Client, ClientConfig};
use common::*;
use rand::Rng;

const CHILD: &str = "edit_until_killed";

fn client(api: &str, dir: &std::path::Path, service: &str) -> Client {
    let secrets: Arc<dyn SecretStore> = Arc::new(KeyringSecretStore::open(service).unwrap());
    let mut config = ClientConfig::new(api, dir);
    config.retry = quick_retries(2);
    Client::new(config, secrets).unwrap()
}

/// The child: edits `log[k].n` for k = start, start+1, … and prints
/// "saved k revision" after each edit the core reported saved.
#[tokio::test]
#[ignore = "run by killed_mid_typing_loses_nothing_reported_saved"]
async fn edit_until_killed() {
    let var = |name: &str| std::env::var(name).unwrap();
    let client = client(
        &var("BST_KILL_API"),
        std::path::Path::new(&var("BST_KILL_DIR")),
        &var("BST_KILL_SERVICE"),
    );
    let drafts = client.drafts().await.unwrap();
    let draft = var("BST_KILL_DRAFT");
    let mut k: u64 = var("BST_KILL_START").parse().unwrap();
    loop {
        let saved = drafts
            .set_field(draft.clone(), format!("log[{k}].n"), k.to_string())
            .await
            .unwrap();
        println!("saved {k} {}", saved.revision);
        k += 1;
    }
}

#[tokio::test]
async fn killed_mid_typing_loses_nothing_reported_saved() {
    let (server, _server_dir) = catalog_server(200).await;
    let dir = tempfile::tempdir().unwrap();
    let service = format!("bst-kill-test-{}", rand::rng().random::<u32>());
    let api = server.base_url();
    let parent = client(&api, dir.path(), &service);
    parent.catalog().sync(None).await.unwrap();
    sign_in(&server, &parent, "13900001111").await;
    let guide = all_guides(&server).await.remove(0);
    let draft = parent
        .drafts()
        .await
        .unwrap()
        .create(guide.code)
        .await
        .unwrap();
    drop(parent);

    let mut reported: Vec<u64> = Vec::new();
    let mut next = 0;
    let mut rng = rand::rng();
    for round in 0..50 {
        let mut child = test_child(CHILD)
            .env("BST_KILL_API", &api)
            .env("BST_KILL_DIR", dir.path())
            .env("BST_KILL_SERVICE", &service)
            .env("BST_KILL_DRAFT", &draft.id)
            .env("BST_KILL_START", next.to_string())
            .spawn()
            .unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let kill_after = rng.random_range(1..25);
        let mut seen = 0;
        for line in stdout.lines() {
            let Ok(line) = line else { break };
            if let Some(rest) = line.strip_prefix("saved ") {
                let k: u64 = rest.split(' ').next().unwrap().parse().unwrap();
                reported.push(k);
                next = k + 1;
                seen += 1;
                if seen >= kill_after {
                    break;
                }
            }
        }
        child.kill().unwrap(); // SIGKILL
        let _ = child.wait();
        assert!(seen > 0, "round {round}: the child saved nothing");
    }

    let reopened = client(&api, dir.path(), &service);
    let drafts = reopened.drafts().await.unwrap();
    let values: serde_json::Value =
        serde_json::from_str(&drafts.open(draft.id.clone()).await.unwrap().values_json).unwrap();
    let log = values["log"].as_array().unwrap();
    for k in &reported {
        assert_eq!(
            log[*k as usize]["n"],
            serde_json::json!(k),
            "edit {k} was reported saved"
        );
    }
    assert_eq!(drafts.integrity_check().await.unwrap(), "ok");
    assert!(reported.len() >= 50);
}
