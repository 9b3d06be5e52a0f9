use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::time::Duration;

use tempfile::TempDir;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::{ServerConfig, app, serve};

/// A server on a free loopback port, for tests and the demo.
///
/// Each instance has its own port and data dir, so any number can run in
/// parallel. It runs on the tokio runtime that called [`TestServer::start`];
/// dropping it asks the server to stop without waiting, while
/// [`TestServer::shutdown`] waits until it has stopped.
#[derive(Debug)]
pub struct TestServer {
    addr: SocketAddr,
    data_dir: std::path::PathBuf,
    clock: Clock,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
    // Declared last so the directory outlives the server task's last request
    // as far as drop order allows.
    _temp_dir: Option<TempDir>,
}

impl TestServer {
    /// Opens the data dir, binds `127.0.0.1:0` and starts serving.
    ///
    /// Errors (unusable data dir, failed migration) are returned here rather
    /// than logged by a background task, so a test fails at its cause.
    pub async fn start(config: ServerConfig) -> anyhow::Result<TestServer> {
        Self::start_with(config, None).await
    }

    /// Like [`TestServer::start`] with a fresh temporary data dir that is
    /// deleted when the server is dropped.
    pub async fn start_in_temp_dir(dev: bool) -> anyhow::Result<TestServer> {
        let temp_dir = tempfile::Builder::new()
            .prefix("banshitong-server-")
            .tempdir()?;
        let config = ServerConfig::new(temp_dir.path(), dev);
        Self::start_with(config, Some(temp_dir)).await
    }

    async fn start_with(
        config: ServerConfig,
        temp_dir: Option<TempDir>,
    ) -> anyhow::Result<TestServer> {
        let (router, clock, stopping) = app::build(&config).await?;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        // A dropped sender also means "stop", hence the result is ignored.
        let shutdown = async move {
            let _ = stopped.await;
            stopping.cancel();
        };
        let task = tokio::spawn(serve::run(listener, router, shutdown));
        Ok(TestServer {
            addr,
            data_dir: config.data_dir,
            clock,
            stop: Some(stop),
            task: Some(task),
            _temp_dir: temp_dir,
        })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash; the API is under
    /// `/api/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The loopback address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The directory holding `platform.db`.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Moves this server's clock forward by `by`. Every expiry the server
    /// enforces (SMS codes and their resend interval, password backoff and
    /// lockout, authorization codes, access and refresh tokens, presentation
    /// tokens, status list signatures) follows this
    /// clock, so a test can cross one without sleeping. Time never goes back.
    pub fn advance_clock(&self, by: Duration) {
        self.clock.advance(by);
    }

    /// Stops this server's clock: from now on it moves only by
    /// [`TestServer::advance_clock`], so a test that checks a window of
    /// seconds (password backoff, `Retry-After` values) can't be thrown off
    /// by a slow machine.
    pub fn pause_clock(&self) {
        self.clock.pause();
    }

    /// Stops accepting, lets in-flight requests finish and waits for the
    /// server to stop. A server error is logged, not returned: callers stop
    /// servers in cleanup paths where there is nothing left to do with it.
    pub async fn shutdown(mut self) {
        self.signal_stop();
        if let Some(task) = self.task.take() {
            match task.await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => tracing::error!(%error, "test server failed"),
                Err(error) => tracing::error!(%error, "test server task failed"),
            }
        }
    }

    fn signal_stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            // The server may already have stopped; then nobody listens.
            let _ = stop.send(());
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.signal_stop();
    }
}
