//! The one HTTP client of the core: base URL policy, timeouts, JSON,
//! problem+json errors and retries. Every domain goes through `HttpClient`.

mod client;
mod endpoint;
mod problem;
mod retry;

pub use client::HttpClient;
pub(crate) use client::read_json;
pub use endpoint::Endpoint;
pub use problem::Problem;
pub(crate) use problem::problem_error;
pub use retry::RetryPolicy;
pub(crate) use retry::parse_retry_after;
