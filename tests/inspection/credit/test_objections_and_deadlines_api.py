"""Issue 13 items 3 and 4 through HTTP, on SQLite and PostgreSQL: an objection (异议, R8.4.4 L60) to the
credit information itself or to an entry whose cause is the error voids the cause - a penalty decision is
marked annulled, stops counting for the repeat rule (R8.3 #5) and inspection.penalty.annulled leaves for the
registry; a report wrongly flagged late stops listing; an entry with nothing to rectify cannot be removed
before 6 months from 查实 (R8.4.2); an answer to a rectification notice given in time is not overdue because
the bureau reviews it late (R7.1)."""
from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from services.inspection.bootstrap import InspectionContainer
from services.inspection.service_layer.handlers import rectifications
from shared.clock import FixedClock
from tests.fixtures.inspection import approve_proposal, bearer, org_facts, register
from tests.inspection.credit.support import deliver, entries_as_of, overdue, submitted
from tests.inspection.integration.support import INSPECTOR, drawn_inspector, events, problem

BASIS = "《社会团体登记管理条例》第三十条"
REGISTRAR = bearer("registrar")


def _impose(client: TestClient, uscc: str, number: str, on: str = "2026-03-02") -> str:
    body = {"uscc": uscc, "measures": [{"kind": "warning"}], "legal_basis": BASIS, "effective_on": on,
            "facts": "超出章程规定的业务范围开展活动", "decision_number": number}
    return str(approve_proposal(client, client.post("/inspection/penalties", json=body, headers=INSPECTOR))["result_id"])


def _round_trip(inspection: InspectionContainer) -> None:
    """The service's own events round the bus to its credit engine (as its workers do)."""
    inspection.relay.drain()
    deliver(inspection, [])


def _record(client: TestClient, uscc: str) -> dict[str, Any]:
    return dict(client.get(f"/inspection/credit/organizations/{uscc}").json())


def _uphold(client: TestClient, application_id: str, **extra: Any) -> dict[str, Any]:
    answer = client.post(f"/inspection/credit/applications/{application_id}/decision", headers=REGISTRAR,
                         json={"decision": "approve", "reason": "复议决定撤销原处罚", **extra})
    return approve_proposal(client, answer)


def test_R8_4_4_an_objection_to_a_penalty_voids_it_for_the_repeat_rule_and_tells_the_registry(
        inspection: InspectionContainer, inspection_client: TestClient) -> None:
    (uscc,) = register(inspection, [org_facts(81)])
    first = _impose(inspection_client, uscc, "厦民罚〔2026〕11号", "2026-02-27")
    _impose(inspection_client, uscc, "厦民罚〔2026〕12号")
    _round_trip(inspection)
    assert _record(inspection_client, uscc)["lists"] == ["abnormal", "serious"]  # 2 warnings in 3 years (R8.3 #5)
    org = bearer("org", "org81", uscc)
    made = inspection_client.post(f"/inspection/credit/organizations/{uscc}/objections", headers=org,
                                  json={"penalty_id": first, "statement": "该处罚决定已被行政复议撤销，附复议决定书"})
    assert made.status_code == 201, made.text
    assert (made.json()["list"], made.json()["target"]) == ("info", f"penalty:{first}")
    _uphold(inspection_client, made.json()["id"])
    _round_trip(inspection)
    record = _record(inspection_client, uscc)
    assert record["lists"] == ["abnormal"]  # the second warning is a first one again (R8.2 #5)
    assert [h["trigger"] for h in record["history"]] == ["minor_penalty"]  # the serious entry is voided
    penalty = inspection_client.get(f"/inspection/penalties/{first}", headers=INSPECTOR).json()
    assert (penalty["annulled_on"], penalty["annulment_reason"]) == ("2026-03-02", "复议决定撤销原处罚")
    [annulled] = events(inspection, "inspection.penalty.annulled")
    assert (annulled["data"]["penalty_id"], annulled["data"]["kind"], annulled["data"]["effective_on"]) == (
        first, "warning", "2026-02-27")
    [decided] = [e for e in events(inspection, "credit.application.decided")]
    assert decided["data"]["voided"] == [f"penalty:{first}"]
    again = inspection_client.post(f"/inspection/credit/organizations/{uscc}/objections", headers=org,
                                   json={"penalty_id": first, "statement": "再次异议"})
    problem(again, 409, "R8.4.4")  # voided information is no longer on record


def test_R8_4_4_an_objection_to_an_entry_voids_its_cause_when_the_decision_says_the_cause_is_the_error(
        inspection: InspectionContainer, inspection_client: TestClient) -> None:
    (uscc,) = register(inspection, [org_facts(82)])
    penalty_id = _impose(inspection_client, uscc, "厦民罚〔2026〕21号")
    _round_trip(inspection)
    entry_id = entries_as_of(inspection_client, INSPECTOR, "abnormal", "2026-03-02", uscc)[0]["id"]
    made = inspection_client.post(f"/inspection/credit/organizations/{uscc}/objections",
                                  headers=bearer("org", "org82", uscc),
                                  json={"entry_id": entry_id, "statement": "处罚已被撤销"})
    path = f"/inspection/credit/applications/{made.json()['id']}/decision"
    proposed = inspection_client.post(path, headers=REGISTRAR, json={"decision": "approve", "reason": "处罚已撤销",
                                                                     "void_cause": True})
    assert "撤销其所依据的信用信息" in proposed.json()["summary"]  # the approver sees what is voided
    approve_proposal(inspection_client, proposed)
    _round_trip(inspection)
    assert _record(inspection_client, uscc)["history"] == []
    assert inspection_client.get(f"/inspection/penalties/{penalty_id}", headers=INSPECTOR).json()["annulled_on"]
    assert len(events(inspection, "inspection.penalty.annulled")) == 1
    # a later warning is a first one: the annulled decision does not count (R8.3 #5)
    _impose(inspection_client, uscc, "厦民罚〔2026〕22号")
    _round_trip(inspection)
    assert _record(inspection_client, uscc)["lists"] == ["abnormal"]


def test_R8_4_4_an_objection_to_a_report_flagged_late_removes_the_listing(
        inspection: InspectionContainer, inspection_client: TestClient, inspection_clock: FixedClock) -> None:
    (uscc,) = register(inspection, [org_facts(83)])
    inspection_clock.set(date(2025, 6, 3))
    deliver(inspection, [overdue(uscc, 2024, date(2025, 5, 31), date(2025, 6, 3))])
    assert _record(inspection_client, uscc)["lists"] == ["abnormal"]
    org = bearer("org", "org83", uscc)
    problem(inspection_client.post(f"/inspection/credit/organizations/{uscc}/objections", headers=org,
                                   json={"report_year": 2023, "statement": "x"}), 409, "R8.4.4")  # nothing flagged
    problem(inspection_client.post(f"/inspection/credit/organizations/{uscc}/objections", headers=org,
                                   json={"report_year": 2024, "entry_id": "CE-1", "statement": "x"}), 422)
    made = inspection_client.post(f"/inspection/credit/organizations/{uscc}/objections", headers=org,
                                  json={"report_year": 2024, "statement": "报告已于5月20日通过系统报送，附回执"})
    assert made.status_code == 201 and len(made.json()["entry_ids"]) == 1, made.text
    _uphold(inspection_client, made.json()["id"])
    assert _record(inspection_client, uscc)["lists"] == [] and _record(inspection_client, uscc)["history"] == []
    deliver(inspection, [submitted(uscc, 2024, date(2025, 6, 20), date(2025, 5, 31))])  # the late copy arrives
    assert _record(inspection_client, uscc)["history"] == []  # still voided: the flag was the error


def test_R8_4_2_an_entry_with_nothing_to_rectify_is_not_removed_before_6_months_from_verification(
        inspection: InspectionContainer, inspection_client: TestClient, inspection_clock: FixedClock) -> None:
    """A warning dated 2026-02-20, decided (查实) on 2026-03-02: the organization may not leave the abnormal
    list by application before 2026-09-02, and the engine removes it that day."""
    (uscc,) = register(inspection, [org_facts(84)])
    body = {"uscc": uscc, "measures": [{"kind": "warning"}], "legal_basis": BASIS, "effective_on": "2026-02-20",
            "facts": "未按规定报送材料", "decision_number": "厦民罚〔2026〕31号",
            "late_reason": "外地调查取证后补录"}  # R8.1.2: dated more than 5 working days back
    approve_proposal(inspection_client, inspection_client.post("/inspection/penalties", json=body, headers=INSPECTOR))
    _round_trip(inspection)
    [entry] = entries_as_of(inspection_client, INSPECTOR, "abnormal", "2026-03-02", uscc)
    assert entry["verified_on"] == "2026-03-02"
    org = bearer("org", "org84", uscc)
    inspection_clock.set(date(2026, 8, 25))  # 6 months from the backdated day have passed, not from 查实
    refused = problem(inspection_client.post(f"/inspection/credit/organizations/{uscc}/removal-applications",
                                             headers=org, json={"list": "abnormal", "statement": "已整改"}),
                      409, "R8.4.2")
    assert "2026-09-02" in refused["detail"]
    assert _record(inspection_client, uscc)["timeline"][0]["on"] == "2026-09-02"


def test_R7_1_an_answer_given_in_time_is_not_listed_because_the_bureau_reviews_it_late(
        inspection: InspectionContainer, inspection_client: TestClient, inspection_clock: FixedClock) -> None:
    from tests.inspection.integration.test_tasks_and_rectifications import drawn_tasks, rectify

    task = drawn_tasks(inspection, inspection_client, 1)[0]
    rect_id = rectify(inspection_client, task["id"])["rectification_id"]  # deadline 2026-04-30
    url = f"/inspection/rectifications/{rect_id}"
    inspection_clock.set(date(2026, 4, 28))
    answered = inspection_client.post(url + "/response", json={"report": "已完善财务制度"},
                                      headers=bearer("org", "org-r", task["uscc"]))
    assert answered.status_code == 200, answered.text
    for day in (date(2026, 5, 1), date(2026, 6, 14)):  # the bureau has not reviewed it yet
        inspection_clock.set(day)
        assert rectifications.sweep_overdue(inspection.uow) == 0
    assert events(inspection, "inspection.rectification.overdue") == []
    inspection_clock.set(date(2026, 6, 15))
    rejected = inspection_client.post(url + "/review", json={"decision": "reject", "note": "票据仍不全"},
                                      headers=drawn_inspector(inspection_client, task["id"]))
    assert rejected.status_code == 200, rejected.text
    [late] = events(inspection, "inspection.rectification.overdue")
    assert (late["data"]["overdue_from"], late["data"]["detected_on"]) == ("2026-06-15", "2026-06-15")
    assert rectifications.sweep_overdue(inspection.uow) == 0  # once per notice
    _round_trip(inspection)
    [entry] = entries_as_of(inspection_client, INSPECTOR, "abnormal", "2026-06-15", task["uscc"])
    assert entry["included_on"] == "2026-06-15"  # listed from the review, not from the deadline
