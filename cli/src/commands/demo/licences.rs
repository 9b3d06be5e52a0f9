//! The demo's licence steps (电子证照亮证): licences synced, an offline QR
//! drawn in the terminal and verified, then verified again once expired
//! and refused. The presentation lives 2 s here (30 s in the app) and the
//! verifier tolerates no clock skew, so "expired" takes seconds, not the
//! 90 s the defaults would.

use std::time::Duration;

use anyhow::{Context, ensure};
use banshitong_core::Client;
use banshitong_core::licences::{
    Disclosure, LicenceStatus, Outcome, PresentationMode, QrMatrix, ReasonKind,
};

use super::Narrator;
use crate::commands::licences::licence_line;
use crate::commands::licences::verify::describe;
use crate::output::{Style, with_spinner};

const DEMO_LIFETIME: Duration = Duration::from_secs(2);

pub(super) async fn steps(n: &mut Narrator, client: &Client) -> anyhow::Result<()> {
    n.step("Sync the electronic licences (电子证照) into the encrypted database");
    let licences = client.licences().await?;
    let held = with_spinner("syncing licences", licences.sync()).await?;
    for licence in &held {
        n.say(licence_line(Style::Plain, licence));
    }
    let id_card = held
        .iter()
        .find(|l| l.status == LicenceStatus::Valid && l.licence_type == "居民身份证")
        .context("no valid resident ID card was issued")?;

    n.step("Show the ID card as an offline QR code (masked name and ID number)");
    let licences = licences.with_offline_lifetime(DEMO_LIFETIME, Duration::ZERO);
    let presentation = licences
        .present(&id_card.id, PresentationMode::Offline, &Disclosure::Masked)
        .await?;
    let matrix = QrMatrix::encode(&presentation.qr_text)?;
    print!("{}", matrix.terminal_text());
    n.say(format!(
        "QR version {}, {} characters, signed on this device; good for {} s",
        matrix.version,
        presentation.qr_text.len(),
        DEMO_LIFETIME.as_secs()
    ));

    n.step(
        "A verifier scans it: issuer, device certificate, device signature, freshness, revocation",
    );
    let verifier = client
        .verifier()
        .with_presentation_lifetime(DEMO_LIFETIME)
        .with_clock_skew(Duration::ZERO);
    let verdict = verifier.verify(&presentation.qr_text).await?;
    for line in describe(&verdict).lines() {
        n.say(line);
    }
    ensure!(
        verdict.outcome == Outcome::Valid,
        "the fresh code was refused"
    );

    n.step("A screenshot of the code, shown after it expired, is refused");
    let wait = (presentation.expires_at_ms - crate::output::now_ms()).max(0) as u64 + 200;
    tokio::time::sleep(Duration::from_millis(wait)).await;
    let late = verifier.verify(&presentation.qr_text).await?;
    for line in describe(&late).lines() {
        n.say(line);
    }
    ensure!(
        late.outcome == Outcome::Invalid
            && late
                .reasons
                .iter()
                .any(|r| r.kind == ReasonKind::PresentationExpired),
        "the expired code was not refused as expired"
    );
    Ok(())
}
