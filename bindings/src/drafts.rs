//! `BstDrafts`: the signed-in user's application drafts and submission
//! outbox as the apps see them (`client.drafts()`). Thin: each method is the
//! core's, on our runtime, with its error made a `BstError`. The records
//! (`Draft`, `SavedChange`, `SubmitOutcome`, `OutboxStatus`, …) are core's,
//! the form types (`FormSchema`, `FieldError`, …) banshitong-forms'.

use std::sync::Arc;

use banshitong_core::drafts::{
    Draft, DraftSubscription, DraftSyncReport, Drafts, FieldError, OutboxStatus, SavedChange,
    SubmitOutcome,
};
use banshitong_forms::FormSchema;

use crate::error::BstError;
use crate::runtime::run;
use crate::subscription::{SubscriptionHandle, Updates, forward};

/// Told of one draft: its current version first, then each new one (an
/// autosave, the outbox sending it, the platform's answer, a sync).
#[uniffi::export(with_foreign)]
pub trait DraftListener: Send + Sync {
    fn on_draft(&self, draft: Draft) -> Result<(), BstError>;
}

/// Told of the outbox: its current status first, then each change.
#[uniffi::export(with_foreign)]
pub trait OutboxListener: Send + Sync {
    fn on_outbox(&self, status: OutboxStatus) -> Result<(), BstError>;
}

#[derive(uniffi::Object)]
pub struct BstDrafts {
    core: Drafts,
}

impl BstDrafts {
    pub(crate) fn new(core: Drafts) -> Arc<Self> {
        Arc::new(Self { core })
    }
}

// Each async method clones the (cheap, Arc-backed) core handle into a task on
// our runtime, so the foreign executor never polls core futures itself and a
// panic comes back as an error (see runtime.rs).
#[uniffi::export]
impl BstDrafts {
    /// A new draft for a guide (by code), prefilled with what the platform
    /// knows about the applicant.
    pub async fn create(&self, guide_code: String) -> Result<Draft, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.create(guide_code).await?) }).await
    }

    pub async fn open(&self, id: String) -> Result<Draft, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.open(id).await?) }).await
    }

    /// Every draft, the most recently changed first.
    pub async fn list(&self) -> Result<Vec<Draft>, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.list().await?) }).await
    }

    /// The form the draft fills, to draw it and to know each field's kind.
    pub async fn schema(&self, id: String) -> Result<FormSchema, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.schema(id).await?) }).await
    }

    /// Saves one answer as the next revision (committed when this returns).
    /// `value_json` is JSON text (`"\"张三\""`, `1`, `[{}]`, `null` to clear),
    /// since answers are any JSON; `path` as in errors (`members[0].name`).
    pub async fn set_field(
        &self,
        id: String,
        path: String,
        value_json: String,
    ) -> Result<SavedChange, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.set_field(id, path, value_json).await?) }).await
    }

    /// Removes item `index` of a repeated group.
    pub async fn remove_item(
        &self,
        id: String,
        group_path: String,
        index: u32,
    ) -> Result<SavedChange, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.remove_item(id, group_path, index).await?) }).await
    }

    /// Fills a material slot: upload ids or `licence:<type>:<id>`; an empty
    /// list empties it.
    pub async fn set_materials(
        &self,
        id: String,
        slot_key: String,
        refs: Vec<String>,
    ) -> Result<SavedChange, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.set_materials(id, slot_key, refs).await?) }).await
    }

    /// Every problem with the draft as it stands (empty when it can be submitted).
    pub async fn validate(&self, id: String) -> Result<Vec<FieldError>, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.validate(id).await?) }).await
    }

    pub async fn duplicate(&self, id: String) -> Result<Draft, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.duplicate(id).await?) }).await
    }

    pub async fn delete(&self, id: String) -> Result<(), BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.delete(id).await?) }).await
    }

    /// Checks the form and queues it in the outbox; pressing again never
    /// queues a second application. The draft's state tells when the
    /// platform has answered (watch it).
    pub async fn submit(&self, id: String) -> Result<SubmitOutcome, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.submit(id).await?) }).await
    }

    /// Shares drafts with the platform (to continue on another phone).
    pub async fn sync(&self) -> Result<DraftSyncReport, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.sync().await?) }).await
    }

    /// For the app's network callback: the outbox tries again now rather
    /// than after its back-off.
    pub fn network_available(&self) {
        self.core.network_available();
    }

    pub async fn outbox_status(&self) -> Result<OutboxStatus, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.outbox_status().await?) }).await
    }

    /// SQLite's integrity check of the user's database ("ok" when sound).
    pub async fn integrity_check(&self) -> Result<String, BstError> {
        let core = self.core.clone();
        run(async move { Ok(core.integrity_check().await?) }).await
    }

    /// Calls `listener` with the draft now, then with each new version,
    /// until the handle is cancelled or dropped, or the draft is deleted.
    pub fn watch_draft(
        &self,
        id: String,
        listener: Arc<dyn DraftListener>,
    ) -> Arc<SubscriptionHandle> {
        forward(self.core.watch_draft(id), move |draft| {
            listener.on_draft(draft)
        })
    }

    /// Calls `listener` with the outbox status now, then with each change,
    /// until the handle is cancelled or dropped.
    pub fn watch_outbox(&self, listener: Arc<dyn OutboxListener>) -> Arc<SubscriptionHandle> {
        forward(self.core.watch_outbox(), move |status| {
            listener.on_outbox(status)
        })
    }
}

impl Updates for DraftSubscription {
    type Item = Draft;
    fn next(&mut self) -> impl Future<Output = Option<Draft>> + Send {
        DraftSubscription::next(self)
    }
}
