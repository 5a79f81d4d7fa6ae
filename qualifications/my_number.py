"""個人番号 at rest: AES-256-GCM with settings.MY_NUMBER_KEY, plus an HMAC-SHA256 keyed hash
for exact lookup. The plain number exists only inside these functions and the reveal view.

Two sub-keys are derived from the one configured key (HKDF), so the lookup hash never uses the
encryption key itself.
"""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from kokumin_nenkin.identifiers import validate_my_number

_AAD = b"kokumin_nenkin:my_number:v1"


class MyNumberKeyError(RuntimeError):
    pass


@lru_cache(maxsize=4)
def _keys(configured: str) -> tuple[bytes, bytes]:
    try:
        master = base64.b64decode(configured, validate=True)
    except ValueError:
        raise MyNumberKeyError(
            "MY_NUMBER_KEY は base64 で表した32バイトの鍵にしてください。"
        ) from None
    if len(master) != 32:
        raise MyNumberKeyError("MY_NUMBER_KEY は base64 で表した32バイトの鍵にしてください。")

    def derive(info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)

    return derive(b"my_number:encrypt"), derive(b"my_number:lookup")


def _encryption_key() -> bytes:
    return _keys(settings.MY_NUMBER_KEY)[0]


def _lookup_key() -> bytes:
    return _keys(settings.MY_NUMBER_KEY)[1]


def encrypt(my_number: str) -> str:
    """Validated 12 digits → base64(nonce ‖ ciphertext ‖ tag)."""
    return encrypt_many([my_number])[0]


def encrypt_many(numbers: list[str]) -> list[str]:
    """`encrypt` of a whole column in one pass (one cipher object, one fresh nonce each): what
    a bulk load calls before it writes the rows."""
    cipher = AESGCM(_encryption_key())
    out = []
    for number in numbers:
        digits = validate_my_number(number)
        nonce = os.urandom(12)
        sealed = cipher.encrypt(nonce, digits.encode(), _AAD)
        out.append(base64.b64encode(nonce + sealed).decode("ascii"))
    return out


def decrypt(token: str) -> str:
    raw = base64.b64decode(token)
    return AESGCM(_encryption_key()).decrypt(raw[:12], raw[12:], _AAD).decode()


def lookup_hash(my_number: str) -> str:
    """The keyed hash used for exact-match lookup (and the uniqueness constraint)."""
    digits = validate_my_number(my_number)
    return hmac.new(_lookup_key(), digits.encode(), hashlib.sha256).hexdigest()
