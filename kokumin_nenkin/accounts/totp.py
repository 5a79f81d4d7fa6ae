"""TOTP helpers shared by demo data, the demo_totp command and the tests."""

import hashlib

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def demo_key_for(username: str) -> str:
    """A fixed 20-byte key per demo account, so the demo logins stay the same across reseeds."""
    return hashlib.sha256(f"kokumin-nenkin-demo-totp:{username}".encode()).hexdigest()[:40]


def current_code(device: TOTPDevice, at: float | None = None) -> str:
    """The code the device's authenticator app shows now (or at a given Unix time)."""
    otp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    if at is not None:
        otp.time = at
    return str(otp.token()).zfill(device.digits)
