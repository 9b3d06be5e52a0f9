use std::future::Future;

use tokio::net::TcpListener;

use crate::{ServerConfig, app};

/// Runs the server on `listener` until `shutdown` completes, then stops
/// accepting and waits for in-flight requests to finish.
///
/// The database is opened (and migrated and seeded on first start) before the
/// first request is accepted, so a broken data dir fails here, not later.
pub async fn serve(
    listener: TcpListener,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let (router, _clock, stopping) = app::build(&config).await?;
    let shutdown = async move {
        shutdown.await;
        stopping.cancel();
    };
    run(listener, router, shutdown).await
}

/// The second half of [`serve`], split out so `TestServer` can surface
/// start-up errors to its caller before it spawns the accept loop.
pub(crate) async fn run(
    listener: TcpListener,
    router: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let addr = listener.local_addr()?;
    tracing::info!(%addr, "platform server listening");
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await?;
    tracing::info!(%addr, "platform server stopped");
    Ok(())
}
