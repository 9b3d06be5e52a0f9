//! The OAuth clients this platform knows, and where they may be redirected.

/// The one registered client: the app itself, a public client (RFC 6749
/// §2.1) with no secret, which proves itself with PKCE instead.
pub(crate) const APP_CLIENT_ID: &str = "banshitong-app";

pub(crate) fn is_known_client(client_id: &str) -> bool {
    client_id == APP_CLIENT_ID
}

/// Redirect URIs the app may use: its own scheme (`banshitong://…`) or a
/// loopback HTTP listener on any port (`http://127.0.0.1…`,
/// `http://localhost…`; RFC 8252 §7.3), without a fragment.
pub(crate) fn is_allowed_redirect_uri(uri: &str) -> bool {
    let Ok(parsed) = url::Url::parse(uri) else {
        return false;
    };
    if parsed.fragment().is_some() {
        return false;
    }
    match parsed.scheme() {
        "banshitong" => uri.starts_with("banshitong://"),
        "http" => {
            parsed.username().is_empty()
                && parsed.password().is_none()
                && matches!(
                    parsed.host(),
                    Some(url::Host::Domain("localhost"))
                        | Some(url::Host::Ipv4(std::net::Ipv4Addr::LOCALHOST))
                )
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_redirects() {
        for uri in [
            "banshitong://oauth/callback",
            "banshitong://cb?x=1",
            "http://127.0.0.1:53124/callback",
            "http://127.0.0.1/cb",
            "http://localhost:8080/cb",
            "http://LOCALHOST:8080/cb",
        ] {
            assert!(is_allowed_redirect_uri(uri), "{uri}");
        }
    }

    #[test]
    fn refused_redirects() {
        for uri in [
            "",
            "/relative",
            "banshitong:oauth",
            "https://127.0.0.1/cb",
            "http://localhost.evil.example/cb",
            "http://127.0.0.1.evil.example/cb",
            "http://127.0.0.2/cb",
            "http://evil@127.0.0.1/cb",
            "http://127.0.0.1:8080/cb#frag",
            "https://evil.example/cb",
            "javascript:alert(1)",
        ] {
            assert!(!is_allowed_redirect_uri(uri), "{uri}");
        }
    }
}
