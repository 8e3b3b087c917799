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

INSPECTOR = bearer("inspector")  # an inspector account linked to no pool member: reads, plans, draws
ADMIN = bearer("admin", "admin1")  # manages the pool (issue 12)
NEXT_DAY = "2026-03-03"  # a scheduled plan's external random value is announced after its commitment (today)
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
    """n pool members added by an admin, each linked to an inspector account of its own (`as_member`)."""
    ids = []
    for i in range(n):
        k = next(_serial)
        body = {"name": f"检查员{k:02d}", "department": "厦门市民政局社会组织管理处", "qualifications": ["行政执法证"],
                "badge_number": f"XM-{k:04d}", "username": f"inspector-account-{k}",
                "conflicts": (conflicts or {}).get(i, [])}
        answer = client.post("/inspection/inspectors", json=body, headers=ADMIN)
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()["id"])
    return ids


def as_member(client: TestClient, inspector_id: str) -> dict[str, str]:
    """The bearer header of the inspector account linked to this pool member."""
    username = client.get(f"/inspection/inspectors/{inspector_id}", headers=ADMIN).json()["username"]
    assert username, f"{inspector_id} is linked to no account"
    return bearer("inspector", username)


def team(client: TestClient, task_id: str) -> list[str]:
    """The pool ids of the task's current team (drawn, substitutes applied)."""
    answer = client.get(f"/inspection/tasks/{task_id}", headers=INSPECTOR)
    assert answer.status_code == 200, answer.text
    return [i["id"] for i in answer.json()["inspectors"]]


def drawn_inspector(client: TestClient, task_id: str) -> dict[str, str]:
    """The header of the first inspector of the task's team: one who may act on it."""
    return as_member(client, team(client, task_id)[0])


def make_plan(client: TestClient, **overrides: Any) -> dict[str, Any]:
    """A plan; a scheduled one gets its rounds' external random values (announced on each draw day, or the
    day after today), an unscheduled one its reason, unless given."""
    body: dict[str, Any] = {"year": 2026, "kind": "scheduled", "title": "2026年度市级社会组织定期抽查",
                            "scope": {"levels": ["city"]}}
    body.update(overrides)
    if body["kind"] == "scheduled" and "public_random_sources" not in body:
        days = body.get("draw_dates") or [NEXT_DAY]
        body["public_random_sources"] = [{"source": f"福利彩票双色球开奖号码（{d}，测试）", "announced_on": d}
                                         for d in days]
    if body["kind"] == "unscheduled":
        body.setdefault("reason", "专项抽查：测试用的类型与主题")
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


def notify(client: TestClient, task_id: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """The notice, sent by an inspector drawn for the task (unless `headers` say who)."""
    answer = client.post(f"/inspection/tasks/{task_id}/notice", json={"method": "onsite",
                                                                        "requirements": "章程、财务会计报告、会议纪要"},
                         headers=headers or drawn_inspector(client, task_id))
    assert answer.status_code == 200, answer.text
    return answer.json()


def findings(failing: dict[str, str] | None = None, items: list[str] | None = None) -> list[dict[str, Any]]:
    failing = failing or {}
    return [{"item": i, "compliant": i not in failing, "problem": failing.get(i)} for i in items or ITEMS]


def result(client: TestClient, task_id: str, body: dict[str, Any], expect: int = 200,
           headers: dict[str, str] | None = None) -> Any:
    """The result, recorded by an inspector drawn for the task (unless `headers` say who)."""
    answer = client.post(f"/inspection/tasks/{task_id}/result", json=body,
                         headers=headers or drawn_inspector(client, task_id))
    assert answer.status_code == expect, answer.text
    return answer
