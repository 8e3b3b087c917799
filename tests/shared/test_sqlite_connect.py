"""Opening an SQLite database while another process opens it too: the journal-mode pragma that SQLite
may refuse at once with "database is locked" is retried until the busy timeout, other errors are not."""
from __future__ import annotations

import sqlite3

import pytest

from shared.db import _when_unlocked


def test_a_locked_answer_is_retried_until_it_succeeds() -> None:
    calls = []

    def pragma() -> None:
        calls.append(1)
        if len(calls) < 3:
            raise sqlite3.OperationalError("database is locked")

    _when_unlocked(pragma, busy_timeout_ms=5_000)
    assert len(calls) == 3


def test_other_errors_and_a_lock_past_the_timeout_are_raised() -> None:
    def broken() -> None:
        raise sqlite3.OperationalError("no such table: x")

    def locked() -> None:
        raise sqlite3.OperationalError("database is locked")

    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        _when_unlocked(broken, busy_timeout_ms=5_000)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        _when_unlocked(locked, busy_timeout_ms=200)
