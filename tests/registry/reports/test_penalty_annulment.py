"""Issue 13 item 3 at the registry, through its consumer and HTTP, on SQLite and PostgreSQL: a penalty decision
voided as an error by an upheld objection (inspection.penalty.annulled, R8.4.4 L60) counts no more for the
penalty windows of charity recognition (R10.1.2) and the rating exclusions (R9.3), and the grade it lowered
(R9.6, L39 art. 30) goes back up by the step it took (registry.rating.restored); once, whatever the order."""
from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from shared.clock import FixedClock
from socreg.app import Platform
from tests.registry.reports.support import Headers, events, group, organizations, problem
from tests.registry.reports.test_ratings_api import consume, filed, penalty, publish, rating

ORGS = "/registry/organizations"


def annulled(uscc: str, penalty_id: str, effective_on: str, on: str = "2026-09-01") -> dict[str, Any]:
    return {"uscc": uscc, "penalty_id": penalty_id, "kind": "warning", "effective_on": effective_on,
            "annulled_on": on, "reason": "复议决定撤销原处罚", "legal_basis": "R8.4.4 L60", "application_id": "CA-1"}


def grade_of(client: TestClient, registrar: Headers, uscc: str) -> str | None:
    current = client.get(f"{ORGS}/{uscc}/ratings", headers=registrar).json()["current"]
    return current and current["grade"]


def test_R8_4_4_an_annulled_penalty_gives_back_the_grade_it_lowered__R9_6_L39_art_30(
        client: TestClient, registrar: Headers, platform: Platform, clock: FixedClock) -> None:
    [uscc] = organizations(platform, group(category="charity"))
    filed(client, registrar, uscc, 2024, 2025)
    made = client.post(f"{ORGS}/{uscc}/ratings", json=rating("4A"), headers=registrar).json()
    clock.set(date(2026, 8, 1))
    publish(platform, clock, "inspection.penalty.imposed", uscc, penalty(uscc, "PE-1", "2026-07-20"))
    consume(platform)
    assert grade_of(client, registrar, uscc) == "3A"
    problem(client.post(f"{ORGS}/{uscc}/charity-recognition", headers=registrar), 409, "rule-violation",
            rule="R10.1.2")  # penalized within the 2 years before applying
    clock.set(date(2026, 9, 1))
    for _ in range(2):  # a redelivery changes nothing more
        publish(platform, clock, "inspection.penalty.annulled", uscc, annulled(uscc, "PE-1", "2026-07-20"))
    consume(platform)
    assert grade_of(client, registrar, uscc) == "4A"
    [restored] = events(platform, "registry.rating.restored")
    assert restored["data"] == {
        "uscc": uscc, "rating_id": made["id"], "awarded_on": "2026-06-01", "expires_on": "2031-06-01",
        "from_grade": "3A", "to_grade": "4A", "on": "2026-09-01",
        "reason": "2026-07-20 的行政处罚已因异议成立被撤销（复议决定撤销原处罚），恢复因该处罚降低的等级",
        "legal_basis": "R8.4.4 L60 (异议成立: the registrar corrects a confirmed error); L39 art. 30, R9.6",
        "trigger": "penalty PE-1 annulled"}
    answer = client.post(f"{ORGS}/{uscc}/charity-recognition", headers=registrar)  # the window no longer holds it
    assert answer.status_code == 200 and answer.json()["charity"] is True, answer.text


def test_R8_4_4_a_penalty_annulled_before_its_own_event_arrives_lowers_nothing(
        client: TestClient, registrar: Headers, platform: Platform, clock: FixedClock) -> None:
    [uscc] = organizations(platform, group())
    filed(client, registrar, uscc, 2024, 2025)
    client.post(f"{ORGS}/{uscc}/ratings", json=rating("3A"), headers=registrar)
    clock.set(date(2026, 9, 1))
    publish(platform, clock, "inspection.penalty.annulled", uscc, annulled(uscc, "PE-2", "2026-07-20"))
    publish(platform, clock, "inspection.penalty.imposed", uscc, penalty(uscc, "PE-2", "2026-07-20"))
    consume(platform)
    assert grade_of(client, registrar, uscc) == "3A"
    assert events(platform, "registry.rating.downgraded") == events(platform, "registry.rating.restored") == []
