//! A generic OAuth 2.0 client library (the `oauth2` crate) talks to the token
//! endpoint: password grant, refresh with rotation, and a §5.2 error it
//! understands. If the endpoint strayed from RFC 6749 this would break.

mod common;

use banshitong_server::TestServer;
use common::auth::*;
use oauth2::basic::{
    BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse,
    BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    Client, ClientId, EndpointNotSet, EndpointSet, ExtraTokenFields, RefreshToken,
    RequestTokenError, ResourceOwnerPassword, ResourceOwnerUsername, Scope, StandardRevocableToken,
    StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};

const PHONE: &str = "13800000000";
const PASSWORD: &str = "correct horse battery";

/// The platform's extra token-response member.
#[derive(Debug, Clone, Deserialize, Serialize)]
struct UserId {
    user_id: String,
}

impl ExtraTokenFields for UserId {}

type AppTokenResponse = StandardTokenResponse<UserId, BasicTokenType>;

type AppClient = Client<
    BasicErrorResponse,
    AppTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

fn oauth_client(server: &TestServer) -> AppClient {
    Client::new(ClientId::new(CLIENT_ID.to_owned()))
        .set_token_uri(TokenUrl::new(format!("{}/api/v1/auth/token", server.base_url())).unwrap())
}

/// As the oauth2 crate recommends: never follow redirects (SSRF).
fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn password_grant_and_refresh_through_the_oauth2_crate() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let first = sign_in(&server, PHONE).await;
    set_password(&server, access_token(&first), PASSWORD).await;

    let client = oauth_client(&server);
    let http = http();
    let token = client
        .exchange_password(
            &ResourceOwnerUsername::new(PHONE.to_owned()),
            &ResourceOwnerPassword::new(PASSWORD.to_owned()),
        )
        .add_scope(Scope::new("profile".to_owned()))
        .request_async(&http)
        .await
        .expect("password grant");
    assert_eq!(*token.token_type(), BasicTokenType::Bearer);
    assert_eq!(token.expires_in().map(|d| d.as_secs()), Some(600));
    assert_eq!(
        token.scopes().cloned(),
        Some(vec![Scope::new("profile".to_owned())])
    );
    assert_eq!(
        token.extra_fields().user_id,
        first["user_id"].as_str().unwrap()
    );
    me(&server, token.access_token().secret()).await;

    let old_refresh = token.refresh_token().expect("a refresh token").clone();
    let refreshed = client
        .exchange_refresh_token(&old_refresh)
        .request_async(&http)
        .await
        .expect("refresh grant");
    let new_refresh = refreshed.refresh_token().expect("a rotated refresh token");
    assert_ne!(new_refresh.secret(), old_refresh.secret());
    me(&server, refreshed.access_token().secret()).await;

    // Replaying the old refresh token: a typed invalid_grant.
    let replay = client
        .exchange_refresh_token(&old_refresh)
        .request_async(&http)
        .await
        .expect_err("reuse is refused");
    match replay {
        RequestTokenError::ServerResponse(error) => {
            assert_eq!(*error.error(), BasicErrorResponseType::InvalidGrant);
            assert!(error.error_description().is_some());
        }
        other => panic!("expected an RFC 6749 error response, got {other:?}"),
    }
    // And the rotated token died with its family.
    let after = client
        .exchange_refresh_token(&RefreshToken::new(new_refresh.secret().clone()))
        .request_async(&http)
        .await;
    assert!(matches!(after, Err(RequestTokenError::ServerResponse(_))));
    server.shutdown().await;
}

#[tokio::test]
async fn the_oauth2_crate_understands_wrong_credentials_and_unknown_clients() {
    let server = TestServer::start_in_temp_dir(true).await.unwrap();
    let http = http();
    let wrong = oauth_client(&server)
        .exchange_password(
            &ResourceOwnerUsername::new(PHONE.to_owned()),
            &ResourceOwnerPassword::new("nope".to_owned()),
        )
        .request_async(&http)
        .await;
    match wrong {
        Err(RequestTokenError::ServerResponse(error)) => {
            assert_eq!(*error.error(), BasicErrorResponseType::InvalidGrant);
        }
        other => panic!("expected invalid_grant, got {other:?}"),
    }

    let stranger: AppClient = Client::new(ClientId::new("someone-else".to_owned()))
        .set_token_uri(TokenUrl::new(format!("{}/api/v1/auth/token", server.base_url())).unwrap());
    let refused = stranger
        .exchange_refresh_token(&RefreshToken::new("x".to_owned()))
        .request_async(&http)
        .await;
    match refused {
        Err(RequestTokenError::ServerResponse(error)) => {
            assert_eq!(*error.error(), BasicErrorResponseType::InvalidClient);
        }
        other => panic!("expected invalid_client, got {other:?}"),
    }
    server.shutdown().await;
}
