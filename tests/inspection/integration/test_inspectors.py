"""The inspector pool through HTTP (api.md: inspector (admin)), on SQLite and PostgreSQL: an admin adds and
edits members; department, qualifications, active flag, and conflicts (R6.4 回避: former work within 2
years, relatives, declared), applied on the draw day and when a drawn inspector acts on a task."""
from __future__ import annotations

from fastapi.testclient import TestClient

from services.inspection.bootstrap import InspectionContainer
from shared.clock import FixedClock
from tests.fixtures.inspection import bearer, org_facts, register
from tests.inspection.integration.support import (ADMIN, INSPECTOR, add_inspectors, as_member, draw, findings,
                                                  make_plan, notify, problem, result, snapshot, tasks_of, team)


def test_the_pool_keeps_inspectors_and_their_conflicts(inspection: InspectionContainer,
                                                       inspection_client: TestClient) -> None:
    [uscc] = register(inspection, [org_facts(1)])
    body = {"name": "王检查员", "department": "厦门市民政局社会组织管理处", "qualifications": ["行政执法证", "会计师"],
            "conflicts": [{"uscc": uscc.lower(), "kind": "former_employment", "ended_on": "2025-06-30",
                           "note": "曾任秘书长"}]}
    made = inspection_client.post("/inspection/inspectors", json=body, headers=bearer("admin"))
    assert made.status_code == 201 and made.headers["location"] == f"/inspection/inspectors/{made.json()['id']}"
    got = inspection_client.get(f"/inspection/inspectors/{made.json()['id']}", headers=INSPECTOR).json()
    assert got["qualifications"] == ["行政执法证", "会计师"] and got["active"] is True
    assert [(c["uscc"], c["kind"], c["ended_on"]) for c in got["conflicts"]] == [(uscc, "former_employment",
                                                                                  "2025-06-30")]
    more = inspection_client.post(f"/inspection/inspectors/{got['id']}/conflicts",
                                  json={"uscc": uscc, "kind": "relative"}, headers=ADMIN)
    assert more.status_code == 201 and len(more.json()["conflicts"]) == 2
    off = inspection_client.patch(f"/inspection/inspectors/{got['id']}", json={"active": False}, headers=ADMIN)
    assert off.json()["active"] is False
    listed = inspection_client.get("/inspection/inspectors", params={"active": True}, headers=INSPECTOR).json()
    assert listed == []


def test_bad_pool_input_is_refused_and_changes_nothing(inspection: InspectionContainer,
                                                       inspection_client: TestClient) -> None:
    [uscc] = register(inspection, [org_facts(1)])
    [existing] = add_inspectors(inspection_client, 1)
    taken = inspection_client.get(f"/inspection/inspectors/{existing}", headers=INSPECTOR).json()["username"]
    before = snapshot(inspection)
    base = {"name": "李检查员", "department": "处"}
    for body, status in (({**base, "conflicts": [{"uscc": uscc, "kind": "former_employment"}]}, 422),
                         ({**base, "conflicts": [{"uscc": uscc, "kind": "former_employment",
                                                  "ended_on": "2026-03-03"}]}, 422),
                         ({**base, "conflicts": [{"uscc": "51350200MJ0000018X", "kind": "relative"}]}, 404),
                         ({**base, "conflicts": [{"uscc": "0' OR '1'='1", "kind": "relative"}]}, 422),
                         ({**base, "name": "x\u2028y"}, 422), ({"name": "无部门"}, 422),
                         ({**base, "username": taken}, 409)):
        problem(inspection_client.post("/inspection/inspectors", json=body, headers=ADMIN), status)
    problem(inspection_client.post("/inspection/inspectors", json=base, headers=bearer("registrar")), 403)
    problem(inspection_client.post("/inspection/inspectors", json=base), 401)
    problem(inspection_client.patch("/inspection/inspectors/INS-0000000000000000", json={"active": False},
                                    headers=ADMIN), 404)
    assert snapshot(inspection) == before


def test_r64_former_work_stops_binding_two_years_after_it_ended(inspection: InspectionContainer,
                                                               inspection_client: TestClient,
                                                               inspection_clock: FixedClock) -> None:
    [uscc] = register(inspection, [org_facts(1)])
    conflicted, *_ = add_inspectors(inspection_client, 3, {0: [{"uscc": uscc, "kind": "former_employment",
                                                                 "ended_on": "2024-03-02"}]})
    today = draw(inspection_client, make_plan(inspection_client, kind="unscheduled", title="今日", count=1)["id"])
    assert today["targets"][0]["withdrawn"] == [conflicted]  # 2026-03-02: two years after, still bound
    inspection_clock.advance(days=1)
    tomorrow = draw(inspection_client, make_plan(inspection_client, kind="unscheduled", title="明日", count=1)["id"])
    assert tomorrow["targets"][0]["withdrawn"] == []


def test_r64_a_drawn_inspector_with_a_conflict_declared_after_the_draw_cannot_record_the_result(
        inspection: InspectionContainer, inspection_client: TestClient) -> None:
    register(inspection, [org_facts(n) for n in range(1, 4)])
    add_inspectors(inspection_client, 3)
    [task, *_] = tasks_of(inspection_client, draw(inspection_client, make_plan(
        inspection_client, kind="unscheduled", title="专项", count=3)["id"])["id"])
    first, second = team(inspection_client, task["id"])
    notify(inspection_client, task["id"], as_member(inspection_client, first))
    declared = inspection_client.post(f"/inspection/inspectors/{first}/conflicts", headers=as_member(
        inspection_client, first), json={"uscc": task["uscc"], "kind": "declared", "note": "抽中后发现的利害关系"})
    assert declared.status_code == 201, declared.text  # an inspector declares their own conflict
    body = {"outcome": "compliant", "findings": findings()}
    answer = result(inspection_client, task["id"], body, 409, as_member(inspection_client, first))
    problem(answer, 409, "回避")
    assert declared.json()["name"] in answer.json()["detail"]
    result(inspection_client, task["id"], body, headers=as_member(inspection_client, second))  # the other may
