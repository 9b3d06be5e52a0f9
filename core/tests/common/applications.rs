//! Helpers for the applications tests: a signed-in citizen, applications
//! seeded and driven through the workflow by the dev routes, and waits on
//! what the core stores or raises.

use std::collections::HashMap;
use std::time::Duration;

use banshitong_core::applications::{
    Application, ApplicationEvent, ApplicationEventStream, ApplicationFilter, ApplicationStatus,
    Applications, LiveSettings, LiveState,
};
use banshitong_server::{ServerConfig, TestServer};
use serde_json::{Value, json};
use tempfile::TempDir;

use super::{TestClient, client_for, sign_in};

/// A dev server whose event streams beat every `heartbeat`.
pub async fn live_server(heartbeat: Duration) -> (TestServer, TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = ServerConfig {
        sse_heartbeat: heartbeat,
        ..ServerConfig::new(dir.path(), true)
    };
    (TestServer::start(config).await.unwrap(), dir)
}

/// A signed-in user and their applications.
pub struct Citizen {
    pub t: TestClient,
    pub apps: Applications,
    pub user_id: String,
}

/// Signs `phone` in through `api` (the server or a proxy in front of it).
pub async fn citizen(server: &TestServer, api: &str, phone: &str) -> Citizen {
    let t = client_for(api);
    let profile = sign_in(server, &t.client, phone).await;
    let apps = t.client.applications().await.unwrap();
    // Short waits, so a dropped connection comes back within a test.
    apps.set_live_settings(LiveSettings {
        heartbeat_timeout: Duration::from_secs(3),
        min_backoff: Duration::from_millis(200),
        max_backoff: Duration::from_secs(2),
    });
    Citizen {
        t,
        apps,
        user_id: profile.user_id,
    }
}

fn dev(server: &TestServer, path: &str) -> String {
    format!("{}/dev/{path}", server.base_url())
}

/// `count` applications of `user_id`, each walked to `entries` timeline
/// entries (1: just submitted); `guide` or the first fee-free one.
pub async fn seed(
    server: &TestServer,
    user_id: &str,
    count: usize,
    entries: usize,
    guide: Option<&str>,
) {
    let response = reqwest::Client::new()
        .post(dev(server, "applications/seed"))
        .json(&json!({"user_id": user_id, "count": count, "entries": entries, "guide_code": guide}))
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "seeded: {}",
        response.text().await.unwrap()
    );
}

/// One submitted application of the citizen, synced: its number.
pub async fn submitted(server: &TestServer, citizen: &Citizen) -> String {
    seed(server, &citizen.user_id, 1, 1, None).await;
    citizen.apps.sync().await.unwrap();
    let list = citizen.apps.list(ApplicationFilter::All).await.unwrap();
    list.iter()
        .find(|a| a.status == ApplicationStatus::Submitted)
        .expect("a submitted application")
        .application_no
        .clone()
}

/// `POST /dev/applications/{no}/advance` with `body`: status and answer.
pub async fn advance_with(server: &TestServer, no: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(dev(server, &format!("applications/{no}/advance")))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Takes `action` (`None`: the next happy-path step), which must succeed;
/// the status after it.
pub async fn advance(server: &TestServer, no: &str, action: Option<&str>) -> String {
    let body = match action {
        Some(action) => json!({"action": action, "comment": "测试", "department": "测试窗口"}),
        None => json!({}),
    };
    let (status, answer) = advance_with(server, no, body).await;
    assert_eq!(status, 200, "advance {action:?}: {answer}");
    answer["status"].as_str().unwrap().to_owned()
}

/// Asks for a supplement of one material, `photo`.
pub async fn request_supplement(server: &TestServer, no: &str) {
    let (status, answer) = advance_with(
        server,
        no,
        json!({"action": "request_supplement", "comment": "请补正",
               "materials": [{"key": "photo", "name": "近期免冠照片", "reason": "照片模糊"}]}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
}

pub async fn compact(server: &TestServer) {
    let response = reqwest::Client::new()
        .post(dev(server, "applications/compact"))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
}

pub async fn archive(server: &TestServer, no: &str) {
    let response = reqwest::Client::new()
        .post(dev(server, &format!("applications/{no}/archive")))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
}

/// The numbers of every application held on this device, in list order.
pub async fn held_numbers(apps: &Applications) -> Vec<String> {
    apps.list(ApplicationFilter::All)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.application_no)
        .collect()
}

/// The push data messages the platform would have sent to `user_id`.
pub async fn push_outbox(server: &TestServer, user_id: &str) -> Vec<HashMap<String, String>> {
    let body = super::dev_get(server, "push-outbox", &[("user_id", user_id)]).await;
    let messages = body["messages"]
        .as_array()
        .expect("the outbox lists messages")
        .clone();
    messages
        .iter()
        .map(|m| {
            m["data"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .collect()
}

/// Waits until the stored application satisfies `done`.
pub async fn stored_until(
    apps: &Applications,
    no: &str,
    done: impl Fn(&Application) -> bool,
) -> Application {
    let mut watch = apps.watch(no);
    tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            if let Some(Some(app)) = watch.next().await
                && done(&app)
            {
                return app;
            }
        }
    })
    .await
    .expect("the application reached the expected state in time")
}

pub async fn live_until(apps: &Applications, wanted: impl Fn(&LiveState) -> bool) {
    let mut live = apps.watch_live();
    tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(state) = live.next().await {
            if wanted(&state) {
                return;
            }
        }
    })
    .await
    .expect("the live connection reached the expected state in time");
}

/// Every event raised within `quiet` of the previous one (or of the call).
pub async fn drain(events: &mut ApplicationEventStream, quiet: Duration) -> Vec<ApplicationEvent> {
    let mut seen = Vec::new();
    while let Ok(Some(event)) = tokio::time::timeout(quiet, events.next()).await {
        seen.push(event);
    }
    seen
}

/// Applies for `guide_code` the way the app does (draft, materials,
/// outbox) and syncs: the application's number. For guides the dev seed
/// does not take (those with a fee).
pub async fn applied_through_a_draft(citizen: &Citizen, guide_code: &str) -> String {
    let client = &citizen.t.client;
    client.catalog().sync(None).await.unwrap();
    let drafts = client.drafts().await.unwrap();
    let draft = drafts.create(guide_code.to_owned()).await.unwrap();
    super::fill_until_valid(client, &drafts, &draft).await;
    drafts.submit(draft.id.clone()).await.unwrap();
    let mut watch = drafts.watch_draft(draft.id.clone());
    let no = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            let d = watch.next().await.unwrap();
            if let banshitong_core::drafts::DraftState::Submitted { application_no } = d.state {
                return application_no;
            }
        }
    })
    .await
    .expect("the outbox delivers the application");
    citizen.apps.sync().await.unwrap();
    no
}
