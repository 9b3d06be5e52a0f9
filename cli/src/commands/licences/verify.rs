//! `bst verify QR_TEXT | --png FILE`: checks a shown licence code as a
//! verifier would (issuer keys and status lists cached, so it works
//! offline once they were fetched) and prints the verdict with the
//! disclosed claims. Exit status 0 for a valid licence (or one whose
//! revocation could not be checked, said loudly), 1 when refused.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use banshitong_core::licences::{Outcome, Verdict};

use crate::commands::Session;
use crate::output::{china_time, print_json};

#[derive(clap::Args)]
pub struct VerifyArgs {
    /// The code's text (BST1:… offline, BST0:… online token).
    #[arg(required_unless_present = "png", conflicts_with = "png")]
    qr_text: Option<String>,
    /// A PNG image of the code instead (a screenshot or a photo).
    #[arg(long, value_name = "FILE")]
    png: Option<PathBuf>,
    /// Clock difference tolerated between the holder's phone and this one.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    skew: u64,
}

/// A refused licence: the verdict is printed already.
#[derive(Debug)]
pub struct Refused;

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the licence was refused")
    }
}

impl std::error::Error for Refused {}

pub async fn run(session: &Session, args: VerifyArgs) -> anyhow::Result<()> {
    let text = match (&args.qr_text, &args.png) {
        (_, Some(png)) => read_png(png)?,
        (Some(text), None) => text.trim().to_owned(),
        (None, None) => bail!("give the code's text or --png FILE"),
    };
    let client = session.client()?;
    let verifier = client
        .verifier()
        .with_clock_skew(Duration::from_secs(args.skew));
    let verdict = verifier
        .verify(&text)
        .await
        .context("cannot verify the code")?;
    if session.json {
        print_json(&verdict)?;
    } else {
        print!("{}", describe(&verdict));
    }
    if verdict.outcome == Outcome::Invalid {
        return Err(Refused.into());
    }
    Ok(())
}

/// The verdict as a verifier at a counter reads it.
pub fn describe(verdict: &Verdict) -> String {
    let mut out = String::new();
    let headline = match verdict.outcome {
        Outcome::Valid => "VALID: genuine, current, shown by its holder".to_owned(),
        Outcome::Invalid => "REFUSED".to_owned(),
        Outcome::StatusUnknown => match verdict.status_unknown_since_ms {
            Some(since) => format!(
                "STATUS UNKNOWN since {}: genuine, but revocation could not be checked",
                china_time(since as i64)
            ),
            None => "STATUS UNKNOWN: genuine, but revocation could not be checked".to_owned(),
        },
    };
    out.push_str(&headline);
    out.push('\n');
    for reason in &verdict.reasons {
        out.push_str(&format!("  - {} ({})\n", reason.text, kind_name(reason)));
    }
    if let Some(licence) = &verdict.licence {
        out.push_str(&format!(
            "  {} {} issued by {} ({})\n",
            licence.licence_type, licence.licence_id, licence.issuer_name, licence.suite
        ));
        if let Some(until) = &licence.valid_until {
            out.push_str(&format!("  valid until {until}\n"));
        }
    }
    if let Some(at) = verdict.presented_at_ms {
        out.push_str(&format!("  presented at {}\n", china_time(at as i64)));
    }
    // A refused code's claims are not to be relied on: not shown.
    let claims = match verdict.outcome {
        Outcome::Invalid => &[][..],
        Outcome::Valid | Outcome::StatusUnknown => &verdict.disclosed[..],
    };
    for claim in claims {
        let value = serde_json::to_value(&claim.value)
            .map(|v| match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            })
            .unwrap_or_default();
        out.push_str(&format!("  {}: {}\n", claim.name, value));
    }
    out
}

/// The reason's kind as its JSON name (`presentation_expired`).
fn kind_name(reason: &banshitong_core::licences::Reason) -> String {
    serde_json::to_value(reason.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The text of the one QR code in a PNG image, read with `rqrr`.
fn read_png(path: &Path) -> anyhow::Result<String> {
    let image = image::open(path)
        .with_context(|| format!("cannot read {} as an image", path.display()))?
        .to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
        image.width() as usize,
        image.height() as usize,
        |x, y| image.get_pixel(x as u32, y as u32).0[0],
    );
    let grids = prepared.detect_grids();
    let Some(grid) = grids.first() else {
        bail!("no QR code found in {}", path.display())
    };
    let (_, text) = grid
        .decode()
        .map_err(|e| anyhow::anyhow!("the QR code in {} cannot be read: {e}", path.display()))?;
    Ok(text.trim().to_owned())
}
