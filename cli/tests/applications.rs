//! `bst apps`, `bst apps watch` and `bst app NO [supplement | withdraw]`
//! end to end: the real binary against an in-process reference server
//! (dev routes on), whose office is played by the development routes:
//! `/dev/applications/seed` makes applications at a chosen step of the
//! workflow and `/dev/applications/{no}/advance` moves one on.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

mod common;
use common::*;

const PHONE: &str = "13900007777";

/// How long a change may take to reach `bst apps watch` (milliseconds on
/// loopback; generous for a loaded CI machine).
const HEARD_WITHIN: Duration = Duration::from_secs(20);

/// A signed-in `bst` and its account's user id.
fn signed_in(platform: &Platform) -> (Bst, String) {
    let bst = Bst::new(platform);
    bst.ok(&["login", "--phone", PHONE]);
    let me = bst.json(&["whoami"]);
    let user = me["user_id"].as_str().unwrap().to_owned();
    (bst, user)
}

/// `count` applications walked to `entries` timeline entries (1:
/// submitted; 3: under review; 10: delivered by courier).
fn seed(platform: &Platform, user: &str, count: usize, entries: usize) {
    platform.dev(
        reqwest::Method::POST,
        "/dev/applications/seed",
        Some(json!({"user_id": user, "count": count, "entries": entries})),
    );
}

fn advance(platform: &Platform, no: &str, body: Value) -> Value {
    platform.dev(
        reqwest::Method::POST,
        &format!("/dev/applications/{no}/advance"),
        Some(body),
    )
}

fn photo_request() -> Value {
    json!({
        "action": "request_supplement",
        "comment": "请补交清晰的照片",
        "materials": [{"key": "photo", "name": "近期免冠照片", "reason": "照片模糊"}],
    })
}

/// The numbers `bst apps --json` lists with this status.
fn numbers_in(bst: &Bst, status: &str) -> Vec<String> {
    bst.json(&["apps"])["applications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["status"] == status)
        .map(|a| a["application_no"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn apps_are_listed_filtered_and_shown_in_full_and_read_offline() {
    let mut platform = Platform::start();
    let (bst, user) = signed_in(&platform);
    seed(&platform, &user, 1, 1);
    seed(&platform, &user, 1, 10);

    let list = bst.json(&["apps"]);
    assert_eq!(list["synced"], true);
    assert_eq!(list["applications"].as_array().unwrap().len(), 2, "{list}");
    let submitted = numbers_in(&bst, "submitted").pop().unwrap();
    let delivered = numbers_in(&bst, "delivered").pop().unwrap();
    let done = bst.json(&["apps", "--filter", "done"]);
    assert_eq!(
        done["applications"][0]["application_no"],
        delivered.as_str()
    );
    assert_eq!(done["applications"].as_array().unwrap().len(), 1);
    let open = bst.json(&["apps", "--filter", "in-progress"]);
    assert_eq!(
        open["applications"][0]["application_no"],
        submitted.as_str()
    );
    let waiting = bst.json(&["apps", "--filter", "needs-action"]);
    assert_eq!(waiting["applications"], json!([]));

    let table = bst.ok(&["apps"]);
    assert!(table.contains("办件编号"), "{table}");
    assert!(
        table.contains("已提交") && table.contains("已送达"),
        "{table}"
    );
    assert!(table.contains(&delivered), "{table}");

    let shown = bst.json(&["app", &delivered]);
    assert_eq!(shown["refreshed"], true);
    let app = &shown["application"];
    assert_eq!(app["status"], "delivered");
    assert_eq!(app["timeline"].as_array().unwrap().len(), 10, "{app}");
    let text = bst.ok(&["app", &delivered]);
    for expected in [
        "已送达 (delivered)",
        "Timeline (办理过程)",
        "受理",
        "补正通知",
        "准予许可",
    ] {
        assert!(text.contains(expected), "{expected} missing: {text}");
    }
    assert!(text.contains("by courier"), "{text}");
    let submitted_text = bst.ok(&["app", &submitted]);
    assert!(submitted_text.contains("withdraw"), "{submitted_text}");

    // No platform: the list and the detail come from this device.
    platform.stop();
    let offline = bst.json(&["apps", "--offline"]);
    assert_eq!(offline["synced"], false);
    assert_eq!(offline["applications"].as_array().unwrap().len(), 2);
    let out = bst.run(&["apps"]);
    assert!(out.status.success());
    assert!(
        text_of(&out.stderr).contains("cannot be reached"),
        "{}",
        text_of(&out.stderr)
    );
    assert!(text_of(&out.stdout).contains(&delivered));
    let held = bst.json(&["app", &delivered]);
    assert_eq!(held["refreshed"], false);
    assert_eq!(held["application"], shown["application"]);
    let (_, stderr) = bst.fails(&["app", "YN0000000000000000", "--offline"]);
    assert!(stderr.contains("`bst apps` lists yours"), "{stderr}");
}

fn text_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `bst [--json] apps watch` running, its stdout read line by line.
struct Watching {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Watching {
    fn start(bst: &Bst) -> Watching {
        Watching::spawn(bst, &["--json", "apps", "watch"])
    }

    fn start_text(bst: &Bst) -> Watching {
        Watching::spawn(bst, &["apps", "watch"])
    }

    fn spawn(bst: &Bst, args: &[&str]) -> Watching {
        let mut child = bst
            .command(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Watching { child, lines }
    }

    /// The first text line `wanted` accepts; every line before it is skipped.
    fn until_line(&self, what: &str, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = std::time::Instant::now() + HEARD_WITHIN;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if wanted(&line) => return line,
                Ok(_) => {}
                Err(e) => panic!("bst apps watch never printed {what}: {e}"),
            }
        }
    }

    /// The first JSON line `wanted` accepts (`--json`: every line is one).
    fn until(&self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        let line = self.until_line(what, |line| {
            let value: Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            wanted(&value)
        });
        serde_json::from_str(&line).unwrap()
    }

    /// Ctrl-C: a clean stop with status 130.
    fn interrupt(mut self) {
        let pid = self.child.id().to_string();
        let sent = std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap();
        assert!(sent.success());
        let status = self.child.wait().unwrap();
        assert_eq!(status.code(), Some(130), "{status}");
    }
}

#[test]
fn watch_prints_the_live_state_each_change_and_each_notice_as_they_happen() {
    let platform = Platform::start();
    let (bst, user) = signed_in(&platform);
    seed(&platform, &user, 1, 1);
    let no = numbers_in(&bst, "submitted").pop().unwrap();

    let watching = Watching::start(&bst);
    // The connection's state and the list, in whichever order they come.
    let (mut live, mut listed) = (false, false);
    while !(live && listed) {
        let line = watching.until("the live state and the list", |_| true);
        live |= line["live"] == "live";
        listed |= line["application"]["status"] == "submitted";
    }

    advance(&platform, &no, json!({"action": "accept"}));
    let accepted = watching.until("the accepted application", |l| {
        l["application"]["status"] == "accepted"
    });
    assert_eq!(accepted["application"]["application_no"], no.as_str());
    watching.interrupt();

    // Asked while nobody watched: the next watch catches up (the cursor
    // sync after connecting) and raises the notice all the same.
    advance(&platform, &no, photo_request());
    let again = Watching::start(&bst);
    let notice = again.until("the supplement notice", |l| {
        !l["event"]["supplement_required"].is_null()
    });
    let asked = &notice["event"]["supplement_required"];
    assert_eq!(asked["application_no"], no.as_str());
    assert_eq!(asked["materials"][0]["key"], "photo");
    again.interrupt();
    let listed = bst.json(&["apps", "--offline"]);
    assert_eq!(listed["applications"][0]["status"], "supplement_required");
    assert_eq!(listed["applications"][0]["needs_action"], "supplement");
}

#[test]
fn watch_says_when_the_live_connection_is_lost() {
    let mut platform = Platform::start();
    let (bst, user) = signed_in(&platform);
    seed(&platform, &user, 1, 1);
    let watching = Watching::start_text(&bst);
    watching.until_line("the live state", |l| l.ends_with("live connection: live"));
    platform.stop();
    let retrying = watching.until_line("the retry", |l| l.contains("live connection: retrying in"));
    assert!(retrying.contains("(attempt "), "{retrying}");
    watching.interrupt();
}

#[test]
fn a_supplement_request_is_answered_with_a_file_and_withdraw_follows_the_rules() {
    let platform = Platform::start();
    let (bst, user) = signed_in(&platform);
    seed(&platform, &user, 1, 3);
    let no = numbers_in(&bst, "under_review").pop().unwrap();

    // Nothing asked yet: no answer to give.
    let (_, stderr) = bst.fails(&["app", &no, "supplement", sample_photo().to_str().unwrap()]);
    assert!(stderr.contains("no open supplement request"), "{stderr}");

    advance(&platform, &no, photo_request());
    let text = bst.ok(&["app", &no]);
    assert!(text.contains("Supplement request (补正通知)"), "{text}");
    assert!(text.contains("近期免冠照片 (photo): 照片模糊"), "{text}");
    assert!(
        text.contains(&format!("bst app {no} supplement FILE1")),
        "{text}"
    );
    let listed = bst.json(&["apps", "--filter", "needs-action"]);
    assert_eq!(listed["applications"][0]["application_no"], no.as_str());

    // One file per requested material, or nothing happens.
    let files = tempfile::tempdir().unwrap();
    let extra = sample_pdf(files.path(), 4096, 1);
    let photo = sample_photo();
    let (_, stderr) = bst.fails(&[
        "app",
        &no,
        "supplement",
        photo.to_str().unwrap(),
        extra.to_str().unwrap(),
    ]);
    assert!(stderr.contains("asks for 1 material"), "{stderr}");
    // Nothing attached yet: the answer as it stands is incomplete.
    let (stdout, stderr) = bst.fails(&["app", &no, "supplement"]);
    assert!(stdout.contains("not sent"), "{stdout}");
    assert!(stderr.contains("近期免冠照片 (photo)"), "{stderr}");

    let answered = bst.json(&[
        "app",
        &no,
        "supplement",
        photo.to_str().unwrap(),
        "--comment",
        "已重新拍摄",
    ]);
    assert_eq!(answered["result"], "sent", "{answered}");
    assert_eq!(answered["uploads"][0]["state"], "done", "{answered}");
    assert_eq!(answered["uploads"][0]["slot_key"], "photo");
    assert_eq!(answered["application"]["status"], "under_review");
    let timeline = answered["application"]["timeline"].as_array().unwrap();
    let last = timeline.last().unwrap();
    assert_eq!(last["kind"], "supplement_answered", "{last}");
    let sent = platform.requests_seen(&format!("/api/v1/applications/{no}/supplement"));
    assert_eq!(sent, 1, "the answer went out {sent} times");
    let (_, stderr) = bst.fails(&["app", &no, "supplement", photo.to_str().unwrap()]);
    assert!(stderr.contains("no open supplement request"), "{stderr}");

    // Under review: withdrawing is refused, saying what is allowed.
    let (_, stderr) = bst.fails(&["app", &no, "withdraw"]);
    assert!(stderr.contains("cannot be withdrawn"), "{stderr}");

    seed(&platform, &user, 1, 1);
    let fresh = numbers_in(&bst, "submitted").pop().unwrap();
    let withdrawn = bst.json(&["app", &fresh, "withdraw", "--reason", "不再需要"]);
    assert_eq!(withdrawn["status"], "withdrawn", "{withdrawn}");
    assert_eq!(withdrawn["can_withdraw"], false);
    // A retry is harmless: the same answer, nothing changed.
    let again = bst.json(&["app", &fresh, "withdraw"]);
    assert_eq!(again["change_seq"], withdrawn["change_seq"]);
    let text = bst.ok(&["app", &fresh]);
    assert!(text.contains("已撤回 (withdrawn)"), "{text}");

    let (_, stderr) = bst.fails(&["app", "YN0000000000000000"]);
    assert!(stderr.contains("no application has the number"), "{stderr}");
}

#[test]
fn applications_need_a_signed_in_account() {
    let platform = Platform::start();
    let bst = Bst::new(&platform);
    let (_, stderr) = bst.fails(&["apps"]);
    assert!(stderr.contains("not signed in"), "{stderr}");
    let (_, stderr) = bst.fails(&["app", "YN2026112700000001"]);
    assert!(stderr.contains("not signed in"), "{stderr}");
}
