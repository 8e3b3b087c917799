"""The overdue sweep (R4.5) and the registry's scheduled jobs, on SQLite and PostgreSQL, on the
injectable clock: registry.annual_report.overdue once per organization and year not filed by its
deadline (R4.1 by type; R4.2 exemption), even when the sweep runs twice, from two threads, or from
two processes at once; the jobs live in the persistent job store and each occurrence runs once."""
from __future__ import annotations

import subprocess
import sys
import threading
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, create_engine, func, select

from services.registry.adapters.orm import annual_report_overdue
from services.registry.adapters.orm import metadata as registry_metadata
from services.registry.entrypoints.jobs import JOBS, build_scheduler, register_jobs
from services.registry.service_layer import reports
from shared.audit import metadata as audit_metadata
from shared.clock import FixedClock
from shared.contracts import parse_data
from shared.events.envelope import Envelope, new_envelope
from shared.events.outbox import metadata as outbox_metadata
from shared.events.outbox import outbox_table
from shared.scheduler import Scheduler, job_runs, run_registered_job
from shared.scheduler import metadata as scheduler_metadata
from socreg.app import Platform
from tests.registry.reports.support import (events, foundation, group, org_token, organizations, report_body,
                                            report_path, service)

ROOT = Path(__file__).resolve().parents[3]


def sweep(platform: Platform) -> int:
    return reports.sweep_overdue(platform.registry.uow, platform.registry.report_policy)


def overdue(platform: Platform) -> list[tuple[str, int]]:
    return sorted((e["subject"], e["data"]["year"]) for e in events(platform, "registry.annual_report.overdue"))


def submit(client: TestClient, uscc: str, year: int = 2025) -> None:
    answer = client.post(report_path(uscc, year, "/submit"), json=report_body(), headers=org_token(uscc))
    assert answer.status_code == 200, answer.text


def test_overdue_once_after_each_types_deadline__R4_5_R4_1_R4_2(
        client: TestClient, registrar: dict[str, str], platform: Platform, clock: FixedClock) -> None:
    """Registered in 2025: on time, late, never, a foundation (31 March), a 民非 registered in August
    (exempt, L27 art. 3), a deregistered group. The sweep on each day announces only what is newly
    overdue; running it again announces nothing."""
    on_time, late, never, fund, young, gone = organizations(
        platform, group(established_on="2025-01-10"), group(established_on="2025-01-10"),
        service(established_on="2025-01-10"), foundation(established_on="2025-02-01"),
        service(established_on="2025-08-01"), group(established_on="2025-01-10"))
    assert client.post(f"/registry/organizations/{gone}/deregistration", headers=registrar, json={
        "liquidation_report": "清算报告", "liquidation_completed_on": "2026-06-01"}).status_code == 200

    clock.set(date(2026, 3, 31))  # the foundation deadline day itself: not yet overdue
    assert sweep(platform) == 0
    clock.set(date(2026, 4, 1))
    assert sweep(platform) == 1 and overdue(platform) == [(fund, 2025)]
    [event] = events(platform, "registry.annual_report.overdue")
    assert event["data"] == {"uscc": fund, "year": 2025, "deadline": "2026-03-31", "detected_on": "2026-04-01",
                             "submitted_on": None}
    clock.set(date(2026, 5, 10))
    submit(client, on_time)
    clock.set(date(2026, 5, 31))
    assert sweep(platform) == 0
    clock.set(date(2026, 6, 1))
    assert sweep(platform) == 2 and sweep(platform) == 0
    assert overdue(platform) == sorted([(fund, 2025), (late, 2025), (never, 2025)])
    clock.set(date(2026, 6, 3))
    submit(client, late)  # filed late: still the one overdue event
    assert sweep(platform) == 0 and len(overdue(platform)) == 3
    assert young not in {u for u, _ in overdue(platform)} and gone not in {u for u, _ in overdue(platform)}
    listing = client.get(f"/registry/organizations/{late}/annual-reports", headers=registrar).json()["items"]
    assert (listing[0]["state"], listing[0]["late"], listing[0]["overdue"]) == ("submitted", True, True)



def test_a_report_filed_late_before_the_sweep_ran_is_still_overdue__R4_5(
        client: TestClient, platform: Platform, clock: FixedClock) -> None:
    """The deadline decides, not the day the job happens to run (a scheduler down for a few days)."""
    [uscc] = organizations(platform, group(established_on="2025-01-10"))
    clock.set(date(2026, 6, 2))
    submit(client, uscc)
    clock.set(date(2026, 6, 5))
    assert sweep(platform) == 1
    [event] = events(platform, "registry.annual_report.overdue")
    assert (event["data"]["submitted_on"], event["data"]["detected_on"]) == ("2026-06-02", "2026-06-05")


def test_two_sweeps_at_once_from_two_threads_announce_each_year_once__R4_5(
        platform: Platform, clock: FixedClock) -> None:
    organizations(platform, *(group(established_on="2023-01-10") for _ in range(40)))
    clock.set(date(2026, 6, 1))
    barrier, counts = threading.Barrier(2), []

    def run() -> None:
        barrier.wait()
        counts.append(sweep(platform))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(counts) == 40 * 3, counts  # 2023, 2024, 2025
    got = overdue(platform)
    assert len(got) == len(set(got)) == 120


def test_two_sweeping_processes_announce_each_year_once__R4_5(
        platform: Platform, clock: FixedClock, database_url: str, tmp_path: Path) -> None:
    """Two scheduler processes on one database (quality.md): each overdue fact and event exactly once."""
    organizations(platform, *(group(established_on="2023-01-10") for _ in range(150)))
    start_at = time.time() + 3.0
    procs = [subprocess.Popen([sys.executable, "-m", "tests.registry.reports.sweep_process", database_url,
                               str(tmp_path), "2026-06-01", str(start_at)], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    counts = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-3000:]
        counts.append(int(out.strip().splitlines()[-1]))
    assert sum(counts) == 450, counts
    got = overdue(platform)
    assert len(got) == len(set(got)) == 450
    with platform.registry.db.read_session() as session:
        assert session.execute(select(func.count()).select_from(annual_report_overdue)).scalar_one() == 450


def test_the_daily_jobs_are_stored_and_each_occurrence_runs_once(
        platform: Platform, clock: FixedClock) -> None:
    """register_jobs puts both daily jobs in the registry's job store; a claimed occurrence runs once,
    a manual re-run of the command announces nothing new (idempotent)."""
    organizations(platform, group(established_on="2025-01-10"))
    clock.set(date(2026, 6, 1))
    scheduler = build_scheduler(platform.registry, owner="test")
    scheduler.start()
    scheduler.shutdown()
    store = MetaData()
    with platform.registry.db.read_engine.connect() as conn:
        store.reflect(conn, only=["apscheduler_jobs_registry"])
        ids = set(conn.execute(select(store.tables["apscheduler_jobs_registry"].c.id)).scalars())
    assert ids == {f"registry.{name}" for name in JOBS}
    run_registered_job("registry", "overdue_annual_reports")
    run_registered_job("registry", "overdue_annual_reports")  # the same occurrence: already claimed
    with platform.registry.db.read_engine.connect() as conn:
        claims = conn.execute(select(job_runs.c.outcome).where(
            job_runs.c.job_id == "registry.overdue_annual_reports")).scalars().all()
    assert claims == ["ok: 1"]
    with platform.registry.db.write_engine.begin() as conn:
        conn.execute(job_runs.delete())  # a new occurrence (or a manual rerun): nothing new to announce
    run_registered_job("registry", "overdue_annual_reports")
    assert len(events(platform, "registry.annual_report.overdue")) == 1
    shared = Scheduler("registry", platform.registry.db, owner="embedded")  # the lead's scheduler, shared
    register_jobs(shared, platform.registry)
    shared.start()
    shared.shutdown()


def test_the_checked_in_migration_matches_the_mapped_tables(platform: Platform) -> None:
    """0002 (autogenerated at head) holds every table the code maps, the scheduler's included."""
    job_store = MetaData()
    SQLAlchemyJobStore(url="sqlite://", tablename="apscheduler_jobs_registry", metadata=job_store)
    engine = create_engine(platform.registry.db.url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff: list[Any] = compare_metadata(context, [registry_metadata, outbox_metadata, scheduler_metadata,
                                                         job_store, audit_metadata])
    finally:
        engine.dispose()
    assert diff == []


def test_the_sweeps_set_based_events_are_the_shared_envelope_and_contract(
        platform: Platform, clock: FixedClock) -> None:
    """The sweep writes its events with one INSERT ... SELECT: each is the envelope shared.events builds
    (same attributes), valid against the registry.annual_report.overdue contract, with a UUIDv7 id,
    unique and in order; the relay publishes them like any other."""
    usccs = organizations(platform, *(group(established_on="2024-01-10") for _ in range(30)))
    clock.set(date(2026, 6, 1))
    assert sweep(platform) == 60
    with platform.registry.db.read_session() as session:
        rows = session.execute(select(outbox_table.c.id, outbox_table.c.aggregatetype, outbox_table.c.aggregateid,
                                      outbox_table.c.payload, outbox_table.c.created_at)
                               .where(outbox_table.c.type == "registry.annual_report.overdue")
                               .order_by(outbox_table.c.seq)).all()
    reference = new_envelope("registry.annual_report.overdue", source="/socreg/registry", subject=usccs[0],
                             data={"uscc": usccs[0], "year": 2024, "deadline": "2025-05-31",
                                   "detected_on": "2026-06-01", "submitted_on": None}, time=clock.now())
    ids = []
    for row in rows:
        envelope = Envelope.from_json(row.payload)
        assert set(envelope.to_dict()) == set(reference.to_dict()) and envelope.extensions == {}
        assert (envelope.source, envelope.time, envelope.dataschema) == (reference.source, reference.time,
                                                                         reference.dataschema)
        data = parse_data(envelope.type, envelope.data)
        assert (envelope.subject, row.aggregateid, row.aggregatetype) == (data.uscc, data.uscc, "registry.annual_report")
        assert envelope.id == row.id and uuid.UUID(row.id).version == 7
        assert row.created_at == clock.now()
        ids.append(row.id)
    assert len(set(ids)) == 60 and ids == sorted(ids)
    assert sorted((e.subject, e.data["year"]) for e in map(Envelope.from_json, (r.payload for r in rows))) == sorted(
        (u, y) for u in usccs for y in (2024, 2025))
    platform.registry.relay.drain()
    consumer = platform.bus.consumer("test-overdue", ["registry.annual-reports"])
    try:
        assert sorted(d.envelope().id for d in consumer.poll(500, 2.0)) == sorted(ids)
    finally:
        consumer.close()
