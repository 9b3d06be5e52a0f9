//! A loopback TCP proxy in front of the reference server that can pass
//! traffic, refuse it (as if the network were gone), or let requests reach
//! the server and then drop the connection before the answer comes back —
//! the worst case for "did my submission go through?".

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Pass,
    /// Connections are closed at once.
    Refuse,
    /// The request reaches the server; its answer is thrown away and the
    /// connection closed.
    DropResponses,
}

pub struct Proxy {
    addr: SocketAddr,
    mode: Arc<Mutex<Mode>>,
}

impl Proxy {
    pub async fn start(target: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mode = Arc::new(Mutex::new(Mode::Pass));
        let current = mode.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(handle(client, target, current.clone()));
            }
        });
        Proxy { addr, mode }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Applies to new connections and to pooled ones at their next bytes.
    pub fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }
}

async fn handle(client: TcpStream, target: SocketAddr, mode: Arc<Mutex<Mode>>) {
    let now = || *mode.lock().unwrap();
    if now() == Mode::Refuse {
        return;
    }
    let Ok(server) = TcpStream::connect(target).await else {
        return;
    };
    let (mut from_server, mut to_server) = server.into_split();
    let (mut from_client, mut to_client) = client.into_split();
    let upstream_mode = mode.clone();
    let upstream = tokio::spawn(async move {
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = match from_client.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            // No network: the request never leaves the phone.
            if *upstream_mode.lock().unwrap() == Mode::Refuse {
                return;
            }
            if to_server.write_all(&buf[..n]).await.is_err() {
                return;
            }
        }
    });
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from_server.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        // The server has answered (so it processed the request); in these
        // modes the answer is lost on the way back.
        if now() != Mode::Pass {
            break;
        }
        if to_client.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    upstream.abort();
}
