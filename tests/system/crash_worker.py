"""A process for the crash test, killed with SIGKILL at random moments.

    python -m tests.system.crash_worker register DATA_DIR DB_URL START   registers in a loop (relay running);
                                                                          prints each USCC after its commit
    python -m tests.system.crash_worker consume DATA_DIR                  applies registered events to a
                                                                          projection, counting applications
    python -m tests.system.crash_worker drain DATA_DIR DB_URL             relays what is left, then exits
"""
from __future__ import annotations

import sys
import threading
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, String, Table, select, update

from services.registry import bootstrap
from services.registry.entrypoints.demo import registration_command
from services.registry.service_layer import handlers
from shared.clock import SystemClock
from shared.contracts import TOPICS
from shared.db import Database, SqlUnitOfWork
from shared.events.consumer import ConsumerRunner
from shared.events.outbox import metadata as mechanism_metadata
from shared.events.sqlite_log import SqliteLogBus
from shared.settings import Settings
from tests.registry.factories import registration_body

SECRET = "crash-test-secret-0123456789abcdefghijkl"
projection_metadata = MetaData()
applied = Table("applied", projection_metadata, Column("uscc", String(18), primary_key=True),
                Column("times", Integer, nullable=False))


def _settings(data_dir: str, db_url: str) -> Settings:
    return Settings(secret_key=SECRET, data_dir=Path(data_dir), registry_database_url=db_url, relay_poll_seconds=0.01)


def register(data_dir: str, db_url: str, start: int) -> None:
    container = bootstrap.bootstrap(_settings(data_dir, db_url))
    stop = threading.Event()
    threading.Thread(target=container.relay.run, args=(stop,), daemon=True).start()
    n = start
    while True:
        org = handlers.register_organization(registration_command(registration_body(n)), container.uow(),
                                             container.policy)
        print(org.uscc, flush=True)
        n += 1


def drain(data_dir: str, db_url: str) -> None:
    container = bootstrap.bootstrap(_settings(data_dir, db_url))
    container.relay.drain()
    container.close()


def _count_application(event, uow) -> None:  # type: ignore[no-untyped-def]
    row = uow.session.execute(select(applied.c.times).where(applied.c.uscc == event.subject)).first()
    if row is None:
        uow.session.execute(applied.insert().values(uscc=event.subject, times=1))
    else:
        uow.session.execute(update(applied).where(applied.c.uscc == event.subject).values(times=row.times + 1))


def consume(data_dir: str) -> None:
    db = Database.connect(f"sqlite:///{data_dir}/projection.db")
    projection_metadata.create_all(db.write_engine)
    mechanism_metadata.create_all(db.write_engine)
    bus = SqliteLogBus(f"{data_dir}/bus.db")
    runner = ConsumerRunner("crash-projection", bus, [TOPICS["registry.organization"]],
                            {"registry.organization.registered": _count_application},
                            lambda: SqlUnitOfWork(db, source="/test", clock=SystemClock()), poll_seconds=0.05)
    once = len(sys.argv) > 3 and sys.argv[3] == "--until-idle"
    while True:
        if runner.run_once(max_records=7) == 0 and once:
            return


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "register":
        register(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif mode == "drain":
        drain(sys.argv[2], sys.argv[3])
    else:
        consume(sys.argv[2])
