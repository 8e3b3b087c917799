"""The outbox relay: moves committed outbox rows to the bus, in commit order, then marks them.

A crash between publishing and marking publishes those rows again on restart (at least once);
consumers de-duplicate by event id. One relay runs per service database.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from contextlib import nullcontext
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select, update

from shared.db import Database, is_sqlite
from shared.events.bus import Bus, BusUnavailable
from shared.events.envelope import Envelope
from shared.events.outbox import outbox_table

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(self, db: Database, bus: Bus, *, batch_size: int = 500, poll_seconds: float = 0.2,
                 min_interval: float = 0.25) -> None:
        self.db, self.bus = db, bus
        self.batch_size, self.poll_seconds, self.min_interval = batch_size, poll_seconds, min_interval
        self.wakeup = threading.Event()
        self.published = 0

    def relay_once(self) -> int:
        """Publish one batch; returns how many events went out."""
        query = (select(outbox_table.c.seq, outbox_table.c.payload)
                 .where(outbox_table.c.published_at.is_(None))
                 .order_by(outbox_table.c.seq).limit(self.batch_size))
        if is_sqlite(self.db.url):
            return self._relay_sqlite(query)
        with self.db.write_engine.begin() as conn:
            rows = conn.execute(query.with_for_update()).all()  # a second relay waits: order per key is kept
            if not rows:
                return 0
            self.bus.publish([Envelope.from_json(r.payload) for r in rows])
            self._mark(conn, rows)
        self.published += len(rows)
        return len(rows)

    def _relay_sqlite(self, query: Any) -> int:
        """On SQLite a write transaction locks the whole file against every other writer (the API's
        requests): the batch is read and published outside it, and only the marking takes the write
        lock, briefly. A second relay on the same file could publish a batch twice (at least once, as
        after a crash); the consumers de-duplicate by event id."""
        with self.db.read_engine.connect() as conn:
            rows = conn.execute(query).all()
        if not rows:
            return 0
        self.bus.publish([Envelope.from_json(r.payload) for r in rows])
        with self.db.write_lock or nullcontext(), self.db.write_engine.begin() as conn:
            self._mark(conn, rows)
        self.published += len(rows)
        return len(rows)

    @staticmethod
    def _mark(conn: Any, rows: Sequence[Any]) -> None:
        conn.execute(update(outbox_table).where(outbox_table.c.seq.in_([r.seq for r in rows]))
                     .values(published_at=datetime.now(timezone.utc)))

    def drain(self) -> int:
        total = 0
        while (n := self.relay_once()):
            total += n
        return total

    def backlog(self) -> int:
        with self.db.read_engine.connect() as conn:
            query = select(outbox_table.c.seq).where(outbox_table.c.published_at.is_(None))
            return len(conn.execute(query).all())

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                moved = self.relay_once()
            except BusUnavailable as exc:
                log.warning("bus unavailable, outbox kept: %s", exc)
                moved = 0
                stop.wait(1.0)
            except Exception:  # noqa: BLE001 - the relay must outlive a bad moment
                log.exception("outbox relay failed; retrying")
                moved = 0
                stop.wait(1.0)
            if moved:
                stop.wait(self.min_interval)  # let commits gather: one relay cycle per batch, not per commit
            else:
                self.wakeup.wait(self.poll_seconds)
                self.wakeup.clear()
