"""Evaluation ratings through HTTP and events (api.md; domain-rules §9, L39), on SQLite and PostgreSQL:
award, eligibility, exclusions, one rating per validity period, expiry (daily job on the injectable
clock) and downgrades on penalty events and failed annual inspections."""
from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from services.registry.entrypoints.consumers import build_consumers
from services.registry.service_layer import ratings
from shared.clock import FixedClock
from shared.events.envelope import new_envelope
from socreg.app import Platform
from tests.registry.reports.support import (Headers, events, group, org_token, organizations, problem, report_body,
                                            report_path, snapshot)

BODY = "厦门市社会组织评估委员会"


def rating(grade: str = "4A", on: str = "2026-06-01", score: str = "86.5") -> dict[str, Any]:
    return {"grade": grade, "score": score, "awarded_on": on, "evaluating_body": BODY}


def filed(client: TestClient, registrar: Headers, uscc: str, *years: int, conclusion: str | None = None) -> None:
    for year in years:
        assert client.post(report_path(uscc, year, "/submit"), json=report_body(), headers=org_token(uscc)).status_code == 200
        review = {"decision": "accept", **({"conclusion": conclusion} if conclusion else {})}
        assert client.post(report_path(uscc, year, "/review"), json=review, headers=registrar).status_code == 200


def consume(platform: Platform) -> None:
    [runner] = build_consumers(platform.registry)
    try:
        while runner.run_once(timeout=0.3):
            pass
    finally:
        runner.close()


def publish(platform: Platform, clock: FixedClock, type_: str, uscc: str, data: dict[str, Any]) -> None:
    platform.bus.publish([new_envelope(type_, source="/socreg/inspection", subject=uscc, data=data, time=clock.now())])


def penalty(uscc: str, penalty_id: str, on: str, kind: str = "warning") -> dict[str, Any]:
    return {"uscc": uscc, "penalty_id": penalty_id, "kind": kind, "legal_basis": "《社会团体登记管理条例》第三十条",
            "effective_on": on}


def test_award_valid_five_years_then_expired_by_the_daily_job__R9_4_L39_art_28(
        client: TestClient, registrar: Headers, inspector: Headers, platform: Platform, clock: FixedClock) -> None:
    [uscc] = organizations(platform, group())
    filed(client, registrar, uscc, 2024, 2025)
    answer = client.post(f"/registry/organizations/{uscc}/ratings", json=rating(), headers=registrar)
    assert answer.status_code == 201, answer.text
    made = answer.json()
    assert (made["grade"], made["score"], made["awarded_on"], made["expires_on"], made["status"]) == (
        "4A", "86.50", "2026-06-01", "2031-06-01", "valid")
    [event] = events(platform, "registry.rating.awarded")
    assert event["data"] == {"uscc": uscc, "rating_id": made["id"], "grade": "4A", "score": "86.50",
                             "awarded_on": "2026-06-01", "expires_on": "2031-06-01", "evaluating_body": BODY,
                             "awarded_by": "registrar1"}
    for who in (registrar, inspector, org_token(uscc)):
        listing = client.get(f"/registry/organizations/{uscc}/ratings", headers=who).json()
        assert listing["current"]["grade"] == "4A" and len(listing["items"]) == 1

    # a second rating within the validity period: 409 naming the rule, nothing stored
    before = snapshot(platform)
    clock.set(date(2031, 5, 31))
    body = problem(client.post(f"/registry/organizations/{uscc}/ratings", json=rating("5A", "2031-05-31"),
                               headers=registrar), 409, "rule-violation", rule="L39 art. 28")
    assert "2031-06-01" in body["detail"]
    assert ratings.sweep_expired(platform.registry.uow) == 0
    assert snapshot(platform) == before

    clock.set(date(2031, 6, 1))  # the expiry job, twice (a retried occurrence): one event
    assert ratings.sweep_expired(platform.registry.uow) == 1
    assert ratings.sweep_expired(platform.registry.uow) == 0
    [expired] = events(platform, "registry.rating.expired")
    assert expired["data"] == {"uscc": uscc, "rating_id": made["id"], "grade": "4A", "awarded_on": "2026-06-01",
                               "expired_on": "2031-06-01"}
    listing = client.get(f"/registry/organizations/{uscc}/ratings", headers=registrar).json()
    assert listing["current"] is None and listing["items"][0]["status"] == "expired"


def test_first_rating_needs_two_full_years_registered__R9_2_L39_art_6(
        client: TestClient, registrar: Headers, platform: Platform, clock: FixedClock) -> None:
    [young] = organizations(platform, group(established_on="2024-03-01"))
    filed(client, registrar, young, 2024, 2025)
    before = snapshot(platform)
    problem(client.post(f"/registry/organizations/{young}/ratings", json=rating(), headers=registrar), 409,
            "rule-violation", rule="L39 art. 6")
    assert snapshot(platform) == before
    clock.set(date(2027, 1, 5))  # 2025 and 2026 complete
    answer = client.post(f"/registry/organizations/{young}/ratings", json=rating(on="2027-01-05"), headers=registrar)
    assert answer.status_code == 201, answer.text


def test_exclusions_report_record_penalty_credit_list__R9_3_L39_art_7(
        client: TestClient, registrar: Headers, platform: Platform, clock: FixedClock) -> None:
    """Not evaluated (不予评估, 409): the last report due missing or returned; a penalty in the previous
    year (known from inspection.penalty.imposed); on the abnormal list (credit.status.changed)."""
    missing, returned, punished, listed, clean = organizations(platform, *(group() for _ in range(5)))
    filed(client, registrar, returned, 2024)
    for uscc in (punished, listed, clean):
        filed(client, registrar, uscc, 2024, 2025)
    assert client.post(report_path(returned, 2025, "/submit"), json=report_body(),
                       headers=org_token(returned)).status_code == 200
    assert client.post(report_path(returned, 2025, "/review"), json={"decision": "return", "reasons": ["x"]},
                       headers=registrar).status_code == 200
    publish(platform, clock, "inspection.penalty.imposed", punished, penalty(punished, "P-2025-9", "2025-09-01"))
    publish(platform, clock, "credit.status.changed", listed, {"uscc": listed, "lists": ["abnormal"],
                                                               "changed_on": "2026-03-01"})
    consume(platform)
    before = snapshot(platform)
    for uscc, why in ((missing, "未履行上年度年度工作报告义务"), (returned, "returned"), (punished, "2025-09-01"),
                      (listed, "abnormal")):
        body = problem(client.post(f"/registry/organizations/{uscc}/ratings", json=rating(), headers=registrar), 409,
                       "rule-violation", rule="L39 art. 7")
        assert why in body["detail"] + body["rule"], body
    assert snapshot(platform) == before
    assert client.post(f"/registry/organizations/{clean}/ratings", json=rating(), headers=registrar).status_code == 201


def test_a_penalty_event_lowers_the_grade_by_one_once__R9_6_L39_art_30(
        client: TestClient, registrar: Headers, platform: Platform, clock: FixedClock) -> None:
    """inspection.penalty.imposed: the valid grade goes one down with registry.rating.downgraded;
    the same penalty delivered again (another event id) changes nothing; a penalty that took effect
    before the award does not reach it."""
    rated, unrated = organizations(platform, group(), group())
    filed(client, registrar, rated, 2024, 2025)
    made = client.post(f"/registry/organizations/{rated}/ratings", json=rating("4A"), headers=registrar).json()
    clock.set(date(2026, 8, 1))
    publish(platform, clock, "inspection.penalty.imposed", rated, penalty(rated, "P-1", "2026-07-30"))
    publish(platform, clock, "inspection.penalty.imposed", rated, penalty(rated, "P-1", "2026-07-30"))
    publish(platform, clock, "inspection.penalty.imposed", rated, penalty(rated, "P-0", "2026-05-01"))
    publish(platform, clock, "inspection.penalty.imposed", unrated, penalty(unrated, "P-2", "2026-07-30"))
    consume(platform)
    [event] = events(platform, "registry.rating.downgraded")
    assert event["data"] == {"uscc": rated, "rating_id": made["id"], "awarded_on": "2026-06-01",
                             "expires_on": "2031-06-01", "from_grade": "4A", "to_grade": "3A", "on": "2026-08-01",
                             "reason": "2026-07-30 受到行政处罚（警告）", "legal_basis": "L39 art. 30 (降级); R9.6",
                             "trigger": "penalty P-1"}
    listing = client.get(f"/registry/organizations/{rated}/ratings", headers=registrar).json()
    assert (listing["current"]["grade"], listing["current"]["original_grade"]) == ("3A", "4A")
    assert [c["trigger"] for c in listing["current"]["changes"]] == ["penalty P-1"]


def test_a_failed_annual_inspection_lowers_the_grade__R9_6_L39_art_30(
        client: TestClient, registrar: Headers, platform: Platform, clock: FixedClock) -> None:
    """不合格, or 基本合格 two years running, in the annual inspection of a rated organization: one down."""
    [uscc] = organizations(platform, group())
    filed(client, registrar, uscc, 2024, conclusion="basically_qualified")
    filed(client, registrar, uscc, 2025, conclusion="qualified")
    client.post(f"/registry/organizations/{uscc}/ratings", json=rating("1A"), headers=registrar)
    clock.set(date(2027, 4, 1))
    filed(client, registrar, uscc, 2026, conclusion="unqualified")
    [event] = events(platform, "registry.rating.downgraded")
    assert (event["data"]["from_grade"], event["data"]["to_grade"]) == ("1A", None)  # nothing below 1A
    assert event["data"]["trigger"] == "annual report 2026"
    listing = client.get(f"/registry/organizations/{uscc}/ratings", headers=registrar).json()
    assert listing["current"] is None and listing["items"][0]["status"] == "cancelled"


def test_ratings_bad_input_and_roles__api_errors(
        client: TestClient, registrar: Headers, inspector: Headers, platform: Platform) -> None:
    uscc, other = organizations(platform, group(), group())
    filed(client, registrar, uscc, 2024, 2025)
    before = snapshot(platform)
    path = f"/registry/organizations/{uscc}/ratings"
    for bad, field in (({**rating(), "grade": "6A"}, "grade"), ({**rating(), "score": "1000.01"}, "score"),
                       ({**rating(), "score": "-1"}, "score"), ({**rating(), "awarded_on": "soon"}, "awarded_on"),
                       ({**rating(), "evaluating_body": ""}, "evaluating_body"),
                       ({**rating(), "evaluating_body": "x\x00"}, "evaluating_body"),
                       ({**rating(), "extra": 1}, "extra")):
        problem(client.post(path, json=bad, headers=registrar), 422, "invalid-input", fields={field})
    problem(client.post(path, json=rating(on="2026-06-02"), headers=registrar), 422, "invalid-input",
            fields={"awarded_on"})
    problem(client.post(path, json=rating(), headers=inspector), 403, "forbidden")
    problem(client.post(path, json=rating(), headers=org_token(uscc)), 403, "forbidden")
    problem(client.post(path, json=rating()), 401, "unauthorized")
    problem(client.post("/registry/organizations/51350200MJ00999999/ratings", json=rating(), headers=registrar),
            404, "not-found")
    problem(client.get(path, headers=org_token(other)), 403, "forbidden")
    assert snapshot(platform) == before
