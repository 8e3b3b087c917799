"""The embedded bus: a durable append-only log in one SQLite file, with committed offsets per
consumer group and topic. Several processes may share the file (WAL)."""
from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from shared.contracts import topic_for
from shared.events.bus import BusUnavailable, Delivery
from shared.events.envelope import Envelope

_SCHEMA = """
CREATE TABLE IF NOT EXISTS log (
  "offset" INTEGER PRIMARY KEY AUTOINCREMENT,
  topic TEXT NOT NULL, key TEXT, payload BLOB NOT NULL,
  appended_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS log_topic ON log(topic, "offset");
CREATE TABLE IF NOT EXISTS consumer_offsets (
  grp TEXT NOT NULL, topic TEXT NOT NULL, committed INTEGER NOT NULL,
  PRIMARY KEY (grp, topic));
"""


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


class SqliteLogBus:
    def __init__(self, path: str) -> None:
        self.path = path
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = _connect(path)
        self._lock = threading.Lock()
        with self._lock:
            self._conn.executescript(_SCHEMA)

    def publish(self, envelopes: Sequence[Envelope]) -> None:
        rows = [(topic_for(e.type), e.subject, e.to_json().encode(), time.time()) for e in envelopes]
        self._append(rows)

    def publish_raw(self, topic: str, key: str, raw: bytes) -> None:
        self._append([(topic, key, raw, time.time())])

    def _append(self, rows: list[tuple[str, str, bytes, float]]) -> None:
        try:
            with self._lock:
                self._conn.execute("BEGIN IMMEDIATE")
                self._conn.executemany(
                    "INSERT INTO log(topic, key, payload, appended_at) VALUES (?,?,?,?)", rows)
                self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise BusUnavailable(f"event log {self.path}: {exc}") from exc

    def _rollback(self) -> None:
        try:
            with self._lock:
                self._conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    def consumer(self, group: str, topics: Sequence[str]) -> "SqliteLogConsumer":
        return SqliteLogConsumer(self.path, group, list(topics))

    def ping(self) -> bool:
        with self._lock:
            return self._conn.execute("SELECT 1").fetchone() == (1,)

    def end_offsets(self) -> dict[str, int]:
        with self._lock:
            return dict(self._conn.execute('SELECT topic, MAX("offset") FROM log GROUP BY topic'))

    def close(self) -> None:
        self._conn.close()


class SqliteLogConsumer:
    """Reads from the committed offset of its group; `commit` stores how far it has handled."""

    def __init__(self, path: str, group: str, topics: list[str]) -> None:
        self._conn = _connect(path)
        self.group, self.topics = group, topics
        rows = self._conn.execute(
            f"SELECT topic, committed FROM consumer_offsets WHERE grp=? AND topic IN ({_marks(topics)})",
            [group, *topics]).fetchall()
        self._position = {t: 0 for t in topics} | dict(rows)

    def poll(self, max_records: int = 500, timeout: float = 1.0) -> list[Delivery]:
        deadline = time.monotonic() + timeout
        while True:
            found = self._read(max_records)
            if found or time.monotonic() >= deadline:
                return found
            time.sleep(min(0.02, max(0.0, deadline - time.monotonic())))

    def _read(self, limit: int) -> list[Delivery]:
        where = " OR ".join('(topic=? AND "offset">?)' for _ in self.topics)
        args: list[object] = [x for t in self.topics for x in (t, self._position[t])]
        rows = self._conn.execute(
            f'SELECT "offset", topic, key, payload FROM log WHERE {where} ORDER BY "offset" LIMIT ?',
            [*args, limit]).fetchall()
        for offset, topic, _key, _payload in rows:
            self._position[topic] = offset
        return [Delivery(topic, key, bytes(payload), offset) for offset, topic, key, payload in rows]

    def commit(self, deliveries: Sequence[Delivery]) -> None:
        upto: dict[str, int] = {}
        for d in deliveries:
            upto[d.topic] = max(upto.get(d.topic, 0), int(d.position))
        if not upto:
            return
        self._conn.execute("BEGIN IMMEDIATE")
        self._conn.executemany(
            "INSERT INTO consumer_offsets(grp, topic, committed) VALUES (?,?,?) "
            "ON CONFLICT(grp, topic) DO UPDATE SET committed=MAX(committed, excluded.committed)",
            [(self.group, t, o) for t, o in upto.items()])
        self._conn.execute("COMMIT")

    def close(self) -> None:
        self._conn.close()


def _marks(items: Sequence[object]) -> str:
    return ",".join("?" * len(items))
