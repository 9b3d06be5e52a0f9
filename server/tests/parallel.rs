//! Many servers at once, as parallel tests and the demo need.

mod common;

use banshitong_server::{ServerConfig, TestServer, serve};
use common::client;
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_servers_run_side_by_side() {
    let mut servers = Vec::new();
    for i in 0..6 {
        servers.push(TestServer::start_in_temp_dir(i % 2 == 0).await.unwrap());
    }
    let ports: std::collections::HashSet<u16> = servers.iter().map(|s| s.addr().port()).collect();
    assert_eq!(ports.len(), servers.len());

    let checks = servers.iter().map(|server| {
        let url = format!("{}/api/v1/regions?parent=530100", server.base_url());
        async move { client().get(url).send().await.unwrap().status() }
    });
    for status in futures_join_all(checks).await {
        assert_eq!(status, StatusCode::OK);
    }
    for server in servers {
        server.shutdown().await;
    }
}

#[tokio::test]
async fn dropping_a_server_stops_it() {
    let server = TestServer::start_in_temp_dir(false).await.unwrap();
    let url = format!("{}/api/v1/health", server.base_url());
    assert_eq!(
        client().get(&url).send().await.unwrap().status(),
        StatusCode::OK
    );
    drop(server);
    // The stop signal is sent on drop; give the accept loop a moment to end.
    let mut refused = false;
    for _ in 0..50 {
        if client().get(&url).send().await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(refused, "server still answering after drop");
}

#[tokio::test]
async fn serve_stops_when_its_shutdown_future_completes() {
    let data = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let config = ServerConfig::new(data.path(), false);
    let task = tokio::spawn(serve(listener, config, async move {
        let _ = stopped.await;
    }));

    let url = format!("http://{addr}/api/v1/health");
    let mut answered = false;
    for _ in 0..100 {
        if let Ok(response) = client().get(&url).send().await {
            assert_eq!(response.status(), StatusCode::OK);
            answered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(answered);
    stop.send(()).unwrap();
    task.await.unwrap().unwrap();
}

/// Runs futures concurrently without pulling in the futures crate.
async fn futures_join_all<F: std::future::Future + Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut outputs = Vec::new();
    for handle in handles {
        outputs.push(handle.await.unwrap());
    }
    outputs
}
