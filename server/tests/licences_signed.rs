//! Signed licences: each listed licence is a COSE_Sign1 that verifies with
//! the published issuer keys (both suites, by config), vouches for every
//! claim the holder got, and names its status list bit.

mod common;

use banshitong_trust::{Licence, Suite};
use common::licences::{disclosable, holder, licences, start, trusted_issuers};
use common::uploads::Tus;
use reqwest::StatusCode;

const PHONE: &str = "13800138000";

async fn signed_licences_verify(suite: Suite) {
    let (server, _dir) = start(suite).await;
    let (token, _) = holder(&server, PHONE).await;
    let listed = licences(&server, &token).await;
    assert_eq!(listed.len(), 3);
    let issuers = trusted_issuers(&server).await;
    assert_eq!(issuers.len(), 2, "one key per suite is published");

    for entry in &listed {
        assert_eq!(entry["suite"], suite.as_str());
        assert_eq!(entry["status"], "valid");
        let cose = common::licences::unbase64(entry["cose"].as_str().unwrap());
        let licence = Licence::verify(&cose, &issuers).unwrap();
        assert_eq!(licence.suite, suite);
        assert_eq!(licence.metadata.licence_id, entry["id"].as_str().unwrap());
        assert_eq!(
            licence.metadata.licence_type,
            entry["licence_type"].as_str().unwrap()
        );
        assert_eq!(
            licence.metadata.issuer_name,
            entry["issuer"].as_str().unwrap()
        );
        assert_eq!(
            licence.metadata.valid_until.as_deref(),
            entry["valid_until"].as_str()
        );
        assert_eq!(
            licence.metadata.valid_from.as_deref(),
            entry["valid_from"].as_str()
        );
        assert_eq!(
            licence.metadata.status.list_id,
            entry["status_list"]["id"].as_str().unwrap()
        );
        assert_eq!(
            licence.metadata.status.index,
            entry["status_list"]["index"].as_u64().unwrap()
        );

        let claims = disclosable(entry);
        assert!(!claims.claims.is_empty());
        for claim in &claims.claims {
            assert!(licence.vouches_for(claim), "{} is signed", claim.name);
        }
        // A changed value is not.
        let mut forged = claims.claims[0].clone();
        forged.value = "李四".into();
        assert!(!licence.vouches_for(&forged));
    }

    let id_card = disclosable(&listed[0]);
    let names: Vec<&str> = id_card.names().collect();
    for name in [
        "name",
        "id_number",
        "birth_date",
        "sex",
        "name_masked",
        "id_number_masked",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    assert_eq!(id_card.get("name_masked").unwrap().value, "张**".into());
    assert_eq!(
        id_card.get("id_number_masked").unwrap().value,
        "1101**********002X".into()
    );

    // Listing again shows the same signatures: a licence is signed once.
    assert_eq!(licences(&server, &token).await, listed);
    // Indexes differ within a list.
    let mut indexes: Vec<u64> = listed
        .iter()
        .map(|l| l["status_list"]["index"].as_u64().unwrap())
        .collect();
    indexes.dedup();
    assert_eq!(indexes.len(), 3);
}

#[tokio::test]
async fn ed25519_licences_verify_with_the_published_keys() {
    signed_licences_verify(Suite::Ed25519).await;
}

#[tokio::test]
async fn sm2_licences_verify_with_the_published_keys() {
    signed_licences_verify(Suite::Sm2Sm3).await;
}

#[tokio::test]
async fn a_business_licence_names_the_company() {
    let (server, _dir) = start(Suite::Ed25519).await;
    let (token, _) = holder(&server, PHONE).await;
    let added = common::auth::post_json(
        &server,
        "/api/v1/me/companies",
        &token,
        serde_json::json!({"uscc": common::auth::USCC, "name": "云南示例科技有限公司"}),
    )
    .await;
    assert_eq!(added.status(), StatusCode::CREATED);
    let listed = licences(&server, &token).await;
    let business = disclosable(&listed[3]);
    assert_eq!(
        business.get("company_name").unwrap().value,
        "云南示例科技有限公司".into()
    );
    assert_eq!(
        business.get("uscc").unwrap().value,
        common::auth::USCC.into()
    );
    let cose = common::licences::unbase64(listed[3]["cose"].as_str().unwrap());
    let licence = Licence::verify(&cose, &trusted_issuers(&server).await).unwrap();
    assert!(
        business
            .claims
            .iter()
            .all(|claim| licence.vouches_for(claim))
    );
}

#[tokio::test]
async fn issuer_keys_survive_a_restart_and_stay_private() {
    let dir = tempfile::tempdir().unwrap();
    let config = common::licences::config(dir.path(), Suite::Ed25519);
    let server = banshitong_server::TestServer::start(config.clone())
        .await
        .unwrap();
    let (token, _) = holder(&server, PHONE).await;
    let before = licences(&server, &token).await;
    server.shutdown().await;

    let server = banshitong_server::TestServer::start(config).await.unwrap();
    let issuers = trusted_issuers(&server).await;
    for entry in &before {
        let cose = common::licences::unbase64(entry["cose"].as_str().unwrap());
        Licence::verify(&cose, &issuers).expect("signed before the restart, still trusted");
    }
    #[cfg(unix)]
    for suite in Suite::ALL {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.path().join("issuer-keys").join(format!("{suite}.key"));
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{} is the owner's only", path.display());
    }
    server.shutdown().await;
}

#[tokio::test]
async fn issuers_are_public_and_cacheable() {
    let (server, _dir) = start(Suite::Ed25519).await;
    let response = common::client()
        .get(format!("{}/api/v1/trust/issuers", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let cache = response.headers()["cache-control"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cache.contains("max-age="), "{cache}");
    let body: serde_json::Value = response.json().await.unwrap();
    let suites: Vec<&str> = body["issuers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|issuer| issuer["suite"].as_str().unwrap())
        .collect();
    assert_eq!(suites.len(), 2);
    assert!(suites.contains(&"ed25519") && suites.contains(&"sm2-sm3"));
}

#[tokio::test]
async fn another_users_licence_cannot_be_presented() {
    let (server, _dir) = start(Suite::Ed25519).await;
    let (token, _) = holder(&server, PHONE).await;
    let mine = licences(&server, &token).await;
    let other = Tus::sign_in(&server, "13900139000").await;
    assert!(licences(&server, &other.token).await.is_empty());
    let response = common::licences::present(
        &server,
        &other.token,
        mine[0]["id"].as_str().unwrap(),
        &["name"],
    )
    .await;
    common::assert_problem(response, StatusCode::NOT_FOUND, "not-found").await;
}
