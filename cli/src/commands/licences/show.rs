//! `bst licence show ID [--qr] [--masked] [--online]`: one licence, and
//! its presentation QR drawn in the terminal with Unicode half blocks.
//! On a terminal the code is redrawn as each presentation is replaced
//! (a little before it expires) with a countdown, until Ctrl-C; piped, one
//! presentation is printed and the command ends.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use banshitong_core::licences::{
    Disclosure, Licence, Licences, Presentation, PresentationMode, QrMatrix,
};
use serde::Serialize;

use super::{about_licence, licence_line, name_of, open_licences};
use crate::commands::{Interrupted, Session};
use crate::output::{Style, china_time, now_ms, print_json};

#[derive(clap::Args)]
pub struct LicenceArgs {
    #[command(subcommand)]
    command: LicenceCommand,
}

#[derive(clap::Subcommand)]
enum LicenceCommand {
    /// Show one licence; --qr draws a presentation QR code a verifier scans.
    Show(ShowArgs),
}

#[derive(clap::Args)]
struct ShowArgs {
    /// The licence's id (see `bst licences`).
    id: String,
    /// Draw a presentation QR code (offline by default: needs no network).
    #[arg(long)]
    qr: bool,
    /// Disclose the masked form of claims that have one (张*, 5301**********1234).
    #[arg(long, requires = "qr")]
    masked: bool,
    /// A short token from the platform instead (a smaller code; needs the network).
    #[arg(long, requires = "qr")]
    online: bool,
    /// Print one presentation and stop, even on a terminal.
    #[arg(long, requires = "qr")]
    once: bool,
}

pub async fn run(session: &Session, args: LicenceArgs) -> anyhow::Result<()> {
    let LicenceCommand::Show(args) = args.command;
    let client = session.client()?;
    let licences = open_licences(session, &client).await?;
    let licence = licences
        .get(&args.id)
        .await
        .map_err(|e| about_licence(&args.id, e))?;
    if !args.qr {
        return show_licence(session, &licence);
    }
    let mode = if args.online {
        PresentationMode::Online
    } else {
        PresentationMode::Offline
    };
    let disclosure = if args.masked {
        Disclosure::Masked
    } else {
        Disclosure::Full
    };
    let live = !session.json && !args.once && std::io::stdout().is_terminal();
    if live {
        return follow(&licences, &licence, mode, disclosure).await;
    }
    let presentation = licences
        .present(&licence.id, mode, &disclosure)
        .await
        .map_err(|e| about_licence(&licence.id, e))?;
    let matrix = QrMatrix::encode(&presentation.qr_text)?;
    if session.json {
        return print_json(&PresentationJson {
            licence_id: &licence.id,
            qr_text: &presentation.qr_text,
            issued_at_ms: presentation.issued_at_ms,
            expires_at_ms: presentation.expires_at_ms,
            qr_version: matrix.version,
        });
    }
    draw(&licence, &presentation, &matrix);
    println!(
        "expires at {} (in {} s)",
        china_time(presentation.expires_at_ms),
        seconds_left(&presentation)
    );
    Ok(())
}

#[derive(Serialize)]
struct PresentationJson<'a> {
    licence_id: &'a str,
    qr_text: &'a str,
    issued_at_ms: i64,
    expires_at_ms: i64,
    qr_version: u8,
}

fn show_licence(session: &Session, licence: &Licence) -> anyhow::Result<()> {
    if session.json {
        return print_json(licence);
    }
    let style = Style::for_stdout();
    println!("{}", licence_line(style, licence));
    if let Some(from) = &licence.valid_from {
        println!("  valid from {from}, signed with {}", licence.suite);
    }
    for claim in &licence.claims {
        let twin = if claim.masked { "  (masked form)" } else { "" };
        println!("  {}: {}{twin}", claim.name, plain_value(&claim.value_json));
    }
    Ok(())
}

/// A claim's JSON value as people read it: strings without their quotes.
pub fn plain_value(json: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(json) {
        Ok(serde_json::Value::String(text)) => text,
        _ => json.to_owned(),
    }
}

fn draw(licence: &Licence, presentation: &Presentation, matrix: &QrMatrix) {
    println!(
        "{}: QR version {}, {} characters",
        name_of(licence),
        matrix.version,
        presentation.qr_text.len()
    );
    print!("{}", matrix.terminal_text());
}

fn seconds_left(presentation: &Presentation) -> i64 {
    ((presentation.expires_at_ms - now_ms()).max(0) + 999) / 1000
}

/// Redraws the code as the stream replaces it, with a countdown, until
/// Ctrl-C.
async fn follow(
    licences: &Licences,
    licence: &Licence,
    mode: PresentationMode,
    disclosure: Disclosure,
) -> anyhow::Result<()> {
    let mut stream = licences.present_stream(&licence.id, mode, disclosure);
    let mut shown: Option<Presentation> = None;
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    loop {
        tokio::select! {
            next = stream.next() => {
                let Some(next) = next else { break };
                let presentation = next.map_err(|e| about_licence(&licence.id, e))?;
                let matrix = QrMatrix::encode(&presentation.qr_text)?;
                // Clear the screen and home the cursor: one code at a time.
                print!("\x1b[2J\x1b[H");
                draw(licence, &presentation, &matrix);
                println!("Ctrl-C stops; a new code replaces this one before it expires");
                shown = Some(presentation);
            }
            _ = tick.tick() => {
                if let Some(presentation) = &shown {
                    print!("\r  expires in {:>3} s ", seconds_left(presentation));
                    let _ = std::io::stdout().flush();
                }
            }
            _ = tokio::signal::ctrl_c() => break,
        }
    }
    println!();
    Err(Interrupted.into())
}
