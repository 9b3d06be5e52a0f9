//! My applications (办件进度): `bst apps` lists them (synced first unless
//! `--offline`), `bst apps watch` follows them live until Ctrl-C, `bst app
//! NO` shows one with its timeline, deadlines, decision, fee and delivery;
//! `bst app NO supplement FILE…` answers the office's supplement request
//! and `bst app NO withdraw` withdraws it.
//!
//! Every read comes from the personal database, so the list and the detail
//! work offline; a sync or refresh that cannot reach the platform says so
//! and shows what this device holds.

pub mod render;
mod supplement;
mod watch;

use anyhow::anyhow;
use banshitong_core::applications::{
    Application, ApplicationFilter, ApplicationSummary, Applications,
};
use banshitong_core::{Client, Error};
use serde::Serialize;

use super::Session;
use crate::output::{Style, print_json, with_spinner};

#[derive(clap::Args)]
pub struct AppsArgs {
    #[command(subcommand)]
    command: Option<AppsCommand>,
    /// Which applications: all, in-progress (not final yet), needs-action
    /// (the office waits for you) or done (final).
    #[arg(long, value_enum, default_value_t = FilterArg::All, global = true)]
    filter: FilterArg,
    /// List what this device holds without asking the platform.
    #[arg(long)]
    offline: bool,
}

#[derive(clap::Subcommand)]
enum AppsCommand {
    /// Follow your applications live: each change and each notice as it
    /// arrives, and the connection's state, until Ctrl-C.
    Watch,
}

#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq)]
enum FilterArg {
    All,
    InProgress,
    NeedsAction,
    Done,
}

impl From<FilterArg> for ApplicationFilter {
    fn from(filter: FilterArg) -> Self {
        match filter {
            FilterArg::All => ApplicationFilter::All,
            FilterArg::InProgress => ApplicationFilter::InProgress,
            FilterArg::NeedsAction => ApplicationFilter::NeedsAction,
            FilterArg::Done => ApplicationFilter::Done,
        }
    }
}

#[derive(clap::Args)]
pub struct AppArgs {
    /// The application number (办件编号), as `bst apps` lists it.
    application_no: String,
    #[command(subcommand)]
    command: Option<AppCommand>,
    /// Show what this device holds without asking the platform.
    #[arg(long)]
    offline: bool,
}

#[derive(clap::Subcommand)]
enum AppCommand {
    /// Answer the open supplement request (补正): one file per requested
    /// material, in the order `bst app NO` lists them; each is prepared and
    /// uploaded with a progress bar, then the answer is sent once.
    Supplement(supplement::SupplementArgs),
    /// Withdraw the application (撤回) where its status allows it.
    Withdraw(WithdrawArgs),
}

#[derive(clap::Args)]
struct WithdrawArgs {
    /// Why, for the office (optional).
    #[arg(long)]
    reason: Option<String>,
}

/// `bst apps [watch]`.
pub async fn list_or_watch(session: &Session, args: AppsArgs) -> anyhow::Result<()> {
    let client = session.client()?;
    let applications = open_applications(session, &client).await?;
    match args.command {
        Some(AppsCommand::Watch) => watch::run(session, &applications, args.filter.into()).await,
        None => list(session, &applications, args).await,
    }
}

/// `bst app NO [supplement FILE… | withdraw]`.
pub async fn one(session: &Session, args: AppArgs) -> anyhow::Result<()> {
    let client = session.client()?;
    let applications = open_applications(session, &client).await?;
    let no = args.application_no;
    match args.command {
        None => show(session, &applications, &no, args.offline).await,
        Some(AppCommand::Withdraw(withdraw_args)) => {
            withdraw(session, &applications, &no, withdraw_args).await
        }
        Some(AppCommand::Supplement(supplement_args)) => {
            supplement::run(session, &client, &applications, &no, supplement_args).await
        }
    }
}

/// The signed-in user's applications, or why there are none to open.
pub async fn open_applications(session: &Session, client: &Client) -> anyhow::Result<Applications> {
    session.signed_in("applications", client.applications().await)
}

/// An error about application `no`, in words the user can act on.
pub fn about(no: &str, e: Error) -> anyhow::Error {
    match e {
        Error::NotFound { .. } => anyhow!(
            "no application has the number {no} on this device or for this account \
             (`bst apps` lists yours)"
        ),
        Error::Conflict { message } => anyhow!("application {no}: {message}"),
        e if e.is_network() => anyhow::Error::new(e).context("the platform cannot be reached"),
        e => e.into(),
    }
}

// ---------------------------------------------------------------- list

#[derive(Serialize)]
struct ListJson<'a> {
    /// Whether the list was synced with the platform just now.
    synced: bool,
    applications: &'a [ApplicationSummary],
}

async fn list(
    session: &Session,
    applications: &Applications,
    args: AppsArgs,
) -> anyhow::Result<()> {
    let synced = if args.offline {
        false
    } else {
        match with_spinner("syncing your applications", applications.sync()).await {
            Ok(_) => true,
            Err(e) if e.is_network() => false,
            Err(e) => return Err(anyhow::Error::new(e).context("cannot sync the applications")),
        }
    };
    let list = applications.list(args.filter.into()).await?;
    if session.json {
        return print_json(&ListJson {
            synced,
            applications: &list,
        });
    }
    if !synced && !args.offline {
        eprintln!("the platform cannot be reached: showing the applications held on this device");
    }
    if list.is_empty() {
        println!(
            "{}",
            match args.filter {
                FilterArg::All => "no applications on this device",
                FilterArg::InProgress => "no application in progress",
                FilterArg::NeedsAction => "nothing waits for you",
                FilterArg::Done => "no finished application",
            }
        );
        return Ok(());
    }
    for line in render::table(Style::for_stdout(), &list) {
        println!("{line}");
    }
    println!("\none in full with `bst app NO`; live with `bst apps watch`");
    Ok(())
}

// ---------------------------------------------------------------- show

#[derive(Serialize)]
struct ShowJson<'a> {
    /// Whether the platform was asked just now.
    refreshed: bool,
    application: &'a Application,
}

async fn show(
    session: &Session,
    applications: &Applications,
    no: &str,
    offline: bool,
) -> anyhow::Result<()> {
    let (app, refreshed) = if offline {
        (applications.get(no).await, false)
    } else {
        match with_spinner("asking the platform", applications.refresh(no)).await {
            Err(e) if e.is_network() => {
                if !session.json {
                    eprintln!("the platform cannot be reached: showing what this device holds");
                }
                (applications.get(no).await, false)
            }
            other => (other, true),
        }
    };
    let app = app.map_err(|e| about(no, e))?;
    if session.json {
        return print_json(&ShowJson {
            refreshed,
            application: &app,
        });
    }
    for line in render::detail(Style::for_stdout(), &app) {
        println!("{line}");
    }
    Ok(())
}

// ------------------------------------------------------------ withdraw

async fn withdraw(
    session: &Session,
    applications: &Applications,
    no: &str,
    args: WithdrawArgs,
) -> anyhow::Result<()> {
    let reason = args.reason.filter(|r| !r.trim().is_empty());
    let app = with_spinner("withdrawing", applications.withdraw(no, reason))
        .await
        .map_err(|e| match e {
            Error::Conflict { message } => {
                anyhow!("application {no} cannot be withdrawn: {message}")
            }
            e => about(no, e),
        })?;
    if session.json {
        return print_json(&app);
    }
    println!(
        "application {} ({}) is {}",
        app.application_no,
        app.guide_name,
        render::status_text(app.status)
    );
    Ok(())
}
