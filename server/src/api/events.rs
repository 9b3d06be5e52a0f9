//! `GET /api/v1/events`: the signed-in user's application changes, live,
//! as Server-Sent Events.
//!
//! - On connect `event: ready` with `{"change_seq": N}`, the user's newest
//!   change. It carries no `id`, so a client that drops right after it
//!   still resumes from the last change it really saw.
//! - Every change: `id: <change_seq>`, `event: application` with the
//!   application object, or `event: tombstone` with `{"application_no"}`.
//! - `Last-Event-ID: <seq>` first replays the changes after it. One below
//!   the compaction horizon, beyond any change, or not a number gets
//!   `event: reset` (the client syncs from scratch) and the stream goes on.
//! - `: heartbeat` every `ServerConfig::sse_heartbeat`.
//! - The stream ends when the access token expires or is revoked (checked
//!   at its expiry time and at every heartbeat, by the server's clock) and
//!   when the server shuts down; the client reconnects.
//!
//! Live and replayed events come the same way: a notice on the broadcast
//! says "this user changed", and the connection reads that user's changes
//! after the last one it sent from the database. Nothing is doubled (each
//! read starts after the last id sent) and nothing is missed (the
//! subscription is taken before the first read).

use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::sse::{Event, Sse};
use futures_util::Stream;
use rusqlite::{Connection, OptionalExtension};
use tokio::sync::broadcast;
use tokio::time::Instant;

use crate::applications::feed::{self, Change};
use crate::auth::bearer::SignedIn;
use crate::auth::{secret, sessions};
use crate::problem::Problem;
use crate::state::AppState;

/// Changes read from the database at a time.
const PAGE: usize = 500;

/// The Bearer token of the request (the `SignedIn` extractor has already
/// checked it is live).
fn bearer_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .split_once(' ')
        .map(|(_, token)| token.trim().to_owned())
}

/// When `token` expires, by the server's clock.
fn token_expiry(conn: &Connection, token: &str) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT expires_at_ms FROM access_tokens WHERE token_hash = ?1")?
        .query_row([secret::hash(token)], |row| row.get(0))
        .optional()
}

/// `Last-Event-ID` as a sequence number; `Err` for a value that isn't one.
fn last_event_id(headers: &HeaderMap) -> Option<Result<i64, ()>> {
    let value = headers.get("last-event-id")?;
    Some(
        value
            .to_str()
            .ok()
            .map(str::trim)
            .filter(|text| !text.is_empty() && text.len() <= 18)
            .filter(|text| text.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|text| text.parse().ok())
            .ok_or(()),
    )
}

/// One open stream.
struct Live {
    state: AppState,
    user_id: String,
    token: String,
    expires_at_ms: i64,
    last_sent: i64,
    /// A notice came for this user: read the database before waiting again.
    dirty: bool,
    pending: VecDeque<Event>,
    notices: broadcast::Receiver<crate::applications::live::Changed>,
    next_beat: Instant,
}

fn json_event(name: &str, data: &impl serde::Serialize) -> Event {
    // Serialising our own types can't fail; an empty data line is the
    // harmless fallback.
    Event::default()
        .event(name)
        .json_data(data)
        .unwrap_or_else(|_| Event::default().event(name).data("{}"))
}

fn change_event(change: &Change) -> Event {
    let id = change.seq().to_string();
    match change {
        Change::Upsert(application) => json_event("application", application).id(id),
        Change::Tombstone { application_no, .. } => json_event(
            "tombstone",
            &serde_json::json!({ "application_no": application_no }),
        )
        .id(id),
    }
}

impl Live {
    /// Queues the user's changes after the last one sent.
    ///
    /// Moves to the last row each page read, not the last change it
    /// returned, so a page whose rows were all skipped still advances; and
    /// stops on a page that didn't move forward, so it can't spin.
    async fn read_changes(&mut self) -> Result<(), crate::db::DbError> {
        loop {
            let (user_id, after) = (self.user_id.clone(), self.last_sent);
            let page = self
                .state
                .db
                .call(move |conn| feed::changes_after(conn, &user_id, after, PAGE))
                .await?;
            for change in &page.changes {
                self.pending.push_back(change_event(change));
            }
            self.last_sent = self.last_sent.max(page.last_read);
            if !page.has_more || self.last_sent <= after {
                return Ok(());
            }
        }
    }

    /// Whether the token still works (not expired, not revoked); refreshes
    /// its expiry.
    async fn token_alive(&mut self) -> bool {
        let (token, now) = (self.token.clone(), self.state.clock.now_ms());
        let checked = self
            .state
            .db
            .call(move |conn| {
                let alive = sessions::authenticate(conn, &token, now)?.is_some();
                Ok((alive, token_expiry(conn, &token)?))
            })
            .await;
        match checked {
            Ok((alive, expiry)) => {
                self.expires_at_ms = expiry.unwrap_or(now);
                alive
            }
            Err(_) => false,
        }
    }

    /// The next thing to send, or `None` to end the stream.
    async fn next_event(&mut self) -> Option<Event> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                return Some(event);
            }
            if self.dirty {
                self.dirty = false;
                if self.read_changes().await.is_err() {
                    return None;
                }
                continue;
            }
            let until_expiry =
                u64::try_from(self.expires_at_ms - self.state.clock.now_ms()).unwrap_or(0);
            let stopping = self.state.live.stopping.clone();
            tokio::select! {
                () = stopping.cancelled() => return None,
                notice = self.notices.recv() => match notice {
                    Ok(changed) => {
                        if *changed.user_id == *self.user_id && changed.change_seq > self.last_sent {
                            self.dirty = true;
                        }
                    }
                    // Missed notices may have been ours: read to be sure.
                    Err(broadcast::error::RecvError::Lagged(_)) => self.dirty = true,
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                () = tokio::time::sleep_until(self.next_beat) => {
                    if !self.token_alive().await {
                        return None;
                    }
                    self.next_beat = Instant::now() + self.state.live.heartbeat;
                    return Some(Event::default().comment("heartbeat"));
                }
                () = tokio::time::sleep(Duration::from_millis(until_expiry)) => {
                    if !self.token_alive().await {
                        return None;
                    }
                }
            }
        }
    }
}

/// `GET /api/v1/events`.
pub(crate) async fn stream(
    State(state): State<AppState>,
    SignedIn(bearer): SignedIn,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, Problem> {
    let token = bearer_token(&headers).unwrap_or_default();
    // Subscribed before the first read, so a change committed in between
    // is either read now or announced later.
    let notices = state.live.subscribe();
    let resume = last_event_id(&headers);
    let (user_id, lookup_token, now) =
        (bearer.user_id.clone(), token.clone(), state.clock.now_ms());
    let (latest, resumable, expires_at_ms) = state
        .db
        .call(move |conn| {
            let latest = feed::latest_for_user(conn, &user_id)?;
            let resumable = match resume {
                Some(Ok(seq)) => Some(feed::is_resumable(conn, seq)?.then_some(seq)),
                Some(Err(())) => Some(None),
                None => None,
            };
            let expiry = token_expiry(conn, &lookup_token)?.unwrap_or(now);
            Ok((latest, resumable, expiry))
        })
        .await?;
    let mut pending = VecDeque::from([json_event(
        "ready",
        &serde_json::json!({ "change_seq": latest }),
    )]);
    let (last_sent, dirty) = match resumable {
        // Resuming: replay what came after the client's last event.
        Some(Some(seq)) => (seq, true),
        // Too old or unreadable: the client must resync; live from here.
        Some(None) => {
            pending.push_back(json_event(
                "reset",
                &serde_json::json!({ "change_seq": latest }),
            ));
            (latest, false)
        }
        None => (latest, false),
    };
    let heartbeat = state.live.heartbeat;
    let live = Live {
        state,
        user_id: bearer.user_id,
        token,
        expires_at_ms,
        last_sent,
        dirty,
        pending,
        notices,
        next_beat: Instant::now() + heartbeat,
    };
    let events = futures_util::stream::unfold(live, |mut live| async move {
        let event = live.next_event().await?;
        Some((Ok::<_, Infallible>(event), live))
    });
    Ok(Sse::new(events))
}
