//! Materials (申请材料): `bst upload FILE` prepares a photo or PDF and sends
//! it with a progress bar (resumable: Ctrl-C pauses it, `bst upload
//! --resume` goes on from what the platform already has); `bst uploads`
//! shows the queue and pauses, resumes or cancels one item; `bst materials`
//! lists what can be attached without uploading anything: the user's
//! materials and the electronic licences issued to them.

pub mod follow;
pub mod library;
pub mod queue;
pub mod render;
pub mod upload;

use anyhow::anyhow;
use banshitong_core::materials::Materials;
use banshitong_core::{Client, Error};

use super::Session;

/// The signed-in user's materials, or why there are none to open.
pub async fn open_materials(session: &Session, client: &Client) -> anyhow::Result<Materials> {
    session.signed_in("materials", client.materials().await)
}

/// An error about upload `id`, in words the user can act on.
pub fn about_upload(id: &str, e: Error) -> anyhow::Error {
    match e {
        Error::NotFound { .. } => {
            anyhow!("no upload has the id {id} on this device (`bst uploads` lists them)")
        }
        Error::Conflict { message } => anyhow!("upload {id}: {message}"),
        e if e.is_network() => anyhow::Error::new(e).context("the platform cannot be reached"),
        e => e.into(),
    }
}
