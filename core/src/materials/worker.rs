//! One upload carried through: create it on the platform (or find where
//! it stands), send the rest chunk by chunk, and record every confirmed
//! offset, so a cut connection or a killed app costs at most the chunk that
//! was on the wire.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use rand::Rng;
use url::Url;

use super::model::{UploadProgress, UploadState};
use super::progress::Meter;
use super::store::{self, QueueRow};
use super::tus::{ChunkSize, FileTransfer, Step, StopSignal, TusError, UploadMetadata};
use super::{Shared, api, reuse};
use crate::error::Error;
use crate::time_util::now_ms;

/// An upload the platform lost (expired) is started over at most this many
/// times in one go before the item waits like after any other failure.
const MAX_RESTARTS: u32 = 3;
/// Progress of the chunk on the wire is looked at this often.
const PROGRESS_TICK: Duration = Duration::from_millis(250);

/// How one run of the worker ended.
enum Outcome {
    Done {
        material_ref: String,
    },
    Failed {
        reason: String,
    },
    Retry {
        error: String,
        retry_after: Option<Duration>,
    },
    /// Paused, cancelled or stopped by a deadline, or changed by someone
    /// else: whoever did it has set the state.
    Stopped,
}

/// Back-off after the n-th failed try in a row: 1 s, 2 s, 4 s … 60 s, with
/// "equal jitter" so phones coming back online together do not retry in step.
pub(super) fn backoff(failures: u32) -> Duration {
    let ceiling = 1000u64.saturating_mul(1 << failures.min(6)).min(60_000);
    let half = ceiling / 2;
    Duration::from_millis(half + rand::rng().random_range(0..=half))
}

pub(super) async fn run(shared: &Arc<Shared>, row: QueueRow, mut stop: StopSignal) {
    let id = row.item.id.clone();
    let attempts = row.item_attempts();
    let mut confirmed = row.item.sent_bytes;
    let outcome = match upload(shared, &row, &mut stop, &mut confirmed).await {
        Ok(outcome) => outcome,
        // Signed out (or someone else signed in) mid-request: the upload
        // waits in the queue for its user.
        Err(_) if !shared.speaks_for_user() => Outcome::Stopped,
        Err(TusError::Stopped) => Outcome::Stopped,
        Err(TusError::Refused { reason, .. }) => Outcome::Failed { reason },
        Err(TusError::Transient { error, retry_after }) => Outcome::Retry {
            error: error.to_string(),
            retry_after,
        },
        Err(other) => Outcome::Retry {
            error: other.to_string(),
            retry_after: None,
        },
    };
    // Offsets are saved a few times a second while bytes move; the last
    // one is saved before the item changes hands.
    if !matches!(outcome, Outcome::Done { .. }) {
        let key = id.clone();
        if let Err(e) = shared
            .db
            .call(move |c| store::save_offset(c, &key, confirmed, now_ms()))
            .await
        {
            tracing::warn!(error = %e, "cannot save an upload's offset");
        }
    }
    let result = match outcome {
        Outcome::Done { material_ref } => finish(shared, &row, material_ref).await,
        Outcome::Failed { reason } => {
            let key = id.clone();
            let failed = shared
                .db
                .call(move |c| store::fail(c, &key, &reason, now_ms()))
                .await;
            if matches!(failed, Ok(true))
                && let Some(name) = &row.file_name
            {
                shared.files.remove(&shared.path_of(name));
            }
            failed.map(|_| ())
        }
        Outcome::Retry { error, retry_after } => {
            let wait = retry_after
                .map(|hint| hint.min(Duration::from_secs(3600)))
                .unwrap_or_else(|| backoff(attempts));
            let next = now_ms() + wait.as_millis() as i64;
            tracing::debug!(%error, ?wait, "upload waits before its next try");
            let key = id.clone();
            shared
                .db
                .call(move |c| store::postpone(c, &key, next, &error, now_ms()))
                .await
                .map(|_| ())
        }
        Outcome::Stopped => {
            // Stopped by a deadline or a sign-out: back to the queue. A
            // pause or cancel already moved the item on, and this changes
            // nothing.
            let key = id.clone();
            shared
                .db
                .call(move |c| store::unclaim(c, &key, now_ms()))
                .await
                .map(|_| ())
        }
    };
    if let Err(e) = result {
        tracing::warn!(error = %e, "cannot record how an upload ended");
    }
}

impl QueueRow {
    fn item_attempts(&self) -> u32 {
        match &self.item.state {
            UploadState::RetryWaiting { attempts, .. } => *attempts,
            _ => 0,
        }
    }
}

async fn finish(shared: &Arc<Shared>, row: &QueueRow, material_ref: String) -> crate::Result<()> {
    let key = row.item.id.clone();
    let reference = material_ref.clone();
    let finished = shared
        .db
        .call(move |c| store::finish(c, &key, &reference, now_ms()))
        .await?;
    if !finished {
        return Ok(());
    }
    shared.finished_count.fetch_add(1, Ordering::SeqCst);
    if let Some(name) = &row.file_name {
        shared.files.remove(&shared.path_of(name));
    }
    reuse::attach(shared, &row.item, &material_ref).await;
    Ok(())
}

/// `confirmed` follows what the platform confirmed holding.
async fn upload(
    shared: &Arc<Shared>,
    row: &QueueRow,
    stop: &mut StopSignal,
    confirmed: &mut u64,
) -> Result<Outcome, TusError> {
    let item = &row.item;
    let Some(file_name) = &row.file_name else {
        return Ok(Outcome::Failed {
            reason: "the prepared file is missing".to_owned(),
        });
    };
    let path = shared.path_of(file_name);
    if !path.exists() {
        return Ok(Outcome::Failed {
            reason: "the prepared file was deleted; add the material again".to_owned(),
        });
    }
    let metadata = UploadMetadata {
        filename: item.display_name.clone(),
        filetype: item.media_type.mime().to_owned(),
        sha256: Some(item.sha256.clone()),
    };
    let mut upload_url = row.upload_url.as_deref().and_then(|u| Url::parse(u).ok());
    let mut restarts = 0;
    let mut meter = Meter::new();
    loop {
        if !shared.speaks_for_user() {
            return Ok(Outcome::Stopped);
        }
        let (mut transfer, mut step) = match upload_url.take() {
            Some(url) => {
                let mut transfer = FileTransfer::new(
                    shared.tus.clone(),
                    url,
                    path.clone(),
                    item.total_bytes,
                    item.sent_bytes,
                    ChunkSize::from_setting(shared.settings.chunk_bytes),
                );
                match transfer.resync().await {
                    Ok(step) => (transfer, step),
                    Err(TusError::Gone) => {
                        restart(shared, item.id.clone(), &mut restarts).await?;
                        continue;
                    }
                    Err(e) => return Err(e),
                }
            }
            None => {
                let url = shared.tus.create(item.total_bytes, &metadata).await?;
                if !record_upload(shared, &item.id, &url).await? {
                    return Ok(Outcome::Stopped);
                }
                let transfer = FileTransfer::new(
                    shared.tus.clone(),
                    url,
                    path.clone(),
                    item.total_bytes,
                    0,
                    ChunkSize::from_setting(shared.settings.chunk_bytes),
                );
                (transfer, Step::Confirmed(0))
            }
        };
        *confirmed = transfer.offset();
        let mut cut_since_progress = false;
        loop {
            match step {
                Step::Finished { material_id } => {
                    confirm(shared, item, confirmed, item.total_bytes, &mut meter).await?;
                    return material_ref(shared, item, material_id).await;
                }
                Step::Confirmed(offset) => {
                    if offset != *confirmed {
                        cut_since_progress = false;
                    }
                    if !confirm(shared, item, confirmed, offset, &mut meter).await? {
                        return Ok(Outcome::Stopped);
                    }
                }
            }
            if !shared.speaks_for_user() {
                return Ok(Outcome::Stopped);
            }
            let sent =
                next_with_progress(shared, item, &mut transfer, *confirmed, &mut meter, stop).await;
            step = match sent {
                Ok(step) => step,
                Err(TusError::Gone) => {
                    restart(shared, item.id.clone(), &mut restarts).await?;
                    break;
                }
                // A connection cut after progress: reconnect at once, once;
                // a network that stays down gets the back-off, and a busy
                // platform (an answer) gets its Retry-After.
                Err(TusError::Transient {
                    error: Error::Offline { .. } | Error::Timeout,
                    ..
                }) if !cut_since_progress => {
                    cut_since_progress = true;
                    match transfer.resync().await {
                        Ok(step) => step,
                        Err(TusError::Gone) => {
                            restart(shared, item.id.clone(), &mut restarts).await?;
                            break;
                        }
                        Err(e) => return Err(e),
                    }
                }
                Err(e) => return Err(e),
            };
        }
    }
}

/// The platform lost the upload: forget it, so the next try creates a new one.
async fn restart(shared: &Arc<Shared>, id: String, restarts: &mut u32) -> Result<(), TusError> {
    *restarts += 1;
    if *restarts > MAX_RESTARTS {
        return Err(TusError::Transient {
            error: Error::protocol("the platform keeps losing the upload"),
            retry_after: None,
        });
    }
    tracing::info!("upload expired on the platform; starting it over");
    let cleared = shared
        .db
        .call(move |c| store::set_upload(c, &id, None, 0, now_ms()))
        .await?;
    if !cleared {
        return Err(TusError::Stopped);
    }
    Ok(())
}

/// Records a new upload's URL; false when the item was paused or cancelled
/// meanwhile (a cancelled one's new upload is dropped at once).
async fn record_upload(shared: &Arc<Shared>, id: &str, url: &Url) -> Result<bool, TusError> {
    let (key, text) = (id.to_owned(), url.to_string());
    let recorded = shared
        .db
        .call(move |c| store::set_upload(c, &key, Some(&text), 0, now_ms()))
        .await?;
    if !recorded {
        let key = id.to_owned();
        let now = shared.db.call(move |c| store::get(c, &key)).await?;
        if now.is_none_or(|row| row.item.state == UploadState::Cancelled) {
            let _ = shared.tus.terminate(url).await;
        }
    }
    Ok(recorded)
}

/// Saves a confirmed offset and tells watchers. False when the item is no
/// longer uploading.
async fn confirm(
    shared: &Arc<Shared>,
    item: &super::UploadItem,
    confirmed: &mut u64,
    offset: u64,
    meter: &mut Meter,
) -> Result<bool, TusError> {
    if offset == *confirmed && offset != 0 {
        return Ok(true);
    }
    if offset > *confirmed {
        shared
            .bytes_confirmed
            .fetch_add(offset - *confirmed, Ordering::SeqCst);
    }
    *confirmed = offset;
    publish(shared, item, offset, meter, false);
    if !meter.offset_due() {
        return Ok(true);
    }
    let key = item.id.clone();
    let saved = shared
        .db
        .call(move |c| store::confirm_offset(c, &key, offset, now_ms()))
        .await?;
    if saved {
        shared.list_dirty.notify_one();
    }
    Ok(saved)
}

fn publish(shared: &Shared, item: &super::UploadItem, sent: u64, meter: &mut Meter, force: bool) {
    if let Some(rate) = meter.record(sent, force) {
        shared.progress.publish(UploadProgress {
            id: item.id.clone(),
            sent_bytes: sent,
            total_bytes: item.total_bytes,
            bytes_per_second: rate,
            state: UploadState::Uploading,
        });
    }
}

/// Sends the next chunk, telling watchers how far it got while it goes.
async fn next_with_progress(
    shared: &Shared,
    item: &super::UploadItem,
    transfer: &mut FileTransfer,
    confirmed: u64,
    meter: &mut Meter,
    stop: &mut StopSignal,
) -> Result<Step, TusError> {
    let in_flight = transfer.in_flight();
    let next = transfer.next(stop);
    tokio::pin!(next);
    let mut tick = tokio::time::interval(PROGRESS_TICK);
    tick.tick().await;
    loop {
        tokio::select! {
            step = &mut next => return step,
            _ = tick.tick() => {
                let sent = (confirmed + in_flight.load(Ordering::Relaxed)).min(item.total_bytes);
                publish(shared, item, sent, meter, false);
            }
        }
    }
}

/// The material the finished upload became: the platform names it in the
/// last answer; when that answer was lost, HEAD or the sha256 lookup does.
async fn material_ref(
    shared: &Arc<Shared>,
    item: &super::UploadItem,
    material_id: Option<String>,
) -> Result<Outcome, TusError> {
    if let Some(id) = material_id {
        return Ok(Outcome::Done { material_ref: id });
    }
    match api::material_by_sha256(&shared.session, &item.sha256).await? {
        Some(material) => Ok(Outcome::Done {
            material_ref: material.id,
        }),
        None => Err(TusError::Transient {
            error: Error::protocol("the platform has the whole file but names no material yet"),
            retry_after: None,
        }),
    }
}
