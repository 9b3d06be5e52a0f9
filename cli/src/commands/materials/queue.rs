//! `bst uploads`: the upload queue on this device — list it, pause, resume
//! or cancel one item, clear the ended ones.

use banshitong_core::materials::Materials;

use super::about_upload;
use super::render::{UploadJson, item_lines, state_text};
use super::upload::{Shape, follow_and_report};
use crate::commands::Session;
use crate::output::{Style, print_json};

#[derive(clap::Args)]
pub struct UploadsArgs {
    #[command(subcommand)]
    command: Option<UploadsCommand>,
}

#[derive(clap::Subcommand)]
enum UploadsCommand {
    /// Every upload on this device, newest first (the default).
    List,
    /// Stop an upload where it is; it stays queued until resumed or cancelled.
    Pause(IdArgs),
    /// Go on with a paused upload from what the platform already has, with a progress bar.
    Resume(ResumeArgs),
    /// Stop an upload and have the platform drop what it received.
    Cancel(IdArgs),
    /// Remove the uploads that have ended (done, refused, cancelled) from the list.
    Clear,
}

#[derive(clap::Args)]
struct IdArgs {
    /// The upload's id (`bst uploads` lists them).
    id: String,
}

#[derive(clap::Args)]
struct ResumeArgs {
    /// The upload's id (`bst uploads` lists them).
    id: String,
    /// Return at once instead of following the upload to its end.
    #[arg(long)]
    no_wait: bool,
}

pub async fn run(
    session: &Session,
    materials: &Materials,
    args: UploadsArgs,
) -> anyhow::Result<()> {
    match args.command.unwrap_or(UploadsCommand::List) {
        UploadsCommand::List => list(session, materials).await,
        UploadsCommand::Pause(args) => {
            let item = materials
                .pause(args.id.clone())
                .await
                .map_err(|e| about_upload(&args.id, e))?;
            changed(session, &item)
        }
        UploadsCommand::Resume(args) => {
            let item = materials
                .resume(args.id.clone())
                .await
                .map_err(|e| about_upload(&args.id, e))?;
            if args.no_wait || item.state.is_final() {
                return changed(session, &item);
            }
            follow_and_report(session, materials, vec![item], Shape::One).await
        }
        UploadsCommand::Cancel(args) => {
            let item = materials
                .cancel(args.id.clone())
                .await
                .map_err(|e| about_upload(&args.id, e))?;
            changed(session, &item)
        }
        UploadsCommand::Clear => {
            let cleared = materials.clear_finished().await?;
            if session.json {
                return print_json(&serde_json::json!({ "cleared": cleared }));
            }
            println!("removed {cleared} ended upload(s) from the list");
            Ok(())
        }
    }
}

async fn list(session: &Session, materials: &Materials) -> anyhow::Result<()> {
    let items = materials.uploads().await?;
    if session.json {
        return print_json(&items.iter().map(UploadJson::from).collect::<Vec<_>>());
    }
    let style = Style::for_stdout();
    for item in &items {
        for line in item_lines(style, item) {
            println!("{line}");
        }
    }
    if items.is_empty() {
        println!("no uploads on this device; `bst upload FILE` adds one");
    } else if items.iter().any(|i| !i.state.is_final()) {
        eprintln!("`bst upload --resume` follows the unfinished ones to their end");
    }
    Ok(())
}

fn changed(session: &Session, item: &banshitong_core::materials::UploadItem) -> anyhow::Result<()> {
    if session.json {
        return print_json(&UploadJson::from(item));
    }
    println!("{} ({}): {}", item.display_name, item.id, state_text(item));
    Ok(())
}
