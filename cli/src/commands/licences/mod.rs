//! Electronic licences (电子证照): `bst licences` lists the signed-in
//! user's licences (synced when the platform answers, with expiry and
//! revocation), `bst licence show ID [--qr]` shows one and draws its
//! presentation QR in the terminal with a countdown, and `bst verify`
//! checks a shown code (its text, or a PNG photo of it) as a verifier.

pub mod show;
pub mod verify;

use anyhow::anyhow;
use banshitong_core::licences::{Licence, LicenceStatus, Licences};
use banshitong_core::{Client, Error};
use serde::Serialize;

use super::Session;
use crate::output::{Style, china_time, print_json, with_spinner};

#[derive(clap::Args)]
pub struct LicencesArgs {
    /// List what is held on this device without asking the platform.
    #[arg(long)]
    offline: bool,
}

/// The signed-in user's licences, or why there are none to open.
pub async fn open_licences(session: &Session, client: &Client) -> anyhow::Result<Licences> {
    session.signed_in("licences", client.licences().await)
}

/// `bst licences`: synced first when the platform answers; held copies
/// otherwise, saying so.
pub async fn list(session: &Session, args: LicencesArgs) -> anyhow::Result<()> {
    let client = session.client()?;
    let licences = open_licences(session, &client).await?;
    let (held, synced) = if args.offline {
        (licences.list().await?, false)
    } else {
        match with_spinner("syncing licences", licences.sync()).await {
            Ok(held) => (held, true),
            Err(e) if e.is_network() => (licences.list().await?, false),
            Err(e) => return Err(anyhow::Error::new(e).context("cannot sync the licences")),
        }
    };
    if session.json {
        return print_json(&ListJson {
            synced,
            licences: &held,
        });
    }
    if !synced && !args.offline {
        eprintln!("the platform cannot be reached: showing the licences held on this device");
    }
    if held.is_empty() {
        println!("no licences on this device");
        return Ok(());
    }
    let style = Style::for_stdout();
    for licence in &held {
        println!("{}", licence_line(style, licence));
    }
    println!("\nshow one as a QR code with `bst licence show ID --qr`");
    Ok(())
}

#[derive(Serialize)]
struct ListJson<'a> {
    synced: bool,
    licences: &'a [Licence],
}

/// `id  title (type)  status  valid until …  issuer`.
pub fn licence_line(style: Style, licence: &Licence) -> String {
    let until = licence
        .valid_until
        .as_deref()
        .map(|d| format!("valid until {d}"))
        .unwrap_or_else(|| "no end date".into());
    format!(
        "{}  {}  {}  {}  {}  synced {}",
        style.bold(&licence.id),
        name_of(licence),
        status_word(licence.status),
        until,
        licence.issuer,
        china_time(licence.synced_at_ms)
    )
}

/// The title, and the type when the title does not already say it.
pub fn name_of(licence: &Licence) -> String {
    if licence.title == licence.licence_type {
        licence.title.clone()
    } else {
        format!("{} ({})", licence.title, licence.licence_type)
    }
}

pub fn status_word(status: LicenceStatus) -> &'static str {
    match status {
        LicenceStatus::Valid => "valid",
        LicenceStatus::Revoked => "REVOKED",
        LicenceStatus::Expired => "EXPIRED",
    }
}

/// An error about licence `id`, in words the user can act on.
pub fn about_licence(id: &str, e: Error) -> anyhow::Error {
    match e {
        Error::NotFound { .. } => {
            anyhow!("no licence has the id {id} on this device (`bst licences` lists them)")
        }
        e if e.is_network() => anyhow::Error::new(e).context("the platform cannot be reached"),
        e => e.into(),
    }
}
