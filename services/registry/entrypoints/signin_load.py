"""Keeping a flood of password guesses cheap for everyone else (issue 12 part 5; bench/signin_flood.py).

- Sign-ins run in worker threads of their own (at most SIGNIN_THREADS at once per app), so queued guesses
  wait as cheap coroutines instead of taking the threads other requests need or blocking the event loop.
- Password checks (argon2: about 0.1 s of CPU each, on up to four threads) run at most
  `signin_parallel_checks` at once per process, so guesses that reach a check before the throttle engages
  cannot take every core.
- Refusals by the throttle (429) are recorded at most once per RECORD_EVERY per client address, each
  record saying how many refusals it stands for: one audit record per refused guess would make the
  flood write as often as it guesses, and writes queue on the database's write lock with everyone's.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from anyio import CapacityLimiter, to_thread

T = TypeVar("T")
SIGNIN_THREADS = 8
RECORD_EVERY = 10.0  # seconds


async def in_signin_thread(app_state: Any, call: Callable[[], T]) -> T:
    limiter = getattr(app_state, "signin_limiter", None)
    if limiter is None:  # made on the app's event loop, on first use
        limiter = app_state.signin_limiter = CapacityLimiter(SIGNIN_THREADS)
    return await to_thread.run_sync(call, limiter=limiter)


class CheckGate:
    """A process-wide bound on concurrent password checks (sized by the first caller's setting)."""

    def __init__(self) -> None:
        self._lock, self._semaphore = threading.Lock(), None  # type: threading.Lock, threading.Semaphore | None

    def __call__(self, size: int) -> threading.Semaphore:
        with self._lock:
            if self._semaphore is None:
                self._semaphore = threading.BoundedSemaphore(size)
            return self._semaphore


class RefusalDigest:
    """Which throttle refusals get an audit record: the first from a client address, then one per
    RECORD_EVERY, standing for the refusals since the last one. Per process (it only spares writes; the
    throttle itself lives in the database)."""

    def __init__(self, every: float = RECORD_EVERY) -> None:
        self.every, self._lock = every, threading.Lock()
        self._seen: dict[str, tuple[float, int]] = {}  # key -> (last recorded at, refusals since)

    def due(self, key: str, now: float | None = None) -> int | None:
        """The number of refusals to record now for `key` (this one included), or None: not yet."""
        now = time.monotonic() if now is None else now
        with self._lock:
            last, pending = self._seen.get(key, (float("-inf"), 0))
            if now - last < self.every:
                self._seen[key] = (last, pending + 1)
                return None
            self._seen[key] = (now, 0)
            if len(self._seen) > 10_000:  # forget quiet keys
                self._seen = {k: v for k, v in self._seen.items() if now - v[0] < self.every or v[1]}
            return pending + 1


check_gate = CheckGate()
refusals = RefusalDigest()
