//! Following uploads to their end with a progress bar each (bytes, rate,
//! time left). The upload itself runs in the core; this only watches it.
//! Ctrl-C pauses what is unfinished, so the queue keeps it for `bst upload
//! --resume` (which goes on from what the platform already has); a second
//! Ctrl-C quits at once, which loses nothing either.

use std::collections::HashMap;
use std::time::Duration;

use banshitong_core::materials::{Materials, UploadItem, UploadProgress, UploadState};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use tokio::task::JoinSet;

use super::about_upload;

/// How following ended.
pub enum Followed {
    /// Every item reached its end (done, failed or cancelled): the items as they ended.
    Finished(Vec<UploadItem>),
    /// Ctrl-C: the items that had not ended are paused (`paused`), the others as they ended.
    Interrupted {
        paused: Vec<UploadItem>,
        finished: Vec<UploadItem>,
    },
}

/// Follows `items` until each has ended or Ctrl-C is pressed.
pub async fn follow(materials: &Materials, items: Vec<UploadItem>) -> anyhow::Result<Followed> {
    let ids: Vec<String> = items.iter().map(|i| i.id.clone()).collect();
    let bars = MultiProgress::new();
    let mut watchers = JoinSet::new();
    for item in items.iter().filter(|i| !i.state.is_final()) {
        let updates = materials
            .watch_upload(item.id.clone())
            .await
            .map_err(|e| about_upload(&item.id, e))?;
        let bar = bars.add(upload_bar(item));
        watchers.spawn(watch_until_final(updates, bar));
    }
    // Polled first, so the handler is in place before the first update.
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    let interrupted = loop {
        tokio::select! {
            biased;
            signal = &mut ctrl_c => break signal.is_ok(),
            joined = watchers.join_next() => if joined.is_none() { break false },
        }
    };
    watchers.abort_all();
    if !interrupted {
        return Ok(Followed::Finished(current(materials, &ids).await?));
    }
    eprintln!("\nCtrl-C: pausing the upload (Ctrl-C again to quit at once)");
    let pausing = pause_unfinished(materials, &ids);
    tokio::select! {
        result = pausing => result,
        _ = tokio::signal::ctrl_c() => {
            // What the platform confirmed stays there; the queue resumes from it.
            eprintln!("quit; `bst upload --resume` goes on from what the platform already has");
            std::process::exit(130)
        }
    }
}

/// Moves the bar with each update until the upload ends (or its watch does).
async fn watch_until_final(
    mut updates: banshitong_core::events::Subscription<UploadProgress>,
    bar: ProgressBar,
) {
    let name = bar.message();
    let mut first = true;
    while let Some(progress) = updates.next().await {
        bar.set_length(progress.total_bytes);
        bar.set_position(progress.sent_bytes);
        if first {
            // Bytes sent by an earlier run are not this run's rate.
            bar.reset_eta();
            first = false;
        }
        match &progress.state {
            UploadState::RetryWaiting { last_error, .. } => {
                bar.set_message(format!("{name} · trying again soon ({last_error})"))
            }
            UploadState::Paused => bar.set_message(format!("{name} · paused")),
            _ => bar.set_message(name.clone()),
        }
        if progress.state.is_final() {
            break;
        }
    }
    bar.finish_and_clear();
}

fn upload_bar(item: &UploadItem) -> ProgressBar {
    let bar = ProgressBar::new(item.total_bytes);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {msg} [{wide_bar}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} ETA {eta}",
        )
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(short_name(&item.display_name));
    bar.set_position(item.sent_bytes);
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

/// At most 24 characters of a file name, for the bar.
fn short_name(name: &str) -> String {
    if name.chars().count() <= 24 {
        return name.to_owned();
    }
    let start: String = name.chars().take(23).collect();
    format!("{start}…")
}

/// The items with these ids as the queue has them now, in the same order.
async fn current(materials: &Materials, ids: &[String]) -> anyhow::Result<Vec<UploadItem>> {
    let mut by_id: HashMap<String, UploadItem> = materials
        .uploads()
        .await?
        .into_iter()
        .map(|i| (i.id.clone(), i))
        .collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

async fn pause_unfinished(materials: &Materials, ids: &[String]) -> anyhow::Result<Followed> {
    let mut paused = Vec::new();
    let mut finished = Vec::new();
    for item in current(materials, ids).await? {
        if item.state.is_final() {
            finished.push(item);
            continue;
        }
        match materials.pause(item.id.clone()).await {
            Ok(now) if now.state.is_final() => finished.push(now),
            Ok(now) => paused.push(now),
            Err(e) => return Err(about_upload(&item.id, e)),
        }
    }
    Ok(Followed::Interrupted { paused, finished })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_cut_for_the_bar() {
        assert_eq!(short_name("营业执照.jpg"), "营业执照.jpg");
        let long = "一".repeat(30);
        assert_eq!(short_name(&long).chars().count(), 24);
        assert!(short_name(&long).ends_with('…'));
    }
}
