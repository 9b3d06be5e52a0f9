//! The platform's issuer keys: one per signature suite, made on the first
//! start and kept (`key_files`), and which suite signs new licences.

use std::collections::BTreeMap;
use std::path::Path;

use banshitong_trust::{SigningKey, Suite, TrustedIssuers};

use super::key_files;

/// The name verifiers see next to the public keys.
pub(crate) const ISSUER_NAME: &str = "云南省政务服务平台";

#[derive(Clone, Debug)]
pub(crate) struct IssuerKeys {
    keys: BTreeMap<&'static str, SigningKey>,
    /// The suite that signs new licences, status lists and certificates.
    signing: Suite,
}

impl IssuerKeys {
    /// Reads the keys of every suite from `data_dir`, making the missing
    /// ones.
    pub(crate) fn open(data_dir: &Path, signing: Suite) -> anyhow::Result<IssuerKeys> {
        let mut keys = BTreeMap::new();
        for suite in Suite::ALL {
            let secret = key_files::load_or_create(data_dir, suite.as_str(), || {
                SigningKey::generate(suite).secret_bytes().to_vec()
            })?;
            let key = SigningKey::from_bytes(suite, &secret).map_err(|error| {
                anyhow::anyhow!("the {suite} issuer key in the data dir is unusable: {error}")
            })?;
            keys.insert(suite.as_str(), key);
        }
        Ok(IssuerKeys { keys, signing })
    }

    /// The key of `suite`; every suite has one once opened.
    pub(crate) fn key(&self, suite: Suite) -> &SigningKey {
        self.keys
            .get(suite.as_str())
            .unwrap_or_else(|| unreachable!("IssuerKeys::open makes a key for every suite"))
    }

    /// The key that signs what is issued now.
    pub(crate) fn signing_key(&self) -> &SigningKey {
        self.key(self.signing)
    }

    /// Every key, for the published list.
    pub(crate) fn all(&self) -> impl Iterator<Item = &SigningKey> {
        self.keys.values()
    }

    /// The public keys, as a verifier that fetched them would hold them.
    pub(crate) fn trusted(&self) -> TrustedIssuers {
        TrustedIssuers::from_keys(self.all().map(|key| key.verifying_key().clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_keys_after_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let first = IssuerKeys::open(dir.path(), Suite::Ed25519).unwrap();
        let again = IssuerKeys::open(dir.path(), Suite::Sm2Sm3).unwrap();
        for suite in Suite::ALL {
            assert_eq!(first.key(suite).kid(), again.key(suite).kid());
            assert_eq!(first.key(suite).suite(), suite);
        }
        assert_eq!(again.signing_key().suite(), Suite::Sm2Sm3);
    }
}
