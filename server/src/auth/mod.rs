//! Unified identity (统一身份认证, "one sign-in for every service").
//!
//! Accounts keyed by mobile number, SMS codes, an OAuth 2.0 token endpoint
//! with rotating refresh tokens, a simulated third-party authorization
//! endpoint with PKCE, and the Bearer extractor of authenticated routes. The
//! rules are spelled out in `server/README.md` (Auth) and `openapi.yaml`.

pub(crate) mod accounts;
pub(crate) mod authorize;
pub(crate) mod bearer;
pub(crate) mod clients;
pub(crate) mod codes;
pub(crate) mod mask;
pub(crate) mod oauth_error;
pub(crate) mod password;
pub(crate) mod scope;
pub(crate) mod secret;
pub(crate) mod sessions;
pub(crate) mod sms;
pub(crate) mod throttle;
pub(crate) mod token_endpoint;
