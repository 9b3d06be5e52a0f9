//! The demo's materials (申请材料): a phone photo taken sideways, with its
//! GPS position in EXIF, made upright and metadata-free on the phone and
//! uploaded into the draft with a progress bar; scans for the other slots;
//! an electronic licence where one stands in; the same file never sent
//! twice; the material library.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, bail, ensure};
use banshitong_core::Client;
use banshitong_core::materials::prepare::{PrepareOptions, prepare_bytes};
use banshitong_core::materials::{AddMaterial, Materials, Reuse, UploadItem, UploadState};
use indicatif::HumanBytes;

use super::Narrator;
use super::jpeg::facts;
use super::samples::{PHONE_PHOTO, scan_pdf};
use crate::commands::drafts::form::{Form, Slot};
use crate::commands::materials::follow::{Followed, follow};
use crate::output::duration;

/// What a phone's camera would call it.
const PHOTO_NAME: &str = "IMG_20250301_101502.jpg";

/// Fills the draft's empty slots (`missing`, by key), photo first.
pub async fn material_steps(
    n: &mut Narrator,
    client: &Client,
    draft_id: &str,
    form: &Form,
    missing: &[String],
    files: &Path,
) -> anyhow::Result<()> {
    let materials = client.materials().await?;
    let slots: Vec<&Slot> = missing
        .iter()
        .map(|key| form.slot(key).context("an error names an unknown slot"))
        .collect::<anyhow::Result<_>>()?;
    let photo_slot = slots
        .iter()
        .find(|s| s.licence_type.is_none() && s.accepted_types.iter().any(|t| t == "jpeg"))
        .context("no material slot of the form takes a photo")?;
    let photo = files.join(PHOTO_NAME);
    std::fs::write(&photo, PHONE_PHOTO).context("cannot write the demo photo")?;

    n.step(format!(
        "Photograph a document for {}: prepared on the phone, uploaded with a progress bar",
        photo_slot.name
    ));
    let original = facts(PHONE_PHOTO).context("the demo photo is not a JPEG")?;
    n.say(format!(
        "{PHOTO_NAME} from the camera: {}×{} as stored, {} · {}",
        original.width,
        original.height,
        original.metadata(),
        HumanBytes(PHONE_PHOTO.len() as u64)
    ));
    let request = AddMaterial {
        draft_id: Some(draft_id.to_owned()),
        slot_key: Some(photo_slot.key.clone()),
        ..AddMaterial::file(photo.to_string_lossy())
    };
    let started = Instant::now();
    let item = materials.add(request).await?;
    let prepared_in = started.elapsed();
    let started = Instant::now();
    let done = follow_one(&materials, item).await?;
    let uploaded_in = started.elapsed();
    let material = done_ref(&done, Reuse::Uploaded)?;

    // What preparation makes of the photo is deterministic: preparing it
    // again here shows what the platform received, byte for byte.
    let (sent, prepared) = prepare_bytes(PHONE_PHOTO, &PrepareOptions::default())?;
    ensure!(
        prepared.sha256 == done.sha256,
        "the uploaded bytes are not the prepared photo"
    );
    let out = facts(&sent).context("the prepared photo is not a JPEG")?;
    ensure!(
        !out.exif && !out.gps && !out.xmp && !out.comment,
        "metadata left in the prepared photo: {}",
        out.metadata()
    );
    n.say(format!(
        "prepared in {}: {}×{} upright, metadata left: {} · {}",
        duration(prepared_in),
        out.width,
        out.height,
        out.metadata(),
        HumanBytes(done.total_bytes),
    ));
    n.say(format!(
        "uploaded in {} over tus, in checksummed chunks a lost connection resumes",
        duration(uploaded_in)
    ));
    n.say(format!(
        "material {material} is in {} ({}) of the draft",
        photo_slot.name, photo_slot.key
    ));

    n.step("The other materials: a licence the government holds stands in, scans go as they are");
    for slot in slots.iter().filter(|s| s.key != photo_slot.key) {
        other_slot(n, &materials, draft_id, slot, &photo, files).await?;
    }

    n.step("Never asked twice (只提交一次): the same photo again sends nothing");
    let again = materials
        .add(AddMaterial::file(photo.to_string_lossy()))
        .await?;
    let reused = done_ref(&again, Reuse::SameFile)?;
    ensure!(reused == material, "the same photo became another material");
    n.say(format!(
        "the platform already holds {PHOTO_NAME} as {material}: no byte sent"
    ));
    let library = materials.library().await?;
    let issued: Vec<&str> = library
        .issued
        .iter()
        .map(|l| l.licence_type.as_str())
        .collect();
    n.say(format!(
        "material library: {} uploaded by you; issued to you: {}",
        library.mine.len(),
        issued.join("、")
    ));
    Ok(())
}

/// A licence if one stands in for the slot, else a scan (or the photo,
/// where the slot takes no PDF).
async fn other_slot(
    n: &Narrator,
    materials: &Materials,
    draft_id: &str,
    slot: &Slot,
    photo: &Path,
    files: &Path,
) -> anyhow::Result<()> {
    let file = if slot.licence_type.is_none() && slot.accepted_types.iter().any(|t| t == "pdf") {
        let path = files.join(format!("{}.pdf", slot.key));
        std::fs::write(
            &path,
            scan_pdf(&format!("Banshitong demo scan: {}", slot.key)),
        )?;
        path
    } else {
        photo.to_owned()
    };
    let request = AddMaterial {
        draft_id: Some(draft_id.to_owned()),
        slot_key: Some(slot.key.clone()),
        ..AddMaterial::file(file.to_string_lossy())
    };
    let item = materials.add(request).await?;
    // Followed rather than waited for: its final progress comes once the
    // material is in the draft's slot too.
    let item = follow_one(materials, item).await?;
    let UploadState::Done {
        material_ref,
        reuse,
    } = &item.state
    else {
        bail!("{} was not attached: {:?}", slot.name, item.state);
    };
    n.say(match reuse {
        Reuse::Licence => format!(
            "{}: your electronic licence {} ({material_ref}), nothing prepared or sent",
            slot.name, item.display_name
        ),
        Reuse::SameFile => format!(
            "{}: a file the platform already holds ({material_ref}), nothing sent",
            slot.name
        ),
        Reuse::Uploaded => format!(
            "{}: {} sent as it is ({}), material {material_ref}",
            slot.name,
            item.display_name,
            HumanBytes(item.total_bytes)
        ),
    });
    Ok(())
}

/// Follows one upload with the progress bar `bst upload` shows.
async fn follow_one(materials: &Materials, item: UploadItem) -> anyhow::Result<UploadItem> {
    match follow(materials, vec![item]).await? {
        Followed::Finished(mut items) => items.pop().context("the upload left the queue"),
        Followed::Interrupted { .. } => bail!("the demo was stopped; the upload is paused"),
    }
}

/// The material reference of an item that ended as expected.
fn done_ref(item: &UploadItem, expected: Reuse) -> anyhow::Result<String> {
    match &item.state {
        UploadState::Done {
            material_ref,
            reuse,
        } if *reuse == expected => Ok(material_ref.clone()),
        other => bail!(
            "{}: expected done ({expected:?}), got {other:?}",
            item.display_name
        ),
    }
}
