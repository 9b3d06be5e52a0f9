//! Helpers for the application workflow tests: a dev server (with a chosen
//! SSE heartbeat), a submitted application, the dev advance route, the
//! change feed, and a small Server-Sent Events reader over a real
//! connection.

use std::time::Duration;

use banshitong_server::{ServerConfig, TestServer};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use super::applications::{guide_for, held_materials, submission, submit, user, valid_values};
use super::{client, feed_pages, last_cursor, strings_in, values_in};

/// A dev server with one guide per item and `heartbeat` between SSE
/// heartbeats. Keep the directory alive with it.
pub async fn start_with_heartbeat(heartbeat: Duration) -> (TestServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = ServerConfig {
        catalog_guides: 196,
        sse_heartbeat: heartbeat,
        ..ServerConfig::new(dir.path(), true)
    };
    (TestServer::start(config).await.unwrap(), dir)
}

/// A signed-in, verified user.
pub struct Applicant {
    pub token: String,
    pub user_id: String,
    /// The materials of a 居民身份证换领 form the user holds.
    pub materials: Value,
}

pub async fn applicant(server: &TestServer, phone: &str) -> Applicant {
    let (token, user_id) = user(server, phone).await;
    let materials = held_materials(server, &token).await;
    Applicant {
        token,
        user_id,
        materials,
    }
}

/// Submits a 居民身份证换领 application (a guide with a fee, issuing the ID
/// card licence); returns its number.
pub async fn submit_one(server: &TestServer, applicant: &Applicant) -> String {
    let guide = guide_for(server, "GA001.v1").await;
    let response = submit(
        server,
        &applicant.token,
        Some(&uuid_like()),
        &submission(&guide, valid_values(), &applicant.materials),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let receipt: Value = response.json().await.unwrap();
    receipt["application_no"].as_str().unwrap().to_owned()
}

/// A fresh idempotency key.
pub fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!(
        "5f0c3c1e-0000-4000-8000-{:012}",
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// `POST /dev/applications/{no}/advance` with `body` (`Value::Null`: none).
pub async fn advance_raw(server: &TestServer, no: &str, body: Value) -> Response {
    let request = client().post(format!(
        "{}/dev/applications/{no}/advance",
        server.base_url()
    ));
    let request = if body.is_null() {
        request
    } else {
        request.json(&body)
    };
    request.send().await.unwrap()
}

/// Advances with `action` (`None`: the happy path) and asserts it worked.
pub async fn advance(server: &TestServer, no: &str, action: Option<&str>) -> Value {
    let body = action.map_or(Value::Null, |action| json!({ "action": action }));
    let response = advance_raw(server, no, body).await;
    assert_eq!(response.status(), StatusCode::OK, "advance {action:?}");
    response.json().await.unwrap()
}

/// `GET /api/v1/applications/{no}`.
pub async fn get(server: &TestServer, token: &str, no: &str) -> Response {
    client()
        .get(format!("{}/api/v1/applications/{no}", server.base_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// `GET /api/v1/applications/{no}` with `If-None-Match: etag`.
pub async fn get_if_changed(server: &TestServer, token: &str, no: &str, etag: &str) -> Response {
    client()
        .get(format!("{}/api/v1/applications/{no}", server.base_url()))
        .bearer_auth(token)
        .header(reqwest::header::IF_NONE_MATCH, etag)
        .send()
        .await
        .unwrap()
}

pub async fn application(server: &TestServer, token: &str, no: &str) -> Value {
    let response = get(server, token, no).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// `GET /api/v1/applications/changes`.
pub async fn changes(server: &TestServer, token: &str, cursor: &str, limit: usize) -> Response {
    client()
        .get(format!("{}/api/v1/applications/changes", server.base_url()))
        .bearer_auth(token)
        .query(&[("cursor", cursor), ("limit", &limit.to_string())])
        .send()
        .await
        .unwrap()
}

/// Pages from `cursor` to the end: (applications, tombstones, next cursor).
pub async fn sync(
    server: &TestServer,
    token: &str,
    cursor: &str,
    limit: usize,
) -> (Vec<Value>, Vec<String>, String) {
    let pages = feed_pages(
        server,
        "/api/v1/applications/changes",
        Some(token),
        cursor,
        limit,
    )
    .await;
    (
        values_in(&pages, "applications"),
        strings_in(&pages, "tombstones"),
        last_cursor(&pages),
    )
}

/// `POST /api/v1/applications/{no}/supplement` with `key`.
pub async fn answer(
    server: &TestServer,
    token: &str,
    no: &str,
    key: &str,
    body: &Value,
) -> Response {
    client()
        .post(format!(
            "{}/api/v1/applications/{no}/supplement",
            server.base_url()
        ))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

/// `POST /api/v1/applications/{no}/withdraw`.
pub async fn withdraw(server: &TestServer, token: &str, no: &str) -> Response {
    client()
        .post(format!(
            "{}/api/v1/applications/{no}/withdraw",
            server.base_url()
        ))
        .bearer_auth(token)
        .json(&json!({"reason": "不需要了"}))
        .send()
        .await
        .unwrap()
}

/// The user's push outbox.
pub async fn push_outbox(server: &TestServer, user_id: &str) -> Vec<Value> {
    let response = client()
        .get(format!("{}/dev/push-outbox", server.base_url()))
        .query(&[("user_id", user_id)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["messages"].as_array().unwrap().clone()
}

/// One Server-Sent Event (or a comment, with `comment` set).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sse {
    pub id: Option<String>,
    pub event: Option<String>,
    pub data: String,
    pub comment: Option<String>,
}

impl Sse {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.data).unwrap()
    }
}

/// An open `GET /api/v1/events` connection, read event by event.
pub struct EventStream {
    response: Response,
    buffer: String,
}

impl EventStream {
    pub async fn open(
        server: &TestServer,
        token: &str,
        last_event_id: Option<&str>,
    ) -> EventStream {
        let mut request = client()
            .get(format!("{}/api/v1/events", server.base_url()))
            .bearer_auth(token);
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/event-stream")
        );
        EventStream {
            response,
            buffer: String::new(),
        }
    }

    /// The next event or comment; `None` when the stream ended. Fails the
    /// test after `wait` without one.
    pub async fn next_within(&mut self, wait: Duration) -> Option<Sse> {
        tokio::time::timeout(wait, self.next())
            .await
            .expect("an event in time")
    }

    /// The next event or comment; `None` at the end of the stream.
    pub async fn next(&mut self) -> Option<Sse> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                return Some(parse(&block));
            }
            let chunk = self.response.chunk().await.ok()??;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// The next event that isn't a heartbeat.
    pub async fn next_event(&mut self) -> Sse {
        loop {
            let event = self
                .next_within(Duration::from_secs(10))
                .await
                .expect("stream open");
            if event.comment.is_none() {
                return event;
            }
        }
    }
}

fn parse(block: &str) -> Sse {
    let mut sse = Sse::default();
    for line in block.lines().filter(|line| !line.is_empty()) {
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "" => sse.comment = Some(value.to_owned()),
            "id" => sse.id = Some(value.to_owned()),
            "event" => sse.event = Some(value.to_owned()),
            "data" => {
                if !sse.data.is_empty() {
                    sse.data.push('\n');
                }
                sse.data.push_str(value);
            }
            _ => {}
        }
    }
    sse
}
