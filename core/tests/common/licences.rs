//! Licence tests' setup: a reference server signing with a chosen suite, a
//! real-name verified holder (verified people hold licences), a verifier
//! with its own data folder.

use std::sync::Arc;
use std::time::Duration;

use banshitong_core::Client;
use banshitong_core::auth::Verification;
use banshitong_core::licences::{Licence, Licences};
use banshitong_core::platform::MemorySecretStore;
use banshitong_server::{ServerConfig, TestServer};
use banshitong_trust::Suite;
use tempfile::TempDir;

use super::{client_in, sign_in};

pub struct Issuer {
    pub server: TestServer,
    _dir: TempDir,
}

/// A server issuing with `suite`; status lists good for `status_list_ttl`.
pub async fn issuer(suite: Suite, status_list_ttl: Duration) -> Issuer {
    let dir = tempfile::tempdir().unwrap();
    let mut config = ServerConfig::new(dir.path(), true);
    config.licence_suite = suite;
    config.status_list_ttl = status_list_ttl;
    let server = TestServer::start(config).await.expect("server starts");
    Issuer { server, _dir: dir }
}

/// The licence type every verified person holds.
pub const ID_CARD: &str = "居民身份证";

pub struct Holder {
    pub client: Client,
    pub licences: Licences,
    pub secrets: Arc<MemorySecretStore>,
    pub dir: TempDir,
}

impl Holder {
    /// Syncs the licences and returns the resident ID card among them.
    pub async fn id_card(&self) -> Licence {
        let held = self.licences.sync().await.unwrap();
        held.into_iter()
            .find(|l| l.licence_type == ID_CARD)
            .expect("a verified person holds an ID card")
    }
}

/// A verified person signed in at `api` (the server, or a proxy before it).
pub async fn holder(server: &TestServer, api: &str, phone: &str) -> Holder {
    let dir = tempfile::tempdir().unwrap();
    let secrets = Arc::new(MemorySecretStore::new());
    let client = client_in(api, &dir, secrets.clone());
    sign_in(server, &client, phone).await;
    client
        .auth()
        .verify_identity(Verification::BankCard {
            name: "张三丰".into(),
            id_number: "11010519491231002X".into(),
            card_number: "6222021234567894".into(),
            reserved_phone: phone.into(),
        })
        .await
        .unwrap();
    let licences = client.licences().await.unwrap();
    Holder {
        client,
        licences,
        secrets,
        dir,
    }
}

/// A verifier's phone: no sign-in, its own data folder.
pub fn verifier_client(api: &str) -> (Client, TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let client = client_in(api, &dir, Arc::new(MemorySecretStore::new()));
    (client, dir)
}

/// The issuer revokes a licence (a dev route): its status list bit flips.
pub async fn revoke(api: &str, licence_id: &str) {
    let response = reqwest::Client::new()
        .post(format!("{api}/dev/licences/{licence_id}/revoke"))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
}
