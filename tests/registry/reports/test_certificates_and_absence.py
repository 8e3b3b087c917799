"""Issue 13 item 9 through HTTP and events, on SQLite and PostgreSQL: the certificate and plaque of a
3A+ grade (R9.1), recalled by a downgrade or cancellation, returned within 15 days (and exchanged for the
lowered grade's) or publicly declared void (R9.6, MCA notice 432); a report filed a day late is not
"did not take part in the annual inspection" unless the setting says so (R9.6, L39 art. 30)."""
from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from services.registry.domain.report_commands import DowngradeForSeriousList
from services.registry.domain.rating import RatingPolicy
from services.registry.service_layer import ratings, reports
from shared.clock import FixedClock
from socreg.app import Platform
from tests.registry.reports.support import (Headers, events, group, org_token, organizations, problem, report_body,
                                            report_path)
from tests.registry.reports.test_ratings_api import filed, rating

ORGS = "/registry/organizations"


def certs(client: TestClient, headers: Headers, uscc: str) -> list[dict[str, Any]]:
    answer = client.get(f"{ORGS}/{uscc}/rating-certificates", headers=headers)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


def rated(client: TestClient, registrar: Headers, platform: Platform, grade: str, n: int = 1,
          start: int = 1) -> list[str]:
    """Organizations that filed 2024 and 2025 and were awarded `grade` on 2026-06-01."""
    found = organizations(platform, *(group() for _ in range(n)), start=start)
    for uscc in found:
        filed(client, registrar, uscc, 2024, 2025)
        assert client.post(f"{ORGS}/{uscc}/ratings", json=rating(grade), headers=registrar).status_code == 201
    return found


def fail_inspection(client: TestClient, registrar: Headers, clock: FixedClock, uscc: str, on: date) -> None:
    """The 2026 annual inspection concludes 不合格 on `on`: one grade down (R9.6, L39 art. 30)."""
    clock.set(on)
    assert client.post(report_path(uscc, 2026, "/submit"), json=report_body(), headers=org_token(uscc)).status_code == 200
    answer = client.post(report_path(uscc, 2026, "/review"), json={"decision": "accept", "conclusion": "unqualified"},
                         headers=registrar)
    assert answer.status_code == 200, answer.text


def test_a_3A_or_higher_award_comes_with_a_numbered_certificate_and_plaque__R9_1(
        client: TestClient, registrar: Headers, platform: Platform) -> None:
    """4A: one set numbered after the award, announced; 2A: none (R9.1: 3A and above). Anyone verifies
    it by its number, without any account and without who recorded it."""
    [four] = rated(client, registrar, platform, "4A")
    [two] = organizations(platform, group(), start=2)
    filed(client, registrar, two, 2024, 2025)
    made = client.post(f"{ORGS}/{two}/ratings", json=rating("2A"), headers=registrar).json()
    assert certs(client, registrar, two) == [] and made["grade"] == "2A"

    [cert] = certs(client, registrar, four)
    rating_id = client.get(f"{ORGS}/{four}/ratings", headers=registrar).json()["current"]["id"]
    assert cert["number"] == f"PG-2026-{rating_id:06d}"
    assert (cert["grade"], cert["issued_on"], cert["valid_until"], cert["status"]) == (
        "4A", "2026-06-01", "2031-06-01", "issued")
    assert cert["issued_by"] == "registrar1"
    [event] = events(platform, "registry.rating.certificate_issued")
    assert event["data"] == {"uscc": four, "rating_id": rating_id, "number": cert["number"], "grade": "4A",
                             "issued_on": "2026-06-01", "valid_until": "2031-06-01", "replaces": None}

    public = client.get(f"/registry/rating-certificates/{cert['number']}")  # no token
    assert public.status_code == 200, public.text
    assert public.json()["status"] == "issued" and public.json()["name"].startswith("厦门市测试")
    assert "issued_by" not in public.json() and "legal_representative" not in public.text
    problem(client.get("/registry/rating-certificates/PG-2026-999999"), 404, "not-found")
    problem(client.get(f"{ORGS}/{four}/rating-certificates", headers=org_token(two)), 403, "forbidden")
    assert certs(client, org_token(four), four)[0]["number"] == cert["number"]  # its own account reads it


def test_a_downgrade_recalls_the_set_to_be_returned_within_15_days_and_exchanged__R9_6(
        client: TestClient, registrar: Headers, inspector: Headers, platform: Platform, clock: FixedClock) -> None:
    """4A -> 3A (不合格): the 4A set is due back by the downgrade + 15 days; its return is recorded and the
    3A set issued in exchange (换发). 3A -> 2A: returned, nothing issued (2A carries none). A second
    return, or one dated before the downgrade, is refused; an inspector records nothing."""
    four, three = rated(client, registrar, platform, "4A") + rated(client, registrar, platform, "3A", start=2)
    for uscc in (four, three):
        fail_inspection(client, registrar, clock, uscc, date(2027, 3, 10))
    [old] = certs(client, registrar, four)
    assert (old["status"], old["recalled_on"], old["return_due_on"]) == ("return_due", "2027-03-10", "2027-03-25")
    assert "不合格" in old["recall_reason"]
    recalled = [e["data"] for e in events(platform, "registry.rating.certificate_recalled")]
    assert {(d["uscc"], d["grade"], d["to_grade"], d["return_due_on"]) for d in recalled} == {
        (four, "4A", "3A", "2027-03-25"), (three, "3A", "2A", "2027-03-25")}

    path = f"{ORGS}/{four}/rating-certificates/{old['number']}/return"
    problem(client.post(path, json={"returned_on": "2027-03-09"}, headers=registrar), 409, "rule-violation",
            rule="R9.6")
    problem(client.post(path, json={}, headers=inspector), 403, "forbidden")
    clock.set(date(2027, 3, 20))
    answer = client.post(path, json={"returned_on": "2027-03-18"}, headers=registrar)
    assert answer.status_code == 200, answer.text
    back, new = answer.json()["certificate"], answer.json()["replacement"]
    assert (back["status"], back["returned_on"], back["returned_late"], back["returned_by"]) == (
        "returned", "2027-03-18", False, "registrar1")
    assert (new["number"], new["grade"], new["replaces"], new["issued_on"], new["valid_until"]) == (
        f"{old['number']}-2", "3A", old["number"], "2027-03-18", "2031-06-01")
    problem(client.post(path, json={}, headers=registrar), 409, "rule-violation", rule="R9.6")
    assert [c["number"] for c in certs(client, registrar, four)] == [old["number"], new["number"]]

    [three_set] = certs(client, registrar, three)
    answer = client.post(f"{ORGS}/{three}/rating-certificates/{three_set['number']}/return", headers=registrar)
    assert answer.status_code == 200 and answer.json()["replacement"] is None, answer.text
    returned = [e["data"] for e in events(platform, "registry.rating.certificate_returned")]
    assert {(d["number"], d["returned_on"], d["late"]) for d in returned} == {
        (old["number"], "2027-03-18", False), (three_set["number"], "2027-03-20", False)}
    issued = [e["data"]["number"] for e in events(platform, "registry.rating.certificate_issued")]
    assert issued == [old["number"], three_set["number"], new["number"]]


def test_a_set_not_returned_in_15_days_is_listed_overdue_then_publicly_declared_void__R9_6(
        client: TestClient, registrar: Headers, approver: Headers, platform: Platform, clock: FixedClock) -> None:
    """No voiding while the 15 days run (409); on the 16th day the set is on the registrar's overdue list;
    the registrar declares it void (公告作废) naming the notice: the public verification and the public
    notices show it void, with no personal data; a return after that is refused."""
    [uscc] = rated(client, registrar, platform, "4A")
    fail_inspection(client, registrar, clock, uscc, date(2027, 3, 10))
    [cert] = certs(client, registrar, uscc)
    voiding = f"{ORGS}/{uscc}/rating-certificates/{cert['number']}/voiding"
    notice = {"notice": "厦民评公告〔2027〕3号：原4A等级证书和牌匾作废"}
    clock.set(date(2027, 3, 25))
    assert client.get("/registry/rating-certificates", headers=registrar).json()["items"] == []
    due = client.get("/registry/rating-certificates?view=return_due", headers=approver).json()
    assert [i["number"] for i in due["items"]] == [cert["number"]]
    problem(client.post(voiding, json=notice, headers=registrar), 409, "rule-violation", rule="R9.6")

    clock.set(date(2027, 3, 26))
    overdue = client.get("/registry/rating-certificates", headers=registrar).json()
    assert overdue["view"] == "return_overdue" and overdue["total"] == 1
    assert (overdue["items"][0]["number"], overdue["items"][0]["status"]) == (cert["number"], "return_overdue")
    problem(client.post(voiding, json={**notice, "voided_on": "2027-03-25"}, headers=registrar), 409,
            "rule-violation", rule="R9.6")
    problem(client.post(voiding, json={"notice": ""}, headers=registrar), 422, "invalid-input", fields={"notice"})
    problem(client.post(voiding, json=notice, headers=approver), 403, "forbidden")
    answer = client.post(voiding, json=notice, headers=registrar)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["status"], answer.json()["voided_on"], answer.json()["voided_by"]) == (
        "voided", "2027-03-26", "registrar1")

    public = client.get(f"/registry/rating-certificates/{cert['number']}").json()
    assert (public["status"], public["status_zh"], public["void_notice"]) == ("voided", "已公告作废", notice["notice"])
    assert "voided_by" not in public
    notices = client.get("/registry/rating-certificate-notices").json()
    assert [i["number"] for i in notices["items"]] == [cert["number"]] and "voided_by" not in notices["items"][0]
    assert client.get("/registry/rating-certificates", headers=registrar).json()["total"] == 0
    problem(client.post(f"{ORGS}/{uscc}/rating-certificates/{cert['number']}/return", headers=registrar), 409,
            "rule-violation", rule="R9.6")
    [event] = events(platform, "registry.rating.certificate_voided")
    assert event["data"] == {"uscc": uscc, "rating_id": cert["rating_id"], "number": cert["number"],
                             "voided_on": "2027-03-26", "notice": notice["notice"]}


def test_a_cancelled_grade_recalls_its_set_and_a_return_exchanges_nothing__R9_6(
        client: TestClient, registrar: Headers, platform: Platform, clock: FixedClock) -> None:
    """取消评估等级 (serious list, setting `cancel`): the set is due back; once returned nothing replaces it."""
    [uscc] = rated(client, registrar, platform, "5A")
    clock.set(date(2026, 9, 1))
    with platform.registry.uow() as uow:
        ratings.downgrade_for_serious_list(DowngradeForSeriousList(uscc, "E-9", date(2026, 8, 30), "失信被执行人"),
                                           uow, RatingPolicy(serious_list_effect="cancel"))
        uow.commit()
    [cert] = certs(client, registrar, uscc)
    assert (cert["status"], cert["return_due_on"]) == ("return_due", "2026-09-16")
    answer = client.post(f"{ORGS}/{uscc}/rating-certificates/{cert['number']}/return", headers=registrar)
    assert answer.status_code == 200 and answer.json()["replacement"] is None, answer.text


def test_a_report_one_day_late_is_not_absence_from_the_annual_inspection__R9_6_L39_art_30(
        client: TestClient, registrar: Headers, platform: Platform, clock: FixedClock) -> None:
    """The default (SOCREG_RATING_LATE_REPORT_COUNTS_AS_ABSENT off): the 2026 report filed on 2027-06-01,
    a day after its deadline, lowers no grade, then or later; a report still missing when the inspection
    year closes (2027-12-31) lowers the grade held on the deadline by one, on the next sweep, once."""
    late, missing = rated(client, registrar, platform, "4A", 2)
    clock.set(date(2027, 6, 1))
    assert client.post(report_path(late, 2026, "/submit"), json=report_body(), headers=org_token(late)).status_code == 200
    policy = platform.registry.report_policy
    assert platform.registry.rating_policy.late_report_counts_as_absent is False
    assert reports.sweep_overdue(platform.registry.uow, policy, platform.registry.rating_policy) > 0
    assert events(platform, "registry.rating.downgraded") == []
    clock.set(date(2027, 12, 31))
    reports.sweep_overdue(platform.registry.uow, policy, platform.registry.rating_policy)
    assert events(platform, "registry.rating.downgraded") == []

    clock.set(date(2028, 1, 1))
    for _ in range(2):
        reports.sweep_overdue(platform.registry.uow, policy, platform.registry.rating_policy)
    [event] = events(platform, "registry.rating.downgraded")
    assert (event["subject"], event["data"]["from_grade"], event["data"]["to_grade"]) == (missing, "4A", "3A")
    assert event["data"]["reason"] == "2026 年度工作报告至 2027-12-31 仍未报送（未参加年度检查）"
    assert event["data"]["trigger"] == "annual report 2026 overdue" and event["data"]["on"] == "2028-01-01"
    assert [c["status"] for c in certs(client, registrar, late)] == ["issued"]
    assert [c["status"] for c in certs(client, registrar, missing)] == ["return_due"]
