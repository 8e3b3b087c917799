"""Whether a bearer token still stands, for every service: its session must exist and not be revoked,
and the account must be active with the token's version. Sign-in, sign-out, deactivation and role changes
write these tables (the registry owns them: services/registry/adapters/orm.py `users`, `user_sessions`);
every service reads them here, from `Settings.accounts_url()` (the registry's database unless
`accounts_database_url` says otherwise), so a token stops working everywhere at once.

The cost is one primary-key read per authenticated request, with no cache: a revocation takes effect on
the next request. shared may not import a service, so the few columns read are declared again here
with SQLAlchemy Core (the registry's migrations own the real tables).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Column, DateTime, Engine, Integer, MetaData, String, Table, bindparam, select

from shared.auth import Principal
from shared.db import Database, make_engine
from shared.errors import Unauthorized
from shared.settings import Settings

_metadata = MetaData()
_users = Table("users", _metadata, Column("username", String(100), primary_key=True),
               Column("active", Boolean), Column("token_version", Integer))
_sessions = Table("user_sessions", _metadata, Column("id", String(64), primary_key=True),
                  Column("username", String(100)), Column("revoked_at", DateTime(timezone=True)))
_CURRENT = (select(_sessions.c.username, _sessions.c.revoked_at, _users.c.active, _users.c.token_version)
            .join_from(_sessions, _users, _users.c.username == _sessions.c.username)
            .where(_sessions.c.id == bindparam("sid")))
ENDED = "the session has ended (signed out, or the account was changed or deactivated): sign in again"


class Accounts:
    """The accounts store as every service reads it (app.state.accounts)."""

    def __init__(self, engine: Engine, *, owned: bool) -> None:
        self.engine, self._owned = engine, owned

    @classmethod
    def open(cls, settings: Settings, *databases: Database | None) -> "Accounts":
        """Reuse the read engine of one of `databases` when it is the accounts database (the registry's,
        or the embedded platform's); otherwise open a read engine of its own."""
        url = settings.accounts_url()
        for db in databases:
            if db is not None and db.url == url:
                return cls(db.read_engine, owned=False)
        return cls(make_engine(url, write=False, busy_timeout_ms=settings.sqlite_busy_timeout_ms), owned=True)

    def current(self, principal: Principal) -> Principal:
        """`principal` if its session and token version are current; Unauthorized otherwise."""
        if principal.session is None:
            raise Unauthorized(ENDED)
        with self.engine.connect() as conn:
            row: Any = conn.execute(_CURRENT, {"sid": principal.session}).first()
        if (row is None or row.username != principal.username or row.revoked_at is not None or not row.active
                or row.token_version != principal.version):
            raise Unauthorized(ENDED)
        return principal

    def close(self) -> None:
        if self._owned:
            self.engine.dispose()


def current_principal(app_state: Any, principal: Principal) -> Principal:
    """The check the services' principal dependencies make: refused when the app has no accounts store
    (a token can never be trusted unchecked)."""
    accounts = getattr(app_state, "accounts", None)
    if accounts is None:
        raise Unauthorized("this service cannot check sessions (no accounts store); sign-in is unavailable")
    return accounts.current(principal)  # type: ignore[no-any-return]
