//! `HttpClient`: sends a request, retries it when that is safe and useful,
//! and turns every failure into the core `Error`.

use std::time::Duration;

use reqwest::{Method, RequestBuilder, Response, StatusCode, header};
use serde::de::DeserializeOwned;

use super::endpoint::Endpoint;
use super::problem::{self, Problem};
use super::retry::{RetryPolicy, parse_retry_after};
use crate::error::{Error, Result};
use crate::events::{Connectivity, Watched};

#[derive(Debug, Clone)]
pub struct HttpClient {
    inner: reqwest::Client,
    endpoint: Endpoint,
    retry: RetryPolicy,
    connectivity: Watched<Connectivity>,
}

/// What the platform said when it answered with an error status.
struct ErrorAnswer {
    status: StatusCode,
    retry_after: Option<Duration>,
    problem: Problem,
}

/// One attempt's failure: either no answer at all, or an error answer.
enum AttemptFailure {
    Transport(Error),
    Answer(ErrorAnswer),
}

impl HttpClient {
    pub fn new(
        endpoint: Endpoint,
        request_timeout: Duration,
        connect_timeout: Duration,
        retry: RetryPolicy,
    ) -> Result<Self> {
        let inner = reqwest::Client::builder()
            .use_rustls_tls()
            .https_only(endpoint.base().scheme() == "https")
            .timeout(request_timeout)
            .connect_timeout(connect_timeout)
            .user_agent(concat!("banshitong-core/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::invalid_input(format!("HTTP client setup failed: {e}")))?;
        Ok(Self {
            inner,
            endpoint,
            retry,
            connectivity: Watched::new(Connectivity::Unknown),
        })
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The same client (connection pool, connectivity) making one attempt
    /// per request: for reads that have an offline answer ready and must not
    /// keep the user waiting through retries.
    pub fn single_attempt(&self) -> HttpClient {
        HttpClient {
            retry: RetryPolicy::no_retries(),
            ..self.clone()
        }
    }

    /// Whether the platform could be reached, as the last request found.
    pub fn connectivity(&self) -> &Watched<Connectivity> {
        &self.connectivity
    }

    /// GET a JSON document.
    pub async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        let response = self.send(Method::GET, path, |r| r).await?;
        read_json(response).await
    }

    /// Sends a request built by `build` (called again for each attempt, so a
    /// body can be re-sent) and returns the first successful answer; error
    /// answers become the core error.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        build: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Response> {
        let (response, attempts) = self.send_with_retries(method, path, build).await?;
        if is_success(response.status()) {
            return Ok(response);
        }
        let answer = read_error_answer(response).await;
        Err(final_error(AttemptFailure::Answer(answer), attempts))
    }

    /// Like `send`, but an error answer that retrying cannot fix is returned
    /// as it is, for endpoints whose errors are not problem+json (OAuth).
    pub async fn send_raw(
        &self,
        method: Method,
        path: &str,
        build: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<Response> {
        Ok(self.send_with_retries(method, path, build).await?.0)
    }

    /// The retry loop: returns the final answer and how many attempts it took.
    async fn send_with_retries(
        &self,
        method: Method,
        path: &str,
        build: impl Fn(RequestBuilder) -> RequestBuilder,
    ) -> Result<(Response, u32)> {
        let url = self.endpoint.url(path)?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let request = build(self.inner.request(method.clone(), url.clone()));
            let idempotent = is_idempotent(&method, &request);
            let outcome = request.send().await;
            self.connectivity.set(match &outcome {
                Err(e) if e.is_connect() => Connectivity::Offline,
                _ => Connectivity::Online,
            });
            let failure = match outcome {
                Ok(response) if !is_retryable(response.status()) || !idempotent => {
                    return Ok((response, attempt));
                }
                Ok(response) => AttemptFailure::Answer(read_error_answer(response).await),
                Err(e) => AttemptFailure::Transport(transport_error(e)),
            };
            let retry_after = match &failure {
                AttemptFailure::Transport(Error::Offline { .. }) if idempotent => None,
                AttemptFailure::Answer(answer) => answer.retry_after,
                _ => return Err(final_error(failure, attempt)),
            };
            match self.retry.next_delay(attempt, retry_after) {
                Some(delay) => {
                    tracing::debug!(%method, path, attempt, ?delay, "retrying request");
                    tokio::time::sleep(delay).await;
                }
                None => return Err(final_error(failure, attempt)),
            }
        }
    }
}

fn is_success(status: StatusCode) -> bool {
    status.is_success() || status.is_redirection()
}

fn final_error(failure: AttemptFailure, attempts: u32) -> Error {
    match failure {
        AttemptFailure::Transport(error) => error,
        AttemptFailure::Answer(answer) => problem::into_error(
            answer.status.as_u16(),
            answer.problem,
            attempts,
            answer.retry_after,
        ),
    }
}

fn is_retryable(status: StatusCode) -> bool {
    status == StatusCode::SERVICE_UNAVAILABLE || status == StatusCode::TOO_MANY_REQUESTS
}

fn is_idempotent(method: &Method, request: &RequestBuilder) -> bool {
    if matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    ) {
        return true;
    }
    // A POST is safe to repeat only when the platform deduplicates it by key.
    request
        .try_clone()
        .and_then(|r| r.build().ok())
        .is_some_and(|r| r.headers().contains_key("idempotency-key"))
}

fn transport_error(e: reqwest::Error) -> Error {
    let e = e.without_url();
    if e.is_timeout() {
        Error::Timeout
    } else if e.is_connect() {
        Error::Offline {
            reason: "cannot connect to the platform".to_owned(),
        }
    } else {
        Error::Offline {
            reason: format!("connection failed: {e}"),
        }
    }
}

async fn read_error_answer(response: Response) -> ErrorAnswer {
    let status = response.status();
    let retry_after = response
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after);
    let reason = status.canonical_reason().unwrap_or("error");
    let problem = match response.bytes().await {
        Ok(body) => serde_json::from_slice::<Problem>(&body)
            .unwrap_or_else(|_| Problem::from_status(status.as_u16(), reason)),
        Err(_) => Problem::from_status(status.as_u16(), reason),
    };
    ErrorAnswer {
        status,
        retry_after,
        problem,
    }
}

/// Reads a successful answer as JSON; a body we cannot read is a protocol error.
pub(crate) async fn read_json<T: DeserializeOwned>(response: Response) -> Result<T> {
    let body = response.bytes().await.map_err(transport_error)?;
    serde_json::from_slice(&body).map_err(|e| Error::protocol(format!("malformed JSON: {e}")))
}
