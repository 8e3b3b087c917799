"""One scheduler process of the two-process test: shared.scheduler against the inspection database,
with an every-second job that records each run it makes (who, when, and the occurrence it runs —
its own open claim in job_runs) in a `scheduler_ticks` table.

usage: python -m tests.inspection.integration.scheduler_process DATABASE_URL SECONDS OWNER
"""
from __future__ import annotations

import logging
import sys
import time

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, insert, select

from shared.db import Database
from shared.scheduler import Scheduler, job_runs

ticks_metadata = MetaData()
ticks = Table("scheduler_ticks", ticks_metadata,
              Column("id", Integer, primary_key=True, autoincrement=True),
              Column("owner", String(100), nullable=False),
              Column("occurrence", String(40), nullable=False),
              Column("at", Float, nullable=False))


def main(url: str, seconds: float, owner: str) -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format=f"{owner} %(name)s %(message)s")
    db = Database.connect(url)

    def tick() -> str:
        with db.write_engine.begin() as conn:
            running = conn.execute(select(job_runs.c.occurrence).where(
                job_runs.c.job_id == "inspection.tick", job_runs.c.owner == owner,
                job_runs.c.finished_at.is_(None))).scalar_one()  # this process runs one job at a time
            conn.execute(insert(ticks).values(owner=owner, occurrence=running, at=time.time()))
        return "tick"

    scheduler = Scheduler("inspection", db, owner=owner)
    scheduler.every("tick", tick, seconds=1)
    scheduler.start()
    print("started", flush=True)
    time.sleep(seconds)
    scheduler.shutdown()
    db.dispose()


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]), sys.argv[3])
