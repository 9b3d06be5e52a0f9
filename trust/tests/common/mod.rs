//! A small issuer world for the tests and benches: keys, one licence of
//! each type, a device with its certificate, a status list.
#![allow(dead_code)]

use banshitong_trust::licence::types;
use banshitong_trust::{
    CachedStatusList, Claim, DeviceCertificate, DisclosableClaims, InMemoryReplayCache,
    LicenceMetadata, OfflinePresentation, SigningKey, StatusList, StatusRef, Suite, TrustedIssuers,
    Verdict, VerifyOptions, build_offline, issue_device_certificate, issue_licence_to,
    present_offline, random_nonce, verify,
};

/// 2026-09-21T11:06:40Z: a fixed "now" so the tests never read the clock.
pub const NOW_MS: u64 = 1_790_000_000_000;
pub const STATUS_LIST_ID: &str = "list-1";
pub const STATUS_TTL_S: u64 = 300;
pub const LICENCE_INDEX: u64 = 42;
/// Ids shaped like the platform's, so the measured sizes are real.
pub const DEVICE_ID: &str = "d_9c41e07b3a5f6d28";
/// The user the licences are issued to and the device is certified for.
pub const HOLDER: &str = "u_3f9a1c7e5b2d8046";

pub struct World {
    pub suite: Suite,
    pub issuer: SigningKey,
    pub trusted: TrustedIssuers,
    pub device: SigningKey,
    pub certificate: Vec<u8>,
    pub licence: Vec<u8>,
    pub claims: DisclosableClaims,
    pub status_list: StatusList,
    pub status_lists: Vec<CachedStatusList>,
    pub replay: InMemoryReplayCache,
}

/// (licence type, claims, names to disclose in full, names in masked form)
pub struct Sample {
    pub licence_type: &'static str,
    pub claims: Vec<Claim>,
    pub full: Vec<&'static str>,
    pub masked: Vec<&'static str>,
}

pub fn samples() -> Vec<Sample> {
    let person = || {
        vec![
            Claim::new("name", "张三丰"),
            Claim::new("id_number", "530102199001011234"),
        ]
    };
    let with = |extra: Vec<Claim>| {
        let mut claims = person();
        claims.extend(extra);
        claims
    };
    vec![
        Sample {
            licence_type: types::RESIDENT_ID_CARD,
            claims: with(vec![
                Claim::new("sex", "男"),
                Claim::new("ethnicity", "汉"),
                Claim::new("birth_date", "1990-01-01"),
                Claim::new("address", "云南省昆明市五华区华山南路100号"),
                Claim::new("issuing_authority", "昆明市公安局五华分局"),
            ]),
            full: vec![
                "name",
                "id_number",
                "sex",
                "ethnicity",
                "birth_date",
                "address",
            ],
            masked: vec!["name_masked", "id_number_masked"],
        },
        Sample {
            licence_type: types::DRIVING_LICENCE,
            claims: with(vec![
                Claim::new("licence_number", "530102199001011234"),
                Claim::new("vehicle_class", "C1"),
                Claim::new("first_issue_date", "2012-05-20"),
                Claim::new("address", "云南省昆明市五华区华山南路100号"),
            ]),
            full: vec![
                "name",
                "licence_number",
                "vehicle_class",
                "first_issue_date",
            ],
            masked: vec!["name_masked", "vehicle_class"],
        },
        Sample {
            licence_type: types::SOCIAL_SECURITY_CARD,
            claims: with(vec![
                Claim::new("card_number", "A53010234"),
                Claim::new("mobile", "13812345678"),
            ]),
            full: vec!["name", "id_number", "card_number", "mobile"],
            masked: vec!["name_masked", "id_number_masked", "mobile_masked"],
        },
        Sample {
            licence_type: types::HOUSEHOLD_REGISTER,
            claims: with(vec![
                Claim::new("household_number", "530102000123"),
                Claim::new("relation_to_head", "户主"),
                Claim::new("address", "云南省昆明市五华区华山南路100号"),
            ]),
            full: vec![
                "name",
                "id_number",
                "household_number",
                "relation_to_head",
                "address",
            ],
            masked: vec!["name_masked", "relation_to_head"],
        },
        Sample {
            licence_type: types::BUSINESS_LICENCE,
            claims: vec![
                Claim::new("company_name", "昆明云岭茶业有限公司"),
                Claim::new("credit_code", "91530100MA6K123456"),
                Claim::new("legal_representative", "张三丰"),
                Claim::new("registered_capital", "500万元人民币"),
                Claim::new("address", "云南省昆明市盘龙区北京路200号"),
                Claim::new("founded", "2015-03-12"),
            ],
            full: vec![
                "company_name",
                "credit_code",
                "legal_representative",
                "address",
            ],
            masked: vec!["company_name", "credit_code"],
        },
    ]
}

pub fn metadata(licence_type: &str) -> LicenceMetadata {
    LicenceMetadata {
        licence_id: "LIC-0001".into(),
        licence_type: licence_type.into(),
        issuer_name: "云南省数字政府电子证照中心".into(),
        issued_at_s: NOW_MS / 1000 - 86_400,
        valid_from: Some("2020-01-01".into()),
        valid_until: Some("2040-12-31".into()),
        status: StatusRef {
            list_id: STATUS_LIST_ID.into(),
            index: LICENCE_INDEX,
        },
    }
}

pub fn certificate_for(issuer: &SigningKey, device: &SigningKey, expires_at_s: u64) -> Vec<u8> {
    certificate_of(issuer, device, HOLDER, expires_at_s)
}

pub fn certificate_of(
    issuer: &SigningKey,
    device: &SigningKey,
    subject: &str,
    expires_at_s: u64,
) -> Vec<u8> {
    issue_device_certificate(
        issuer,
        &DeviceCertificate {
            device_id: DEVICE_ID.into(),
            subject: subject.into(),
            device_key: device.verifying_key().clone(),
            issued_at_s: NOW_MS / 1000 - 3600,
            expires_at_s,
        },
    )
}

impl World {
    pub fn new(suite: Suite) -> World {
        World::with(suite, &samples()[0], metadata(types::RESIDENT_ID_CARD))
    }

    pub fn with(suite: Suite, sample: &Sample, metadata: LicenceMetadata) -> World {
        let issuer = SigningKey::generate(suite);
        let device = SigningKey::generate(suite);
        let (licence, claims) =
            issue_licence_to(&issuer, &metadata, HOLDER, &sample.claims).unwrap();
        let certificate = certificate_for(&issuer, &device, NOW_MS / 1000 + 365 * 86_400);
        let mut status_list = StatusList::new(STATUS_LIST_ID, 1024, STATUS_TTL_S);
        let signed = status_list.sign(&issuer, NOW_MS / 1000 - 10);
        let trusted = TrustedIssuers::from_keys([issuer.verifying_key().clone()]);
        let (list, _) = StatusList::verify(&signed, &trusted).unwrap();
        World {
            suite,
            issuer,
            trusted,
            device,
            certificate,
            licence,
            claims,
            status_list,
            status_lists: vec![CachedStatusList {
                list,
                fetched_at_ms: NOW_MS - 10_000,
            }],
            replay: InMemoryReplayCache::new(),
        }
    }

    /// An unencoded presentation of `licence` (perhaps not this world's)
    /// by this world's device, made now: for tests that tamper with it.
    pub fn bundle(
        &self,
        licence: &[u8],
        claims: &DisclosableClaims,
        disclose: &[&str],
    ) -> OfflinePresentation {
        build_offline(
            licence,
            claims,
            disclose,
            &self.device,
            &self.certificate,
            NOW_MS,
            random_nonce(),
        )
        .unwrap()
    }

    /// A presentation made at `made_ms` disclosing `disclose`.
    pub fn present_at(&self, disclose: &[&str], made_ms: u64) -> String {
        present_offline(
            &self.licence,
            &self.claims,
            disclose,
            &self.device,
            &self.certificate,
            made_ms,
            banshitong_trust::random_nonce(),
        )
        .unwrap()
    }

    pub fn present(&self, disclose: &[&str]) -> String {
        self.present_at(disclose, NOW_MS)
    }

    pub fn verify_at(&self, qr_text: &str, now_ms: u64) -> Verdict {
        verify(
            qr_text,
            &self.trusted,
            &self.status_lists,
            &self.replay,
            now_ms,
            &VerifyOptions::default(),
        )
    }

    pub fn verify(&self, qr_text: &str) -> Verdict {
        self.verify_at(qr_text, NOW_MS + 1_000)
    }

    /// Revokes the licence and re-caches the signed list as fetched at `fetched_at_ms`.
    pub fn revoke_and_refetch(&mut self, fetched_at_ms: u64) {
        self.status_list.revoke(LICENCE_INDEX).unwrap();
        let signed = self.status_list.sign(&self.issuer, fetched_at_ms / 1000);
        let (list, _) = StatusList::verify(&signed, &self.trusted).unwrap();
        self.status_lists = vec![CachedStatusList {
            list,
            fetched_at_ms,
        }];
    }
}
