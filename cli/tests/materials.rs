//! `bst upload`, `bst uploads` and `bst materials` end to end: the real
//! binary against an in-process reference server, each test with its own
//! server and data folder (secrets in the folder, see common/bst.rs).

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

mod common;
use common::*;

fn signed_in(platform: &Platform, phone: &str) -> Bst {
    let bst = Bst::new(platform);
    bst.ok(&["login", "--phone", phone]);
    bst
}

/// The platform's uploads, as its dev route lists them.
fn server_uploads(platform: &Platform) -> Vec<Value> {
    platform.dev(reqwest::Method::GET, "/dev/uploads", None)["uploads"]
        .as_array()
        .unwrap()
        .clone()
}

/// Every upload request fails until the faults are cleared.
fn turn_uploads_away(platform: &Platform) {
    platform.dev(
        reqwest::Method::POST,
        "/dev/faults",
        Some(json!({"path_prefix": "/api/v1/uploads", "status": 503, "count": 1000})),
    );
}

const UPLOAD_KEYS: [&str; 17] = [
    "attempts",
    "created_at_ms",
    "display_name",
    "draft_id",
    "id",
    "last_error",
    "material_ref",
    "media_type",
    "next_attempt_at_ms",
    "reason",
    "reuse",
    "sent_bytes",
    "sha256",
    "slot_key",
    "state",
    "total_bytes",
    "updated_at_ms",
];

#[test]
fn a_photo_is_prepared_uploaded_listed_and_never_sent_twice() {
    let platform = Platform::start();
    let bst = signed_in(&platform, "13900009001");
    let photo = sample_photo();
    let photo = photo.to_str().unwrap();

    let uploaded = bst.json(&[
        "upload",
        photo,
        "--max-side",
        "1024",
        "--name",
        "营业执照照片",
    ]);
    assert_eq!(keys(&uploaded), UPLOAD_KEYS);
    assert_eq!(uploaded["state"], "done", "{uploaded}");
    assert_eq!(uploaded["reuse"], "uploaded");
    assert_eq!(uploaded["media_type"], "jpeg");
    assert_eq!(uploaded["display_name"], "营业执照照片");
    assert_eq!(uploaded["sent_bytes"], uploaded["total_bytes"]);
    let material = uploaded["material_ref"].as_str().unwrap().to_owned();
    let on_server = server_uploads(&platform);
    assert_eq!(on_server.len(), 1);
    assert_eq!(on_server[0]["finished"], true);
    assert_eq!(on_server[0]["material_id"], material.as_str());
    // What left the device is the prepared photo, sent once.
    assert_eq!(on_server[0]["length"], uploaded["total_bytes"]);
    assert_eq!(on_server[0]["received_bytes"], uploaded["total_bytes"]);

    // The library lists it; the same photo again sends nothing.
    let library = bst.json(&["materials"]);
    assert_eq!(keys(&library), ["issued", "mine"]);
    assert_eq!(library["mine"][0]["id"], material.as_str());
    assert_eq!(library["mine"][0]["sha256"], uploaded["sha256"]);
    assert_eq!(library["mine"][0]["media_type"], "jpeg");
    let again = bst.ok(&["upload", photo, "--max-side", "1024"]);
    assert!(
        again.contains(&format!(
            "the platform already holds this file ({material}): nothing sent"
        )),
        "{again}"
    );
    assert_eq!(server_uploads(&platform).len(), 1);

    // The queue on this device, newest first; clear empties it.
    let queue = bst.json(&["uploads"]);
    let queue = queue.as_array().unwrap();
    assert_eq!(queue.len(), 2);
    assert_eq!(queue[0]["reuse"], "same_file");
    assert_eq!(queue[1]["reuse"], "uploaded");
    let listed = bst.ok(&["uploads"]);
    assert!(listed.contains("营业执照照片"), "{listed}");
    assert!(
        listed.contains(&format!("done: material {material}")),
        "{listed}"
    );
    let text = bst.ok(&["materials"]);
    assert!(text.contains("Uploaded by you (我的材料): 1"), "{text}");
    assert!(text.contains(&material), "{text}");
    assert_eq!(bst.json(&["uploads", "clear"])["cleared"], 2);
    assert_eq!(bst.json(&["uploads"]), json!([]));
}

#[test]
fn files_that_are_not_materials_are_refused_with_the_next_step() {
    let platform = Platform::start();
    let signed_out = Bst::new(&platform);
    let (_, stderr) = signed_out.fails(&["materials"]);
    assert!(stderr.contains("not signed in"), "{stderr}");

    let bst = signed_in(&platform, "13900009002");
    let files = tempfile::tempdir().unwrap();
    let notes = files.path().join("notes.pdf");
    std::fs::write(&notes, "this is not a PDF").unwrap();
    let (stdout, stderr) = bst.fails(&["upload", notes.to_str().unwrap()]);
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("can't be used"), "{stderr}");
    assert!(
        stderr.contains("judged by content, not by name"),
        "{stderr}"
    );

    let photo = std::fs::read(sample_photo()).unwrap();
    let cut = files.path().join("cut.jpg");
    std::fs::write(&cut, &photo[..photo.len() / 2]).unwrap();
    let (_, stderr) = bst.fails(&["upload", cut.to_str().unwrap()]);
    assert!(stderr.contains("damaged or cut short"), "{stderr}");

    let missing = files.path().join("gone.jpg");
    let (_, stderr) = bst.fails(&["upload", missing.to_str().unwrap()]);
    assert!(stderr.contains("gone.jpg"), "{stderr}");

    // Refused before anything was queued or sent.
    assert_eq!(bst.json(&["uploads"]), json!([]));
    assert!(server_uploads(&platform).is_empty());

    // Arguments are checked before anything runs.
    let (_, stderr) = bst.fails(&["uploads", "pause", "nope"]);
    assert!(stderr.contains("no upload has the id nope"), "{stderr}");
    let out = bst.run(&["upload", "x.jpg", "--quality", "0"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let out = bst.run(&["upload", "x.jpg", "--draft", "d-1"]);
    assert_eq!(out.status.code(), Some(2), "--draft needs --slot");
}

#[test]
fn uploads_pause_resume_and_cancel() {
    let platform = Platform::start();
    let bst = signed_in(&platform, "13900009003");
    let files = tempfile::tempdir().unwrap();
    turn_uploads_away(&platform);

    let kept = bst.json(&[
        "upload",
        sample_pdf(files.path(), 200_000, 1).to_str().unwrap(),
        "--no-wait",
    ]);
    assert_eq!(kept["state"], "queued", "{kept}");
    let kept = kept["id"].as_str().unwrap();
    let paused = bst.json(&["uploads", "pause", kept]);
    assert_eq!(paused["state"], "paused");
    let dropped = bst.json(&[
        "upload",
        sample_pdf(files.path(), 200_000, 2).to_str().unwrap(),
        "--no-wait",
    ]);
    let dropped = dropped["id"].as_str().unwrap();
    let cancelled = bst.ok(&["uploads", "cancel", dropped]);
    assert!(cancelled.contains("cancelled"), "{cancelled}");

    platform.dev(reqwest::Method::DELETE, "/dev/faults", None);
    let resumed = bst.json(&["uploads", "resume", kept]);
    assert_eq!(resumed["state"], "done", "{resumed}");
    assert_eq!(resumed["reuse"], "uploaded");
    let states: Vec<Value> = bst
        .json(&["uploads"])
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["state"].clone())
        .collect();
    assert_eq!(states, [json!("cancelled"), json!("done")]);
    let uploads = server_uploads(&platform);
    assert_eq!(uploads.iter().filter(|u| u["finished"] == true).count(), 1);
}

#[cfg(unix)]
#[test]
fn ctrl_c_pauses_the_upload_and_resume_finishes_it() {
    let platform = Platform::start();
    let bst = signed_in(&platform, "13900009004");
    let files = tempfile::tempdir().unwrap();
    let pdf = sample_pdf(files.path(), 300_000, 3);
    // The platform turns the upload away: it is waiting to try again when
    // Ctrl-C arrives, whatever the machine's speed.
    turn_uploads_away(&platform);
    let mut child = bst
        .command(&["upload", pdf.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut printed = String::new();
    while !printed.contains("queued as") {
        let mut line = String::new();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "bst ended before queueing: {printed}"
        );
        printed.push_str(&line);
    }
    // Following has begun once the item has been tried (and turned away).
    let deadline = Instant::now() + Duration::from_secs(20);
    while bst.json(&["uploads"])[0]["state"] != "retry_waiting" {
        assert!(Instant::now() < deadline, "the upload was never tried");
        std::thread::sleep(Duration::from_millis(20));
    }
    // The shell's builtin `kill`: no procps needed on a slim machine.
    let signalled = std::process::Command::new("sh")
        .args(["-c", &format!("kill -INT {}", child.id())])
        .status()
        .unwrap();
    assert!(signalled.success());
    let out = child.wait_with_output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("paused scan-3.pdf"), "{stderr}");
    assert!(stderr.contains("`bst upload --resume`"), "{stderr}");
    assert!(!stderr.contains("error:"), "{stderr}");
    assert_eq!(bst.json(&["uploads"])[0]["state"], "paused");

    platform.dev(reqwest::Method::DELETE, "/dev/faults", None);
    let resumed = bst.json(&["upload", "--resume"]);
    let resumed = resumed.as_array().unwrap();
    assert_eq!(resumed.len(), 1);
    assert_eq!(resumed[0]["state"], "done", "{resumed:?}");
    assert_eq!(resumed[0]["total_bytes"], 300_000);
    let nothing = bst.ok(&["upload", "--resume"]);
    assert!(nothing.contains("nothing to resume"), "{nothing}");
}
