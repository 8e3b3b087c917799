"""Penalties (R2.4) and publication (一公开, R6.5) through HTTP, on SQLite and PostgreSQL."""
from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from services.inspection.bootstrap import InspectionContainer
from services.inspection.service_layer.handlers import tasks
from shared.clock import FixedClock
from tests.fixtures.inspection import approve_proposal, bearer, deliver, org_facts, register, registry_event
from tests.inspection.integration.support import (INSPECTOR, add_inspectors, draw, drawn_inspector, events, findings,
                                                  make_plan, notify, problem, result, snapshot, tasks_of)


def penalty(uscc: str, **fields: Any) -> dict[str, Any]:
    return {"uscc": uscc, "kind": "warning", "legal_basis": "《社会团体登记管理条例》第三十条",
            "effective_on": "2026-03-02", "facts": "拒不接受监督检查", **fields}


def test_r242_each_penalty_kind_is_recorded_with_its_basis_and_emitted(inspection: InspectionContainer,
                                                                        inspection_client: TestClient) -> None:
    usccs = register(inspection, [org_facts(n) for n in range(1, 6)])
    bodies = [penalty(usccs[0]), penalty(usccs[1], kind="fine", amount="20000", decision_number="厦民罚〔2026〕1号",
                                      fine_basis="turnover", basis_amount="10000"),
              penalty(usccs[2], kind="confiscation", amount="3500.50"),
              penalty(usccs[3], kind="suspension", period_days=90)]
    made = []
    for body in bodies:  # issue 12: proposed by the inspector, approved by an approver
        decided = approve_proposal(inspection_client, inspection_client.post("/inspection/penalties", json=body,
                                                                             headers=INSPECTOR))
        made.append(inspection_client.get(f"/inspection/penalties/{decided['result_id']}", headers=INSPECTOR).json())
    assert made[3]["suspension_ends_on"] == "2026-05-31" and made[3]["kind_name"] == "限期停止活动"
    assert made[1]["approved_by"] == "approver1" and made[1]["decided_by"] == "inspector1"
    emitted = events(inspection, "inspection.penalty.imposed")
    assert [(e["subject"], e["data"]["kind"]) for e in emitted] == [(u, b["kind"]) for u, b in zip(usccs, bodies)]
    assert emitted[1]["data"]["amount"] == "20000" and emitted[1]["data"]["decision_number"] == "厦民罚〔2026〕1号"
    # a revocation is the registry's act: the inspection sends a request, and the registry's event closes ours
    request = inspection_client.post("/inspection/penalties", headers=INSPECTOR, json=penalty(
        usccs[4], kind="revocation", legal_basis="《社会团体登记管理条例》第三十条（情节严重）"))
    assert request.status_code == 202 and request.json()["state"] == "sent to the registry", request.text
    [asked] = events(inspection, "inspection.revocation.requested")
    assert asked["data"]["legal_basis"].endswith("（情节严重）") and len(events(inspection, "inspection.penalty.imposed")) == 4
    deliver(inspection, [registry_event("registry.organization.revoked", usccs[4], {
        "uscc": usccs[4], "revoked_on": "2026-03-02", "legal_basis": asked["data"]["legal_basis"],
        "decided_by": "registrar1"})])
    problem(inspection_client.post("/inspection/penalties", json=penalty(usccs[4]), headers=INSPECTOR), 409, "R2.4")
    own = bearer("org", "org-1", usccs[0])
    assert [p["id"] for p in inspection_client.get("/inspection/penalties", headers=own).json()["items"]] \
        == [made[0]["id"]]


def test_r242_penalties_missing_what_they_need_are_refused_and_change_nothing(
        inspection: InspectionContainer, inspection_client: TestClient) -> None:
    [uscc] = register(inspection, [org_facts(1)])
    before = snapshot(inspection)
    for body, status in ((penalty(uscc, kind="fine"), 422), (penalty(uscc, kind="suspension"), 422),
                         (penalty(uscc, amount="100"), 422), (penalty(uscc, effective_on="2026-03-03"), 422),
                         (penalty(uscc, kind="jail"), 422), (penalty(uscc, amount="-5", kind="fine"), 422),
                         ({**penalty(uscc), "legal_basis": ""}, 422), (penalty("51350200MJ0000018X"), 404),
                         (penalty("not-a-code"), 422), (penalty(uscc, task_id="TK-nothing"), 422)):
        problem(inspection_client.post("/inspection/penalties", json=body, headers=INSPECTOR), status)
    problem(inspection_client.post("/inspection/penalties", json=penalty(uscc), headers=bearer("registrar")), 403)
    assert snapshot(inspection) == before


def test_a_task_outcome_penalty_is_proposed_and_imposed_with_the_task_when_approved(inspection: InspectionContainer,
                                                         inspection_client: TestClient) -> None:
    register(inspection, [org_facts(n) for n in range(1, 11)])
    add_inspectors(inspection_client, 2)
    [task] = tasks_of(inspection_client, draw(inspection_client, make_plan(
        inspection_client, kind="unscheduled", title="专项", count=1)["id"])["id"])
    notify(inspection_client, task["id"])
    body = {"outcome": "penalty", "findings": findings({"business_activities": "超出章程业务范围开展活动"}),
            "penalty": {"kind": "fine", "amount": "10000", "fine_basis": "gains", "basis_amount": "2500",
                        "legal_basis": "《社会团体登记管理条例》第三十条",
                        "effective_on": "2026-03-02", "facts": "超出章程规定的宗旨和业务范围进行活动"},
            "rectification": {"deadline": "2026-04-15"}}
    done = result(inspection_client, task["id"], body).json()
    assert done["outcome"] == "penalty" and done["penalty_id"] is None and done["rectification_id"]
    assert events(inspection, "inspection.penalty.imposed") == []  # proposed, not yet in effect
    queue = inspection_client.get("/inspection/sanctions?state=proposed", headers=bearer("approver")).json()
    [proposal] = [p for p in queue["items"] if p["links"].get("task_id") == task["id"]]
    decided = inspection_client.post(f"/inspection/sanctions/{proposal['id']}/approval", headers=bearer("approver"))
    assert decided.status_code == 200, decided.text
    task_now = inspection_client.get(f"/inspection/tasks/{task['id']}", headers=INSPECTOR).json()
    assert task_now["penalty_id"] == decided.json()["result_id"]
    [imposed] = events(inspection, "inspection.penalty.imposed")
    assert imposed["data"]["task_id"] == task["id"] and imposed["subject"] == task["uscc"]


def test_r65_results_go_public_by_the_working_day_deadline_without_personal_data(
        inspection: InspectionContainer, inspection_client: TestClient, inspection_clock: FixedClock) -> None:
    register(inspection, [org_facts(n) for n in range(1, 11)])
    add_inspectors(inspection_client, 2)
    plan = make_plan(inspection_client, kind="unscheduled", title="专项", count=2)
    first, second = tasks_of(inspection_client, draw(inspection_client, plan["id"])["id"])
    for task in (first, second):
        notify(inspection_client, task["id"])
        result(inspection_client, task["id"], {"outcome": "rectification", "rectification": {"deadline": "2026-05-01"},
                                               "findings": findings({"information_disclosure": "未公开年度报告"})})
    assert inspection_client.get("/inspection/results").json()["total"] == 0  # not yet published
    published = inspection_client.post(f"/inspection/tasks/{first['id']}/publication",
                                       headers=drawn_inspector(inspection_client, first["id"])).json()
    assert published["published_on"] == "2026-03-02"
    publish = lambda: tasks.publish_due_results(inspection.uow)  # noqa: E731 - what the daily job sends
    inspection_clock.set(date(2026, 3, 27))
    assert publish() == 0  # 19 working days after 2026-03-02
    inspection_clock.set(date(2026, 3, 30))
    assert publish() == 1 and publish() == 0  # the 20th working day (R6.5 setting, default 20)
    page = inspection_client.get("/inspection/results").json()  # anyone
    assert page["total"] == 2 and {r["task_id"] for r in page["items"]} == {first["id"], second["id"]}
    item = next(r for r in page["items"] if r["task_id"] == first["id"])
    assert item["outcome_name"] == "责令整改" and item["rectification_number"].startswith("厦民社整")
    text = json.dumps(page, ensure_ascii=False)
    for private in ("inspector1", "检查员", "recorded_by", "inspector-account", "badge"):
        assert private not in text
    assert inspection_client.get("/inspection/results", params={"uscc": first["uscc"]}).json()["total"] == 1
    problem(inspection_client.post(f"/inspection/tasks/{tasks_of(inspection_client, first['draw_id'])[0]['id']}x"
                                   "/publication", headers=INSPECTOR), 404)
