//! A panicking handler is a bug, but the client still deserves a problem+json
//! answer with a request id instead of a dropped connection.

use std::any::Any;

use axum::response::{IntoResponse, Response};
use tower_http::catch_panic::CatchPanicLayer;

use crate::problem::Problem;

type PanicHandler = fn(Box<dyn Any + Send + 'static>) -> Response;

pub(crate) fn layer() -> CatchPanicLayer<PanicHandler> {
    CatchPanicLayer::custom(on_panic as PanicHandler)
}

fn on_panic(payload: Box<dyn Any + Send + 'static>) -> Response {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "non-string panic payload".to_owned());
    tracing::error!(panic = %message, "handler panicked");
    Problem::internal().into_response()
}
