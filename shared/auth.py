"""Passwords (argon2, with a policy) and bearer tokens (JWT, HS256) carrying a role; `org` tokens carry
one USCC. A token names its session (`sid`) and the account's token version (`ver`): every service checks
both against the accounts store (shared.accounts), so signing out, deactivation and a role change end it."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from shared.clock import Clock
from shared.errors import FieldError, Forbidden, InvalidInput, Unauthorized

ROLES = ("registrar", "inspector", "approver", "auditor", "org", "admin")
STAFF = ("registrar", "inspector", "approver")  # the bureau's staff who read organizations' full records
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1000
USERNAME = re.compile(r"[\w.@-]{1,100}")
MIN_PASSWORD_SCORE = 3  # zxcvbn's 0-4: 3 is "safely unguessable" (about 10^8 guesses and more)
# argon2id with the library's time and memory cost (t=3, 64 MiB) on one lane: the same work for a guesser
# as the default four lanes, but a check takes one core, never all of them (a flood of guesses cannot
# starve the machine; signin_parallel_checks bounds how many run at once). Older hashes are re-made on a
# successful sign-in (needs_rehash).
_hasher = PasswordHasher(parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; with no hash (an unknown user) a dummy hash is verified instead, so
    both answers take the same time."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@cache
def _dummy_hash() -> str:
    return _hasher.hash(uuid.uuid4().hex)


def check_username(username: str) -> None:
    """1-100 letters, digits and . _ @ - (no spaces, nothing invisible): a name people can type and read."""
    if not USERNAME.fullmatch(username):
        raise InvalidInput("a user name has 1-100 letters, digits or . _ @ - (no spaces)", rule="auth.username",
                           errors=[FieldError("username", "1-100 letters, digits or . _ @ -", "auth.username")])


def password_problems(password: str, username: str) -> list[str]:
    """What the password policy finds wrong with `password` for the account `username` (empty: none)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return [f"the password needs at least {MIN_PASSWORD_LENGTH} characters"]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [f"the password may have at most {MAX_PASSWORD_LENGTH} characters"]
    name = username.strip().casefold()
    if name and name in password.casefold():
        return ["the password must not contain the user name"]
    verdict = zxcvbn(password[:100], user_inputs=[username])  # beyond 100 characters only slower, not weaker
    if verdict["score"] < MIN_PASSWORD_SCORE:
        feedback = verdict.get("feedback") or {}
        why = " ".join([feedback.get("warning") or "", *feedback.get("suggestions", [])]).strip()
        return [f"the password is too easy to guess (a common word, name, date or pattern){': ' + why if why else ''}"]
    return []


def check_password_policy(password: str, username: str) -> None:
    if problems := password_problems(password, username):
        raise InvalidInput("; ".join(problems), rule="auth.password_policy",
                           errors=[FieldError("password", p, "auth.password_policy") for p in problems])


@dataclass(frozen=True)
class Principal:
    username: str
    role: str
    uscc: str | None = None
    session: str | None = field(default=None, compare=False)  # the token's session id (sid)
    version: int = field(default=0, compare=False)  # the account's token version when it was issued

    def require(self, *roles: str) -> "Principal":
        # no super-role: `admin` manages accounts only and passes no business check (separation of duties)
        if self.role not in roles:
            raise Forbidden(f"this action needs the role {' or '.join(roles)}", rule="auth.role")
        return self

    def may_see(self, uscc: str) -> bool:
        if self.role in STAFF:
            return True
        return self.role == "org" and self.uscc == uscc


def new_session_id() -> str:
    return uuid.uuid4().hex


def issue_token(principal: Principal, *, secret: str, clock: Clock, ttl_minutes: int) -> str:
    """A signed token for `principal`; it stands only while its session (principal.session) and token
    version are current in the accounts store."""
    now = clock.now()
    claims = {"sub": principal.username, "role": principal.role, "uscc": principal.uscc,
              "sid": principal.session or new_session_id(), "ver": principal.version,
              "iat": int(now.timestamp()), "exp": int((now + timedelta(minutes=ttl_minutes)).timestamp())}
    return jwt.encode(claims, secret, algorithm="HS256")


def read_token(token: str, *, secret: str) -> Principal:
    """The principal a token was signed for (signature and expiry checked; whether its session still
    stands is shared.accounts' question)."""
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["sub", "role", "exp", "sid"]})
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"invalid or expired token: {exc}") from exc
    if claims["role"] not in ROLES:
        raise Unauthorized("token carries an unknown role")
    version = claims.get("ver", 0)
    if not isinstance(version, int) or not isinstance(claims["sid"], str):
        raise Unauthorized("token carries a malformed session")
    return Principal(str(claims["sub"]), str(claims["role"]), claims.get("uscc"), claims["sid"], version)
