//! Real-name verification, tiers, and acting for a company.

mod common;

use banshitong_core::Error;
use banshitong_core::auth::{SessionState, Tier, Verification};
use common::*;

const NAME: &str = "张三丰";
const ID_NUMBER: &str = "11010519491231002X";
const CARD: &str = "6222021234567894";
const USCC: &str = "91350100M000100Y43";

fn bank_card(phone: &str) -> Verification {
    Verification::BankCard {
        name: NAME.into(),
        id_number: ID_NUMBER.into(),
        card_number: CARD.into(),
        reserved_phone: phone.into(),
    }
}

#[tokio::test]
async fn bank_card_verification_makes_the_user_verified_and_masks_their_data() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    sign_in(&server, &t.client, "13600000001").await;

    let profile = t
        .client
        .auth()
        .verify_identity(bank_card("13600000001"))
        .await
        .unwrap();

    assert_eq!(profile.tier, Tier::Verified);
    assert_eq!(profile.name.as_deref(), Some("张*丰"));
    assert_eq!(profile.id_number.as_deref(), Some("1101**********002X"));
    assert!(matches!(
        t.client.auth().state(),
        SessionState::SignedIn {
            tier: Tier::Verified,
            ..
        }
    ));
}

#[tokio::test]
async fn face_verification_with_a_live_ticket() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    sign_in(&server, &t.client, "13600000002").await;

    let profile = t
        .client
        .auth()
        .verify_identity(Verification::Face {
            name: NAME.into(),
            id_number: ID_NUMBER.into(),
            liveness_ticket: "live-ok-3f9a".into(),
        })
        .await
        .unwrap();

    assert_eq!(profile.tier, Tier::Verified);
}

#[tokio::test]
async fn each_verification_failure_names_its_field() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    sign_in(&server, &t.client, "13600000003").await;
    let cases = [
        (
            Verification::BankCard {
                name: NAME.into(),
                id_number: "110105194912310021".into(),
                card_number: CARD.into(),
                reserved_phone: "13600000003".into(),
            },
            "id_number",
        ),
        (bank_card("13900000000"), "reserved_phone"),
        (
            Verification::Face {
                name: NAME.into(),
                id_number: ID_NUMBER.into(),
                liveness_ticket: "spoofed".into(),
            },
            "liveness_ticket",
        ),
    ];

    for (verification, expected_field) in cases {
        let err = t
            .client
            .auth()
            .verify_identity(verification)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Validation { field, .. } if field == expected_field),
            "{expected_field}: {err:?}"
        );
    }
    assert!(matches!(
        t.client.auth().state(),
        SessionState::SignedIn {
            tier: Tier::Registered,
            ..
        }
    ));
}

#[tokio::test]
async fn acting_for_a_company_needs_a_verified_account() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    sign_in(&server, &t.client, "13600000004").await;

    let err = t
        .client
        .auth()
        .add_company(USCC, "云南示例科技有限公司")
        .await
        .unwrap_err();

    assert!(
        matches!(&err, Error::TierRequired { required_tier } if required_tier == "verified"),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_verified_person_acts_for_their_company_and_back() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    sign_in(&server, &t.client, "13600000005").await;
    t.client
        .auth()
        .verify_identity(bank_card("13600000005"))
        .await
        .unwrap();
    let mut states = t.client.auth().watch();
    states.next().await;

    let with_company = t
        .client
        .auth()
        .add_company(USCC, "云南示例科技有限公司")
        .await
        .unwrap();
    assert_eq!(with_company.companies.len(), 1);
    let acting = t
        .client
        .auth()
        .switch_acting_identity(Some(USCC.into()))
        .await
        .unwrap();

    assert_eq!(
        acting.acting_as.as_ref().map(|c| c.uscc.as_str()),
        Some(USCC)
    );
    let mut last = None;
    while let Some(state) =
        tokio::time::timeout(std::time::Duration::from_millis(200), states.next())
            .await
            .ok()
            .flatten()
    {
        last = Some(state);
    }
    let Some(SessionState::SignedIn {
        acting_as: Some(company),
        ..
    }) = last
    else {
        panic!("the state shows the company");
    };
    assert_eq!(company.name, "云南示例科技有限公司");

    let myself = t.client.auth().switch_acting_identity(None).await.unwrap();
    assert_eq!(myself.acting_as, None);
}

#[tokio::test]
async fn a_company_one_does_not_represent_is_refused() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    sign_in(&server, &t.client, "13600000006").await;
    t.client
        .auth()
        .verify_identity(bank_card("13600000006"))
        .await
        .unwrap();

    let err = t
        .client
        .auth()
        .switch_acting_identity(Some("91110000600037341L".into()))
        .await
        .unwrap_err();

    assert!(matches!(err, Error::Server { status: 403, .. }), "{err:?}");
}
