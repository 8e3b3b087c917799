"""Sign-in's tables: the throttling counts (one row per account and per client address) and the sessions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from services.registry.adapters.orm import signin_throttles, user_sessions
from services.registry.domain.signin import Throttle, UserSession


class SqlSignInRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def throttles(self, keys: list[str], *, for_update: bool = False) -> dict[str, Throttle]:
        """The counts of `keys`; with for_update, missing rows are created and all are locked until the
        transaction ends (PostgreSQL: FOR UPDATE; SQLite: the writer holds the database)."""
        if for_update:
            dialect = self.session.get_bind().dialect.name
            insert = pg_insert if dialect == "postgresql" else sqlite_insert
            self.session.execute(insert(signin_throttles).values([{"key": k, "failures": 0} for k in keys])
                                 .on_conflict_do_nothing(index_elements=["key"]))
        query = select(Throttle).where(signin_throttles.c.key.in_(keys))
        if for_update:
            query = query.with_for_update()
        return {t.key: t for t in self.session.scalars(query)}

    def forget_stale(self, before: datetime) -> None:
        """Counts untouched since `before` and not locked any more (keeps the table to recent keys,
        including the unknown user names a guesser tries)."""
        self.session.execute(delete(signin_throttles).where(
            signin_throttles.c.last_attempt_at < before,
            (signin_throttles.c.locked_until.is_(None)) | (signin_throttles.c.locked_until < before)))

    def add_session(self, session: UserSession) -> None:
        self.session.add(session)

    def get_session(self, session_id: str) -> UserSession | None:
        return self.session.get(UserSession, session_id)

    def forget_expired_sessions(self, username: str, now: datetime) -> None:
        self.session.execute(delete(user_sessions).where(user_sessions.c.username == username,
                                                         user_sessions.c.expires_at < now))

    def revoke_sessions_of(self, username: str, now: datetime) -> None:
        self.session.execute(update(user_sessions).where(user_sessions.c.username == username,
                                                         user_sessions.c.revoked_at.is_(None)).values(revoked_at=now))
