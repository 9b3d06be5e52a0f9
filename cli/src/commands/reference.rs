//! `bst health`, `bst regions`, `bst departments`.

use banshitong_core::catalog::RegionLevel;

use super::Session;
use crate::output::{print_json, with_spinner};

#[derive(clap::Args)]
pub struct RegionsArgs {
    /// Only the children of this region code (e.g. 530100 for Kunming's counties).
    #[arg(long)]
    parent: Option<String>,
}

#[derive(clap::Args)]
pub struct DepartmentsArgs {
    /// Only the departments of this region code.
    #[arg(long)]
    region: Option<String>,
}

pub async fn health(session: &Session) -> anyhow::Result<()> {
    let client = session.client()?;
    let health = with_spinner("asking the platform", client.health()).await?;
    if session.json {
        return print_json(&health);
    }
    println!("platform {} (version {})", health.status, health.version);
    Ok(())
}

pub async fn regions(session: &Session, args: RegionsArgs) -> anyhow::Result<()> {
    let client = session.client()?;
    let mut regions = with_spinner("fetching regions", client.regions()).await?;
    if let Some(parent) = &args.parent {
        regions.retain(|r| r.parent_code.as_deref() == Some(parent.as_str()));
    }
    if session.json {
        return print_json(&regions);
    }
    for region in &regions {
        let indent = match region.level {
            RegionLevel::Province => "",
            RegionLevel::Prefecture => "  ",
            RegionLevel::County => "    ",
        };
        println!("{}  {indent}{}", region.code, region.name);
    }
    eprintln!("{} regions", regions.len());
    Ok(())
}

pub async fn departments(session: &Session, args: DepartmentsArgs) -> anyhow::Result<()> {
    let client = session.client()?;
    let departments = with_spinner("fetching departments", client.departments(args.region)).await?;
    if session.json {
        return print_json(&departments);
    }
    for department in &departments {
        println!(
            "{:<14} {}  {}",
            department.code, department.region_code, department.name
        );
    }
    eprintln!("{} departments", departments.len());
    Ok(())
}
