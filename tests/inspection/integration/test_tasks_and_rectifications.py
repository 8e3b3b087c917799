"""Inspection tasks through HTTP, on SQLite and PostgreSQL: the notice (R6.3 L45), findings and
outcome, rectification notices (R7: number, legal basis, problems, deadline, printable), the
organization's response and the inspector's review, the daily overdue sweep (R7.1, L60 trigger 3,
once per notice), and the uncontactable finding (R8.2 trigger 6)."""
from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from services.inspection.adapters.orm import rectification_overdue
from services.inspection.bootstrap import InspectionContainer
from services.inspection.service_layer.handlers import rectifications
from shared.clock import FixedClock
from shared.contracts import topic_for
from tests.fixtures.inspection import bearer, org_facts, register
from tests.inspection.integration.support import (INSPECTOR, add_inspectors, draw, drawn_inspector, events, findings,
                                                  make_plan, notify, problem, result, rows, snapshot, tasks_of)


def drawn_tasks(container: InspectionContainer, client: TestClient, n: int = 3) -> list[dict[str, Any]]:
    register(container, [org_facts(i) for i in range(1, 21)])
    add_inspectors(client, 3)
    plan = make_plan(client, kind="unscheduled", title="专项检查", count=n)
    return tasks_of(client, draw(client, plan["id"])["id"])


def rectify(client: TestClient, task_id: str, **extra: Any) -> dict[str, Any]:
    notify(client, task_id)
    body = {"outcome": "rectification", "findings": findings({"financial_status": "账目不清，<b>票据</b>缺失"}),
            "rectification": {"deadline": "2026-04-30", **extra}}
    return result(client, task_id, body).json()


def test_a_result_needs_the_notice_first_and_is_recorded_once(inspection: InspectionContainer,
                                                              inspection_client: TestClient) -> None:
    task = drawn_tasks(inspection, inspection_client)[0]
    before = snapshot(inspection)
    problem(result(inspection_client, task["id"], {"outcome": "compliant", "findings": findings()}, 409), 409,
            "R6.3 L45")
    assert snapshot(inspection) == before
    notice = notify(inspection_client, task["id"])
    assert notice["status"] == "notified" and notice["notified_on"] == "2026-03-02"
    document = inspection_client.get(f"/inspection/tasks/{task['id']}/notice/document", headers=INSPECTOR)
    assert "检查通知书" in document.text and "年度报告" in document.text and "不收取任何费用" in document.text
    done = result(inspection_client, task["id"], {"outcome": "compliant", "findings": findings()}).json()
    assert done["status"] == "completed" and done["publish_by"] == "2026-03-30"  # 20 working days (R6.5)
    [completed] = events(inspection, "inspection.task.completed")
    assert completed["subject"] == task["uscc"] and completed["data"]["outcome"] == "compliant"
    assert topic_for(completed["type"]) == "inspection.inspections"
    problem(result(inspection_client, task["id"], {"outcome": "compliant", "findings": findings()}, 409), 409,
            "task.result_once")


def test_findings_must_follow_the_plan_and_the_outcome_the_findings(inspection: InspectionContainer,
                                                                    inspection_client: TestClient) -> None:
    task = drawn_tasks(inspection, inspection_client)[0]
    notify(inspection_client, task["id"])
    before = snapshot(inspection)
    failing = findings({"annual_report": "未报送"})
    for body in ({"outcome": "compliant", "findings": failing},
                 {"outcome": "compliant", "findings": findings()[:3]},
                 {"outcome": "rectification", "findings": findings()},
                 {"outcome": "rectification", "findings": failing},  # no notice given
                 {"outcome": "penalty", "findings": failing},
                 {"outcome": "rectification", "findings": failing, "rectification": {"deadline": "2026-03-01"}},
                 {"outcome": "compliant", "findings": [{"item": "annual_report", "compliant": False}]},
                 {"outcome": "maybe", "findings": failing}, {"outcome": "compliant", "findings": []}):
        answer = inspection_client.post(f"/inspection/tasks/{task['id']}/result", json=body,
                                        headers=drawn_inspector(inspection_client, task["id"]))
        assert answer.status_code == 422, (body, answer.text)
    assert snapshot(inspection) == before


def test_a_rectification_notice_is_numbered_printable_and_published_as_an_event(
        inspection: InspectionContainer, inspection_client: TestClient) -> None:
    first, second = drawn_tasks(inspection, inspection_client)[:2]
    done = rectify(inspection_client, first["id"])
    rect = inspection_client.get(f"/inspection/rectifications/{done['rectification_id']}", headers=INSPECTOR).json()
    assert rect["number"] == "厦民社整〔2026〕0001号" and rect["deadline"] == "2026-04-30"
    assert rect["legal_basis"] == "《社会团体登记管理条例》第三十条"  # SHT art. 30, by the organization's type
    assert rect["problems"] == ["财务状况：账目不清，<b>票据</b>缺失"]
    second_rect = rectify(inspection_client, second["id"], legal_basis="《社会团体登记管理条例》第三十条第（三）项",
                          problems=["未按规定接受年度检查"])
    assert inspection_client.get(f"/inspection/rectifications/{second_rect['rectification_id']}",
                                 headers=INSPECTOR).json()["number"] == "厦民社整〔2026〕0002号"
    page = inspection_client.get(f"/inspection/rectifications/{done['rectification_id']}/document", headers=INSPECTOR)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for text in ("整改通知书", "厦民社整〔2026〕0001号", "2026年4月30日", "第三十条", first["uscc"], "&lt;b&gt;票据"):
        assert text in page.text
    assert "<b>票据" not in page.text  # what an inspector typed is escaped, never markup
    ordered = events(inspection, "inspection.rectification.ordered")
    assert [e["data"]["number"] for e in ordered] == ["厦民社整〔2026〕0001号", "厦民社整〔2026〕0002号"]


def test_the_organization_responds_to_its_own_notice_and_the_inspector_reviews(
        inspection: InspectionContainer, inspection_client: TestClient, inspection_clock: FixedClock) -> None:
    task = drawn_tasks(inspection, inspection_client)[0]
    rect_id = rectify(inspection_client, task["id"])["rectification_id"]
    own, other = bearer("org", "org-own", task["uscc"]), bearer("org", "org-other", "51350200MJ0000018X")
    url = f"/inspection/rectifications/{rect_id}"
    drawn = drawn_inspector(inspection_client, task["id"])
    problem(inspection_client.post(url + "/review", json={"decision": "accept"}, headers=drawn), 409, "R7.3")
    problem(inspection_client.post(url + "/response", json={"report": "已整改"}, headers=other), 403)
    problem(inspection_client.get(url, headers=other), 403)
    problem(inspection_client.post(url + "/response", json={"report": "已整改"}, headers=INSPECTOR), 403)
    assert inspection_client.get(url + "/document", headers=own).status_code == 200
    assert inspection_client.get("/inspection/rectifications", headers=own).json()["total"] == 1
    assert inspection_client.get("/inspection/rectifications", params={"uscc": "51350200MJ0000018X"},
                                 headers=own).json()["total"] == 1  # an org account sees only its own
    inspection_clock.advance(days=10)
    answered = inspection_client.post(url + "/response", json={"report": "已完善财务制度，补齐票据。"}, headers=own)
    assert answered.status_code == 200 and answered.json()["status"] == "responded"
    rejected = inspection_client.post(url + "/review", json={"decision": "reject", "note": "票据仍不全"},
                                      headers=drawn).json()
    assert rejected["status"] == "rejected" and not events(inspection, "inspection.rectification.accepted")
    inspection_client.post(url + "/response", json={"report": "票据已补齐。"}, headers=own)
    accepted = inspection_client.post(url + "/review", json={"decision": "accept"}, headers=drawn).json()
    assert accepted["status"] == "accepted" and accepted["accepted_on"] == "2026-03-12"
    [event] = events(inspection, "inspection.rectification.accepted")
    assert event["subject"] == task["uscc"] and event["data"]["on_time"] is True
    problem(inspection_client.post(url + "/response", json={"report": "again"}, headers=own), 409, "R7.3")


def test_r71_the_overdue_sweep_reports_each_notice_once(inspection: InspectionContainer,
                                                        inspection_client: TestClient,
                                                        inspection_clock: FixedClock) -> None:
    late, answered_late, on_time = drawn_tasks(inspection, inspection_client)
    ids = [rectify(inspection_client, t["id"])["rectification_id"] for t in (late, answered_late, on_time)]
    own = bearer("org", "org-x", on_time["uscc"])
    inspection_client.post(f"/inspection/rectifications/{ids[2]}/response", json={"report": "已整改"}, headers=own)
    inspection_client.post(f"/inspection/rectifications/{ids[2]}/review", json={"decision": "accept"},
                           headers=drawn_inspector(inspection_client, on_time["id"]))
    sweep = lambda: rectifications.sweep_overdue(inspection.uow)  # noqa: E731 - what the daily job sends
    inspection_clock.set(date(2026, 4, 30))
    assert sweep() == 0  # the deadline day is still in time
    inspection_clock.set(date(2026, 5, 1))
    own_late = bearer("org", "org-y", answered_late["uscc"])
    inspection_client.post(f"/inspection/rectifications/{ids[1]}/response", json={"report": "迟交"}, headers=own_late)
    assert sweep() == 2 and sweep() == 0
    inspection_clock.set(date(2026, 6, 1))
    assert sweep() == 0
    overdue = events(inspection, "inspection.rectification.overdue")
    assert sorted(e["data"]["rectification_id"] for e in overdue) == sorted(ids[:2])
    assert all(e["data"]["detected_on"] == "2026-05-01" for e in overdue)
    assert rows(inspection, rectification_overdue) == 2
    got = inspection_client.get(f"/inspection/organizations/{late['uscc']}", headers=INSPECTOR).json()
    assert "rectification_overdue" in got["risk_signals"]


def test_r82_trigger6_an_uncontactable_finding_emits_its_event(inspection: InspectionContainer,
                                                                inspection_client: TestClient) -> None:
    task = drawn_tasks(inspection, inspection_client)[0]
    notify(inspection_client, task["id"])
    body = {"outcome": "rectification", "rectification": {"deadline": "2026-05-30"},
            "findings": findings({"internal_governance": "两次专函均无人签收"}),
            "uncontactable": {"first_letter_on": "2026-01-05", "second_letter_on": "2026-01-15"}}
    before = snapshot(inspection)
    problem(result(inspection_client, task["id"], body, 409), 409, "R8.2.1")  # 10 days apart: under 20
    assert snapshot(inspection) == before
    body["uncontactable"]["first_letter_on"] = "2025-12-20"
    result(inspection_client, task["id"], body)
    [event] = events(inspection, "inspection.finding.uncontactable")
    assert event["subject"] == task["uscc"] and event["data"]["second_letter_on"] == "2026-01-15"
    assert "无法与社会组织取得联系" in event["data"]["legal_basis"]
    got = inspection_client.get(f"/inspection/organizations/{task['uscc']}", headers=INSPECTOR).json()
    assert "uncontactable" in got["risk_signals"]


def test_an_org_account_sees_only_its_own_tasks(inspection: InspectionContainer,
                                                inspection_client: TestClient) -> None:
    mine, theirs = drawn_tasks(inspection, inspection_client)[:2]
    own = bearer("org", "org-own", mine["uscc"])
    listed = inspection_client.get("/inspection/tasks", headers=own).json()
    assert [t["id"] for t in listed["items"]] == [mine["id"]]
    assert inspection_client.get(f"/inspection/tasks/{mine['id']}", headers=own).status_code == 200
    problem(inspection_client.get(f"/inspection/tasks/{theirs['id']}", headers=own), 403)
    problem(inspection_client.post(f"/inspection/tasks/{mine['id']}/notice", json={"requirements": "x"},
                                   headers=own), 403)
    problem(inspection_client.get("/inspection/tasks"), 401)
