//! The issuer keys a verifier trusts, looked up by key id.

use std::collections::HashMap;

use crate::keys::{KeyId, VerifyingKey};

#[derive(Debug, Clone, Default)]
pub struct TrustedIssuers {
    keys: HashMap<KeyId, VerifyingKey>,
}

impl TrustedIssuers {
    pub fn new() -> TrustedIssuers {
        TrustedIssuers::default()
    }

    pub fn from_keys(keys: impl IntoIterator<Item = VerifyingKey>) -> TrustedIssuers {
        let mut trusted = TrustedIssuers::new();
        for key in keys {
            trusted.add(key);
        }
        trusted
    }

    pub fn add(&mut self, key: VerifyingKey) {
        self.keys.insert(key.kid(), key);
    }

    pub fn get(&self, kid: &KeyId) -> Option<&VerifyingKey> {
        self.keys.get(kid)
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}
