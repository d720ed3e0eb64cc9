"""A DKIM key pair made for a test, and the DNS lookup dkimpy's verify makes, answered."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

DOMAIN = "emploi-montagne.fr"
SELECTOR = "em2026"


def key_pair(folder: Path) -> tuple[Path, bytes]:
    """A fresh 2048-bit RSA key: the PEM file DKIM_PRIVATE_KEY names, and its DNS TXT record."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = folder / "dkim.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return path, b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


def dkim_env(path: Path) -> dict[str, str]:
    return {"DKIM_DOMAIN": DOMAIN, "DKIM_SELECTOR": SELECTOR, "DKIM_PRIVATE_KEY": str(path)}


def dns(record: bytes) -> Callable[..., bytes | None]:
    """dkim.verify's dnsfunc: the test key's record at <selector>._domainkey.<domain>."""

    def txt(name: bytes, timeout: int = 5) -> bytes | None:
        return record if name == f"{SELECTOR}._domainkey.{DOMAIN}.".encode() else None

    return txt
