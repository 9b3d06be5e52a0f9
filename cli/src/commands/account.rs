//! `bst login`, `bst whoami`, `bst logout`.

use std::io::{BufRead, Write};

use anyhow::{Context, bail};
use banshitong_core::auth::{Profile, SessionState};
use banshitong_core::{Client, Error};

use super::Session;
use crate::output::{print_json, with_spinner};

#[derive(clap::Args)]
pub struct LoginArgs {
    /// The mobile number (11 digits).
    #[arg(long)]
    phone: String,
    /// Sign in with a password (read from BST_PASSWORD, else from standard input)
    /// instead of an SMS code.
    #[arg(long)]
    password: bool,
    /// The SMS code, if you already have it. Without it, a code is sent and
    /// read from the server's development outbox (a `--dev` server), or asked for.
    #[arg(long)]
    code: Option<String>,
}

#[derive(clap::Args)]
pub struct LogoutArgs {
    /// Also delete this account's local data (its encrypted database and key).
    #[arg(long)]
    wipe: bool,
}

pub async fn login(session: &Session, args: LoginArgs) -> anyhow::Result<()> {
    let client = session.client()?;
    let auth = client.auth();
    let profile = if args.password {
        let password = match std::env::var("BST_PASSWORD") {
            Ok(password) => password,
            Err(_) => prompt("password: ")?,
        };
        with_spinner(
            "signing in",
            auth.sign_in_with_password(&args.phone, &password),
        )
        .await?
    } else {
        let code = match args.code {
            Some(code) => code,
            None => {
                with_spinner("sending the code", auth.send_sms_code(&args.phone)).await?;
                match dev_outbox_code(&session.api, &args.phone).await {
                    Some(code) => {
                        eprintln!("code read from the development server's SMS outbox");
                        code
                    }
                    None => prompt("SMS code: ")?,
                }
            }
        };
        with_spinner("signing in", auth.sign_in_with_sms(&args.phone, &code)).await?
    };
    show_profile(session, &profile)
}

pub async fn whoami(session: &Session) -> anyhow::Result<()> {
    let client = session.client()?;
    match client.auth().state() {
        SessionState::SignedOut => bail!("not signed in (bst login --phone ...)"),
        SessionState::Expired { reason } => bail!("the session expired ({reason}); sign in again"),
        SessionState::SignedIn { .. } => {}
    }
    let profile = fresh_or_cached(&client).await?;
    show_profile(session, &profile)
}

pub async fn logout(session: &Session, args: LogoutArgs) -> anyhow::Result<()> {
    let client = session.client()?;
    client.auth().sign_out(args.wipe).await?;
    if args.wipe {
        println!("signed out; this account's local data was deleted");
    } else {
        println!("signed out; local data kept (encrypted) for the next sign-in");
    }
    Ok(())
}

async fn fresh_or_cached(client: &Client) -> anyhow::Result<Profile> {
    match client.auth().profile().await {
        Ok(profile) => Ok(profile),
        Err(Error::SessionExpired { reason }) => {
            bail!("the session expired ({reason}); sign in again")
        }
        Err(e) => Err(e.into()),
    }
}

fn show_profile(session: &Session, profile: &Profile) -> anyhow::Result<()> {
    if session.json {
        return print_json(profile);
    }
    println!("user      {}", profile.user_id);
    println!("phone     {}", profile.phone);
    println!("tier      {:?}", profile.tier);
    if let Some(name) = &profile.name {
        println!("name      {name}");
    }
    if let Some(id) = &profile.id_number {
        println!("id        {id}");
    }
    for company in &profile.companies {
        println!("company   {} {}", company.uscc, company.name);
    }
    if let Some(company) = &profile.acting_as {
        println!("acting as {}", company.name);
    }
    Ok(())
}

/// The newest code from a development server's SMS outbox, if the server has one.
pub async fn dev_outbox_code(api: &str, phone: &str) -> Option<String> {
    let url = format!("{}/dev/sms-outbox", api.trim_end_matches('/'));
    let response = reqwest::Client::new()
        .get(url)
        .query(&[("phone", phone)])
        .send()
        .await
        .ok()?;
    if !response.status().is_success() {
        return None;
    }
    let body: serde_json::Value = response.json().await.ok()?;
    body["messages"]
        .as_array()?
        .last()?
        .get("code")?
        .as_str()
        .map(str::to_owned)
}

fn prompt(label: &str) -> anyhow::Result<String> {
    eprint!("{label}");
    std::io::stderr().flush().ok();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("could not read the answer")?;
    let answer = line.trim().to_owned();
    if answer.is_empty() {
        bail!("no answer given");
    }
    Ok(answer)
}
