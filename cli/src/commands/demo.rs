//! `bst demo`: the citizen journey, narrated, against an embedded reference
//! server on a free loopback port with a throw-away data folder. Each issue
//! that adds a capability adds its steps here.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, ensure};
use banshitong_core::catalog::RegionLevel;
use banshitong_core::platform::MemorySecretStore;
use banshitong_core::{Client, ClientConfig};
use banshitong_server::TestServer;

use crate::output::with_spinner;

struct Narrator {
    step: u32,
    started: Instant,
}

impl Narrator {
    fn step(&mut self, title: &str) {
        self.step += 1;
        println!("\n[{}] {title}", self.step);
    }

    fn say(&self, line: impl AsRef<str>) {
        println!("    {}", line.as_ref());
    }
}

pub async fn run() -> anyhow::Result<()> {
    let mut n = Narrator {
        step: 0,
        started: Instant::now(),
    };
    println!("办事通 demo: the citizen journey against an embedded reference platform");

    n.step("Start the reference platform on a free loopback port");
    let server = TestServer::start_in_temp_dir(true)
        .await
        .context("the embedded server did not start")?;
    n.say(format!("listening at {}", server.base_url()));

    let data = tempfile::tempdir().context("no temporary folder for the client")?;
    // The demo is throw-away: secrets in memory, so nothing lingers in the OS keystore.
    let client = Client::new(
        ClientConfig::new(server.base_url(), data.path()),
        Arc::new(MemorySecretStore::new()),
    )?;

    n.step("Check the platform is up");
    let health = client.health().await?;
    n.say(format!(
        "platform {} (version {})",
        health.status, health.version
    ));

    n.step("Fetch Yunnan's administrative divisions (GB/T 2260)");
    let regions = with_spinner("fetching regions", client.regions()).await?;
    let count = |level| regions.iter().filter(|r| r.level == level).count();
    n.say(format!(
        "{} regions: {} province, {} prefectures, {} counties",
        regions.len(),
        count(RegionLevel::Province),
        count(RegionLevel::Prefecture),
        count(RegionLevel::County)
    ));
    let prefectures: Vec<&str> = regions
        .iter()
        .filter(|r| r.level == RegionLevel::Prefecture)
        .map(|r| r.name.as_str())
        .take(6)
        .collect();
    n.say(format!("prefectures: {} ...", prefectures.join("、")));

    n.step("Fetch the departments that handle service items");
    let departments = client.departments(None).await?;
    let kunming = client.departments(Some("530100".into())).await?;
    n.say(format!("{} departments; in 昆明市:", departments.len()));
    for department in kunming.iter().take(4) {
        n.say(format!("  {}", department.name));
    }

    n.step("Lose the network: stop the platform, read from the offline cache");
    server.shutdown().await;
    let offline = client.regions().await.context("offline read failed")?;
    ensure!(
        offline == regions,
        "the offline copy differs from what was fetched"
    );
    n.say(format!(
        "{} regions still readable with no platform",
        offline.len()
    ));
    match client.health().await {
        Err(e) if e.is_network() => n.say(format!("live calls say so clearly: {e}")),
        other => anyhow::bail!("expected an offline error, got {other:?}"),
    }

    println!(
        "\ndemo finished in {:.1} s",
        n.started.elapsed().as_secs_f64()
    );
    Ok(())
}
