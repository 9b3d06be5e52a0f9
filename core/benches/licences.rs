//! Presenting and verifying licences on the device, and how big the QR
//! codes get.
//!
//!     cargo bench -p banshitong-core --bench licences
//!
//! - `present_offline`: sign one offline presentation with the device key,
//!   encode it (CBOR, deflate, base45) and build its QR module matrix: what
//!   the phone does every refresh. Target: well under 5 ms.
//! - `verify_offline`: check one (issuer signature, device certificate,
//!   device signature, digests, freshness, replay, status list). Target:
//!   under 2 ms.
//! - Before the timings it prints, per licence type, the payload bytes and
//!   the QR version reached with full and with masked claims.

use std::time::{SystemTime, UNIX_EPOCH};

use banshitong_core::licences::QrMatrix;
use banshitong_trust::{
    CachedStatusList, Claim, DeviceCertificate, DisclosableClaims, InMemoryReplayCache,
    LicenceMetadata, Outcome, SigningKey, StatusList, StatusRef, Suite, TrustedIssuers,
    VerifyOptions, decode_qr_text, issue_device_certificate, issue_licence, present_offline,
    random_nonce, verify,
};
use criterion::{Criterion, criterion_group, criterion_main};

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// The claims the reference platform signs for each licence type.
fn claims_of(licence_type: &str) -> Vec<Claim> {
    if licence_type == "营业执照" {
        vec![
            Claim::new("company_name", "云南示例科技有限公司"),
            Claim::new("uscc", "91530100MA6K000Y43"),
            Claim::new("legal_representative", "张三丰"),
        ]
    } else {
        vec![
            Claim::new("name", "张三丰"),
            Claim::new("id_number", "530102199001011234"),
            Claim::new("birth_date", "1990-01-01"),
            Claim::new("sex", "男"),
        ]
    }
}

const TYPES: [&str; 5] = [
    "居民身份证",
    "机动车驾驶证",
    "社会保障卡",
    "户口簿",
    "营业执照",
];

struct Holder {
    issuer: SigningKey,
    device: SigningKey,
    certificate: Vec<u8>,
    licence: Vec<u8>,
    claims: DisclosableClaims,
    status_list: Vec<u8>,
}

fn holder(suite: Suite, licence_type: &str) -> Holder {
    let issuer = SigningKey::generate(suite);
    let device = SigningKey::generate(suite);
    let now_s = now_ms() / 1000;
    let certificate = issue_device_certificate(
        &issuer,
        &DeviceCertificate {
            device_id: "3f6c2a9e-5b1d-4c8e-9a7f-2d4e6b8c0a1f".into(),
            subject: "u-0001".into(),
            device_key: device.verifying_key().clone(),
            issued_at_s: now_s,
            expires_at_s: now_s + 365 * 86_400,
        },
    );
    let metadata = LicenceMetadata {
        licence_id: "LIC-2026-000001".into(),
        licence_type: licence_type.into(),
        issuer_name: "云南省公安厅".into(),
        issued_at_s: now_s,
        valid_from: Some("2020-01-01".into()),
        valid_until: Some("2040-01-01".into()),
        status: StatusRef {
            list_id: "1".into(),
            index: 42,
        },
    };
    let (licence, claims) = issue_licence(&issuer, &metadata, &claims_of(licence_type)).unwrap();
    let status_list = StatusList::new("1", 1024, 300).sign(&issuer, now_s);
    Holder {
        issuer,
        device,
        certificate,
        licence,
        claims,
        status_list,
    }
}

/// Every claim, or the masked twin where there is one.
fn disclose(claims: &DisclosableClaims, masked: bool) -> Vec<String> {
    let names: Vec<&str> = claims.names().collect();
    names
        .iter()
        .filter(|n| !n.ends_with("_masked"))
        .map(|n| {
            let twin = format!("{n}_masked");
            if masked && names.contains(&twin.as_str()) {
                twin
            } else {
                (*n).to_owned()
            }
        })
        .collect()
}

fn present(h: &Holder, names: &[String]) -> String {
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    present_offline(
        &h.licence,
        &h.claims,
        &names,
        &h.device,
        &h.certificate,
        now_ms(),
        random_nonce(),
    )
    .unwrap()
}

fn sizes() {
    println!("\nlicence type / suite / disclosure: CBOR bytes, QR text chars, QR version (EC M)");
    for suite in Suite::ALL {
        for licence_type in TYPES {
            let h = holder(suite, licence_type);
            for masked in [false, true] {
                let text = present(&h, &disclose(&h.claims, masked));
                let cbor = match decode_qr_text(&text).unwrap() {
                    banshitong_trust::QrText::Offline(cbor) => cbor.len(),
                    _ => unreachable!("an offline presentation"),
                };
                let qr = QrMatrix::encode(&text).unwrap();
                println!(
                    "{licence_type} / {suite} / {}: {cbor} B, {} chars, version {}",
                    if masked { "masked" } else { "full" },
                    text.len(),
                    qr.version
                );
            }
        }
    }
}

fn bench(c: &mut Criterion) {
    sizes();
    for suite in Suite::ALL {
        let h = holder(suite, "居民身份证");
        let names = disclose(&h.claims, true);
        c.bench_function(
            &format!("present_offline + QR matrix ({suite}, masked ID card)"),
            |b| b.iter(|| QrMatrix::encode(&present(&h, &names)).unwrap()),
        );

        let shown = present(&h, &names);
        c.bench_function(&format!("QR matrix only ({suite}, masked ID card)"), |b| {
            b.iter(|| QrMatrix::encode(&shown).unwrap())
        });
        c.bench_function(
            &format!("present_offline only ({suite}, masked ID card)"),
            |b| b.iter(|| present(&h, &names)),
        );

        let issuers = TrustedIssuers::from_keys([h.issuer.verifying_key().clone()]);
        let (list, _) = StatusList::verify(&h.status_list, &issuers).unwrap();
        let lists = [CachedStatusList {
            list,
            fetched_at_ms: now_ms(),
        }];
        let options = VerifyOptions::default();
        // A new presentation each time would measure signing too: the same
        // text with a fresh replay cache measures only the checks.
        let text = present(&h, &names);
        c.bench_function(&format!("verify_offline ({suite}, masked ID card)"), |b| {
            b.iter(|| {
                let replay = InMemoryReplayCache::new();
                let verdict = verify(&text, &issuers, &lists, &replay, now_ms(), &options);
                assert_eq!(verdict.outcome, Outcome::Valid);
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
