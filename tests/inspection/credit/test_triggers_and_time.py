"""Triggers arrive as events and list at the dates they carry; the daily sweep escalates and removes on
the injectable clock; redelivered and reordered events change nothing (SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from services.inspection.bootstrap import InspectionContainer
from services.inspection.entrypoints.jobs import JOBS
from shared.clock import FixedClock
from tests.fixtures.inspection import org_facts, register
from tests.inspection.credit.support import (credit_events, deliver, entries_as_of, event, overdue, rating,
                                             submitted, warning)
from tests.inspection.integration.support import INSPECTOR


def sweep(container: InspectionContainer) -> int:
    return int(JOBS["credit_sweep"][0](container)())


def test_each_trigger_event_lists_at_its_own_date_naming_its_article(
        inspection: InspectionContainer, inspection_client: TestClient) -> None:
    a, b, c, d, e = register(inspection, [org_facts(n) for n in range(1, 6)])
    deliver(inspection, [
        overdue(a, 2024, date(2025, 5, 31), detected=date(2026, 1, 5)),  # R8.2 #1, listed on 2025-06-01
        event("inspection.rectification.overdue", b, rectification_id="RC-1", number="厦民社整〔2025〕0001号",
              deadline=date(2025, 9, 30), detected_on=date(2025, 10, 6)),  # R8.2 #3
        event("inspection.finding.uncontactable", c, task_id="TK-1", found_on=date(2025, 11, 3),
              first_letter_on=date(2025, 9, 1), second_letter_on=date(2025, 10, 8), legal_basis="L60"),  # R8.2 #6
        warning(d, "PE-1", date(2025, 12, 1), "fine", "80000"),  # R8.3 #4
        event("registry.organization.revoked", e, revoked_on=date(2026, 1, 20), legal_basis="SHT art. 30",
              decided_by="registrar1"),  # R8.3 #7
    ])
    abnormal = {x["uscc"]: x for x in entries_as_of(inspection_client, INSPECTOR, "abnormal", "2026-03-02")}
    serious = {x["uscc"]: x for x in entries_as_of(inspection_client, INSPECTOR, "serious", "2026-03-02")}
    assert {u: (x["trigger"], x["included_on"]) for u, x in abnormal.items()} == {
        a: ("annual_report_overdue", "2025-06-01"), b: ("rectification_overdue", "2025-10-01"),
        c: ("uncontactable", "2025-11-03")}
    assert {u: (x["trigger"], x["included_on"]) for u, x in serious.items()} == {
        d: ("large_fine", "2025-12-01"), e: ("revoked", "2026-01-20")}
    assert "活动异常名录情形" in abnormal[a]["legal_basis"] and "5万元以上" in serious[d]["legal_basis"]
    assert abnormal[a]["source_event_id"] and abnormal[a]["decided_by"] == "system"
    assert entries_as_of(inspection_client, INSPECTOR, "abnormal", "2025-05-31") == []  # as of the deadline: not yet
    added = [x["data"] for x in credit_events(inspection) if x["type"] == "credit.entry.added"]
    assert sorted((x["uscc"], x["list"], x["on"]) for x in added) == sorted(
        [(a, "abnormal", "2025-06-01"), (b, "abnormal", "2025-10-01"), (c, "abnormal", "2025-11-03"),
         (d, "serious", "2025-12-01"), (e, "serious", "2026-01-20")])
    status = [x["data"] for x in credit_events(inspection) if x["type"] == "credit.status.changed"]
    assert {x["uscc"]: x["lists"] for x in status} == {a: ["abnormal"], b: ["abnormal"], c: ["abnormal"],
                                                      d: ["serious"], e: ["serious"]}
    assert status[0]["timeline"][0]["step"] == "escalate_to_serious"  # a: 2027-06-01


def test_the_sweep_escalates_and_removes_on_their_due_dates(inspection: InspectionContainer,
                                                           inspection_clock: FixedClock,
                                                           inspection_client: TestClient) -> None:
    a, b = register(inspection, [org_facts(n) for n in (11, 12)])
    deliver(inspection, [overdue(a, 2024, date(2025, 5, 31), date(2025, 6, 2)), warning(b, "PE-9", date(2026, 3, 2))])
    assert sweep(inspection) == 0  # nothing due yet
    inspection_clock.set(date(2027, 8, 15))  # the scheduler was down for months: each step on its own date
    assert sweep(inspection) == 2
    assert sweep(inspection) == 0  # idempotent
    assert len(entries_as_of(inspection_client, INSPECTOR, "abnormal", "2026-09-01")) == 2
    removed = entries_as_of(inspection_client, INSPECTOR, "abnormal", "2026-09-02")
    assert [x["uscc"] for x in removed] == [a]  # b's warning left on 2026-09-02 (R8.4.2, 6 months)
    serious = entries_as_of(inspection_client, INSPECTOR, "serious", "2027-08-15")
    assert [(x["uscc"], x["trigger"], x["included_on"]) for x in serious] == [(a, "abnormal_two_years", "2027-06-01")]
    assert entries_as_of(inspection_client, INSPECTOR, "serious", "2027-05-31") == []
    kinds = [(x["type"], x["data"].get("on")) for x in credit_events(inspection) if x["subject"] == a]
    assert ("credit.entry.escalated", "2027-06-01") in kinds and ("credit.entry.removed", "2027-06-01") in kinds
    record = inspection_client.get(f"/inspection/credit/organizations/{a}").json()
    assert record["lists"] == ["serious"] and [h["list"] for h in record["history"]] == ["abnormal", "serious"]
    assert record["timeline"][0]["step"] == "eligible_for_removal" and record["timeline"][0]["list"] == "serious"


def _state(client: TestClient, uscc: str) -> list[Any]:
    record = client.get(f"/inspection/credit/organizations/{uscc}").json()
    return [(h["list"], h["trigger"], h["included_on"], h["removed_on"]) for h in record["history"]] + [
        record["lists"], [(t["on"], t["step"]) for t in record["timeline"]]]


def test_redelivered_and_reordered_events_change_nothing(inspection: InspectionContainer,
                                                        inspection_client: TestClient) -> None:
    in_order, reordered = register(inspection, [org_facts(n) for n in (21, 22)])

    def story(uscc: str) -> list[Any]:
        return [rating(uscc, 1, "4A", date(2021, 4, 1)), warning(uscc, f"{uscc}-P1", date(2023, 1, 10)),
                overdue(uscc, 2023, date(2024, 5, 31), date(2024, 6, 3)),
                submitted(uscc, 2023, date(2024, 7, 1), date(2024, 5, 31)),
                warning(uscc, f"{uscc}-P2", date(2024, 12, 1))]

    deliver(inspection, story(in_order))
    late_first = list(reversed(story(reordered)))
    deliver(inspection, late_first[:2])
    deliver(inspection, late_first[2:])
    assert _state(inspection_client, in_order) == _state(inspection_client, reordered)
    # the 2023 report was filed late but no removal applied for; P2 is a second warning within 3 years (R8.3 #5)
    assert _state(inspection_client, in_order)[-2] == ["abnormal", "serious"]
    for day in ("2021-05-01", "2023-03-01", "2024-06-01", "2024-12-01", "2026-03-02"):
        for lst in ("abnormal", "serious", "red"):
            assert [(x["trigger"], x["included_on"]) for x in
                    entries_as_of(inspection_client, INSPECTOR, lst, day, in_order)] == [
                (x["trigger"], x["included_on"]) for x in entries_as_of(inspection_client, INSPECTOR, lst, day, reordered)]
    corrected = [x["data"] for x in credit_events(inspection)
                 if x["subject"] == reordered and x["type"] == "credit.entry.removed" and "更正" in x["data"]["reason"]]
    assert [x["trigger"] for x in corrected] == ["minor_penalty"]  # P2 alone looked minor until P1 arrived
    before = (len(credit_events(inspection)), _state(inspection_client, reordered))
    deliver(inspection, late_first)  # the very same events again (redelivery)
    assert (len(credit_events(inspection)), _state(inspection_client, reordered)) == before
