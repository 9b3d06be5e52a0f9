//! A loopback TCP proxy in front of the reference server that can pass
//! traffic, refuse it (as if the network were gone), let requests reach
//! the server and then drop the connection before the answer comes back —
//! the worst case for "did my submission go through?" — or behave like a
//! bad mobile network: add latency and cut connections after a random
//! number of bytes (`Mode::Faulty`, see `Faults`).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::Rng;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Pass,
    /// Connections are closed at once.
    Refuse,
    /// The request reaches the server; its answer is thrown away and the
    /// connection closed.
    DropResponses,
    /// Each new connection carries a random number of bytes towards the
    /// server (see `Faults`) and is then cut, both ways; answers come back
    /// late by the configured latency.
    Faulty,
}

/// How bad the network of `Mode::Faulty` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Faults {
    /// A connection is cut after between this many bytes towards the server…
    pub min_bytes_before_cut: u64,
    /// …and this many.
    pub max_bytes_before_cut: u64,
    /// Added before each piece of an answer goes back, and before a
    /// connection reaches the server.
    pub latency: Duration,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            min_bytes_before_cut: 64 * 1024,
            max_bytes_before_cut: 4 * 1024 * 1024,
            latency: Duration::from_millis(2),
        }
    }
}

struct State {
    mode: Mutex<Mode>,
    faults: Mutex<Faults>,
    cuts: AtomicU64,
    /// Bytes towards the server before the network goes away (`Refuse`).
    offline_after: Mutex<Option<u64>>,
}

pub struct Proxy {
    addr: SocketAddr,
    state: Arc<State>,
}

impl Proxy {
    pub async fn start(target: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(State {
            mode: Mutex::new(Mode::Pass),
            faults: Mutex::new(Faults::default()),
            cuts: AtomicU64::new(0),
            offline_after: Mutex::new(None),
        });
        let current = state.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(handle(client, target, current.clone()));
            }
        });
        Proxy { addr, state }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Applies to new connections and to pooled ones at their next bytes.
    pub fn set(&self, mode: Mode) {
        *self.state.mode.lock().unwrap() = mode;
    }

    /// How `Mode::Faulty` behaves (for connections opened from now on).
    pub fn set_faults(&self, faults: Faults) {
        *self.state.faults.lock().unwrap() = faults;
    }

    /// After `bytes` more bytes towards the server (over all connections)
    /// the network goes away: the connection carrying the last of them is
    /// cut and the mode becomes `Refuse`.
    pub fn go_offline_after(&self, bytes: u64) {
        *self.state.offline_after.lock().unwrap() = Some(bytes);
    }

    /// Connections `Mode::Faulty` has cut so far.
    pub fn cuts(&self) -> u64 {
        self.state.cuts.load(Ordering::SeqCst)
    }
}

async fn handle(client: TcpStream, target: SocketAddr, state: Arc<State>) {
    let now = || *state.mode.lock().unwrap();
    if now() == Mode::Refuse {
        return;
    }
    if now() == Mode::Faulty {
        let latency = state.faults.lock().unwrap().latency;
        tokio::time::sleep(latency).await;
    }
    let Ok(server) = TcpStream::connect(target).await else {
        return;
    };
    let _ = server.set_nodelay(true);
    let _ = client.set_nodelay(true);
    // Bytes this connection may still carry towards the server, drawn when
    // it first carries bytes in `Mode::Faulty`.
    let mut budget: Option<u64> = None;
    let cut = Arc::new(Notify::new());
    let (mut from_server, mut to_server) = server.into_split();
    let (mut from_client, mut to_client) = client.into_split();
    let upstream_state = state.clone();
    let upstream_cut = cut.clone();
    let upstream = tokio::spawn(async move {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = match from_client.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            // No network: the request never leaves the phone.
            if *upstream_state.mode.lock().unwrap() == Mode::Refuse {
                return;
            }
            let mode = *upstream_state.mode.lock().unwrap();
            if mode == Mode::Faulty && budget.is_none() {
                let faults = *upstream_state.faults.lock().unwrap();
                budget = Some(
                    rand::rng()
                        .random_range(faults.min_bytes_before_cut..=faults.max_bytes_before_cut),
                );
            }
            let mut left = budget.unwrap_or(u64::MAX);
            // The network going away cuts this connection at its last byte.
            let mut going_offline = false;
            {
                let mut offline_after = upstream_state.offline_after.lock().unwrap();
                if let Some(remaining) = *offline_after {
                    going_offline = remaining <= n as u64;
                    left = left.min(remaining);
                    *offline_after = (!going_offline).then(|| remaining - n as u64);
                }
            }
            if going_offline {
                *upstream_state.mode.lock().unwrap() = Mode::Refuse;
            }
            let pass = (n as u64).min(left) as usize;
            if to_server.write_all(&buf[..pass]).await.is_err() {
                return;
            }
            if going_offline {
                upstream_cut.notify_one();
                return;
            }
            budget = budget.map(|b| b - pass as u64);
            if pass < n {
                upstream_state.cuts.fetch_add(1, Ordering::SeqCst);
                upstream_cut.notify_one();
                return;
            }
        }
    });
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = tokio::select! {
            read = from_server.read(&mut buf) => match read {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            },
            () = cut.notified() => break,
        };
        // The server has answered (so it processed the request); in these
        // modes the answer is lost on the way back.
        let mode = now();
        if mode != Mode::Pass && mode != Mode::Faulty {
            break;
        }
        if mode == Mode::Faulty {
            let latency = state.faults.lock().unwrap().latency;
            tokio::time::sleep(latency).await;
        }
        if to_client.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    upstream.abort();
}
