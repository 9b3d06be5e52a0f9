//! Making one presentation of a held licence: offline (signed here with the
//! device key, no network) or online (the platform's short token).

use banshitong_trust::{ClaimValue, DisclosableClaims, SaltedClaim, SigningKey, present_offline};

use super::MASKED_SUFFIX;
use super::model::{Disclosure, Presentation};
use super::store::StoredLicence;
use crate::error::{Error, Result};

/// The claim names a disclosure reveals, in the licence's order.
pub(crate) fn disclosed_names(
    licence: &StoredLicence,
    disclosure: &Disclosure,
) -> Result<Vec<String>> {
    let has = |name: &str| licence.claims.iter().any(|c| c.name == name);
    let base = licence
        .claims
        .iter()
        .map(|c| c.name.as_str())
        .filter(|name| !name.ends_with(MASKED_SUFFIX));
    match disclosure {
        Disclosure::Full => Ok(base.map(str::to_owned).collect()),
        Disclosure::Masked => Ok(base
            .map(|name| {
                let masked = format!("{name}{MASKED_SUFFIX}");
                if has(&masked) {
                    masked
                } else {
                    name.to_owned()
                }
            })
            .collect()),
        Disclosure::Only { names } => {
            if names.is_empty() {
                return Err(Error::invalid_input("choose at least one claim to show"));
            }
            if let Some(unknown) = names.iter().find(|n| !has(n)) {
                return Err(Error::invalid_input(format!(
                    "this licence has no claim named {unknown:?}"
                )));
            }
            Ok(names.clone())
        }
    }
}

/// The holder's claims in the trust crate's form.
fn disclosable(licence: &StoredLicence) -> Result<DisclosableClaims> {
    let claims = licence
        .claims
        .iter()
        .map(|c| {
            let value: ClaimValue = serde_json::from_value(c.value.clone())
                .map_err(|_| Error::storage(format!("claim {:?} has an unusable value", c.name)))?;
            let salt = c
                .salt
                .as_slice()
                .try_into()
                .map_err(|_| Error::storage(format!("claim {:?} has a bad salt", c.name)))?;
            Ok(SaltedClaim {
                name: c.name.clone(),
                value,
                salt,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(DisclosableClaims { claims })
}

/// An offline presentation, made and signed entirely on the device.
pub(crate) fn offline(
    licence: &StoredLicence,
    names: &[String],
    device_key: &SigningKey,
    device_certificate: &[u8],
    now_ms: i64,
    lifetime_ms: i64,
) -> Result<Presentation> {
    let claims = disclosable(licence)?;
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let qr_text = present_offline(
        &licence.cose,
        &claims,
        &names,
        device_key,
        device_certificate,
        now_ms as u64,
        banshitong_trust::random_nonce(),
    )
    .map_err(|e| Error::invalid_input(format!("this licence can't be presented: {e}")))?;
    Ok(Presentation {
        qr_text,
        issued_at_ms: now_ms,
        expires_at_ms: now_ms + lifetime_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::licences::model::LicenceStatus;
    use crate::licences::store::SaltedClaim as StoredClaim;

    fn licence() -> StoredLicence {
        let claim = |name: &str, value: &str| StoredClaim {
            name: name.into(),
            value: serde_json::json!(value),
            salt: vec![7; 16],
        };
        StoredLicence {
            id: "l1".into(),
            licence_type: "居民身份证".into(),
            title: "居民身份证".into(),
            issuer: "云南省公安厅".into(),
            suite: "ed25519".into(),
            cose: vec![],
            claims: vec![
                claim("name", "张三"),
                claim("id_number", "530102199001011234"),
                claim("valid_until", "2040-01-01"),
                claim("name_masked", "张*"),
                claim("id_number_masked", "5301**********1234"),
            ],
            valid_from: None,
            valid_until: None,
            status: LicenceStatus::Valid,
            status_list: None,
            synced_at_ms: 0,
        }
    }

    #[test]
    fn full_masked_and_chosen_disclosures() {
        let l = licence();
        assert_eq!(
            disclosed_names(&l, &Disclosure::Full).unwrap(),
            ["name", "id_number", "valid_until"]
        );
        assert_eq!(
            disclosed_names(&l, &Disclosure::Masked).unwrap(),
            ["name_masked", "id_number_masked", "valid_until"]
        );
        let only = Disclosure::Only {
            names: vec!["name_masked".into()],
        };
        assert_eq!(disclosed_names(&l, &only).unwrap(), ["name_masked"]);
        let unknown = Disclosure::Only {
            names: vec!["blood_type".into()],
        };
        assert!(matches!(
            disclosed_names(&l, &unknown),
            Err(Error::InvalidInput { .. })
        ));
    }

    /// A licence the trust crate issued, as a sync would store it.
    fn issued(issuer: &SigningKey) -> StoredLicence {
        use banshitong_trust::{Claim, LicenceMetadata, StatusRef, issue_licence};
        let metadata = LicenceMetadata {
            licence_id: "l1".into(),
            licence_type: "居民身份证".into(),
            issuer_name: "云南省公安厅".into(),
            issued_at_s: 1_700_000_000,
            valid_from: Some("2020-01-01".into()),
            valid_until: Some("2040-01-01".into()),
            status: StatusRef {
                list_id: "1".into(),
                index: 3,
            },
        };
        let claims = [
            Claim::new("name", "张三"),
            Claim::new("id_number", "530102199001011234"),
        ];
        let (cose, salted) = issue_licence(issuer, &metadata, &claims).unwrap();
        let mut licence = self::licence();
        licence.suite = issuer.suite().as_str().into();
        licence.cose = cose;
        licence.claims = salted
            .claims
            .into_iter()
            .map(|c| StoredClaim {
                name: c.name,
                value: serde_json::to_value(c.value).unwrap(),
                salt: c.salt.to_vec(),
            })
            .collect();
        licence
    }

    #[test]
    fn an_offline_presentation_verifies_in_both_suites() {
        use banshitong_trust::{
            DeviceCertificate, InMemoryReplayCache, Outcome, Suite, TrustedIssuers, VerifyOptions,
            issue_device_certificate, verify,
        };
        for suite in Suite::ALL {
            let issuer = SigningKey::generate(suite);
            let device = SigningKey::generate(suite);
            let now_ms = 1_800_000_000_000_i64;
            let certificate = issue_device_certificate(
                &issuer,
                &DeviceCertificate {
                    device_id: "d1".into(),
                    subject: "u1".into(),
                    device_key: device.verifying_key().clone(),
                    issued_at_s: (now_ms / 1000 - 10) as u64,
                    expires_at_s: (now_ms / 1000 + 3600) as u64,
                },
            );
            let licence = issued(&issuer);
            let names = disclosed_names(&licence, &Disclosure::Masked).unwrap();
            let shown = offline(&licence, &names, &device, &certificate, now_ms, 30_000).unwrap();
            assert!(shown.qr_text.starts_with("BST1:"));
            assert_eq!(shown.expires_at_ms, now_ms + 30_000);
            let verdict = verify(
                &shown.qr_text,
                &TrustedIssuers::from_keys([issuer.verifying_key().clone()]),
                &[],
                &InMemoryReplayCache::new(),
                now_ms as u64 + 1_000,
                &VerifyOptions::default(),
            );
            // No status list given: genuine, revocation unknown.
            assert_eq!(
                verdict.outcome,
                Outcome::StatusUnknown,
                "{suite}: {verdict:?}"
            );
            let disclosed: Vec<&str> = verdict.disclosed.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(disclosed, ["name_masked", "id_number_masked"]);
        }
    }
}
