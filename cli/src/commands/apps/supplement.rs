//! `bst app NO supplement [FILE…] [--comment TEXT]`: answering the
//! office's supplement request (补正). The answer is a draft of the drafts
//! machinery with one slot per requested material (the same draft each
//! time for the same request), so the files go through the materials
//! queue exactly as for an application (prepared, uploaded with the same
//! progress bars, attached to their slot) and the answer goes out through
//! the outbox with one idempotency key: running the command again never
//! sends it twice.
//!
//! Files fill the requested materials in the order `bst app NO` lists
//! them, one each. With no file the answer as it stands is sent: that is
//! how an answer whose uploads were paused (Ctrl-C, then `bst upload
//! --resume`) is finished.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{anyhow, bail};
use banshitong_core::applications::{Application, Applications, SupplementOutcome};
use banshitong_core::drafts::{Draft, DraftState};
use banshitong_core::materials::{AddMaterial, Materials, UploadItem};
use banshitong_core::{Client, Error};
use serde::Serialize;

use super::{about, render};
use crate::commands::Interrupted;
use crate::commands::Session;
use crate::commands::drafts::form::{Form, Slot};
use crate::commands::drafts::render::error_line;
use crate::commands::drafts::{Waited, wait_settled};
use crate::commands::materials::follow::{Followed, follow};
use crate::commands::materials::render::{UploadJson, refused_lines, sent_text, type_label};
use crate::output::{print_json, with_spinner};

/// How long to wait for the platform to take the answer before leaving it
/// in the outbox (which sends it later, never twice).
const WAIT_FOR_PLATFORM: Duration = Duration::from_secs(30);

#[derive(clap::Args)]
pub struct SupplementArgs {
    /// One file per requested material, in the order `bst app NO` lists
    /// them (photos are made upright and metadata-free first). None: send
    /// the answer as it stands.
    files: Vec<PathBuf>,
    /// A note to the office (补正说明).
    #[arg(long)]
    comment: Option<String>,
    /// Return once the answer is queued; the outbox sends it later.
    #[arg(long)]
    no_wait: bool,
}

#[derive(Serialize)]
struct SupplementJson<'a> {
    application_no: &'a str,
    draft_id: &'a str,
    /// `sent`, `already_sent` or `queued`.
    result: &'static str,
    uploads: Vec<UploadJson<'a>>,
    /// The application as it stands after the answer (when the platform
    /// could be asked).
    application: Option<&'a Application>,
}

pub async fn run(
    session: &Session,
    client: &Client,
    applications: &Applications,
    no: &str,
    args: SupplementArgs,
) -> anyhow::Result<()> {
    let draft = with_spinner(
        "reading the supplement request",
        applications.start_supplement(no),
    )
    .await
    .map_err(|e| match e {
        Error::Conflict { message } => {
            anyhow!("{message}; `bst app {no}` shows where it stands")
        }
        e => about(no, e),
    })?;
    let drafts = session.signed_in("drafts", client.drafts().await)?;
    let form = Form::read(&drafts.schema(draft.id.clone()).await?)?;
    if !args.files.is_empty() && args.files.len() != form.material_slots.len() {
        bail!(
            "the office asks for {} material(s), so give {} file(s), in this order: {}",
            form.material_slots.len(),
            form.material_slots.len(),
            slot_names(&form.material_slots)
        );
    }
    if let Some(comment) = &args.comment {
        let saved = drafts
            .set_field(
                draft.id.clone(),
                "comment".into(),
                serde_json::to_string(comment)?,
            )
            .await?;
        if let Some(error) = saved.field_errors.first() {
            bail!("the note is not taken: {}", error.message);
        }
    }

    let mut uploads = Vec::new();
    if !args.files.is_empty() {
        let materials = session.signed_in("materials", client.materials().await)?;
        uploads = upload_files(session, &materials, no, &draft, &form, &args.files).await?;
    }

    let outcome = applications
        .submit_supplement(&draft.id)
        .await
        .map_err(|e| match e {
            Error::Conflict { message } => anyhow!(
                "the answer cannot be sent: {message}; `bst app {no}` shows the open request"
            ),
            e => about(no, e),
        })?;
    let result = match outcome {
        SupplementOutcome::Invalid { errors } => {
            if !session.json {
                println!("not sent: the answer is incomplete");
                for error in &errors {
                    println!("  {}", error_line(Some(&form), error));
                }
            }
            bail!(
                "the office asks for {}; give one file for each: `bst app {no} supplement FILE…`",
                slot_names(&form.material_slots)
            );
        }
        SupplementOutcome::AlreadySent { .. } => "already_sent",
        SupplementOutcome::Queued if args.no_wait => "queued",
        SupplementOutcome::Queued => {
            match wait_settled(&drafts, &draft.id, WAIT_FOR_PLATFORM).await? {
                Waited::Settled(settled) => sent_or_refused(&settled)?,
                Waited::StillQueued { .. } | Waited::Interrupted { .. } => "queued",
            }
        }
    };
    let application = match result {
        "queued" => None,
        _ => match applications.refresh(no).await {
            Ok(app) => Some(app),
            Err(e) if e.is_network() => applications.get(no).await.ok(),
            Err(e) => return Err(about(no, e)),
        },
    };
    if session.json {
        return print_json(&SupplementJson {
            application_no: no,
            draft_id: &draft.id,
            result,
            uploads: uploads.iter().map(UploadJson::from).collect(),
            application: application.as_ref(),
        });
    }
    match (result, &application) {
        ("queued", _) => println!(
            "queued: the answer is in the outbox on this device and goes out once, when the \
             platform can be reached (`bst draft sync` sends it now)"
        ),
        ("already_sent", _) => println!("this answer was sent already; nothing sent again"),
        (_, Some(app)) => println!(
            "answer sent: application {no} is {}",
            render::status_text(app.status)
        ),
        (_, None) => println!("answer sent"),
    }
    Ok(())
}

/// `1. 近期免冠照片 (photo), 2. …`.
fn slot_names(slots: &[Slot]) -> String {
    slots
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{}. {} ({})", i + 1, s.name, s.key))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Prepares each file into its slot of the answer, then follows the
/// uploads with progress bars until each has ended.
async fn upload_files(
    session: &Session,
    materials: &Materials,
    no: &str,
    draft: &Draft,
    form: &Form,
    files: &[PathBuf],
) -> anyhow::Result<Vec<UploadItem>> {
    let mut items = Vec::new();
    for (slot, file) in form.material_slots.iter().zip(files) {
        let request = AddMaterial {
            draft_id: Some(draft.id.clone()),
            slot_key: Some(slot.key.clone()),
            ..AddMaterial::file(file.to_string_lossy())
        };
        let item = with_spinner("preparing the file", materials.add(request))
            .await
            .map_err(|e| {
                anyhow::Error::new(e).context(format!(
                    "{} is not taken for {} ({})",
                    file.display(),
                    slot.name,
                    slot.key
                ))
            })?;
        if !session.json {
            println!(
                "{}: {} for {}",
                item.display_name,
                type_label(item.media_type),
                slot.name
            );
        }
        items.push(item);
    }
    let items = match follow(materials, items).await? {
        Followed::Finished(items) => items,
        Followed::Interrupted { paused, .. } => {
            for item in &paused {
                eprintln!("paused {}: {}", item.display_name, sent_text(item));
            }
            eprintln!(
                "nothing was sent to the office; `bst upload --resume` finishes the uploads \
                 (they fill the answer), then `bst app {no} supplement` sends it"
            );
            return Err(Interrupted.into());
        }
    };
    let refused = refused_lines(&items);
    if !refused.is_empty() {
        bail!(
            "not uploaded, so nothing was sent to the office: {}",
            refused.join("; ")
        );
    }
    Ok(items)
}

/// How the outbox ended with the answer: taken by the platform, or sent
/// back to editing with the platform's reason.
fn sent_or_refused(draft: &Draft) -> anyhow::Result<&'static str> {
    match &draft.state {
        DraftState::Submitted { .. } => Ok("sent"),
        _ => {
            let why = draft
                .submit_error
                .clone()
                .or_else(|| draft.platform_errors.first().map(|e| e.message.clone()))
                .unwrap_or_else(|| "no reason given".into());
            bail!("the platform did not take the answer: {why}")
        }
    }
}
