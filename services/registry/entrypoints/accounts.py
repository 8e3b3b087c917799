"""Signing in, for the API's token endpoint and the login page alike (issue 12 part 5).

One attempt: refused at once (429) while the account or the client address must wait; otherwise counted
against both before the password is checked (so concurrent guesses cannot slip past the count), the
password verified (an unknown user against a dummy hash, so both take the same time), the second factor
checked when the account has one or its role needs one, and a session opened. Every outcome passes
through `record_sign_in`, the one place that records sign-ins.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from services.registry.adapters.accounts_repository import SqlSignInRepository
from services.registry.adapters.repository import SqlUserRepository
from services.registry.bootstrap import RegistryContainer
from services.registry.domain.model import User
from services.registry.domain.signin import ThrottleRule, UserSession
from services.registry.entrypoints.signin_load import check_gate, refusals
from services.registry.service_layer import accounts
from shared import audit, totp
from shared.auth import Principal, hash_password, issue_token, needs_rehash, new_session_id, verify_password
from shared.clock import FixedClock
from shared.errors import Forbidden, SocregError, Unauthorized
from shared.settings import Settings

log = logging.getLogger("socreg.signin")
WRONG = "wrong username or password"


class SignInThrottled(SocregError):
    """Too many failed attempts for the account or the client address: try again after `retry_after` s."""
    status, title, type_slug = 429, "Too many sign-in attempts", "too-many-attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-in attempts for this account or address: try again in "
                         f"{retry_after} s (an administrator can unlock an account)", rule="auth.throttled")
        self.retry_after = retry_after


@dataclass(frozen=True)
class SignedIn:
    token: str
    principal: Principal


def record_sign_in(c: RegistryContainer, username: str, address: str | None, error: SocregError | None,
                   role: str | None = None) -> None:
    """Every sign-in outcome, success or failure (and why), passes here: the place to record it. A
    throttle's refusals (429) are recorded at most once per 10 s per client address, saying how many
    refusals the record stands for (signin_load.RefusalDigest)."""
    outcome = "success" if error is None else (error.rule or "auth.wrong_credentials")
    reason = None if error is None else outcome
    if isinstance(error, SignInThrottled):
        if (count := refusals.due(address or f"account:{username[:100]}")) is None:
            return
        reason = f"{outcome} (x{count} from this address since the last record)" if count > 1 else outcome
    log.info("sign-in %s: user=%r address=%s", outcome, username[:100], address)
    audit.record(c.db, audit.sign_in_entry(username, "success" if error is None else "failure", role=role,
                                           client_address=address, reason=reason))


def sign_in(c: RegistryContainer, username: str, password: str, *, address: str | None = None,
            code: str | None = None) -> SignedIn:
    """A bearer token and its principal for a right username and password (and code when needed).
    Unauthorized otherwise (the same answer for an unknown user and a wrong password), SignInThrottled
    while the account or address must wait, Forbidden for an account that needs a second factor first."""
    try:
        with audit.writes_recorded_by_caller():  # the one sign-in record below stands for its bookkeeping writes
            signed_in = _attempt(c, username, password, address, code)
    except SocregError as exc:
        record_sign_in(c, username, address, exc)
        raise
    record_sign_in(c, username, address, None, role=signed_in.principal.role)
    return signed_in


def throttle_rules(settings: Settings, username: str, address: str | None) -> dict[str, ThrottleRule]:
    window, lock = timedelta(minutes=settings.signin_window_minutes), timedelta(minutes=settings.signin_lock_minutes)
    first, longest = (timedelta(seconds=settings.signin_first_delay_seconds),
                      timedelta(seconds=settings.signin_max_delay_seconds))
    rules = {accounts.account_key(username): ThrottleRule(settings.signin_account_delay_after,
                                                          settings.signin_account_lock_after, window, first, longest, lock)}
    if address:
        rules[accounts.address_key(address)] = ThrottleRule(settings.signin_address_delay_after,
                                                            settings.signin_address_lock_after, window, first, longest, lock)
    return rules


def _attempt(c: RegistryContainer, username: str, password: str, address: str | None, code: str | None) -> SignedIn:
    if not username.isprintable() or not 0 < len(username) <= 100:
        raise Unauthorized(WRONG)
    now = datetime.now(timezone.utc)  # throttling and tokens live in real time
    rules = throttle_rules(c.settings, username, address)
    if wait := _waiting(c, rules, now):  # most refusals of a flood end here, with one read and no write
        raise SignInThrottled(wait)
    if wait := accounts.begin_attempt(c.uow(), rules, now):
        raise SignInThrottled(wait)
    with c.db.read_session() as session:
        user = SqlUserRepository(session).get(username)
    with check_gate(c.settings.signin_parallel_checks):  # a flood's checks cannot take every core
        right = verify_password(user.password_hash if user else None, password[:1000])
    if not right or user is None or not user.active:
        raise Unauthorized(WRONG)
    step = _second_factor(c.settings, user, code)
    principal = Principal(user.username, user.role, user.uscc, new_session_id(), user.token_version)
    ttl = c.settings.token_ttl_minutes
    record = UserSession(principal.session or "", user.username, now, now + timedelta(minutes=ttl), address)
    rehashed = hash_password(password) if needs_rehash(user.password_hash) else None
    if not accounts.open_session(c.uow(), record, rules, totp_step=step, rehashed=rehashed):
        raise Unauthorized("this one-time code was used already: wait for the next one", rule="auth.totp_wrong")
    token = issue_token(principal, secret=c.settings.secret_key, clock=FixedClock(now), ttl_minutes=ttl)
    return SignedIn(token, principal)


def _waiting(c: RegistryContainer, rules: dict[str, ThrottleRule], now: datetime) -> int:
    with c.db.read_session() as session:
        throttles = SqlSignInRepository(session).throttles(list(rules))
    return max((t.wait_seconds(rules[key], now) for key, t in throttles.items()), default=0)


def totp_required(settings: Settings, user: User) -> bool:
    return user.totp_secret is not None or (not settings.demo and user.role in settings.totp_required_roles)


def _second_factor(settings: Settings, user: User, code: str | None) -> int | None:
    """The time step of a valid one-time code, None when the account signs in without one."""
    if not totp_required(settings, user):
        return None
    if user.totp_secret is None:
        raise Forbidden(f"the role {user.role} signs in with a second factor (a one-time code) and this account "
                        f"has none yet: an administrator enrols it with `socreg user totp {user.username}`, which "
                        "prints the otpauth:// URI to add to an authenticator app", rule="auth.totp_enrolment_required")
    if not code:
        raise Unauthorized("this account signs in with a one-time code from its authenticator app: send it in the "
                           "form field `totp`", rule="auth.totp_missing")
    step = totp.matching_step(user.totp_secret, code, time.time(), after=user.totp_last_step)
    if step is None:
        raise Unauthorized("wrong or expired one-time code", rule="auth.totp_wrong")
    return step


def sign_out(c: RegistryContainer, principal: Principal) -> None:
    """End the principal's session: its token stops working in every service at once."""
    if principal.session:
        accounts.sign_out(c.uow(), principal.session, datetime.now(timezone.utc))

