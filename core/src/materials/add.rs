//! Adding a file: check the slot, reuse a licence or a material the
//! platform holds, otherwise prepare the file and queue it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use banshitong_forms::{MaterialRef, MaterialSlot};

use super::files::MaterialFiles;
use super::model::{AddMaterial, MaterialProblem, Reuse, UploadItem, UploadState};
use super::prepare::{self, PrepareOptions, Prepared};
use super::store::{self, QueueRow};
use super::{MediaType, Shared, api, reuse};
use crate::error::{Error, Result};
use crate::time_util::now_ms;

pub(super) async fn add(shared: &Arc<Shared>, request: AddMaterial) -> Result<UploadItem> {
    let input = PathBuf::from(&request.path);
    let display_name = display_name(&request, &input);
    let slot = target_slot(shared, &request).await?;
    let id = crate::drafts::new_id();
    let now = now_ms();
    let new_item = |media_type, sha256: String, size: u64, state| UploadItem {
        id: id.clone(),
        display_name: display_name.clone(),
        media_type,
        sha256,
        total_bytes: size,
        sent_bytes: 0,
        state,
        draft_id: request.draft_id.clone(),
        slot_key: request.slot_key.clone(),
        created_at_ms: now,
        updated_at_ms: now,
    };

    // An issued licence satisfies the slot: nothing prepared, nothing sent.
    if let Some(licence_type) = slot.as_ref().and_then(|s| s.licence_type.clone()) {
        match reuse::licence_for(shared, &licence_type).await {
            Ok(Some(licence)) => {
                let material_ref = MaterialRef::licence(&licence.licence_type, &licence.id);
                // No file goes up: the item names the licence, not a file.
                let mut item = new_item(
                    MediaType::Pdf,
                    String::new(),
                    0,
                    UploadState::Done {
                        material_ref: material_ref.clone(),
                        reuse: Reuse::Licence,
                    },
                );
                item.display_name = licence.title.clone();
                return record_reused(shared, item, &material_ref).await;
            }
            Ok(None) => {}
            Err(e) => tracing::debug!(error = %e, "licences unknown; the file is used"),
        }
    }

    shared.files.ensure_dir()?;
    let staging = shared.files.staging_path(&id);
    let prepared = prepare_into(&input, &staging, prepare_options(&request)).await;
    let prepared = match prepared.and_then(|p| check_slot(slot.as_ref(), p)) {
        Ok(prepared) => prepared,
        Err(e) => {
            shared.files.remove(&staging);
            return Err(e);
        }
    };

    // The platform already holds these bytes: nothing sent. Offline (or
    // any other trouble asking), the upload goes ahead and the platform
    // deduplicates when it completes.
    match api::material_by_sha256(&shared.session, &prepared.sha256).await {
        Ok(Some(material)) => {
            shared.files.remove(&staging);
            let mut item = new_item(
                prepared.media_type,
                prepared.sha256.clone(),
                prepared.size,
                UploadState::Done {
                    material_ref: material.id.clone(),
                    reuse: Reuse::SameFile,
                },
            );
            item.sent_bytes = prepared.size;
            return record_reused(shared, item, &material.id).await;
        }
        Ok(None) => {}
        Err(e) => tracing::debug!(error = %e, "reuse check skipped"),
    }

    let file_name = MaterialFiles::file_name(&id, prepared.media_type);
    if let Err(e) = shared.files.keep(&staging, &file_name) {
        shared.files.remove(&staging);
        return Err(e);
    }
    let row = QueueRow {
        item: new_item(
            prepared.media_type,
            prepared.sha256,
            prepared.size,
            UploadState::Queued,
        ),
        file_name: Some(file_name.clone()),
        upload_url: None,
    };
    let item = row.item.clone();
    if let Err(e) = shared.db.call(move |c| store::insert(c, &row)).await {
        shared.files.remove(&shared.path_of(&file_name));
        return Err(e);
    }
    shared.changed(&item.id).await;
    Ok(item)
}

/// The name the library shows: the caller's, or the file's own.
fn display_name(request: &AddMaterial, input: &Path) -> String {
    request
        .display_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .or_else(|| input.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "material".to_owned())
}

/// The draft slot the material is for, checked to exist.
async fn target_slot(shared: &Shared, request: &AddMaterial) -> Result<Option<MaterialSlot>> {
    let (draft_id, slot_key) = match (&request.draft_id, &request.slot_key) {
        (None, None) => return Ok(None),
        (Some(draft), Some(slot)) => (draft, slot),
        _ => {
            return Err(Error::invalid_input(
                "a material for a draft needs both the draft and the slot",
            ));
        }
    };
    let schema = shared.drafts.schema(draft_id.clone()).await?;
    match schema.slot(slot_key) {
        Some(slot) => Ok(Some(slot.clone())),
        None => Err(Error::invalid_input(format!(
            "the form {} has no material slot {slot_key}",
            schema.id
        ))),
    }
}

fn prepare_options(request: &AddMaterial) -> PrepareOptions {
    let defaults = PrepareOptions::default();
    PrepareOptions {
        max_side_px: request.max_side_px.unwrap_or(defaults.max_side_px),
        jpeg_quality: request.jpeg_quality.unwrap_or(defaults.jpeg_quality),
        ..defaults
    }
}

async fn prepare_into(input: &Path, output: &Path, options: PrepareOptions) -> Result<Prepared> {
    if let Err(e) = std::fs::metadata(input) {
        return Err(Error::bad_material(
            MaterialProblem::Unreadable,
            format!("the file can't be opened ({})", e.kind()),
        ));
    }
    let (input, output) = (input.to_owned(), output.to_owned());
    tokio::task::spawn_blocking(move || prepare::prepare_file(&input, &output, &options))
        .await
        .map_err(|e| Error::storage(format!("preparing the file failed: {e}")))?
}

/// A slot takes only its accepted types.
fn check_slot(slot: Option<&MaterialSlot>, prepared: Prepared) -> Result<Prepared> {
    match slot {
        Some(slot) if !slot.accepts_file_type(prepared.media_type.type_name()) => {
            Err(Error::bad_material(
                MaterialProblem::UnsupportedType,
                format!(
                    "{} takes {}, not {}",
                    slot.name,
                    slot.accepted_types.join(", "),
                    prepared.media_type.type_name()
                ),
            ))
        }
        _ => Ok(prepared),
    }
}

/// An item done by reuse: recorded (so it shows in the queue and `wait`
/// works) and put into its draft's slot.
async fn record_reused(
    shared: &Arc<Shared>,
    item: UploadItem,
    material_ref: &str,
) -> Result<UploadItem> {
    let row = QueueRow {
        item: item.clone(),
        file_name: None,
        upload_url: None,
    };
    shared.db.call(move |c| store::insert(c, &row)).await?;
    reuse::attach(shared, &item, material_ref).await;
    shared.changed(&item.id).await;
    Ok(item)
}
