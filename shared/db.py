"""Database mechanisms: engines (SQLite WAL by default, PostgreSQL by URL) and the unit of work.

The unit of work is the only place that commits. It writes the events a handler published into the
outbox table in the same transaction as the state change, so a rollback discards them too.
"""
from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, create_engine, event, insert, make_url, select
from sqlalchemy.orm import Session, sessionmaker

from shared import audit
from shared.clock import Clock
from shared.events.envelope import Envelope, new_envelope
from shared.events.outbox import dead_letter_table, outbox_table, processed_event_table

try:
    import fcntl as _fcntl
except ImportError:  # pragma: no cover - not on Windows
    _fcntl = None  # type: ignore[assignment]


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _sqlite_pragmas(busy_timeout_ms: int, immediate: bool) -> Callable[..., None]:
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")  # first: the pragmas below may wait
        # setting the journal mode can answer "database is locked" at once, without waiting, while another
        # process (socreg up's workers, a second scheduler) opens the same file or recovers its WAL index:
        # retry until the busy timeout is spent
        _when_unlocked(lambda: cur.execute("PRAGMA journal_mode=WAL").fetchone(), busy_timeout_ms)
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    return on_connect


def _when_unlocked(statement: Callable[[], Any], busy_timeout_ms: int) -> None:
    deadline = time.monotonic() + busy_timeout_ms / 1000
    while True:
        try:
            statement()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def make_engine(url: str, *, write: bool = True, busy_timeout_ms: int = 30_000) -> Engine:
    """An engine for `url`. For SQLite a write engine opens every transaction with BEGIN IMMEDIATE
    so that writers queue on the database lock instead of failing when they upgrade."""
    if not is_sqlite(url):
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000})
    event.listen(engine, "connect", _sqlite_pragmas(busy_timeout_ms, write))
    begin_sql = "BEGIN IMMEDIATE" if write else "BEGIN"
    event.listen(engine, "begin", lambda conn: conn.exec_driver_sql(begin_sql))
    return engine


class WriteLock:
    """Writers to one SQLite file queue here before BEGIN IMMEDIATE: the threads of a process on a
    threading.Lock, the processes (`socreg up`'s API and its workers' process) on an flock of a file
    beside the database. A writer waiting in another process then wakes the moment the lock is free,
    where SQLite's own busy handler would sleep in steps of up to 100 ms between tries. The kernel
    releases the flock of a process that dies. Without fcntl (Windows), or for an in-memory
    database, only the threads queue; SQLite's busy timeout still orders the processes."""

    def __init__(self, database_path: str | None) -> None:
        self._threads = threading.Lock()
        self._path = f"{database_path}-writelock" if database_path and _fcntl is not None else None
        self._fd: int | None = None
        self._pid = 0

    def acquire(self) -> None:
        self._threads.acquire()
        if self._path is None:
            return
        try:
            _fcntl.flock(self._file(), _fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise

    def release(self) -> None:
        try:
            if self._fd is not None and self._pid == os.getpid():
                _fcntl.flock(self._fd, _fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def __enter__(self) -> "WriteLock":
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def _file(self) -> int:
        if self._fd is None or self._pid != os.getpid():  # a forked child shares the parent's open file: its own
            assert self._path is not None
            self._fd, self._pid = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600), os.getpid()
        return self._fd

    def close(self) -> None:
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None


def sqlite_path(url: str) -> str | None:
    """The file of an SQLite URL; None for an in-memory database."""
    database = make_url(url).database
    if not database or database == ":memory:" or "mode=memory" in url:
        return None
    return database


@dataclass
class Database:
    """A service's database: a write engine, a read engine (the same one on PostgreSQL), and a
    process-wide write lock for SQLite so threads queue in order rather than spin on the file lock."""

    url: str
    write_engine: Engine
    read_engine: Engine
    write_lock: WriteLock | None
    _session_factory: sessionmaker[Session] | None = None

    @classmethod
    def connect(cls, url: str, busy_timeout_ms: int = 30_000) -> "Database":
        if is_sqlite(url):
            return cls(url, make_engine(url, write=True, busy_timeout_ms=busy_timeout_ms),
                       make_engine(url, write=False, busy_timeout_ms=busy_timeout_ms), WriteLock(sqlite_path(url)))
        engine = make_engine(url)
        return cls(url, engine, engine, None)

    def session_factory(self) -> sessionmaker[Session]:
        """One factory per database: a new sessionmaker is a new Session subclass whose event
        dispatch is rebuilt on first use, which costs a hot path dearly."""
        if self._session_factory is None:
            self._session_factory = sessionmaker(self.write_engine, expire_on_commit=False)
            audit.track_row_changes(self._session_factory)  # row images for the audit record of a write
        return self._session_factory

    def read_session(self) -> Session:
        return Session(self.read_engine, expire_on_commit=False)

    def dispose(self) -> None:
        self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            self.read_engine.dispose()
        if self.write_lock is not None:
            self.write_lock.close()

    def ping(self) -> bool:
        with self.read_engine.connect() as conn:
            return conn.exec_driver_sql("SELECT 1").scalar() == 1


class SqlUnitOfWork:
    """Open with `with uow:`; nothing is committed unless `commit()` is called inside.

    Subclasses add their repositories in `_open()`.
    """

    def __init__(self, db: Database, *, source: str, clock: Clock,
                 on_commit: Callable[[], None] | None = None) -> None:
        self.db = db
        self.source = source
        self.clock = clock
        self._factory = db.session_factory()
        self._on_commit = on_commit
        self._pending: list[Envelope] = []
        self.committed_events: list[Envelope] = []

    def __enter__(self) -> "SqlUnitOfWork":
        if self.db.write_lock is not None:
            self.db.write_lock.acquire()
        self.session: Session = self._factory()
        self._pending = []
        self._open()
        return self

    def _open(self) -> None:
        """Hook for subclasses: build repositories on self.session."""

    def __exit__(self, *exc: object) -> None:
        try:
            self.session.close()  # rolls back anything uncommitted; loaded objects stay readable
        finally:
            self._pending = []
            if self.db.write_lock is not None:
                self.db.write_lock.release()

    def publish(self, type_: str, subject: str, data: dict[str, Any]) -> Envelope:
        envelope = new_envelope(type_, source=self.source, subject=subject, data=data, time=self.clock.now())
        self._pending.append(envelope)
        return envelope

    def commit(self) -> None:
        if self._pending:
            self.session.execute(insert(outbox_table), [e.outbox_row() for e in self._pending])
        audit.record_commit(self.session, self._pending)  # who did it, in the same transaction (no-op without a context)
        self.session.commit()
        self.committed_events = list(self._pending)
        self._pending = []
        if self._on_commit is not None and self.committed_events:
            self._on_commit()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: on an exception its writes and the events published inside it are
        dropped, and the exception goes on."""
        mark = len(self._pending)
        nested = self.session.begin_nested()
        try:
            yield
        except BaseException:
            nested.rollback()
            del self._pending[mark:]
            raise
        nested.commit()

    def rollback(self) -> None:
        self.session.rollback()
        self._pending = []

    # consumer bookkeeping, in the consumer's own transaction
    def already_processed(self, consumer: str, event_id: str) -> bool:
        query = select(processed_event_table.c.event_id).where(
            processed_event_table.c.consumer == consumer, processed_event_table.c.event_id == event_id)
        return self.session.execute(query).first() is not None

    def mark_processed(self, consumer: str, event_id: str) -> None:
        self.session.execute(insert(processed_event_table).values(
            consumer=consumer, event_id=event_id, processed_at=self.clock.now()))

    def processed_among(self, consumer: str, event_ids: list[str]) -> set[str]:
        """Which of `event_ids` this consumer has already processed (one query per 500 ids)."""
        found: set[str] = set()
        for start in range(0, len(event_ids), 500):
            query = select(processed_event_table.c.event_id).where(
                processed_event_table.c.consumer == consumer,
                processed_event_table.c.event_id.in_(event_ids[start:start + 500]))
            found.update(self.session.execute(query).scalars())
        return found

    def mark_processed_many(self, consumer: str, event_ids: list[str]) -> None:
        if event_ids:
            now = self.clock.now()
            self.session.execute(insert(processed_event_table), [
                {"consumer": consumer, "event_id": event_id, "processed_at": now} for event_id in event_ids])

    def park(self, consumer: str, event_id: str | None, event_type: str | None, raw: str, error: str) -> None:
        self.session.execute(insert(dead_letter_table).values(
            consumer=consumer, event_id=event_id, type=event_type, payload=raw[:1_000_000],
            error=error[:10_000], failed_at=self.clock.now()))
