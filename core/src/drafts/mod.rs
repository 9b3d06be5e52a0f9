//! Application drafts that are never lost, and submission that never
//! duplicates (申请草稿与提交): `client.drafts()`.
//!
//! - A draft starts from a service guide and its form, prefilled with what
//!   the platform already knows about the applicant (`prefill.rs`).
//! - Every change is saved at once, in its own transaction, as the next
//!   revision (`store.rs`): what was reported saved survives a killed app.
//! - The same rules as the platform's check each field as it is typed and
//!   the whole form before submit (`banshitong-forms`).
//! - Submit queues the application in a persisted outbox with an
//!   idempotency key (`outbox.rs`); the platform's number makes it submitted.
//! - Drafts sync with the platform for continuing on another phone; a
//!   conflict keeps both versions (`sync.rs`).
//! - The answer to an office's supplement request (补正) is a draft too,
//!   with a form made on the device, sent through the same outbox
//!   (`supplement/`).

mod api;
pub mod model;
mod outbox;
mod prefill;
mod store;
mod supplement;
mod sync;
mod values;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use banshitong_forms::{FormSchema, Values, validate, validate_field};
use rusqlite::OptionalExtension;
use tokio::sync::Notify;

pub use self::model::{
    Draft, DraftState, DraftSyncReport, FieldError, OutboxStatus, SavedChange, SlotFill,
    SubmitOutcome, SupplementDraft, SupplementDraftRequest, SupplementSlot, SupplementStatus,
};
use self::prefill::Known;
use self::store::Stored;
/// Random ids for things made on the device (the materials queue uses them too).
pub(crate) use self::sync::uuid_like::new_id;
use crate::auth::session::Session;
use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::events::{Subscription, Watched};
use crate::http::HttpClient;
use crate::store::Database;
use crate::time_util::now_ms;

/// One signed-in user's drafts; cheap to clone.
#[derive(Clone)]
pub struct Drafts {
    shared: Arc<DraftsShared>,
}

pub(crate) struct DraftsShared {
    pub(crate) user_id: String,
    db: Database,
    catalog_db: Database,
    catalog: Catalog,
    http: HttpClient,
    session: Arc<Session>,
    kick: Arc<Notify>,
    /// Set when the network came back: everything queued is due at once,
    /// whatever its back-off said.
    retry_now: std::sync::atomic::AtomicBool,
    /// Bumped after every change, for draft subscriptions.
    changes: Watched<u64>,
    outbox: Watched<OutboxStatus>,
    schemas: Mutex<HashMap<String, Arc<FormSchema>>>,
}

impl DraftsShared {
    /// Tells subscribers something changed, and refreshes the outbox view.
    async fn changed(&self) {
        self.changes.set(self.changes.get().wrapping_add(1));
        if let Ok(status) = outbox::status(self).await {
            self.outbox.set(status);
        }
    }

    async fn guide_name(&self, code: &str) -> String {
        match self.catalog.offline_guide(code.to_owned()).await {
            Ok(Some(guide)) => guide.name,
            _ => code.to_owned(),
        }
    }

    /// The form, from memory, the catalog cache, or the platform (once:
    /// a schema id names one version, which never changes). A supplement
    /// answer's form comes from the personal database, never the network.
    async fn schema(&self, id: &str) -> Result<Arc<FormSchema>> {
        if let Some(schema) = self
            .schemas
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
        {
            return Ok(schema.clone());
        }
        let key = id.to_owned();
        let from_personal = supplement::form::is_supplement_schema(id);
        let db = if from_personal {
            &self.db
        } else {
            &self.catalog_db
        };
        let cached: Option<String> = db
            .call(move |c| {
                if from_personal {
                    return supplement::store::schema_json(c, &key);
                }
                Ok(
                    c.query_row("SELECT body FROM form_schemas WHERE id = ?1", [key], |r| {
                        r.get(0)
                    })
                    .optional()?,
                )
            })
            .await?;
        let body = match cached {
            Some(body) => body,
            None if from_personal => {
                return Err(Error::NotFound {
                    what: format!("supplement form {id}"),
                });
            }
            None => {
                let body = api::fetch_schema(&self.http, id).await?;
                let (key, to_store) = (id.to_owned(), body.clone());
                self.catalog_db
                    .call(move |c| {
                        c.execute(
                            "INSERT OR REPLACE INTO form_schemas (id, body, fetched_at_ms) VALUES (?1, ?2, ?3)",
                            rusqlite::params![key, to_store, now_ms()],
                        )?;
                        Ok(())
                    })
                    .await?;
                body
            }
        };
        let schema: Arc<FormSchema> = Arc::new(
            serde_json::from_str(&body)
                .map_err(|e| Error::protocol(format!("form {id} does not parse: {e}")))?,
        );
        self.schemas
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id.to_owned(), schema.clone());
        Ok(schema)
    }

    /// What the platform knows about the applicant, unmasked; the cached
    /// profile (masked parts left out) when the platform cannot say.
    async fn known(&self) -> Known {
        match self.session.get_json::<Known>("api/v1/me/prefill").await {
            Ok(known) => known,
            Err(e) => {
                tracing::debug!(error = %e, "prefill from the cached profile");
                let profile = match self.session.state().get() {
                    crate::auth::SessionState::SignedIn { profile, .. } => Some(profile),
                    _ => None,
                };
                profile.map_or_else(Known::default, |p| Known {
                    name: p.name.clone(),
                    id_number: p.id_number.clone(),
                    mobile: Some(p.phone.clone()),
                    company_name: p.acting_as.as_ref().map(|c| c.name.clone()),
                    company_credit_code: p.acting_as.as_ref().map(|c| c.uscc.clone()),
                })
            }
        }
    }
}

impl Drafts {
    pub(crate) fn open_for(
        user_id: String,
        db: Database,
        catalog_db: Database,
        catalog: Catalog,
        http: HttpClient,
        session: Arc<Session>,
    ) -> Self {
        let shared = Arc::new(DraftsShared {
            user_id,
            db,
            catalog_db,
            catalog,
            http,
            session,
            kick: Arc::new(Notify::new()),
            retry_now: std::sync::atomic::AtomicBool::new(false),
            changes: Watched::new(0),
            outbox: Watched::new(OutboxStatus {
                pending: 0,
                last_error: None,
                next_attempt_at_ms: None,
            }),
            schemas: Mutex::default(),
        });
        outbox::start(&shared);
        Self { shared }
    }

    pub(crate) fn user_id(&self) -> &str {
        &self.shared.user_id
    }

    pub(crate) fn database(&self) -> &Database {
        &self.shared.db
    }

    /// A new draft for a service item, prefilled with what the platform
    /// knows (name, ID number, mobile; the company acted for).
    pub async fn create(&self, guide_code: String) -> Result<Draft> {
        let guide = match self
            .shared
            .catalog
            .offline_guide(guide_code.clone())
            .await?
        {
            Some(guide) => guide,
            None => self.shared.catalog.guide(guide_code.clone()).await?.guide,
        };
        let schema_id = guide.form_schema_id.clone().ok_or_else(|| {
            Error::invalid_input(format!("{} cannot be applied for online", guide.name))
        })?;
        let schema = self.shared.schema(&schema_id).await?;
        let values = prefill::prefill(&schema, &self.shared.known().await);
        let mut stored = Stored::new_local(
            sync::uuid_like::new_id(),
            guide.code,
            guide.name,
            schema_id,
            now_ms(),
        );
        stored.draft.values_json = serde_json::Value::Object(values).to_string();
        let draft = stored.draft.clone();
        self.shared
            .db
            .call(move |c| store::insert(c, &stored))
            .await?;
        self.shared.changed().await;
        Ok(draft)
    }

    pub async fn open(&self, id: String) -> Result<Draft> {
        self.shared
            .db
            .call(move |c| store::existing(c, &id).map(|s| s.draft))
            .await
    }

    /// Every draft, the most recently changed first.
    pub async fn list(&self) -> Result<Vec<Draft>> {
        let all = self.shared.db.call(|c| store::all(c, false)).await?;
        Ok(all.into_iter().map(|s| s.draft).collect())
    }

    /// The form a draft fills.
    pub async fn schema(&self, id: String) -> Result<FormSchema> {
        let draft = self.open(id).await?;
        Ok((*self.shared.schema(&draft.schema_id).await?).clone())
    }

    /// Saves one answer (`value_json`: a JSON value, `null` to clear) as the
    /// next revision, and checks that field as the user typed it.
    pub async fn set_field(
        &self,
        id: String,
        path: String,
        value_json: String,
    ) -> Result<SavedChange> {
        let value: serde_json::Value = serde_json::from_str(&value_json)
            .map_err(|e| Error::invalid_input(format!("value is not JSON: {e}")))?;
        let draft = self.open(id.clone()).await?;
        let schema = self.shared.schema(&draft.schema_id).await?;
        let field_errors = validate_field(&schema, &path, &value);
        let revision = self
            .edit_values(id, move |values, platform_errors| {
                values::set(values, &path, value)?;
                // The platform's verdict on this field no longer applies.
                platform_errors
                    .retain(|e| e.path != path && !e.path.starts_with(&format!("{path}.")));
                Ok(())
            })
            .await?;
        Ok(SavedChange {
            revision,
            field_errors,
        })
    }

    /// Changes a draft's answers (and the platform's field errors that
    /// still apply) and saves them as the next revision, in one transaction.
    async fn edit_values(
        &self,
        id: String,
        change: impl FnOnce(&mut Values, &mut Vec<FieldError>) -> Result<()> + Send + 'static,
    ) -> Result<u64> {
        let revision = self
            .shared
            .db
            .call(move |c| {
                let tx = c.transaction()?;
                let stored = store::existing(&tx, &id)?;
                let mut values = parse_values(&stored.draft)?;
                let mut errors = stored.draft.platform_errors.clone();
                change(&mut values, &mut errors)?;
                if errors != stored.draft.platform_errors {
                    store::set_platform_errors(&tx, &id, &errors)?;
                }
                let revision = store::save_values(
                    &tx,
                    &id,
                    &serde_json::Value::Object(values).to_string(),
                    now_ms(),
                )?;
                tx.commit()?;
                Ok(revision)
            })
            .await?;
        self.shared.changed().await;
        Ok(revision)
    }

    /// Removes item `index` of a repeated group (e.g. a family member).
    pub async fn remove_item(
        &self,
        id: String,
        group_path: String,
        index: u32,
    ) -> Result<SavedChange> {
        let revision = self
            .edit_values(id, move |values, _| {
                values::remove_item(values, &group_path, index as usize)
            })
            .await?;
        Ok(SavedChange {
            revision,
            field_errors: Vec::new(),
        })
    }

    /// Fills a material slot with references: uploads (`material:<id>`, from
    /// the material library) or a licence the platform holds
    /// (`licence:<type>:<id>`). An empty list empties the slot.
    pub async fn set_materials(
        &self,
        id: String,
        slot_key: String,
        refs: Vec<String>,
    ) -> Result<SavedChange> {
        if refs
            .iter()
            .any(|r| banshitong_forms::MaterialRef::parse(r).is_none())
        {
            return Err(Error::invalid_input("a material reference is malformed"));
        }
        let revision = self
            .shared
            .db
            .call(move |c| {
                let tx = c.transaction()?;
                let stored = store::existing(&tx, &id)?;
                let mut fills = stored.draft.materials;
                fills.retain(|f| f.slot_key != slot_key);
                if !refs.is_empty() {
                    fills.push(SlotFill {
                        slot_key,
                        material_refs: refs,
                    });
                }
                let revision = store::save_materials(&tx, &id, &fills, now_ms())?;
                tx.commit()?;
                Ok(revision)
            })
            .await?;
        self.shared.changed().await;
        Ok(SavedChange {
            revision,
            field_errors: Vec::new(),
        })
    }

    /// Every problem with the draft as it stands, by the platform's rules.
    pub async fn validate(&self, id: String) -> Result<Vec<FieldError>> {
        let draft = self.open(id).await?;
        let schema = self.shared.schema(&draft.schema_id).await?;
        let values = parse_values(&draft)?;
        Ok(validate(&schema, &values, &draft.materials))
    }

    /// A copy to edit separately (e.g. the same application for a relative).
    /// A supplement answer has no copies: there is one answer per request.
    pub async fn duplicate(&self, id: String) -> Result<Draft> {
        let source = self.open(id).await?;
        if supplement::form::is_supplement_schema(&source.schema_id) {
            return Err(Error::invalid_input(
                "a supplement answer can't be copied: each request has one answer",
            ));
        }
        let mut stored = Stored::new_local(
            sync::uuid_like::new_id(),
            source.guide_code,
            source.guide_name,
            source.schema_id,
            now_ms(),
        );
        stored.draft.title = format!("{}（副本）", source.title);
        stored.draft.values_json = source.values_json;
        stored.draft.materials = source.materials;
        let draft = stored.draft.clone();
        self.shared
            .db
            .call(move |c| store::insert(c, &stored))
            .await?;
        self.shared.changed().await;
        Ok(draft)
    }

    /// Deletes a draft here; the next sync deletes it on the platform.
    pub async fn delete(&self, id: String) -> Result<()> {
        self.shared
            .db
            .call(move |c| store::mark_deleted(c, &id, now_ms()))
            .await?;
        self.shared.changed().await;
        Ok(())
    }

    /// Checks the whole form and, if it passes, queues the application.
    /// Pressing submit again, at any time, never queues a second one.
    pub async fn submit(&self, id: String) -> Result<SubmitOutcome> {
        let draft = self.open(id.clone()).await?;
        match &draft.state {
            DraftState::Submitted { application_no } => {
                return Ok(SubmitOutcome::AlreadySubmitted {
                    application_no: application_no.clone(),
                });
            }
            DraftState::Submitting => return Ok(SubmitOutcome::Queued),
            DraftState::Editing => {}
        }
        let answering = {
            let id = id.clone();
            self.shared
                .db
                .call(move |c| supplement::store::by_draft(c, &id))
                .await?
        };
        if answering.as_ref().is_some_and(|row| row.superseded) {
            return Err(supplement::superseded());
        }
        let schema = self.shared.schema(&draft.schema_id).await?;
        let values = parse_values(&draft)?;
        let errors = validate(&schema, &values, &draft.materials);
        if !errors.is_empty() {
            return Ok(SubmitOutcome::Invalid { errors });
        }
        let body = match &answering {
            Some(row) => supplement::body(row, &draft, &values)?,
            None => serde_json::to_string(&api::ApplicationBody {
                guide_code: draft.guide_code.clone(),
                schema_id: draft.schema_id.clone(),
                values,
                materials: draft.materials.clone(),
                draft_id: draft.id.clone(),
            })
            .map_err(|e| Error::storage(e.to_string()))?,
        };
        let revision = draft.revision;
        let outcome = self
            .shared
            .db
            .call(move |c| {
                let tx = c.transaction()?;
                // Checked again inside the transaction: of any number of
                // concurrent presses, exactly one finds the draft as it was
                // validated and queues it.
                let now = store::existing(&tx, &id)?;
                if now.draft.state != DraftState::Editing || now.draft.revision != revision {
                    return Ok(match now.draft.state {
                        DraftState::Submitted { application_no } => {
                            SubmitOutcome::AlreadySubmitted { application_no }
                        }
                        DraftState::Submitting => SubmitOutcome::Queued,
                        DraftState::Editing => SubmitOutcome::Invalid { errors: Vec::new() },
                    });
                }
                let key = sync::uuid_like::new_id();
                store::enqueue(&tx, &id, &key, &body, now_ms())?;
                store::set_state(&tx, &id, &DraftState::Submitting, &[], None)?;
                tx.commit()?;
                Ok(SubmitOutcome::Queued)
            })
            .await?;
        self.shared.changed().await;
        self.shared.kick.notify_one();
        Ok(outcome)
    }

    /// The draft that answers an office's supplement request (补正): the
    /// one already started for this application and `request_seq`, or a
    /// new one whose form has one required material slot per requested
    /// material (and an optional `comment` field). Fill it with
    /// `set_materials` or the materials queue (`draft_id` + slot key),
    /// then `submit` it like any draft.
    pub async fn start_supplement(&self, request: SupplementDraftRequest) -> Result<Draft> {
        supplement::start(&self.shared, request).await
    }

    /// The supplement request a draft answers and where it stands; `None`
    /// for an ordinary application draft.
    pub async fn supplement(&self, id: String) -> Result<Option<SupplementDraft>> {
        supplement::info(&self.shared, id).await
    }

    /// Shares drafts with the platform (for another phone) and takes theirs.
    /// Supplement answers stay on this device (see `supplement/`).
    pub async fn sync(&self) -> Result<DraftSyncReport> {
        sync::sync(&self.shared).await
    }

    /// The shell's network callback (Android ConnectivityManager, iOS
    /// NWPathMonitor): the outbox tries again now instead of after back-off.
    pub fn network_available(&self) {
        self.shared
            .retry_now
            .store(true, std::sync::atomic::Ordering::SeqCst);
        self.shared.kick.notify_one();
    }

    /// SQLite's `PRAGMA integrity_check` of the user's database ("ok" when
    /// sound): for support screens and the crash tests.
    pub async fn integrity_check(&self) -> Result<String> {
        self.shared
            .db
            .call(|c| {
                let rows: Vec<String> = c
                    .prepare("PRAGMA integrity_check")?
                    .query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                Ok(rows.join("; "))
            })
            .await
    }

    pub async fn outbox_status(&self) -> Result<OutboxStatus> {
        outbox::status(&self.shared).await
    }

    /// The outbox's state now, then on every change.
    pub fn watch_outbox(&self) -> Subscription<OutboxStatus> {
        self.shared.outbox.subscribe()
    }

    /// One draft now, then after every change to any draft.
    pub fn watch_draft(&self, id: String) -> DraftSubscription {
        DraftSubscription {
            changes: self.shared.changes.subscribe(),
            drafts: self.clone(),
            id,
            last: None,
        }
    }
}

pub(crate) fn parse_values(draft: &Draft) -> Result<Values> {
    serde_json::from_str(&draft.values_json)
        .map_err(|e| Error::storage(format!("draft {} values: {e}", draft.id)))
}

/// Follows one draft: its current state first, then each new version.
pub struct DraftSubscription {
    changes: Subscription<u64>,
    drafts: Drafts,
    id: String,
    last: Option<Draft>,
}

impl DraftSubscription {
    /// The draft now, then the next version that differs; `None` when the
    /// draft is gone or the client is. Safe to cancel (e.g. in `select!`):
    /// each call compares the stored draft with the last one delivered, so
    /// a change noticed by a cancelled call is still delivered by the next.
    pub async fn next(&mut self) -> Option<Draft> {
        loop {
            let draft = self.drafts.open(self.id.clone()).await.ok()?;
            if self.last.as_ref() != Some(&draft) {
                self.last = Some(draft.clone());
                return Some(draft);
            }
            self.changes.next().await?;
        }
    }
}
