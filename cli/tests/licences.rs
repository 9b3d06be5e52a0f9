//! `bst licences`, `bst licence show`, `bst verify` end to end: the real
//! binary against an in-process reference server, the holder and the
//! verifier each with their own data folder.

use std::sync::Arc;

use banshitong_core::auth::Verification;
use banshitong_core::licences::QrMatrix;
use banshitong_core::platform::MemorySecretStore;
use banshitong_core::{Client, ClientConfig};
use serde_json::Value;

mod common;
use common::*;

/// A made-up number and a real-format ID and bank card the reference
/// platform's documented rules accept.
const PHONE: &str = "13887650011";
const NAME: &str = "张三丰";
const ID_NUMBER: &str = "11010519491231002X";
const BANK_CARD: &str = "6222021234567894";

const PASSWORD: &str = "Dianchi-2026-licences";

/// Licences are issued to real-name-verified people. No `bst` command
/// verifies a real name yet, so the core does (and sets a password, as one
/// SMS code a minute is all the platform sends); then `bst` signs in.
fn verified_holder(platform: &Platform) -> Bst {
    let api = platform.url();
    let data = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = Client::new(
            ClientConfig::new(&api, data.path()),
            Arc::new(MemorySecretStore::new()),
        )
        .unwrap();
        let auth = client.auth();
        auth.send_sms_code(PHONE).await.unwrap();
        let outbox: Value = reqwest::Client::new()
            .get(format!("{api}/dev/sms-outbox"))
            .query(&[("phone", PHONE)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let code = outbox["messages"].as_array().unwrap().last().unwrap()["code"]
            .as_str()
            .unwrap()
            .to_owned();
        auth.sign_in_with_sms(PHONE, &code).await.unwrap();
        auth.verify_identity(Verification::BankCard {
            name: NAME.into(),
            id_number: ID_NUMBER.into(),
            card_number: BANK_CARD.into(),
            reserved_phone: PHONE.into(),
        })
        .await
        .unwrap();
        auth.set_password(PASSWORD, None).await.unwrap();
    });
    let bst = Bst::new(platform);
    let out = bst
        .command(&["login", "--phone", PHONE, "--password"])
        .env("BST_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(out.status.success(), "bst login: {}", text(&out.stderr));
    bst
}

fn licence_of_type<'a>(list: &'a Value, licence_type: &str) -> &'a Value {
    list["licences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["licence_type"] == licence_type)
        .unwrap_or_else(|| panic!("no {licence_type} in {list}"))
}

fn offline_code(holder: &Bst, id: &str, extra: &[&str]) -> Value {
    let mut args = vec!["licence", "show", id, "--qr"];
    args.extend_from_slice(extra);
    holder.json(&args)
}

#[test]
fn licences_are_listed_shown_and_an_offline_code_verifies_once() {
    let platform = Platform::start();
    let holder = verified_holder(&platform);
    let verifier = Bst::new(&platform);

    let list = holder.json(&["licences"]);
    assert_eq!(list["synced"], true);
    assert_eq!(list["licences"].as_array().unwrap().len(), 3, "{list}");
    let id_card = licence_of_type(&list, "居民身份证");
    assert_eq!(id_card["status"], "valid");
    let id = id_card["id"].as_str().unwrap();

    let text = holder.ok(&["licences"]);
    assert!(
        text.contains("居民身份证") && text.contains("valid until"),
        "{text}"
    );
    let shown = holder.ok(&["licence", "show", id]);
    assert!(shown.contains(NAME), "{shown}");

    let code = offline_code(&holder, id, &[]);
    let qr_text = code["qr_text"].as_str().unwrap();
    assert!(qr_text.starts_with("BST1:"), "{code}");
    assert!(code["expires_at_ms"].as_i64() > code["issued_at_ms"].as_i64());
    assert!((1..=40).contains(&code["qr_version"].as_u64().unwrap()));

    let verdict = verifier.json(&["verify", qr_text]);
    assert_eq!(verdict["outcome"], "valid", "{verdict}");
    let disclosed: Vec<&str> = verdict["disclosed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(disclosed.contains(&"name"), "{verdict}");

    // The same code a second time is a replay: refused, saying why.
    let (stdout, _) = verifier.fails(&["verify", qr_text]);
    assert!(stdout.starts_with("REFUSED"), "{stdout}");
    assert!(stdout.contains("replayed"), "{stdout}");
}

#[test]
fn a_masked_code_discloses_only_masked_forms_and_is_drawn_in_the_terminal() {
    let platform = Platform::start();
    let holder = verified_holder(&platform);
    let verifier = Bst::new(&platform);
    let list = holder.json(&["licences"]);
    let id = licence_of_type(&list, "居民身份证")["id"].as_str().unwrap();

    let drawn = holder.ok(&["licence", "show", id, "--qr", "--masked"]);
    assert!(
        drawn.contains('█') && drawn.contains("expires at"),
        "{drawn}"
    );

    let code = offline_code(&holder, id, &["--masked"]);
    let out = verifier.ok(&["verify", code["qr_text"].as_str().unwrap()]);
    assert!(out.starts_with("VALID"), "{out}");
    assert!(out.contains("name_masked: 张*"), "{out}");
    assert!(
        !out.contains(ID_NUMBER),
        "the full ID number was disclosed: {out}"
    );
}

#[test]
fn a_png_of_the_code_verifies_and_garbage_is_refused_clearly() {
    let platform = Platform::start();
    let holder = verified_holder(&platform);
    let verifier = Bst::new(&platform);
    let list = holder.json(&["licences"]);
    let id = licence_of_type(&list, "社会保障卡")["id"].as_str().unwrap();
    let code = offline_code(&holder, id, &[]);
    let qr_text = code["qr_text"].as_str().unwrap();

    let png = QrMatrix::encode(qr_text).unwrap().png(4).unwrap();
    let file = verifier.data().join("code.png");
    std::fs::write(&file, png).unwrap();
    let verdict = verifier.json(&["verify", "--png", file.to_str().unwrap()]);
    assert_eq!(verdict["outcome"], "valid", "{verdict}");

    // One claim character changed: a typed refusal, never a crash.
    let mut tampered: Vec<char> = qr_text.chars().collect();
    let at = tampered.len() / 2;
    tampered[at] = if tampered[at] == 'A' { 'B' } else { 'A' };
    let tampered: String = tampered.into_iter().collect();
    let (stdout, _) = verifier.fails(&["verify", &tampered]);
    assert!(stdout.starts_with("REFUSED"), "{stdout}");
    let (stdout, _) = verifier.fails(&["verify", "hello"]);
    assert!(stdout.contains("malformed"), "{stdout}");

    let not_png = verifier.data().join("not.png");
    std::fs::write(&not_png, b"not an image").unwrap();
    let (_, stderr) = verifier.fails(&["verify", "--png", not_png.to_str().unwrap()]);
    assert!(stderr.contains("cannot read"), "{stderr}");
}

#[test]
fn an_online_token_verifies_and_a_revoked_licence_is_refused() {
    let platform = Platform::start();
    let holder = verified_holder(&platform);
    let verifier = Bst::new(&platform);
    let list = holder.json(&["licences"]);
    let id = licence_of_type(&list, "户口簿")["id"].as_str().unwrap();

    let online = offline_code(&holder, id, &["--online"]);
    let token = online["qr_text"].as_str().unwrap();
    assert!(token.starts_with("BST0:"), "{online}");
    let verdict = verifier.json(&["verify", token]);
    assert_eq!(verdict["outcome"], "valid", "{verdict}");

    let before = offline_code(&holder, id, &[]);
    platform.dev(
        reqwest::Method::POST,
        &format!("/dev/licences/{id}/revoke"),
        None,
    );
    let (stdout, _) = verifier.fails(&["verify", before["qr_text"].as_str().unwrap()]);
    assert!(stdout.contains("(revoked)"), "{stdout}");

    let list = holder.ok(&["licences"]);
    assert!(list.contains("REVOKED"), "{list}");
    let (_, stderr) = holder.fails(&["licence", "show", id, "--qr"]);
    assert!(stderr.contains("revoked"), "{stderr}");
    let (_, stderr) = holder.fails(&["licence", "show", "lic_nope"]);
    assert!(stderr.contains("`bst licences` lists them"), "{stderr}");
}
