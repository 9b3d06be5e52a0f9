//! `bst`: the headless Banshitong client, and the reference server's launcher.

mod commands;
mod output;
mod secrets;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "bst",
    version,
    about = "Banshitong (一部手机办事通) headless client"
)]
struct Cli {
    /// The platform's base URL (http:// only for loopback hosts).
    #[arg(
        long,
        global = true,
        env = "BST_API",
        default_value = "http://127.0.0.1:8765"
    )]
    api: String,

    /// Where the client keeps its databases.
    #[arg(long, global = true, env = "BST_DATA")]
    data: Option<PathBuf>,

    /// Where secrets (database keys, tokens) are kept: the OS keystore, memory only,
    /// or an unprotected file in the data folder (tests).
    #[arg(long, global = true, env = "BST_SECRET_STORE", value_enum, default_value_t = secrets::SecretStoreChoice::Keyring)]
    secret_store: secrets::SecretStoreChoice,

    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the reference platform server.
    Serve(commands::serve::ServeArgs),
    /// Run the whole citizen journey against an embedded reference server.
    Demo,
    /// Sign in by SMS code (or --password); the session is kept in the secret store.
    Login(commands::account::LoginArgs),
    /// Show the signed-in account (masked).
    Whoami,
    /// Sign out; --wipe also deletes this account's local data.
    Logout(commands::account::LogoutArgs),
    /// Ask the platform whether it is up.
    Health,
    /// List Yunnan's administrative divisions (cached for offline use).
    Regions(commands::reference::RegionsArgs),
    /// List the departments that handle service items (cached for offline use).
    Departments(commands::reference::DepartmentsArgs),
    /// The offline service-guide catalog (办事指南): sync, search, show, browse.
    Guides(commands::guides::GuidesArgs),
    /// Application drafts (申请草稿): new, set, attach, show, submit, list, sync, delete.
    #[command(alias = "drafts")]
    Draft(commands::drafts::DraftArgs),
    /// Add a material (申请材料): prepare a photo or PDF and upload it with a
    /// progress bar (Ctrl-C pauses; --resume goes on).
    Upload(commands::materials::upload::UploadArgs),
    /// The upload queue on this device: list, pause, resume, cancel, clear.
    Uploads(commands::materials::queue::UploadsArgs),
    /// What can be attached without uploading: your materials and the licences issued to you.
    Materials,
    /// Your electronic licences (电子证照), with expiry and revocation.
    Licences(commands::licences::LicencesArgs),
    /// One licence: show it, or draw a presentation QR code (--qr).
    Licence(commands::licences::show::LicenceArgs),
    /// Check a shown licence QR code (its text, or --png FILE) as a verifier.
    Verify(commands::licences::verify::VerifyArgs),
    /// Your applications (办件进度): a table synced first (--offline: as held
    /// here); `bst apps watch` follows them live.
    Apps(commands::apps::AppsArgs),
    /// One application: timeline, deadlines, decision, fee, delivery; `supplement
    /// FILE…` answers a supplement request, `withdraw` withdraws it.
    App(commands::apps::AppArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        // Ctrl-C, handled cleanly; the command has said what happens next.
        Err(e) if e.is::<commands::Interrupted>() => ExitCode::from(130),
        // The verdict said why already.
        Err(e) if e.is::<commands::licences::verify::Refused>() => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let session = commands::Session {
        api: cli.api,
        data: cli.data,
        secret_store: cli.secret_store,
        json: cli.json,
    };
    match cli.command {
        Command::Serve(args) => commands::serve::run(args).await,
        Command::Demo => commands::demo::run().await,
        Command::Login(args) => commands::account::login(&session, args).await,
        Command::Whoami => commands::account::whoami(&session).await,
        Command::Logout(args) => commands::account::logout(&session, args).await,
        Command::Health => commands::reference::health(&session).await,
        Command::Regions(args) => commands::reference::regions(&session, args).await,
        Command::Departments(args) => commands::reference::departments(&session, args).await,
        Command::Guides(args) => commands::guides::run(&session, args).await,
        Command::Draft(args) => commands::drafts::run(&session, args).await,
        Command::Upload(args) => {
            let client = session.client()?;
            let materials = commands::materials::open_materials(&session, &client).await?;
            commands::materials::upload::run(&session, &materials, args).await
        }
        Command::Uploads(args) => {
            let client = session.client()?;
            let materials = commands::materials::open_materials(&session, &client).await?;
            commands::materials::queue::run(&session, &materials, args).await
        }
        Command::Materials => {
            let client = session.client()?;
            let materials = commands::materials::open_materials(&session, &client).await?;
            commands::materials::library::run(&session, &materials).await
        }
        Command::Licences(args) => commands::licences::list(&session, args).await,
        Command::Licence(args) => commands::licences::show::run(&session, args).await,
        Command::Verify(args) => commands::licences::verify::run(&session, args).await,
        Command::Apps(args) => commands::apps::list_or_watch(&session, args).await,
        Command::App(args) => commands::apps::one(&session, args).await,
    }
}
