//! The holder's and the verifier's costs, per suite: making one offline
//! presentation (device signature + CBOR + deflate + base45; the QR matrix
//! is the core's) and verifying one. Before measuring, prints the payload
//! size of each licence type with full and masked disclosure, and the QR
//! version (error correction M, alphanumeric mode) it needs.
//!
//!     cargo bench -p banshitong-trust --bench presentation

use std::hint::black_box;

use banshitong_trust::{
    InMemoryReplayCache, Outcome, Suite, VerifyOptions, build_offline, decode_qr_text,
    random_nonce, verify,
};
use criterion::{Criterion, criterion_group, criterion_main};

#[path = "../tests/common/mod.rs"]
mod common;
use common::{NOW_MS, World, metadata, samples};

fn qr_version(text: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => match code.version() {
            qrcode::Version::Normal(v) => v.to_string(),
            qrcode::Version::Micro(v) => format!("M{v}"),
        },
        Err(e) => format!("does not fit ({e:?})"),
    }
}

fn print_sizes() {
    println!("payload sizes (CBOR bytes / deflated bytes / QR text chars / QR version at M):");
    for suite in Suite::ALL {
        for sample in samples() {
            let world = World::with(suite, &sample, metadata(sample.licence_type));
            for (form, disclose) in [("full", &sample.full), ("masked", &sample.masked)] {
                let p = build_offline(
                    &world.licence,
                    &world.claims,
                    disclose,
                    &world.device,
                    &world.certificate,
                    NOW_MS,
                    random_nonce(),
                )
                .unwrap();
                let cbor = p.to_cbor();
                let text = banshitong_trust::qr_text::encode_offline(&cbor);
                let deflated = (text.len() - "BST1:".len()) / 3 * 2;
                assert!(decode_qr_text(&text).is_ok());
                println!(
                    "  {:8} {} {:6}: licence {:4} B, certificate {:3} B, CBOR {:4} B, deflated ~{:4} B, text {:4} chars, QR version {}",
                    suite.as_str(),
                    sample.licence_type,
                    form,
                    p.licence.len(),
                    p.device_certificate.len(),
                    cbor.len(),
                    deflated,
                    text.len(),
                    qr_version(&text),
                );
            }
        }
    }
}

fn presentation(c: &mut Criterion) {
    print_sizes();
    for suite in Suite::ALL {
        let world = World::new(suite);
        let disclose = ["name_masked", "id_number_masked"];
        c.bench_function(&format!("present_offline/{suite}"), |b| {
            b.iter(|| black_box(world.present(black_box(&disclose))))
        });

        // Each verification needs a fresh nonce (or it is a replay), so
        // the codes are made in the untimed setup; one cache serves all.
        let replay = InMemoryReplayCache::new();
        let options = VerifyOptions::default();
        c.bench_function(&format!("verify/{suite}"), |b| {
            b.iter_batched(
                || world.present(&disclose),
                |qr| {
                    let verdict = verify(
                        &qr,
                        &world.trusted,
                        &world.status_lists,
                        &replay,
                        NOW_MS,
                        &options,
                    );
                    assert_eq!(verdict.outcome, Outcome::Valid);
                    verdict
                },
                criterion::BatchSize::SmallInput,
            )
        });
    }
}

criterion_group!(benches, presentation);
criterion_main!(benches);
