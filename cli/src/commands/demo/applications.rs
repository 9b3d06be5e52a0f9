//! The demo's application status steps (办件进度): the application just
//! submitted is watched live (the app in the foreground: a Server-Sent
//! Events connection) while the embedded platform's office advances it
//! through the development route, one step at a time: accepted, sent back
//! for a clearer photo, answered by the demo through the materials queue,
//! reviewed, approved, (the fee paid), completed, delivered. Each change is
//! printed when the live listener hears of it, with the time from the
//! office's action to the listener; the notices that need the user (what
//! the app raises as local notifications) are printed as they come.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use banshitong_core::Client;
use banshitong_core::applications::{
    Application, ApplicationEvent, ApplicationFilter, ApplicationStatus, Applications, LiveState,
    SupplementOutcome,
};
use banshitong_core::drafts::DraftState;
use banshitong_core::materials::{AddMaterial, Reuse, UploadState};
use banshitong_server::TestServer;
use indicatif::HumanBytes;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::Narrator;
use super::samples::PHONE_PHOTO;
use crate::commands::apps::render::{detail, event_text, live_text, status_text, timeline_word};
use crate::commands::drafts::form::Form;
use crate::commands::materials::follow::{Followed, follow};
use crate::output::{Style, duration};

/// How long one change may take to reach the listener before the demo
/// gives up (it takes milliseconds on loopback).
const HEARD_WITHIN: Duration = Duration::from_secs(5);

/// More steps than the happy path has: a loop that never ends is a bug.
const MAX_STEPS: usize = 8;

/// What the live listener heard, and when.
enum Heard {
    Version(Box<Application>, Instant),
    Notice(ApplicationEvent),
}

/// The watching side: the application's subscription and the notice
/// stream, each in its own task so a version is stamped the moment the
/// listener is called, not when the demo gets round to reading it.
struct Listener {
    heard: mpsc::UnboundedReceiver<Heard>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    /// How long each change took from the office's action to the listener.
    latencies: Vec<Duration>,
}

impl Listener {
    fn start(applications: &Applications, no: &str) -> Listener {
        let (tx, heard) = mpsc::unbounded_channel();
        let mut watch = applications.watch(no);
        let versions = tx.clone();
        let watching = tokio::spawn(async move {
            while let Some(version) = watch.next().await {
                let Some(app) = version else { continue };
                if versions
                    .send(Heard::Version(Box::new(app), Instant::now()))
                    .is_err()
                {
                    break;
                }
            }
        });
        let mut events = applications.events();
        let notices = tokio::spawn(async move {
            while let Some(event) = events.next().await {
                if tx.send(Heard::Notice(event)).is_err() {
                    break;
                }
            }
        });
        Listener {
            heard,
            tasks: vec![watching, notices],
            latencies: Vec::new(),
        }
    }

    /// Waits for the version with `change_seq` (or a later one), keeping
    /// the notices that came first; the time from `acted` to the listener
    /// call is kept for the summary.
    async fn heard(
        &mut self,
        change_seq: i64,
        acted: Instant,
    ) -> anyhow::Result<(Application, Duration, Vec<ApplicationEvent>)> {
        let mut notices = Vec::new();
        let deadline = tokio::time::Instant::now() + HEARD_WITHIN;
        loop {
            let heard = tokio::time::timeout_at(deadline, self.heard.recv())
                .await
                .with_context(|| {
                    format!("the live listener heard nothing of change {change_seq} in time")
                })?
                .context("the live listener stopped")?;
            match heard {
                Heard::Notice(event) => notices.push(event),
                Heard::Version(app, at) if app.change_seq >= change_seq => {
                    let latency = at.saturating_duration_since(acted);
                    self.latencies.push(latency);
                    return Ok((*app, latency, notices));
                }
                Heard::Version(..) => {}
            }
        }
    }

    /// Notices that came with the last version (they are raised together).
    async fn notices(&mut self, n: &Narrator) {
        tokio::time::sleep(Duration::from_millis(20)).await;
        while let Ok(heard) = self.heard.try_recv() {
            if let Heard::Notice(event) = heard {
                say_notice(n, &event);
            }
        }
    }

    fn stop(self) -> Vec<Duration> {
        for task in &self.tasks {
            task.abort();
        }
        self.latencies
    }
}

/// `2.3 ms`: loopback latencies are a few milliseconds.
fn ms(elapsed: Duration) -> String {
    format!("{:.1} ms", elapsed.as_secs_f64() * 1000.0)
}

fn say_notice(n: &Narrator, event: &ApplicationEvent) {
    if let Some(text) = event_text(event) {
        n.say(format!("  🔔 notification: {text}"));
    }
}

/// The development route `POST /dev/applications/{no}/advance`: the
/// office's step, or the next one of the happy path when `body` names no
/// action. Answers the application's `change_seq` after the step.
async fn advance(server: &TestServer, no: &str, body: Value) -> anyhow::Result<i64> {
    let response = reqwest::Client::new()
        .post(format!(
            "{}/dev/applications/{no}/advance",
            server.base_url()
        ))
        .json(&body)
        .send()
        .await
        .context("the platform's development route did not answer")?;
    let status = response.status();
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        bail!(
            "the office's step was refused ({status}): {}",
            answer["detail"].as_str().unwrap_or("no detail")
        );
    }
    answer["change_seq"]
        .as_i64()
        .context("the advanced application has no change_seq")
}

/// One office step, printed as the listener hears it.
async fn office_step(
    n: &Narrator,
    server: &TestServer,
    listener: &mut Listener,
    no: &str,
    body: Value,
) -> anyhow::Result<Application> {
    let action = body["action"].as_str().map(str::to_owned);
    let acted = Instant::now();
    let change_seq = advance(server, no, body).await?;
    let (app, latency, notices) = listener.heard(change_seq, acted).await?;
    let last = app.timeline.last();
    let said = last
        .and_then(|e| e.comment.clone())
        .filter(|c| !c.is_empty())
        .map(|c| format!(" · “{c}”"))
        .unwrap_or_default();
    // No action named: the office took the next step; the timeline says which.
    let action = action
        .or_else(|| last.map(|e| format!("next: {}", timeline_word(e))))
        .unwrap_or_default();
    n.say(format!(
        "office: {action} → {}  (heard live {} after the office acted){said}",
        status_text(app.status),
        ms(latency)
    ));
    for event in &notices {
        say_notice(n, event);
    }
    listener.notices(n).await;
    Ok(app)
}

/// Watches application `no` live while the office advances it to the
/// end; `draft_id` is the draft it was submitted from (its photo slot is
/// what the office asks again for). `files` holds the files made.
pub(super) async fn steps(
    n: &mut Narrator,
    server: &TestServer,
    client: &Client,
    no: &str,
    draft_id: &str,
    files: &Path,
) -> anyhow::Result<()> {
    let applications = client.applications().await?;
    n.step("My applications (办件进度): synced into the encrypted database, then watched live");
    let started = Instant::now();
    let report = applications.sync().await?;
    let app = applications.get(no).await?;
    n.say(format!(
        "synced {} application(s) in {}: {} is {}",
        report.changed.len(),
        duration(started.elapsed()),
        no,
        status_text(app.status)
    ));
    let mut live = applications.watch_live();
    applications.set_foreground(true);
    let connected = Instant::now();
    tokio::time::timeout(HEARD_WITHIN, async {
        while let Some(state) = live.next().await {
            if state != LiveState::Off {
                n.say(format!("live connection: {}", live_text(&state)));
            }
            if state == LiveState::Live {
                break;
            }
        }
    })
    .await
    .context("the live connection did not open")?;
    n.say(format!(
        "the app is in the foreground: connected in {}, changes now arrive as they happen",
        ms(connected.elapsed())
    ));

    n.step("The office advances the application, step by step; the app hears each one live");
    let mut listener = Listener::start(&applications, no);
    office_step(n, server, &mut listener, no, json!({"action": "accept"})).await?;

    let slot = photo_slot(client, draft_id).await?;
    let asked = office_step(
        n,
        server,
        &mut listener,
        no,
        json!({
            "action": "request_supplement",
            "comment": "请补交清晰的照片",
            "materials": [{"key": slot.0, "name": slot.1, "reason": "照片模糊，无法辨认"}],
        }),
    )
    .await?;
    ensure!(
        asked.status == ApplicationStatus::SupplementRequired,
        "the office's request did not reach the app"
    );

    answer_supplement(n, client, &applications, &mut listener, no, files).await?;

    n.step("Review, decision and delivery, each heard live");
    let mut last = applications.get(no).await?;
    let mut taken = 0;
    while last.status != ApplicationStatus::Delivered {
        taken += 1;
        ensure!(taken <= MAX_STEPS, "the application did not reach delivery");
        // No action: the office's next step of the happy path (approve,
        // the fee's payment notice if one is due, complete, deliver).
        last = office_step(n, server, &mut listener, no, json!({})).await?;
    }
    let mut latencies = listener.stop();
    applications.set_foreground(false);

    latencies.sort();
    let median = latencies[latencies.len() / 2];
    let max = latencies[latencies.len() - 1];
    n.say(format!(
        "{} changes heard live: median {}, slowest {} from the office's action to the app's listener",
        latencies.len(),
        ms(median),
        ms(max)
    ));
    n.say("as the app shows it (read from the encrypted database, offline too):");
    for line in detail(Style::Plain, &applications.get(no).await?) {
        n.say(format!("  {line}"));
    }
    Ok(())
}

/// The slot of the submitted draft that took the phone photo: (key, name).
async fn photo_slot(client: &Client, draft_id: &str) -> anyhow::Result<(String, String)> {
    let drafts = client.drafts().await?;
    let form = Form::read(&drafts.schema(draft_id.to_owned()).await?)?;
    form.material_slots
        .iter()
        .find(|s| s.licence_type.is_none() && s.accepted_types.iter().any(|t| t == "jpeg"))
        .map(|s| (s.key.clone(), s.name.clone()))
        .context("the submitted form has no photo slot")
}

/// The applicant's side of the supplement round: the answer's draft, the
/// photo taken again into it through the materials queue, the answer sent
/// through the outbox; the listener hears the application go back to review.
async fn answer_supplement(
    n: &mut Narrator,
    client: &Client,
    applications: &Applications,
    listener: &mut Listener,
    no: &str,
    files: &Path,
) -> anyhow::Result<()> {
    n.step("Answer the supplement request (补正): photograph again, upload, send once");
    let draft = applications.start_supplement(no).await?;
    let drafts = client.drafts().await?;
    let form = Form::read(&drafts.schema(draft.id.clone()).await?)?;
    let slot = form
        .material_slots
        .first()
        .context("the answer has no material to fill")?;
    n.say(format!(
        "the answer is a draft ({}) with one slot per material asked for: {} ({})",
        draft.id, slot.name, slot.key
    ));
    let photo = files.join("IMG_20250301_103015.jpg");
    std::fs::write(&photo, PHONE_PHOTO).context("cannot write the demo photo")?;
    let materials = client.materials().await?;
    // A clearer photo: prepared at a higher quality, so it is a new file
    // (the one sent before would be reused without sending a byte).
    let item = materials
        .add(AddMaterial {
            draft_id: Some(draft.id.clone()),
            slot_key: Some(slot.key.clone()),
            jpeg_quality: Some(95),
            ..AddMaterial::file(photo.to_string_lossy())
        })
        .await?;
    let uploaded = Instant::now();
    let item = match follow(&materials, vec![item]).await? {
        Followed::Finished(mut items) => items.pop().context("the upload left the queue")?,
        Followed::Interrupted { .. } => bail!("the demo was stopped; the upload is paused"),
    };
    match &item.state {
        UploadState::Done {
            material_ref,
            reuse: Reuse::Uploaded,
        } => n.say(format!(
            "the new photo ({}) uploaded in {} into {}: material {material_ref}",
            HumanBytes(item.total_bytes),
            duration(uploaded.elapsed()),
            slot.name
        )),
        other => bail!("the new photo was not uploaded: {other:?}"),
    }

    let sent = Instant::now();
    match applications.submit_supplement(&draft.id).await? {
        SupplementOutcome::Queued => {}
        other => bail!("the answer was not queued: {other:?}"),
    }
    let mut answer = drafts.watch_draft(draft.id.clone());
    tokio::time::timeout(HEARD_WITHIN, async {
        while let Some(d) = answer.next().await {
            if d.state != DraftState::Submitting {
                return Ok(d);
            }
        }
        bail!("the answer's draft went away")
    })
    .await
    .context("the outbox did not send the answer in time")??;
    let deadline = tokio::time::Instant::now() + HEARD_WITHIN;
    let (app, at) = loop {
        let heard = tokio::time::timeout_at(deadline, listener.heard.recv())
            .await
            .context("the app did not hear the application go back to review")?
            .context("the live listener stopped")?;
        match heard {
            Heard::Version(app, at) if app.status == ApplicationStatus::UnderReview => {
                break (app, at);
            }
            Heard::Notice(event) => say_notice(n, &event),
            Heard::Version(..) => {}
        }
    };
    n.say(format!(
        "answer sent through the outbox (one idempotency key): {} {} after sending",
        status_text(app.status),
        ms(at.saturating_duration_since(sent))
    ));
    match applications.submit_supplement(&draft.id).await? {
        SupplementOutcome::AlreadySent { .. } => {
            n.say("pressing send again sends nothing: the answer is already with the office")
        }
        other => bail!("a second send did not say already sent: {other:?}"),
    }
    Ok(())
}

/// For the offline step: what the app still shows of the applications.
pub(super) async fn offline_line(client: &Client) -> anyhow::Result<String> {
    let applications = client.applications().await?;
    let held = applications.list(ApplicationFilter::All).await?;
    let first = held.first().context("no application is held offline")?;
    let app = applications.get(&first.application_no).await?;
    Ok(format!(
        "my applications still open: {} is {} with its {} timeline entries",
        app.application_no,
        status_text(app.status),
        app.timeline.len()
    ))
}
