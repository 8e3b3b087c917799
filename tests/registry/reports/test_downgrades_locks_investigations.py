"""The rest of issue 3 through HTTP and events, on SQLite and PostgreSQL: a grade lowered by a missed
annual report (the registry's own sweep) and by a serious-list entry (credit.entry.*), once per cause
whatever the delivery order (R9.6, L39 art. 30; R8.5.1, L60); an open investigation excludes the
rating (R9.3, L39 art. 7(4)); the lock after more than 5 returns (R4.4, Fujian [LOCAL]); the N189
adjusted income of the register's previous report (R10.3.2, N189 art. 10)."""
from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from services.registry.domain.rating import RatingPolicy
from services.registry.domain.report_commands import DowngradeForSeriousList
from services.registry.service_layer import ratings, reports
from shared.clock import FixedClock
from socreg.app import Platform
from tests.registry.reports.support import (Headers, events, group, org_token, organizations, problem, report_body,
                                            report_path, snapshot)
from tests.registry.reports.test_ratings_api import consume, filed, publish, rating

ORGS = "/registry/organizations"


def entry(uscc: str, entry_id: str, on: str, list_: str = "serious",
          trigger: str = "abnormal_two_years") -> dict[str, Any]:
    return {"uscc": uscc, "entry_id": entry_id, "list": list_, "trigger": trigger,
            "legal_basis": "《社会组织信用信息管理办法》", "on": on}


def grades(client: TestClient, registrar: Headers, uscc: str) -> tuple[str | None, list[str]]:
    listing = client.get(f"{ORGS}/{uscc}/ratings", headers=registrar).json()
    current = listing["current"]
    return (current and current["grade"]), [c["trigger"] for i in listing["items"] for c in i["changes"]]


def test_a_missed_deadline_lowers_the_grade_in_the_sweep_if_late_counts_as_absent__R9_6_L39_art_30(
        client: TestClient, registrar: Headers, platform: Platform, clock: FixedClock) -> None:
    """未参加年度检查, with SOCREG_RATING_LATE_REPORT_COUNTS_AS_ABSENT on (the default is off:
    tests/registry/reports/test_certificates_and_absence.py): the sweep that finds the 2026 report overdue
    lowers the grade held on the deadline by one, in its own transaction; the earlier years it finds
    overdue (before the award) and an unrated organization change no grade; a second sweep changes nothing."""
    rated, unrated = organizations(platform, group(), group())
    filed(client, registrar, rated, 2024, 2025)
    made = client.post(f"{ORGS}/{rated}/ratings", json=rating("4A"), headers=registrar).json()
    clock.set(date(2027, 6, 1))
    late_is_absent = RatingPolicy(late_report_counts_as_absent=True)
    assert reports.sweep_overdue(platform.registry.uow, platform.registry.report_policy, late_is_absent) > 1
    assert reports.sweep_overdue(platform.registry.uow, platform.registry.report_policy, late_is_absent) == 0
    [event] = events(platform, "registry.rating.downgraded")
    assert event["data"] == {"uscc": rated, "rating_id": made["id"], "awarded_on": "2026-06-01",
                             "expires_on": "2031-06-01", "from_grade": "4A", "to_grade": "3A", "on": "2027-06-01",
                             "reason": "2026 年度工作报告未在 2027-05-31 前报送（未参加年度检查）",
                             "legal_basis": "L39 art. 30 (降级); R9.6", "trigger": "annual report 2026 overdue"}
    assert grades(client, registrar, rated) == ("3A", ["annual report 2026 overdue"])
    assert grades(client, registrar, unrated) == (None, [])


def test_a_serious_list_entry_lowers_the_grade_once_in_any_order__R9_6_R8_5_1_L60(
        client: TestClient, registrar: Headers, platform: Platform, clock: FixedClock) -> None:
    """credit.entry.escalated before credit.entry.added of the same entry, and a redelivery: one
    downgrade. An abnormal-list entry changes no grade (its own triggers do, R9.6), nor does a
    serious-list entry for a large fine (the fine's penalty event does: one act, one downgrade). With
    the setting `cancel` the grade is cancelled instead (取消评估等级)."""
    listed, abnormal, fined, cancelled = organizations(platform, group(), group(), group(), group())
    for uscc in (listed, abnormal, fined, cancelled):
        filed(client, registrar, uscc, 2024, 2025)
        assert client.post(f"{ORGS}/{uscc}/ratings", json=rating("3A"), headers=registrar).status_code == 201
    clock.set(date(2026, 9, 1))
    for type_ in ("credit.entry.escalated", "credit.entry.added", "credit.entry.added"):
        publish(platform, clock, type_, listed, entry(listed, "E-1", "2026-08-30"))
    publish(platform, clock, "credit.entry.added", abnormal, entry(abnormal, "E-2", "2026-08-30", "abnormal"))
    publish(platform, clock, "credit.entry.added", fined, entry(fined, "E-4", "2026-08-30", trigger="large_fine"))
    consume(platform)
    [event] = events(platform, "registry.rating.downgraded")
    assert (event["subject"], event["data"]["from_grade"], event["data"]["to_grade"]) == (listed, "3A", "2A")
    assert event["data"]["trigger"] == "serious list E-1" and "L60" in event["data"]["legal_basis"]
    assert grades(client, registrar, listed) == ("2A", ["serious list E-1"])
    assert grades(client, registrar, abnormal) == grades(client, registrar, fined) == ("3A", [])

    cmd = DowngradeForSeriousList(cancelled, "E-3", date(2026, 8, 30), "失信被执行人")
    for _ in range(2):
        with platform.registry.uow() as uow:
            ratings.downgrade_for_serious_list(cmd, uow, RatingPolicy(serious_list_effect="cancel"))
            uow.commit()
    gone = [e["data"] for e in events(platform, "registry.rating.downgraded") if e["subject"] == cancelled]
    assert [(d["from_grade"], d["to_grade"]) for d in gone] == [("3A", None)]
    listing = client.get(f"{ORGS}/{cancelled}/ratings", headers=registrar).json()
    assert listing["current"] is None and listing["items"][0]["status"] == "cancelled"


def test_an_open_investigation_excludes_the_rating__R9_3_L39_art_7_4(
        client: TestClient, registrar: Headers, inspector: Headers, platform: Platform) -> None:
    """立案调查 reaches the registry by no event: the registrar records it (with authority, case number
    and legal basis); while it is open the award is 409 naming L39 art. 7(4); once closed it is not."""
    uscc, other = organizations(platform, group(), group())
    filed(client, registrar, uscc, 2024, 2025)
    path = f"{ORGS}/{uscc}/investigations"
    case = {"opened_on": "2026-05-10", "authority": "厦门市市场监督管理局", "case_number": "厦市监立〔2026〕12号",
            "legal_basis": "《行政处罚法》第五十四条"}
    made = client.post(path, json=case, headers=registrar)
    assert made.status_code == 201 and made.json()["open_today"] is True, made.text
    before = snapshot(platform)
    body = problem(client.post(f"{ORGS}/{uscc}/ratings", json=rating(), headers=registrar), 409, "rule-violation",
                   rule="L39 art. 7(4)")
    assert "厦市监立〔2026〕12号" in body["detail"]
    assert snapshot(platform) == before
    # bad input and roles: nothing recorded
    problem(client.post(path, json=case, headers=registrar), 409, "conflict", rule="R9.3")
    for bad, field in (({**case, "opened_on": "2026-06-02"}, "opened_on"), ({**case, "authority": ""}, "authority"),
                       ({**case, "case_number": "x\x00"}, "case_number"), ({**case, "extra": 1}, "extra")):
        problem(client.post(path, json=bad, headers=registrar), 422, "invalid-input", fields={field})
    problem(client.post(path, json=case, headers=inspector), 403, "forbidden")
    problem(client.get(path, headers=org_token(uscc)), 403, "forbidden")
    problem(client.post(f"{ORGS}/51350200MJ00999999/investigations", json=case, headers=registrar), 404, "not-found")
    closure = f"{path}/{made.json()['id']}/closure"
    problem(client.post(closure, json={"closed_on": "2026-05-01", "outcome": "撤案"}, headers=registrar), 422,
            "invalid-input", fields={"closed_on"})
    problem(client.post(f"{ORGS}/{other}/investigations/{made.json()['id']}/closure",
                        json={"closed_on": "2026-05-31", "outcome": "撤案"}, headers=registrar), 404, "not-found")
    closed = client.post(closure, json={"closed_on": "2026-05-31", "outcome": "不予行政处罚，撤案"}, headers=registrar)
    assert closed.status_code == 200 and closed.json()["open_today"] is False, closed.text
    problem(client.post(closure, json={"closed_on": "2026-05-31", "outcome": "x"}, headers=registrar), 409,
            "rule-violation")
    [listed] = client.get(path, headers=inspector).json()["items"]
    assert (listed["case_number"], listed["closed_on"], listed["closed_by"]) == (
        "厦市监立〔2026〕12号", "2026-05-31", "registrar1")
    assert client.post(f"{ORGS}/{uscc}/ratings", json=rating(), headers=registrar).status_code == 201


def test_filing_locks_after_more_than_five_returns_until_unlocked__R4_4_Fujian_2022_LOCAL(
        client: TestClient, registrar: Headers, platform: Platform) -> None:
    [uscc] = organizations(platform, group())
    org = org_token(uscc)
    give_back = {"decision": "return", "reasons": ["材料不全"]}
    problem(client.post(report_path(uscc, 2025, "/unlock"), json={"reason": "x"}, headers=registrar), 404,
            "not-found")
    for n in range(6):
        assert client.post(report_path(uscc, 2025, "/submit"), json=report_body(), headers=org).status_code == 200
        answer = client.post(report_path(uscc, 2025, "/review"), json=give_back, headers=registrar)
        assert answer.status_code == 200 and answer.json()["locked"] is (n == 5), answer.text
        if n == 3:
            problem(client.post(report_path(uscc, 2025, "/unlock"), json={"reason": "x"}, headers=registrar), 409,
                    "rule-violation", rule="R4.4")
    before = snapshot(platform)
    problem(client.put(report_path(uscc, 2025), json=report_body(), headers=org), 409, "rule-violation", rule="R4.4")
    problem(client.post(report_path(uscc, 2025, "/submit"), json=report_body(), headers=org), 409, "rule-violation",
            rule="R4.4")
    problem(client.post(report_path(uscc, 2025, "/unlock"), json={"reason": "x"}, headers=org), 403, "forbidden")
    problem(client.post(report_path(uscc, 2025, "/unlock"), json={}, headers=registrar), 422, "invalid-input",
            fields={"reason"})
    assert snapshot(platform) == before
    unlocked = client.post(report_path(uscc, 2025, "/unlock"), json={"reason": "经现场核实予以解锁"}, headers=registrar)
    assert unlocked.status_code == 200 and unlocked.json()["locked"] is False, unlocked.text
    assert client.post(report_path(uscc, 2025, "/submit"), json=report_body(), headers=org).status_code == 200
    [item] = [i for i in client.get(f"{ORGS}/{uscc}/annual-reports", headers=registrar).json()["items"]
              if i["year"] == 2025]
    assert [t["action"] for t in item["transitions"]][-3:] == ["unlocked", "corrected", "resubmitted"]
    assert item["transitions"][-3]["note"] == "经现场核实予以解锁"


def test_the_registers_previous_report_gives_the_adjusted_income__R10_3_2_N189_art_10(
        client: TestClient, registrar: Headers, platform: Platform, clock: FixedClock) -> None:
    """A public-fundraising charity (社会团体): its 2024 report declares 800,000 income of which 300,000
    restricted to later years and 100,000 released from time restriction -> 600,000; the 2025 spending
    test is 70% of 600,000 = 420,000 (not 560,000)."""
    [uscc] = organizations(platform, group(category="charity", charity=True))
    clock.set(date(2024, 12, 1))
    assert client.post(f"{ORGS}/{uscc}/fundraising-qualification", headers=registrar).status_code == 200
    clock.set(date(2026, 6, 1))
    body_2024 = report_body(charitable=500_000, audit=True)
    body_2024["finances"]["income"].update(restricted_to_later_years="300000.00",
                                           released_from_time_restriction="100000.00")
    too_much = report_body(charitable=500_000, audit=True)
    too_much["finances"]["income"]["restricted_to_later_years"] = "800000.01"
    problem(client.post(report_path(uscc, 2024, "/submit"), json=too_much, headers=org_token(uscc)), 422,
            "invalid-input", fields={"finances.income.restricted_to_later_years"})
    assert client.post(report_path(uscc, 2024, "/submit"), json=body_2024, headers=org_token(uscc)).status_code == 200
    answer = client.post(report_path(uscc, 2025, "/submit"), json=report_body(charitable=420_000, audit=True),
                         headers=org_token(uscc))
    assert answer.status_code == 200, answer.text
    found = {f["check"]: f for f in answer.json()["findings"]}["charity_spending"]
    assert found["met"] is True and "¥420,000.00" in found["required"] and "N189 art. 10" in found["basis"]
