//! `X-HTTP-Method-Override` on the tus endpoint: tus 1.0.0 says the server
//! MUST take the header's method instead of the request's, for clients
//! whose platform can't send PATCH or DELETE. It has to act before routing,
//! so this wraps the whole router; elsewhere the header is ignored.

use axum::extract::Request;
use axum::http::{HeaderName, Method};
use axum::middleware::Next;
use axum::response::Response;

const HEADER: HeaderName = HeaderName::from_static("x-http-method-override");
const TUS_PREFIX: &str = "/api/v1/uploads/";

pub(crate) async fn apply(mut request: Request, next: Next) -> Response {
    if request.uri().path().starts_with(TUS_PREFIX) {
        let method = request
            .headers()
            .get(&HEADER)
            .and_then(|value| value.to_str().ok())
            .and_then(|name| Method::from_bytes(name.trim().to_ascii_uppercase().as_bytes()).ok());
        if let Some(method) = method {
            *request.method_mut() = method;
        }
    }
    next.run(request).await
}
