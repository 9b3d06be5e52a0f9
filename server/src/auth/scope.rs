//! OAuth scopes. `profile` lets a token read the masked profile;
//! `profile:full` the unmasked one and is granted to verified users only.

use std::fmt;

/// A granted scope; `profile` is always part of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Scope {
    pub(crate) full_profile: bool,
}

/// The `scope` parameter named something this server doesn't grant.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct UnknownScope;

impl Scope {
    pub(crate) const PROFILE: Scope = Scope {
        full_profile: false,
    };

    /// Parses a space-delimited scope parameter (RFC 6749 §3.3). Absent or
    /// empty means `profile`; `profile:full` implies `profile`; repeats are
    /// harmless; any other token is unknown.
    pub(crate) fn parse(parameter: Option<&str>) -> Result<Scope, UnknownScope> {
        let mut scope = Scope::PROFILE;
        for token in parameter.unwrap_or_default().split(' ') {
            match token {
                "" | "profile" => {}
                "profile:full" => scope.full_profile = true,
                _ => return Err(UnknownScope),
            }
        }
        Ok(scope)
    }

    /// Whether every scope in `self` is also in `granted`.
    pub(crate) fn within(self, granted: Scope) -> bool {
        !self.full_profile || granted.full_profile
    }
}

impl fmt::Display for Scope {
    /// The canonical string, as the token endpoint answers it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.full_profile {
            "profile profile:full"
        } else {
            "profile"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_canonicalises() {
        let full = Scope { full_profile: true };
        assert_eq!(Scope::parse(None), Ok(Scope::PROFILE));
        assert_eq!(Scope::parse(Some("")), Ok(Scope::PROFILE));
        assert_eq!(Scope::parse(Some("profile")), Ok(Scope::PROFILE));
        assert_eq!(Scope::parse(Some("profile profile:full")), Ok(full));
        assert_eq!(Scope::parse(Some("profile:full profile")), Ok(full));
        assert_eq!(Scope::parse(Some("profile:full")), Ok(full));
        assert_eq!(Scope::parse(Some("profile admin")), Err(UnknownScope));
        assert_eq!(Scope::parse(Some("PROFILE")), Err(UnknownScope));
        assert_eq!(full.to_string(), "profile profile:full");
        assert_eq!(Scope::PROFILE.to_string(), "profile");
        assert!(Scope::PROFILE.within(full));
        assert!(!full.within(Scope::PROFILE));
    }
}
