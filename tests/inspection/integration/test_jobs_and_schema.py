"""The scheduled jobs (they only send idempotent commands; each occurrence is claimed once in
job_runs), and the checked-in migration, which matches the tables the code maps — SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, func, select

from services.inspection.adapters import orm
from services.inspection.bootstrap import InspectionContainer
from services.inspection.entrypoints.jobs import JOBS, build_scheduler
from shared.audit import metadata as audit_metadata
from shared.clock import FixedClock
from shared.events.outbox import metadata as outbox_metadata
from shared.scheduler import job_runs, run_registered_job
from shared.scheduler import metadata as scheduler_metadata
from tests.fixtures.inspection import org_facts, register
from tests.inspection.integration.support import (add_inspectors, draw, events, findings, make_plan, notify,
                                                  result, tasks_of)


def test_the_daily_jobs_live_in_the_persistent_job_store(inspection: InspectionContainer) -> None:
    scheduler = build_scheduler(inspection, owner="test")
    scheduler.start()
    scheduler.shutdown()
    store = MetaData()
    with inspection.db.read_engine.connect() as conn:
        store.reflect(conn, only=["apscheduler_jobs_inspection"])
        ids = set(conn.execute(select(store.tables["apscheduler_jobs_inspection"].c.id)).scalars())
    assert ids == {f"inspection.{name}" for name in JOBS}


def test_a_job_occurrence_runs_once_and_its_command_is_idempotent(
        inspection: InspectionContainer, inspection_client: TestClient, inspection_clock: FixedClock) -> None:
    register(inspection, [org_facts(n) for n in range(1, 11)])
    add_inspectors(inspection_client, 2)
    plan = make_plan(inspection_client, kind="unscheduled", title="按期抽签", count=1, draw_dates=["2026-03-02"])
    build_scheduler(inspection, owner="test")  # registers the commands of this process (not started)
    run_registered_job("inspection", "due_draws")
    run_registered_job("inspection", "due_draws")  # the same occurrence: claimed already
    with inspection.db.read_engine.connect() as conn:
        claims = conn.execute(select(job_runs.c.outcome).where(job_runs.c.job_id == "inspection.due_draws")).all()
    assert [c.outcome for c in claims] == ["ok: 1"]
    [task] = tasks_of(inspection_client, plan["draws"][0]["id"])
    notify(inspection_client, task["id"])
    result(inspection_client, task["id"], {"outcome": "rectification", "rectification": {"deadline": "2026-03-20"},
                                           "findings": findings({"annual_report": "未报送"})})
    inspection_clock.set(date(2026, 3, 21))
    with inspection.db.write_engine.begin() as conn:  # a later day is a new occurrence; so is a manual rerun
        conn.execute(job_runs.delete())
    run_registered_job("inspection", "overdue_rectifications")
    with inspection.db.write_engine.begin() as conn:
        conn.execute(job_runs.delete())
    run_registered_job("inspection", "overdue_rectifications")
    assert len(events(inspection, "inspection.rectification.overdue")) == 1
    assert draw(inspection_client, plan["id"], expect=200)["status"] == "drawn"


def test_the_migration_matches_the_mapped_tables(inspection: InspectionContainer) -> None:
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    job_store = MetaData()
    SQLAlchemyJobStore(url="sqlite://", tablename="apscheduler_jobs_inspection", metadata=job_store)
    with inspection.db.write_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, [orm.metadata, outbox_metadata, scheduler_metadata, job_store,
                                          audit_metadata]) == []
        assert conn.execute(select(func.count()).select_from(orm.directory)).scalar_one() == 0
