"""Sign-in throttling (issue 12 part 5), plain Python. Attempts are counted per key (an account, a client
address) within a window; an attempt counts as a failure from the moment it begins until it succeeds, so
concurrent guesses cannot slip past the count. Past `delay_after` failures each further one doubles the
wait before the next try; at `lock_after` the key is locked for a while (an admin may unlock it)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ThrottleRule:
    delay_after: int
    lock_after: int
    window: timedelta
    first_delay: timedelta
    max_delay: timedelta
    lock: timedelta

    def delay(self, failures: int) -> timedelta:
        if failures < self.delay_after:
            return timedelta(0)
        doublings = min(failures - self.delay_after, 40)
        return min(self.first_delay * (2 ** doublings), self.max_delay)


@dataclass
class Throttle:
    key: str  # "account:<username>" or "address:<client address>"
    failures: int = 0
    window_start: datetime | None = None
    last_attempt_at: datetime | None = None
    locked_until: datetime | None = None

    def wait_seconds(self, rule: ThrottleRule, now: datetime) -> int:
        """Whole seconds before the next attempt may begin; 0: now."""
        if self.locked_until is not None and now < self.locked_until:
            return _ceil_seconds(self.locked_until - now)
        if self._expired(rule, now) or self.last_attempt_at is None:
            return 0
        allowed = self.last_attempt_at + rule.delay(self.failures)
        return _ceil_seconds(allowed - now) if now < allowed else 0

    def begin_attempt(self, rule: ThrottleRule, now: datetime) -> None:
        if self._expired(rule, now):
            self.failures, self.window_start, self.locked_until = 0, None, None
        self.failures += 1
        self.window_start = self.window_start or now
        self.last_attempt_at = now
        if self.failures >= rule.lock_after:
            self.locked_until = now + rule.lock

    def succeeded(self) -> None:
        """The account's attempt succeeded: its count starts again."""
        self.failures, self.window_start, self.locked_until = 0, None, None

    def forgive_one(self, rule: ThrottleRule) -> None:
        """An address's attempt succeeded: it does not count against the address (an office's people
        signing in all day do not lock it), but the address's other failures stand."""
        self.failures = max(0, self.failures - 1)
        if self.failures < rule.lock_after:
            self.locked_until = None  # the lock this very attempt's count set

    def unlock(self) -> None:
        self.failures, self.window_start, self.locked_until, self.last_attempt_at = 0, None, None, None

    def _expired(self, rule: ThrottleRule, now: datetime) -> bool:
        if self.locked_until is not None:
            return now >= self.locked_until
        return self.window_start is not None and now - self.window_start >= rule.window


def _ceil_seconds(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))


@dataclass
class UserSession:
    """One signed-in session: the `sid` of its token. Signing out revokes it."""
    id: str
    username: str
    issued_at: datetime
    expires_at: datetime
    address: str | None = None
    revoked_at: datetime | None = None
