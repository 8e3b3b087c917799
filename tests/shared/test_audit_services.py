"""The audit trail beyond the registry's requests (issue 12 part 4): a pool change lands in the
inspection service's own log, read there by the auditor only; a scheduled job's commits are the
scheduler's; a `socreg user add` is recorded as cli:<os user>."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select

from services.inspection.bootstrap import InspectionContainer
from shared import audit
from shared.audit import audit_log
from shared.scheduler import Scheduler, run_registered_job
from tests.fixtures.inspection import bearer, org_facts, register
from tests.fixtures.platform import TEST_SECRET


def records(engine: Any) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(audit_log).order_by(audit_log.c.seq)).mappings()]


def test_a_pool_change_is_in_the_inspection_log_read_by_the_auditor_only(
        inspection: InspectionContainer, inspection_client: TestClient) -> None:
    body = {"name": "检查员甲", "department": "厦门市民政局社会组织管理处", "qualifications": ["行政执法证"],
            "badge_number": "XM-0901", "username": "inspector-account-901", "conflicts": []}
    made = inspection_client.post("/inspection/inspectors", json=body,
                                  headers={**bearer("admin"), "X-Request-ID": "req-pool-1"})
    assert made.status_code == 201, made.text
    [row] = [r for r in records(inspection.db.read_engine) if r["request_id"] == "req-pool-1"]
    assert (row["actor"], row["role"], row["action"]) == ("admin1", "admin", "POST /inspection/inspectors")
    assert row["after_digest"] and any(r.startswith("insert ") for r in row["detail"]["rows"])

    for role in ("inspector", "admin", "registrar", "approver"):
        assert inspection_client.get("/inspection/audit", headers=bearer(role)).status_code == 403
    found = inspection_client.get("/inspection/audit", params={"actor": "admin1"}, headers=bearer("auditor"))
    assert found.status_code == 200 and "req-pool-1" in [i["request_id"] for i in found.json()["items"]]


def test_a_scheduled_jobs_commits_are_recorded_as_the_schedulers(inspection: InspectionContainer) -> None:
    def command() -> int:  # a job sends a command; this one's handler commits once
        with inspection.uow() as uow:
            uow.commit()
        return 1

    Scheduler("inspection", inspection.db, owner="test").daily("audit_probe", command, hour=3)  # registered, not started
    run_registered_job("inspection", "audit_probe")
    written = records(inspection.db.read_engine)
    assert [(r["actor"], r["role"], r["action"]) for r in written] == [
        ("scheduler", "system", "job inspection.audit_probe")]
    assert audit.current() is None  # the job's context ended with it


def test_socreg_user_add_is_recorded_as_the_os_user(tmp_path: Path) -> None:
    env = {**os.environ, "SOCREG_SECRET_KEY": TEST_SECRET}
    done = subprocess.run([sys.executable, "-m", "socreg", "user", "add", "clerk-audit", "--role", "registrar",
                           "--data-dir", str(tmp_path)], input="pw-4f1c2a9be07d3e58\n", env=env, text=True,
                          capture_output=True, timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    engine = create_engine(f"sqlite:///{tmp_path / 'registry.db'}")
    try:
        [row] = records(engine)
    finally:
        engine.dispose()
    assert (row["actor"], row["role"], row["action"]) == (audit.cli_actor(), "cli", "cli user add")
    assert row["request_id"] is None and row["detail"]["rows"] == ["insert users clerk-audit"]
    assert (row["target_type"], row["target_id"]) == ("users", "clerk-audit")


def test_a_consumer_records_nothing_even_inside_a_command(inspection: InspectionContainer) -> None:
    """`socreg demo` runs the inspection consumer in its own thread, under the CLI's context: the events it
    consumes (one registration each here) add no audit record."""
    with audit.acting_as("cli:tester", "cli demo", role="cli"):
        register(inspection, [org_facts(n) for n in range(1, 6)])
    assert records(inspection.db.read_engine) == []


def test_the_request_context_names_the_bearer_or_the_page_session_and_echoes_the_request_id() -> None:
    from fastapi import FastAPI

    from shared.auth import Principal, issue_token
    from shared.clock import SystemClock
    from shared.web import RequestContextMiddleware

    app = FastAPI()
    app.add_middleware(RequestContextMiddleware, secret_key=TEST_SECRET)

    @app.post("/things/{thing_id}")
    def touch(thing_id: str) -> dict[str, Any]:
        context = audit.current()
        assert context is not None
        return {"who": list(context.who()), "action": context.action_name(), "params": context.path_params(),
                "request_id": context.request_id, "client": context.client_address}

    def token(name: str, role: str) -> str:
        return issue_token(Principal(name, role), secret=TEST_SECRET, clock=SystemClock(), ttl_minutes=5)

    with TestClient(app) as client:
        by_bearer = client.post("/things/7", headers={"Authorization": f"Bearer {token('alice', 'inspector')}",
                                                      "X-Request-ID": "abc-123"})
        assert by_bearer.headers["x-request-id"] == "abc-123"
        assert by_bearer.json() == {"who": ["alice", "inspector"], "action": "POST /things/{thing_id}",
                                    "params": {"thing_id": "7"}, "request_id": "abc-123", "client": "testclient"}
        client.cookies.set("socreg_session", token("bob", "registrar"))
        assert client.post("/things/8").json()["who"] == ["bob", "registrar"]
        client.cookies.set("socreg_session", "not-a-token")
        anonymous = client.post("/things/9")
        assert anonymous.json()["who"] == ["anonymous", None]
        assert anonymous.headers["x-request-id"] == anonymous.json()["request_id"]
    assert audit.current() is None
