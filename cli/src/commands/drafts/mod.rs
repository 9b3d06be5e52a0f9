//! `bst draft …`: application drafts (申请草稿). Start one from a service
//! guide, prefilled with what the platform knows; fill it field by field
//! (every change is saved at once, as the next revision, and checked as
//! it is typed); attach materials; see the whole form with its problems;
//! submit it through the outbox, which never sends an application twice;
//! list, sync and delete drafts.

pub mod form;
pub mod render;

use std::time::{Duration, Instant};

use anyhow::{anyhow, bail};
use banshitong_core::drafts::{Draft, DraftState, Drafts, FieldError, SubmitOutcome};
use banshitong_core::{Client, Error};
use serde::Serialize;
use serde_json::Value;

use self::form::Form;
use self::render::{
    Detail, DraftJson, OutboxJson, application_no, error_line, field_lines, head_lines,
    prefill_lines, prefills, slot_lines, state_text, values_of,
};
use super::{Interrupted, Session};
use crate::output::{Style, ago, print_json, spinner, with_spinner};

#[derive(clap::Args)]
pub struct DraftArgs {
    #[command(subcommand)]
    command: DraftCommand,
}

#[derive(clap::Subcommand)]
enum DraftCommand {
    /// Start a draft for a service item, prefilled with what the platform knows.
    New(NewArgs),
    /// Save one answer, checked as you type: PATH is a field key (members[0].name
    /// in a group); VALUE is JSON if it parses, else text.
    Set(SetArgs),
    /// Fill a material slot with uploads or electronic licences (电子证照).
    Attach(AttachArgs),
    /// Show a draft: each field's label, answer and problems; the materials; its state.
    Show(IdArgs),
    /// Check the whole form and submit it; waits for the application number (办件编号).
    Submit(SubmitArgs),
    /// Every draft on this device, the most recently changed first.
    List,
    /// Share drafts with the platform (another phone) and send queued applications.
    Sync(WaitArgs),
    /// Delete a draft here (and on the platform at the next sync).
    Delete(IdArgs),
}

#[derive(clap::Args)]
struct NewArgs {
    /// The service guide's code, e.g. SCJG029-530102 (`bst guides search` finds it).
    guide_code: String,
}

#[derive(clap::Args)]
struct IdArgs {
    /// The draft's id (`bst draft list` shows them).
    id: String,
}

#[derive(clap::Args)]
struct SetArgs {
    /// The draft's id.
    id: String,
    /// The field: its key (company_name), or in a group members[0].name.
    path: String,
    /// The answer: JSON if it parses (50, ["a","b"], null to clear), else the
    /// text typed. Text fields keep digits as typed (13800000000); a choice
    /// takes its value or its label; a multiple choice also takes a,b.
    #[arg(allow_hyphen_values = true)]
    value: String,
}

#[derive(clap::Args)]
struct AttachArgs {
    /// The draft's id.
    id: String,
    /// The material slot's key (`bst draft show` lists them).
    slot: String,
    /// Upload ids, or electronic licences written licence:TYPE:ID.
    #[arg(required_unless_present_any = ["licence", "clear"])]
    refs: Vec<String>,
    /// An electronic licence of the type the slot takes, by its id (repeatable).
    #[arg(long, value_name = "LICENCE_ID")]
    licence: Vec<String>,
    /// Empty the slot.
    #[arg(long, conflicts_with_all = ["refs", "licence"])]
    clear: bool,
}

#[derive(clap::Args)]
struct SubmitArgs {
    /// The draft's id.
    id: String,
    #[command(flatten)]
    wait: WaitArgs,
}

#[derive(clap::Args, Clone, Copy)]
struct WaitArgs {
    /// Return at once, leaving queued applications to a later `bst draft sync`.
    #[arg(long)]
    no_wait: bool,
    /// How long to wait for the platform to answer, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    timeout: u64,
}

pub async fn run(session: &Session, args: DraftArgs) -> anyhow::Result<()> {
    let client = session.client()?;
    let drafts = open_drafts(session, &client).await?;
    match args.command {
        DraftCommand::New(args) => new(session, &drafts, args).await,
        DraftCommand::Set(args) => set(session, &drafts, args).await,
        DraftCommand::Attach(args) => attach(session, &drafts, args).await,
        DraftCommand::Show(args) => show(session, &drafts, &args.id).await,
        DraftCommand::Submit(args) => submit(session, &drafts, args).await,
        DraftCommand::List => list(session, &drafts).await,
        DraftCommand::Sync(wait) => sync(session, &drafts, wait).await,
        DraftCommand::Delete(args) => delete(session, &drafts, &args.id).await,
    }
}

/// The signed-in user's drafts, or why there are none to open.
async fn open_drafts(session: &Session, client: &Client) -> anyhow::Result<Drafts> {
    session.signed_in("drafts", client.drafts().await)
}

/// An error about draft `id`, in words the user can act on.
fn about(id: &str, e: Error) -> anyhow::Error {
    match e {
        Error::NotFound { .. } => anyhow!(
            "no draft has the id {id} on this device (`bst draft list` shows them; \
             `bst draft sync` brings drafts started on another phone)"
        ),
        Error::Conflict { message } => anyhow!("{message}"),
        e if e.is_network() => anyhow::Error::new(e).context("the platform cannot be reached"),
        e => e.into(),
    }
}

/// The form a draft fills (cached once fetched; the platform otherwise).
async fn load_form(drafts: &Drafts, id: &str) -> anyhow::Result<Form> {
    let schema = drafts.schema(id.to_owned()).await.map_err(|e| match e {
        e if e.is_network() => anyhow::Error::new(e).context(format!(
            "the form of draft {id} is not on this device yet and the platform cannot be reached"
        )),
        e => about(id, e),
    })?;
    Form::read(&schema)
}

// ----------------------------------------------------------------- new

async fn new(session: &Session, drafts: &Drafts, args: NewArgs) -> anyhow::Result<()> {
    let code = args.guide_code;
    super::guides::check_code(&code)?;
    let draft = with_spinner("starting the draft", drafts.create(code.clone()))
        .await
        .map_err(|e| match e {
            Error::NotFound { .. } => anyhow!(
                "no service guide has the code {code} (find current ones with `bst guides search`)"
            ),
            Error::InvalidInput { message } => anyhow!("{code}: {message}"),
            e if e.is_network() => anyhow::Error::new(e).context(format!(
                "guide {code} or its form is not on this device and the platform cannot be reached"
            )),
            e => e.into(),
        })?;
    let schema = drafts.schema(draft.id.clone()).await?;
    let form = Form::read(&schema)?;
    let values = values_of(&draft);
    let prefilled = prefills(&form, &values);
    if session.json {
        return print_json(&serde_json::json!({
            "draft": DraftJson::from(&draft),
            "form": schema,
            "prefilled": prefilled.iter().filter(|p| p.value.is_some()).collect::<Vec<_>>(),
            "not_prefilled": prefilled.iter().filter(|p| p.value.is_none()).collect::<Vec<_>>(),
        }));
    }
    let style = Style::for_stdout();
    println!("draft {}", style.bold(&draft.id));
    println!(
        "  {} · {} {}",
        form.title, draft.guide_name, draft.guide_code
    );
    if !prefilled.is_empty() {
        println!(
            "\n{}",
            style.bold("Prefilled from what the platform knows (少填)")
        );
        for line in prefill_lines(style, &form, &prefilled) {
            println!("{line}");
        }
    }
    println!("\n{}", style.bold("Fields (表单)"));
    for line in field_lines(style, &form, &values, &[], Detail::Overview).0 {
        println!("{line}");
    }
    if !form.material_slots.is_empty() {
        println!("\n{}", style.bold("Materials (申请材料)"));
        for line in slot_lines(style, &form, &draft.materials, &[], Detail::Overview).0 {
            println!("{line}");
        }
    }
    println!("\nnext:");
    for step in [
        "set PATH VALUE     (one answer; saved at once)",
        "attach SLOT REF…   (materials; --licence ID for an electronic licence)",
        "show               (the form, its problems)",
        "submit             (waits for the 办件编号)",
    ] {
        println!(
            "  bst draft {step}",
            step = step.replacen(' ', &format!(" {} ", draft.id), 1)
        );
    }
    Ok(())
}

// ----------------------------------------------------------------- set

#[derive(Serialize)]
struct SavedJson<'a> {
    id: &'a str,
    path: &'a str,
    value: &'a Value,
    revision: u64,
    field_errors: &'a [FieldError],
}

/// What the user typed, so an error never loses it.
fn not_saved(e: anyhow::Error, path: &str, raw: &str) -> anyhow::Error {
    anyhow!("{e:#}\nnot saved; what you typed: {path} = {raw}")
}

async fn set(session: &Session, drafts: &Drafts, args: SetArgs) -> anyhow::Result<()> {
    let SetArgs { id, path, value } = args;
    let form = load_form(drafts, &id)
        .await
        .map_err(|e| not_saved(e, &path, &value))?;
    let Some(field) = form.field_at(&path) else {
        let e = anyhow!(
            "the form {} has no field {path:?}; its fields are: {}",
            form.id,
            form.paths().join(", ")
        );
        return Err(not_saved(e, &path, &value));
    };
    let answer = field.parse_input(&value);
    let saved = drafts
        .set_field(id.clone(), path.clone(), answer.to_string())
        .await
        .map_err(|e| not_saved(about(&id, e), &path, &value))?;
    if session.json {
        return print_json(&SavedJson {
            id: &id,
            path: &path,
            value: &answer,
            revision: saved.revision,
            field_errors: &saved.field_errors,
        });
    }
    match field.show_value(Some(&answer)) {
        Some(shown) => println!(
            "saved {} = {shown} (revision {})",
            field.label, saved.revision
        ),
        None => println!("cleared {} (revision {})", field.label, saved.revision),
    }
    for error in &saved.field_errors {
        println!("  ✗ {} ({})", error.message, error.code);
    }
    Ok(())
}

// -------------------------------------------------------------- attach

/// The forms crate's rule: an upload id is any non-blank text; a licence
/// is `licence:TYPE:ID` with both parts.
fn check_ref(reference: &str) -> anyhow::Result<()> {
    let ok = match reference.strip_prefix("licence:") {
        _ if reference.trim().is_empty() => false,
        Some(rest) => rest
            .split_once(':')
            .is_some_and(|(kind, id)| !kind.is_empty() && !id.is_empty()),
        None => true,
    };
    if !ok {
        bail!(
            "{reference:?} is not a material reference: give an upload's id, or an electronic \
             licence as licence:TYPE:ID (or --licence ID)"
        );
    }
    Ok(())
}

async fn attach(session: &Session, drafts: &Drafts, args: AttachArgs) -> anyhow::Result<()> {
    let id = args.id;
    let form = load_form(drafts, &id).await?;
    let Some(slot) = form.slot(&args.slot) else {
        let slots: Vec<String> = form
            .material_slots
            .iter()
            .map(|s| format!("{} ({})", s.key, s.name))
            .collect();
        bail!(
            "the form {} has no material slot {:?}; its slots are: {}",
            form.id,
            args.slot,
            slots.join(", ")
        );
    };
    let mut refs = args.refs;
    if !args.licence.is_empty() {
        let Some(licence_type) = &slot.licence_type else {
            bail!(
                "{} ({}) takes no electronic licence; attach an upload instead",
                slot.name,
                slot.key
            );
        };
        refs.extend(
            args.licence
                .iter()
                .map(|l| format!("licence:{licence_type}:{l}")),
        );
    }
    for reference in &refs {
        check_ref(reference)?;
    }
    let saved = drafts
        .set_materials(id.clone(), slot.key.clone(), refs.clone())
        .await
        .map_err(|e| about(&id, e))?;
    let at = format!("materials.{}", slot.key);
    let errors: Vec<FieldError> = drafts
        .validate(id.clone())
        .await
        .map_err(|e| about(&id, e))?
        .into_iter()
        .filter(|e| e.path == at)
        .collect();
    if session.json {
        return print_json(&serde_json::json!({
            "id": id,
            "slot_key": slot.key,
            "material_refs": refs,
            "revision": saved.revision,
            "errors": errors,
        }));
    }
    if refs.is_empty() {
        println!("emptied {} (revision {})", slot.name, saved.revision);
    } else {
        println!(
            "{}: {} (revision {})",
            slot.name,
            refs.join(", "),
            saved.revision
        );
    }
    for error in &errors {
        println!("  ✗ {} ({})", error.message, error.code);
    }
    Ok(())
}

// ---------------------------------------------------------------- show

async fn show(session: &Session, drafts: &Drafts, id: &str) -> anyhow::Result<()> {
    let draft = drafts.open(id.to_owned()).await.map_err(|e| about(id, e))?;
    let form = load_form(drafts, id).await;
    let errors = match (&form, &draft.state) {
        (Ok(_), DraftState::Editing) => drafts
            .validate(id.to_owned())
            .await
            .map_err(|e| about(id, e))?,
        _ => Vec::new(),
    };
    if session.json {
        let schema = match &form {
            Ok(_) => Some(drafts.schema(id.to_owned()).await?),
            Err(_) => None,
        };
        return print_json(&serde_json::json!({
            "draft": DraftJson::from(&draft),
            "form": schema,
            "errors": errors,
        }));
    }
    let style = Style::for_stdout();
    let form = match form {
        Ok(form) => form,
        Err(e) => {
            // The answers are never out of reach: show them as saved.
            for line in head_lines(style, None, &draft) {
                println!("{line}");
            }
            eprintln!("{e:#}");
            println!("\nanswers as saved:");
            println!(
                "{}",
                serde_json::to_string_pretty(&values_of(&draft)).unwrap_or_default()
            );
            return Ok(());
        }
    };
    for line in head_lines(style, Some(&form), &draft) {
        println!("{line}");
    }
    println!("\n{}", style.bold("Fields (表单)"));
    let (lines, mut placed) =
        field_lines(style, &form, &values_of(&draft), &errors, Detail::Answers);
    for line in lines {
        println!("{line}");
    }
    if !form.material_slots.is_empty() {
        println!("\n{}", style.bold("Materials (申请材料)"));
        let (lines, in_slots) =
            slot_lines(style, &form, &draft.materials, &errors, Detail::Answers);
        placed += in_slots;
        for line in lines {
            println!("{line}");
        }
    }
    if placed < errors.len() {
        println!("\n{}", style.bold("Other problems"));
        let shown_at = |path: &str| {
            form.field_at(path).is_some()
                || path
                    .strip_prefix("materials.")
                    .is_some_and(|s| form.slot(s).is_some())
        };
        for error in errors.iter().filter(|e| !shown_at(&e.path)) {
            println!("  {}", error_line(Some(&form), error));
        }
    }
    println!();
    match &draft.state {
        DraftState::Editing if errors.is_empty() => {
            println!("no problems: ready to submit (bst draft submit {id})")
        }
        DraftState::Editing => println!(
            "{} problem(s) to fix before submitting (bst draft set {id} PATH VALUE)",
            errors.len()
        ),
        state => println!("{}", state_text(state)),
    }
    Ok(())
}

// -------------------------------------------------------------- submit

#[derive(Serialize)]
struct SubmitJson<'a> {
    id: &'a str,
    /// `submitted`, `already_submitted`, `queued`, `invalid` or `refused`.
    result: &'static str,
    state: &'static str,
    application_no: Option<&'a str>,
    errors: &'a [FieldError],
    submit_error: Option<&'a str>,
    /// The outbox's last failed attempt, while the application stays queued.
    last_error: Option<&'a str>,
}

/// How waiting for the platform ended.
pub(crate) enum Waited {
    /// Out of the outbox: submitted, or refused back to editing.
    Settled(Box<Draft>),
    StillQueued {
        last_error: Option<String>,
    },
    Interrupted {
        last_error: Option<String>,
    },
}

/// Follows the draft until it leaves the outbox, for at most `timeout`; a
/// spinner says what the outbox is doing. Ctrl-C stops waiting, not sending.
pub(crate) async fn wait_settled(
    drafts: &Drafts,
    id: &str,
    timeout: Duration,
) -> anyhow::Result<Waited> {
    let bar = spinner("sending the application to the platform");
    // The subscription runs in its own task: a select! that dropped its
    // `next()` half-way could miss the one change it waits for.
    let (tx, mut changes) = tokio::sync::mpsc::unbounded_channel();
    let mut watch = drafts.watch_draft(id.to_owned());
    let follower = tokio::spawn(async move {
        while let Some(draft) = watch.next().await {
            if tx.send(draft).is_err() {
                break;
            }
        }
    });
    let deadline = tokio::time::Instant::now() + timeout;
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    let mut poll = tokio::time::interval(Duration::from_millis(500));
    let mut last_error = None;
    let waited = loop {
        tokio::select! {
            draft = changes.recv() => match draft {
                Some(draft) if draft.state != DraftState::Submitting => {
                    break Ok(Waited::Settled(Box::new(draft)));
                }
                Some(_) => {}
                None => break Err(anyhow!("draft {id} went away while it was being submitted")),
            },
            _ = poll.tick() => {
                if let Ok(status) = drafts.outbox_status().await
                    && let Some(error) = status.last_error
                {
                    bar.set_message(format!("waiting for the platform ({error}); trying again"));
                    last_error = Some(error);
                }
            }
            () = tokio::time::sleep_until(deadline) => break Ok(Waited::StillQueued { last_error }),
            _ = &mut ctrl_c => break Ok(Waited::Interrupted { last_error }),
        }
    };
    follower.abort();
    bar.finish_and_clear();
    waited
}

async fn submit(session: &Session, drafts: &Drafts, args: SubmitArgs) -> anyhow::Result<()> {
    let id = args.id;
    let outcome = drafts.submit(id.clone()).await.map_err(|e| about(&id, e))?;
    let queued_json = |result, state| SubmitJson {
        id: &id,
        result,
        state,
        application_no: None,
        errors: &[],
        submit_error: None,
        last_error: None,
    };
    match outcome {
        SubmitOutcome::Invalid { errors } => {
            if errors.is_empty() {
                // Changed between the check and the queueing: nothing sent.
                bail!(
                    "draft {id} changed while it was being submitted; nothing was sent, submit again"
                );
            }
            if session.json {
                print_json(&SubmitJson {
                    errors: &errors,
                    ..queued_json("invalid", "editing")
                })?;
            } else {
                let form = load_form(drafts, &id).await.ok();
                println!("not submitted: the form has {} problem(s)", errors.len());
                for error in &errors {
                    println!("  {}", error_line(form.as_ref(), error));
                }
                println!(
                    "fix them with `bst draft set {id} PATH VALUE` (and `bst draft attach` for materials)"
                );
            }
            bail!(
                "the form has {} problem(s); nothing was submitted",
                errors.len()
            );
        }
        SubmitOutcome::AlreadySubmitted { application_no } => {
            if session.json {
                return print_json(&SubmitJson {
                    application_no: Some(&application_no),
                    ..queued_json("already_submitted", "submitted")
                });
            }
            println!(
                "already submitted: 办件编号 {application_no} (submitting again sends nothing)"
            );
            Ok(())
        }
        SubmitOutcome::Queued if args.wait.no_wait => {
            if session.json {
                return print_json(&queued_json("queued", "submitting"));
            }
            println!(
                "queued: the application is in the outbox on this device; \
                 `bst draft sync` sends it and `bst draft show {id}` shows its number once it has one"
            );
            Ok(())
        }
        SubmitOutcome::Queued => {
            let started = Instant::now();
            let waited = wait_settled(drafts, &id, Duration::from_secs(args.wait.timeout)).await?;
            settle(session, &id, waited, started, args.wait.timeout)
        }
    }
}

/// Reports how the wait for the platform ended.
fn settle(
    session: &Session,
    id: &str,
    waited: Waited,
    started: Instant,
    timeout: u64,
) -> anyhow::Result<()> {
    let (last_error, interrupted) = match waited {
        Waited::Settled(draft) => return settled(session, &draft, started),
        Waited::StillQueued { last_error } => (last_error, false),
        Waited::Interrupted { last_error } => (last_error, true),
    };
    if session.json {
        print_json(&SubmitJson {
            id,
            result: "queued",
            state: "submitting",
            application_no: None,
            errors: &[],
            submit_error: None,
            last_error: last_error.as_deref(),
        })?;
    } else {
        let why = if interrupted {
            "stopped waiting".to_owned()
        } else {
            format!("no answer from the platform within {timeout} s")
        };
        let last = last_error
            .map(|e| format!(" (last attempt: {e})"))
            .unwrap_or_default();
        println!(
            "queued, not sent yet: {why}{last}.\n\
             The application stays in the outbox on this device and is never sent twice; \
             `bst draft sync` sends it once the platform can be reached."
        );
    }
    if interrupted {
        return Err(Interrupted.into());
    }
    Ok(())
}

fn settled(session: &Session, draft: &Draft, started: Instant) -> anyhow::Result<()> {
    let errors = &draft.platform_errors;
    if let Some(number) = application_no(&draft.state) {
        if session.json {
            return print_json(&SubmitJson {
                id: &draft.id,
                result: "submitted",
                state: "submitted",
                application_no: Some(number),
                errors: &[],
                submit_error: None,
                last_error: None,
            });
        }
        println!(
            "submitted in {}: 办件编号 {number}",
            crate::output::duration(started.elapsed())
        );
        return Ok(());
    }
    // Back to editing: the platform refused it.
    if session.json {
        print_json(&SubmitJson {
            id: &draft.id,
            result: "refused",
            state: "editing",
            application_no: None,
            errors,
            submit_error: draft.submit_error.as_deref(),
            last_error: None,
        })?;
    } else {
        println!("the platform refused the application; the draft is editable again:");
        if let Some(reason) = &draft.submit_error {
            println!("  {reason}");
        }
        for error in errors {
            println!("  {}", error_line(None, error));
        }
    }
    bail!("the platform refused the application; fix the draft and submit again")
}

// ---------------------------------------------------------------- list

async fn list(session: &Session, drafts: &Drafts) -> anyhow::Result<()> {
    let all = drafts.list().await?;
    if session.json {
        return print_json(&all.iter().map(DraftJson::from).collect::<Vec<_>>());
    }
    let style = Style::for_stdout();
    for draft in &all {
        println!("{}  {}", draft.id, style.bold(&draft.title));
        let mut facts = vec![
            state_text(&draft.state),
            format!("revision {}", draft.revision),
            format!("changed {}", ago(draft.updated_at_ms)),
            draft.guide_code.clone(),
        ];
        if !draft.synced {
            facts.push("not synced".into());
        }
        if draft.conflict_of.is_some() {
            facts.push("conflict copy".into());
        }
        println!("    {}", style.dim(&facts.join(" · ")));
    }
    if all.is_empty() {
        println!("no drafts yet; start one with `bst draft new GUIDE_CODE`");
    }
    let outbox = drafts.outbox_status().await?;
    if outbox.pending > 0 {
        eprintln!(
            "{} application(s) waiting to be sent; `bst draft sync` sends them",
            outbox.pending
        );
    }
    Ok(())
}

// ---------------------------------------------------------------- sync

#[derive(Serialize)]
struct SentJson {
    id: String,
    title: String,
    application_no: String,
}

async fn sync(session: &Session, drafts: &Drafts, wait: WaitArgs) -> anyhow::Result<()> {
    let queued: Vec<Draft> = drafts
        .list()
        .await?
        .into_iter()
        .filter(|d| d.state == DraftState::Submitting)
        .collect();
    let report = with_spinner("syncing drafts with the platform", drafts.sync())
        .await
        .map_err(|e| match e {
            e if e.is_network() => anyhow::Error::new(e).context(format!(
                "the platform cannot be reached; drafts stay on this device{}",
                if queued.is_empty() {
                    String::new()
                } else {
                    format!(" and {} queued application(s) wait", queued.len())
                }
            )),
            e => e.into(),
        })?;
    // The outbox sends by itself; wait (within the timeout) for what is
    // due to go out.
    drafts.network_available();
    let mut outbox = drafts.outbox_status().await?;
    if outbox.pending > 0 && !wait.no_wait {
        let bar = spinner("sending queued applications");
        let deadline = Instant::now() + Duration::from_secs(wait.timeout);
        let deadline_ms = crate::output::now_ms() + (wait.timeout as i64) * 1000;
        while outbox.pending > 0
            && Instant::now() < deadline
            && outbox.next_attempt_at_ms.is_none_or(|at| at <= deadline_ms)
        {
            tokio::time::sleep(Duration::from_millis(200)).await;
            outbox = drafts.outbox_status().await?;
        }
        bar.finish_and_clear();
    }
    let mut sent = Vec::new();
    for before in &queued {
        if let Ok(now) = drafts.open(before.id.clone()).await
            && let Some(number) = application_no(&now.state)
        {
            sent.push(SentJson {
                id: now.id.clone(),
                title: now.title.clone(),
                application_no: number.to_owned(),
            });
        }
    }
    if session.json {
        return print_json(&serde_json::json!({
            "pushed": report.pushed,
            "pulled": report.pulled,
            "conflict_copies": report.conflict_copies,
            "deleted": report.deleted,
            "submitted": sent,
            "outbox": OutboxJson::from(&outbox),
        }));
    }
    println!(
        "drafts: {} sent to the platform, {} taken from it, {} conflict cop{}, {} deleted",
        report.pushed,
        report.pulled,
        report.conflict_copies,
        if report.conflict_copies == 1 {
            "y"
        } else {
            "ies"
        },
        report.deleted
    );
    if report.conflict_copies > 0 {
        println!(
            "  a draft changed here and elsewhere: the platform's version kept its id, \
             this device's edits are a conflict copy (see `bst draft list`)"
        );
    }
    for s in &sent {
        println!("submitted: {} · 办件编号 {}", s.title, s.application_no);
    }
    if outbox.pending > 0 {
        let last = outbox
            .last_error
            .as_deref()
            .map(|e| format!(" (last attempt: {e})"))
            .unwrap_or_default();
        println!(
            "{} application(s) still queued{last}; they are sent when the platform can be reached \
             (`bst draft sync` again)",
            outbox.pending
        );
    }
    Ok(())
}

// -------------------------------------------------------------- delete

async fn delete(session: &Session, drafts: &Drafts, id: &str) -> anyhow::Result<()> {
    let draft = drafts.open(id.to_owned()).await.map_err(|e| about(id, e))?;
    if draft.state == DraftState::Submitting {
        bail!(
            "draft {id} is being submitted (queued in the outbox) and cannot be deleted until \
             the platform answers; `bst draft sync` sends it"
        );
    }
    drafts
        .delete(id.to_owned())
        .await
        .map_err(|e| about(id, e))?;
    let number = application_no(&draft.state);
    if session.json {
        return print_json(&serde_json::json!({
            "id": id,
            "deleted": true,
            "application_no": number,
        }));
    }
    println!(
        "deleted draft {id} ({}) on this device; the next `bst draft sync` deletes it on the platform",
        draft.title
    );
    if let Some(number) = number {
        println!("application {number} stays with the platform: only the local record is gone");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn material_references_are_checked_as_the_forms_crate_does() {
        for good in [
            "upload-1",
            "m_42",
            "licence:居民身份证:L-1",
            "licence:营业执照:L:2",
        ] {
            assert!(check_ref(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "  ",
            "licence:",
            "licence:营业执照",
            "licence::L1",
            "licence:营业执照:",
        ] {
            assert!(check_ref(bad).is_err(), "{bad}");
        }
    }
}
