//! Garbage, truncated and bit-flipped QR text: always a typed error or an
//! Invalid verdict, never a panic. A deterministic generator keeps the
//! runs reproducible.

mod common;

use banshitong_trust::qr_text::encode_offline;
use banshitong_trust::{Outcome, QrText, ReasonKind, Suite, TrustError, decode_qr_text};
use common::World;

/// xorshift64*: small, deterministic, good enough to spray bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

fn assert_malformed(world: &World, text: &str) {
    let verdict = world.verify(text);
    assert_eq!(verdict.outcome, Outcome::Invalid, "{text:?}");
    assert!(!verdict.reasons.is_empty());
    assert!(verdict.disclosed.is_empty(), "{text:?}");
}

#[test]
fn plain_garbage_gets_clear_errors() {
    assert_eq!(decode_qr_text("hello"), Err(TrustError::UnknownPrefix));
    assert_eq!(decode_qr_text(""), Err(TrustError::UnknownPrefix));
    assert!(matches!(
        decode_qr_text("BST1:abc"),
        Err(TrustError::Base45(_))
    ));
    assert!(matches!(
        decode_qr_text("BST1:A"),
        Err(TrustError::Base45(_))
    ));
    assert!(matches!(
        decode_qr_text("BST1:GGW"),
        Err(TrustError::Base45(_))
    ));
    assert!(matches!(
        decode_qr_text("BST0:no-token"),
        Err(TrustError::InvalidToken(_))
    ));
    let world = World::new(Suite::Ed25519);
    for text in [
        "",
        "hello",
        "BST1:",
        "BST1:abc",
        "BST1:00",
        "BST0:",
        "https://example.org/",
    ] {
        let verdict = world.verify(text);
        assert_eq!(verdict.outcome, Outcome::Invalid);
        assert!(
            verdict.has(ReasonKind::Malformed),
            "{text:?}: {:?}",
            verdict.reasons
        );
    }
}

#[test]
fn bytes_after_the_presentation_are_refused() {
    let world = World::new(Suite::Ed25519);
    let banshitong_trust::QrText::Offline(mut cbor) =
        decode_qr_text(&world.present(&["name"])).unwrap()
    else {
        panic!("an offline code");
    };
    cbor.push(0);
    let verdict = world.verify(&encode_offline(&cbor));
    assert!(verdict.has(ReasonKind::Malformed), "{:?}", verdict.reasons);
}

#[test]
fn a_decompression_bomb_is_refused() {
    let bomb = encode_offline(&vec![0u8; 1 << 20]);
    assert!(bomb.len() < 4_000);
    assert_eq!(
        decode_qr_text(&bomb),
        Err(TrustError::PayloadTooLarge {
            limit: banshitong_trust::qr_text::MAX_PAYLOAD_BYTES
        })
    );
}

#[test]
fn valid_base45_of_random_bytes_is_refused() {
    let world = World::new(Suite::Ed25519);
    let mut rng = Rng(0x5EED_0001);
    for _ in 0..300 {
        let len = rng.below(600);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        assert_malformed(
            &world,
            &format!("BST1:{}", banshitong_trust::base45::encode(&bytes)),
        );
        // Random bytes deflated: decodes to CBOR garbage.
        assert_malformed(&world, &encode_offline(&bytes));
        // Random alphabet text behind the prefix.
        let text: String = (0..len)
            .map(|_| char::from(ALPHABET[rng.below(ALPHABET.len())]))
            .collect();
        assert_malformed(&world, &format!("BST1:{text}"));
        // Arbitrary Unicode.
        let text: String = (0..len / 4)
            .map(|_| char::from_u32(rng.next() as u32 % 0x3_0000).unwrap_or('?'))
            .collect();
        assert_malformed(&world, &text);
    }
}

#[test]
fn every_truncation_of_a_real_code_is_refused() {
    for suite in Suite::ALL {
        let world = World::new(suite);
        let qr = world.present(&["name", "id_number"]);
        assert!(matches!(decode_qr_text(&qr), Ok(QrText::Offline(_))));
        for end in 0..qr.len() {
            assert_malformed(&world, &qr[..end]);
        }
    }
}

#[test]
fn changed_characters_of_a_real_code_are_refused() {
    for suite in Suite::ALL {
        let world = World::new(suite);
        let qr = world.present(&["name"]);
        let mut rng = Rng(0x5EED_0002);
        let prefix = "BST1:".len();
        for _ in 0..400 {
            let mut bytes = qr.clone().into_bytes();
            let at = prefix + rng.below(bytes.len() - prefix);
            let replacement = ALPHABET[rng.below(ALPHABET.len())];
            if bytes[at] == replacement {
                continue;
            }
            bytes[at] = replacement;
            let changed = String::from_utf8(bytes).unwrap();
            // The last deflate byte has unused padding bits; a change there
            // can leave the payload as it was, which is no forgery.
            if decode_qr_text(&changed) == decode_qr_text(&qr) {
                continue;
            }
            assert_malformed(&world, &changed);
        }
    }
}
