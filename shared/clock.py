"""An injectable clock: every date-dependent rule reads time through one of these."""
from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...

    def today(self) -> date: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def today(self) -> date:
        return self.now().astimezone(CHINA).date()


CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")


class FixedClock:
    """A clock for tests and 'as of' runs: it stands still until moved."""

    def __init__(self, at: datetime | date) -> None:
        if not isinstance(at, datetime):
            at = datetime(at.year, at.month, at.day, 12, tzinfo=CHINA)
        self._now = at if at.tzinfo else at.replace(tzinfo=timezone.utc)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def today(self) -> date:
        return self.now().astimezone(CHINA).date()

    def set(self, at: datetime | date) -> None:
        moved = FixedClock(at).now()
        with self._lock:
            self._now = moved

    def advance(self, **delta: float) -> None:
        with self._lock:
            self._now = self._now + timedelta(**delta)
