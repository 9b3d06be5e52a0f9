//! `bst draft …` end to end: the real binary against an in-process
//! reference server (300 guides, dev routes on), each test with its own
//! server and data folder. A signed-in session has to outlast each `bst`
//! command, so the tests keep secrets in the data folder
//! (`--secret-store insecure-file`) rather than the OS keystore, which a CI
//! container may not offer.

use serde_json::{Value, json};

mod common;
use common::*;

const PHONE: &str = "13900005555";

impl Bst {
    /// Signs in (the dev server's SMS outbox gives the code) and syncs the catalog.
    fn signed_in(platform: &Platform) -> Bst {
        let bst = Bst::new(platform);
        bst.ok(&["login", "--phone", PHONE]);
        bst.json(&["guides", "sync"]);
        bst
    }

    /// A 企业设立登记（营业执照） guide: a company form.
    fn business_licence_guide(&self) -> String {
        let page = self.json(&[
            "guides",
            "search",
            "企业设立登记",
            "--company",
            "--limit",
            "1",
        ]);
        let hit = &page["hits"][0];
        assert!(
            hit["name"].as_str().unwrap().contains("企业设立登记"),
            "{hit}"
        );
        hit["code"].as_str().unwrap().to_owned()
    }

    /// Answers what `show` says is missing until the draft is valid; a
    /// missing material is uploaded into its slot (a PDF where the slot
    /// takes one, else the sample photo).
    fn fill_until_valid(&self, id: &str) {
        let files = tempfile::tempdir().unwrap();
        for round in 0..40 {
            let shown = self.json(&["draft", "show", id]);
            let Some(error) = shown["errors"].as_array().unwrap().first() else {
                return;
            };
            let path = error["path"].as_str().unwrap();
            if let Some(slot) = path.strip_prefix("materials.") {
                let spec = shown["form"]["material_slots"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|s| s["key"] == slot)
                    .unwrap();
                let takes_pdf = spec["accepted_types"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|t| t == "pdf");
                let file = if takes_pdf {
                    sample_pdf(files.path(), 4096, round)
                } else {
                    sample_photo()
                };
                let file = file.to_str().unwrap();
                let uploaded = self.json(&["upload", file, "--draft", id, "--slot", slot]);
                assert_eq!(uploaded["state"], "done", "{uploaded}");
                continue;
            }
            let field = shown["form"]["fields"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["key"] == path)
                .unwrap_or_else(|| panic!("no field {path}"));
            let answer = match field["kind"]["type"].as_str().unwrap() {
                "number" => "50",
                "date" => "2020-01-01",
                "region" => "530102",
                "id_number" => "11010519491231002X",
                "credit_code" => "91350100M000100Y43",
                "mobile" => "13800000000",
                "address" => "昆明市五华区人民中路1号",
                "single_choice" => field["kind"]["options"][0]["value"].as_str().unwrap(),
                _ => "云南滇池示例咖啡有限公司",
            };
            let saved = self.json(&["draft", "set", id, path, answer]);
            assert_eq!(saved["field_errors"], json!([]), "{saved}");
        }
        panic!("still invalid: {}", self.json(&["draft", "show", id]));
    }
}

const DRAFT_KEYS: [&str; 16] = [
    "application_no",
    "conflict_of",
    "created_at_ms",
    "guide_code",
    "guide_name",
    "id",
    "materials",
    "platform_errors",
    "revision",
    "schema_id",
    "state",
    "submit_error",
    "synced",
    "title",
    "updated_at_ms",
    "values",
];

#[test]
fn a_draft_goes_from_new_to_submitted() {
    let platform = Platform::start();
    let bst = Bst::signed_in(&platform);
    let guide = bst.business_licence_guide();

    // New: the draft, its form, and what was prefilled.
    let created = bst.json(&["draft", "new", &guide]);
    assert_eq!(
        keys(&created),
        ["draft", "form", "not_prefilled", "prefilled"]
    );
    let draft = &created["draft"];
    assert_eq!(keys(draft), DRAFT_KEYS);
    assert_eq!(draft["guide_code"], guide.as_str());
    assert_eq!(draft["state"], "editing");
    assert_eq!(draft["revision"], 1);
    assert_eq!(draft["application_no"], Value::Null);
    let id = draft["id"].as_str().unwrap().to_owned();
    assert_eq!(created["form"]["id"], draft["schema_id"]);
    // The mobile number is known; the real name only after verification.
    assert_eq!(
        created["prefilled"],
        json!([{"path": "applicant_mobile", "label": "联系人手机号码",
                "source": "profile_mobile", "value": PHONE}])
    );
    assert_eq!(created["not_prefilled"][0]["path"], "contact_name");
    assert_eq!(draft["values"], json!({"applicant_mobile": PHONE}));

    // As you type: a wrong check digit is reported in Chinese with its
    // code, and saved all the same; the ID number stays text.
    let saved = bst.json(&[
        "draft",
        "set",
        &id,
        "legal_rep_id_number",
        "110105194912310021",
    ]);
    assert_eq!(
        keys(&saved),
        ["field_errors", "id", "path", "revision", "value"]
    );
    assert_eq!(saved["revision"], 2);
    assert_eq!(saved["value"], "110105194912310021");
    assert_eq!(saved["field_errors"][0]["code"], "id_checksum");
    assert_eq!(
        saved["field_errors"][0]["message"],
        "身份证号码校验位不正确"
    );
    let line = bst.ok(&[
        "draft",
        "set",
        &id,
        "legal_rep_id_number",
        "110105194912310021",
    ]);
    assert!(line.contains("revision 3"), "{line}");
    assert!(
        line.contains("✗ 身份证号码校验位不正确 (id_checksum)"),
        "{line}"
    );

    // Submitting an invalid form lists the problems and exits non-zero.
    let (stdout, stderr) = bst.fails(&["draft", "submit", &id]);
    assert!(stdout.contains("身份证号码校验位不正确"), "{stdout}");
    assert!(
        stdout.contains("id_checksum at legal_rep_id_number"),
        "{stdout}"
    );
    assert!(stdout.contains("请填写拟设立名称"), "{stdout}");
    assert!(stderr.contains("nothing was submitted"), "{stderr}");
    let (stdout, _) = bst.fails(&["--json", "draft", "submit", &id]);
    let refused: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(refused["result"], "invalid");
    assert!(
        refused["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["code"] == "id_checksum")
    );
    assert_eq!(platform.applications(), 0);

    // The fix, and show: labels, answers, required/conditional, problems.
    let fixed = bst.json(&[
        "draft",
        "set",
        &id,
        "legal_rep_id_number",
        "11010519491231002X",
    ]);
    assert_eq!(fixed["field_errors"], json!([]));
    let shown = bst.ok(&["draft", "show", &id]);
    for part in [
        "企业设立登记（营业执照）申请表",
        "state: editing · revision 4",
        "Fields (表单)",
        "法定代表人（负责人）公民身份号码: 11010519491231002X   legal_rep_id_number · required",
        "拟设立名称: —   company_name · required",
        "✗ 请填写拟设立名称 (required)",
        "代理人姓名: (hidden)   agent_name · required, shown when 办理方式 is 委托代理人办理",
        "Materials (申请材料)",
        "电子证照 居民身份证 accepted",
        "✗ 请上传公司章程 (slot_required)",
        "problem(s) to fix before submitting",
    ] {
        assert!(shown.contains(part), "missing {part:?} in:\n{shown}");
    }
    assert!(!shown.contains("id_checksum"), "{shown}");
    let view = bst.json(&["draft", "show", &id]);
    assert_eq!(keys(&view), ["draft", "errors", "form"]);
    assert_eq!(keys(&view["errors"][0]), ["code", "message", "path"]);

    // A choice takes its label; a conditional field then shows and is required.
    let agent = bst.json(&["draft", "set", &id, "apply_by_agent", "委托代理人办理"]);
    assert_eq!(agent["value"], "yes");
    let view = bst.json(&["draft", "show", &id]);
    assert!(
        view["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["path"] == "agent_name")
    );
    bst.json(&["draft", "set", &id, "apply_by_agent", "no"]);

    bst.fill_until_valid(&id);
    let ready = bst.ok(&["draft", "show", &id]);
    assert!(ready.contains("no problems: ready to submit"), "{ready}");

    // Submit: waits for the platform and prints the application number.
    let submitted = bst.json(&["draft", "submit", &id]);
    assert_eq!(
        keys(&submitted),
        [
            "application_no",
            "errors",
            "id",
            "last_error",
            "result",
            "state",
            "submit_error"
        ]
    );
    assert_eq!(submitted["result"], "submitted");
    assert_eq!(submitted["state"], "submitted");
    let number = submitted["application_no"].as_str().unwrap().to_owned();
    assert!(number.starts_with("YN") && number.len() == 18, "{number}");
    let again = bst.ok(&["draft", "submit", &id]);
    assert!(
        again.contains(&format!("already submitted: 办件编号 {number}")),
        "{again}"
    );
    assert_eq!(platform.applications(), 1, "submitted exactly once");

    // A submitted draft keeps what it was; an edit says why it is refused
    // and repeats what was typed.
    let (_, stderr) = bst.fails(&["draft", "set", &id, "remarks", "补充说明"]);
    assert!(stderr.contains("can no longer be edited"), "{stderr}");
    assert!(
        stderr.contains("not saved; what you typed: remarks = 补充说明"),
        "{stderr}"
    );

    // List and sync.
    let list = bst.json(&["draft", "list"]);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(keys(&list[0]), DRAFT_KEYS);
    assert_eq!(list[0]["state"], "submitted");
    assert_eq!(list[0]["application_no"], number.as_str());
    let listed = bst.ok(&["draft", "list"]);
    assert!(listed.contains(&id) && listed.contains(&number), "{listed}");
    let synced = bst.json(&["draft", "sync"]);
    assert_eq!(
        keys(&synced),
        [
            "conflict_copies",
            "deleted",
            "outbox",
            "pulled",
            "pushed",
            "submitted"
        ]
    );
    assert_eq!(synced["outbox"]["pending"], 0);
    let shown = bst.ok(&["draft", "show", &id]);
    assert!(
        shown.contains(&format!("submitted · 办件编号 {number}")),
        "{shown}"
    );
}

#[test]
fn unknown_drafts_and_bad_input_are_clear_errors() {
    let platform = Platform::start();
    let signed_out = Bst::new(&platform);
    let (_, stderr) = signed_out.fails(&["draft", "list"]);
    assert!(stderr.contains("not signed in"), "{stderr}");

    let bst = Bst::signed_in(&platform);
    let unknown = "00000000-0000-4000-8000-000000000000";
    let (stdout, stderr) = bst.fails(&["draft", "show", unknown]);
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains(&format!("no draft has the id {unknown}")),
        "{stderr}"
    );
    for args in [
        vec!["draft", "submit", unknown],
        vec!["draft", "delete", unknown],
        vec!["draft", "attach", unknown, "articles", "upload-1"],
    ] {
        let (_, stderr) = bst.fails(&args);
        assert!(stderr.contains("no draft has the id"), "{args:?}: {stderr}");
    }
    let (_, stderr) = bst.fails(&["draft", "set", unknown, "company_name", "某公司"]);
    assert!(stderr.contains("no draft has the id"), "{stderr}");
    assert!(
        stderr.contains("what you typed: company_name = 某公司"),
        "{stderr}"
    );

    let (_, stderr) = bst.fails(&["draft", "new", "ZZ999-530100"]);
    assert!(
        stderr.contains("no service guide has the code ZZ999-530100"),
        "{stderr}"
    );
    let (_, stderr) = bst.fails(&["draft", "new", "社保/../x"]);
    assert!(stderr.contains("is not a guide code"), "{stderr}");

    let guide = bst.business_licence_guide();
    let id = bst.json(&["draft", "new", &guide])["draft"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, stderr) = bst.fails(&["draft", "set", &id, "nope", "1"]);
    assert!(stderr.contains("has no field \"nope\""), "{stderr}");
    assert!(
        stderr.contains("company_name"),
        "lists the fields: {stderr}"
    );
    let (_, stderr) = bst.fails(&["draft", "attach", &id, "nope", "upload-1"]);
    assert!(stderr.contains("no material slot \"nope\""), "{stderr}");
    let (_, stderr) = bst.fails(&["draft", "attach", &id, "articles", "licence:营业执照"]);
    assert!(stderr.contains("is not a material reference"), "{stderr}");
    let (_, stderr) = bst.fails(&["draft", "attach", &id, "articles", "--licence", "L-1"]);
    assert!(stderr.contains("takes no electronic licence"), "{stderr}");
    let attached = bst.json(&[
        "draft",
        "attach",
        &id,
        "legal_rep_id_card",
        "--licence",
        "L-1",
    ]);
    assert_eq!(attached["material_refs"], json!(["licence:居民身份证:L-1"]));
    assert_eq!(attached["errors"], json!([]));

    // Delete: gone here, and then an unknown id like any other.
    let deleted = bst.json(&["draft", "delete", &id]);
    assert_eq!(deleted["deleted"], true);
    let (_, stderr) = bst.fails(&["draft", "show", &id]);
    assert!(stderr.contains("no draft has the id"), "{stderr}");
    assert_eq!(bst.json(&["draft", "list"]), json!([]));
}

#[test]
fn a_submission_the_platform_cannot_take_yet_stays_queued_until_sync() {
    let platform = Platform::start();
    let bst = Bst::signed_in(&platform);
    let guide = bst.business_licence_guide();
    let id = bst.json(&["draft", "new", &guide])["draft"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    bst.fill_until_valid(&id);

    // The platform answers 503 to every submission for now.
    platform.dev(
        reqwest::Method::POST,
        "/dev/faults",
        Some(json!({"path_prefix": "/api/v1/applications", "status": 503, "count": 1000})),
    );
    let queued = bst.json(&["draft", "submit", &id, "--timeout", "2"]);
    assert_eq!(queued["result"], "queued");
    assert_eq!(queued["state"], "submitting");
    let text = bst.ok(&["draft", "submit", &id, "--no-wait"]);
    assert!(text.contains("queued"), "{text}");
    let shown = bst.ok(&["draft", "show", &id]);
    assert!(shown.contains("state: submitting"), "{shown}");
    let (_, stderr) = bst.fails(&["draft", "delete", &id]);
    assert!(stderr.contains("is being submitted"), "{stderr}");
    let (_, stderr) = bst.fails(&["draft", "set", &id, "remarks", "x"]);
    assert!(stderr.contains("can no longer be edited"), "{stderr}");
    assert_eq!(platform.applications(), 0);

    // The platform is back: sync sends the queued application, once.
    platform.dev(reqwest::Method::DELETE, "/dev/faults", None);
    let synced = bst.json(&["draft", "sync"]);
    assert_eq!(synced["outbox"]["pending"], 0, "{synced}");
    let sent = synced["submitted"].as_array().unwrap();
    assert_eq!(sent.len(), 1, "{synced}");
    assert_eq!(sent[0]["id"], id.as_str());
    let number = sent[0]["application_no"].as_str().unwrap();
    assert!(number.starts_with("YN"));
    let view = bst.json(&["draft", "show", &id]);
    assert_eq!(view["draft"]["application_no"], number);
    assert_eq!(platform.applications(), 1);
}
