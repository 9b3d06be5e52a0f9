//! `bst guides …`: the offline service-guide catalog (办事指南) — sync it,
//! search it, open one guide, browse by theme, department or region.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, bail};
use banshitong_core::auth::SessionState;
use banshitong_core::catalog::{
    Audience, BrowseBy, Catalog, FacetCount, Freshness, Guide, GuideFilters, GuideView, MatchedIn,
    Material, MaterialForm, MaterialSource, ProgressListener, SearchHit, SearchPage, SearchRequest,
    SyncOptions, SyncPhase, SyncProgress, SyncReport,
};
use banshitong_core::{Client, Error};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use super::{Interrupted, PREFERRED_REGION_KEY, Session};
use crate::output::{Style, ago, china_time, print_json, with_spinner};

#[derive(clap::Args)]
pub struct GuidesArgs {
    #[command(subcommand)]
    command: GuidesCommand,
}

#[derive(clap::Subcommand)]
enum GuidesCommand {
    /// Bring the offline catalog up to date (Ctrl-C stops; the next sync resumes).
    Sync(SyncArgs),
    /// Search the offline catalog (no network needed).
    Search(SearchArgs),
    /// Show one guide in full: materials, conditions, steps, time limits, fees, places.
    Show(ShowArgs),
    /// Guide counts per life-event theme (出生 … 身后事, 开办 … 纳税).
    Themes(RegionScope),
    /// Guide counts per theme, department or region.
    Browse(BrowseArgs),
    /// How many guides are offline and when they were last synced.
    Status,
}

#[derive(clap::Args)]
struct SyncArgs {
    /// Page through the change feed even on a first install (instead of the snapshot).
    #[arg(long, conflicts_with = "import")]
    pages: bool,
    /// Changes per page (1 to 1000).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=1000), conflicts_with = "import")]
    page_size: u32,
    /// Import a shipped snapshot file (gzip, as the platform serves it) with no network.
    #[arg(long, value_name = "FILE")]
    import: Option<PathBuf>,
}

#[derive(clap::Args)]
struct SearchArgs {
    /// What to look for: Chinese words, pinyin or initials (yyzz); empty to
    /// list by the filters alone.
    #[arg(default_value = "")]
    query: String,
    /// Only guides of this region or a region inside it (GB/T 2260, e.g. 530100).
    #[arg(long, value_parser = region_code)]
    region: Option<String>,
    /// Only guides of this department (see `bst guides browse --by department`).
    #[arg(long)]
    department: Option<String>,
    /// Only guides of this life-event theme (see `bst guides themes`).
    #[arg(long)]
    theme: Option<String>,
    /// Only items for citizens (自然人).
    #[arg(long, conflicts_with = "company")]
    person: bool,
    /// Only items for companies and organisations (法人).
    #[arg(long)]
    company: bool,
    /// Only guides at least this far online (0 information only … 4 fully online).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=4))]
    min_depth: Option<u8>,
    /// Rank guides of this region first; defaults to the signed-in user's
    /// preferred region, if they have one.
    #[arg(long, value_name = "CODE", value_parser = region_code)]
    prefer_region: Option<String>,
    /// Results per page (1 to 100).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=100))]
    limit: u32,
    /// The next-page token a previous search printed.
    #[arg(long, value_name = "TOKEN")]
    page: Option<String>,
}

#[derive(clap::Args)]
struct ShowArgs {
    /// The guide's code, e.g. GA001-530102.
    code: String,
}

#[derive(clap::Args)]
struct RegionScope {
    /// Only count guides of this region (or inside it).
    #[arg(long, value_parser = region_code)]
    region: Option<String>,
}

#[derive(clap::Args)]
struct BrowseArgs {
    /// What to group by.
    #[arg(long, value_enum, default_value_t = Grouping::Theme)]
    by: Grouping,
    #[command(flatten)]
    scope: RegionScope,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Grouping {
    Theme,
    Department,
    Region,
}

fn region_code(text: &str) -> Result<String, String> {
    if text.len() == 6 && text.bytes().all(|b| b.is_ascii_digit()) {
        Ok(text.to_owned())
    } else {
        Err("a region is a six-digit GB/T 2260 code, e.g. 530100 (see `bst regions`)".into())
    }
}

pub async fn run(session: &Session, args: GuidesArgs) -> anyhow::Result<()> {
    let client = session.client()?;
    match args.command {
        GuidesCommand::Sync(args) => sync(session, &client, args).await,
        GuidesCommand::Search(args) => search(session, &client, args).await,
        GuidesCommand::Show(args) => show(session, &client, args).await,
        GuidesCommand::Themes(scope) => browse(session, &client, Grouping::Theme, scope).await,
        GuidesCommand::Browse(args) => browse(session, &client, args.by, args.scope).await,
        GuidesCommand::Status => status(session, &client).await,
    }
}

// ---------------------------------------------------------------- sync

async fn sync(session: &Session, client: &Client, args: SyncArgs) -> anyhow::Result<()> {
    let catalog = client.catalog();
    if let Some(file) = args.import {
        let imported = with_spinner(
            "importing the catalog snapshot",
            catalog.import_snapshot(file.clone()),
        )
        .await?;
        if session.json {
            return print_json(&serde_json::json!({
                "imported": imported.imported,
                "guides": imported.guides,
            }));
        }
        if imported.imported {
            println!(
                "imported {} guides from {}; the next sync fetches only what changed since the snapshot was made",
                imported.guides,
                file.display()
            );
        } else {
            println!(
                "the catalog was synced before, so the snapshot was left alone ({} guides offline)",
                imported.guides
            );
        }
        return Ok(());
    }

    let before = catalog.status().await?;
    let options = SyncOptions {
        snapshot_on_first_install: !args.pages,
        page_size: args.page_size,
    };
    let snapshot_expected = options.snapshot_on_first_install && before.guides == 0;
    let bar = SyncBar::new(snapshot_expected);
    let outcome = sync_until_ctrl_c(&catalog, options, Some(bar.listener())).await;
    bar.finish();
    let (report, interrupted) = outcome?;
    let stopped = interrupted || !report.completed;
    if session.json {
        print_json(&SyncReportJson::from(&report))?;
    } else if stopped {
        eprintln!(
            "sync stopped after {} page(s): {} guides offline, nothing half-applied; \
             `bst guides sync` resumes where it stopped",
            report.pages, report.guides
        );
    } else {
        println!("{}", sync_summary(&report));
    }
    if stopped {
        return Err(Interrupted.into());
    }
    Ok(())
}

/// Runs a sync; the first Ctrl-C cancels it cleanly (after the page it is
/// applying), a second one exits at once. Returns the report and whether
/// Ctrl-C stopped it.
pub async fn sync_until_ctrl_c(
    catalog: &Catalog,
    options: SyncOptions,
    listener: Option<ProgressListener>,
) -> anyhow::Result<(SyncReport, bool)> {
    let sync = catalog.sync_with(options, listener);
    tokio::pin!(sync);
    // Polled first, so the handler is in place before any request goes out.
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    let signalled = tokio::select! {
        biased;
        signal = &mut ctrl_c => signal.is_ok(),
        report = &mut sync => return Ok((report?, false)),
    };
    if !signalled {
        // No signal handling here: let the sync run to its end.
        return Ok((sync.await?, false));
    }
    eprintln!("\nCtrl-C: stopping after the current page (Ctrl-C again to quit at once)");
    catalog.cancel_sync();
    tokio::select! {
        report = &mut sync => Ok((report?, true)),
        _ = tokio::signal::ctrl_c() => {
            // Every page commits whole with its cursor: quitting now loses nothing.
            eprintln!("quit; `bst guides sync` resumes where this one stopped");
            std::process::exit(130)
        }
    }
}

/// One line saying what a finished sync did.
pub fn sync_summary(report: &SyncReport) -> String {
    let mut line = if report.used_snapshot {
        "first install from the compressed snapshot".to_owned()
    } else if report.upserted + report.deleted + report.swept == 0 {
        "already up to date".to_owned()
    } else {
        format!(
            "{} page(s): {} new or updated, {} withdrawn",
            report.pages, report.upserted, report.deleted
        )
    };
    if report.restarted {
        line.push_str(
            "; the platform had compacted its change log, so the catalog was read again from the start",
        );
    }
    if report.swept > 0 {
        line.push_str(&format!(
            "; {} guides no longer on the platform were dropped",
            report.swept
        ));
    }
    line.push_str(&format!("; {} guides offline", report.guides));
    line
}

/// The sync's progress on stderr (a terminal only): a spinner until the
/// platform says how many changes are left, then a bar over them.
pub struct SyncBar {
    bar: ProgressBar,
    /// Changes counted before the current run of pages (the snapshot's, or
    /// those before a restart), so the bar covers the pages only.
    base: Arc<Mutex<u64>>,
}

impl SyncBar {
    pub fn new(snapshot_expected: bool) -> SyncBar {
        let bar = ProgressBar::new_spinner();
        bar.set_style(spinner_style());
        bar.set_message(if snapshot_expected {
            "downloading the catalog snapshot"
        } else {
            "asking the platform what changed"
        });
        bar.enable_steady_tick(Duration::from_millis(100));
        SyncBar {
            bar,
            base: Arc::default(),
        }
    }

    pub fn listener(&self) -> ProgressListener {
        let bar = self.bar.clone();
        let base = self.base.clone();
        Arc::new(move |p: &SyncProgress| {
            let mut base = base.lock().unwrap_or_else(|e| e.into_inner());
            let changes = p.upserted + p.deleted;
            match p.phase {
                SyncPhase::Started | SyncPhase::Finished | SyncPhase::Cancelled => {}
                SyncPhase::SnapshotImported => {
                    *base = changes;
                    bar.set_message(format!(
                        "snapshot imported ({} guides); asking what changed since",
                        p.guides
                    ));
                }
                SyncPhase::Restarted => {
                    *base = changes;
                    bar.set_style(spinner_style());
                    bar.set_message(
                        "the platform's change log moved on: reading it from the start",
                    );
                }
                SyncPhase::PageApplied => {
                    let done = changes.saturating_sub(*base);
                    if let Some(remaining) = p.remaining {
                        if bar.length().is_none() {
                            bar.set_style(bar_style());
                        }
                        bar.set_length(done + remaining);
                        bar.set_position(done);
                    }
                    bar.set_message(format!("page {} · {} guides offline", p.pages, p.guides));
                }
            }
        })
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {msg} {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}

fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} changes · {msg} {elapsed}")
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}

#[derive(Serialize)]
struct SyncReportJson {
    completed: bool,
    pages: u32,
    upserted: u64,
    deleted: u64,
    swept: u64,
    used_snapshot: bool,
    restarted: bool,
    guides: u64,
    last_synced_at_ms: Option<i64>,
}

impl From<&SyncReport> for SyncReportJson {
    fn from(r: &SyncReport) -> Self {
        SyncReportJson {
            completed: r.completed,
            pages: r.pages,
            upserted: r.upserted,
            deleted: r.deleted,
            swept: r.swept,
            used_snapshot: r.used_snapshot,
            restarted: r.restarted,
            guides: r.guides,
            last_synced_at_ms: r.last_synced_at_ms,
        }
    }
}

async fn status(session: &Session, client: &Client) -> anyhow::Result<()> {
    let status = client.catalog().status().await?;
    if session.json {
        return print_json(&serde_json::json!({
            "guides": status.guides,
            "last_synced_at_ms": status.last_synced_at_ms,
            "sync_incomplete": status.sync_incomplete,
        }));
    }
    println!("{} guides offline", status.guides);
    match status.last_synced_at_ms {
        Some(ms) => println!("last synced {} ({})", china_time(ms), ago(ms)),
        None => println!("never synced (bst guides sync)"),
    }
    if status.sync_incomplete {
        println!("a sync stopped part-way; `bst guides sync` continues it");
    }
    Ok(())
}

// -------------------------------------------------------------- search

/// The empty-catalog message, shared by the read commands.
async fn ensure_synced(catalog: &Catalog) -> anyhow::Result<()> {
    if catalog.status().await?.guides == 0 {
        bail!("the offline guide catalog is empty: run `bst guides sync` first");
    }
    Ok(())
}

/// The signed-in user's preferred region, when there is one.
pub async fn preferred_region(client: &Client) -> Option<String> {
    if !matches!(client.auth().state(), SessionState::SignedIn { .. }) {
        return None;
    }
    let preferences = client.my_preferences().await.ok()?;
    preferences.get(PREFERRED_REGION_KEY).await.ok().flatten()
}

async fn search(session: &Session, client: &Client, args: SearchArgs) -> anyhow::Result<()> {
    let catalog = client.catalog();
    ensure_synced(&catalog).await?;
    let (prefer_region_code, from_preference) = match args.prefer_region {
        Some(code) => (Some(code), false),
        None => {
            let preferred = preferred_region(client).await;
            let found = preferred.is_some();
            (preferred, found)
        }
    };
    let audience = match (args.person, args.company) {
        (true, _) => Some(Audience::NaturalPerson),
        (_, true) => Some(Audience::LegalPerson),
        _ => None,
    };
    let request = SearchRequest {
        query: args.query.clone(),
        filters: GuideFilters {
            region_code: args.region,
            department_code: args.department,
            theme: args.theme,
            audience,
            min_online_depth: args.min_depth,
        },
        prefer_region_code: prefer_region_code.clone(),
        page_token: args.page.clone(),
        limit: args.limit,
    };
    let page = catalog.search(request).await.map_err(|e| match e {
        Error::InvalidInput { message } if message.contains("page_token") => anyhow::anyhow!(
            "--page {}: not a token this catalog handed out (pass the `more: --page …` a previous search printed)",
            args.page.as_deref().unwrap_or_default()
        ),
        other => other.into(),
    })?;
    if session.json {
        return print_json(&SearchPageJson {
            query: &args.query,
            prefer_region_code: prefer_region_code.as_deref(),
            hits: page.hits.iter().map(SearchHitJson::from).collect(),
            next_page_token: page.next_page_token.as_deref(),
        });
    }
    if from_preference && let Some(code) = &prefer_region_code {
        eprintln!("guides of {code} first (your preferred region; --prefer-region to change)");
    }
    let style = Style::for_stdout();
    print_hits(style, &page, 0);
    if page.hits.is_empty() {
        if args.page.is_some() {
            println!("no more results");
        } else {
            println!("no guides match; try fewer words, pinyin initials, or fewer filters");
        }
    }
    if let Some(token) = &page.next_page_token {
        println!("\nmore: --page {token}");
    }
    Ok(())
}

/// The hits, numbered from `first + 1`: name (highlighted), code,
/// department, regions, online depth, then the matching snippet.
pub fn print_hits(style: Style, page: &SearchPage, first: usize) {
    for (i, hit) in page.hits.iter().enumerate() {
        for line in hit_lines(style, hit, first + i + 1) {
            println!("{line}");
        }
    }
}

pub fn hit_lines(style: Style, hit: &SearchHit, number: usize) -> Vec<String> {
    let mut regions = hit
        .region_codes
        .iter()
        .take(3)
        .cloned()
        .collect::<Vec<_>>()
        .join(",");
    if hit.region_codes.len() > 3 {
        regions.push_str(&format!(" +{}", hit.region_codes.len() - 3));
    }
    let mut facts = vec![
        hit.department_name.clone(),
        regions,
        format!("online depth {}/4", hit.online_depth),
        format!("matched in {}", matched_in_label(hit.matched_in)),
    ];
    if hit.in_preferred_region {
        facts.push("your region".into());
    }
    let mut lines = vec![
        format!(
            "{number:>2}. {}  {}",
            style.spans(&hit.name_spans),
            style.dim(&hit.code)
        ),
        format!("    {}", style.dim(&facts.join(" · "))),
    ];
    if !hit.snippet.is_empty() {
        lines.push(format!("    {}", style.spans(&hit.snippet)));
    }
    lines
}

fn matched_in_label(m: MatchedIn) -> &'static str {
    match m {
        MatchedIn::NameStart | MatchedIn::Name => "name",
        MatchedIn::MaterialsOrConditions => "materials/conditions",
        MatchedIn::Body => "guide text",
        MatchedIn::Filters => "filters",
    }
}

fn matched_in_json(m: MatchedIn) -> &'static str {
    match m {
        MatchedIn::NameStart => "name_start",
        MatchedIn::Name => "name",
        MatchedIn::MaterialsOrConditions => "materials_or_conditions",
        MatchedIn::Body => "body",
        MatchedIn::Filters => "filters",
    }
}

#[derive(Serialize)]
struct SearchPageJson<'a> {
    query: &'a str,
    prefer_region_code: Option<&'a str>,
    hits: Vec<SearchHitJson<'a>>,
    next_page_token: Option<&'a str>,
}

#[derive(Serialize)]
struct SpanJson<'a> {
    text: &'a str,
    highlighted: bool,
}

#[derive(Serialize)]
struct SearchHitJson<'a> {
    code: &'a str,
    name: &'a str,
    name_spans: Vec<SpanJson<'a>>,
    department_name: &'a str,
    region_codes: &'a [String],
    online_depth: u8,
    matched_in: &'static str,
    in_preferred_region: bool,
    snippet: Vec<SpanJson<'a>>,
}

impl<'a> From<&'a SearchHit> for SearchHitJson<'a> {
    fn from(hit: &'a SearchHit) -> Self {
        let spans = |spans: &'a [banshitong_core::catalog::TextSpan]| {
            spans
                .iter()
                .map(|s| SpanJson {
                    text: &s.text,
                    highlighted: s.highlighted,
                })
                .collect()
        };
        SearchHitJson {
            code: &hit.code,
            name: &hit.name,
            name_spans: spans(&hit.name_spans),
            department_name: &hit.department_name,
            region_codes: &hit.region_codes,
            online_depth: hit.online_depth,
            matched_in: matched_in_json(hit.matched_in),
            in_preferred_region: hit.in_preferred_region,
            snippet: spans(&hit.snippet),
        }
    }
}

// ---------------------------------------------------------------- show

/// Guide codes are `<item>-<region>`: ASCII letters, digits and '-'.
pub fn check_code(code: &str) -> anyhow::Result<()> {
    let well_formed = !code.is_empty()
        && code.len() <= 64
        && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !well_formed {
        bail!(
            "{code:?} is not a guide code (codes look like GA001-530102; find one with `bst guides search`)"
        );
    }
    Ok(())
}

/// One guide: revalidated with the platform when it answers in time, else
/// the offline copy. Errors name what the user can do.
pub async fn open_guide(catalog: &Catalog, code: &str) -> anyhow::Result<GuideView> {
    check_code(code)?;
    match catalog.guide(code.to_owned()).await {
        Ok(view) => Ok(view),
        Err(Error::NotFound { .. }) => bail!(
            "no service guide has the code {code} (it may have been withdrawn; \
             find current ones with `bst guides search`)"
        ),
        Err(e) if e.is_network() => Err(anyhow::Error::new(e).context(format!(
            "guide {code} is not in the offline catalog and the platform cannot be reached"
        ))),
        Err(e) => Err(e.into()),
    }
}

async fn show(session: &Session, client: &Client, args: ShowArgs) -> anyhow::Result<()> {
    let catalog = client.catalog();
    let view = with_spinner("opening the guide", open_guide(&catalog, &args.code)).await?;
    if session.json {
        return print_json(&GuideViewJson {
            guide: &view.guide,
            freshness: FreshnessJson::from(view.freshness),
        });
    }
    for line in guide_lines(Style::for_stdout(), &view) {
        println!("{line}");
    }
    Ok(())
}

pub fn freshness_line(freshness: Freshness) -> String {
    match freshness {
        Freshness::Revalidated => "current: checked with the platform just now".into(),
        Freshness::Offline {
            synced_at_ms: Some(ms),
        } => format!(
            "offline copy as of {} ({}); the platform could not be asked",
            china_time(ms),
            ago(ms)
        ),
        Freshness::Offline { synced_at_ms: None } => {
            "offline copy; the platform could not be asked".into()
        }
    }
}

fn form_label(form: MaterialForm) -> &'static str {
    match form {
        MaterialForm::Original => "原件",
        MaterialForm::Copy => "复印件",
        MaterialForm::OriginalAndCopy => "原件及复印件",
    }
}

pub fn material_line(material: &Material) -> String {
    let mut line = format!(
        "{} — {} {}份, {}",
        material.name,
        form_label(material.form),
        material.copies,
        if material.required {
            "required (必要)"
        } else {
            "if applicable (非必要)"
        }
    );
    if material.source == MaterialSource::Licence {
        line.push_str(" · 电子证照可免提交");
        if let Some(licence) = &material.licence_type
            && licence != &material.name
        {
            line.push_str(&format!("（{licence}）"));
        }
    }
    line
}

/// Money in yuan from fen: 2000 → "20.00 元".
pub fn yuan(fen: u32) -> String {
    format!("{}.{:02} 元", fen / 100, fen % 100)
}

fn audiences(guide: &Guide) -> String {
    guide
        .audiences
        .iter()
        .map(|a| match a {
            Audience::NaturalPerson => "citizens (自然人)",
            Audience::LegalPerson => "companies (法人)",
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

pub fn guide_lines(style: Style, view: &GuideView) -> Vec<String> {
    let g = &view.guide;
    let mut out = vec![
        format!("{}  {}", style.bold(&g.name), style.dim(&g.code)),
        format!(
            "{} · {} · regions {} · for {}",
            g.item_type,
            g.department_name,
            g.region_codes.join(","),
            audiences(g)
        ),
    ];
    if !g.themes.is_empty() {
        out.push(format!("themes: {}", g.themes.join("、")));
    }
    out.push(format!(
        "revision {} · {}",
        g.revision,
        freshness_line(view.freshness)
    ));

    let mut section = |title: &str, lines: Vec<String>| {
        if lines.is_empty() {
            return;
        }
        out.push(String::new());
        out.push(style.bold(title));
        out.extend(lines.into_iter().map(|l| format!("  {l}")));
    };
    let numbered = |items: Vec<String>| -> Vec<String> {
        items
            .into_iter()
            .enumerate()
            .map(|(i, item)| format!("{}. {item}", i + 1))
            .collect()
    };
    section("Conditions (受理条件)", numbered(g.conditions.clone()));
    section(
        "Materials (申请材料)",
        numbered(g.materials.iter().map(material_line).collect()),
    );
    section(
        "Steps (办理流程)",
        numbered(
            g.steps
                .iter()
                .map(|s| format!("{}: {}", s.name, s.description))
                .collect(),
        ),
    );
    section(
        "Time limits (办结时限)",
        vec![format!(
            "promised {} working days (承诺), legal {} working days (法定)",
            g.promised_time_limit_days, g.legal_time_limit_days
        )],
    );
    let fees = if g.fees.is_empty() {
        vec!["free (不收费)".to_owned()]
    } else {
        g.fees
            .iter()
            .map(|f| format!("{}: {} — {}", f.name, yuan(f.amount_fen), f.basis))
            .collect()
    };
    section("Fees (收费)", fees);
    let mut places = Vec::new();
    for p in &g.places {
        places.push(format!("{}, {}", p.name, p.window));
        places.push(format!("  address {}", p.address));
        places.push(format!("  hours   {}", p.hours));
        places.push(format!("  phone   {}", p.phone));
    }
    section("Where (办理地点)", places);
    section(
        "Online (网上办理)",
        vec![
            format!(
                "online depth {}/4 · in-person visits: {} · booking: {} · courier delivery: {}",
                g.online_depth,
                g.visits_in_person,
                yes_no(g.booking),
                yes_no(g.courier_delivery)
            ),
            match &g.form_schema_id {
                Some(schema) => format!("application form: {schema}"),
                None => "no online application form".to_owned(),
            },
        ],
    );
    section("Legal basis (设定依据)", g.legal_basis.clone());
    out
}

#[derive(Serialize)]
struct GuideViewJson<'a> {
    /// The platform's guide JSON, field for field.
    guide: &'a Guide,
    freshness: FreshnessJson,
}

#[derive(Serialize)]
struct FreshnessJson {
    /// "revalidated" or "offline".
    state: &'static str,
    synced_at_ms: Option<i64>,
}

impl From<Freshness> for FreshnessJson {
    fn from(freshness: Freshness) -> Self {
        match freshness {
            Freshness::Revalidated => FreshnessJson {
                state: "revalidated",
                synced_at_ms: None,
            },
            Freshness::Offline { synced_at_ms } => FreshnessJson {
                state: "offline",
                synced_at_ms,
            },
        }
    }
}

// -------------------------------------------------------------- browse

async fn browse(
    session: &Session,
    client: &Client,
    grouping: Grouping,
    scope: RegionScope,
) -> anyhow::Result<()> {
    let catalog = client.catalog();
    ensure_synced(&catalog).await?;
    let by = match grouping {
        Grouping::Theme => BrowseBy::Theme,
        Grouping::Department => BrowseBy::Department,
        Grouping::Region => BrowseBy::Region,
    };
    let mut facets = catalog
        .browse(by, scope.region.clone())
        .await
        .context("cannot count the offline guides")?;
    if matches!(grouping, Grouping::Region) && facets.iter().any(|f| f.label == f.value) {
        // Region names come from the cached divisions: fetch them once (a
        // cached copy will do), else the codes stand in for the names.
        if with_spinner("fetching region names", client.regions())
            .await
            .is_ok()
        {
            facets = catalog.browse(by, scope.region.clone()).await?;
        }
    }
    if session.json {
        return print_json(&facets.iter().map(FacetJson::from).collect::<Vec<_>>());
    }
    for facet in &facets {
        match grouping {
            Grouping::Theme => println!("{:>6}  {}", facet.count, facet.label),
            Grouping::Department | Grouping::Region => {
                println!("{:>6}  {:<16} {}", facet.count, facet.value, facet.label)
            }
        }
    }
    let filter = match grouping {
        Grouping::Theme => "--theme",
        Grouping::Department => "--department",
        Grouping::Region => "--region",
    };
    eprintln!(
        "{} groups{}; narrow a search with `bst guides search … {filter} VALUE`",
        facets.len(),
        scope
            .region
            .map(|r| format!(" within {r}"))
            .unwrap_or_default()
    );
    Ok(())
}

#[derive(Serialize)]
struct FacetJson<'a> {
    value: &'a str,
    label: &'a str,
    count: u64,
}

impl<'a> From<&'a FacetCount> for FacetJson<'a> {
    fn from(f: &'a FacetCount) -> Self {
        FacetJson {
            value: &f.value,
            label: &f.label,
            count: f.count,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fees_are_shown_in_yuan() {
        assert_eq!(yuan(2000), "20.00 元");
        assert_eq!(yuan(5), "0.05 元");
        assert_eq!(yuan(12345), "123.45 元");
    }

    #[test]
    fn licence_sourced_materials_need_not_be_submitted() {
        let material = Material {
            name: "营业执照".into(),
            form: MaterialForm::OriginalAndCopy,
            copies: 1,
            required: true,
            source: MaterialSource::Licence,
            licence_type: Some("营业执照".into()),
        };
        assert_eq!(
            material_line(&material),
            "营业执照 — 原件及复印件 1份, required (必要) · 电子证照可免提交"
        );
    }

    #[test]
    fn guide_codes_are_checked_before_any_request() {
        assert!(check_code("GA001-530102").is_ok());
        assert!(check_code("../etc").is_err());
        assert!(check_code("社保").is_err());
        assert!(check_code("").is_err());
    }
}
