//! Answering a supplement request (补正) through the drafts machinery.
//!
//! When the office sends an application back for more materials, the answer
//! is a draft like any other: its form (made here, `form.rs`) has one
//! required slot per requested material, so materials are attached,
//! uploaded into the slot and checked exactly as for an application, and
//! `Drafts::submit` sends it through the same persisted outbox with one
//! idempotency key, to `POST /api/v1/applications/{no}/supplement`.
//!
//! Decisions (docs/decisions/0005 leaves them open):
//! - A supplement draft stays on this device: it is never shared through
//!   `/api/v1/drafts`, whose drafts fill a guide's published form, which
//!   this one is not. Answering continues on the phone that started it;
//!   another phone starts its own answer to the same request, and the
//!   platform takes whichever comes first (the second gets 409).
//! - One answer per request: the draft id is derived from the application
//!   number and `request_seq`, so starting it again returns the same draft.
//! - When the office asks again (a newer `request_seq` is started), the
//!   earlier drafts of that application are superseded, and what the
//!   latest unsent one holds for keys asked again carries over to the new
//!   one (an answered one's materials were judged, so they do not).
//! - A 409 from the platform (the request is no longer the open one: the
//!   office asked again, or the application moved on) supersedes the draft
//!   too: it goes back to editing with the platform's reason, and
//!   submitting it again is refused with `Error::Conflict`.

pub(crate) mod form;
pub(crate) mod store;

use serde::Serialize;

use self::store::SupplementRow;
use super::DraftsShared;
use super::model::{
    Draft, DraftState, SlotFill, SupplementDraft, SupplementDraftRequest, SupplementStatus,
};
use super::store::{self as drafts_store, Stored};
use crate::error::{Error, Result};
use crate::time_util::now_ms;

/// `POST /api/v1/applications/{no}/supplement` body.
#[derive(Debug, Serialize)]
struct SupplementBody<'a> {
    request_seq: i64,
    materials: &'a [SlotFill],
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<&'a str>,
}

/// The answer to `request`: the one already started, or a new draft.
pub(crate) async fn start(shared: &DraftsShared, request: SupplementDraftRequest) -> Result<Draft> {
    form::check(&request)?;
    let draft_id = form::draft_id(&request.application_no, request.request_seq);
    if let Some(existing) = started(shared, &draft_id).await? {
        return Ok(existing);
    }
    let guide_form = guide_form(shared, &request.guide_code).await;
    let schema = form::build(&request, guide_form.as_ref());
    let row = SupplementRow {
        schema_id: schema.id.clone(),
        draft_id: draft_id.clone(),
        schema_json: serde_json::to_string(&schema).map_err(|e| Error::storage(e.to_string()))?,
        request,
        superseded: false,
    };
    let draft = shared
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            // Checked again inside the transaction: of two concurrent
            // starts, the second finds the first one's draft.
            if let Some(existing) = drafts_store::load(&tx, &row.draft_id)? {
                if !existing.deleted {
                    return Ok(existing.draft);
                }
                // Deleted by the user and started again: a fresh answer.
                drafts_store::purge(&tx, &row.draft_id)?;
            }
            let earlier =
                store::earlier(&tx, &row.request.application_no, row.request.request_seq)?;
            // The latest earlier answer that never reached the office (an
            // answered one was judged: its materials are what is asked again).
            let mut materials = Vec::new();
            for old in &earlier {
                let old_draft = drafts_store::load(&tx, &old.draft_id)?;
                if let Some(old_draft) = old_draft.filter(|d| !d.deleted)
                    && !matches!(old_draft.draft.state, DraftState::Submitted { .. })
                {
                    materials = carried_over(&old_draft.draft.materials, &row.request);
                    break;
                }
            }
            for old in earlier.iter().filter(|old| !old.superseded) {
                store::mark_superseded(&tx, &old.draft_id)?;
            }
            let now = now_ms();
            let mut stored = Stored::new_local(
                row.draft_id.clone(),
                row.request.guide_code.clone(),
                row.request.guide_name.clone(),
                row.schema_id.clone(),
                now,
            );
            stored.draft.title = format!("补正材料：{}", row.request.guide_name);
            stored.draft.materials = materials;
            drafts_store::insert(&tx, &stored)?;
            store::put(&tx, &row, now)?;
            tx.commit()?;
            Ok(stored.draft)
        })
        .await?;
    shared.changed().await;
    Ok(draft)
}

async fn started(shared: &DraftsShared, draft_id: &str) -> Result<Option<Draft>> {
    let id = draft_id.to_owned();
    shared
        .db
        .call(move |c| {
            Ok(drafts_store::load(c, &id)?
                .filter(|s| !s.deleted)
                .map(|s| s.draft))
        })
        .await
}

/// The guide's own form, if it can be had: its slots lend their rules to
/// the answer's (see `form::build`). Without it the answer is still made.
async fn guide_form(
    shared: &DraftsShared,
    guide_code: &str,
) -> Option<banshitong_forms::FormSchema> {
    let guide = match shared.catalog.offline_guide(guide_code.to_owned()).await {
        Ok(Some(guide)) => guide,
        _ => return None,
    };
    let schema_id = guide.form_schema_id?;
    match shared.schema(&schema_id).await {
        Ok(schema) => Some((*schema).clone()),
        Err(e) => {
            tracing::debug!(error = %e, "supplement form without the guide's slot rules");
            None
        }
    }
}

/// What an earlier answer held for the keys asked for again.
fn carried_over(fills: &[SlotFill], request: &SupplementDraftRequest) -> Vec<SlotFill> {
    fills
        .iter()
        .filter(|fill| request.slots.iter().any(|s| s.key == fill.slot_key))
        .cloned()
        .collect()
}

/// The supplement request behind a draft and where it stands; `None` for
/// an ordinary application draft.
pub(crate) async fn info(
    shared: &DraftsShared,
    draft_id: String,
) -> Result<Option<SupplementDraft>> {
    shared
        .db
        .call(move |c| {
            let draft = drafts_store::existing(c, &draft_id)?.draft;
            let Some(row) = store::by_draft(c, &draft_id)? else {
                return Ok(None);
            };
            let status = match draft.state {
                DraftState::Submitted { .. } => SupplementStatus::Answered,
                _ if row.superseded => SupplementStatus::Superseded,
                _ => SupplementStatus::Open,
            };
            Ok(Some(SupplementDraft {
                draft_id,
                request: row.request,
                status,
            }))
        })
        .await
}

/// The supplement endpoint's body for a validated draft, or the typed
/// refusal when the office no longer waits for this answer.
pub(crate) fn body(
    row: &SupplementRow,
    draft: &Draft,
    values: &banshitong_forms::Values,
) -> Result<String> {
    if row.superseded {
        return Err(superseded());
    }
    let comment = values
        .get(form::COMMENT_FIELD)
        .and_then(|v| v.as_str())
        .map(str::trim)
        .filter(|c| !c.is_empty());
    serde_json::to_string(&SupplementBody {
        request_seq: row.request.request_seq,
        materials: &draft.materials,
        comment,
    })
    .map_err(|e| Error::storage(e.to_string()))
}

pub(crate) fn superseded() -> Error {
    Error::Conflict {
        message: "the office no longer waits for this supplement answer (it asked again, or \
                  the application moved on); answer the current request"
            .to_owned(),
    }
}
