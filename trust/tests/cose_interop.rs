//! The offline presentation's COSE_Sign1 structures (licence, device
//! certificate, device signature) verified by independent implementations
//! through interop/cose/verify.py: pycose for Ed25519, and for SM2/SM3 the
//! Sig_structure built in Python and checked by gmssl.
//!
//! Needs `BST_COSE_INTEROP_PYTHON` (scripts/toolchain/cose-interop.sh).

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

use banshitong_trust::Suite;
use common::World;

fn interop_python() -> String {
    std::env::var("BST_COSE_INTEROP_PYTHON").unwrap_or_else(|_| {
        panic!(
            "BST_COSE_INTEROP_PYTHON is not set: run `export BST_COSE_INTEROP_PYTHON=\"$(bash \
             scripts/toolchain/cose-interop.sh)\"` first (scripts/test.sh does it)"
        )
    })
}

fn run_verify_py(world: &World, qr_text: &str) -> Output {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../interop/cose/verify.py");
    let issuer_hex: String = world
        .issuer
        .verifying_key()
        .to_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Command::new(interop_python())
        .arg(script)
        .arg(issuer_hex)
        .arg(qr_text)
        .output()
        .expect("run interop/cose/verify.py")
}

#[test]
fn pycose_verifies_an_offline_presentation() {
    verified_by_python(Suite::Ed25519);
}

#[test]
fn gmssl_verifies_an_sm2_offline_presentation() {
    verified_by_python(Suite::Sm2Sm3);
}

#[test]
fn gmssl_refuses_an_sm2_presentation_signed_by_another_device() {
    let mut world = World::new(Suite::Sm2Sm3);
    world.device = banshitong_trust::SigningKey::generate(Suite::Sm2Sm3);
    let out = run_verify_py(&world, &world.present(&["name"]));
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("device signature: the SM2 signature does not verify"),
        "{stderr}"
    );
}

fn verified_by_python(suite: Suite) {
    let world = World::new(suite);
    let qr = world.present(&["name_masked", "id_number"]);
    let out = run_verify_py(&world, &qr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "verify.py failed: {}{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_str(&stdout).expect("verify.py prints JSON");
    assert_eq!(summary["licence_id"], "LIC-0001");
    assert_eq!(summary["licence_type"], "居民身份证");
    assert_eq!(summary["device_id"], common::DEVICE_ID);
    assert_eq!(summary["issued_at_ms"], common::NOW_MS);
    assert_eq!(summary["disclosed"]["name_masked"], "张**");
    assert_eq!(summary["disclosed"]["id_number"], "530102199001011234");
}

#[test]
fn pycose_refuses_a_presentation_signed_by_another_device() {
    let mut world = World::new(Suite::Ed25519);
    world.device = banshitong_trust::SigningKey::generate(Suite::Ed25519);
    let out = run_verify_py(&world, &world.present(&["name"]));
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("device signature: the Ed25519 signature does not verify"),
        "{stderr}"
    );
}

#[test]
fn verify_py_refuses_a_device_of_another_user() {
    let mut world = World::new(Suite::Ed25519);
    world.certificate = common::certificate_of(
        &world.issuer,
        &world.device,
        "user-2",
        common::NOW_MS / 1000 + 60,
    );
    let out = run_verify_py(&world, &world.present(&["name"]));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("certified for another user"));
}

#[test]
fn pycose_refuses_a_licence_from_another_issuer() {
    let world = World::new(Suite::Ed25519);
    let qr = world.present(&["name"]);
    let mut other = World::new(Suite::Ed25519);
    other.licence = world.licence.clone();
    let out = run_verify_py(&other, &qr);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("licence: the Ed25519 signature does not verify")
    );
}
