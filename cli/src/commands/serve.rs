//! `bst serve`: the reference platform server in the foreground.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use banshitong_server::ServerConfig;
use tracing_subscriber::EnvFilter;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8765")]
    listen: SocketAddr,
    /// Where the server keeps its state (created if missing).
    #[arg(long, default_value = "bst-server-data")]
    data: PathBuf,
    /// Enable development routes (/dev/...): fault injection, request counts, SMS outbox.
    #[arg(long)]
    dev: bool,
    /// How many service guides to generate on first start (e.g. 20000 for benchmarks).
    #[arg(long, default_value_t = ServerConfig::DEFAULT_CATALOG_GUIDES)]
    guides: usize,
}

pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    tracing::info!(
        address = %listener.local_addr()?,
        data = %args.data.display(),
        dev = args.dev,
        "reference platform server listening; Ctrl-C stops it"
    );
    let mut config = ServerConfig::new(args.data, args.dev);
    config.catalog_guides = args.guides;
    banshitong_server::serve(listener, config, async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("Ctrl-C: finishing open requests, then stopping");
    })
    .await
}
