"""Reading a client's public keys, and making a key pair for a new client.

A client's key is configured as text by an administrator: one PEM public key, or a JWKS (the
JSON the client publishes, pasted in). The service never fetches a `jku` address itself: the
keys it trusts are the ones configured here, so a token cannot point it at a key of its
choosing, and the service makes no outbound calls.
"""

from __future__ import annotations

import json

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt import PyJWK, PyJWKSet
from jwt.exceptions import PyJWKError, PyJWKSetError

# kid -> key; "" for a PEM key (it has no kid, and answers whatever kid the token names).
PublicKeys = dict[str, object]


def load_public_keys(text: str) -> PublicKeys:
    """The keys in `text` by kid; raises ValueError naming what is wrong."""
    text = (text or "").strip()
    if not text:
        raise ValueError("No public key.")
    if text.startswith("{"):
        document = json.loads(text)
        try:
            if "keys" in document:
                keys = PyJWKSet.from_dict(document).keys
            else:
                keys = [PyJWK.from_dict(document)]
        except (PyJWKError, PyJWKSetError) as error:
            raise ValueError(f"Not a usable JWK set: {error}") from None
        return {str(key.key_id or ""): key.key for key in keys}
    try:
        key = serialization.load_pem_public_key(text.encode())
    except ValueError:
        raise ValueError("Not a PEM public key (-----BEGIN PUBLIC KEY-----).") from None
    if not isinstance(key, ec.EllipticCurvePublicKey | rsa.RSAPublicKey):
        raise ValueError("Only EC (P-384) and RSA keys sign CDS Hooks tokens.")
    return {"": key}


def generate_es384_key_pair() -> tuple[str, str]:
    """(private key PEM, public key PEM) on the P-384 curve, for ES384."""
    private = ec.generate_private_key(ec.SECP384R1())
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private_pem, public_pem
