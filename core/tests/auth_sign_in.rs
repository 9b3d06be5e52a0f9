//! Every way to sign in, against the real reference server.

mod common;

use banshitong_core::Error;
use banshitong_core::auth::{SessionState, Tier};
use common::*;

#[tokio::test]
async fn sms_sign_in_registers_a_new_number_with_a_masked_profile() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    let mut states = t.client.auth().watch();
    assert_eq!(states.next().await, Some(SessionState::SignedOut));

    let profile = sign_in(&server, &t.client, "13800000000").await;

    assert_eq!(profile.tier, Tier::Registered);
    assert_eq!(profile.phone, "138****0000");
    assert!(profile.user_id.starts_with("u_"));
    let Some(SessionState::SignedIn {
        profile: seen,
        tier,
        acting_as,
    }) = states.next().await
    else {
        panic!("expected SignedIn");
    };
    assert_eq!((seen, tier, acting_as), (profile, Tier::Registered, None));
}

#[tokio::test]
async fn a_wrong_sms_code_is_a_field_error() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    t.client.auth().send_sms_code("13800000001").await.unwrap();
    let right = sms_code(&server, "13800000001").await;
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };

    let err = t
        .client
        .auth()
        .sign_in_with_sms("13800000001", wrong)
        .await
        .unwrap_err();

    assert!(
        matches!(&err, Error::Validation { field, .. } if field == "code"),
        "{err:?}"
    );
    assert_eq!(t.client.auth().state(), SessionState::SignedOut);
}

#[tokio::test]
async fn a_second_code_within_a_minute_is_refused_with_a_wait() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    let sent = t.client.auth().send_sms_code("13800000002").await.unwrap();
    assert_eq!((sent.expires_in, sent.resend_after), (300, 60));

    let err = t
        .client
        .auth()
        .send_sms_code("13800000002")
        .await
        .unwrap_err();

    let Error::Unavailable {
        status: 429,
        retry_after: Some(wait),
        ..
    } = err
    else {
        panic!("expected a 429 with Retry-After, got {err:?}");
    };
    assert!(wait.as_secs() > 0 && wait.as_secs() <= 60);
}

#[tokio::test]
async fn a_bad_phone_number_names_the_field() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());

    let err = t.client.auth().send_sms_code("12345").await.unwrap_err();

    assert!(
        matches!(&err, Error::Validation { field, .. } if field == "phone"),
        "{err:?}"
    );
}

#[tokio::test]
async fn password_sign_in_after_setting_one() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    let first = sign_in(&server, &t.client, "13800000003").await;
    t.client
        .auth()
        .set_password("云南-secret-2026", None)
        .await
        .unwrap();
    t.client.auth().sign_out(false).await.unwrap();

    let again = t
        .client
        .auth()
        .sign_in_with_password("13800000003", "云南-secret-2026")
        .await
        .unwrap();

    assert_eq!(again.user_id, first.user_id);
}

#[tokio::test]
async fn unknown_account_and_wrong_password_get_the_same_answer() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    sign_in(&server, &t.client, "13800000004").await;
    t.client
        .auth()
        .set_password("right-password-1", None)
        .await
        .unwrap();
    t.client.auth().sign_out(false).await.unwrap();

    let wrong = t
        .client
        .auth()
        .sign_in_with_password("13800000004", "wrong-password")
        .await
        .unwrap_err();
    let unknown = t
        .client
        .auth()
        .sign_in_with_password("13900000009", "wrong-password")
        .await
        .unwrap_err();

    assert!(
        matches!(&wrong, Error::Validation { field, .. } if field == "password"),
        "{wrong:?}"
    );
    assert_eq!(wrong.to_string(), unknown.to_string());
}

#[tokio::test]
async fn repeated_password_failures_back_off_with_a_wait() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    let auth = t.client.auth();
    for _ in 0..3 {
        let _ = auth.sign_in_with_password("13900000010", "nope-nope").await;
    }

    let err = auth
        .sign_in_with_password("13900000010", "nope-nope")
        .await
        .unwrap_err();

    assert!(
        matches!(
            err,
            Error::Unavailable {
                retry_after: Some(_),
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn third_party_sign_in_with_pkce() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    let request = t
        .client
        .auth()
        .begin_third_party_sign_in("banshitong://auth/callback", Some("13800000005"))
        .unwrap();
    assert!(
        request
            .authorization_url
            .contains("code_challenge_method=S256")
    );

    let redirect = follow_provider(&request.authorization_url).await;
    assert!(redirect.starts_with("banshitong://auth/callback?"));
    let profile = t
        .client
        .auth()
        .complete_third_party_sign_in(&redirect)
        .await
        .unwrap();

    assert_eq!(profile.phone, "138****0005");
    assert!(matches!(
        t.client.auth().state(),
        SessionState::SignedIn { .. }
    ));
}

#[tokio::test]
async fn a_third_party_answer_with_another_state_is_refused() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    let request = t
        .client
        .auth()
        .begin_third_party_sign_in("banshitong://auth/callback", Some("13800000006"))
        .unwrap();
    let redirect = follow_provider(&request.authorization_url).await;
    let forged = redirect.replace(&request.state, "forged-state");

    let err = t
        .client
        .auth()
        .complete_third_party_sign_in(&forged)
        .await
        .unwrap_err();

    assert!(
        matches!(&err, Error::Validation { field, .. } if field == "state"),
        "{err:?}"
    );
    assert_eq!(t.client.auth().state(), SessionState::SignedOut);
}

#[tokio::test]
async fn a_provider_error_is_reported_not_signed_in() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    // No login_hint: the reference provider answers with an error redirect.
    let request = t
        .client
        .auth()
        .begin_third_party_sign_in("banshitong://auth/callback", None)
        .unwrap();
    let redirect = follow_provider(&request.authorization_url).await;

    let err = t
        .client
        .auth()
        .complete_third_party_sign_in(&redirect)
        .await
        .unwrap_err();

    assert!(
        matches!(&err, Error::Validation { field, .. } if field == "authorization"),
        "{err:?}"
    );
}

/// Plays the browser: asks the provider and returns where it redirects.
async fn follow_provider(authorization_url: &str) -> String {
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = browser.get(authorization_url).send().await.unwrap();
    assert_eq!(response.status(), 302);
    response.headers()["location"].to_str().unwrap().to_owned()
}
