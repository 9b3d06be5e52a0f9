//! The tus 1.0.0 requests (core protocol with the creation, checksum,
//! termination and expiration extensions): create an upload, ask for its
//! offset, send a chunk, drop the upload. Each request carries the current
//! access token when the client speaks for a signed-in user.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, LOCATION, RETRY_AFTER};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use url::Url;

use super::body::CountingBody;
use super::error::TusError;
use super::stop::StopSignal;
use crate::auth::session::Session;
use crate::error::{Error, Result};
use crate::http::{HttpClient, Problem};

const TUS_VERSION: &str = "1.0.0";
const OFFSET_OCTET_STREAM: &str = "application/offset+octet-stream";
/// A chunk request has no whole-request limit (a slow link may need
/// minutes for one); `stall_timeout` guards it instead.
const NO_DEADLINE: Duration = Duration::from_secs(24 * 3600);

/// Who requests go out as.
#[derive(Clone)]
enum Sender {
    /// The signed-in user: bearer token, refreshed through the session.
    Session(Arc<Session>),
    /// Nobody: for tus servers without authentication.
    Anonymous(HttpClient),
}

/// The metadata a new upload declares (tus `Upload-Metadata`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadMetadata {
    pub filename: String,
    /// MIME type, e.g. `image/jpeg`.
    pub filetype: String,
    /// Of the whole file, lowercase hex; the platform checks it at the end.
    pub sha256: Option<String>,
}

impl UploadMetadata {
    /// `key base64(value)` pairs, comma separated, as tus says.
    fn header_value(&self) -> String {
        let mut pairs = vec![
            format!("filename {}", BASE64.encode(&self.filename)),
            format!("filetype {}", BASE64.encode(&self.filetype)),
        ];
        if let Some(sha256) = &self.sha256 {
            pairs.push(format!("sha256 {}", BASE64.encode(sha256)));
        }
        pairs.join(",")
    }
}

/// What HEAD says about an upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadStatus {
    pub offset: u64,
    pub length: Option<u64>,
    /// Set by the reference platform once the upload became a material.
    pub material_id: Option<String>,
}

/// What a successful PATCH says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patched {
    pub offset: u64,
    pub material_id: Option<String>,
}

/// One chunk of a file, with its checksum.
#[derive(Debug, Clone)]
pub struct Chunk {
    pub offset: u64,
    pub data: Bytes,
    /// `sha256 <base64 of the digest>`, for the Upload-Checksum header.
    pub checksum: String,
}

impl Chunk {
    pub fn new(offset: u64, data: Bytes) -> Self {
        use sha2::{Digest, Sha256};
        let checksum = format!("sha256 {}", BASE64.encode(Sha256::digest(&data)));
        Self {
            offset,
            data,
            checksum,
        }
    }

    pub fn end(&self) -> u64 {
        self.offset + self.data.len() as u64
    }
}

/// A tus client for one creation endpoint.
#[derive(Clone)]
pub struct TusClient {
    sender: Sender,
    creation_url: Url,
    stall_timeout: Duration,
}

impl TusClient {
    /// A client for a tus server that needs no sign-in, at `creation_url`
    /// (e.g. `http://127.0.0.1:1080/files/`). Same HTTP rules as the rest of
    /// the core: https, or plain http on loopback only.
    pub fn anonymous(http: HttpClient, creation_url: &str) -> Result<Self> {
        let creation_url = crate::http::Endpoint::parse(creation_url)?.base().clone();
        Ok(Self {
            sender: Sender::Anonymous(http),
            creation_url,
            stall_timeout: Duration::from_secs(30),
        })
    }

    /// The platform's upload endpoint, as the signed-in user.
    pub(crate) fn for_session(
        session: Arc<Session>,
        http: &HttpClient,
        stall_timeout: Duration,
    ) -> Result<Self> {
        Ok(Self {
            creation_url: http.endpoint().url("api/v1/uploads/")?,
            sender: Sender::Session(session),
            stall_timeout,
        })
    }

    /// How long a chunk may make no progress before it counts as failed.
    pub fn with_stall_timeout(mut self, stall_timeout: Duration) -> Self {
        self.stall_timeout = stall_timeout;
        self
    }

    pub fn creation_url(&self) -> &Url {
        &self.creation_url
    }

    /// POST: a new upload of `length` bytes; its URL.
    pub async fn create(&self, length: u64, metadata: &UploadMetadata) -> Result<Url, TusError> {
        let metadata = metadata.header_value();
        let url = self.creation_url.clone();
        let response = self
            .send(Method::POST, &url, |r| {
                r.header("Upload-Length", length)
                    .header("Upload-Metadata", &metadata)
                    .header(CONTENT_LENGTH, 0)
            })
            .await?;
        let response = expect(response, &[StatusCode::CREATED]).await?;
        let location = header(response.headers(), LOCATION.as_str())
            .ok_or_else(|| Error::protocol("upload created without a Location"))?;
        let upload_url = self
            .creation_url
            .join(location)
            .map_err(|e| Error::protocol(format!("upload Location unusable: {e}")))?;
        // The token goes wherever the upload lives: only to the endpoint's own origin.
        if upload_url.origin() != self.creation_url.origin() {
            return Err(Error::protocol("upload Location points at another server").into());
        }
        Ok(upload_url)
    }

    /// HEAD: how much of the upload the server holds.
    pub async fn status(&self, upload_url: &Url) -> Result<UploadStatus, TusError> {
        let response = self
            .send(Method::HEAD, upload_url, |r| {
                r.header("Cache-Control", "no-store")
            })
            .await?;
        let response = expect(response, &[StatusCode::OK, StatusCode::NO_CONTENT]).await?;
        let headers = response.headers();
        Ok(UploadStatus {
            offset: offset_of(headers)?,
            length: header(headers, "upload-length").and_then(|v| v.parse().ok()),
            material_id: header(headers, "material-id").map(str::to_owned),
        })
    }

    /// PATCH: sends one chunk at its offset. `handed_over` counts the bytes
    /// given to the connection so far (for progress). Returns early with
    /// `Stopped` when `stop` fires, and with a transient timeout when the
    /// transfer made no progress for the stall timeout.
    pub async fn send_chunk(
        &self,
        upload_url: &Url,
        chunk: &Chunk,
        handed_over: &Arc<AtomicU64>,
        stop: &mut StopSignal,
    ) -> Result<Patched, TusError> {
        let data = chunk.data.clone();
        let request = self.send(Method::PATCH, upload_url, |r| {
            let body = CountingBody::new(data.clone(), handed_over.clone());
            r.header(CONTENT_TYPE, OFFSET_OCTET_STREAM)
                .header(CONTENT_LENGTH, data.len())
                .header("Upload-Offset", chunk.offset)
                .header("Upload-Checksum", &chunk.checksum)
                .timeout(NO_DEADLINE)
                .body(reqwest::Body::wrap_stream(body))
        });
        let response = self.unless_stalled(request, handed_over, stop).await?;
        let response = expect(response, &[StatusCode::NO_CONTENT, StatusCode::OK]).await?;
        let headers = response.headers();
        Ok(Patched {
            offset: offset_of(headers)?,
            material_id: header(headers, "material-id").map(str::to_owned),
        })
    }

    /// DELETE (termination): the server drops what it received. An upload
    /// that is already gone counts as dropped.
    pub async fn terminate(&self, upload_url: &Url) -> Result<(), TusError> {
        let response = self
            .send(Method::DELETE, upload_url, |r| r.header(CONTENT_LENGTH, 0))
            .await?;
        match expect(response, &[StatusCode::NO_CONTENT, StatusCode::OK]).await {
            Ok(_) | Err(TusError::Gone) => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn send(
        &self,
        method: Method,
        url: &Url,
        build: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Response> {
        let build = |r: RequestBuilder| build(r.header("Tus-Resumable", TUS_VERSION));
        match &self.sender {
            Sender::Session(session) => session.send_raw(method, url.as_str(), build).await,
            Sender::Anonymous(http) => http.send_raw(method, url.as_str(), build).await,
        }
    }

    /// Waits for `request` unless the caller stops it or its body stops moving.
    async fn unless_stalled(
        &self,
        request: impl std::future::Future<Output = Result<Response>>,
        handed_over: &AtomicU64,
        stop: &mut StopSignal,
    ) -> Result<Response, TusError> {
        use std::sync::atomic::Ordering;
        tokio::pin!(request);
        let mut seen = handed_over.load(Ordering::Relaxed);
        let mut moved_at = Instant::now();
        let mut tick = tokio::time::interval(Duration::from_millis(500));
        loop {
            tokio::select! {
                answer = &mut request => return Ok(answer?),
                () = stop.stopped() => return Err(TusError::Stopped),
                _ = tick.tick() => {
                    let now = handed_over.load(Ordering::Relaxed);
                    if now != seen {
                        seen = now;
                        moved_at = Instant::now();
                    } else if moved_at.elapsed() > self.stall_timeout {
                        return Err(TusError::Transient { error: Error::Timeout, retry_after: None });
                    }
                }
            }
        }
    }
}

/// Passes an answer with one of the `expected` statuses; sorts the others.
async fn expect(response: Response, expected: &[StatusCode]) -> Result<Response, TusError> {
    let status = response.status();
    if expected.contains(&status) {
        return Ok(response);
    }
    let retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::http::parse_retry_after);
    let body = response.bytes().await.unwrap_or_default();
    let code = status.as_u16();
    Err(match code {
        404 | 410 => TusError::Gone,
        409 => TusError::OffsetMismatch,
        460 => TusError::ChecksumMismatch,
        429 | 500..=599 => TusError::Transient {
            error: crate::http::problem_error(code, &body),
            retry_after,
        },
        401 => TusError::Core(Error::Unauthorized),
        400..=499 => TusError::Refused {
            status: code,
            reason: refusal_reason(code, &body),
        },
        _ => TusError::Core(Error::protocol(format!(
            "unexpected HTTP {code} from the upload server"
        ))),
    })
}

/// The platform's own words (problem+json detail or title) when it gave any.
fn refusal_reason(status: u16, body: &[u8]) -> String {
    match serde_json::from_slice::<Problem>(body) {
        Ok(problem) => problem
            .detail
            .filter(|d| !d.trim().is_empty())
            .unwrap_or(problem.title),
        Err(_) => match status {
            413 => "the file is larger than the platform accepts".to_owned(),
            415 => "the platform does not accept this type of file".to_owned(),
            _ => format!("the platform refused the file (HTTP {status})"),
        },
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

fn offset_of(headers: &HeaderMap) -> Result<u64, TusError> {
    header(headers, "upload-offset")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| TusError::Core(Error::protocol("answer without a valid Upload-Offset")))
}
