"""The scheduler: APScheduler 3 with a persistent job store in the service's own database.

Jobs only send commands. A stored job names a registered command (`service`, `name`); the process
that runs the scheduler registers the callables at start-up. Each occurrence is claimed in the
`job_runs` table before it runs, so with two scheduler processes on the same database one
occurrence runs once. The commands themselves are idempotent too (e.g. one overdue event per
organization and year), so a retried or manual run changes nothing that already happened.
"""
from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Column, MetaData, String, Table, Text, insert, update
from sqlalchemy.exc import IntegrityError


from shared import audit
from shared.db import Database
from shared.types import UtcDateTime

log = logging.getLogger(__name__)
metadata = MetaData()

job_runs = Table(
    "job_runs", metadata,
    Column("job_id", String(100), primary_key=True),
    Column("occurrence", String(40), primary_key=True),
    Column("owner", String(100), nullable=False),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("finished_at", UtcDateTime()),
    Column("outcome", Text),
)

_REGISTRY: dict[tuple[str, str], "RegisteredJob"] = {}


@dataclass(frozen=True)
class RegisteredJob:
    service: str
    name: str
    command: Callable[[], object]
    db: Database
    period_seconds: int
    owner: str

    @property
    def job_id(self) -> str:
        return f"{self.service}.{self.name}"


def occurrence_of(period_seconds: int, at: float | None = None) -> str:
    """The occurrence a firing belongs to: its period's start, the same for every process."""
    at = time.time() if at is None else at
    start = math.floor(at / period_seconds) * period_seconds
    return datetime.fromtimestamp(start, timezone.utc).isoformat(timespec="seconds")


def claim(db: Database, job_id: str, occurrence: str, owner: str) -> bool:
    try:
        with db.write_engine.begin() as conn:
            conn.execute(insert(job_runs).values(job_id=job_id, occurrence=occurrence, owner=owner,
                                                 started_at=datetime.now(timezone.utc)))
        return True
    except IntegrityError:
        return False


def _finish(db: Database, job_id: str, occurrence: str, outcome: str) -> None:
    with db.write_engine.begin() as conn:
        conn.execute(update(job_runs).where(job_runs.c.job_id == job_id, job_runs.c.occurrence == occurrence)
                     .values(finished_at=datetime.now(timezone.utc), outcome=outcome[:2000]))


def run_registered_job(service: str, name: str) -> None:
    """What the job store holds a reference to: claim this occurrence, then send the command."""
    job = _REGISTRY.get((service, name))
    if job is None:
        log.warning("no command registered for %s.%s in this process", service, name)
        return
    occurrence = occurrence_of(job.period_seconds)
    if not claim(job.db, job.job_id, occurrence, job.owner):
        log.info("%s %s already claimed by another scheduler", job.job_id, occurrence)
        return
    try:
        with audit.acting_as("scheduler", f"job {job.job_id}", role="system"):
            outcome = job.command()  # every commit of the job is in the audit trail, as the scheduler's
    except Exception as exc:  # noqa: BLE001 - recorded, and the scheduler goes on
        log.exception("job %s failed", job.job_id)
        _finish(job.db, job.job_id, occurrence, f"failed: {exc}")
        return
    _finish(job.db, job.job_id, occurrence, f"ok: {outcome}")


class Scheduler:
    def __init__(self, service: str, db: Database, *, owner: str, timezone_name: str = "Asia/Shanghai") -> None:
        self.service, self.db, self.owner = service, db, owner
        store = SQLAlchemyJobStore(engine=db.write_engine, tablename=f"apscheduler_jobs_{service}")
        self._scheduler = BackgroundScheduler(jobstores={"default": store}, timezone=timezone_name,
                                              job_defaults={"coalesce": True, "max_instances": 1,
                                                            "misfire_grace_time": 3600})

    def daily(self, name: str, command: Callable[[], object], *, hour: int, minute: int = 0) -> None:
        self._add(name, command, CronTrigger(hour=hour, minute=minute), 86_400)

    def every(self, name: str, command: Callable[[], object], *, seconds: int) -> None:
        self._add(name, command, IntervalTrigger(seconds=seconds), seconds)

    def _add(self, name: str, command: Callable[[], object], trigger: object, period: int) -> None:
        _REGISTRY[(self.service, name)] = RegisteredJob(self.service, name, command, self.db, period, self.owner)
        self._scheduler.add_job(run_registered_job, trigger, args=[self.service, name],
                                id=f"{self.service}.{name}", replace_existing=True)

    def start(self) -> None:
        self._scheduler.start()

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)
