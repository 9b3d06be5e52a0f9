//! Drafts shared with the platform, so a citizen can continue on another
//! phone. Each draft carries two counters: our revision (every saved change)
//! and the platform's (every accepted upload). A draft changed on both
//! sides since they last agreed is a conflict, and a conflict never loses
//! either side: the platform's version stays under the draft's id and this
//! device's edits become a conflict copy — a new draft the user can see,
//! compare and keep or delete.
//!
//! Supplement answers are not shared (`supplement/` says why): a deleted
//! one is simply forgotten here.

use std::collections::HashMap;

use uuid_like::new_id;

use super::DraftsShared;
use super::api::{self, DraftBody, Pushed, RemoteDraft};
use super::model::{Draft, DraftState, DraftSyncReport};
use super::store::{self, Stored};
use super::supplement::form::is_supplement_schema;
use crate::error::Result;

pub(crate) mod uuid_like {
    /// A random RFC 4122 version-4 UUID, as text.
    pub(crate) fn new_id() -> String {
        from_bytes(rand::random(), 4)
    }

    /// `bytes` as an RFC 4122 UUID of `version` (its version and variant
    /// bits set), in the 8-4-4-4-12 text form.
    pub(crate) fn from_bytes(mut b: [u8; 16], version: u8) -> String {
        b[6] = (b[6] & 0x0f) | (version << 4);
        b[8] = (b[8] & 0x3f) | 0x80;
        let h = hex::encode(b);
        format!(
            "{}-{}-{}-{}-{}",
            &h[..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..]
        )
    }
}

async fn push(shared: &DraftsShared, s: &Stored) -> Result<Pushed> {
    let d = &s.draft;
    let body = DraftBody {
        guide_code: &d.guide_code,
        schema_id: &d.schema_id,
        title: &d.title,
        values: super::parse_values(d)?,
        materials: &d.materials,
        updated_at_ms: d.updated_at_ms,
    };
    api::push_draft(&shared.session, &d.id, s.server_revision, &body).await
}

/// The platform's version replaces ours (one transaction).
async fn take_remote(
    shared: &DraftsShared,
    local: Option<&Stored>,
    remote: RemoteDraft,
) -> Result<()> {
    let guide_name = match local {
        Some(l) => l.draft.guide_name.clone(),
        None => shared.guide_name(&remote.guide_code).await,
    };
    let created = local.map_or(remote.updated_at_ms, |l| l.draft.created_at_ms);
    let revision = local.map_or(1, |l| l.draft.revision + 1);
    let stored = Stored {
        draft: Draft {
            id: remote.id.clone(),
            guide_code: remote.guide_code,
            guide_name,
            schema_id: remote.schema_id,
            title: remote.title.unwrap_or_default(),
            values_json: serde_json::Value::Object(remote.values).to_string(),
            materials: remote.materials,
            revision,
            state: DraftState::Editing,
            platform_errors: Vec::new(),
            submit_error: None,
            conflict_of: local.and_then(|l| l.draft.conflict_of.clone()),
            synced: true,
            created_at_ms: created,
            updated_at_ms: remote.updated_at_ms,
        },
        server_revision: Some(remote.revision),
        synced_revision: revision,
        deleted: false,
    };
    shared
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            store::purge(&tx, &stored.draft.id)?;
            store::insert(&tx, &stored)?;
            tx.commit()?;
            Ok(())
        })
        .await
}

/// Our edits, kept as a new draft next to the platform's version.
async fn keep_as_copy(shared: &DraftsShared, local: &Stored) -> Result<Stored> {
    let mut copy = local.clone();
    copy.draft.id = new_id();
    copy.draft.conflict_of = Some(local.draft.id.clone());
    copy.draft.title = format!("{}（本机修改的副本）", local.draft.title);
    copy.draft.synced = false;
    copy.server_revision = None;
    copy.synced_revision = 0;
    copy.deleted = false;
    let to_insert = copy.clone();
    shared
        .db
        .call(move |c| store::insert(c, &to_insert))
        .await?;
    Ok(copy)
}

pub(crate) async fn sync(shared: &DraftsShared) -> Result<DraftSyncReport> {
    let mut report = DraftSyncReport::default();
    let mut remote: HashMap<String, RemoteDraft> = api::list_drafts(&shared.session)
        .await?
        .into_iter()
        .map(|d| (d.id.clone(), d))
        .collect();
    let local = shared.db.call(|c| store::all(c, true)).await?;
    for l in local {
        if is_supplement_schema(&l.draft.schema_id) {
            if l.deleted {
                let id = l.draft.id.clone();
                shared.db.call(move |c| store::purge(c, &id)).await?;
            }
            continue;
        }
        let r = remote.remove(&l.draft.id);
        let local_changed = l.draft.revision != l.synced_revision;
        let remote_changed = match (&r, l.server_revision) {
            (Some(r), Some(known)) => r.revision != known,
            (Some(_), None) => true,
            (None, _) => false,
        };
        let editable = l.draft.state == DraftState::Editing;
        match r {
            // Deleted here.
            _ if l.deleted => match r {
                Some(r) if !r.deleted && remote_changed => {
                    // Edited elsewhere after we deleted it: theirs comes back.
                    take_remote(shared, None, r).await?;
                    report.pulled += 1;
                }
                Some(r) if !r.deleted => {
                    if let Pushed::Stale =
                        api::delete_draft(&shared.session, &l.draft.id, r.revision).await?
                    {
                        continue;
                    }
                    let id = l.draft.id.clone();
                    shared.db.call(move |c| store::purge(c, &id)).await?;
                    report.deleted += 1;
                }
                _ => {
                    let id = l.draft.id.clone();
                    shared.db.call(move |c| store::purge(c, &id)).await?;
                }
            },
            // Submitted: the platform closed its copy of the draft; ours
            // stays as the record of what was sent.
            Some(r) if r.deleted && !editable => {
                let (id, revision) = (l.draft.id.clone(), l.draft.revision);
                shared
                    .db
                    .call(move |c| store::mark_synced(c, &id, revision, r.revision))
                    .await?;
            }
            // Deleted elsewhere.
            Some(r) if r.deleted => {
                if local_changed && editable {
                    let mut copy = keep_as_copy(shared, &l).await?;
                    if let Pushed::Stored(rev) = push(shared, &copy).await? {
                        let (id, revision) = (copy.draft.id.clone(), copy.draft.revision);
                        shared
                            .db
                            .call(move |c| store::mark_synced(c, &id, revision, rev))
                            .await?;
                        copy.server_revision = Some(rev);
                    }
                    report.conflict_copies += 1;
                }
                let id = l.draft.id.clone();
                shared.db.call(move |c| store::purge(c, &id)).await?;
                report.deleted += 1;
            }
            Some(r) if remote_changed && editable => {
                if local_changed {
                    let copy = keep_as_copy(shared, &l).await?;
                    take_remote(shared, Some(&l), r).await?;
                    if let Pushed::Stored(rev) = push(shared, &copy).await? {
                        let (id, revision) = (copy.draft.id.clone(), copy.draft.revision);
                        shared
                            .db
                            .call(move |c| store::mark_synced(c, &id, revision, rev))
                            .await?;
                    }
                    report.conflict_copies += 1;
                } else {
                    take_remote(shared, Some(&l), r).await?;
                    report.pulled += 1;
                }
            }
            Some(_) | None if local_changed || l.server_revision.is_none() => {
                match push(shared, &l).await? {
                    Pushed::Stored(rev) => {
                        let (id, revision) = (l.draft.id.clone(), l.draft.revision);
                        shared
                            .db
                            .call(move |c| store::mark_synced(c, &id, revision, rev))
                            .await?;
                        report.pushed += 1;
                    }
                    Pushed::Stale => {
                        // Changed on the platform since we listed: next sync.
                        tracing::debug!(draft = %l.draft.id, "draft changed during sync");
                    }
                }
            }
            _ => {}
        }
    }
    // Drafts started on another phone.
    for (_, r) in remote {
        if !r.deleted {
            take_remote(shared, None, r).await?;
            report.pulled += 1;
        }
    }
    shared.changed().await;
    Ok(report)
}
