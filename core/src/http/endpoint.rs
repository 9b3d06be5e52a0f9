//! Where the platform lives, and whether we may talk to it there.
//!
//! Plain http:// is allowed only to loopback hosts (a developer's own server,
//! the embedded reference server in tests and the demo). Anything else must be
//! https: tokens and personal data never cross a network in clear text.

use std::net::IpAddr;

use url::{Host, Url};

use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct Endpoint {
    base: Url,
}

impl Endpoint {
    pub fn parse(base_url: &str) -> Result<Self> {
        let mut base = Url::parse(base_url.trim())
            .map_err(|e| Error::invalid_input(format!("API base URL '{base_url}': {e}")))?;
        match base.scheme() {
            "https" => {}
            "http" if is_loopback(&base) => {}
            "http" => {
                return Err(Error::invalid_input(format!(
                    "refusing plain http:// to non-loopback host '{}': use https",
                    base.host_str().unwrap_or_default()
                )));
            }
            other => {
                return Err(Error::invalid_input(format!(
                    "unsupported URL scheme '{other}': use https"
                )));
            }
        }
        if base.cannot_be_a_base() || base.host().is_none() {
            return Err(Error::invalid_input(format!(
                "API base URL '{base_url}' has no host"
            )));
        }
        // A trailing slash makes `join` append instead of replacing the last segment.
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        Ok(Self { base })
    }

    /// The URL of an API path such as `api/v1/regions` (no leading slash needed).
    pub fn url(&self, path: &str) -> Result<Url> {
        self.base
            .join(path.trim_start_matches('/'))
            .map_err(|e| Error::invalid_input(format!("bad API path '{path}': {e}")))
    }

    pub fn base(&self) -> &Url {
        &self.base
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_and_http_only_on_loopback() {
        assert!(Endpoint::parse("https://ynbst.example.cn").is_ok());
        assert!(Endpoint::parse("http://127.0.0.1:8765").is_ok());
        assert!(Endpoint::parse("http://127.8.9.10").is_ok());
        assert!(Endpoint::parse("http://localhost:1").is_ok());
        assert!(Endpoint::parse("http://[::1]:8765").is_ok());
        for refused in [
            "http://ynbst.example.cn",
            "http://10.0.0.1",
            "http://localhost.example.cn",
            "ftp://127.0.0.1",
            "not a url",
        ] {
            let err = Endpoint::parse(refused).unwrap_err();
            assert!(
                matches!(err, Error::InvalidInput { .. }),
                "{refused}: {err}"
            );
        }
    }

    #[test]
    fn joins_paths_under_a_prefix() {
        let e = Endpoint::parse("https://gw.example.cn/bst").unwrap();
        assert_eq!(
            e.url("/api/v1/regions").unwrap().as_str(),
            "https://gw.example.cn/bst/api/v1/regions"
        );
    }
}
