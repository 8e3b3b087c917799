"""Issue 12: every sanction needs two people, and acts are dated within the organization's life. Each
bypass found in the review has a test named after it; SQLite and PostgreSQL."""
from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from services.inspection.bootstrap import InspectionContainer
from shared.clock import FixedClock
from tests.fixtures.inspection import approve_proposal, bearer, org_facts, register
from tests.inspection.credit.support import credit_events
from tests.inspection.integration.support import INSPECTOR, events, problem, snapshot

APPROVER = bearer("approver", "approver1")


def _warning(uscc: str, **fields: Any) -> dict[str, Any]:
    return {"uscc": uscc, "kind": "warning", "legal_basis": "《社会团体登记管理条例》第三十条", "effective_on": "2026-03-02",
            "facts": "拒不接受监督检查", **fields}


def _inclusion(uscc: str, **fields: Any) -> dict[str, Any]:
    return {"uscc": uscc, "trigger": "no_party_organization", "legal_basis": "L60 活动异常名录情形（二）",
            "reason": "经核查未按规定建立党组织", **fields}


def _penalties(client: TestClient) -> int:
    return int(client.get("/inspection/penalties", headers=INSPECTOR).json()["total"])


def test_bypass_one_inspector_imposes_a_penalty_alone__issue12(inspection: InspectionContainer,
                                                             inspection_client: TestClient) -> None:
    """Proposed: nothing in effect, no event. Neither the proposer, another inspector, a registrar nor an admin
    can approve; an approver can, once."""
    (uscc,) = register(inspection, [org_facts(1)])
    proposed = inspection_client.post("/inspection/penalties", json=_warning(uscc), headers=INSPECTOR)
    assert proposed.status_code == 202, proposed.text
    assert proposed.json()["state"] == "proposed" and proposed.json()["proposed_by"] == "inspector1"
    assert _penalties(inspection_client) == 0 and events(inspection, "inspection.penalty.imposed") == []
    path = f"{proposed.headers['Location']}/approval"
    for who in (INSPECTOR, bearer("inspector", "inspector2"), bearer("registrar"), bearer("admin")):
        problem(inspection_client.post(path, headers=who), 403, "approver")
    assert _penalties(inspection_client) == 0 and events(inspection, "inspection.penalty.imposed") == []
    approve_proposal(inspection_client, proposed)
    assert _penalties(inspection_client) == 1 and len(events(inspection, "inspection.penalty.imposed")) == 1
    problem(inspection_client.post(path, headers=bearer("approver", "approver2")), 409, "decided once")
    assert len(events(inspection, "inspection.penalty.imposed")) == 1


def test_the_proposer_cannot_approve_even_holding_the_approver_role__issue12(inspection: InspectionContainer,
                                                                             inspection_client: TestClient) -> None:
    """Proposer ≠ approver is enforced by the server on the person, not the token's role: an account whose
    role changed to approver still cannot approve what it proposed."""
    (uscc,) = register(inspection, [org_facts(2)])
    proposed = inspection_client.post("/inspection/penalties", json=_warning(uscc), headers=bearer("inspector", "li"))
    refused = problem(inspection_client.post(f"{proposed.headers['Location']}/approval",
                                             headers=bearer("approver", "li")), 403, "who proposed")
    assert "another approver" in refused["detail"]
    assert _penalties(inspection_client) == 0


def test_a_rejected_or_withdrawn_proposal_changes_nothing__issue12(inspection: InspectionContainer,
                                                                  inspection_client: TestClient) -> None:
    (uscc,) = register(inspection, [org_facts(3)])
    before = _penalties(inspection_client)
    first = inspection_client.post("/inspection/penalties", json=_warning(uscc), headers=INSPECTOR)
    problem(inspection_client.post(f"{first.headers['Location']}/rejection", headers=APPROVER, json={}), 422)
    rejected = inspection_client.post(f"{first.headers['Location']}/rejection", headers=APPROVER,
                                      json={"reason": "事实不清，证据不足"})
    assert rejected.status_code == 200 and rejected.json()["state"] == "rejected"
    problem(inspection_client.post(f"{first.headers['Location']}/approval", headers=APPROVER), 409)
    second = inspection_client.post("/inspection/penalties", json=_warning(uscc), headers=INSPECTOR)
    problem(inspection_client.post(f"{second.headers['Location']}/withdrawal", headers=bearer("inspector", "x")),
            403, "proposer")
    withdrawn = inspection_client.post(f"{second.headers['Location']}/withdrawal", headers=INSPECTOR)
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"
    assert _penalties(inspection_client) == before and events(inspection, "inspection.penalty.imposed") == []
    queue = inspection_client.get("/inspection/sanctions?state=proposed", headers=APPROVER).json()
    assert queue["total"] == 0


def test_bypass_an_inspector_revokes_in_one_request__issue12(inspection: InspectionContainer,
                                                           inspection_client: TestClient) -> None:
    """Kind revocation is a request to the registry: no penalty, no revocation, the organization stays open."""
    (uscc,) = register(inspection, [org_facts(4)])
    answer = inspection_client.post("/inspection/penalties", json=_warning(uscc, kind="revocation"), headers=INSPECTOR)
    assert answer.status_code == 202 and answer.json()["state"] == "sent to the registry", answer.text
    assert events(inspection, "inspection.penalty.imposed") == []
    [request] = events(inspection, "inspection.revocation.requested")
    assert request["data"]["request_id"] == answer.json()["request_id"] and "requested_by" not in request["data"]
    org = inspection_client.get(f"/inspection/organizations/{uscc}", headers=INSPECTOR).json()
    assert org["status"] == "active"


def test_bypass_a_manual_entry_back_dated_before_the_registration__issue12_R8_1(
        inspection: InspectionContainer, inspection_clock: FixedClock, inspection_client: TestClient) -> None:
    """An organization registered this week cannot be listed as of 2019 (the engine would escalate it to the
    serious list the same day); nor can anything be dated in the future. 422 naming the field, nothing stored."""
    (uscc,) = register(inspection, [org_facts(5, registered_on="2026-02-25")])
    before = snapshot(inspection)
    old = problem(inspection_client.post("/inspection/credit-lists/abnormal/entries", headers=INSPECTOR,
                                         json=_inclusion(uscc, included_on="2019-01-01", late_reason="补录")),
                  422, "registration")
    assert old["errors"][0]["field"] == "included_on"
    problem(inspection_client.post("/inspection/credit-lists/abnormal/entries", headers=INSPECTOR,
                                   json=_inclusion(uscc, included_on="2026-03-03")), 422, "future")
    problem(inspection_client.post("/inspection/penalties", headers=INSPECTOR,
                                   json=_warning(uscc, effective_on="2026-02-24", late_reason="补录")), 422)
    assert snapshot(inspection) == before


def test_a_late_entry_needs_its_reason_and_is_flagged_for_the_approver__R8_1_2(
        inspection: InspectionContainer, inspection_client: TestClient) -> None:
    """R8.1.2 (L60): entered within 5 working days of the facts; a later entry says why and is flagged late;
    the act records its effective date and the instants it was proposed and approved."""
    (uscc,) = register(inspection, [org_facts(6)])
    on_time = inspection_client.post("/inspection/credit-lists/abnormal/entries", headers=INSPECTOR,
                                     json=_inclusion(uscc, included_on="2026-02-23"))  # 5 working days before today
    assert on_time.status_code == 202 and on_time.json()["late"] is False, on_time.text
    inspection_client.post(f"{on_time.headers['Location']}/withdrawal", headers=INSPECTOR)
    missing = problem(inspection_client.post("/inspection/credit-lists/abnormal/entries", headers=INSPECTOR,
                                             json=_inclusion(uscc, included_on="2026-02-20")), 422, "R8.1.2")
    assert missing["errors"][0]["field"] == "late_reason"
    late = inspection_client.post("/inspection/credit-lists/abnormal/entries", headers=INSPECTOR,
                                  json=_inclusion(uscc, included_on="2026-02-20", late_reason="核查结论2月底才送达"))
    assert late.json()["late"] is True and late.json()["late_reason"] == "核查结论2月底才送达"
    assert credit_events(inspection) == []
    decided = approve_proposal(inspection_client, late)
    assert decided["proposed_at"] < decided["decided_at"] or decided["proposed_at"] == decided["decided_at"]
    entry = inspection_client.get(f"/inspection/credit/entries/{decided['result_id']}", headers=INSPECTOR).json()
    assert entry["included_on"] == "2026-02-20" and entry["recorded_at"]
    assert [e["type"] for e in credit_events(inspection)].count("credit.entry.added") == 1


def test_an_approval_checks_the_rules_again__issue12(inspection: InspectionContainer,
                                                     inspection_client: TestClient) -> None:
    """A proposal whose organization closed meanwhile cannot take effect: 409, it stays open for rejection."""
    from tests.fixtures.inspection import deliver, registry_event

    (uscc,) = register(inspection, [org_facts(7)])
    proposed = inspection_client.post("/inspection/penalties", json=_warning(uscc), headers=INSPECTOR)
    deliver(inspection, [registry_event("registry.organization.deregistered", uscc, {
        "uscc": uscc, "deregistered_on": "2026-03-02", "liquidation_report": "清算完毕", "decided_by": "registrar1"})])
    problem(inspection_client.post(f"{proposed.headers['Location']}/approval", headers=APPROVER), 409, "R2.3/R2.4")
    state = inspection_client.get(proposed.headers["Location"], headers=APPROVER).json()["state"]
    assert state == "proposed" and _penalties(inspection_client) == 0


def test_the_sanction_queue_is_staff_only__issue12(inspection: InspectionContainer,
                                                  inspection_client: TestClient) -> None:
    (uscc,) = register(inspection, [org_facts(8)])
    proposed = inspection_client.post("/inspection/penalties", json=_warning(uscc), headers=INSPECTOR)
    for who in (None, bearer("org", "o8", uscc), bearer("admin"), bearer("auditor")):
        answer = inspection_client.get("/inspection/sanctions", headers=who or {})
        assert answer.status_code in (401, 403), answer.text
        assert inspection_client.get(proposed.headers["Location"], headers=who or {}).status_code in (401, 403)
    listed = inspection_client.get("/inspection/sanctions?state=proposed", headers=APPROVER).json()
    assert [p["id"] for p in listed["items"]] == [proposed.json()["id"]]
