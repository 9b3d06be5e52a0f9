"""Checks a Banshitong offline presentation with an independent COSE
implementation (pycose), decoding everything else (base45, deflate, CBOR,
salted digests) here in Python too, so the Rust side is checked by code
that shares nothing with it.

Usage: verify.py ISSUER_PUBLIC_KEY_HEX QR_TEXT
Prints a JSON summary and exits 0 when every signature and digest checks
out; exits 1 with the reason on stderr otherwise. Ed25519 only: pycose
knows no SM2.
"""

import hashlib
import json
import sys
import zlib

import cbor2
from pycose.keys import OKPKey
from pycose.keys.curves import Ed25519
from pycose.messages import CoseMessage, Sign1Message

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
PREFIX = "BST1:"


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


def verified_sign1(data, public_key, what):
    message = CoseMessage.decode(data)
    if not isinstance(message, Sign1Message):
        fail(f"{what}: not a COSE_Sign1 but {type(message).__name__}")
    message.key = OKPKey(crv=Ed25519, x=public_key)
    if not message.verify_signature():
        fail(f"{what}: the Ed25519 signature does not verify")
    return cbor2.loads(message.payload)


def main():
    issuer_key = bytes.fromhex(sys.argv[1])
    qr_text = sys.argv[2]
    if not qr_text.startswith(PREFIX):
        fail("no BST1: prefix")
    presentation = cbor2.loads(zlib.decompress(base45_decode(qr_text[len(PREFIX) :]), -15))
    licence_bytes, certificate_bytes, device_signed_bytes = presentation

    licence = verified_sign1(licence_bytes, issuer_key, "licence")
    certificate = verified_sign1(certificate_bytes, issuer_key, "device certificate")
    if certificate[3] != -8:
        fail(f"device key suite {certificate[3]} is not EdDSA")
    signed = verified_sign1(device_signed_bytes, certificate[4], "device signature")
    if 10 in licence and licence[10] != certificate[2]:
        fail("the device is certified for another user than the licence's holder")

    if signed[1] != hashlib.sha256(licence_bytes).digest():
        fail("the licence digest does not match the bundled licence")
    digests = set(licence[9])
    disclosed = {}
    for name, value, salt in signed[2]:
        digest = hashlib.sha256(salt + cbor2.dumps(name) + cbor2.dumps(value)).digest()
        if digest not in digests:
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
