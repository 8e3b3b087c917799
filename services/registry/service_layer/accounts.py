"""Accounts after they exist (issue 12 part 5): the writing steps of a sign-in (counting an attempt,
opening a session), signing out, deactivation, role changes, unlocking and the second factor. Adding an
account is handlers.add_user. Deactivation and a role change move the account's token version on, so
every token issued before stops at once (shared.accounts checks it on every request)."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol

from services.registry.domain import uscc as uscc_rules
from services.registry.domain.model import User
from services.registry.domain.signin import Throttle, ThrottleRule, UserSession
from shared.auth import ROLES
from shared.clock import Clock
from shared.errors import Conflict, InvalidInput, NotFound

STALE_AFTER = timedelta(days=1)  # throttling counts untouched this long are forgotten


class SignInRepository(Protocol):
    def throttles(self, keys: list[str], *, for_update: bool = False) -> dict[str, Throttle]: ...

    def forget_stale(self, before: datetime) -> None: ...

    def add_session(self, session: UserSession) -> None: ...

    def get_session(self, session_id: str) -> UserSession | None: ...

    def forget_expired_sessions(self, username: str, now: datetime) -> None: ...

    def revoke_sessions_of(self, username: str, now: datetime) -> None: ...


class AccountsUnitOfWork(Protocol):
    users: Any  # ports.UserRepository
    signin: SignInRepository
    clock: Clock

    def __enter__(self) -> "AccountsUnitOfWork": ...

    def __exit__(self, *exc: object) -> None: ...

    def commit(self) -> None: ...


def account_key(username: str) -> str:
    return f"account:{username[:100]}"


def address_key(address: str) -> str:
    return f"address:{address[:64]}"


def begin_attempt(uow: AccountsUnitOfWork, rules: dict[str, ThrottleRule], now: datetime) -> int:
    """Count an attempt against every key in `rules` (all at once, under a lock) unless one of them must
    wait: then nothing is counted and the answer is the seconds to wait; 0 when the attempt may go on."""
    with uow:
        throttles = uow.signin.throttles(list(rules), for_update=True)
        wait = max(throttles[key].wait_seconds(rule, now) for key, rule in rules.items())
        if wait:
            return wait
        fresh = any(throttles[key].last_attempt_at is None for key in rules)
        for key, rule in rules.items():
            throttles[key].begin_attempt(rule, now)
        if fresh:  # a key seen for the first time: a good moment to forget the old ones
            uow.signin.forget_stale(now - STALE_AFTER)
        uow.commit()
    return 0


def open_session(uow: AccountsUnitOfWork, session: UserSession, rules: dict[str, ThrottleRule], *,
                 totp_step: int | None = None, rehashed: str | None = None) -> bool:
    """The attempt succeeded: the account's count starts again, the address's forgives this attempt, and
    the session opens. With `totp_step`, only if that step's code was not used before (False then);
    `rehashed`: the password's hash re-made with the current parameters."""
    with uow:
        if totp_step is not None or rehashed is not None:
            user = _account(uow, session.username)
            if totp_step is not None and user.totp_last_step is not None and totp_step <= user.totp_last_step:
                return False
            user.totp_last_step = totp_step if totp_step is not None else user.totp_last_step
            user.password_hash = rehashed or user.password_hash
        throttles = uow.signin.throttles(list(rules), for_update=True)
        for key, throttle in throttles.items():
            throttle.succeeded() if key.startswith("account:") else throttle.forgive_one(rules[key])
        uow.signin.forget_expired_sessions(session.username, session.issued_at)
        uow.signin.add_session(session)
        uow.commit()
    return True


def sign_out(uow: AccountsUnitOfWork, session_id: str, now: datetime) -> None:
    with uow:
        session = uow.signin.get_session(session_id)
        if session is not None and session.revoked_at is None:
            session.revoked_at = now
            uow.commit()


def _account(uow: AccountsUnitOfWork, username: str) -> User:
    user = uow.users.get(username)
    if user is None:
        raise NotFound(f"no account {username}")
    return user


def deactivate(uow: AccountsUnitOfWork, username: str) -> None:
    with uow:
        user = _account(uow, username)
        user.active = False
        user.token_version += 1
        uow.signin.revoke_sessions_of(username, uow.clock.now())
        uow.commit()


def change_role(uow: AccountsUnitOfWork, username: str, role: str, uscc: str | None = None) -> None:
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}", rule="auth.role")
    if (role == "org") != (uscc is not None):
        raise InvalidInput("an org account is bound to exactly one USCC; other roles to none", rule="auth.org_uscc")
    with uow:
        user = _account(uow, username)
        user.role, user.uscc = role, uscc_rules.normalize(uscc) if uscc else None
        user.token_version += 1
        uow.signin.revoke_sessions_of(username, uow.clock.now())
        uow.commit()


def unlock(uow: AccountsUnitOfWork, username: str) -> bool:
    """Lift the account's throttling (delays and lock); whether there was anything to lift."""
    with uow:
        _account(uow, username)
        throttle = uow.signin.throttles([account_key(username)]).get(account_key(username))
        if throttle is None or not throttle.failures:
            return False
        throttle.unlock()
        uow.commit()
    return True


def enrol_totp(uow: AccountsUnitOfWork, username: str, secret: str, *, replace: bool = False) -> None:
    """Give the account a second factor (`secret`, shown once to its holder); an enrolled account keeps
    its factor unless `replace` (an administrator's `socreg user totp NAME --replace`)."""
    with uow:
        user = _account(uow, username)
        if user.totp_secret is not None and not replace:
            raise Conflict("this account already has a second factor; an administrator can replace it with "
                           f"`socreg user totp {username} --replace`", rule="auth.totp_enrolled")
        user.totp_secret, user.totp_last_step = secret, None
        uow.commit()
