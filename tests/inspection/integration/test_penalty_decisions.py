"""Issue 13 item 1: a penalty is a decision (决定书), not a kind. One decision, one decision number, may combine
measures (SHT art. 30, MFQ art. 25, JJH art. 42); a fine carries its basis and is held to the article's bounds;
the repeat rule of R8.3 #5 counts decisions, so 警告 + ¥3,000 in one decision lists the organization on the
abnormal list, not the serious one; another department's warning entered by an inspector counts toward it.
SQLite and PostgreSQL."""
from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from services.inspection.bootstrap import InspectionContainer
from tests.fixtures.inspection import approve_proposal, org_facts, register
from tests.inspection.credit.support import deliver
from tests.inspection.integration.support import INSPECTOR, events, problem, snapshot

BASIS = "《社会团体登记管理条例》第三十条"


def _decision(uscc: str, measures: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    return {"uscc": uscc, "measures": measures, "legal_basis": BASIS, "effective_on": "2026-03-02",
            "facts": "超出章程规定的业务范围开展活动", "decision_number": "厦民罚〔2026〕7号", **fields}


def _lists(client: TestClient, uscc: str) -> list[str]:
    """The lists after the service's own events went round the bus to its credit engine (as its workers do)."""
    inspection = client.app.state.inspection  # type: ignore[attr-defined]
    inspection.relay.drain()
    deliver(inspection, [])
    return list(client.get(f"/inspection/credit/organizations/{uscc}").json()["lists"])


def _impose(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    decided = approve_proposal(client, client.post("/inspection/penalties", json=body, headers=INSPECTOR))
    return dict(client.get(f"/inspection/penalties/{decided['result_id']}", headers=INSPECTOR).json())


def _warning_and_small_fine() -> list[dict[str, Any]]:
    return [{"kind": "warning"}, {"kind": "fine", "amount": "3000", "fine_basis": "gains", "basis_amount": "1000"}]


def test_a_warning_and_a_small_fine_in_one_decision_count_once__R8_3_5_SHT_art_30(
        inspection: InspectionContainer, inspection_client: TestClient) -> None:
    (uscc,) = register(inspection, [org_facts(71)])
    penalty = _impose(inspection_client, _decision(uscc, _warning_and_small_fine()))
    assert [m["kind"] for m in penalty["measures"]] == ["warning", "fine"] and penalty["kind"] == "fine"
    [imposed] = events(inspection, "inspection.penalty.imposed")  # one decision, one event
    assert [m["kind"] for m in imposed["data"]["measures"]] == ["warning", "fine"]
    assert _lists(inspection_client, uscc) == ["abnormal"]  # one decision: not yet "two within three years"


def test_two_decisions_within_three_years_make_the_serious_list__R8_3_5(
        inspection: InspectionContainer, inspection_client: TestClient) -> None:
    (uscc,) = register(inspection, [org_facts(72)])
    _impose(inspection_client, _decision(uscc, _warning_and_small_fine()))
    _impose(inspection_client, _decision(uscc, [{"kind": "warning"}], decision_number="厦民罚〔2026〕8号"))
    assert "serious" in _lists(inspection_client, uscc)


def test_another_departments_warning_entered_by_an_inspector_counts__R8_3_5_R8_2_5(
        inspection: InspectionContainer, inspection_client: TestClient) -> None:
    (uscc,) = register(inspection, [org_facts(73)])
    _impose(inspection_client, _decision(uscc, [{"kind": "warning"}], effective_on="2026-02-27"))
    assert _lists(inspection_client, uscc) == ["abnormal"]  # the engine has heard of the first decision
    entry = approve_proposal(inspection_client, inspection_client.post(
        "/inspection/credit-lists/abnormal/entries", headers=INSPECTOR, json={
            "uscc": uscc, "trigger": "minor_penalty", "legal_basis": "L60 活动异常名录情形（五）",
            "reason": "市场监管部门给予警告（厦市监罚〔2026〕3号）", "included_on": "2026-03-02"}))
    listed = inspection_client.get(f"/inspection/credit/entries/{entry['result_id']}", headers=INSPECTOR).json()
    assert (listed["list"], listed["trigger"]) == ("serious", "repeat_penalties")
    assert "serious" in _lists(inspection_client, uscc)


def test_a_large_fine_or_a_suspension_in_a_decision_makes_the_serious_list__R8_3_3_R8_3_4(
        inspection: InspectionContainer, inspection_client: TestClient) -> None:
    first, second = register(inspection, [org_facts(74), org_facts(75)])
    _impose(inspection_client, _decision(first, [{"kind": "warning"}, {"kind": "confiscation", "amount": "20000"},
                                                 {"kind": "fine", "amount": "80000", "fine_basis": "gains",
                                                  "basis_amount": "20000"}]))
    _impose(inspection_client, _decision(second, [{"kind": "warning"}, {"kind": "suspension", "period_days": 60},
                                                  {"kind": "replace_officials"}]))
    assert _lists(inspection_client, first) == ["serious"] and _lists(inspection_client, second) == ["serious"]


def test_fines_are_held_to_the_articles_bounds_and_decisions_to_their_rules__SHT_art_30_MFQ_art_25(
        inspection: InspectionContainer, inspection_client: TestClient) -> None:
    group, service = register(inspection, [org_facts(76), org_facts(77, org_type="social_service")])
    before = snapshot(inspection)
    refused = [
        (_decision(group, [{"kind": "fine", "amount": "5000"}]), "fine_basis"),  # no basis
        (_decision(group, [{"kind": "fine", "amount": "5000", "fine_basis": "gains", "basis_amount": "2000"}]),
         "amount"),  # 2.5× the gains: below 3×
        (_decision(group, [{"kind": "fine", "amount": "40000", "fine_basis": "turnover", "basis_amount": "10000"}]),
         "amount"),  # 4× the turnover: above 3×
        (_decision(group, [{"kind": "warning"}, {"kind": "warning"}]), "measures"),
        (_decision(group, [{"kind": "suspension", "period_days": 30}, {"kind": "revocation"}]), "measures"),
        (_decision(service, [{"kind": "replace_officials"}]), "kind"),  # SHT art. 30 only
        (_decision(group, [{"kind": "warning", "amount": "100"}]), "amount"),
        ({**_decision(group, [{"kind": "warning"}]), "kind": "warning"}, None),  # both ways at once
    ]
    for body, field in refused:
        answer = problem(inspection_client.post("/inspection/penalties", json=body, headers=INSPECTOR), 422)
        if field is not None:
            assert any(e["field"].endswith(field) for e in answer["errors"]), answer
    assert snapshot(inspection) == before


def test_a_decision_with_a_revocation_asks_the_registry_when_approved__R2_4(
        inspection: InspectionContainer, inspection_client: TestClient) -> None:
    (uscc,) = register(inspection, [org_facts(78)])
    body = _decision(uscc, [{"kind": "warning"}, {"kind": "confiscation", "amount": "5000"}, {"kind": "revocation"}])
    proposed = inspection_client.post("/inspection/penalties", json=body, headers=INSPECTOR)
    assert events(inspection, "inspection.revocation.requested") == []  # nothing before the approval
    penalty = inspection_client.get(f"/inspection/penalties/{approve_proposal(inspection_client, proposed)['result_id']}",
                                    headers=INSPECTOR).json()
    assert [m["kind"] for m in penalty["measures"]] == ["warning", "confiscation"]
    assert len(events(inspection, "inspection.revocation.requested")) == 1
