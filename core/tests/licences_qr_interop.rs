//! Interop: a QR code PNG rendered by the core is read back by an
//! independent reader, zbar's `zbarimg` (Debian zbar-tools), to the very
//! same text. `scripts/toolchain/zbar.sh` installs it and prints its path;
//! export it as `BST_ZBARIMG`. Without it the test fails, it never skips.

use std::path::PathBuf;
use std::process::Command;

use banshitong_core::licences::QrMatrix;
use banshitong_trust::licence::types;
use banshitong_trust::{
    Claim, DeviceCertificate, LicenceMetadata, SigningKey, StatusRef, Suite,
    issue_device_certificate, issue_licence_to, present_offline,
};

/// A fixed "now", so the texts do not depend on the clock.
const NOW_MS: u64 = 1_790_000_000_000;
const HOLDER: &str = "u_3f9a1c7e5b2d8046";

fn zbarimg() -> PathBuf {
    match std::env::var_os("BST_ZBARIMG") {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => panic!(
            "BST_ZBARIMG is not set: run `export BST_ZBARIMG=\"$(scripts/toolchain/zbar.sh)\"` \
             (installs zbar-tools) before this test"
        ),
    }
}

/// What zbar reads from the PNG: the text of its one QR code.
fn read_with_zbar(png: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("code.png");
    std::fs::write(&file, png).unwrap();
    let out = Command::new(zbarimg())
        .args(["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable"])
        .arg(&file)
        .output()
        .expect("zbarimg runs");
    assert!(
        out.status.success(),
        "zbarimg found no QR code: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("zbarimg prints UTF-8")
        .trim_end_matches('\n')
        .to_owned()
}

/// A real offline presentation of a licence of `licence_type`, as a holder
/// makes it, signed in `suite`.
fn offline_text(suite: Suite, licence_type: &str, claims: &[Claim], disclose: &[&str]) -> String {
    let issuer = SigningKey::generate(suite);
    let device = SigningKey::generate(suite);
    let metadata = LicenceMetadata {
        licence_id: "LIC-0001".into(),
        licence_type: licence_type.into(),
        issuer_name: "云南省数字政府电子证照中心".into(),
        issued_at_s: NOW_MS / 1000 - 86_400,
        valid_from: Some("2020-01-01".into()),
        valid_until: Some("2040-12-31".into()),
        status: StatusRef {
            list_id: "list-1".into(),
            index: 42,
        },
    };
    let (licence, disclosable) = issue_licence_to(&issuer, &metadata, HOLDER, claims).unwrap();
    let certificate = issue_device_certificate(
        &issuer,
        &DeviceCertificate {
            device_id: "d_9c41e07b3a5f6d28".into(),
            subject: HOLDER.into(),
            device_key: device.verifying_key().clone(),
            issued_at_s: NOW_MS / 1000 - 3600,
            expires_at_s: NOW_MS / 1000 + 86_400,
        },
    );
    present_offline(
        &licence,
        &disclosable,
        disclose,
        &device,
        &certificate,
        NOW_MS,
        [7; 16],
    )
    .unwrap()
}

fn assert_round_trip(text: &str) {
    let matrix = QrMatrix::encode(text).unwrap();
    let png = matrix.png(4).unwrap();
    assert_eq!(
        read_with_zbar(&png),
        text,
        "zbar read something else from a version {} code",
        matrix.version
    );
}

#[test]
fn zbar_reads_an_online_token_code() {
    assert_round_trip("BST0:7Q2M9XK4C1VZ8RTP5HJD3NWB6F");
}

#[test]
fn zbar_reads_offline_id_card_codes_in_both_suites() {
    let claims = [
        Claim::new("name", "张三丰"),
        Claim::new("id_number", "530102199001011234"),
        Claim::new("sex", "男"),
        Claim::new("birth_date", "1990-01-01"),
        Claim::new("address", "云南省昆明市五华区华山南路100号"),
    ];
    for suite in [Suite::Ed25519, Suite::Sm2Sm3] {
        let full = offline_text(
            suite,
            types::RESIDENT_ID_CARD,
            &claims,
            &["name", "id_number", "sex", "birth_date", "address"],
        );
        let masked = offline_text(
            suite,
            types::RESIDENT_ID_CARD,
            &claims,
            &["name_masked", "id_number_masked"],
        );
        assert!(full.starts_with("BST1:") && masked.starts_with("BST1:"));
        assert_round_trip(&full);
        assert_round_trip(&masked);
    }
}

#[test]
fn zbar_reads_an_offline_business_licence_code() {
    let claims = [
        Claim::new("company_name", "昆明滇池数字科技有限公司"),
        Claim::new("unified_social_credit_code", "91530100MA6K0XXXXX"),
        Claim::new("legal_representative", "张三丰"),
        Claim::new("registered_capital", "500万元"),
    ];
    let text = offline_text(
        Suite::Ed25519,
        types::BUSINESS_LICENCE,
        &claims,
        &[
            "company_name",
            "unified_social_credit_code",
            "legal_representative",
        ],
    );
    assert_round_trip(&text);
}
