//! The session over time: refresh, expiry, restart, two accounts, sign-out.

mod common;

use std::time::Duration;

use banshitong_core::Error;
use banshitong_core::auth::SessionState;
use banshitong_core::store::PersonalDbFiles;
use common::*;

/// One SMS code per number per minute: tests that sign in twice move the server's clock.
const SMS_RESEND_INTERVAL: Duration = Duration::from_secs(61);

#[tokio::test]
async fn an_expired_access_token_is_refreshed_transparently() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    sign_in(&server, &t.client, "13700000001").await;
    let before = refresh_grants(&server).await;
    let old_access = stored_session(&t.secrets)["tokens"]["access_token"].clone();
    expire_access_tokens(&server).await;

    let profile = t.client.auth().profile().await.unwrap();

    assert_eq!(profile.phone, "137****0001");
    assert_eq!(refresh_grants(&server).await, before + 1);
    assert_ne!(
        stored_session(&t.secrets)["tokens"]["access_token"],
        old_access
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_requests_share_one_refresh() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    sign_in(&server, &t.client, "13700000002").await;
    let before = refresh_grants(&server).await;
    expire_access_tokens(&server).await;

    let requests = (0..50).map(|_| {
        let auth = t.client.auth();
        tokio::spawn(async move { auth.profile().await })
    });
    let results = futures_join_all(requests).await;

    assert!(results.iter().all(|r| r.is_ok()), "all 50 succeed");
    assert_eq!(
        refresh_grants(&server).await,
        before + 1,
        "exactly one refresh"
    );
}

#[tokio::test]
async fn a_reused_refresh_token_revokes_the_family_and_the_session_expires() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    sign_in(&server, &t.client, "13700000003").await;
    t.client
        .my_preferences()
        .await
        .unwrap()
        .set("kept", "yes")
        .await
        .unwrap();
    // A thief refreshes with a copy of the token first; the app's later use
    // of the same token is a reuse, and the platform revokes the sign-in.
    let stolen = stored_session(&t.secrets)["tokens"]["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let thief = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/token", server.base_url()))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", stolen.as_str()),
            ("client_id", "banshitong-app"),
        ])
        .send()
        .await
        .unwrap();
    assert!(thief.status().is_success());
    expire_access_tokens(&server).await;

    let err = t.client.auth().profile().await.unwrap_err();

    assert!(matches!(err, Error::SessionExpired { .. }), "{err:?}");
    assert!(matches!(
        t.client.auth().state(),
        SessionState::Expired { .. }
    ));
    // The user's data stays and reopens when they sign in again.
    server.advance_clock(SMS_RESEND_INTERVAL);
    sign_in(&server, &t.client, "13700000003").await;
    let prefs = t.client.my_preferences().await.unwrap();
    assert_eq!(prefs.get("kept").await.unwrap().as_deref(), Some("yes"));
}

#[tokio::test]
async fn the_session_survives_an_app_restart() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    let profile = sign_in(&server, &t.client, "13700000004").await;
    drop(t.client);

    let restarted = client_in(&server.base_url(), &t.dir, t.secrets.clone());

    match restarted.auth().state() {
        SessionState::SignedIn {
            profile: restored, ..
        } => assert_eq!(restored, profile),
        other => panic!("expected SignedIn at once, got {other:?}"),
    }
    assert_eq!(
        restarted.auth().profile().await.unwrap().user_id,
        profile.user_id
    );
}

#[tokio::test]
async fn a_restart_offline_still_shows_who_is_signed_in() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    let profile = sign_in(&server, &t.client, "13700000005").await;
    drop(t.client);
    let url = server.base_url();
    server.shutdown().await;

    let restarted = client_in(&url, &t.dir, t.secrets.clone());

    assert_eq!(restarted.auth().profile().await.unwrap(), profile);
}

#[tokio::test]
async fn two_accounts_on_one_phone_never_see_each_others_data() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    sign_in(&server, &t.client, "13700000006").await;
    t.client
        .my_preferences()
        .await
        .unwrap()
        .set("note", "alice's")
        .await
        .unwrap();
    t.client.auth().sign_out(false).await.unwrap();

    sign_in(&server, &t.client, "13700000007").await;
    let bob = t.client.my_preferences().await.unwrap();
    assert_eq!(bob.get("note").await.unwrap(), None);
    bob.set("note", "bob's").await.unwrap();
    t.client.auth().sign_out(false).await.unwrap();

    server.advance_clock(SMS_RESEND_INTERVAL);
    sign_in(&server, &t.client, "13700000006").await;
    let alice = t.client.my_preferences().await.unwrap();
    assert_eq!(alice.get("note").await.unwrap().as_deref(), Some("alice's"));
}

#[tokio::test]
async fn signing_out_with_wipe_deletes_the_users_files_and_key() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    let profile = sign_in(&server, &t.client, "13700000008").await;
    t.client
        .my_preferences()
        .await
        .unwrap()
        .set("k", "v")
        .await
        .unwrap();
    let files = PersonalDbFiles::for_user(t.dir.path(), &profile.user_id);
    assert!(files.path.exists());
    let key_name = files.current_key_name();

    t.client.auth().sign_out(true).await.unwrap();

    assert!(!files.path.exists());
    assert_eq!(
        banshitong_core::platform::SecretStore::get(t.secrets.as_ref(), &key_name).unwrap(),
        None
    );
    assert_eq!(
        banshitong_core::platform::SecretStore::get(t.secrets.as_ref(), "session").unwrap(),
        None
    );
    assert_eq!(t.client.auth().state(), SessionState::SignedOut);
    assert!(matches!(
        t.client.my_preferences().await.err(),
        Some(Error::Unauthorized)
    ));
}

#[tokio::test]
async fn signing_out_revokes_the_sign_in_on_the_platform() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());
    sign_in(&server, &t.client, "13700000009").await;
    let access = stored_session(&t.secrets)["tokens"]["access_token"]
        .as_str()
        .unwrap()
        .to_owned();

    t.client.auth().sign_out(false).await.unwrap();

    let status = reqwest::Client::new()
        .get(format!("{}/api/v1/me", server.base_url()))
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 401);
}

#[tokio::test]
async fn signed_out_requests_need_a_sign_in() {
    let server = dev_server().await;
    let t = client_for(&server.base_url());

    let err = t.client.auth().profile().await.unwrap_err();

    assert!(matches!(err, Error::Unauthorized), "{err:?}");
}

async fn futures_join_all<T: Send + 'static>(
    handles: impl Iterator<Item = tokio::task::JoinHandle<T>>,
) -> Vec<T> {
    let mut out = Vec::new();
    for handle in handles.collect::<Vec<_>>() {
        out.push(handle.await.unwrap());
    }
    out
}
