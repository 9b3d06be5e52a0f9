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

use anyhow::{anyhow, bail};
use banshitong_core::materials::Materials;
use banshitong_core::{Client, Error};

use super::Session;
use crate::secrets::SecretStoreChoice;

/// The signed-in user's materials, or why there are none to open.
pub async fn open_materials(session: &Session, client: &Client) -> anyhow::Result<Materials> {
    match client.materials().await {
        Ok(materials) => Ok(materials),
        Err(Error::Unauthorized) => {
            let hint = match session.secret_store {
                SecretStoreChoice::Memory => {
                    " (with --secret-store memory no sign-in outlasts a command)"
                }
                SecretStoreChoice::Keyring | SecretStoreChoice::InsecureFile => "",
            };
            bail!(
                "not signed in: materials belong to a signed-in account; `bst login --phone …` first{hint}"
            )
        }
        Err(Error::SessionExpired { reason }) => {
            bail!("the session expired ({reason}); sign in again with `bst login`")
        }
        Err(e) => Err(anyhow::Error::new(e).context("cannot open this account's materials")),
    }
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
