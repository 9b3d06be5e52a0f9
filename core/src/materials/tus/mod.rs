//! A tus 1.0.0 client (https://tus.io/protocols/resumable-upload): the
//! protocol the core uploads materials with. It works with any tus server;
//! the reference platform is one, and the interop tests run another.
//!
//! - `client.rs`: the requests (POST creation, HEAD, PATCH with a sha256
//!   per chunk, DELETE), sorted into `TusError`s by what to do next.
//! - `transfer.rs`: a file sent chunk by chunk from the server's offset.
//! - `body.rs`: chunk bodies that report progress, so stalls are seen.

mod body;
mod client;
mod error;
mod stop;
mod transfer;

pub use client::{Chunk, Patched, TusClient, UploadMetadata, UploadStatus};
pub use error::TusError;
pub use stop::{StopHandle, StopSignal};
pub use transfer::{ChunkSize, FileTransfer, Step, send_file};
