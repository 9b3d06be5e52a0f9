//! The reference platform server of Banshitong (一部手机办事通).
//!
//! The app's core talks to this server in development, in tests and in the
//! demo, so it is the executable form of the API contract in
//! `server/openapi.yaml`. It is deliberately small: axum on tokio, state in one
//! SQLite file under the data dir, every error as RFC 9457 problem+json.
//!
//! Entry points:
//! - [`serve`] runs the server on a listener until a shutdown future completes
//!   (the `bst serve` command uses it);
//! - [`TestServer`] runs one on a loopback port for a test or the demo;
//! - [`openapi_spec`] and [`route_table`] expose the contract and the routes
//!   actually served, so a test can prove they agree.

mod api;
mod app;
mod applications;
mod auth;
mod catalog;
mod clock;
mod config;
mod db;
mod dev;
mod devices;
mod etag;
mod extract;
mod feed_cursor;
mod forms;
mod licences;
mod materials;
mod middleware;
mod problem;
mod routes;
mod seed;
mod serve;
mod state;
mod test_server;
mod trust;
mod uploads;

pub use config::ServerConfig;
pub use routes::{RouteInfo, route_table};
pub use serve::serve;
pub use test_server::TestServer;

/// The OpenAPI 3.1 document describing every route this server answers.
pub fn openapi_spec() -> &'static str {
    include_str!("../openapi.yaml")
}
