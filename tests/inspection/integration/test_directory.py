"""The organization directory is the inspection service's own copy, kept from registry.* events by a
ConsumerRunner on "registry.organizations" (it never reads the registry's database); a redelivered
event changes nothing, a poison event is parked and the stream goes on. SQLite and PostgreSQL."""
from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from services.inspection.bootstrap import InspectionContainer
from shared.events.outbox import dead_letter_table
from tests.fixtures.inspection import deliver, org_facts, register, registry_event
from tests.inspection.integration.support import INSPECTOR, add_inspectors, draw, make_plan, rows


def entry(client: TestClient, uscc: str) -> dict[str, Any]:
    answer = client.get(f"/inspection/organizations/{uscc}", headers=INSPECTOR)
    assert answer.status_code == 200, answer.text
    return answer.json()


def changed(facts: dict[str, Any], **new: Any) -> Any:
    organization = {**facts, **new}
    changes = [{"field": k, "old": str(facts.get(k)), "new": str(v)} for k, v in new.items()]
    return registry_event("registry.organization.changed", facts["uscc"], {
        "uscc": facts["uscc"], "changed_on": "2026-03-01", "changed_by": "registrar1", "changes": changes,
        "organization": organization})


def test_registry_events_keep_the_directory(inspection: InspectionContainer, inspection_client: TestClient) -> None:
    a, b = org_facts(1), org_facts(2, level="district", org_type="social_service", category="community_service")
    register(inspection, [a, b])
    assert entry(inspection_client, a["uscc"])["name"] == a["name"]
    assert entry(inspection_client, b["uscc"])["district"] == "350203"
    deliver(inspection, [
        changed(a, name="厦门市更名后协会", domicile="厦门市湖里区新地址1号"),
        registry_event("registry.organization.charity_recognized", a["uscc"],
                       {"uscc": a["uscc"], "recognized_on": "2026-03-01", "decided_by": "registrar1"}),
        registry_event("registry.organization.fundraising_qualified", a["uscc"],
                       {"uscc": a["uscc"], "qualified_on": "2026-03-01", "decided_by": "registrar1"}),
        registry_event("credit.status.changed", a["uscc"],
                       {"uscc": a["uscc"], "lists": ["abnormal"], "changed_on": "2026-03-01"}),
        registry_event("registry.organization.deregistered", b["uscc"], {
            "uscc": b["uscc"], "deregistered_on": "2026-03-01", "liquidation_report": "清算报告", "decided_by": "r"}),
    ])
    got = entry(inspection_client, a["uscc"])
    assert (got["name"], got["domicile"]) == ("厦门市更名后协会", "厦门市湖里区新地址1号")
    assert got["charity"] and got["fundraising_qualified"] and got["credit_lists"] == "abnormal"
    closed = entry(inspection_client, b["uscc"])
    assert (closed["status"], closed["ended_on"]) == ("deregistered", "2026-03-01")


def test_a_redelivered_event_changes_nothing(inspection: InspectionContainer, inspection_client: TestClient) -> None:
    a = org_facts(3)
    register(inspection, [a])
    first = changed(a, name="厦门市第一次更名协会")
    deliver(inspection, [first, changed(a, name="厦门市第二次更名协会")])
    assert deliver(inspection, [first]) == 1  # read again (at least once), applied never twice
    assert entry(inspection_client, a["uscc"])["name"] == "厦门市第二次更名协会"


def test_a_poison_event_is_parked_and_the_stream_goes_on(inspection: InspectionContainer,
                                                         inspection_client: TestClient) -> None:
    good = org_facts(4)
    inspection.bus.publish_raw("registry.organizations", "x", b"{not json")
    bad = registry_event("registry.organization.registered", good["uscc"], {**good, "name": "厦门市毒丸协会"})
    object.__setattr__(bad, "data", {**bad.data, "type": "spaceship"})  # passes nowhere but the bus
    deliver(inspection, [bad, registry_event("registry.organization.registered", good["uscc"], good)])
    assert rows(inspection, dead_letter_table) == 2
    assert entry(inspection_client, good["uscc"])["name"] == good["name"]


def test_deregistered_and_revoked_organizations_are_never_drawn(inspection: InspectionContainer,
                                                                inspection_client: TestClient) -> None:
    """R2.3/R2.4: a closed organization is out of every frame, even a 100% one."""
    facts = [org_facts(n) for n in range(10, 20)]
    register(inspection, facts)
    deliver(inspection, [
        registry_event("registry.organization.deregistered", facts[0]["uscc"], {
            "uscc": facts[0]["uscc"], "deregistered_on": "2026-02-01", "liquidation_report": "r", "decided_by": "r"}),
        registry_event("registry.organization.revoked", facts[1]["uscc"], {
            "uscc": facts[1]["uscc"], "revoked_on": "2026-02-01", "legal_basis": "SHT art. 30", "decided_by": "r"})])
    add_inspectors(inspection_client, 2)
    plan = make_plan(inspection_client, kind="unscheduled", title="全覆盖专项检查", ratio=100)
    drawn = draw(inspection_client, plan["id"])
    picked = {t["uscc"] for t in drawn["targets"]}
    assert picked == {f["uscc"] for f in facts[2:]} and drawn["frame_size"] == 8


def test_risk_signals_and_grades_come_from_registry_events_and_scope_a_plan(
        inspection: InspectionContainer, inspection_client: TestClient) -> None:
    """Scope filters on data kept from events: late annual reports (R8.2 trigger 1) and grades (L39)."""
    facts = [org_facts(n) for n in range(30, 40)]
    usccs = register(inspection, facts)
    late, rated, cured = usccs[0], usccs[1], usccs[2]
    deliver(inspection, [
        registry_event("registry.annual_report.overdue", late, {
            "uscc": late, "year": 2025, "deadline": "2026-05-31", "detected_on": "2026-06-01"}),
        registry_event("registry.annual_report.overdue", cured, {
            "uscc": cured, "year": 2024, "deadline": "2025-05-31", "detected_on": "2025-06-01"}),
        registry_event("registry.annual_report.accepted", cured, {
            "uscc": cured, "year": 2025, "accepted_on": "2026-02-01", "accepted_by": "r",
            "first_submitted_on": "2026-01-20", "deadline": "2026-05-31", "late": False}),
        registry_event("registry.rating.awarded", rated, {
            "uscc": rated, "rating_id": 1, "grade": "4A", "score": "850", "awarded_on": "2025-12-01",
            "expires_on": "2030-11-30", "evaluating_body": "厦门市社会组织评估委员会", "awarded_by": "r"})])
    assert entry(inspection_client, late)["risk_signals"] == "late_annual_report"
    assert entry(inspection_client, cured)["risk_signals"] == ""
    assert entry(inspection_client, rated)["rating"] == "4A"
    add_inspectors(inspection_client, 2)
    risky = draw(inspection_client, make_plan(inspection_client, kind="unscheduled", title="年报逾期专项",
                                              scope={"risk_signals": ["late_annual_report"]}, ratio=100)["id"])
    assert [t["uscc"] for t in risky["targets"]] == [late]
    graded = draw(inspection_client, make_plan(inspection_client, kind="unscheduled", title="4A专项",
                                               scope={"ratings": ["4A", "5A"]}, ratio=100)["id"])
    assert [t["uscc"] for t in graded["targets"]] == [rated]
    deliver(inspection, [registry_event("registry.rating.expired", rated, {
        "uscc": rated, "rating_id": 1, "grade": "4A", "awarded_on": "2025-12-01", "expired_on": "2030-11-30"})])
    assert entry(inspection_client, rated)["rating"] is None
