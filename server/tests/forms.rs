//! `GET /api/v1/forms/{schema_id}`: the application form each guide names.

mod common;

use std::collections::BTreeSet;

use banshitong_forms::{FieldKind, FormSchema, PrefillSource, check_schema};
use common::applications::{guides, start};
use common::{assert_problem, client};
use reqwest::{StatusCode, header};
use serde_json::Value;

async fn get_form(server: &banshitong_server::TestServer, id: &str) -> reqwest::Response {
    client()
        .get(format!("{}/api/v1/forms/{id}", server.base_url()))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_company_form_with_etag_and_304_and_no_sign_in() {
    let (server, _dir) = start().await;
    let response = get_form(&server, "SCJG030.v1").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    let etag = response.headers()[header::ETAG]
        .to_str()
        .unwrap()
        .to_owned();
    let form: FormSchema = response.json().await.unwrap();
    assert_eq!(form.id, "SCJG030.v1");
    assert_eq!(form.version, 1);
    assert_eq!(form.title, "企业变更登记申请表");
    assert!(check_schema(&form).is_empty());
    let credit_code = form.field("credit_code").unwrap();
    assert_eq!(credit_code.kind, FieldKind::CreditCode);
    assert_eq!(credit_code.prefill, Some(PrefillSource::CompanyCreditCode));
    assert_eq!(
        form.field("registered_capital").unwrap().kind,
        FieldKind::Number { integer: false }
    );
    let licence = form.slot("business_licence").unwrap();
    assert_eq!(licence.licence_type.as_deref(), Some("营业执照"));
    assert!(licence.required);

    let again = client()
        .get(format!("{}/api/v1/forms/SCJG030.v1", server.base_url()))
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()[header::ETAG], etag.as_str());
    server.shutdown().await;
}

#[tokio::test]
async fn unknown_forms_are_404() {
    let (server, _dir) = start().await;
    for id in ["GA001.v2", "GA999.v1", "XY001.v1", "nonsense", "GA001"] {
        assert_problem(
            get_form(&server, id).await,
            StatusCode::NOT_FOUND,
            "not-found",
        )
        .await;
    }
    server.shutdown().await;
}

/// Every guide's `form_schema_id` is served, sound, and has a slot for
/// each of the guide's materials (licence materials naming their licence).
#[tokio::test]
async fn every_guide_names_a_served_form_with_its_materials() {
    let (server, _dir) = start().await;
    let guides = guides(&server).await;
    assert_eq!(guides.len(), 196);
    let mut seen = BTreeSet::new();
    for guide in &guides {
        let id = guide["form_schema_id"].as_str().unwrap();
        assert!(seen.insert(id.to_owned()), "{id} twice");
        let response = get_form(&server, id).await;
        assert_eq!(response.status(), StatusCode::OK, "{id}");
        let form: FormSchema = response.json().await.unwrap();
        assert!(check_schema(&form).is_empty(), "{id}");
        let materials = guide["materials"].as_array().unwrap();
        for (slot, material) in form.material_slots.iter().zip(materials) {
            assert_eq!(slot.name, material["name"], "{id}");
            assert_eq!(slot.required, material["required"], "{id}");
            let licence = (material["source"] == "licence")
                .then(|| material["licence_type"].as_str().unwrap().to_owned());
            assert_eq!(slot.licence_type, licence, "{id}");
            for file_type in &slot.accepted_types {
                assert!(["jpeg", "png", "pdf"].contains(&file_type.as_str()));
            }
        }
        assert!(form.material_slots.len() >= materials.len());
        let audiences: Vec<&str> = guide["audiences"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        let asks = |key: &str| form.field(key).is_some();
        if audiences.contains(&"natural_person") {
            assert!(
                asks("applicant_name") && asks("applicant_id_number"),
                "{id}"
            );
        }
        if audiences.contains(&"legal_person") {
            assert!(asks("company_name") && asks("legal_rep_id_number"), "{id}");
        }
    }
    server.shutdown().await;
}

#[tokio::test]
async fn household_moves_and_marriages_have_their_groups() {
    let (server, _dir) = start().await;
    let moving: Value = get_form(&server, "GA005.v1").await.json().await.unwrap();
    let members = moving["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "members")
        .unwrap();
    assert_eq!(members["kind"]["type"], "group");
    assert_eq!(members["kind"]["min_items"], 1);
    assert_eq!(members["kind"]["max_items"], 10);
    let relation = &members["kind"]["fields"][2];
    assert_eq!(relation["key"], "relation");
    assert_eq!(relation["kind"]["type"], "single_choice");
    assert_eq!(relation["kind"]["options"][1]["label"], "配偶");

    let marriage: FormSchema = get_form(&server, "MZ090.v1").await.json().await.unwrap();
    assert!(matches!(
        marriage.field("spouse").unwrap().kind,
        FieldKind::Group { .. }
    ));
    // Marriage registration can't be delegated.
    assert!(marriage.field("apply_by_agent").is_none());
    server.shutdown().await;
}
