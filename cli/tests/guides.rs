//! `bst guides …` end to end: the real binary against an in-process
//! reference server (300 guides, dev routes on), each test with its own
//! server and data folders.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

mod common;
use common::*;

fn bst_command(api: &str, data: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_bst"));
    command
        .args(["--api", api, "--secret-store", "memory", "--data"])
        .arg(data)
        .args(args)
        .env_remove("BST_API")
        .env_remove("BST_DATA")
        .env_remove("BST_SECRET_STORE")
        .stdin(Stdio::null());
    command
}

fn bst(api: &str, data: &Path, args: &[&str]) -> Output {
    bst_command(api, data, args).output().expect("bst runs")
}

/// Runs `bst`, expects success and returns its standard output.
fn ok(api: &str, data: &Path, args: &[&str]) -> String {
    let out = bst(api, data, args);
    assert!(
        out.status.success(),
        "bst {args:?} failed ({}): {}",
        out.status,
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// Runs `bst --json …`, expects success and parses standard output.
fn json(api: &str, data: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let stdout = ok(api, data, &all);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("bst {args:?}: {e}: {stdout}"))
}

/// Runs `bst`, expects failure and returns its standard error.
fn fails(api: &str, data: &Path, args: &[&str]) -> String {
    let out = bst(api, data, args);
    assert!(
        !out.status.success(),
        "bst {args:?} should fail: {}",
        text(&out.stdout)
    );
    text(&out.stderr)
}

#[test]
fn sync_then_search_show_and_browse() {
    let platform = Platform::start();
    let api = platform.url();
    let data = tempfile::tempdir().unwrap();
    let data = data.path();

    let stderr = fails(&api, data, &["guides", "search", "社保"]);
    assert!(stderr.contains("run `bst guides sync` first"), "{stderr}");

    let report = json(&api, data, &["guides", "sync"]);
    assert_eq!(
        keys(&report),
        [
            "completed",
            "deleted",
            "guides",
            "last_synced_at_ms",
            "pages",
            "restarted",
            "swept",
            "upserted",
            "used_snapshot"
        ]
    );
    assert_eq!(report["completed"], true);
    assert_eq!(report["used_snapshot"], true);
    assert_eq!(report["guides"], GUIDES);
    assert!(report["last_synced_at_ms"].is_i64());
    assert_eq!(
        requests_seen_snapshot(&platform),
        1,
        "a first install takes the snapshot"
    );

    let status = json(&api, data, &["guides", "status"]);
    assert_eq!(status["guides"], GUIDES);
    assert_eq!(status["sync_incomplete"], false);
    let again = ok(&api, data, &["guides", "sync"]);
    assert!(again.contains("already up to date"), "{again}");

    // Search: JSON shape, highlights, paging.
    let page = json(&api, data, &["guides", "search", "社保", "--limit", "5"]);
    assert_eq!(
        keys(&page),
        ["hits", "next_page_token", "prefer_region_code", "query"]
    );
    assert_eq!(page["query"], "社保");
    let hits = page["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 5);
    assert_eq!(
        keys(&hits[0]),
        [
            "code",
            "department_name",
            "in_preferred_region",
            "matched_in",
            "name",
            "name_spans",
            "online_depth",
            "region_codes",
            "snippet"
        ]
    );
    let highlighted = |spans: &Value| {
        spans
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["highlighted"] == true)
    };
    assert!(
        hits.iter()
            .all(|h| highlighted(&h["name_spans"]) || highlighted(&h["snippet"])),
        "every hit shows where it matched: {hits:?}"
    );
    let token = page["next_page_token"].as_str().expect("more than 5 hits");
    let next = json(
        &api,
        data,
        &["guides", "search", "社保", "--limit", "5", "--page", token],
    );
    let first: Vec<&Value> = hits.iter().map(|h| &h["code"]).collect();
    for hit in next["hits"].as_array().unwrap() {
        assert!(!first.contains(&&hit["code"]), "pages do not overlap");
    }

    // Piped text marks matches with brackets and shows the next-page token.
    let plain = ok(&api, data, &["guides", "search", "社保", "--limit", "3"]);
    assert!(plain.contains('【') && plain.contains('】'), "{plain}");
    assert!(!plain.contains('\x1b'), "no escape codes in a pipe");
    assert!(plain.contains("more: --page p"), "{plain}");

    // Pinyin initials find 营业执照.
    let pinyin = json(&api, data, &["guides", "search", "yyzz", "--limit", "3"]);
    let names: Vec<&str> = pinyin["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert!(names.iter().any(|n| n.contains("营业执照")), "{names:?}");

    // Filters.
    let filtered = json(
        &api,
        data,
        &[
            "guides",
            "search",
            "--person",
            "--min-depth",
            "3",
            "--region",
            "530100",
            "--limit",
            "100",
        ],
    );
    let hits = filtered["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    for hit in hits {
        assert!(hit["online_depth"].as_u64().unwrap() >= 3, "{hit}");
        assert!(
            hit["region_codes"].as_array().unwrap().iter().any(|r| r
                .as_str()
                .unwrap()
                .starts_with("5301")
                || r.as_str().unwrap() == "530000"),
            "{hit}"
        );
        assert_eq!(hit["matched_in"], "filters");
    }

    // Show: the JSON is the platform's guide plus its freshness.
    let code = hits[0]["code"].as_str().unwrap();
    let view = json(&api, data, &["guides", "show", code]);
    assert_eq!(keys(&view), ["freshness", "guide"]);
    assert_eq!(view["guide"]["code"], code);
    assert_eq!(view["freshness"]["state"], "revalidated");
    assert!(view["guide"]["materials"].is_array());

    // Text: a guide with a licence-sourced material says it need not be handed in.
    let licence_guide = ["身份证", "营业执照", "户口"]
        .iter()
        .flat_map(|q| {
            json(&api, data, &["guides", "search", q, "--limit", "20"])["hits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["code"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        })
        .find(|code| {
            let view = json(&api, data, &["guides", "show", code]);
            view["guide"]["materials"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["source"] == "licence")
        })
        .expect("some guide takes an electronic licence");
    let shown = ok(&api, data, &["guides", "show", &licence_guide]);
    for part in [
        "Materials (申请材料)",
        "电子证照可免提交",
        "Conditions (受理条件)",
        "Steps (办理流程)",
        "Time limits (办结时限)",
        "working days",
        "Fees (收费)",
        "Where (办理地点)",
        "hours",
        "phone",
        "online depth",
        "current: checked with the platform just now",
    ] {
        assert!(shown.contains(part), "missing {part:?} in:\n{shown}");
    }
    assert!(
        shown.contains("原件") || shown.contains("复印件"),
        "{shown}"
    );
    assert!(shown.contains(" 元") || shown.contains("free (不收费)"));

    // Browse.
    let themes = json(&api, data, &["guides", "themes"]);
    let themes = themes.as_array().unwrap();
    assert!(!themes.is_empty());
    assert_eq!(keys(&themes[0]), ["count", "label", "value"]);
    assert!(themes.iter().all(|t| t["count"].as_u64().unwrap() > 0));
    let text_themes = ok(&api, data, &["guides", "themes"]);
    assert!(text_themes.contains(themes[0]["label"].as_str().unwrap()));
    let departments = json(&api, data, &["guides", "browse", "--by", "department"]);
    let total: u64 = departments
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["count"].as_u64().unwrap())
        .sum();
    assert_eq!(total, GUIDES as u64, "each guide has one department");
    let regions = json(
        &api,
        data,
        &["guides", "browse", "--by", "region", "--region", "530100"],
    );
    let kunming = regions
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["value"] == "530100")
        .expect("Kunming counted");
    assert_eq!(kunming["label"], "昆明市", "region names, not codes");
}

fn requests_seen_snapshot(platform: &Platform) -> u64 {
    platform.requests_seen("/api/v1/catalog/snapshot")
}

#[test]
fn unknown_or_malformed_codes_are_clear_errors() {
    let mut platform = Platform::start();
    let api = platform.url();
    let data = tempfile::tempdir().unwrap();
    let data = data.path();
    json(&api, data, &["guides", "sync"]);

    let out = bst(&api, data, &["guides", "show", "ZZ999-530100"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("no service guide has the code ZZ999-530100"),
        "{stderr}"
    );
    assert!(text(&out.stdout).is_empty());

    let stderr = fails(&api, data, &["guides", "show", "社保/../x"]);
    assert!(stderr.contains("is not a guide code"), "{stderr}");
    let stderr = fails(&api, data, &["guides", "search", "x", "--region", "5301"]);
    assert!(stderr.contains("six-digit"), "{stderr}");
    let stderr = fails(&api, data, &["guides", "search", "x", "--page", "bogus"]);
    assert!(stderr.contains("--page bogus"), "{stderr}");

    // With the platform gone, a synced guide opens from the offline copy,
    // and an unknown one says why it cannot be shown.
    let code = json(&api, data, &["guides", "search", "证", "--limit", "1"])["hits"][0]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    platform.stop();
    let view = json(&api, data, &["guides", "show", &code]);
    assert_eq!(view["freshness"]["state"], "offline");
    assert!(view["freshness"]["synced_at_ms"].is_i64());
    let shown = ok(&api, data, &["guides", "show", &code]);
    assert!(shown.contains("offline copy as of"), "{shown}");
    let stderr = fails(&api, data, &["guides", "show", "ZZ999-530100"]);
    assert!(
        stderr.contains("not in the offline catalog and the platform cannot be reached"),
        "{stderr}"
    );
    // Search needs no network at all.
    let page = json(&api, data, &["guides", "search", "社保"]);
    assert!(!page["hits"].as_array().unwrap().is_empty());
}

#[test]
fn page_by_page_sync_and_a_shipped_snapshot() {
    let platform = Platform::start();
    let api = platform.url();
    let paged = tempfile::tempdir().unwrap();
    let report = json(
        &api,
        paged.path(),
        &["guides", "sync", "--pages", "--page-size", "100"],
    );
    assert_eq!(report["used_snapshot"], false);
    assert_eq!(report["completed"], true);
    assert!(report["pages"].as_u64().unwrap() >= 3, "{report}");
    assert_eq!(report["guides"], GUIDES);
    assert_eq!(platform.requests_seen("/api/v1/catalog/snapshot"), 0);

    // Changes on the platform come as a delta.
    platform.dev(
        reqwest::Method::POST,
        "/dev/catalog/mutate",
        Some(serde_json::json!({"upserts": 4, "deletions": 2})),
    );
    let delta = json(&api, paged.path(), &["guides", "sync"]);
    assert_eq!(
        (delta["upserted"].as_u64(), delta["deleted"].as_u64()),
        (Some(4), Some(2))
    );
    assert_eq!(delta["guides"], GUIDES - 2);
    let line = ok(&api, paged.path(), &["guides", "sync"]);
    assert!(line.contains("already up to date"), "{line}");

    // A shipped snapshot imports with no platform at all.
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), platform.snapshot_bytes()).unwrap();
    let file = file.path().to_str().unwrap();
    let nowhere = "http://127.0.0.1:9";
    let shipped = tempfile::tempdir().unwrap();
    let imported = json(
        nowhere,
        shipped.path(),
        &["guides", "sync", "--import", file],
    );
    assert_eq!(
        imported,
        serde_json::json!({"imported": true, "guides": GUIDES - 2})
    );
    let page = json(nowhere, shipped.path(), &["guides", "search", "社保"]);
    assert!(!page["hits"].as_array().unwrap().is_empty());
    let again = json(
        nowhere,
        shipped.path(),
        &["guides", "sync", "--import", file],
    );
    assert_eq!(again["imported"], false, "a synced catalog is left alone");

    let stderr = fails(
        nowhere,
        shipped.path(),
        &["guides", "sync", "--import", "/no/such/file.gz"],
    );
    assert!(stderr.contains("cannot read the snapshot"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_a_sync_cleanly_and_the_next_one_finishes_it() {
    let platform = Platform::start();
    let api = platform.url();
    let data = tempfile::tempdir().unwrap();
    // The platform asks the client to come back in 20 s: the sync is
    // waiting on its first page when Ctrl-C arrives.
    platform.dev(
        reqwest::Method::POST,
        "/dev/faults",
        Some(serde_json::json!({
            "path_prefix": "/api/v1/catalog/changes",
            "status": 503,
            "count": 4,
            "retry_after_secs": 20,
        })),
    );
    let child = bst_command(&api, data.path(), &["guides", "sync", "--pages"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while platform.requests_seen("/api/v1/catalog/changes") == 0 {
        assert!(
            Instant::now() < deadline,
            "the sync never asked for changes"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let started = Instant::now();
    // The shell's builtin `kill`: no procps needed on a slim machine.
    let signalled = Command::new("sh")
        .args(["-c", &format!("kill -INT {}", child.id())])
        .status()
        .unwrap();
    assert!(signalled.success());
    let out = child.wait_with_output().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "Ctrl-C did not wait out the platform's 20 s"
    );
    assert_eq!(out.status.code(), Some(130), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("resumes where it stopped"), "{stderr}");
    assert!(!stderr.contains("error:"), "{stderr}");

    let status = json(&api, data.path(), &["guides", "status"]);
    assert_eq!(status["sync_incomplete"], true);
    platform.dev(reqwest::Method::DELETE, "/dev/faults", None);
    let report = json(&api, data.path(), &["guides", "sync"]);
    assert_eq!(report["completed"], true);
    assert_eq!(report["guides"], GUIDES);
}
