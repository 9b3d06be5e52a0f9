//! How a `Client` is set up by its host app.

use std::time::Duration;

use crate::http::RetryPolicy;

#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The platform's base URL, e.g. `https://ynbst.example.cn`. Plain
    /// http:// is accepted only for loopback hosts.
    pub api_base_url: String,
    /// Where the core keeps its databases: the app's private files folder.
    /// A string rather than a PathBuf because it crosses the FFI as one.
    pub data_dir: String,
    /// The longest one HTTP request may take, body included.
    pub request_timeout: Duration,
    /// The longest a TCP/TLS connection may take to set up.
    pub connect_timeout: Duration,
    pub retry: RetryPolicy,
    /// How materials are sent (chunk size, parallel uploads).
    pub uploads: UploadSettings,
}

/// How the upload queue sends materials.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadSettings {
    /// Bytes per PATCH request; each chunk carries its own checksum and a
    /// cut connection re-sends at most one chunk. 0 (the default) is
    /// adaptive: 1 MiB to start, growing up to 8 MiB while chunks go
    /// through in under a quarter second (fast links pay the per-request
    /// cost rarely), back to 1 MiB after any failure.
    pub chunk_bytes: u64,
    /// Uploads running at once.
    pub max_parallel: u32,
}

impl Default for UploadSettings {
    fn default() -> Self {
        Self {
            chunk_bytes: 0,
            max_parallel: 2,
        }
    }
}

impl ClientConfig {
    /// A configuration with the defaults a phone app wants.
    pub fn new(api_base_url: impl Into<String>, data_dir: impl AsRef<std::path::Path>) -> Self {
        Self {
            api_base_url: api_base_url.into(),
            data_dir: data_dir.as_ref().to_string_lossy().into_owned(),
            request_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            uploads: UploadSettings::default(),
        }
    }

    pub fn data_dir_path(&self) -> std::path::PathBuf {
        std::path::PathBuf::from(&self.data_dir)
    }
}
