//! `bst upload FILE`: prepare a photo or PDF, reuse what the platform
//! already holds, send the rest with a progress bar; `bst upload --resume`
//! follows every unfinished upload to its end.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{anyhow, bail};
use banshitong_core::Error;
use banshitong_core::materials::{
    AddMaterial, MaterialProblem, Materials, Reuse, UploadItem, UploadState,
};
use indicatif::HumanBytes;

use super::follow::{Followed, follow};
use super::render::{UploadJson, refused_lines, sent_text, type_label};
use crate::commands::{Interrupted, Session};
use crate::output::{duration, print_json, with_spinner};

#[derive(clap::Args)]
pub struct UploadArgs {
    /// The file: a photo (JPEG or PNG; made upright, scaled down to --max-side,
    /// every metadata such as GPS removed, re-encoded as JPEG) or a PDF (sent as is).
    #[arg(required_unless_present = "resume")]
    file: Option<PathBuf>,
    /// Attach the finished material to this draft (with --slot).
    #[arg(
        long,
        value_name = "DRAFT_ID",
        requires = "slot",
        conflicts_with = "resume"
    )]
    draft: Option<String>,
    /// The draft's material slot to fill (`bst draft show` lists them). A slot
    /// an electronic licence you hold satisfies takes the licence: nothing is sent.
    #[arg(
        long,
        value_name = "KEY",
        requires = "draft",
        conflicts_with = "resume"
    )]
    slot: Option<String>,
    /// Longest side of a photo after preparation, in pixels (default 2048).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..), conflicts_with = "resume")]
    max_side: Option<u32>,
    /// JPEG quality of a prepared photo, 1 to 100 (default 85).
    #[arg(long, value_name = "Q", value_parser = clap::value_parser!(u8).range(1..=100), conflicts_with = "resume")]
    quality: Option<u8>,
    /// The name shown in the material library (default: the file's name).
    #[arg(long, conflicts_with = "resume")]
    name: Option<String>,
    /// Go on with every unfinished upload (paused by Ctrl-C, or left by a
    /// lost network or a killed process), from what the platform already has.
    #[arg(long, conflicts_with = "file")]
    resume: bool,
    /// Return once the file is prepared and queued; a later `bst upload --resume` sends it.
    #[arg(long)]
    no_wait: bool,
}

pub async fn run(session: &Session, materials: &Materials, args: UploadArgs) -> anyhow::Result<()> {
    if args.resume {
        return resume_all(session, materials, args.no_wait).await;
    }
    let Some(file) = args.file.clone() else {
        bail!("name the file to upload, or --resume");
    };
    let request = AddMaterial {
        path: file.to_string_lossy().into_owned(),
        display_name: args.name.clone(),
        draft_id: args.draft.clone(),
        slot_key: args.slot.clone(),
        max_side_px: args.max_side,
        jpeg_quality: args.quality,
    };
    let original = std::fs::metadata(&file).map(|m| m.len()).ok();
    let item = with_spinner("preparing the file", materials.add(request))
        .await
        .map_err(|e| not_added(&file, e))?;
    if !session.json {
        println!("{}", prepared_line(&item, original));
    }
    if item.state.is_final() || args.no_wait {
        return report(session, &[item], Shape::One, false);
    }
    follow_and_report(session, materials, vec![item], Shape::One).await
}

/// What `--json` prints: one upload as an object, several as an array.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    One,
    List,
}

/// Every unfinished item: paused ones, and ones waiting out a back-off,
/// are due at once; then all are followed.
async fn resume_all(session: &Session, materials: &Materials, no_wait: bool) -> anyhow::Result<()> {
    let mut unfinished = Vec::new();
    for item in materials.uploads().await? {
        match item.state {
            UploadState::Paused | UploadState::RetryWaiting { .. } => unfinished.push(
                materials
                    .resume(item.id.clone())
                    .await
                    .map_err(|e| super::about_upload(&item.id, e))?,
            ),
            ref state if !state.is_final() => unfinished.push(item),
            _ => {}
        }
    }
    if unfinished.is_empty() {
        if session.json {
            return print_json(&Vec::<UploadJson>::new());
        }
        println!("nothing to resume: every upload has ended (`bst uploads` lists them)");
        return Ok(());
    }
    if !session.json {
        for item in &unfinished {
            println!(
                "resuming {} ({}, {})",
                item.display_name,
                type_label(item.media_type),
                sent_text(item)
            );
        }
    }
    if no_wait {
        return report(session, &unfinished, Shape::List, false);
    }
    follow_and_report(session, materials, unfinished, Shape::List).await
}

/// Follows the items with progress bars, then says how each ended.
pub async fn follow_and_report(
    session: &Session,
    materials: &Materials,
    items: Vec<UploadItem>,
    shape: Shape,
) -> anyhow::Result<()> {
    let started = Instant::now();
    match follow(materials, items).await? {
        Followed::Finished(items) => {
            if !session.json {
                for item in &items {
                    println!("{}", ended_line(item, started));
                }
            }
            report(session, &items, shape, false)
        }
        Followed::Interrupted { paused, finished } => {
            let all: Vec<UploadItem> = finished.into_iter().chain(paused.iter().cloned()).collect();
            if !session.json {
                for item in &paused {
                    eprintln!("paused {}: {}", item.display_name, sent_text(item));
                }
                eprintln!(
                    "what the platform has stays there; `bst upload --resume` goes on from it \
                     (`bst uploads cancel ID` drops an upload instead)"
                );
            }
            report(session, &all, shape, true)
        }
    }
}

/// Prints the items as JSON (with --json) and turns a refusal into the exit status.
fn report(
    session: &Session,
    items: &[UploadItem],
    shape: Shape,
    interrupted: bool,
) -> anyhow::Result<()> {
    if session.json {
        match (shape, items) {
            (Shape::One, [item]) => print_json(&UploadJson::from(item))?,
            _ => print_json(&items.iter().map(UploadJson::from).collect::<Vec<_>>())?,
        }
    } else {
        for item in items.iter().filter(|i| !i.state.is_final()) {
            if !interrupted {
                println!(
                    "queued as {}: `bst upload --resume` sends it ({})",
                    item.id,
                    sent_text(item)
                );
            }
        }
    }
    if interrupted {
        return Err(Interrupted.into());
    }
    let refused = refused_lines(items);
    if !refused.is_empty() {
        bail!("not uploaded: {}", refused.join("; "));
    }
    Ok(())
}

/// What preparation made of the file, and whether anything has to be sent.
fn prepared_line(item: &UploadItem, original: Option<u64>) -> String {
    let size = match original {
        Some(before) if before != item.total_bytes => {
            format!(
                "{} (was {})",
                HumanBytes(item.total_bytes),
                HumanBytes(before)
            )
        }
        _ => HumanBytes(item.total_bytes).to_string(),
    };
    if let UploadState::Done {
        reuse: Reuse::Licence,
        material_ref,
    } = &item.state
    {
        return format!(
            "an electronic licence you hold stands in for it: {} ({material_ref}); nothing prepared or sent",
            item.display_name
        );
    }
    let head = format!(
        "{}: {} {size}, sha256 {}…",
        item.display_name,
        type_label(item.media_type),
        item.sha256.get(..12).unwrap_or(&item.sha256)
    );
    match &item.state {
        UploadState::Done {
            reuse: Reuse::SameFile,
            material_ref,
        } => format!("{head}\nthe platform already holds this file ({material_ref}): nothing sent"),
        _ => format!("{head}\nqueued as {}", item.id),
    }
}

/// How one followed item ended.
fn ended_line(item: &UploadItem, started: Instant) -> String {
    let attached = match (&item.draft_id, &item.slot_key) {
        (Some(draft), Some(slot)) => format!("; attached to draft {draft}, slot {slot}"),
        _ => String::new(),
    };
    match &item.state {
        UploadState::Done {
            material_ref,
            reuse: Reuse::Uploaded,
        } => format!(
            "uploaded {} in {}: material {material_ref}{attached}",
            item.display_name,
            duration(started.elapsed())
        ),
        UploadState::Done { material_ref, .. } => {
            format!(
                "{}: {material_ref}, nothing sent{attached}",
                item.display_name
            )
        }
        UploadState::Failed { reason } => {
            format!("the platform refused {}: {reason}", item.display_name)
        }
        UploadState::Cancelled => format!("{}: cancelled", item.display_name),
        _ => format!("{}: {}", item.display_name, sent_text(item)),
    }
}

/// Why the file was not added, with the next step; nothing was queued.
fn not_added(file: &Path, e: Error) -> anyhow::Error {
    let shown = file.display();
    match e {
        Error::BadMaterial { problem, message } => {
            let next = match problem {
                MaterialProblem::Unreadable => {
                    "the file is damaged or cut short: take the photo or scan again"
                }
                MaterialProblem::UnsupportedType => {
                    "materials are JPEG or PNG photos and PDF files (judged by content, not by name)"
                }
                MaterialProblem::TooManyPixels => {
                    "the image has too many pixels to process safely: take a smaller photo"
                }
                MaterialProblem::TooLarge => "the file is bigger than the platform accepts",
            };
            anyhow!("{shown} can't be used: {message}\n{next}")
        }
        Error::NotFound { what } => anyhow!("{shown}: not found ({what})"),
        Error::InvalidInput { message } => anyhow!("{shown}: {message}"),
        e if e.is_network() => anyhow::Error::new(e)
            .context(format!("{shown} could not be checked against the platform")),
        e => anyhow::Error::new(e).context(format!("{shown} was not added")),
    }
}
