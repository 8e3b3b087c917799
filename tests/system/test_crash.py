"""kill -9 a process that registers in a loop, and the consumer that follows it, many times over.
After restart every committed registration has exactly its events, none lost, none applied twice."""
from __future__ import annotations

import json
import random
import select as io_select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from services.registry.adapters.orm import organizations
from shared.events.envelope import Envelope
from shared.events.outbox import outbox_table

CYCLES = 6


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tests.system.crash_worker", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _kill(proc: subprocess.Popen[str]) -> str:
    proc.kill()  # SIGKILL: no cleanup of any kind
    out, err = proc.communicate(timeout=30)
    if "Traceback" in err:
        raise AssertionError(f"the worker failed before it was killed:\n{err[-3000:]}")
    return out


def _first_line(proc: subprocess.Popen[str], timeout: float = 90) -> str:
    assert proc.stdout is not None
    ready, _, _ = io_select.select([proc.stdout], [], [], timeout)
    if not ready:
        _kill(proc)
        raise AssertionError("the writer committed nothing in time")
    return proc.stdout.readline().strip()


def _registered_printed(out: str) -> list[str]:
    return [line.strip() for line in out.splitlines() if len(line.strip()) == 18]


@pytest.mark.slow
def test_kill_9_loses_nothing_and_applies_nothing_twice(tmp_path: Path, database_url: str) -> None:
    rng = random.Random(7)
    committed: list[str] = []
    for cycle in range(CYCLES):
        writer = _spawn("register", str(tmp_path), database_url, str(cycle * 100_000))
        reader = _spawn("consume", str(tmp_path))
        first = _first_line(writer)  # started up and committing: now kill it at a random moment
        time.sleep(0.5 + rng.random() * 1.5)
        _kill(reader)
        time.sleep(rng.random() * 0.3)
        committed += [first] + _registered_printed(_kill(writer))
    assert len(committed) > 20, "the writer should have committed registrations before each kill"

    subprocess.run([sys.executable, "-m", "tests.system.crash_worker", "drain", str(tmp_path), database_url],
                   check=True, timeout=120)
    subprocess.run([sys.executable, "-m", "tests.system.crash_worker", "consume", str(tmp_path), "--until-idle"],
                   check=True, timeout=120)

    registry = create_engine(database_url)
    with registry.connect() as conn:
        stored = set(conn.execute(select(organizations.c.uscc)).scalars())
        outbox = conn.execute(select(outbox_table.c.aggregateid, outbox_table.c.type,
                                     outbox_table.c.published_at)).all()
    registry.dispose()
    assert set(committed) <= stored, "a committed registration was lost"
    events = [(r.aggregateid, r.type) for r in outbox]
    assert sorted(events) == sorted((u, "registry.organization.registered") for u in stored), \
        "every stored registration has exactly one registered event"
    assert all(r.published_at is not None for r in outbox), "the outbox drained"

    bus = create_engine(f"sqlite:///{tmp_path}/bus.db")
    with bus.connect() as conn:
        payloads = conn.exec_driver_sql("SELECT payload FROM log").scalars().all()
    bus.dispose()
    on_bus = {Envelope.from_json(p).subject for p in payloads}
    assert on_bus == stored, "every committed event reached the bus (duplicates allowed: at least once)"

    projection = create_engine(f"sqlite:///{tmp_path}/projection.db")
    with projection.connect() as conn:
        times = dict(conn.exec_driver_sql("SELECT uscc, times FROM applied").all())
    projection.dispose()
    assert set(times) == stored
    assert set(times.values()) == {1}, f"applied twice: {json.dumps({k: v for k, v in times.items() if v != 1})}"
