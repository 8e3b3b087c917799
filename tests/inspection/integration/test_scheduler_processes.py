"""Two scheduler processes on one database run each occurrence once (quality.md: "Two scheduler
instances never run the same job occurrence twice"), on an SQLite file and on PostgreSQL.

Both processes run shared.scheduler with the inspection database's persistent job store and an
every-second job; each run the job makes is recorded with its process and the occurrence it runs.
Several runs happen, and no occurrence runs twice."""
from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, select

from services.inspection.bootstrap import MIGRATIONS
from shared.migrate import upgrade
from shared.scheduler import job_runs
from tests.inspection.integration.scheduler_process import ticks, ticks_metadata

ROOT = Path(__file__).resolve().parents[3]
RUN_SECONDS = 4.0


def test_two_scheduler_processes_run_each_occurrence_once(database_url: str, tmp_path: Path) -> None:
    upgrade(MIGRATIONS, database_url)
    engine = create_engine(database_url)
    ticks_metadata.create_all(engine)
    procs = [subprocess.Popen([sys.executable, "-m", "tests.inspection.integration.scheduler_process", database_url,
                               str(RUN_SECONDS), f"scheduler-{n}"], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for n in (1, 2)]
    outs = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err[-3000:]
        outs.append(out)
    with engine.connect() as conn:
        runs = conn.execute(select(ticks.c.owner, ticks.c.occurrence).order_by(ticks.c.at)).all()
        claims = conn.execute(select(job_runs.c.occurrence, job_runs.c.owner, job_runs.c.outcome)
                              .where(job_runs.c.job_id == "inspection.tick")).all()
    engine.dispose()
    assert len(runs) >= 3, f"only {len(runs)} runs in {RUN_SECONDS} s"
    twice = [o for o, n in Counter(r.occurrence for r in runs).items() if n > 1]
    assert not twice, f"occurrences run twice: {twice} ({runs})"
    assert sorted(r.occurrence for r in runs) == sorted(c.occurrence for c in claims)
    assert all(c.outcome == "ok: tick" for c in claims)
    # both processes were live schedulers of the job for the whole window (which of them takes an
    # occurrence is the job store's and the claim table's business: one may take them all)
    assert all("started" in out for out in outs), outs
