"""The credit-list API (api.md) on SQLite and PostgreSQL: the whole story end to end through HTTP with
the events seen by the search consumer; manual inclusion and removal; objections; bad input and rules."""
from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from services.inspection.bootstrap import InspectionContainer
from services.inspection.entrypoints.jobs import JOBS
from services.search import bootstrap as search_bootstrap
from services.search.adapters.orm import list_entries
from services.search.entrypoints.consumers import build_consumers as search_consumers
from shared.clock import FixedClock
from tests.fixtures.inspection import approve_proposal, bearer, org_facts, register
from tests.inspection.credit.support import credit_events, deliver, entries_as_of, overdue, submitted, warning
from tests.inspection.integration.support import INSPECTOR, problem, snapshot

REGISTRAR = bearer("registrar")


def test_the_whole_story_through_http_seen_by_search(tmp_path: Any, inspection: InspectionContainer,
                                                     inspection_clock: FixedClock,
                                                     inspection_client: TestClient) -> None:
    """Misses its 2023 report -> abnormal on 2024-06-01 -> serious on 2026-06-01 -> files, waits the 2 years
    of R8.4.3, applies -> the registrar approves -> removed; search projects every step."""
    (uscc,) = register(inspection, [org_facts(31)])
    org = bearer("org", "org31", uscc)
    inspection_clock.set(date(2024, 6, 3))
    deliver(inspection, [overdue(uscc, 2023, date(2024, 5, 31), date(2024, 6, 3))])
    record = inspection_client.get(f"/inspection/credit/organizations/{uscc}").json()
    assert record["lists"] == ["abnormal"] and record["entries"][0]["included_on"] == "2024-06-01"
    assert record["timeline"][0] == {"on": "2026-06-01", "step": "escalate_to_serious", "list": "abnormal",
                                     "legal_basis": record["timeline"][0]["legal_basis"],
                                     "description_zh": "列入活动异常名录满2年，移入严重违法失信名单"}
    assert "decided_by" not in str(record) and "source_event_id" not in str(record)  # public: no people
    problem(inspection_client.post(f"/inspection/credit/organizations/{uscc}/removal-applications", headers=org,
                                   json={"list": "abnormal", "statement": "申请移出"}), 409, "R8.4.2")

    inspection_clock.set(date(2026, 6, 1))
    assert JOBS["credit_sweep"][0](inspection)() == 1
    assert inspection_client.get(f"/inspection/credit/organizations/{uscc}").json()["lists"] == ["serious"]
    inspection_clock.set(date(2026, 7, 1))
    deliver(inspection, [submitted(uscc, 2023, date(2026, 7, 1), date(2024, 5, 31))])  # corrects: files the report
    early = problem(inspection_client.post(f"/inspection/credit/organizations/{uscc}/removal-applications",
                                           headers=org, json={"list": "serious", "statement": "已补报"}), 409, "R8.4.3")
    assert "2028-06-01" in early["detail"]

    inspection_clock.set(date(2028, 6, 1))
    applied = inspection_client.post(f"/inspection/credit/organizations/{uscc}/removal-applications", headers=org,
                                     json={"list": "serious", "statement": "已补报2023年度工作报告，两年内无新的失信行为"})
    assert applied.status_code == 201, applied.text
    queue = inspection_client.get("/inspection/credit/applications?state=submitted", headers=REGISTRAR).json()
    assert [a["id"] for a in queue["items"]] == [applied.json()["id"]] and queue["items"][0]["decide_by"] == "2028-06-08"
    proposed = inspection_client.post(f"/inspection/credit/applications/{applied.json()['id']}/decision",
                                      headers=REGISTRAR, json={"decision": "approve", "reason": "经核实，符合移出条件"})
    assert inspection_client.get(f"/inspection/credit/organizations/{uscc}").json()["lists"] == ["serious"]
    approve_proposal(inspection_client, proposed)  # issue 12: a second person approves the removal
    record = inspection_client.get(f"/inspection/credit/organizations/{uscc}").json()
    assert record["lists"] == [] and [(h["list"], h["removed_on"]) for h in record["history"]] == [
        ("abnormal", "2026-06-01"), ("serious", "2028-06-01")]
    assert entries_as_of(inspection_client, INSPECTOR, "serious", "2027-01-01")[0]["uscc"] == uscc

    search = search_bootstrap.bootstrap(inspection.settings, clock=inspection_clock, bus=inspection.bus)
    try:
        inspection.relay.drain()
        runner = search_consumers(search)[0]
        while runner.run_once(timeout=0.05):
            pass
        runner.close()
        with search.db.read_engine.connect() as conn:
            seen = conn.execute(select(list_entries.c.list, list_entries.c.added_on, list_entries.c.removed_on)
                                .where(list_entries.c.uscc == uscc, list_entries.c.source == "entry")
                                .order_by(list_entries.c.added_on)).all()
        assert [tuple(r) for r in seen] == [("abnormal", date(2024, 6, 1), date(2026, 6, 1)),
                                            ("serious", date(2026, 6, 1), date(2028, 6, 1))]
    finally:
        search.close()


def test_manual_inclusion_and_removal_with_reason_and_legal_basis(inspection: InspectionContainer,
                                                                 inspection_client: TestClient) -> None:
    (uscc,) = register(inspection, [org_facts(41)])
    body = {"uscc": uscc, "trigger": "no_party_organization", "legal_basis": "L60 活动异常名录情形（二）",
            "reason": "经核查未按规定建立党组织", "included_on": "2026-02-24"}
    made = inspection_client.post("/inspection/credit-lists/abnormal/entries", json=body, headers=INSPECTOR)
    assert credit_events(inspection) == []  # proposed: nothing listed, no event before the approval
    entry = inspection_client.get(f"/inspection/credit/entries/{approve_proposal(inspection_client, made)['result_id']}",
                                  headers=INSPECTOR).json()
    assert (entry["decided_by"], entry["included_on"], entry["trigger_zh"]) == ("inspector1", "2026-02-24",
                                                                                  "未按规定设立党组织")
    assert entry["audit"][0]["action"] == "added"
    proposed = inspection_client.post(f"/inspection/credit-lists/abnormal/entries/{entry['id']}/removal",
                                      headers=INSPECTOR, json={"reason": "已建立党支部", "legal_basis": "L60 第十一条"})
    approve_proposal(inspection_client, proposed)
    removed = inspection_client.get(f"/inspection/credit/entries/{entry['id']}", headers=INSPECTOR)
    assert (removed.json()["removed_on"], removed.json()["removed_by"]) == ("2026-03-02", "inspector1")
    assert [a["action"] for a in removed.json()["audit"]] == ["added", "removed"]
    problem(inspection_client.post(f"/inspection/credit-lists/abnormal/entries/{entry['id']}/removal",
                                   headers=INSPECTOR, json={"reason": "x", "legal_basis": "y"}), 409)
    types = [e["type"] for e in credit_events(inspection)]
    assert types.count("credit.entry.added") == 1 and types.count("credit.entry.removed") == 1


def test_objection_upheld_voids_the_entry(inspection: InspectionContainer, inspection_client: TestClient) -> None:
    (uscc,) = register(inspection, [org_facts(51)])
    deliver(inspection, [warning(uscc, "PE-51", date(2026, 1, 5))])
    entry_id = entries_as_of(inspection_client, INSPECTOR, "abnormal", "2026-03-02")[0]["id"]
    org = bearer("org", "org51", uscc)
    made = inspection_client.post(f"/inspection/credit/organizations/{uscc}/objections", headers=org,
                                  json={"entry_id": entry_id, "statement": "该处罚已被复议撤销，附复议决定书"})
    assert made.status_code == 201, made.text
    path = f"/inspection/credit/applications/{made.json()['id']}/decision"
    problem(inspection_client.post(path, headers=INSPECTOR, json={"decision": "approve", "reason": "x",
                                                                  "kind": "removal"}), 409, "credit.application.kind")
    approve_proposal(inspection_client, inspection_client.post(
        path, headers=INSPECTOR, json={"decision": "approve", "reason": "复议决定撤销原处罚", "kind": "objection"}))
    assert entries_as_of(inspection_client, INSPECTOR, "abnormal", "2026-02-01") == []
    assert inspection_client.get(f"/inspection/credit/organizations/{uscc}").json()["history"] == []
    problem(inspection_client.post(path, headers=INSPECTOR, json={"decision": "reject", "reason": "x"}), 409,
            "credit.application.decided_once")


def test_bad_input_and_forbidden_actions_change_nothing(inspection: InspectionContainer,
                                                       inspection_client: TestClient) -> None:
    (uscc,) = register(inspection, [org_facts(61)])
    before = snapshot(inspection)
    base = {"uscc": uscc, "trigger": "uncontactable", "legal_basis": "L60", "reason": "两次信函未签收"}
    post = inspection_client.post
    problem(post("/inspection/credit-lists/red/entries", json=base, headers=INSPECTOR), 409, "R8.5.3")
    problem(post("/inspection/credit-lists/serious/entries", json=base, headers=INSPECTOR), 422)  # not a serious case
    problem(post("/inspection/credit-lists/abnormal/entries", json={**base, "included_on": "2027-01-01"},
                 headers=INSPECTOR), 422)
    problem(post("/inspection/credit-lists/abnormal/entries", json={**base, "uscc": "91350200MA0000000X"},
                 headers=INSPECTOR), 404)
    problem(post("/inspection/credit-lists/abnormal/entries", json={**base, "reason": "x" * 10_000},
                 headers=INSPECTOR), 422)
    problem(post("/inspection/credit-lists/abnormal/entries", json=base, headers=bearer("org", "o", uscc)), 403)
    problem(post("/inspection/credit-lists/abnormal/entries", json=base), 401)
    problem(post("/inspection/credit-lists/grey/entries", json=base, headers=INSPECTOR), 422)
    problem(post(f"/inspection/credit/organizations/{uscc}/removal-applications",
                 headers=bearer("org", "other", "51350200MJ0000001X"), json={"list": "abnormal", "statement": "x"}), 403)
    problem(post(f"/inspection/credit/organizations/{uscc}/removal-applications", headers=bearer("org", "o", uscc),
                 json={"list": "abnormal", "statement": "x"}), 409, "credit.abnormal.not_listed")
    problem(inspection_client.get("/inspection/credit-lists/abnormal?as_of=2026-13-01", headers=INSPECTOR), 422)
    problem(inspection_client.get("/inspection/credit-lists/abnormal"), 401)
    problem(inspection_client.get("/inspection/credit/organizations/91350200MA0000000X"), 404)
    problem(inspection_client.get("/inspection/credit/organizations/<script>"), 422)
    assert snapshot(inspection) == before
    assert inspection_client.get("/inspection/credit/policy").json()["parameters"]["auto_removal_months"] == 6
