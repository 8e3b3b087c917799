"""The second factor: time-based one-time codes (RFC 6238: 6 digits, 30 s steps, SHA-1, the defaults
every authenticator app reads from an otpauth:// URI), with pyotp."""
from __future__ import annotations

import hmac

import pyotp

STEP_SECONDS = 30
DIGITS = 6


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def code_at(secret: str, unix_time: float) -> str:
    return pyotp.TOTP(secret).at(int(unix_time))


def matching_step(secret: str, code: str, unix_time: float, *, after: int | None = None) -> int | None:
    """The time step whose code `code` is, among the current one and its two neighbours (clock drift);
    None if none matches or only steps up to `after` do (a code works once)."""
    code = code.strip().replace(" ", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp, now_step = pyotp.TOTP(secret), int(unix_time) // STEP_SECONDS
    for step in (now_step - 1, now_step, now_step + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None
