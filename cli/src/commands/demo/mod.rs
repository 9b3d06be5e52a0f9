//! `bst demo`: the citizen journey, narrated, against an embedded reference
//! server on a free loopback port with a throw-away data folder. Each issue
//! that adds a capability adds its steps here (materials: `materials.rs`,
//! licences: `licences.rs`, application status: `applications.rs`).

mod applications;
mod jpeg;
mod licences;
mod materials;
mod samples;

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, bail, ensure};
use banshitong_core::auth::{SessionState, Verification};
use banshitong_core::catalog::{
    Audience, BrowseBy, Freshness, GuideFilters, RegionLevel, SearchRequest,
};
use banshitong_core::drafts::{DraftState, SubmitOutcome};
use banshitong_core::platform::{MemorySecretStore, SecretStore};
use banshitong_core::{Client, ClientConfig};
use banshitong_server::TestServer;

use super::PREFERRED_REGION_KEY;
use super::account::dev_outbox_code;
use super::drafts::form::{Form, Kind, prefill_source};
use super::drafts::render::{prefills, values_of};
use super::drafts::{Waited, wait_settled};
use super::guides::{
    SyncBar, freshness_line, material_line, open_guide, preferred_region, sync_summary, yuan,
};
use crate::output::{Style, with_spinner};

/// The demo citizen: a made-up number, and a real-format ID and bank card
/// that the reference platform's documented rules accept.
const PHONE: &str = "13887650001";
const NAME: &str = "张三丰";
const ID_NUMBER: &str = "11010519491231002X";
const BANK_CARD: &str = "6222021234567894";
const COMPANY_USCC: &str = "91350100M000100Y43";
const COMPANY_NAME: &str = "云南示例科技有限公司";
/// The business the demo citizen founds, and its answers on the form.
const NEW_COMPANY: [(&str, &str); 6] = [
    ("company_name", "\"云南滇池示例咖啡有限公司\""),
    ("legal_rep_name", "\"张三丰\""),
    ("registered_address", "\"昆明市五华区人民中路1号\""),
    ("business_scope", "\"咖啡馆服务；餐饮服务；食品销售\""),
    ("registered_capital", "50"),
    ("region", "\"530102\""),
];

struct Narrator {
    step: u32,
    started: Instant,
}

impl Narrator {
    fn step(&mut self, title: impl AsRef<str>) {
        self.step += 1;
        println!("\n[{}] {}", self.step, title.as_ref());
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
    let secrets: Arc<dyn SecretStore> = Arc::new(MemorySecretStore::new());
    let client = Client::new(config(&server, data.path()), secrets.clone())?;

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

    identity_steps(&mut n, &server, &client).await?;

    n.step("Restart the app: the session comes back from the keystore, no network needed");
    let started = Instant::now();
    let restarted = Client::new(config(&server, data.path()), secrets.clone())?;
    let restore = started.elapsed();
    match restarted.auth().state() {
        SessionState::SignedIn { profile, .. } => n.say(format!(
            "signed in as {} ({:?}) again in {:.1} ms",
            profile.phone,
            profile.tier,
            restore.as_secs_f64() * 1000.0
        )),
        other => anyhow::bail!("the session did not survive the restart: {other:?}"),
    }

    let opened = catalog_steps(&mut n, &client).await?;
    let files = tempfile::tempdir().context("no temporary folder for the demo's files")?;
    let (draft_id, number) = draft_steps(&mut n, &client, files.path()).await?;
    applications::steps(&mut n, &server, &client, &number, &draft_id, files.path()).await?;
    licences::steps(&mut n, &client).await?;

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
    let started = Instant::now();
    let page = client
        .catalog()
        .search(SearchRequest {
            query: "社保".into(),
            limit: 1,
            ..SearchRequest::default()
        })
        .await?;
    ensure!(!page.hits.is_empty(), "the offline search found nothing");
    n.say(format!(
        "search still answers “社保” in {:.0} ms: {}",
        started.elapsed().as_secs_f64() * 1000.0,
        page.hits[0].name
    ));
    // The offline copy alone: `guide()` would first spend its budget on
    // retries against the dead platform (the app shows the same copy).
    let guide = client
        .catalog()
        .offline_guide(opened)
        .await?
        .context("the opened guide is not in the offline copy")?;
    let synced = client.catalog().status().await?.last_synced_at_ms;
    n.say(format!(
        "{} still opens: {}",
        guide.name,
        freshness_line(Freshness::Offline {
            synced_at_ms: synced
        })
    ));
    n.say(applications::offline_line(&client).await?);
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

/// The phone's client configuration, against the embedded platform.
fn config(server: &TestServer, data: &Path) -> ClientConfig {
    let mut config = ClientConfig::new(server.base_url(), data);
    // Chunks of 64 KiB instead of 1 MiB, so the upload bar has steps to
    // show even on a loopback that sends a photo in milliseconds.
    config.uploads.chunk_bytes = 64 * 1024;
    config
}

/// The offline guide catalog: first sync from the snapshot with a progress
/// bar, three searches, one guide. Returns the code of the guide it opened.
async fn catalog_steps(n: &mut Narrator, client: &Client) -> anyhow::Result<String> {
    let catalog = client.catalog();
    n.step("Sync the offline service-guide catalog (办事指南): a first install takes the snapshot");
    let bar = SyncBar::new(true);
    let started = Instant::now();
    let report = catalog.sync(Some(bar.listener())).await;
    bar.finish();
    let report = report?;
    n.say(format!(
        "{} in {:.1} s",
        sync_summary(&report),
        started.elapsed().as_secs_f64()
    ));
    let started = Instant::now();
    let again = catalog.sync(None).await?;
    n.say(format!(
        "syncing again asks only for changes: {} ({:.0} ms)",
        sync_summary(&again),
        started.elapsed().as_secs_f64() * 1000.0
    ));
    let themes = catalog.browse(BrowseBy::Theme, None).await?;
    let themes: Vec<String> = themes
        .iter()
        .take(6)
        .map(|t| format!("{} {}", t.label, t.count))
        .collect();
    n.say(format!("by theme: {} …", themes.join("、")));

    let preferred = preferred_region(client).await;
    n.step(format!(
        "Search offline: words, pinyin initials, several words; {} (the saved preference) first",
        preferred.as_deref().unwrap_or("no region")
    ));
    let style = Style::for_stdout();
    let mut to_open = None;
    for query in ["社保", "yyzz", "营业执照 昆明"] {
        let started = Instant::now();
        let page = catalog
            .search(SearchRequest {
                query: query.into(),
                prefer_region_code: preferred.clone(),
                limit: 3,
                ..SearchRequest::default()
            })
            .await?;
        n.say(format!(
            "“{query}”: {} ms",
            format_args!("{:.1}", started.elapsed().as_secs_f64() * 1000.0)
        ));
        for (i, hit) in page.hits.iter().enumerate() {
            let region = if hit.in_preferred_region {
                " · your region"
            } else {
                ""
            };
            n.say(format!(
                "  {}. {}  {} · {}{region}",
                i + 1,
                style.spans(&hit.name_spans),
                hit.code,
                hit.department_name
            ));
            if !hit.snippet.is_empty() {
                n.say(format!("     {}", style.spans(&hit.snippet)));
            }
        }
        if let Some(hit) = page.hits.first() {
            to_open = Some(hit.code.clone());
        }
    }
    let code = to_open.context("the searches found no guide to open")?;

    n.step("Open a guide: checked with the platform by ETag, kept for offline reading");
    let view = open_guide(&catalog, &code).await?;
    let g = &view.guide;
    n.say(format!("{} ({}) · {}", g.name, g.code, g.department_name));
    for material in g.materials.iter().take(6) {
        n.say(format!("  材料 {}", material_line(material)));
    }
    if g.materials.len() > 6 {
        n.say(format!("  … {} materials in all", g.materials.len()));
    }
    let fees = if g.fees.is_empty() {
        "free".to_owned()
    } else {
        g.fees
            .iter()
            .map(|f| format!("{} {}", f.name, yuan(f.amount_fen)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    n.say(format!(
        "promised in {} working days (legal {}); fees: {fees}; online depth {}/4, {} visit(s) in person",
        g.promised_time_limit_days, g.legal_time_limit_days, g.online_depth, g.visits_in_person
    ));
    n.say(freshness_line(view.freshness));
    Ok(code)
}

/// Apply online for a business licence (企业设立登记): a draft prefilled
/// with what the platform knows, a mistake caught as it is typed and fixed,
/// the rest filled in, the materials attached (`materials.rs`), one
/// submission and its application number. `files` holds the files attached.
/// Returns the draft's id and the application number.
async fn draft_steps(
    n: &mut Narrator,
    client: &Client,
    files: &Path,
) -> anyhow::Result<(String, String)> {
    let page = client
        .catalog()
        .search(SearchRequest {
            query: "企业设立登记 营业执照".into(),
            filters: GuideFilters {
                audience: Some(Audience::LegalPerson),
                ..GuideFilters::default()
            },
            prefer_region_code: preferred_region(client).await,
            limit: 1,
            ..SearchRequest::default()
        })
        .await?;
    let guide = page
        .hits
        .first()
        .context("the offline catalog has no business-licence guide")?;
    n.step(format!(
        "Apply online for a business licence: a draft of {} ({}), prefilled",
        guide.name, guide.code
    ));
    let drafts = client.drafts().await?;
    let started = Instant::now();
    let draft = drafts.create(guide.code.clone()).await?;
    let form = Form::read(&drafts.schema(draft.id.clone()).await?)?;
    ensure!(
        form.fields.iter().any(|f| f.key.starts_with("legal_rep")),
        "{} does not ask for company details",
        form.id
    );
    n.say(format!(
        "{} · {} questions, {} materials · draft {} saved in {:.0} ms",
        form.title,
        form.fields.len(),
        form.material_slots.len(),
        draft.id,
        started.elapsed().as_secs_f64() * 1000.0
    ));
    let prefilled = prefills(&form, &values_of(&draft));
    for p in prefilled.iter().filter(|p| p.value.is_some()) {
        let value = p.value.as_ref().and_then(|v| v.as_str()).unwrap_or("?");
        n.say(format!(
            "  prefilled {}: {value} (from {})",
            p.label,
            prefill_source(&p.source)
        ));
    }

    n.step("Fill it in: every answer saved at once and checked as it is typed");
    let id_field = form
        .fields
        .iter()
        .find(|f| f.key == "legal_rep_id_number" && matches!(f.kind, Kind::IdNumber))
        .context("the form asks for no legal representative's ID number")?;
    let wrong = "110105194912310021";
    let saved = drafts
        .set_field(
            draft.id.clone(),
            id_field.key.clone(),
            format!("\"{wrong}\""),
        )
        .await?;
    n.say(format!(
        "{} {wrong} → revision {}, with a wrong check digit:",
        id_field.label, saved.revision
    ));
    ensure!(
        !saved.field_errors.is_empty(),
        "the wrong check digit went unnoticed"
    );
    for error in &saved.field_errors {
        n.say(format!("  ✗ {} ({})", error.message, error.code));
    }
    let fixed = drafts
        .set_field(
            draft.id.clone(),
            id_field.key.clone(),
            format!("\"{ID_NUMBER}\""),
        )
        .await?;
    ensure!(fixed.field_errors.is_empty(), "{:?}", fixed.field_errors);
    n.say(format!(
        "corrected to {ID_NUMBER} → revision {}, no problems",
        fixed.revision
    ));

    // The answers first; the materials get their own steps.
    for _ in 0..30 {
        let errors = drafts.validate(draft.id.clone()).await?;
        let Some(error) = errors.iter().find(|e| !e.path.starts_with("materials.")) else {
            break;
        };
        let Some((key, answer)) = NEW_COMPANY.iter().find(|(k, _)| *k == error.path) else {
            bail!(
                "the demo has no answer for {} ({})",
                error.path,
                error.message
            );
        };
        drafts
            .set_field(draft.id.clone(), (*key).to_owned(), (*answer).to_owned())
            .await?;
        let label = form.field_at(key).map_or(*key, |f| f.label.as_str());
        n.say(format!("{label} {}", answer.trim_matches('"')));
    }
    let missing: Vec<String> = drafts
        .validate(draft.id.clone())
        .await?
        .iter()
        .filter_map(|e| e.path.strip_prefix("materials."))
        .map(str::to_owned)
        .collect();
    materials::material_steps(n, client, &draft.id, &form, &missing, files).await?;
    ensure!(
        drafts.validate(draft.id.clone()).await?.is_empty(),
        "the demo could not complete the form"
    );
    let revision = drafts.open(draft.id.clone()).await?.revision;

    n.step("Submit: queued with an idempotency key, sent, answered with an application number");
    n.say(format!(
        "draft revision {revision}: the whole form passes the platform's own rules (validate: no problems)"
    ));
    let started = Instant::now();
    match drafts.submit(draft.id.clone()).await? {
        SubmitOutcome::Queued => {}
        other => bail!("the submission was not queued: {other:?}"),
    }
    let number = match wait_settled(&drafts, &draft.id, std::time::Duration::from_secs(20)).await? {
        Waited::Settled(done) => match done.state {
            DraftState::Submitted { application_no } => application_no,
            other => bail!(
                "the platform refused the application ({other:?}): {:?} {:?}",
                done.platform_errors,
                done.submit_error
            ),
        },
        Waited::StillQueued { last_error } | Waited::Interrupted { last_error } => {
            bail!("the platform did not answer in time: {last_error:?}")
        }
    };
    n.say(format!(
        "submitted in {:.0} ms: 办件编号 {number}",
        started.elapsed().as_secs_f64() * 1000.0
    ));
    match drafts.submit(draft.id.clone()).await? {
        SubmitOutcome::AlreadySubmitted { application_no } if application_no == number => {
            n.say("pressing submit again sends nothing: it is already submitted under that number")
        }
        other => bail!("a second submit did not say already submitted: {other:?}"),
    }
    Ok((draft.id, number))
}

/// Register, sign in by SMS, verify the real name, act for a company.
async fn identity_steps(
    n: &mut Narrator,
    server: &TestServer,
    client: &Client,
) -> anyhow::Result<()> {
    let auth = client.auth();
    let mut session = auth.watch();

    n.step("Register and sign in with an SMS code (一次认证，全网通办)");
    if let Some(state) = session.next().await {
        n.say(format!("session before: {}", state_line(&state)));
    }
    let sent = auth.send_sms_code(PHONE).await?;
    n.say(format!(
        "code texted to {PHONE} (valid {} s; next one in {} s)",
        sent.expires_in, sent.resend_after
    ));
    let code = dev_outbox_code(&server.base_url(), PHONE)
        .await
        .context("the development SMS outbox is empty")?;
    n.say("code read from the platform's development SMS outbox");
    let started = Instant::now();
    let profile = auth.sign_in_with_sms(PHONE, &code).await?;
    n.say(format!(
        "signed in as {} ({:?}, masked: {}) in {:.0} ms",
        profile.user_id,
        profile.tier,
        profile.phone,
        started.elapsed().as_secs_f64() * 1000.0
    ));
    if let Some(state) = session.next().await {
        n.say(format!(
            "the app's session stream says: {}",
            state_line(&state)
        ));
    }

    n.step("Verify the real name (实名认证) with a bank card");
    let verified = auth
        .verify_identity(Verification::BankCard {
            name: NAME.into(),
            id_number: ID_NUMBER.into(),
            card_number: BANK_CARD.into(),
            reserved_phone: PHONE.into(),
        })
        .await?;
    n.say(format!(
        "tier {:?}; the platform shows {} {}",
        verified.tier,
        verified.name.as_deref().unwrap_or("?"),
        verified.id_number.as_deref().unwrap_or("?")
    ));

    n.step("Act for a company (法人办事)");
    auth.add_company(COMPANY_USCC, COMPANY_NAME).await?;
    let acting = auth
        .switch_acting_identity(Some(COMPANY_USCC.into()))
        .await?;
    n.say(format!(
        "now acting for {} ({COMPANY_USCC})",
        acting.acting_as.map(|c| c.name).unwrap_or_default()
    ));
    n.say(format!("session: {}", state_line(&auth.state())));
    let me = client.my_preferences().await?;
    me.set(PREFERRED_REGION_KEY, "530102").await?;
    n.say("preferred region saved in the user's encrypted database");
    Ok(())
}

fn state_line(state: &SessionState) -> String {
    match state {
        SessionState::SignedOut => "signed out".into(),
        SessionState::Expired { reason } => format!("expired ({reason})"),
        SessionState::SignedIn {
            profile,
            tier,
            acting_as,
        } => format!(
            "signed in as {} ({tier:?}){}",
            profile.phone,
            acting_as
                .as_ref()
                .map(|c| format!(", acting for {}", c.name))
                .unwrap_or_default()
        ),
    }
}
