//! The outermost layer: gives the request its id, logs one line per request
//! and puts the id on the response.
//!
//! Only method, path, status, latency and id are logged. Bodies and query
//! strings are not: they can carry a citizen's personal data.

use std::time::Instant;

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use super::request_id;

pub(crate) async fn log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request_id::for_request(request.headers());
    let method = request.method().clone();
    let path = request.uri().path().to_owned();

    let span = tracing::info_span!("request", request_id = %id);
    let mut response = request_id::scope(id.clone(), next.run(request))
        .instrument(span)
        .await;

    let status = response.status().as_u16();
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    tracing::info!(%method, %path, status, latency_ms, request_id = %id, "request handled");

    // The id passed `is_sane` or is a uuid, so it is always a valid value.
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(request_id::HEADER, value);
    }
    response
}
