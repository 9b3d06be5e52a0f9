//! Assembles one server: open the state, fold the route table into a router,
//! wrap it in the middleware stack.

use axum::Router;
use axum::http::{Method, Uri};
use tokio_util::sync::CancellationToken;

use crate::clock::Clock;
use crate::problem::{Problem, ProblemKind};
use crate::state::AppState;
use crate::{ServerConfig, dev, middleware, routes};

/// Opens the database under `config.data_dir` and builds the router. The
/// clock is returned too, so a `TestServer` can move the server's time, and
/// the token to cancel when shutting down, which ends the open event
/// streams (a graceful shutdown would otherwise wait for them forever).
pub(crate) async fn build(
    config: &ServerConfig,
) -> anyhow::Result<(Router, Clock, CancellationToken)> {
    let stopping = CancellationToken::new();
    let state = AppState::open(config, stopping.clone()).await?;
    let clock = state.clock.clone();
    Ok((router(state, config.dev), clock, stopping))
}

fn router(state: AppState, dev: bool) -> Router {
    let router = routes::fold(routes::api_routes(dev)).fallback(no_route);

    // `Router::layer` wraps the routes and the fallback; the layer added last
    // runs first. Requests are counted before faults are injected so a test
    // sees every attempt its client made, including the failed ones.
    let router = if dev {
        router
            .layer(axum::middleware::from_fn_with_state(
                state.dev.faults.clone(),
                dev::faults::inject,
            ))
            .layer(axum::middleware::from_fn_with_state(
                state.dev.requests.clone(),
                dev::request_log::record,
            ))
    } else {
        router
    };

    let router = router
        .layer(middleware::catch_panic::layer())
        .layer(axum::middleware::from_fn(middleware::access_log::log))
        .with_state(state);
    // A layer on a router runs after its routing; the method override must
    // run before, so it wraps the finished router as a fallback service.
    Router::new()
        .fallback_service(router)
        .layer(axum::middleware::from_fn(
            middleware::method_override::apply,
        ))
}

/// The router's fallback: no route has this path.
async fn no_route(method: Method, uri: Uri) -> Problem {
    Problem::new(
        ProblemKind::NotFound,
        format!("No route for {method} {}.", uri.path()),
    )
}
