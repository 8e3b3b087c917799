"""Passwords (argon2) and bearer tokens (JWT, HS256) carrying a role; `org` tokens carry one USCC."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from shared.clock import Clock
from shared.errors import Forbidden, Unauthorized

ROLES = ("registrar", "inspector", "approver", "auditor", "org", "admin")
STAFF = ("registrar", "inspector", "approver")  # the bureau's staff who read organizations' full records
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class Principal:
    username: str
    role: str
    uscc: str | None = None

    def require(self, *roles: str) -> "Principal":
        # no super-role: `admin` manages accounts only and passes no business check (separation of duties)
        if self.role not in roles:
            raise Forbidden(f"this action needs the role {' or '.join(roles)}", rule="auth.role")
        return self

    def may_see(self, uscc: str) -> bool:
        if self.role in STAFF:
            return True
        return self.role == "org" and self.uscc == uscc


def issue_token(principal: Principal, *, secret: str, clock: Clock, ttl_minutes: int) -> str:
    now = clock.now()
    claims = {"sub": principal.username, "role": principal.role, "uscc": principal.uscc,
              "iat": int(now.timestamp()), "exp": int((now + timedelta(minutes=ttl_minutes)).timestamp())}
    return jwt.encode(claims, secret, algorithm="HS256")


def read_token(token: str, *, secret: str) -> Principal:
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["sub", "role", "exp"]})
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"invalid or expired token: {exc}") from exc
    if claims["role"] not in ROLES:
        raise Unauthorized("token carries an unknown role")
    return Principal(str(claims["sub"]), str(claims["role"]), claims.get("uscc"))
