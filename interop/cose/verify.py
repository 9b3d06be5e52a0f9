"""Checks a Banshitong offline presentation with independent
implementations, decoding everything (base45, deflate, CBOR, salted
digests) here in Python, so the Rust side is checked by code that shares
nothing with it:
- Ed25519: each COSE_Sign1 is verified by pycose;
- SM2/SM3 (private-use COSE alg -65537), which pycose does not know: the
  RFC 9052 Sig_structure is built here with cbor2 and the signature checked
  by gmssl (SM2 with SM3 and the default user id 1234567812345678).

Usage: verify.py ISSUER_PUBLIC_KEY_HEX QR_TEXT
(32 key bytes: Ed25519; 65 bytes, an uncompressed SEC1 point: SM2.)
Prints a JSON summary and exits 0 when every signature and digest checks
out; exits 1 with the reason on stderr otherwise.
"""

import hashlib
import json
import sys
import zlib

import cbor2
from gmssl import func, sm2, sm3
from pycose.keys import OKPKey
from pycose.keys.curves import Ed25519
from pycose.messages import CoseMessage, Sign1Message

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
PREFIX = "BST1:"
ALG_EDDSA = -8
ALG_SM2_SM3 = -65537
COSE_SIGN1_TAG = 18


def fail(reason):
    print(f"verify.py: {reason}", file=sys.stderr)
    sys.exit(1)


def base45_decode(text):
    out = bytearray()
    for i in range(0, len(text), 3):
        chunk = [ALPHABET.index(c) for c in text[i : i + 3]]
        n = sum(v * 45**k for k, v in enumerate(chunk))
        out += n.to_bytes(2 if len(chunk) == 3 else 1, "big")
    return bytes(out)


def suite_of(public_key):
    return ALG_EDDSA if len(public_key) == 32 else ALG_SM2_SM3


def digest(alg, data):
    if alg == ALG_EDDSA:
        return hashlib.sha256(data).digest()
    return bytes.fromhex(sm3.sm3_hash(func.bytes_to_list(data)))


def verified_ed25519(data, public_key, what):
    message = CoseMessage.decode(data)
    if not isinstance(message, Sign1Message):
        fail(f"{what}: not a COSE_Sign1 but {type(message).__name__}")
    message.key = OKPKey(crv=Ed25519, x=public_key)
    if not message.verify_signature():
        fail(f"{what}: the Ed25519 signature does not verify")
    return message.payload


def verified_sm2(data, public_key, what):
    tagged = cbor2.loads(data)
    if not isinstance(tagged, cbor2.CBORTag) or tagged.tag != COSE_SIGN1_TAG:
        fail(f"{what}: not a tagged COSE_Sign1")
    protected, _unprotected, payload, signature = tagged.value
    if cbor2.loads(protected).get(1) != ALG_SM2_SM3:
        fail(f"{what}: alg is not SM2/SM3 ({ALG_SM2_SM3})")
    to_be_signed = cbor2.dumps(["Signature1", protected, b"", payload])
    if public_key[0] != 4 or len(public_key) != 65:
        fail(f"{what}: the SM2 key is not an uncompressed point")
    verifier = sm2.CryptSM2(private_key=None, public_key=public_key[1:].hex())
    if not verifier.verify_with_sm3(signature.hex(), to_be_signed):
        fail(f"{what}: the SM2 signature does not verify")
    return payload


def verified_sign1(data, public_key, what):
    if suite_of(public_key) == ALG_EDDSA:
        payload = verified_ed25519(data, public_key, what)
    else:
        payload = verified_sm2(data, public_key, what)
    return cbor2.loads(payload)


def main():
    issuer_key = bytes.fromhex(sys.argv[1])
    qr_text = sys.argv[2]
    if not qr_text.startswith(PREFIX):
        fail("no BST1: prefix")
    presentation = cbor2.loads(zlib.decompress(base45_decode(qr_text[len(PREFIX) :]), -15))
    licence_bytes, certificate_bytes, device_signed_bytes = presentation

    licence = verified_sign1(licence_bytes, issuer_key, "licence")
    certificate = verified_sign1(certificate_bytes, issuer_key, "device certificate")
    device_key = certificate[4]
    if certificate[3] != suite_of(device_key):
        fail(f"device key suite {certificate[3]} does not fit a {len(device_key)}-byte key")
    signed = verified_sign1(device_signed_bytes, device_key, "device signature")
    if 10 in licence and licence[10] != certificate[2]:
        fail("the device is certified for another user than the licence's holder")

    if signed[1] != digest(certificate[3], licence_bytes):
        fail("the licence digest does not match the bundled licence")
    licence_alg = suite_of(issuer_key)
    digests = set(licence[9])
    disclosed = {}
    for name, value, salt in signed[2]:
        if digest(licence_alg, salt + cbor2.dumps(name) + cbor2.dumps(value)) not in digests:
            fail(f"claim {name!r} matches no signed digest")
        disclosed[name] = value

    print(
        json.dumps(
            {
                "licence_id": licence[1],
                "licence_type": licence[2],
                "device_id": certificate[1],
                "issued_at_ms": signed[3],
                "disclosed": disclosed,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
