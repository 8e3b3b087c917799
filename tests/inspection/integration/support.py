"""HTTP helpers for the inspection integration tests (the service's own app, both databases)."""
from __future__ import annotations

import itertools
import json
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Table, func, select

from services.inspection.bootstrap import InspectionContainer
from services.inspection.domain.model import SCHEDULED_CHECK_ITEMS
from shared.events.outbox import outbox_table
from tests.fixtures.inspection import bearer

INSPECTOR = bearer("inspector")
PROBLEM = "https://socreg.example/problems/"
ITEMS = list(SCHEDULED_CHECK_ITEMS)
_serial = itertools.count(1)


def events(container: InspectionContainer, type_: str | None = None) -> list[dict[str, Any]]:
    """The envelopes in the outbox, oldest first (as the relay will send them)."""
    query = select(outbox_table.c.payload).order_by(outbox_table.c.seq)
    if type_ is not None:
        query = query.where(outbox_table.c.type == type_)
    with container.db.read_engine.connect() as conn:
        return [json.loads(p) for p in conn.execute(query).scalars()]


def rows(container: InspectionContainer, table: Table) -> int:
    with container.db.read_engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def snapshot(container: InspectionContainer) -> tuple[int, ...]:
    """Row counts of every table the service writes: a refused request must leave them all unchanged."""
    from services.inspection.adapters import orm

    return tuple(rows(container, t) for t in orm.metadata.sorted_tables) + (rows(container, outbox_table),)


def problem(answer: Any, status: int, rule: str | None = None) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    assert body["status"] == status and body["type"].startswith(PROBLEM) and body["detail"]
    if rule is not None:
        assert rule in body.get("rule", ""), body
    return body


def add_inspectors(client: TestClient, n: int, conflicts: dict[int, list[dict[str, Any]]] | None = None) -> list[str]:
    ids = []
    for i in range(n):
        k = next(_serial)
        body = {"name": f"检查员{k:02d}", "department": "厦门市民政局社会组织管理处", "qualifications": ["行政执法证"],
                "badge_number": f"XM-{k:04d}", "username": f"inspector-account-{k}",
                "conflicts": (conflicts or {}).get(i, [])}
        answer = client.post("/inspection/inspectors", json=body, headers=INSPECTOR)
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()["id"])
    return ids


def make_plan(client: TestClient, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"year": 2026, "kind": "scheduled", "title": "2026年度市级社会组织定期抽查",
                            "scope": {"levels": ["city"]}}
    body.update(overrides)
    answer = client.post("/inspection/plans", json=body, headers=INSPECTOR)
    assert answer.status_code == 201, answer.text
    return answer.json()


def draw(client: TestClient, plan_id: str, public_random: str = "", expect: int = 201) -> dict[str, Any]:
    answer = client.post(f"/inspection/plans/{plan_id}/draws", json={"public_random": public_random},
                         headers=INSPECTOR)
    assert answer.status_code == expect, answer.text
    return answer.json()


def tasks_of(client: TestClient, draw_id: str) -> list[dict[str, Any]]:
    answer = client.get("/inspection/tasks", params={"draw_id": draw_id, "size": 500}, headers=INSPECTOR)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def notify(client: TestClient, task_id: str) -> dict[str, Any]:
    answer = client.post(f"/inspection/tasks/{task_id}/notice", json={"method": "onsite",
                                                                        "requirements": "章程、财务会计报告、会议纪要"},
                         headers=INSPECTOR)
    assert answer.status_code == 200, answer.text
    return answer.json()


def findings(failing: dict[str, str] | None = None, items: list[str] | None = None) -> list[dict[str, Any]]:
    failing = failing or {}
    return [{"item": i, "compliant": i not in failing, "problem": failing.get(i)} for i in items or ITEMS]


def result(client: TestClient, task_id: str, body: dict[str, Any], expect: int = 200) -> Any:
    answer = client.post(f"/inspection/tasks/{task_id}/result", json=body, headers=INSPECTOR)
    assert answer.status_code == expect, answer.text
    return answer
