//! Never asking twice: the library of what the platform holds for the user
//! (cached for offline use), the licence that satisfies a slot, and putting
//! a finished material into its draft's slot.

use super::Shared;
use super::api;
use super::model::{IssuedLicence, MaterialLibrary, UploadItem};
use super::store;
use crate::error::{Error, Result};
use crate::time_util::now_ms;

#[derive(serde::Serialize, serde::Deserialize)]
struct CachedLibrary {
    materials: Vec<super::Material>,
    licences: Vec<IssuedLicence>,
}

/// From the platform when it answers (and cached); the cached copy when
/// the network is gone.
pub(super) async fn library(shared: &Shared) -> Result<MaterialLibrary> {
    let fetched = async {
        let mine = api::materials(&shared.session).await?;
        let issued = api::licences(&shared.session).await?;
        Ok::<_, Error>(MaterialLibrary { mine, issued })
    }
    .await;
    match fetched {
        Ok(library) => {
            let body = serde_json::to_string(&CachedLibrary {
                materials: library.mine.clone(),
                licences: library.issued.clone(),
            })
            .map_err(|e| Error::storage(e.to_string()))?;
            shared
                .db
                .call(move |c| store::save_library(c, &body, now_ms()))
                .await?;
            Ok(library)
        }
        Err(e) if e.is_network() => match cached(shared).await? {
            Some(library) => Ok(library),
            None => Err(e),
        },
        Err(e) => Err(e),
    }
}

async fn cached(shared: &Shared) -> Result<Option<MaterialLibrary>> {
    let Some(body) = shared.db.call(|c| store::cached_library(c)).await? else {
        return Ok(None);
    };
    let cached: CachedLibrary = serde_json::from_str(&body)
        .map_err(|e| Error::storage(format!("cached material library: {e}")))?;
    Ok(Some(MaterialLibrary {
        mine: cached.materials,
        issued: cached.licences,
    }))
}

/// The user's licences: the platform's list, or the cached one offline.
async fn licences(shared: &Shared) -> Result<Vec<IssuedLicence>> {
    match api::licences(&shared.session).await {
        Ok(licences) => Ok(licences),
        Err(e) if e.is_network() => Ok(cached(shared).await?.map(|l| l.issued).unwrap_or_default()),
        Err(e) => Err(e),
    }
}

/// A licence of `licence_type`, still valid today, that the user holds.
pub(super) async fn licence_for(
    shared: &Shared,
    licence_type: &str,
) -> Result<Option<IssuedLicence>> {
    let today = today();
    Ok(licences(shared).await?.into_iter().find(|l| {
        l.licence_type == licence_type
            && l.valid_until
                .as_deref()
                .is_none_or(|until| until >= today.as_str())
    }))
}

/// `YYYY-MM-DD` (UTC), comparable with a licence's `valid_until` as text.
fn today() -> String {
    let now = time::OffsetDateTime::now_utc().date();
    format!(
        "{:04}-{:02}-{:02}",
        now.year(),
        u8::from(now.month()),
        now.day()
    )
}

/// Puts `material_ref` into the item's draft slot, if it has one: after the
/// references already there, the oldest dropped when the slot is full. A
/// draft deleted meanwhile is no error: the material stays in the library.
pub(super) async fn attach(shared: &Shared, item: &UploadItem, material_ref: &str) {
    let (Some(draft_id), Some(slot_key)) = (&item.draft_id, &item.slot_key) else {
        return;
    };
    if let Err(e) = attach_to(shared, draft_id, slot_key, material_ref).await {
        tracing::warn!(error = %e, "a finished material could not be put into its draft");
    }
}

async fn attach_to(
    shared: &Shared,
    draft_id: &str,
    slot_key: &str,
    material_ref: &str,
) -> Result<()> {
    let drafts = &shared.drafts;
    let schema = drafts.schema(draft_id.to_owned()).await?;
    let max_count = schema
        .slot(slot_key)
        .map_or(1, |slot| slot.max_count.max(1)) as usize;
    let draft = drafts.open(draft_id.to_owned()).await?;
    let mut refs: Vec<String> = draft
        .materials
        .iter()
        .find(|fill| fill.slot_key == slot_key)
        .map(|fill| fill.material_refs.clone())
        .unwrap_or_default();
    refs.retain(|r| r != material_ref);
    refs.push(material_ref.to_owned());
    if refs.len() > max_count {
        refs.drain(..refs.len() - max_count);
    }
    drafts
        .set_materials(draft_id.to_owned(), slot_key.to_owned(), refs)
        .await?;
    Ok(())
}
