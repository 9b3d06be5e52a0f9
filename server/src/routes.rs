//! The one table of routes. The router is folded from it and the contract
//! test compares it with `openapi.yaml`, so a route can't be served without
//! being specified, or specified without being served.

use std::collections::BTreeMap;

use axum::Router;
use axum::handler::Handler;
use axum::http::{HeaderValue, Method, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, on};

use crate::problem::{Problem, ProblemKind};
use crate::state::AppState;
use crate::{api, auth, dev};

/// One served operation.
pub(crate) struct Route {
    method: Method,
    path: &'static str,
    dev_only: bool,
    handler: MethodRouter<AppState>,
}

impl Route {
    fn new<H, T>(method: Method, path: &'static str, handler: H) -> Route
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        // Building the method router from the same `method` the table records
        // keeps the two from disagreeing. Every method used below is one of
        // the nine standard ones, which all have a filter.
        let filter = MethodFilter::try_from(method.clone())
            .unwrap_or_else(|_| unreachable!("non-standard method {method} in the route table"));
        Route {
            method,
            path,
            dev_only: false,
            handler: on(filter, handler),
        }
    }

    fn dev_only(mut self) -> Route {
        self.dev_only = true;
        self
    }
}

/// Every route of the server; the dev-only ones are flagged.
fn all_routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, "/api/v1/health", api::health::get),
        Route::new(Method::GET, "/api/v1/regions", api::regions::list),
        Route::new(Method::GET, "/api/v1/departments", api::departments::list),
        Route::new(
            Method::GET,
            "/api/v1/catalog/items/{code}",
            api::catalog::get_item,
        ),
        Route::new(
            Method::GET,
            "/api/v1/catalog/changes",
            api::catalog::changes,
        ),
        Route::new(
            Method::GET,
            "/api/v1/catalog/snapshot",
            api::catalog_snapshot::get,
        ),
        Route::new(
            Method::POST,
            "/api/v1/auth/sms-code",
            api::auth::send_sms_code,
        ),
        Route::new(
            Method::POST,
            "/api/v1/auth/token",
            auth::token_endpoint::token,
        ),
        Route::new(Method::POST, "/api/v1/auth/logout", api::auth::logout),
        Route::new(Method::GET, "/oauth/authorize", auth::authorize::authorize),
        Route::new(Method::GET, "/api/v1/me", api::me::get),
        Route::new(Method::GET, "/api/v1/me/prefill", api::prefill::get),
        Route::new(Method::POST, "/api/v1/me/verification", api::me::verify),
        Route::new(Method::POST, "/api/v1/me/companies", api::me::add_company),
        Route::new(Method::POST, "/api/v1/me/acting-as", api::me::set_acting_as),
        Route::new(Method::PUT, "/api/v1/me/password", api::me::set_password),
        Route::new(Method::GET, "/api/v1/forms/{schema_id}", api::forms::get),
        Route::new(
            Method::POST,
            "/api/v1/applications",
            api::applications::submit,
        ),
        Route::new(
            Method::GET,
            "/api/v1/applications/changes",
            api::application_changes::changes,
        ),
        Route::new(
            Method::GET,
            "/api/v1/applications/{application_no}",
            api::applications::get,
        ),
        Route::new(
            Method::POST,
            "/api/v1/applications/{application_no}/withdraw",
            api::application_actions::withdraw,
        ),
        Route::new(
            Method::POST,
            "/api/v1/applications/{application_no}/supplement",
            api::application_actions::supplement,
        ),
        Route::new(Method::GET, "/api/v1/events", api::events::stream),
        Route::new(Method::GET, "/api/v1/drafts", api::drafts::list),
        Route::new(Method::GET, "/api/v1/drafts/{id}", api::drafts::get),
        Route::new(Method::PUT, "/api/v1/drafts/{id}", api::drafts::put),
        Route::new(Method::DELETE, "/api/v1/drafts/{id}", api::drafts::delete),
        Route::new(Method::GET, "/api/v1/me/licences", api::licences::list),
        Route::new(
            Method::POST,
            "/api/v1/licences/{id}/presentations",
            api::licences::present,
        ),
        Route::new(Method::GET, "/api/v1/trust/issuers", api::trust::issuers),
        Route::new(
            Method::GET,
            "/api/v1/trust/status-lists/{id}",
            api::trust::status_list,
        ),
        Route::new(Method::POST, "/api/v1/devices", api::devices::register),
        Route::new(Method::POST, "/api/v1/verify", api::verify::check),
        Route::new(Method::OPTIONS, "/api/v1/uploads/", api::uploads::options),
        Route::new(Method::POST, "/api/v1/uploads/", api::uploads::create),
        Route::new(Method::HEAD, "/api/v1/uploads/{id}", api::uploads::head),
        Route::new(Method::PATCH, "/api/v1/uploads/{id}", api::uploads::patch),
        Route::new(Method::DELETE, "/api/v1/uploads/{id}", api::uploads::delete),
        Route::new(Method::GET, "/api/v1/materials", api::materials::list),
        Route::new(
            Method::GET,
            "/api/v1/materials/by-sha256/{sha256}",
            api::materials::by_sha256,
        ),
        Route::new(
            Method::GET,
            "/api/v1/materials/{id}/content",
            api::materials::content,
        ),
        Route::new(Method::POST, "/dev/faults", dev::routes::add_fault).dev_only(),
        Route::new(Method::DELETE, "/dev/faults", dev::routes::clear_faults).dev_only(),
        Route::new(Method::GET, "/dev/requests", dev::routes::count_requests).dev_only(),
        Route::new(Method::GET, "/dev/sms-outbox", dev::auth::sms_outbox).dev_only(),
        Route::new(Method::GET, "/dev/auth-stats", dev::auth::auth_stats).dev_only(),
        Route::new(
            Method::POST,
            "/dev/auth/expire-access-tokens",
            dev::auth::expire_access_tokens,
        )
        .dev_only(),
        Route::new(Method::POST, "/dev/catalog/mutate", dev::catalog::mutate).dev_only(),
        Route::new(Method::POST, "/dev/catalog/compact", dev::catalog::compact).dev_only(),
        Route::new(Method::GET, "/dev/applications", dev::applications::list).dev_only(),
        Route::new(
            Method::POST,
            "/dev/applications/{application_no}/advance",
            dev::applications::advance,
        )
        .dev_only(),
        Route::new(
            Method::POST,
            "/dev/applications/{application_no}/archive",
            dev::applications::archive,
        )
        .dev_only(),
        Route::new(
            Method::POST,
            "/dev/applications/compact",
            dev::applications::compact,
        )
        .dev_only(),
        Route::new(
            Method::POST,
            "/dev/applications/seed",
            dev::application_seed::seed,
        )
        .dev_only(),
        Route::new(
            Method::GET,
            "/dev/push-outbox",
            dev::applications::push_outbox,
        )
        .dev_only(),
        Route::new(Method::GET, "/dev/uploads", dev::uploads::list).dev_only(),
        Route::new(Method::POST, "/dev/uploads/expire", dev::uploads::expire).dev_only(),
        Route::new(
            Method::POST,
            "/dev/licences/{id}/revoke",
            dev::licences::revoke,
        )
        .dev_only(),
    ]
}

/// The routes a server serves: dev-only ones only when `dev` is set, so
/// without it they fall through to the 404 fallback like any unknown path.
pub(crate) fn api_routes(dev: bool) -> Vec<Route> {
    all_routes()
        .into_iter()
        .filter(|route| dev || !route.dev_only)
        .collect()
}

/// A route's identity, without its handler: what the contract test and
/// tooling need.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RouteInfo {
    /// Upper-case HTTP method, e.g. `GET`.
    pub method: &'static str,
    /// Path template in OpenAPI (and axum 0.8) syntax, e.g. `/api/v1/regions`.
    pub path: &'static str,
    /// Served only when [`crate::ServerConfig::dev`] is set.
    pub dev_only: bool,
}

/// Every route the server can serve (dev-only ones included and flagged).
pub fn route_table() -> Vec<RouteInfo> {
    all_routes()
        .into_iter()
        .map(|route| RouteInfo {
            method: route.method_name(),
            path: route.path,
            dev_only: route.dev_only,
        })
        .collect()
}

impl Route {
    fn method_name(&self) -> &'static str {
        match self.method {
            Method::GET => "GET",
            Method::POST => "POST",
            Method::PUT => "PUT",
            Method::PATCH => "PATCH",
            Method::DELETE => "DELETE",
            Method::HEAD => "HEAD",
            Method::OPTIONS => "OPTIONS",
            Method::TRACE => "TRACE",
            Method::CONNECT => "CONNECT",
            // `Route::new` only accepts methods that have a filter, which are
            // exactly the ones above.
            _ => unreachable!("non-standard method in the route table"),
        }
    }
}

/// Folds routes into a router: one method router per path, whose fallback
/// answers 405 problem+json with the `Allow` header listing what the path
/// does accept.
pub(crate) fn fold(routes: Vec<Route>) -> Router<AppState> {
    let mut by_path: BTreeMap<&'static str, (Vec<&'static str>, MethodRouter<AppState>)> =
        BTreeMap::new();
    for route in routes {
        let method = route.method_name();
        let (methods, router) = by_path
            .entry(route.path)
            .or_insert_with(|| (Vec::new(), MethodRouter::new()));
        methods.push(method);
        // axum also answers HEAD wherever GET is routed.
        if method == "GET" {
            methods.push("HEAD");
        }
        let merged = std::mem::replace(router, MethodRouter::new()).merge(route.handler);
        *router = merged;
    }

    by_path
        .into_iter()
        .fold(Router::new(), |app, (path, (methods, router))| {
            let allow = methods.join(", ");
            app.route(
                path,
                router.fallback(move |method: Method, uri: Uri| async move {
                    method_not_allowed(&method, &uri, &allow)
                }),
            )
        })
}

fn method_not_allowed(method: &Method, uri: &Uri, allow: &str) -> Response {
    let problem = Problem::new(
        ProblemKind::MethodNotAllowed,
        format!(
            "{} does not accept {method}; it accepts {allow}.",
            uri.path()
        ),
    );
    let mut response = problem.into_response();
    if let Ok(value) = HeaderValue::from_str(allow) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}
